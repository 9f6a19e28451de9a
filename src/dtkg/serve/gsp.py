"""The ``/store`` route: the Graph Store HTTP Protocol (reads here; writes, with the update token, in
:mod:`dtkg.serve.updates`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from dtkg.serve import graphstore
from dtkg.serve.engine import JobResponse
from dtkg.serve.graphstore import GraphStoreError
from dtkg.serve.jobs import GraphJob
from dtkg.serve.protocol import ProtocolError, parse_params
from dtkg.serve.responses import text
from dtkg.serve.service import Service


async def graph_store(service: Service, request: Request) -> Response:
    """GET/HEAD: a graph, the default graph or the whole store; writes go to :mod:`dtkg.serve.updates`."""
    try:
        chosen = graphstore.target(parse_params(request.scope["query_string"]))
    except (GraphStoreError, ProtocolError) as exc:
        return text(exc.status, exc.message)
    if request.method not in ("GET", "HEAD"):
        from dtkg.serve.updates import write_graph

        return await write_graph(service, request, chosen)
    job = GraphJob(
        target=chosen,
        accept=request.headers.get("accept"),
        format=",".join(request.query_params.getlist("format")) or None,
        head=request.method == "HEAD",
    )
    return JobResponse(service.engine, job)
