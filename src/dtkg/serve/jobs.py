"""The work that reads the store, as jobs a query worker (or the serving process) carries out.

Every request that reads the data becomes a small, picklable job: a SPARQL query, the
description of an IRI, or the dataset's statistics. :func:`execute` carries one out over a
store and writes its answer to a :class:`Sink`: first a :class:`Head` (status, media type,
headers), then the body in chunks. A job that cannot be answered raises :class:`JobFailed`
with the HTTP status before its head is written.
"""

from __future__ import annotations

import itertools
import json
import string
from dataclasses import dataclass, field
from typing import IO, Protocol, cast
from urllib.parse import urlencode

import pyoxigraph as ox

from dtkg.errors import DtkgError

from dtkg.serve import describe as desc
from dtkg.serve import documents, formats, graphstore
from dtkg.serve.documents import Candidate
from dtkg.serve.graphstore import Target
from dtkg.serve.formats import NotAcceptable, Representation
from dtkg.serve.protocol import ProtocolError, QueryRequest
from dtkg.serve.responses import Link
from dtkg.serve.site import Site
from dtkg.serve.sparql import QUERIES, evaluate, offers, results_page, serialize, table
from dtkg.serve.views import Viewer, render
from dtkg.serve.web.queries import QueriesJob, run_queries


@dataclass(frozen=True)
class QueryJob:
    """A SPARQL query operation and the request's Accept header."""

    operation: QueryRequest
    accept: str | None


@dataclass(frozen=True)
class DescribeJob:
    """Describe the first of ``candidates`` the store knows (page ``page`` of ``page_size`` statements),
    for the request at ``path`` with query parameters ``params``."""

    candidates: tuple[Candidate, ...]
    path: str
    accept: str | None
    format: str | None
    page: int = 1
    page_size: int = 10_000
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class StatsJob:
    """Count the dataset's named graphs and quads (answered as JSON)."""


@dataclass(frozen=True)
class GraphJob:
    """Read a graph (or the whole store) for the Graph Store Protocol; ``head``: the answer's head only."""

    target: Target
    accept: str | None
    format: str | None
    head: bool = False


Job = QueryJob | DescribeJob | StatsJob | QueriesJob | GraphJob


@dataclass(frozen=True)
class Head:
    """The status, media type and extra headers of an answer."""

    status: int
    media_type: str
    headers: tuple[tuple[str, str], ...] = field(default=())


class JobFailed(Exception):
    """A job that cannot be answered: the HTTP status and the message for the person who asked."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Sink(Protocol):
    """Where a job writes its answer: one head, then body chunks."""

    def head(self, head: Head) -> None: ...

    def write(self, data: bytes) -> object: ...

    def flush(self) -> None: ...


def execute(store: ox.Store, site: Site, job: Job, sink: Sink) -> None:
    """Carry out ``job`` over ``store``, writing the answer to ``sink``; :class:`JobFailed` if it cannot be answered."""
    try:
        if isinstance(job, QueryJob):
            run_query(store, site, job, sink)
        elif isinstance(job, DescribeJob):
            run_describe(store, site, job, sink)
        elif isinstance(job, QueriesJob):
            run_page_queries(store, site, job, sink)
        elif isinstance(job, GraphJob):
            run_graph(store, site, job, sink)
        else:
            run_stats(store, sink)
    except ProtocolError as exc:
        raise JobFailed(exc.status, exc.message) from None
    except NotAcceptable as exc:
        raise JobFailed(406, str(exc)) from None


def run_graph(store: ox.Store, site: Site, job: GraphJob, sink: Sink) -> None:
    """A graph's triples (or the store's quads), streamed; 404 for a graph the store does not have."""
    if not graphstore.exists(store, job.target):
        raise JobFailed(404, f"this store has no {job.target.describe()} (fix: PUT or POST it first, or check the IRI)")
    representation = formats.choose(graphstore.offers(job.target), accept=job.accept, fmt=job.format)
    sink.head(Head(200, representation.media_type, (("Vary", "Accept"),)))
    if not job.head:
        graphstore.write(store, job.target, representation, cast(IO[bytes], sink), site.rdf_prefixes)


def run_page_queries(store: ox.Store, site: Site, job: QueriesJob, sink: Sink) -> None:
    """The named queries a page needs (see :mod:`dtkg.serve.web.queries`), answered as one JSON array."""
    try:
        body = run_queries(store, job, base_iri=site.base_iri)
    except (OSError, RuntimeError, ValueError, SyntaxError, DtkgError) as exc:
        raise JobFailed(500, f"reading the data for this page failed: {exc}") from None
    sink.head(Head(200, "application/json"))
    sink.write(body)


def run_query(store: ox.Store, site: Site, job: QueryJob, sink: Sink) -> None:
    """Evaluate the query and write its results in the representation the request negotiates."""
    results = evaluate(store, job.operation, base_iri=site.base_iri)
    representation = formats.choose(offers(results), accept=job.accept, fmt=job.operation.format)
    sink.head(_head(representation))
    try:
        if representation.html:
            sink.write(results_page(job.operation.query, table(results, Viewer(site, store))).encode())
        else:
            serialize(results, representation, prefixes=site.rdf_prefixes, output=sink)
    except (OSError, RuntimeError, ValueError) as exc:
        raise JobFailed(500, f"the query failed: {exc}") from None


def run_describe(store: ox.Store, site: Site, job: DescribeJob, sink: Sink) -> None:
    """The document about the first candidate the store knows: a named graph's contents, or a
    resource's description (see :mod:`dtkg.serve.documents`); 404 for anything else."""
    candidate = next((c for c in job.candidates if desc.first_known(store, [c.iri])), None)
    if candidate is None:
        shown = job.candidates[0].iri if job.candidates else job.path
        raise JobFailed(404, f"nothing is known about <{shown}> in this dataset")
    representation = candidate.representation or formats.choose(
        formats.RESOURCE_OFFERS, accept=job.accept, fmt=job.format
    )
    node = ox.NamedNode(candidate.iri)
    if representation.rdf is None:
        outbound = desc.outbound(store, node)
        inbound = list(itertools.islice(desc.inbound_links(store, node), job.page_size))
        body = resource_page(store, site, candidate.iri, outbound, inbound, candidate.path).encode()
        more = False
    else:
        stream = desc.graph_contents(store, node) if store.contains_named_graph(node) else desc.description(store, node)
        quads, more = desc.page_of(stream, number=job.page, size=job.page_size)
        if not quads and job.page > 1:
            raise JobFailed(404, f"<{candidate.iri}> has no page {job.page}: its document has fewer pages")
        body = documents.write(quads, representation, prefixes=site.rdf_prefixes)
    head = documents.headers(candidate, representation, page=job.page, more=more, params=dict(job.params))
    sink.head(Head(200, representation.media_type, head))
    sink.write(body)


def resource_page(
    store: ox.Store, site: Site, iri: str, outbound: list[ox.Quad], inbound: list[ox.Quad], path: str
) -> str:
    """The HTML page of a resource: label, types, statements, inbound links and their graphs."""
    viewer = Viewer(site, store)
    node = ox.NamedNode(iri)
    label = desc.label(store, node)
    types = [viewer.term(q.object) for q in outbound if q.subject == node and q.predicate == desc.RDF_TYPE]
    return render(
        "resource.html",
        iri=iri,
        title=label.value if label is not None else iri,
        types=list(dict.fromkeys(types)),
        outbound=viewer.outbound(outbound),
        inbound=viewer.inbound(inbound),
        graph_query=graph_query(iri) if store.contains_named_graph(node) else None,
        alternates=[Link(path + suffix, r.media_type) for suffix, r in formats.SUFFIXES.items() if not r.html],
    )


def graph_query(graph: str) -> str:
    """A link to the SPARQL endpoint listing the statements of a named graph."""
    query = string.Template((QUERIES / "graph.rq").read_text(encoding="utf-8")).substitute(graph=graph)
    return "/sparql?" + urlencode({"query": query})


def run_stats(store: ox.Store, sink: Sink) -> None:
    """The number of named graphs and of quads, as JSON."""
    stats = {"graphs": sum(1 for _ in store.named_graphs()), "quads": len(store)}
    sink.head(Head(200, "application/json"))
    sink.write(json.dumps(stats).encode())


def _head(representation: Representation, *, location: str | None = None) -> Head:
    """A 200 head in ``representation``, marked as negotiated on Accept."""
    headers = [("Vary", "Accept")] + ([("Content-Location", location)] if location else [])
    return Head(200, representation.media_type, tuple(headers))


class Collector:
    """A sink keeping the whole answer in memory (for jobs run in the serving process)."""

    def __init__(self) -> None:
        self.answer_head: Head | None = None
        self.chunks: list[bytes] = []

    def head(self, head: Head) -> None:
        self.answer_head = head

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)
