"""Store profiles: what each kind of SPARQL server calls its URLs, how it logs in, what it accepts.

A profile turns the one URL a user knows (the query endpoint) into the SPARQL Update URL and,
where the store takes a whole N-Quads document at once, its Graph Store URL; it names the
store's authentication scheme and the request sizes it accepts. Oxigraph server and Virtuoso
are tested against real servers; the Fuseki profile follows Fuseki's documented conventions.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from dtkg.errors import UsageError


class AuthScheme(enum.Enum):
    """HTTP authentication schemes a store may ask for."""

    BASIC = "basic"
    DIGEST = "digest"
    BEARER = "bearer"


class StoreKind(enum.Enum):
    """The kinds of SPARQL server dtkg knows the conventions of (``auto``: ask the server)."""

    AUTO = "auto"
    OXIGRAPH = "oxigraph"
    VIRTUOSO = "virtuoso"
    FUSEKI = "fuseki"
    GENERIC = "generic"


@dataclass(frozen=True, kw_only=True)
class StoreProfile:
    """How to talk to one kind of store: URL conventions, authentication, request limits.

    ``block_triples`` bounds one ``INSERT DATA`` block (Virtuoso 7.2 refuses a block of
    about 1,300 triples or more: SP031 "the length of generated SQL text has exceeded 10000
    lines of code", whatever the terms; its parser gives up near 5,000); ``request_triples`` bounds
    one update request, so a larger graph is sent in chunks into a staging graph and swapped
    in when complete; ``bulk_triples`` bounds one N-Quads document sent to the graph store.
    """

    kind: StoreKind
    auth: AuthScheme = AuthScheme.BASIC
    update_as_form: bool = False
    bulk_query: str | None = None
    block_triples: int = 1_000_000
    request_triples: int = 100_000
    bulk_triples: int = 100_000
    final_errors: str | None = None
    default_graph: bool = True
    decimal_point: bool = False
    graph_put: bool = False
    graph_param: str = "graph"
    graph_put_type: str = "application/n-triples"
    graph_put_prologue: bytes = b""
    max_rows: int | None = None

    @property
    def bulk(self) -> bool:
        """Whether the store adds a whole N-Quads document POSTed to its graph store."""
        return self.kind in {StoreKind.OXIGRAPH, StoreKind.FUSEKI}

    def graph_store_url(self, endpoint: str, *, authenticated: bool = False) -> str | None:
        """The graph store URL dtkg writes through (N-Quads, or one graph a request) for ``endpoint``."""
        return _derive(self.kind, endpoint, authenticated=authenticated)[1] if self.bulk or self.graph_put else None

    def update_url(self, endpoint: str, *, authenticated: bool) -> str | None:
        """The SPARQL Update URL of the store whose query endpoint is ``endpoint``, if known."""
        return _derive(self.kind, endpoint, authenticated=authenticated)[0]

    def retry_worthy(self, status: int, text: str) -> bool:
        """Whether an error reply is worth sending again (a 5xx that is not the store's final word)."""
        if status not in {429, 500, 502, 503, 504}:
            return False
        return not (self.final_errors and re.search(self.final_errors, text))


# Oxigraph's bulk loader writes each request's data as its own files: fewer, larger requests
# leave a store nearer the size `oxigraph load` gives (100,000 quads a request: 1.6×, 500,000: 1.2×).
# and a changed graph of any size goes in one update request (no SP031 there).
OXIGRAPH = StoreProfile(kind=StoreKind.OXIGRAPH, bulk_query="no_transaction", bulk_triples=500_000, request_triples=1_000_000)
VIRTUOSO = StoreProfile(
    kind=StoreKind.VIRTUOSO,
    auth=AuthScheme.DIGEST,
    update_as_form=True,
    block_triples=500,
    # Virtuoso compiles an update into SQL in time that grows faster than its size (1,000
    # triples: 0.8 s, 2,500 in one request: 5 s): small requests, larger graphs staged.
    request_triples=500,
    # Virtuoso answers 500 to every SQL error; only deadlocks (40001) are worth a retry.
    final_errors=r"Virtuoso (?!40001)\w{5} Error|Error (?!40001)[0-9A-Z]{5} ",
    # Virtuoso's default graph is the union of all graphs; it has none to write to.
    default_graph=False,
    decimal_point=True,
    graph_put=True,
    graph_param="graph-uri",
    # Virtuoso ignores the content type of a PUT and guesses it from the first bytes: a long
    # literal first makes it say "unsupported type text/plain". N-Triples is Turtle, so a
    # Turtle prefix line first makes the guess right whatever follows.
    graph_put_type="text/turtle",
    graph_put_prologue=b"@prefix dtkg: <https://w3id.org/dtkg/ontology#> .\n",
    bulk_triples=20_000,
    max_rows=10_000,
)
FUSEKI = StoreProfile(kind=StoreKind.FUSEKI)
GENERIC = StoreProfile(kind=StoreKind.GENERIC)

PROFILES: dict[StoreKind, StoreProfile] = {p.kind: p for p in (OXIGRAPH, VIRTUOSO, FUSEKI, GENERIC)}


def profile_named(name: str | StoreKind | StoreProfile) -> StoreProfile:
    """The profile for ``name`` (``"oxigraph"``, ``"virtuoso"``, ``"fuseki"``, ``"generic"``)."""
    if isinstance(name, StoreProfile):
        return name
    try:
        return PROFILES[StoreKind(name)]
    except (ValueError, KeyError):
        choices = ", ".join(k.value for k in StoreKind)
        raise UsageError(f"unknown store kind {name!r}", fix=f"use --store-kind with one of {choices}") from None


def detect_profile(endpoint: str, response: httpx.Response | None) -> StoreProfile:
    """Guess the store from the ``Server`` header of a reply, else from the endpoint's path."""
    server = (response.headers.get("server", "") if response is not None else "").lower()
    if "oxigraph" in server:
        return OXIGRAPH
    if "virtuoso" in server:
        return VIRTUOSO
    if "fuseki" in server or (response is not None and "fuseki-request-id" in response.headers):
        return FUSEKI
    return _profile_from_path(endpoint)


def _profile_from_path(endpoint: str) -> StoreProfile:
    """Oxigraph serves ``/query``; Fuseki serves ``/DATASET/sparql`` or ``/DATASET/query``."""
    segments = _segments(endpoint)
    if segments == ["query"]:
        return OXIGRAPH
    if len(segments) == 2 and segments[1] in {"sparql", "query"}:
        return FUSEKI
    return GENERIC


def _segments(url: str) -> list[str]:
    return [s for s in urlsplit(url).path.split("/") if s]


def _with_path(url: str, segments: list[str]) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + "/".join(segments), "", ""))


def _derive(kind: StoreKind, endpoint: str, *, authenticated: bool) -> tuple[str | None, str | None]:
    """(update URL, graph store URL) by the server's convention; (None, None) when unknown."""
    parent = _segments(endpoint)[:-1]
    if kind is StoreKind.OXIGRAPH:
        return _with_path(endpoint, [*parent, "update"]), _with_path(endpoint, [*parent, "store"])
    if kind is StoreKind.FUSEKI:
        dataset = _segments(endpoint)
        dataset = dataset[:-1] if dataset and dataset[-1] in {"sparql", "query"} else dataset
        return _with_path(endpoint, [*dataset, "update"]), _with_path(endpoint, [*dataset, "data"])
    if kind is StoreKind.VIRTUOSO:
        suffix = "-auth" if authenticated else ""
        return _with_path(endpoint, [*parent, f"sparql{suffix}"]), _with_path(endpoint, [*parent, f"sparql-graph-crud{suffix}"])
    return None, None
