"""Where things live on this server: which request paths are which IRIs, and back.

Data IRIs hang under the base IRI; the server answers for them under the base IRI's path,
whatever host and port it listens on. The ontology and concept namespaces are fixed
(``https://w3id.org/dtkg/…``) and are served at ``/ontology`` and ``/concept/…``. Those
routes, ``/`` and ``/sparql`` come first, so a base IRI whose path is ``/`` still works.
A base IRI ending in ``#`` cannot be dereferenced by path: its data is reached by SPARQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from dtkg.errors import UsageError
from dtkg.iris import CONCEPTS, ONTOLOGY
from dtkg.store import PREFIXES

ONTOLOGY_IRI = ONTOLOGY.rstrip("#")
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
ONTOLOGY_PATH = "/ontology"
CONCEPT_PATH = "/concept/"
LINKABLE_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class Site:
    """The base IRI the data was built with, and the path under which the server answers for it."""

    base_iri: str

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_iri)
        if parts.scheme not in ("http", "https") or not parts.netloc or not self.base_iri.endswith(("/", "#")):
            raise UsageError(
                f"base IRI {self.base_iri!r} must be an http(s) IRI ending in '/' or '#'",
                fix="for example --base http://127.0.0.1:8000/id/",
            )

    @property
    def dereferenceable(self) -> bool:
        """Whether data IRIs map to request paths (not so for a base ending in '#')."""
        return self.base_iri.endswith("/")

    @property
    def data_path(self) -> str:
        """The path prefix of data resources, with both slashes: ``/id/``."""
        return urlsplit(self.base_iri).path or "/"

    @property
    def rdf_prefixes(self) -> dict[str, str]:
        """Prefixes for writing RDF: the usual vocabularies (data IRIs stay whole, they hold slashes)."""
        return {**PREFIXES, "rdf": RDF}

    @property
    def display_prefixes(self) -> dict[str, str]:
        """Prefixes for showing IRIs on pages: the usual vocabularies plus ``id:`` for the base IRI."""
        return {**self.rdf_prefixes, "id": self.base_iri}

    def iris_for_path(self, raw_path: str) -> list[str]:
        """The IRIs a request path may name, as sent (percent-encoded) and decoded; empty if not data."""
        return _candidates(raw_path, self.data_path, self.base_iri) if self.dereferenceable else []

    def href(self, iri: str) -> str | None:
        """Where a browser on this server finds ``iri``: a local path for ours, the IRI itself for other
        http(s) IRIs, None (no link) for any other scheme (``javascript:``, ``data:``, ``file:``, …)."""
        if self.dereferenceable and iri.startswith(self.base_iri):
            return self.data_path + iri[len(self.base_iri) :]
        if iri.startswith(CONCEPTS):
            return CONCEPT_PATH + iri[len(CONCEPTS) :]
        if iri.startswith(ONTOLOGY):
            return f"{ONTOLOGY_PATH}#{iri[len(ONTOLOGY) :]}"
        if iri == ONTOLOGY_IRI:
            return ONTOLOGY_PATH
        return iri if urlsplit(iri).scheme.lower() in LINKABLE_SCHEMES else None

    def curie(self, iri: str) -> str | None:
        """``prefix:local`` (for display) for an IRI in a known namespace with a plain local name, else None."""
        for prefix, namespace in self.display_prefixes.items():
            local = iri[len(namespace) :]
            if iri.startswith(namespace) and local and all(c.isalnum() or c in "-_./" for c in local):
                return f"{prefix}:{local}"
        return None


def concept_iris(raw_path: str) -> list[str]:
    """The concept IRIs a ``/concept/…`` request path may name."""
    return _candidates(raw_path, CONCEPT_PATH, CONCEPTS)


def _candidates(raw_path: str, path_prefix: str, namespace: str) -> list[str]:
    """``namespace`` + the rest of ``raw_path`` after ``path_prefix``, raw and percent-decoded."""
    if not raw_path.startswith(path_prefix):
        return []
    rest = raw_path[len(path_prefix) :]
    return list(dict.fromkeys((namespace + rest, namespace + unquote(rest))))
