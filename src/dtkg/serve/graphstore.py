"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/store``: which graph a request names, and reading it.

- ``GET``/``HEAD /store?graph=IRI``: the named graph's triples (404 if the store has no such graph);
- ``GET``/``HEAD /store?default``: the store's own default graph (empty in a dtkg dataset, which
  keeps every statement in a named graph; SPARQL queries see the union of all graphs instead);
- ``GET /store``: the whole dataset, in N-Quads or TriG.

A graph is sent as triples: in a quad format, in the default graph. Graph IRIs under the base IRI
are also reachable by direct identification: ``GET /id/graph/meta`` (see docs/iri-policy.md).
Writes (``PUT``, ``POST``, ``DELETE``) are in :mod:`dtkg.serve.updates`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, cast

import pyoxigraph as ox

from dtkg.serve import formats
from dtkg.serve.formats import Representation

GRAPH_OFFERS = (formats.TURTLE, formats.NTRIPLES, formats.JSONLD, formats.RDFXML, formats.NQUADS, formats.TRIG,
                formats.NTRIPLES_TEXT)
DATASET_OFFERS = (formats.NQUADS, formats.TRIG, formats.JSONLD)
NEITHER = "name the graph with ?graph=IRI or ?default, not both (fix: keep one of them)"


class GraphStoreError(Exception):
    """A Graph Store request that cannot be answered: the HTTP status and the message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Target:
    """What a Graph Store request names: a named graph (``iri``), the default graph, or the whole store."""

    iri: str | None = None
    default: bool = False

    @property
    def whole_store(self) -> bool:
        return self.iri is None and not self.default

    def node(self) -> ox.NamedNode | ox.DefaultGraph:
        """The graph as a pyoxigraph term (not for the whole store)."""
        return ox.DefaultGraph() if self.default else ox.NamedNode(cast(str, self.iri))

    def describe(self) -> str:
        return "default graph" if self.default else f"graph <{self.iri}>" if self.iri else "dataset"


def target(params: list[tuple[str, str]]) -> Target:
    """The target named by the request's ``graph``/``default`` parameters; a :class:`GraphStoreError` if unclear."""
    graphs = [value for name, value in params if name == "graph"]
    default = any(name == "default" for name, _ in params)
    if len(graphs) > 1 or (graphs and default):
        raise GraphStoreError(400, NEITHER if default else "name one graph with ?graph=IRI, not several")
    if not graphs:
        return Target(default=default)
    try:
        node = ox.NamedNode(graphs[0])
    except ValueError as exc:
        raise GraphStoreError(400, f"?graph= must be an absolute IRI, not {graphs[0]!r} ({exc})") from None
    return Target(iri=node.value)


def offers(chosen: Target) -> tuple[Representation, ...]:
    """The representations of a graph, or of the whole store (quad formats only)."""
    return DATASET_OFFERS if chosen.whole_store else GRAPH_OFFERS


def exists(store: ox.Store, chosen: Target) -> bool:
    """Whether the store has the graph (the default graph and the store always exist)."""
    return chosen.iri is None or store.contains_named_graph(ox.NamedNode(chosen.iri))


def contents(store: ox.Store, chosen: Target) -> Iterator[ox.Quad] | Iterator[ox.Triple]:
    """The store's quads, or the graph's triples."""
    if chosen.whole_store:
        return iter(store)
    return (q.triple for q in store.quads_for_pattern(None, None, None, chosen.node()))


def write(store: ox.Store, chosen: Target, representation: Representation, output: IO[bytes],
          prefixes: dict[str, str]) -> None:
    """Stream the target's contents to ``output`` in ``representation``."""
    assert representation.rdf is not None
    ox.serialize(contents(store, chosen), output, format=representation.rdf, prefixes=prefixes)
