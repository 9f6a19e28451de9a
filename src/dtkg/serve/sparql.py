"""Running a protocol query against the store and writing its results in a chosen representation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol, cast

import pyoxigraph as ox

from dtkg.serve import formats
from dtkg.serve.formats import Representation
from dtkg.serve.protocol import ProtocolError, QueryRequest
from dtkg.serve.views import TermView, Viewer, render
from dtkg.sparql_text import explain, has_dataset_clause

HTML_ROW_LIMIT = 10_000
QUERIES = Path(__file__).resolve().parent / "queries"

Results = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class Output(Protocol):
    """Where results are written: anything with ``write(bytes)`` and ``flush()``."""

    def write(self, data: bytes, /) -> object: ...

    def flush(self) -> None: ...


def evaluate(store: ox.Store, request: QueryRequest, *, base_iri: str) -> Results:
    """The (lazy) results of the request's query over its RDF dataset.

    The dataset is, as the SPARQL 1.1 Protocol says: the one the request's default-graph-uri and
    named-graph-uri parameters name (overriding the query's own); else the one the query's FROM
    and FROM NAMED clauses name; else the whole store, its default graph the union of all graphs.
    """
    try:
        if request.has_dataset:
            return store.query(
                request.query,
                base_iri=base_iri,
                default_graph=[_graph(iri) for iri in request.default_graphs],
                named_graphs=[_graph(iri) for iri in request.named_graphs],
            )
        if has_dataset_clause(request.query):
            return store.query(request.query, base_iri=base_iri)
        return store.query(request.query, base_iri=base_iri, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise ProtocolError(400, f"the query is not valid SPARQL 1.1: {explain(request.query, str(exc))}") from None


def _graph(iri: str) -> ox.NamedNode:
    """A graph named in default-graph-uri/named-graph-uri; a malformed IRI is a 400."""
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise ProtocolError(400, f"not an IRI: {iri!r} ({exc})") from exc


def offers(results: Results) -> Sequence[Representation]:
    """The representations this kind of result can be sent in, best first."""
    if isinstance(results, ox.QuerySolutions):
        return formats.SELECT_OFFERS
    if isinstance(results, ox.QueryBoolean):
        return formats.ASK_OFFERS
    return formats.GRAPH_OFFERS


@dataclass(frozen=True)
class Table:
    """Results as a page shows them: variable names and rows of terms (or a boolean)."""

    variables: list[str]
    rows: list[list[TermView]]
    boolean: bool | None = None
    truncated: bool = False


def serialize(results: Results, representation: Representation, *, prefixes: dict[str, str], output: Output) -> None:
    """Write the results to ``output`` as ``representation`` (not HTML: see :func:`table`)."""
    if representation.results is not None and not isinstance(results, ox.QueryTriples):
        results.serialize(cast(IO[bytes], output), format=representation.results)
    elif representation.rdf is not None and isinstance(results, ox.QueryTriples):
        ox.serialize(results, cast(IO[bytes], output), format=representation.rdf, prefixes=prefixes)
    else:
        raise ValueError(f"{representation.media_type} cannot carry these results")


def table(results: Results, viewer: Viewer, *, limit: int = HTML_ROW_LIMIT) -> Table:
    """The results as a table for an HTML page, cut at ``limit`` rows."""
    if isinstance(results, ox.QueryBoolean):
        return Table(variables=[], rows=[], boolean=bool(results))
    if isinstance(results, ox.QuerySolutions):
        variables = [v.value for v in results.variables]
        rows = _rows(([s[v] for v in variables] for s in results), viewer, limit)
    else:
        variables = ["subject", "predicate", "object"]
        rows = _rows(([t.subject, t.predicate, t.object] for t in results), viewer, limit)
    return Table(variables=variables, rows=rows[:limit], truncated=len(rows) > limit)


def _rows(terms: object, viewer: Viewer, limit: int) -> list[list[TermView]]:
    """Up to ``limit + 1`` rows of term views (one more, to tell that rows were cut)."""
    rows: list[list[TermView]] = []
    for row in terms:  # type: ignore[attr-defined]
        rows.append([viewer.term(t) for t in row])
        if len(rows) > limit:
            break
    return rows


def results_page(query: str, result_table: Table | None) -> str:
    """The HTML page showing a query and its results (or just the query form, when there are none)."""
    return render("results.html", query=query, table=result_table)


def example_query() -> str:
    """The query the forms start with."""
    return (QUERIES / "example.rq").read_text(encoding="utf-8")
