"""The Starlette application: SPARQL endpoint, linked data, ontology and landing page.

Routes, in the order they are matched:

- ``/``: landing page (statistics, links, a query form);
- ``/sparql`` (and ``/sparql/``): SPARQL 1.1 Protocol query operation; a bare GET is the
  service description; updates are refused;
- ``/ontology`` (and ``/ontology/``): the ontology file, or its documentation for browsers;
- ``/concept/…``: descriptions of ``https://w3id.org/dtkg/concept/…`` from the store;
- ``{base path}…``: descriptions of the data IRIs under the base IRI.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dtkg.serve.endpoint import sparql
from dtkg.serve.linked import concept, resource
from dtkg.serve.pages import landing, ontology
from dtkg.serve.responses import CORSMiddleware
from dtkg.serve.service import Service, packaged_ontology_dir
from dtkg.serve.site import Site


def create_app(store: ox.Store, *, base_iri: str, ontology_dir: Path | None = None) -> Starlette:
    """The web application serving ``store``, whose data IRIs hang under ``base_iri``.

    ``ontology_dir`` holds ``dtkg.ttl``; when None, the ontology shipped with dtkg is used if present.
    """
    service = Service(store=store, site=Site(base_iri), ontology_dir=ontology_dir or packaged_ontology_dir())
    routes = [
        Route("/", _handler(service, landing), methods=["GET"]),
        Route("/sparql", _handler(service, sparql), methods=["GET", "POST"]),
        Route("/sparql/", _handler(service, sparql), methods=["GET", "POST"]),
        Route("/ontology", _handler(service, ontology), methods=["GET"]),
        Route("/ontology/", _handler(service, ontology), methods=["GET"]),
        Route("/concept/{rest:path}", _handler(service, concept), methods=["GET"]),
    ]
    if service.site.dereferenceable:
        routes.append(Route(service.site.data_path + "{rest:path}", _handler(service, resource), methods=["GET"]))
    app = Starlette(routes=routes)
    app.add_middleware(CORSMiddleware)
    return app


Endpoint = Callable[[Service, Request], Awaitable[Response]]


def _handler(service: Service, endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint calling ``endpoint(service, request)``."""

    async def handle(request: Request) -> Response:
        return await endpoint(service, request)

    handle.__name__ = endpoint.__name__
    return handle
