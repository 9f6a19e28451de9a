"""Linked data: data IRIs under the base IRI, and concept IRIs, described from the store (as jobs).

A request path names a thing (``/id/org/vnpt``) or a document about it in one format
(``/id/org/vnpt.ttl``); see :mod:`dtkg.serve.documents` and docs/iri-policy.md.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from dtkg.serve.documents import candidates
from dtkg.serve.engine import JobResponse
from dtkg.serve.jobs import DescribeJob
from dtkg.serve.responses import raw_path, text
from dtkg.serve.service import Service
from dtkg.serve.site import concept_iris


async def resource(service: Service, request: Request) -> Response:
    """A data IRI under the base IRI (or a document about it), described."""
    return described(service, request, service.site.iris_for_path)


async def concept(service: Service, request: Request) -> Response:
    """A concept IRI (``https://w3id.org/dtkg/concept/…``), or a document about it, described from the store."""
    return described(service, request, concept_iris)


def described(service: Service, request: Request, iris_for: Callable[[str], list[str]]) -> Response:
    """The document about the first IRI the request path names that the store knows, or 404."""
    page_text = request.query_params.get("page", "1")
    if not page_text.isdigit() or int(page_text) < 1:
        return text(400, f"page must be a whole number from 1, not {page_text!r} (fix: follow the Link rel=next header)")
    path = raw_path(request)
    job = DescribeJob(
        candidates=tuple(candidates(path, iris_for)),
        path=path,
        accept=request.headers.get("accept"),
        format=",".join(request.query_params.getlist("format")) or None,
        page=int(page_text),
        page_size=service.settings.page_size,
        params=tuple(request.query_params.multi_items()),
    )
    return JobResponse(service.engine, job)
