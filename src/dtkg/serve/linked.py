"""Linked data: data IRIs under the base IRI, and concept IRIs, described from the store (as jobs)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from dtkg.serve.engine import JobResponse
from dtkg.serve.jobs import DescribeJob
from dtkg.serve.responses import raw_path
from dtkg.serve.service import Service
from dtkg.serve.site import concept_iris


async def resource(service: Service, request: Request) -> Response:
    """A data IRI under the base IRI, described."""
    return described(service, request, service.site.iris_for_path(raw_path(request)))


async def concept(service: Service, request: Request) -> Response:
    """A concept IRI (``https://w3id.org/dtkg/concept/…``), described from the store."""
    return described(service, request, concept_iris(raw_path(request)))


def described(service: Service, request: Request, candidates: list[str]) -> Response:
    """The description of the first candidate IRI the store knows, or 404."""
    job = DescribeJob(
        candidates=tuple(candidates),
        path=raw_path(request),
        accept=request.headers.get("accept"),
        format=request.query_params.get("format"),
    )
    return JobResponse(service.engine, job)
