"""Linked data: data IRIs under the base IRI, and concept IRIs, described from the store."""

from __future__ import annotations

import string
from urllib.parse import urlencode

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from dtkg.serve import describe as desc
from dtkg.serve import formats
from dtkg.serve.formats import NotAcceptable, Representation
from dtkg.serve.responses import alternates, choose_for, raw_path, represented, text
from dtkg.serve.service import Service
from dtkg.serve.site import concept_iris
from dtkg.serve.sparql import QUERIES
from dtkg.serve.views import render


async def resource(service: Service, request: Request) -> Response:
    """A data IRI under the base IRI, described."""
    return await described(service, request, service.site.iris_for_path(raw_path(request)))


async def concept(service: Service, request: Request) -> Response:
    """A concept IRI (``https://w3id.org/dtkg/concept/…``), described from the store."""
    return await described(service, request, concept_iris(raw_path(request)))


async def described(service: Service, request: Request, candidates: list[str]) -> Response:
    """The description of the first candidate IRI the store knows, or 404."""
    iri = await run_in_threadpool(desc.first_known, service.store, candidates)
    if iri is None:
        shown = candidates[0] if candidates else request.url.path
        return text(404, f"nothing is known about <{shown}> in this dataset")
    try:
        representation = choose_for(request, formats.RESOURCE_OFFERS)
    except NotAcceptable as exc:
        return text(406, str(exc))
    path = raw_path(request)
    location = f"{path}?{urlencode({'format': representation.name})}"
    body = await run_in_threadpool(description_body, service, iri, representation, path)
    return represented(body, representation, location=location)


def description_body(service: Service, iri: str, representation: Representation, path: str) -> bytes | str:
    """The description of ``iri`` written as ``representation``."""
    outbound, inbound = desc.describe(service.store, iri)
    if representation.rdf is None:
        return resource_page(service, iri, outbound, inbound, path)
    quads = list(dict.fromkeys(outbound + inbound))
    items = quads if representation.rdf.supports_datasets else desc.as_triples(quads)
    return ox.serialize(items, format=representation.rdf, prefixes=service.site.rdf_prefixes) or b""


def resource_page(service: Service, iri: str, outbound: list[ox.Quad], inbound: list[ox.Quad], path: str) -> str:
    """The HTML page of a resource: label, types, statements, inbound links and their graphs."""
    viewer = service.viewer()
    node = ox.NamedNode(iri)
    label = desc.label(service.store, node)
    types = [viewer.term(q.object) for q in outbound if q.subject == node and q.predicate == desc.RDF_TYPE]
    return render(
        "resource.html",
        iri=iri,
        title=label.value if label is not None else iri,
        types=list(dict.fromkeys(types)),
        outbound=viewer.outbound(outbound),
        inbound=viewer.inbound(inbound),
        graph_query=graph_query(iri) if service.store.contains_named_graph(node) else None,
        alternates=alternates(path, formats.RESOURCE_OFFERS),
    )


def graph_query(graph: str) -> str:
    """A link to the SPARQL endpoint listing the statements of a named graph."""
    query = string.Template((QUERIES / "graph.rq").read_text(encoding="utf-8")).substitute(graph=graph)
    return "/sparql?" + urlencode({"query": query})
