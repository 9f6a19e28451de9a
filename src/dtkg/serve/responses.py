"""HTTP plumbing shared by the routes: answers, negotiation from a request, links, security headers and CORS."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dtkg.serve import formats
from dtkg.serve.formats import Representation
from dtkg.serve.limits import too_large

ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"


def text(status: int, message: str) -> Response:
    """A plain-text answer, for errors."""
    return PlainTextResponse(message + "\n", status_code=status)


def represented(body: bytes | str, representation: Representation, *, location: str | None = None) -> Response:
    """A 200 answer in ``representation``, marked as negotiated on Accept."""
    headers = {"Vary": "Accept"}
    if location:
        headers["Content-Location"] = location
    return Response(body, media_type=representation.media_type, headers=headers)


def choose_for(request: Request, offered: tuple[Representation, ...], fmt: str | None = None) -> Representation:
    """The representation for ``request``: its ``format`` parameter, else its Accept header."""
    return formats.choose(offered, accept=request.headers.get("accept"), fmt=fmt or request.query_params.get("format"))


def raw_path(request: Request) -> str:
    """The request path as sent, percent-encoding kept."""
    raw = request.scope.get("raw_path")
    return raw.decode("latin-1").split("?", 1)[0] if raw else quote(request.url.path)


@dataclass(frozen=True)
class Link:
    """A link on a page."""

    href: str
    text: str


def alternates(path: str, offered: tuple[Representation, ...]) -> list[Link]:
    """Links to the non-HTML representations of the resource at ``path``."""
    return [Link(f"{path}?{urlencode({'format': o.name})}", o.media_type) for o in offered if not o.html]


SECURITY_HEADERS = {
    # no script at all; styles, images and forms from this server only; never framed
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
# CORS: any origin may read the data (no credentials); only the request headers SPARQL clients send
CORS_ALLOWED_HEADERS = "Accept, Content-Type"


class HeadersMiddleware:
    """Adds the security headers and ``Access-Control-Allow-Origin: *`` to every response; answers OPTIONS itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Access-Control-Allow-Origin"] = "*"
                own = headers.get("Content-Security-Policy")  # a page that needs more (the query page's scripts) says so
                for name, value in SECURITY_HEADERS.items():
                    if own is not None and name == "Content-Security-Policy":
                        continue
                    if own is not None and name == "X-Frame-Options" and "frame-ancestors 'none'" not in own:
                        continue
                    headers[name] = value
            await send(message)

        if scope["method"] == "OPTIONS":
            await preflight()(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def preflight() -> Response:
    """The answer to OPTIONS: allowed methods and the fixed list of allowed request headers, for any origin."""
    headers = {
        "Allow": ALLOWED_METHODS,
        "Access-Control-Allow-Methods": ALLOWED_METHODS,
        "Access-Control-Allow-Headers": CORS_ALLOWED_HEADERS,
        "Access-Control-Max-Age": "86400",
    }
    return Response(status_code=204, headers=headers)


class BodyTooLarge(Exception):
    """The request body went over the limit while the app was reading it."""


class SizeLimitMiddleware:
    """Answers 413 to a request body over ``limit`` bytes (at once when Content-Length says so, else as soon as
    the bytes read pass it, never reading the rest) and 414 to a URL query over ``limit``, on every route."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope.get("query_string", b"")) > self.limit:
            await self.refuse(414, "request URL")(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            await self.refuse(413, "request body")(scope, receive, send)
            return
        received, started = 0, False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge()
            return message

        async def noting_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, noting_send)
        except BodyTooLarge:
            if not started:
                await self.refuse(413, "request body")(scope, receive, send)

    def refuse(self, status: int, what: str) -> Response:
        """The answer to a request over the limit; the connection is closed, so the rest is never read."""
        response = text(status, too_large(self.limit).replace("request body", what))
        response.headers["Connection"] = "close"
        return response
