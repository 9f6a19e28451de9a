"""The graphs of a loaded dataset, one at a time, as N-Triples documents ready to send."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from dtkg.errors import UsageError
from dtkg.publish.report import DEFAULT_GRAPH


@dataclass(frozen=True, kw_only=True)
class GraphPayload:
    """One graph of the dataset serialised as N-Triples (UTF-8), with its size."""

    graph: str
    ntriples: bytes
    triples: int
    has_blank_nodes: bool

    @property
    def is_default(self) -> bool:
        return self.graph == DEFAULT_GRAPH


def dataset_graphs(store: ox.Store) -> list[str]:
    """The graphs holding data: ``DEFAULT_GRAPH`` first if the default graph is not empty, then IRIs sorted."""
    named = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    has_default = next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None
    return [DEFAULT_GRAPH, *named] if has_default else named


def select_graphs(available: list[str], wanted: Collection[str] | None) -> tuple[list[str], list[str]]:
    """(graphs to publish, graphs skipped); a wanted graph missing from the dataset is a usage error."""
    if wanted is None:
        return list(available), []
    wanted = {w.strip().removeprefix("<").removesuffix(">") for w in wanted}
    missing = sorted(wanted - set(available))
    if missing:
        raise UsageError(
            "graphs not in the dataset: " + ", ".join(missing),
            fix="list the dataset's graphs with `dtkg query` and pass one of them",
        )
    return [g for g in available if g in wanted], [g for g in available if g not in wanted]


def payloads(store: ox.Store, graphs: list[str]) -> Iterator[GraphPayload]:
    """Serialise each graph in turn, so only one graph's text is in memory at a time."""
    for graph in graphs:
        yield graph_payload(store, graph)


def graph_payload(store: ox.Store, graph: str) -> GraphPayload:
    """One graph of ``store`` as an N-Triples document."""
    node = ox.DefaultGraph() if graph == DEFAULT_GRAPH else ox.NamedNode(graph)
    triples = [quad.triple for quad in store.quads_for_pattern(None, None, None, node)]
    blank = any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples)
    return GraphPayload(
        graph=graph,
        ntriples=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"",
        triples=len(triples),
        has_blank_nodes=blank,
    )


def chunks(ntriples: bytes, limit: int) -> list[bytes]:
    """Split an N-Triples document at line ends into pieces of at most ``limit`` bytes (a longer line stands alone)."""
    pieces: list[bytes] = []
    current: list[bytes] = []
    size = 0
    for line in ntriples.splitlines(keepends=True):
        if current and size + len(line) > limit:
            pieces.append(b"".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line)
    if current or not pieces:
        pieces.append(b"".join(current))
    return pieces
