"""The representations the endpoint can send, and picking one for a request.

A representation is a media type plus what writes it: a SPARQL results format, an RDF
format, or an HTML page. Each kind of answer (tabular results, a boolean, a graph, a
resource description, the ontology, the service description) offers its own list, best
first; :func:`choose` picks from it:

1. a ``format`` parameter decides when one of its entries names an offer: the parameter may
   be repeated and each value may be a comma-separated list (SPARQLWrapper sends
   ``format=json-ld&format=application/ld+json,application/x-json+ld``); each entry is a
   short name (``json``, ``ttl``…) or a media type, and the first entry naming an offer wins;
2. otherwise the ``Accept`` header decides (RFC 9110 negotiation) when it is present and
   names an offered media type itself (not only through ``*/*``): a ``format`` this server does
   not know (``format=n3``) or one that does not fit this kind of answer
   (``format=application/sparql-results+json`` on a CONSTRUCT) does not stop a client that
   also said what it accepts; without a ``format``, any Accept header (or none) negotiates;
3. otherwise nothing fits: 406, listing what is offered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from dtkg.serve.negotiation import negotiate, parse_accept


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
# N-Triples' older media type, still what rdflib (and others) ask N-Triples with
NTRIPLES_TEXT = Representation("text/plain", ("ntriples", "nt"), rdf=F.N_TRIPLES)
JSONLD = Representation("application/ld+json", ("jsonld", "json-ld", "json"), rdf=F.JSON_LD)
RDFXML = Representation("application/rdf+xml", ("rdfxml", "rdf", "xml", "owl"), rdf=F.RDF_XML)
NQUADS = Representation("application/n-quads", ("nquads", "nq", "n-quads"), rdf=F.N_QUADS)
TRIG = Representation("application/trig", ("trig",), rdf=F.TRIG)

HTML = Representation("text/html", ("html",), html=True)

SELECT_OFFERS = (SRJ, SRX, CSV, TSV, HTML, JSON_ALIAS, XML_ALIAS, TEXT_XML_ALIAS)
ASK_OFFERS = (SRJ, SRX, HTML, JSON_ALIAS, XML_ALIAS, TEXT_XML_ALIAS)
GRAPH_OFFERS = (TURTLE, NTRIPLES, JSONLD, RDFXML, NQUADS, TRIG, HTML, NTRIPLES_TEXT)
RESOURCE_OFFERS = (TURTLE, JSONLD, NTRIPLES, TRIG, NQUADS, RDFXML, HTML, NTRIPLES_TEXT)
ONTOLOGY_OFFERS = (TURTLE, JSONLD, NTRIPLES, RDFXML, HTML, NTRIPLES_TEXT)
SERVICE_OFFERS = (TURTLE, RDFXML, JSONLD, NTRIPLES, HTML, NTRIPLES_TEXT)
VOID_OFFERS = (TURTLE, JSONLD, NTRIPLES, RDFXML, HTML, NTRIPLES_TEXT)

# The file suffixes of document IRIs (``/id/org/vnpt.ttl``): each names one representation.
SUFFIXES = {
    ".ttl": TURTLE,
    ".nt": NTRIPLES,
    ".nq": NQUADS,
    ".trig": TRIG,
    ".jsonld": JSONLD,
    ".rdf": RDFXML,
    ".html": HTML,
}


def suffix_of(representation: Representation) -> str:
    """The file suffix naming ``representation`` (``.nt`` for both N-Triples media types)."""
    if representation.rdf is F.N_TRIPLES:
        return ".nt"
    return next(s for s, r in SUFFIXES.items() if r == representation)
PAGE_OFFERS = (HTML,)


class NotAcceptable(Exception):
    """No offered representation fits the request; the message lists what is offered."""

    def __init__(self, offers: Sequence[Representation], fmt: str | None) -> None:
        choices = ", ".join(sorted({o.media_type for o in offers}))
        names = ", ".join(dict.fromkeys(o.name for o in offers))
        asked = f"format={fmt!r}" if fmt is not None else "the Accept header"
        super().__init__(f"nothing offered here matches {asked}; offered: {choices} (format= one of {names})")


def by_name(fmt: str, offers: Sequence[Representation]) -> Representation | None:
    """The offer a ``format`` value names: its first comma-separated entry that is a short name or media type offered."""
    for entry in fmt.split(","):
        wanted = entry.split(";")[0].strip().lower()
        for offer in offers:
            if wanted and (wanted == offer.media_type or wanted in offer.names):
                return offer
    return None


def choose(
    offers: Sequence[Representation], *, accept: str | None, fmt: str | Sequence[str] | None = None
) -> Representation:
    """The representation to send, by the rule in the module docstring; :class:`NotAcceptable` if none fits."""
    values = [fmt] if isinstance(fmt, str) else list(fmt or ())
    values = [v for v in values if v.strip()]
    for value in values:
        chosen = by_name(value, offers)
        if chosen is not None:
            return chosen
    if values and not names_an_offer(accept, offers):
        raise NotAcceptable(offers, ",".join(values))
    media_type = negotiate(accept, [o.media_type for o in offers])
    chosen = next((o for o in offers if o.media_type == media_type), None)
    if chosen is None:
        raise NotAcceptable(offers, None)
    return chosen


def names_an_offer(accept: str | None, offers: Sequence[Representation]) -> bool:
    """Whether the Accept header names one of the offered media types itself, with a quality above 0."""
    return any(
        r.q > 0 and r.type != "*" and r.subtype != "*" and f"{r.type}/{r.subtype}" == o.media_type
        for r in parse_accept(accept)
        for o in offers
    )
