"""The HTML-first routes: the old style sheet and the ontology (as RDF, or documented for browsers)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from dtkg.serve import formats
from dtkg.serve.formats import NotAcceptable, Representation
from dtkg.serve.responses import alternates, choose_for, represented, text
from dtkg.serve.service import Service
from dtkg.serve.views import TEMPLATES, render

STYLE = TEMPLATES / "style.css"


async def style(service: Service, request: Request) -> Response:
    """The style sheet of every page (a file, so that the pages need no inline style)."""
    return Response(STYLE.read_bytes(), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


async def ontology(service: Service, request: Request) -> Response:
    """The ontology as RDF, or its documentation page for browsers."""
    if service.ontology_file is None:
        return text(404, "no ontology is served here (no dtkg.ttl in the ontology folder)")
    try:
        representation = choose_for(request, formats.ONTOLOGY_OFFERS)
    except NotAcceptable as exc:
        return text(406, str(exc))
    if representation.html:
        doc = await run_in_threadpool(lambda: service.ontology_doc)
        page = render("ontology.html", doc=doc, alternates=alternates(request.url.path, formats.ONTOLOGY_OFFERS))
        return represented(page, representation)
    return represented(ontology_body(service.ontology_file, representation), representation)


def ontology_body(path: Path, representation: Representation) -> bytes:
    """The ontology file as is (Turtle) or converted to ``representation``."""
    if representation.rdf is ox.RdfFormat.TURTLE:
        return path.read_bytes()
    triples = [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    return ox.serialize(triples, format=representation.rdf) or b""
