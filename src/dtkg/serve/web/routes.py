"""The pages for people: :class:`Web`, what they share, and the routes they add (:meth:`Web.routes`).

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
        self._warming: asyncio.Future[None] | None = None

    async def run(self, *queries: NamedQuery) -> list[list[Row]]:
        """The rows of each named query, run together as one job through the service's query path."""
        return decode(await self._fetch(queries))

    async def _fetch(self, queries: tuple[NamedQuery, ...]) -> bytes:
        """The job's answer: the queries' SPARQL JSON results, as one JSON array."""
        try:
            _, body = await fetch(self.service.engine, QueriesJob(tuple(queries)))
        except JobFailed as exc:
            log.warning("a page's queries failed: %s", exc.message)
            raise PageError(exc.status, exc.message) from None
        return body

    async def catalog(self) -> Catalog:
        """The catalogue of labelled resources, built on first use."""
        if self._catalog is None:
            async with self._lock:
                if self._catalog is None:
                    body = await self._fetch(Catalog.QUERIES)
                    self._catalog = await run_in_threadpool(Catalog.from_answer, body)
        return self._catalog

    def warm_up(self) -> None:
        """Start building the catalogue now, in the background (call once the engine has started)."""
        self._warming = asyncio.ensure_future(self._warm())

    async def _warm(self) -> None:
        try:
            await self.catalog()
        except PageError as exc:  # the first page that needs it tries again, and says why if it fails
            log.warning("the search catalogue could not be built yet: %s", exc.message)

    def routes(self) -> list[Route]:
        """The pages' routes; put them before the service's own (they take ``/`` and HTML of data IRIs)."""
        from dtkg.serve.web import entity, overview, querypage, reconcile, search, static

        found = [
            Route("/", _handler(self, overview.overview), methods=["GET"]),
            Route("/search", _handler(self, search.search), methods=["GET"]),
            Route("/reconcile", _handler(self, reconcile.service), methods=["GET", "POST"]),
            Route("/reconcile/preview", _handler(self, reconcile.preview), methods=["GET"]),
            Route("/reconcile/suggest/{kind}", _handler(self, reconcile.suggest), methods=["GET"]),
            Route("/query", _handler(self, querypage.query_page), methods=["GET"]),
            Route("/static/{path:path}", _handler(self, static.asset), methods=["GET"]),
            Route("/concept/{rest:path}", _handler(self, entity.concept_page), methods=["GET"]),
        ]
        if self.site.dereferenceable:
            found.append(Route(self.site.data_path + "{rest:path}", _handler(self, entity.resource_page), methods=["GET"]))
        return found

    async def linker(self, lang: str) -> Linker:
        """Items labelled in ``lang`` for one page."""
        return Linker(self.site, await self.catalog(), lang)


Handler = Callable[[Web, Request], Awaitable[Response]]


def _handler(web: Web, endpoint: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint calling ``endpoint(web, request)``; a :class:`PageError` becomes its status and message."""

    async def handle(request: Request) -> Response:
        try:
            return await endpoint(web, request)
        except PageError as exc:
            return PlainTextResponse(exc.message + "\n", status_code=exc.status)

    handle.__name__ = endpoint.__name__
    return handle
