"""The representations the endpoint can send, and picking one for a request.

A representation is a media type plus what writes it: a SPARQL results format, an RDF
format, or an HTML page. Each kind of answer (tabular results, a boolean, a graph, a
resource description, the ontology, the service description) offers its own list, best
first; :func:`choose` picks from it by the ``format`` parameter if given, else by ``Accept``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from dtkg.serve.negotiation import negotiate


@dataclass(frozen=True)
class Representation:
    """A media type we can send, the short names a ``format`` parameter may use for it, and its writer."""

    media_type: str
    names: tuple[str, ...]
    results: ox.QueryResultsFormat | None = None
    rdf: ox.RdfFormat | None = None
    html: bool = False

    @property
    def name(self) -> str:
        """The canonical short name, as used in ``?format=`` links."""
        return self.names[0]


R = ox.QueryResultsFormat
F = ox.RdfFormat

SRJ = Representation("application/sparql-results+json", ("json", "srj"), results=R.JSON)
SRX = Representation("application/sparql-results+xml", ("xml", "srx"), results=R.XML)
CSV = Representation("text/csv", ("csv",), results=R.CSV)
TSV = Representation("text/tab-separated-values", ("tsv",), results=R.TSV)
JSON_ALIAS = Representation("application/json", ("json",), results=R.JSON)
XML_ALIAS = Representation("application/xml", ("xml",), results=R.XML)
TEXT_XML_ALIAS = Representation("text/xml", ("xml",), results=R.XML)

TURTLE = Representation("text/turtle", ("turtle", "ttl"), rdf=F.TURTLE)
NTRIPLES = Representation("application/n-triples", ("ntriples", "nt", "n-triples"), rdf=F.N_TRIPLES)
JSONLD = Representation("application/ld+json", ("jsonld", "json-ld", "json"), rdf=F.JSON_LD)
RDFXML = Representation("application/rdf+xml", ("rdfxml", "rdf", "xml", "owl"), rdf=F.RDF_XML)
NQUADS = Representation("application/n-quads", ("nquads", "nq", "n-quads"), rdf=F.N_QUADS)
TRIG = Representation("application/trig", ("trig",), rdf=F.TRIG)

HTML = Representation("text/html", ("html",), html=True)

SELECT_OFFERS = (SRJ, SRX, CSV, TSV, HTML, JSON_ALIAS, XML_ALIAS, TEXT_XML_ALIAS)
ASK_OFFERS = (SRJ, SRX, HTML, JSON_ALIAS, XML_ALIAS, TEXT_XML_ALIAS)
GRAPH_OFFERS = (TURTLE, NTRIPLES, JSONLD, RDFXML, NQUADS, TRIG, HTML)
RESOURCE_OFFERS = (TURTLE, JSONLD, NTRIPLES, TRIG, NQUADS, RDFXML, HTML)
ONTOLOGY_OFFERS = (TURTLE, JSONLD, NTRIPLES, RDFXML, HTML)
SERVICE_OFFERS = (TURTLE, RDFXML, JSONLD, NTRIPLES, HTML)
PAGE_OFFERS = (HTML,)


class NotAcceptable(Exception):
    """No offered representation fits the request; the message lists what is offered."""

    def __init__(self, offers: Sequence[Representation], fmt: str | None) -> None:
        choices = ", ".join(sorted({o.media_type for o in offers}))
        names = ", ".join(dict.fromkeys(o.name for o in offers))
        asked = f"format={fmt!r}" if fmt is not None else "the Accept header"
        super().__init__(f"nothing offered here matches {asked}; offered: {choices} (format= one of {names})")


def by_name(fmt: str, offers: Sequence[Representation]) -> Representation | None:
    """The first offer a ``format`` parameter names, by short name or media type."""
    wanted = fmt.strip().lower()
    for offer in offers:
        if wanted == offer.media_type or wanted in offer.names:
            return offer
    return None


def choose(offers: Sequence[Representation], *, accept: str | None, fmt: str | None = None) -> Representation:
    """The representation to send: named by ``fmt`` if given, else negotiated on ``accept``."""
    if fmt:
        chosen = by_name(fmt, offers)
    else:
        media_type = negotiate(accept, [o.media_type for o in offers])
        chosen = next((o for o in offers if o.media_type == media_type), None)
    if chosen is None:
        raise NotAcceptable(offers, fmt)
    return chosen
