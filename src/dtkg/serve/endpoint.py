"""The ``/sparql`` route: the SPARQL 1.1 Protocol query operation and the service description."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from dtkg.serve import formats, limits
from dtkg.serve.engine import JobResponse
from dtkg.serve.formats import NotAcceptable
from dtkg.serve.jobs import QueryJob
from dtkg.serve.protocol import ProtocolError, parse_params, read_operation
from dtkg.serve.responses import choose_for, represented, text
from dtkg.serve.service import Service
from dtkg.serve.updates import is_update, sparql_update
from dtkg.serve.sparql import example_query, results_page

SERVICE_DESCRIPTION = Path(__file__).resolve().parent / "service-description.ttl"
SD_PREFIXES = {
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "format": "http://www.w3.org/ns/formats/",
    "ent": "http://www.w3.org/ns/entailment/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}


async def sparql(service: Service, request: Request) -> Response:
    """The SPARQL 1.1 Protocol query operation; a bare GET gets the service description.

    (Request size limits are checked for every route by :class:`~dtkg.serve.responses.SizeLimitMiddleware`.)
    """
    try:
        body = await request.body() if request.method == "POST" else b""
        params = parse_params(request.scope["query_string"])
        if service.engine.writable and request.method == "POST" and is_update(params, request.headers.get("content-type"), body):
            return await sparql_update(service, request, params, body)
        operation = read_operation(request.method, params, request.headers.get("content-type"), body)
        if operation is None:
            return service_description(request)
    except ProtocolError as exc:
        return text(exc.status, exc.message)
    except NotAcceptable as exc:
        return text(406, str(exc))
    return JobResponse(service.engine, QueryJob(operation, accept=request.headers.get("accept")))


async def read_body(request: Request, *, limit: int) -> bytes:
    """The request body, or a 413 :class:`ProtocolError` as soon as it is known to exceed ``limit`` bytes
    (the app's :class:`~dtkg.serve.responses.SizeLimitMiddleware` already holds every body to the server's limit)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ProtocolError(limits.TOO_LARGE_STATUS, limits.too_large(limit))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProtocolError(limits.TOO_LARGE_STATUS, limits.too_large(limit))
        chunks.append(chunk)
    return b"".join(chunks)


def service_description(request: Request) -> Response:
    """The SPARQL Service Description of this endpoint, or the query form for browsers."""
    representation = choose_for(request, formats.SERVICE_OFFERS)
    if representation.html:
        return represented(results_page(example_query(), None), representation)
    endpoint = str(request.url.replace(query=""))
    triples = [q.triple for q in ox.parse(path=str(SERVICE_DESCRIPTION), format=ox.RdfFormat.TURTLE, base_iri=endpoint)]
    body = ox.serialize(triples, format=representation.rdf, prefixes=SD_PREFIXES) or b""
    return represented(body, representation)
