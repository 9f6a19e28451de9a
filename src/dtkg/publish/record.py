"""The publication record: a graph on the store where dtkg publish notes each graph it published.

For every graph it sent, the record holds the graph's digest and triple count, written in
the same request as the graph itself, so the record never claims a graph the store does not
hold. A staging graph in use is marked there too, so a later run can remove what an
interrupted one left. Comparing the record with the dataset's digests gives the plan.

A run that leaves the record matching its dataset exactly writes the digest of the whole
record last (any writing run removes it first); the next run reads that one value and, if it
is the digest of the dataset's graph digests, knows at once that nothing changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from dtkg import iris
from dtkg.errors import PublishError
from dtkg.publish import sparql
from dtkg.publish.dataset import DatasetIndex, GraphEntry
from dtkg.publish.report import DEFAULT_GRAPH
from dtkg.publish.transport import Connection, StoreRefused

PAGE = 5_000
"""Rows per page when reading the record from a store that cuts answers short (Virtuoso: 10,000 rows)."""


@dataclass(frozen=True, kw_only=True)
class Record:
    """What the store's publication graph says: digests per graph, and leftover staging graphs."""

    graph: str
    base: str
    digests: dict[str, str]
    staging: tuple[tuple[str, str], ...]

    def subject(self, graph: str) -> str:
        """The IRI the record uses for ``graph`` (the default graph has a stand-in IRI)."""
        return iris.default_graph_record(self.base) if graph == DEFAULT_GRAPH else graph


@dataclass(frozen=True, kw_only=True)
class Plan:
    """What a run has to do: graphs to send (new or changed), unchanged, and gone from the dataset."""

    send: tuple[GraphEntry, ...]
    unchanged: tuple[str, ...]
    gone: tuple[str, ...]
    recorded: frozenset[str]


def record_digest(digests: dict[str, str]) -> str:
    """The digest of a whole record: SHA-256 over its graphs and their digests, sorted."""
    text = "".join(f"{graph}\t{digest}\n" for graph, digest in sorted(digests.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_record(connection: Connection, endpoint: str, base: str, *, expected: dict[str, str] | None = None) -> Record:
    """Read the publication graph of the dataset with base ``base`` at ``endpoint``.

    If the record's own digest says it holds exactly ``expected``, that is all that is read.
    """
    graph = iris.publication_graph(base)
    try:
        rows = connection.select(endpoint, sparql.render("read_record_digest.rq", record=sparql.iri(graph)))
        if expected is not None and [row["digest"]["value"] for row in rows] == [record_digest(expected)]:
            return Record(graph=graph, base=base, digests=dict(expected), staging=())
        digests = _read_digests(connection, endpoint, graph, base)
        staging = read_staging(connection, endpoint, graph)
    except StoreRefused as exc:
        endpoint_fix = "--endpoint must be the store's SPARQL query URL (Oxigraph …/query, Virtuoso …/sparql, Fuseki …/DATASET/sparql)"
        raise PublishError(
            f"cannot read what was published before: {exc.message}", fix=exc.fix if exc.status in {401, 403} else endpoint_fix
        ) from None
    return Record(graph=graph, base=base, digests=digests, staging=staging)


def _read_digests(connection: Connection, endpoint: str, graph: str, base: str) -> dict[str, str]:
    """Every graph's digest in the record: in one answer, or in pages where answers are cut short."""
    default = iris.default_graph_record(base)
    digests: dict[str, str] = {}
    paged = connection.profile.max_rows is not None
    offset = 0
    while True:
        if paged:
            query = sparql.render("read_record.rq", record=sparql.iri(graph), limit=str(PAGE), offset=str(offset))
        else:
            query = sparql.render("read_record_all.rq", record=sparql.iri(graph))
        rows = connection.select(endpoint, query)
        for row in rows:
            name = row["graph"]["value"]
            digests[DEFAULT_GRAPH if name == default else name] = row["digest"]["value"]
        if not paged or len(rows) < PAGE:
            return digests
        offset += PAGE


def read_staging(connection: Connection, endpoint: str, record: str) -> tuple[tuple[str, str], ...]:
    """(staging graph, graph it is for) for every staging mark in the publication graph."""
    rows = connection.select(endpoint, sparql.render("read_staging.rq", record=sparql.iri(record)))
    return tuple(sorted((row["stage"]["value"], row["graph"]["value"]) for row in rows))


def make_plan(index: DatasetIndex, record: Record) -> Plan:
    """Compare the dataset's digests with the record's: what to send, what is unchanged, what is gone."""
    names = {entry.graph for entry in index.graphs}
    send = tuple(entry for entry in index.graphs if record.digests.get(entry.graph) != entry.digest)
    unchanged = tuple(entry.graph for entry in index.graphs if record.digests.get(entry.graph) == entry.digest)
    gone = tuple(sorted(g for g in record.digests if g not in names))
    return Plan(send=send, unchanged=unchanged, gone=gone, recorded=frozenset(record.digests))
