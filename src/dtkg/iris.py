"""Every IRI dtkg mints, minted here, deterministically from normalised names and keys.

Rebuilding the same input gives the same IRIs. Data IRIs hang under the configurable
base; model IRIs (ontology, concept scheme) under the fixed w3id namespace.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

ONTOLOGY = "https://w3id.org/dtkg/ontology#"
CONCEPTS = "https://w3id.org/dtkg/concept/"
RECORD = "https://w3id.org/dtkg/record#"

_FOLD = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """NFC, case-folded, whitespace-folded text: the key two spellings of one name share."""
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(text.split())


def slug(text: str) -> str:
    """An ASCII, lowercase, hyphenated slug: ``"Nam Định"`` → ``"nam-dinh"``."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def _short_hash(text: str, size: int = 6) -> str:
    return hashlib.sha256(fold(text).encode()).hexdigest()[:size]


def named_slug(name: str) -> str:
    """A slug that keeps names apart that differ only in diacritics (Dũng vs Dung)."""
    return f"{slug(name)}-{_short_hash(name)}"


def article_key(source_name: str) -> str:
    """A stable key for an article from the name it was given (file stem or JSON id)."""
    key = slug(source_name)
    return key if len(key) <= 80 else f"{key[:60]}-{_short_hash(source_name, 12)}"


def article(base: str, key: str) -> str:
    return f"{base}article/{key}"


def article_graph(base: str, key: str) -> str:
    return f"{base}graph/article/{key}"


def meta_graph(base: str) -> str:
    return f"{base}graph/meta"


def reference_graph(base: str) -> str:
    return f"{base}graph/reference"


def resolution_graph(base: str) -> str:
    """The graph of what only the whole dataset shows: facts several articles report, conflicts."""
    return f"{base}graph/resolution"


def resolved(base: str, kind: str, key: str) -> str:
    """A fact several articles report, named by what its reports share (an agreement by its
    parties and earliest year, a target by its subject and description):
    ``{base}resolved/agreement/3f2a…``."""
    return f"{base}resolved/{kind}/{_short_hash(key, 16)}"


def publication_graph(base: str) -> str:
    """The graph in which ``dtkg publish`` records, on a store, the graphs it published there."""
    return f"{base}graph/published"


def staging_graph(base: str, graph: str) -> str:
    """The temporary graph a large graph is sent into before it is swapped in whole."""
    return f"{base}graph/staging/{hashlib.sha256(graph.encode()).hexdigest()[:24]}"


def posted_graph(base: str, key: str) -> str:
    """A graph created by a Graph Store Protocol POST to the store itself (``key``: a fresh random id)."""
    return f"{base}graph/posted/{key}"


def default_graph_record(base: str) -> str:
    """The subject under which the publication graph records the dataset's default graph."""
    return f"{base}graph/default"


def dataset_base(graph: str) -> str | None:
    """The base IRI of a dataset, read off its meta or reference graph IRI; None for other graphs."""
    for tail in ("graph/meta", "graph/reference"):
        if graph.endswith(tail) and len(graph) > len(tail):
            return graph[: -len(tail)]
    return None


def related_key(parent_key: str, index: int) -> str:
    return f"{parent_key}-related-{index}"


def entity(base: str, kind: str, name: str) -> str:
    """An extracted entity not in the reference data: ``{base}person/le-dang-dung-1a2b3c``."""
    return f"{base}{kind}/{named_slug(name)}"


def person(base: str, name: str, anchor: str) -> str:
    """A person keyed by name and by the organisation (or place) their post anchors them to:
    ``{base}person/tran-minh-khoi-1a2b3c4d``, the same in every article that gives the post."""
    where = anchor[len(base):] if anchor.startswith(base) else anchor
    return f"{base}person/{slug(name)}-{_short_hash(fold(name) + ' @ ' + where, 8)}"


def governing_body(base: str, body: str, place: str) -> str:
    """The governing body (``ubnd``, ``hdnd``, ``tinh-uy``) of a provincial unit, from the
    unit's IRI: ``{base}place/nam-dinh`` → ``{base}org/ubnd-nam-dinh``."""
    return f"{base}org/{body}-{local_name(place)}"


def local_name(iri: str) -> str:
    """The last path segment of an IRI: ``{base}place/nam-dinh`` → ``nam-dinh``."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


HOME_COUNTRY = "viet-nam"


def is_home_country(iri: str) -> bool:
    """Whether ``iri`` is the reference IRI of Việt Nam (``{base}place/viet-nam``)."""
    return iri.endswith("/place/" + HOME_COUNTRY)


def project(base: str, article_key: str, name: str) -> str:
    """A named product or project read from one article (an award's recipient), minted per article."""
    return f"{article(base, article_key)}/project/{slug(name)}"


def fact(article_iri: str, kind: str, index: int) -> str:
    """The ``index``-th fact of a kind read from an article."""
    return f"{article_iri}/{kind}/{index}"


def span(article_iri: str, start: int, end: int) -> str:
    return f"{article_iri}/text/{start}-{end}"


def role(base: str, label: str) -> str:
    return f"{base}role/{slug(label)}"


def concept(key: str) -> str:
    return f"{CONCEPTS}{key}"


_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+\Z")


def is_absolute_iri(text: str) -> bool:
    """Whether ``text`` is an absolute IRI that RDF can hold as it is (a page's URL, a URN).

    Any scheme passes: showing a ``javascript:`` URL harmlessly is the pages' job.
    """
    if not _ABSOLUTE_IRI.match(text):
        return False
    import pyoxigraph as ox

    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True
