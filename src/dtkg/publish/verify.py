"""Read graphs back from the store and compare them with the dataset, term by term.

Terms are compared as RDF defines their equality of value where stores are known to rewrite
the lexical form: language tags without regard to case, and booleans and numbers by value
(Virtuoso keeps ``"1.50"^^xsd:decimal`` as ``"1.5"``). Every other difference is reported.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from dtkg.errors import PublishError
from dtkg.publish import sparql
from dtkg.publish.dataset import DatasetIndex, GraphEntry
from dtkg.publish.report import DEFAULT_GRAPH, GraphFailure
from dtkg.publish.transport import Connection

PAGE = 5_000
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {f"{XSD}{name}" for name in ("integer", "decimal", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}
FLOATING = {f"{XSD}double", f"{XSD}float"}
BOOLEAN = f"{XSD}boolean"

Key = tuple[str, str, str]


def read_back(connection: Connection, endpoint: str, index: DatasetIndex, graphs: list[str]) -> tuple[list[str], list[GraphFailure]]:
    """(graphs read back equal, failures for the others) — each read a page of triples at a time."""
    entries = index.by_name()
    equal: list[str] = []
    failures: list[GraphFailure] = []
    for graph in graphs:
        entry = entries[graph]
        try:
            remote = _remote(connection, endpoint, entry)
        except PublishError as exc:
            failures.append(GraphFailure(graph=graph, message=f"cannot read it back: {exc.message}", url=endpoint))
            continue
        difference = _difference(_local(index, entry), remote)
        if difference is None:
            equal.append(graph)
        else:
            failures.append(GraphFailure(graph=graph, message=difference, url=endpoint, fix="publish again; if it persists, the store rewrites these terms"))
    return equal, failures


def canonical(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """A term's comparison key: its N-Triples form, lexical forms normalised where RDF allows."""
    if not isinstance(term, ox.Literal):
        return str(term)
    if term.language:
        return str(ox.Literal(term.value, language=term.language.lower()))
    datatype = term.datatype.value
    value = term.value.strip()
    try:
        if datatype == BOOLEAN:
            value = "true" if value in {"true", "1"} else "false" if value in {"false", "0"} else value
        elif datatype in NUMERIC:
            number = format(Decimal(value).normalize(), "f")
            value = "0" if number == "-0" else number
        elif datatype in FLOATING:
            value = repr(float(value))
    except (InvalidOperation, ValueError):
        pass
    return str(ox.Literal(value, datatype=term.datatype))


def _key(triple: ox.Triple) -> Key:
    return canonical(triple.subject), canonical(triple.predicate), canonical(triple.object)


def _local(index: DatasetIndex, entry: GraphEntry) -> set[Key]:
    quads = ox.parse(index.read(entry), format=ox.RdfFormat.N_QUADS)
    return {_key(quad.triple) for quad in quads}


def _remote(connection: Connection, endpoint: str, entry: GraphEntry) -> set[Key]:
    keys: set[Key] = set()
    offset = 0
    while True:
        if entry.graph == DEFAULT_GRAPH:
            query = sparql.render("read_default.rq", limit=str(PAGE), offset=str(offset))
        else:
            query = sparql.render("read_graph.rq", graph=sparql.iri(entry.graph), limit=str(PAGE), offset=str(offset))
        page = list(ox.parse(connection.construct(endpoint, query), format=ox.RdfFormat.N_TRIPLES))
        keys |= {_key(triple) for triple in page}
        if len(page) < PAGE:
            return keys
        offset += PAGE


def _difference(local: set[Key], remote: set[Key]) -> str | None:
    """None when equal, else a short account of what differs."""
    if local == remote:
        return None
    missing, extra = sorted(local - remote), sorted(remote - local)
    example = (" e.g. missing " + " ".join(missing[0]) if missing else "") + (" e.g. unexpected " + " ".join(extra[0]) if extra else "")
    return f"read back {len(remote)} triples for {len(local)} sent: {len(missing)} missing, {len(extra)} unexpected;{example}"
