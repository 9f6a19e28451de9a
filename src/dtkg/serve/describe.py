"""What the store knows about one IRI: its statements in every graph, and the links to it.

The description of a resource is every quad with it as subject (following blank-node
objects, so nested nodes come along), then those of the hash IRIs of its document that it
links to (``…/text/1-9`` brings ``…/text/1-9#position``), then every quad with it as object
(inbound links). The contents of a named graph are its quads. Both are streams in a fixed
order, so that a page of either is the same every time (see :mod:`dtkg.serve.documents`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABELS = (
    ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
    ox.NamedNode("https://schema.org/name"),
    ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
    ox.NamedNode("http://purl.org/dc/terms/title"),
)
LANGUAGES = ("vi", "en", "")


def outbound(store: ox.Store, subject: ox.NamedNode | ox.BlankNode) -> list[ox.Quad]:
    """Quads with ``subject`` as subject, in any graph, plus those of the blank nodes they reach."""
    quads: list[ox.Quad] = []
    seen: set[ox.BlankNode] = set()
    pending: list[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None]] = [
        (subject, None)
    ]
    while pending:
        node, graph = pending.pop()
        for quad in store.quads_for_pattern(node, None, None, graph):
            quads.append(quad)
            if isinstance(quad.object, ox.BlankNode) and quad.object not in seen:
                seen.add(quad.object)
                pending.append((quad.object, quad.graph_name))
    return quads


def description(store: ox.Store, node: ox.NamedNode) -> Iterator[ox.Quad]:
    """The description of ``node``, each quad once: outbound, its hash IRIs' outbound, then inbound."""
    own = outbound(store, node)
    fragments = hash_iris(node, own)
    described = {node, *fragments}
    yield from own
    for fragment in fragments:
        yield from outbound(store, fragment)
    for quad in store.quads_for_pattern(None, None, node, None):
        if quad.subject not in described:  # already there as outbound statements
            yield quad


def hash_iris(node: ox.NamedNode, quads: Iterable[ox.Quad]) -> list[ox.NamedNode]:
    """The IRIs ``node#…`` that ``quads`` link to, in first-seen order."""
    prefix = node.value.split("#", 1)[0] + "#"
    found = (q.object for q in quads if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(prefix))
    return [iri for iri in dict.fromkeys(found) if iri != node]


def graph_contents(store: ox.Store, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """The quads of the named graph ``graph``."""
    return store.quads_for_pattern(None, None, None, graph)


def page_of(quads: Iterator[ox.Quad], *, number: int, size: int) -> tuple[list[ox.Quad], bool]:
    """The ``number``-th run of ``size`` quads (from 1), and whether more follow."""
    start = (number - 1) * size
    window = list(itertools.islice(quads, start, start + size + 1))
    return window[:size], len(window) > size


def inbound_links(store: ox.Store, node: ox.NamedNode) -> Iterator[ox.Quad]:
    """Quads with ``node`` as object, in any graph, but not as subject (those are outbound)."""
    return (q for q in store.quads_for_pattern(None, None, node, None) if q.subject != node)


def inbound(store: ox.Store, obj: ox.NamedNode) -> list[ox.Quad]:
    """Quads with ``obj`` as object, in any graph."""
    return list(store.quads_for_pattern(None, None, obj, None))


def describe(store: ox.Store, iri: str) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """The outbound and inbound quads of ``iri`` (both empty when the store knows nothing of it)."""
    node = ox.NamedNode(iri)
    return outbound(store, node), inbound(store, node)


def first_known(store: ox.Store, iris: Iterable[str]) -> str | None:
    """The first IRI the store says anything about (as subject, object or graph name), else None."""
    for iri in iris:
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            continue
        if is_known(store, node):
            return iri
    return None


def is_known(store: ox.Store, node: ox.NamedNode) -> bool:
    """Whether ``node`` is a subject, an object or a graph name in the store."""
    return (
        _any(store.quads_for_pattern(node, None, None, None))
        or _any(store.quads_for_pattern(None, None, node, None))
        or store.contains_named_graph(node)
    )


def _any(quads: Iterator[ox.Quad]) -> bool:
    return next(quads, None) is not None


def as_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The quads' triples, each once, in first-seen order (for formats without graphs)."""
    return list(dict.fromkeys(q.triple for q in quads))


def label(store: ox.Store, node: ox.NamedNode) -> ox.Literal | None:
    """The best label of ``node``: skos:prefLabel, schema:name, rdfs:label, dcterms:title; Vietnamese first."""
    best: tuple[int, int] | None = None
    chosen: ox.Literal | None = None
    for rank, predicate in enumerate(LABELS):
        for quad in store.quads_for_pattern(node, predicate, None, None):
            if isinstance(quad.object, ox.Literal):
                key = (_language_rank(quad.object), rank)
                if best is None or key < best:
                    best, chosen = key, quad.object
        if chosen is not None and best is not None and best[0] == 0:
            break
    return chosen


def _language_rank(literal: ox.Literal) -> int:
    """0 for Vietnamese, 1 English, 2 no language, 3 anything else."""
    language = (literal.language or "").split("-")[0].lower()
    return LANGUAGES.index(language) if language in LANGUAGES else len(LANGUAGES)
