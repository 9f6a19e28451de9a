"""The Starlette application: pages for people, SPARQL endpoint, linked data and ontology.

Routes, in the order they are matched:

- the pages for people (:mod:`dtkg.serve.web`): ``/`` (overview), ``/search``, ``/reconcile…``,
  ``/query``, ``/static/…``, and the HTML pages of data and concept IRIs;
- ``/style.css``: the pages' style sheet;
- ``/sparql`` (and ``/sparql/``): SPARQL 1.1 Protocol query operation; a bare GET is the
  service description; updates are refused;
- ``/ontology`` (and ``/ontology/``): the ontology file, or its documentation for browsers;
- ``/concept/…``: descriptions of ``https://w3id.org/dtkg/concept/…`` from the store;
- ``/store``: the Graph Store HTTP Protocol (``?graph=IRI``, ``?default``);
- ``/.well-known/void``, ``/dumps/…``: the dataset's VoID/DCAT description and its dumps;
- ``{base path}…``: descriptions of the data IRIs under the base IRI.

Whatever reads the store runs as a job (see :mod:`dtkg.serve.engine`): in worker processes,
with a time and memory limit, when the app serves an on-disk store folder; on a thread of
this process when it is given a pyoxigraph store object (tests, embedding).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dtkg.serve.web.routes import Web
from dtkg.serve.endpoint import sparql
from dtkg.serve.engine import Engine, InProcessEngine, WorkerEngine
from dtkg.serve.gsp import graph_store
from dtkg.serve.updates import direct_write
from dtkg.serve.void import ArtefactMaker, dump, void
from dtkg.serve.writable import WritableWorkerEngine
from dtkg.serve.writer import Writer, WriterConfig
from dtkg.serve.linked import concept, resource
from dtkg.serve.pages import ontology, style
from dtkg.serve.pool import WorkerPool
from dtkg.serve.responses import HeadersMiddleware, SizeLimitMiddleware
from dtkg.serve.service import Service, packaged_ontology_dir
from dtkg.serve.site import Site
from dtkg.serve.worker import WorkerConfig
from dtkg.settings import ServeSettings


def create_app(
    source: ox.Store | Path,
    *,
    base_iri: str,
    ontology_dir: Path | None = None,
    settings: ServeSettings | None = None,
    report: Path | None = None,
) -> Starlette:
    """The web application serving ``source``, whose data IRIs hang under ``base_iri``.

    ``source`` is an Oxigraph store folder (queried by worker processes, with ``settings``'
    limits) or a pyoxigraph store object (queried in this process, without a time limit).
    ``ontology_dir`` holds ``dtkg.ttl``; when None, the ontology shipped with dtkg is used if present.
    ``report`` is the dataset's validation report (``dtkg build`` writes it beside the dataset), shown on article pages.
    """
    site = Site(base_iri)
    settings = settings or ServeSettings()
    engine = _engine(source, site, settings)
    service = Service(
        engine=engine,
        site=site,
        settings=settings,
        ontology_dir=ontology_dir or packaged_ontology_dir(),
        artefacts=ArtefactMaker.for_engine(engine, source, base_iri=site.base_iri),
    )
    pages = Web(service, report=report)
    routes = [
        *pages.routes(),  # the pages for people come first: they take / and HTML of data IRIs
        Route("/style.css", _handler(service, style), methods=["GET"]),
        Route("/sparql", _handler(service, sparql), methods=["GET", "POST"]),
        Route("/sparql/", _handler(service, sparql), methods=["GET", "POST"]),
        Route("/ontology", _handler(service, ontology), methods=["GET"]),
        Route("/ontology/", _handler(service, ontology), methods=["GET"]),
        Route("/concept/{rest:path}", _handler(service, concept), methods=["GET"]),
        Route("/store", _handler(service, graph_store), methods=["GET", "HEAD", "PUT", "POST", "DELETE"]),
        Route("/.well-known/void", _handler(service, void), methods=["GET"]),
        Route("/dumps/{name}", _handler(service, dump), methods=["GET"]),
    ]
    if site.dereferenceable:
        routes.append(Route(site.data_path + "{rest:path}", _handler(service, resource), methods=["GET"]))
        routes.append(Route(site.data_path + "{rest:path}", _handler(service, direct_write),
                            methods=["PUT", "POST", "DELETE"]))  # Graph Store Protocol, direct identification

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await service.engine.start()
        pages.warm_up()  # the search catalogue is built in the background, not on the first visitor's time
        try:
            yield
        finally:
            if service.artefacts is not None:
                await service.artefacts.close()
            await service.engine.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(SizeLimitMiddleware, limit=settings.max_request_bytes)
    app.add_middleware(HeadersMiddleware)  # outermost: every answer gets the headers, a 413 too
    return app


def _engine(source: ox.Store | Path, site: Site, settings: ServeSettings) -> Engine:
    """Worker processes over a store folder; this process over a store object."""
    writable = settings.update_token is not None
    if isinstance(source, ox.Store):
        return InProcessEngine(source, site, writable=writable)
    folder = Path(source).resolve()
    config = WorkerConfig(
        store=str(folder), base_iri=site.base_iri, memory_mb=settings.query_memory_mb,
        parent_pid=os.getpid(), copy_up_to=settings.in_memory_up_to,
    )
    pool = WorkerPool(config, size=settings.query_workers)
    if writable:  # one writer holds the store; the workers read snapshots of it (see dtkg.serve.writer)
        writer = Writer(WriterConfig(store=str(folder), base_iri=site.base_iri, memory_mb=settings.query_memory_mb,
                                     parent_pid=os.getpid()), timeout=settings.query_timeout)
        return WritableWorkerEngine(pool, writer, primary=folder, timeout=settings.query_timeout,
                                    memory_mb=settings.query_memory_mb)
    return WorkerEngine(pool, timeout=settings.query_timeout, memory_mb=settings.query_memory_mb)


Endpoint = Callable[[Service, Request], Awaitable[Response]]


def _handler(service: Service, endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint calling ``endpoint(service, request)``."""

    async def handle(request: Request) -> Response:
        return await endpoint(service, request)

    handle.__name__ = endpoint.__name__
    return handle
