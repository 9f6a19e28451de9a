"""The ``/sparql`` route: the SPARQL 1.1 Protocol query operation and the service description."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from dtkg.errors import ServeError
from dtkg.serve import formats
from dtkg.serve.formats import NotAcceptable, Representation
from dtkg.serve.protocol import ProtocolError, QueryRequest, parse_params, read_operation
from dtkg.serve.responses import choose_for, represented, text
from dtkg.serve.service import Service
from dtkg.serve.sparql import evaluate, example_query, offers, results_page, serialize, table

SERVICE_DESCRIPTION = Path(__file__).resolve().parent / "service-description.ttl"
SD_PREFIXES = {
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "format": "http://www.w3.org/ns/formats/",
    "ent": "http://www.w3.org/ns/entailment/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}


async def sparql(service: Service, request: Request) -> Response:
    """The SPARQL 1.1 Protocol query operation; a bare GET gets the service description."""
    try:
        body = await request.body() if request.method == "POST" else b""
        operation = read_operation(
            request.method, parse_params(request.scope["query_string"]), request.headers.get("content-type"), body
        )
        if operation is None:
            return service_description(request)
        return await answer(service, request, operation)
    except ProtocolError as exc:
        return text(exc.status, exc.message)
    except NotAcceptable as exc:
        return text(406, str(exc))
    except ServeError as exc:
        return text(500, str(exc))


async def answer(service: Service, request: Request, operation: QueryRequest) -> Response:
    """Run the query and send its results in the negotiated representation."""
    body, representation = await run_in_threadpool(run_query, service, operation, accept=request.headers.get("accept"))
    return represented(body, representation)


def run_query(service: Service, operation: QueryRequest, *, accept: str | None) -> tuple[bytes | str, Representation]:
    """Evaluate, choose a representation and write the results, all on one thread.

    pyoxigraph's result iterators must be used and dropped on the thread that made them, so
    no exception leaving here may hold them: evaluation failures become a fresh :class:`ServeError`.
    """
    results = evaluate(service.store, operation, base_iri=service.site.base_iri)
    try:
        representation = formats.choose(offers(results), accept=accept, fmt=operation.format)
        if representation.html:
            return results_page(operation.query, table(results, service.viewer())), representation
        return serialize(results, representation, prefixes=service.site.rdf_prefixes), representation
    except (OSError, RuntimeError, ValueError) as exc:
        message = str(exc)
    finally:
        del results
    raise ServeError(f"the query failed: {message}")


def service_description(request: Request) -> Response:
    """The SPARQL Service Description of this endpoint, or the query form for browsers."""
    representation = choose_for(request, formats.SERVICE_OFFERS)
    if representation.html:
        return represented(results_page(example_query(), None), representation)
    endpoint = str(request.url.replace(query=""))
    triples = [q.triple for q in ox.parse(path=str(SERVICE_DESCRIPTION), format=ox.RdfFormat.TURTLE, base_iri=endpoint)]
    body = ox.serialize(triples, format=representation.rdf, prefixes=SD_PREFIXES) or b""
    return represented(body, representation)
