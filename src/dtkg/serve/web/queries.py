"""Named SPARQL queries for the pages: ``serve/queries/<name>.rq`` bound with substitutions, run as one job.

A page asks for several named queries at once (a :class:`QueriesJob`); the job runs them
over the store, each with ``use_default_graph_as_union`` and its bindings as pyoxigraph
substitutions (a substituted variable must be projected by the query: SEP-0007), and
answers with a JSON array of SPARQL JSON results, which :func:`decode` turns back into rows
of pyoxigraph terms. Bindings travel as N-Triples terms, so a job pickles into a worker.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from dtkg.errors import ServeError

QUERIES = Path(__file__).resolve().parent.parent / "queries"
Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = dict[str, Term]
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class NamedQuery:
    """A query file by name (``article-facts`` for ``queries/article-facts.rq``) and its bindings."""

    name: str
    bindings: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, name: str, **bindings: Term) -> "NamedQuery":
        """The query ``name`` with each keyword bound to a term (``article=NamedNode(...)``)."""
        return cls(name, tuple((var, str(term)) for var, term in sorted(bindings.items())))


@dataclass(frozen=True)
class QueriesJob:
    """Named queries to run together, for one page."""

    queries: tuple[NamedQuery, ...]


@cache
def query_text(name: str) -> str:
    """The text of ``queries/<name>.rq``; a name outside that folder is refused."""
    path = QUERIES / f"{name}.rq"
    if not name.replace("-", "").isalnum() or not path.is_file():
        raise ServeError(f"no page query named {name!r}", path=str(path))
    return path.read_text(encoding="utf-8")


def parse_term(text: str) -> Term:
    """An N-Triples term (as ``str(term)`` writes it) back as a pyoxigraph term."""
    triple = next(iter(ox.parse(f"<urn:x:s> <urn:x:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES)))
    return triple.object


def run_queries(store: ox.Store, job: QueriesJob, *, base_iri: str | None = None) -> bytes:
    """The job's answer: a JSON array holding each query's SPARQL JSON results, in order."""
    parts: list[bytes] = []
    for named in job.queries:
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(var): parse_term(text) for var, text in named.bindings
        }
        results = store.query(
            query_text(named.name), base_iri=base_iri, use_default_graph_as_union=True, substitutions=substitutions
        )
        try:
            if isinstance(results, ox.QueryTriples):
                raise ServeError(f"page query {named.name!r} must be a SELECT or ASK query", path=named.name)
            parts.append(results.serialize(format=ox.QueryResultsFormat.JSON) or b"{}")
        finally:
            del results
    return b"[" + b",".join(parts) + b"]"


def decode(body: bytes) -> list[list[Row]]:
    """Rows of terms for each query of a job, from the job's answer."""
    return [[_row(binding) for binding in result.get("results", {}).get("bindings", [])] for result in json.loads(body)]


PlainRow = dict[str, tuple[str, str]]


def decode_plain(body: bytes) -> list[list[PlainRow]]:
    """Like :func:`decode`, but each value as (lexical form, language tag or ""): no terms made, for bulk reads."""
    return [
        [{name: (value["value"], value.get("xml:lang", "")) for name, value in binding.items()}
         for binding in result.get("results", {}).get("bindings", [])]
        for result in json.loads(body)
    ]


def _row(binding: dict[str, dict[str, str]]) -> Row:
    return {name: _term(value) for name, value in binding.items()}


def _term(value: dict[str, str]) -> Term:
    kind = value["type"]
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind == "bnode":
        return ox.BlankNode(value["value"])
    if "xml:lang" in value:
        return ox.Literal(value["value"], language=value["xml:lang"])
    if "datatype" in value:
        return ox.Literal(value["value"], datatype=ox.NamedNode(value["datatype"]))
    return ox.Literal(value["value"])


def text(row: Row, name: str, default: str = "") -> str:
    """The lexical value of ``row[name]``, or ``default`` when unbound."""
    term = row.get(name)
    return term.value if term is not None else default


def number(row: Row, name: str, default: int = 0) -> int:
    """``row[name]`` as an integer (counts), or ``default`` when unbound or not a number."""
    try:
        return int(float(text(row, name)))
    except ValueError:
        return default


def iris(rows: Iterable[Row], name: str) -> list[str]:
    """The IRIs bound to ``name`` across ``rows``, each once, in order."""
    return list(dict.fromkeys(r[name].value for r in rows if isinstance(r.get(name), ox.NamedNode)))
