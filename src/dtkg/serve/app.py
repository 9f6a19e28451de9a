"""The Starlette application: SPARQL endpoint, linked data, ontology and landing page.

Routes, in the order they are matched:

- ``/``: landing page (statistics, links, a query form);
- ``/sparql`` (and ``/sparql/``): SPARQL 1.1 Protocol query operation; a bare GET is the
  service description; updates are refused;
- ``/ontology`` (and ``/ontology/``): the ontology file, or its documentation for browsers;
- ``/concept/…``: descriptions of ``https://w3id.org/dtkg/concept/…`` from the store;
- ``{base path}…``: descriptions of the data IRIs under the base IRI.
"""

from __future__ import annotations

import string
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dtkg.errors import DtkgError, ServeError
from dtkg.serve import describe as desc
from dtkg.serve import formats
from dtkg.serve.formats import NotAcceptable, Representation
from dtkg.serve.ontology import OntologyDoc, ontology_path, read_ontology
from dtkg.serve.protocol import ProtocolError, QueryRequest, parse_params, read_operation
from dtkg.serve.site import Site, concept_iris
from dtkg.serve.sparql import evaluate, offers, results_page, serialize, table
from dtkg.serve.views import Viewer, render

HERE = Path(__file__).resolve().parent
SERVICE_DESCRIPTION = HERE / "service-description.ttl"
QUERIES = HERE / "queries"
SD_PREFIXES = {
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "format": "http://www.w3.org/ns/formats/",
    "ent": "http://www.w3.org/ns/entailment/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}
ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"


@dataclass
class Service:
    """What the routes share: the store, where its IRIs live, and the ontology folder."""

    store: ox.Store
    site: Site
    ontology_dir: Path | None
    _stats: dict[str, int] | None = field(default=None, init=False)

    def viewer(self) -> Viewer:
        """A fresh viewer (its label cache lives for one request)."""
        return Viewer(self.site, self.store)

    def stats(self) -> dict[str, int]:
        """Number of named graphs and of quads, counted once (the served store is read-only)."""
        if self._stats is None:
            self._stats = {"graphs": sum(1 for _ in self.store.named_graphs()), "quads": len(self.store)}
        return self._stats

    @cached_property
    def ontology_file(self) -> Path | None:
        """The ontology file to serve, or None when there is none."""
        if self.ontology_dir is None:
            return None
        path = ontology_path(self.ontology_dir)
        return path if path.is_file() else None

    @cached_property
    def ontology_doc(self) -> OntologyDoc | None:
        """The ontology's documentation model, read once."""
        return read_ontology(self.ontology_file, Viewer(self.site, None)) if self.ontology_file else None


def create_app(store: ox.Store, *, base_iri: str, ontology_dir: Path | None = None) -> Starlette:
    """The web application serving ``store``, whose data IRIs hang under ``base_iri``.

    ``ontology_dir`` holds ``dtkg.ttl``; when None, the ontology shipped with dtkg is used if present.
    """
    service = Service(store=store, site=Site(base_iri), ontology_dir=ontology_dir or _packaged_ontology_dir())
    routes = [
        Route("/", _handler(service, landing), methods=["GET"]),
        Route("/sparql", _handler(service, sparql), methods=["GET", "POST"]),
        Route("/sparql/", _handler(service, sparql), methods=["GET", "POST"]),
        Route("/ontology", _handler(service, ontology), methods=["GET"]),
        Route("/ontology/", _handler(service, ontology), methods=["GET"]),
        Route("/concept/{rest:path}", _handler(service, concept), methods=["GET"]),
    ]
    if service.site.dereferenceable:
        routes.append(Route(service.site.data_path + "{rest:path}", _handler(service, resource), methods=["GET"]))
    app = Starlette(routes=routes)
    app.add_middleware(CORSMiddleware)
    return app


def _packaged_ontology_dir() -> Path | None:
    """The ontology folder shipped with dtkg, or None when the installation has none."""
    from dtkg import resources

    try:
        return resources.ontology_dir()
    except DtkgError:
        return None


Endpoint = Callable[[Service, Request], Awaitable[Response]]


def _handler(service: Service, endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint calling ``endpoint(service, request)``."""

    async def handle(request: Request) -> Response:
        return await endpoint(service, request)

    handle.__name__ = endpoint.__name__
    return handle


class CORSMiddleware:
    """Adds ``Access-Control-Allow-Origin: *`` to every response and answers every OPTIONS (preflight) itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            await preflight(Request(scope))(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["Access-Control-Allow-Origin"] = "*"
            await send(message)

        await self.app(scope, receive, send_with_cors)


def preflight(request: Request) -> Response:
    """The answer to OPTIONS: allowed methods and headers, for any origin."""
    headers = {
        "Allow": ALLOWED_METHODS,
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": ALLOWED_METHODS,
        "Access-Control-Allow-Headers": request.headers.get("access-control-request-headers", "*"),
        "Access-Control-Max-Age": "86400",
    }
    return Response(status_code=204, headers=headers)


def text(status: int, message: str) -> Response:
    """A plain-text answer, for errors."""
    return PlainTextResponse(message + "\n", status_code=status)


def represented(body: bytes | str, representation: Representation, *, location: str | None = None) -> Response:
    """A 200 answer in ``representation``, marked as negotiated on Accept."""
    headers = {"Vary": "Accept"}
    if location:
        headers["Content-Location"] = location
    return Response(body, media_type=representation.media_type, headers=headers)


def _choose(request: Request, offered: tuple[Representation, ...], fmt: str | None = None) -> Representation:
    """The representation for ``request``: its ``format`` parameter, else its Accept header."""
    return formats.choose(offered, accept=request.headers.get("accept"), fmt=fmt or request.query_params.get("format"))


# ---------------------------------------------------------------- landing page


async def landing(service: Service, request: Request) -> Response:
    """The landing page: statistics, links and a query form."""
    try:
        representation = _choose(request, formats.PAGE_OFFERS)
    except NotAcceptable as exc:
        return text(406, str(exc))
    stats = await run_in_threadpool(service.stats)
    page = render(
        "index.html",
        stats=stats,
        base_iri=service.site.base_iri,
        data_path=service.site.data_path if service.site.dereferenceable else None,
        query=example_query(),
    )
    return represented(page, representation)


def example_query() -> str:
    """The query the forms start with."""
    return (QUERIES / "example.rq").read_text(encoding="utf-8")


# ---------------------------------------------------------------- SPARQL


async def sparql(service: Service, request: Request) -> Response:
    """The SPARQL 1.1 Protocol query operation; a bare GET gets the service description."""
    try:
        body = await request.body() if request.method == "POST" else b""
        operation = read_operation(
            request.method, parse_params(request.scope["query_string"]), request.headers.get("content-type"), body
        )
        if operation is None:
            return service_description(request)
        return await answer(service, request, operation)
    except ProtocolError as exc:
        return text(exc.status, exc.message)
    except NotAcceptable as exc:
        return text(406, str(exc))
    except ServeError as exc:
        return text(500, str(exc))


async def answer(service: Service, request: Request, operation: QueryRequest) -> Response:
    """Run the query and send its results in the negotiated representation."""
    body, representation = await run_in_threadpool(run_query, service, operation, accept=request.headers.get("accept"))
    return represented(body, representation)


def run_query(service: Service, operation: QueryRequest, *, accept: str | None) -> tuple[bytes | str, Representation]:
    """Evaluate, choose a representation and write the results, all on one thread.

    pyoxigraph's result iterators must be used and dropped on the thread that made them, so
    no exception leaving here may hold them: evaluation failures become a fresh :class:`ServeError`.
    """
    results = evaluate(service.store, operation, base_iri=service.site.base_iri)
    try:
        representation = formats.choose(offers(results), accept=accept, fmt=operation.format)
        if representation.html:
            return results_page(operation.query, table(results, service.viewer())), representation
        return serialize(results, representation, prefixes=service.site.rdf_prefixes), representation
    except (OSError, RuntimeError, ValueError) as exc:
        message = str(exc)
    finally:
        del results
    raise ServeError(f"the query failed: {message}")


def service_description(request: Request) -> Response:
    """The SPARQL Service Description of this endpoint, or the query form for browsers."""
    representation = _choose(request, formats.SERVICE_OFFERS)
    if representation.html:
        return represented(results_page(example_query(), None), representation)
    endpoint = str(request.url.replace(query=""))
    triples = [q.triple for q in ox.parse(path=str(SERVICE_DESCRIPTION), format=ox.RdfFormat.TURTLE, base_iri=endpoint)]
    body = ox.serialize(triples, format=representation.rdf, prefixes=SD_PREFIXES) or b""
    return represented(body, representation)


# ---------------------------------------------------------------- linked data


async def resource(service: Service, request: Request) -> Response:
    """A data IRI under the base IRI, described."""
    return await described(service, request, service.site.iris_for_path(_raw_path(request)))


async def concept(service: Service, request: Request) -> Response:
    """A concept IRI (``https://w3id.org/dtkg/concept/…``), described from the store."""
    return await described(service, request, concept_iris(_raw_path(request)))


def _raw_path(request: Request) -> str:
    """The request path as sent, percent-encoding kept."""
    raw = request.scope.get("raw_path")
    return raw.decode("latin-1").split("?", 1)[0] if raw else request.url.path


async def described(service: Service, request: Request, candidates: list[str]) -> Response:
    """The description of the first candidate IRI the store knows, or 404."""
    iri = await run_in_threadpool(desc.first_known, service.store, candidates)
    if iri is None:
        shown = candidates[0] if candidates else request.url.path
        return text(404, f"nothing is known about <{shown}> in this dataset")
    try:
        representation = _choose(request, formats.RESOURCE_OFFERS)
    except NotAcceptable as exc:
        return text(406, str(exc))
    location = f"{request.url.path}?{urlencode({'format': representation.name})}"
    body = await run_in_threadpool(description_body, service, iri, representation, request.url.path)
    return represented(body, representation, location=location)


def description_body(service: Service, iri: str, representation: Representation, path: str) -> bytes | str:
    """The description of ``iri`` written as ``representation``."""
    outbound, inbound = desc.describe(service.store, iri)
    if representation.rdf is None:
        return resource_page(service, iri, outbound, inbound, path)
    quads = list(dict.fromkeys(outbound + inbound))
    items = quads if representation.rdf.supports_datasets else desc.as_triples(quads)
    return ox.serialize(items, format=representation.rdf, prefixes=service.site.rdf_prefixes) or b""


def resource_page(service: Service, iri: str, outbound: list[ox.Quad], inbound: list[ox.Quad], path: str) -> str:
    """The HTML page of a resource: label, types, statements, inbound links and their graphs."""
    viewer = service.viewer()
    node = ox.NamedNode(iri)
    label = desc.label(service.store, node)
    types = [viewer.term(q.object) for q in outbound if q.subject == node and q.predicate == desc.RDF_TYPE]
    return render(
        "resource.html",
        iri=iri,
        title=label.value if label is not None else iri,
        types=list(dict.fromkeys(types)),
        outbound=viewer.outbound(outbound),
        inbound=viewer.inbound(inbound),
        graph_query=graph_query(iri) if service.store.contains_named_graph(node) else None,
        alternates=alternates(path, formats.RESOURCE_OFFERS),
    )


def graph_query(graph: str) -> str:
    """A link to the SPARQL endpoint listing the statements of a named graph."""
    query = string.Template((QUERIES / "graph.rq").read_text(encoding="utf-8")).substitute(graph=graph)
    return "/sparql?" + urlencode({"query": query})


@dataclass(frozen=True)
class Link:
    """A link on a page."""

    href: str
    text: str


def alternates(path: str, offered: tuple[Representation, ...]) -> list[Link]:
    """Links to the non-HTML representations of the resource at ``path``."""
    return [Link(f"{path}?{urlencode({'format': o.name})}", o.media_type) for o in offered if not o.html]


# ---------------------------------------------------------------- ontology


async def ontology(service: Service, request: Request) -> Response:
    """The ontology as RDF, or its documentation page for browsers."""
    if service.ontology_file is None:
        return text(404, "no ontology is served here (no dtkg.ttl in the ontology folder)")
    try:
        representation = _choose(request, formats.ONTOLOGY_OFFERS)
    except NotAcceptable as exc:
        return text(406, str(exc))
    if representation.html:
        doc = await run_in_threadpool(lambda: service.ontology_doc)
        page = render("ontology.html", doc=doc, alternates=alternates(request.url.path, formats.ONTOLOGY_OFFERS))
        return represented(page, representation)
    return represented(ontology_body(service.ontology_file, representation), representation)


def ontology_body(path: Path, representation: Representation) -> bytes:
    """The ontology file as is (Turtle) or converted to ``representation``."""
    if representation.rdf is ox.RdfFormat.TURTLE:
        return path.read_bytes()
    triples = [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    return ox.serialize(triples, format=representation.rdf) or b""
