"""Writes over HTTP: the Graph Store Protocol's PUT, POST and DELETE, and SPARQL Update, for token holders.

A server started with an update token (``DTKG_UPDATE_TOKEN`` or ``--update-token-file``) accepts
writes from requests with ``Authorization: Bearer <token>``: without it, 401 with a
``WWW-Authenticate`` challenge; with another token, 403. The token is compared in constant time.
A server started without a token answers writes 405 (Graph Store) or 403 (SPARQL Update) and
says how to enable them. Each write is one transaction on the store, and every request that
starts after its answer sees it (see :mod:`dtkg.serve.writer`).
"""

from __future__ import annotations

import hmac
import uuid
from email.parser import BytesParser
from email.policy import HTTP

from starlette.requests import Request
from starlette.responses import Response

from dtkg.iris import posted_graph
from dtkg.serve.graphstore import Target
from dtkg.serve.jobs import JobFailed
from dtkg.serve.protocol import FORM, SPARQL_UPDATE, ProtocolError, Params, parse_params, split_content_type
from dtkg.serve.responses import raw_path, text
from dtkg.serve.service import Service
from dtkg.serve.writes import GraphWriteJob, UpdateJob, WriteJob

READ_ONLY = (
    "this server is read-only: it was started without an update token "
    "(fix: start dtkg serve with DTKG_UPDATE_TOKEN set in its environment, or --update-token-file FILE)"
)
CHALLENGE = 'Bearer realm="dtkg", charset="UTF-8"'


def authorize(service: Service, request: Request) -> Response | None:
    """None when the request may write; else the 405, 401 or 403 answer."""
    token = service.settings.update_token
    if token is None or not service.engine.writable:
        response = text(405, READ_ONLY)
        response.headers["Allow"] = "GET, HEAD"
        return response
    scheme, _, given = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        response = text(401, "writing needs the update token (fix: send the header Authorization: Bearer TOKEN)")
        response.headers["WWW-Authenticate"] = CHALLENGE
        return response
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        return text(403, "this update token is not the one this server accepts (nothing was written)")
    return None


async def write(service: Service, job: WriteJob) -> Response:
    """Carry out ``job``: 201 with Location for a graph it created, 204 otherwise, or the failure."""
    try:
        result = await service.engine.write(job)
    except JobFailed as exc:
        return text(exc.status, exc.message)
    response = Response(status_code=result.status)
    if result.created:
        response.headers["Location"] = result.created
    return response


# ---------------------------------------------------------------- Graph Store Protocol


async def write_graph(service: Service, request: Request, target: Target) -> Response:
    """PUT (replace), POST (merge; on the store itself: a new graph) or DELETE of a graph."""
    from dtkg.serve.endpoint import read_body

    denied = authorize(service, request)
    if denied is not None:
        return denied
    try:
        body = await read_body(request, limit=service.settings.max_request_bytes)
        parts = () if request.method == "DELETE" else payload(request.headers.get("content-type"), body)
    except ProtocolError as exc:
        return text(exc.status, exc.message)
    if request.method == "POST" and target.whole_store:
        target = Target(iri=posted_graph(service.site.base_iri, uuid.uuid4().hex))
    return await write(service, GraphWriteJob(method=request.method, target=target, parts=parts))


async def direct_write(service: Service, request: Request) -> Response:
    """PUT, POST or DELETE on a data IRI: the Graph Store Protocol with the graph named by the request's IRI."""
    iris = service.site.iris_for_path(raw_path(request))
    return await write_graph(service, request, Target(iri=iris[0]))


def payload(content_type: str | None, body: bytes) -> tuple[tuple[str, bytes], ...]:
    """The payload as (media type, bytes) parts: the body, or each part of a multipart/form-data body."""
    media_type, _ = split_content_type(content_type)
    if media_type != "multipart/form-data":
        return ((media_type, body),)
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + (content_type or "").encode() + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise ProtocolError(400, "the multipart/form-data body has no parts (fix: check its boundary)")
    return tuple(
        (part.get_content_type(), part.get_payload(decode=True) or b"")  # type: ignore[misc]
        for part in message.iter_parts()
    )


# ---------------------------------------------------------------- SPARQL Update


def is_update(params: Params, content_type: str | None, body: bytes) -> bool:
    """Whether a POST to the endpoint is an update operation (rather than a query)."""
    media_type, _ = split_content_type(content_type)
    if media_type == SPARQL_UPDATE:
        return True
    if media_type == FORM:
        try:
            return any(name == "update" for name, _ in parse_params(body))
        except ProtocolError:
            return False
    return False


def read_update(params: Params, content_type: str | None, body: bytes) -> UpdateJob:
    """The update operation of a POST, with its protocol dataset; a :class:`ProtocolError` for what the
    SPARQL 1.1 Protocol forbids."""
    media_type, charset = split_content_type(content_type)
    if media_type == SPARQL_UPDATE:
        if charset not in (None, "utf-8", "utf8"):
            raise ProtocolError(415, f"the update must be sent in UTF-8, not {charset}")
        try:
            fields = params + [("update", body.decode("utf-8"))]
        except UnicodeDecodeError as exc:
            raise ProtocolError(400, f"the update is not UTF-8: {exc}") from None
    else:
        fields = params + parse_params(body)
    updates = [value for name, value in fields if name == "update"]
    if len(updates) != 1:
        raise ProtocolError(400, f"exactly one update is allowed per request, not {len(updates)}")
    if any(name == "query" for name, _ in fields):
        raise ProtocolError(400, "a request is a query or an update, not both (fix: send them apart)")
    return UpdateJob(
        update=updates[0],
        using=tuple(v for n, v in fields if n == "using-graph-uri"),
        using_named=tuple(v for n, v in fields if n == "using-named-graph-uri"),
    )


async def sparql_update(service: Service, request: Request, params: Params, body: bytes) -> Response:
    """A SPARQL Update POSTed to the endpoint."""
    denied = authorize(service, request)
    if denied is not None:
        return denied
    try:
        job = read_update(params, request.headers.get("content-type"), body)
    except ProtocolError as exc:
        return text(exc.status, exc.message)
    return await write(service, job)

