"""The routes the pages for people add, and :class:`Web`, what they share.

:meth:`Web.run` is the one way a page reads the store: named queries (see
:mod:`dtkg.serve.web.queries`) run as one job through the service's query path.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from dtkg.serve.engine import fetch
from dtkg.serve.jobs import JobFailed
from dtkg.serve.service import Service
from dtkg.serve.web.catalog import Catalog
from dtkg.serve.web.items import Linker
from dtkg.serve.web.queries import NamedQuery, QueriesJob, Row, decode

log = logging.getLogger("uvicorn.error")


class PageError(Exception):
    """A page that cannot be made: the HTTP status and the message for the reader."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Web:
    """What the pages share: the service, the catalogue (built once) and the validation report's path."""

    def __init__(self, service: Service, *, report: Path | None = None) -> None:
        self.service = service
        self.site = service.site
        self.report = report
        self._catalog: Catalog | None = None
        self._lock = asyncio.Lock()

    async def run(self, *queries: NamedQuery) -> list[list[Row]]:
        """The rows of each named query, run together as one job through the service's query path."""
        try:
            _, body = await fetch(self.service.engine, QueriesJob(tuple(queries)))
        except JobFailed as exc:
            log.warning("a page's queries failed: %s", exc.message)
            raise PageError(exc.status, exc.message) from None
        return decode(body)

    async def catalog(self) -> Catalog:
        """The catalogue of labelled resources, built on first use."""
        if self._catalog is None:
            async with self._lock:
                if self._catalog is None:
                    results = await self.run(*Catalog.QUERIES)
                    self._catalog = await run_in_threadpool(Catalog.from_results, results)
        return self._catalog

    async def linker(self, lang: str) -> Linker:
        """Items labelled in ``lang`` for one page."""
        return Linker(self.site, await self.catalog(), lang)


Handler = Callable[[Web, Request], Awaitable[Response]]


def routes(service: Service, *, report: Path | None = None) -> list[Route]:
    """The pages' routes over ``service``; put them before the service's own (they take ``/`` and HTML of data IRIs)."""
    from dtkg.serve.web import entity, overview, querypage, reconcile, search, static

    web = Web(service, report=report)
    found = [
        Route("/", _handler(web, overview.overview), methods=["GET"]),
        Route("/search", _handler(web, search.search), methods=["GET"]),
        Route("/reconcile", _handler(web, reconcile.service), methods=["GET", "POST"]),
        Route("/reconcile/preview", _handler(web, reconcile.preview), methods=["GET"]),
        Route("/reconcile/suggest/{kind}", _handler(web, reconcile.suggest), methods=["GET"]),
        Route("/query", _handler(web, querypage.query_page), methods=["GET"]),
        Route("/static/{path:path}", _handler(web, static.asset), methods=["GET"]),
        Route("/concept/{rest:path}", _handler(web, entity.concept_page), methods=["GET"]),
    ]
    if service.site.dereferenceable:
        found.append(Route(service.site.data_path + "{rest:path}", _handler(web, entity.resource_page), methods=["GET"]))
    return found


def _handler(web: Web, endpoint: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint calling ``endpoint(web, request)``; a :class:`PageError` becomes its status and message."""

    async def handle(request: Request) -> Response:
        try:
            return await endpoint(web, request)
        except PageError as exc:
            return PlainTextResponse(exc.message + "\n", status_code=exc.status)

    handle.__name__ = endpoint.__name__
    return handle
