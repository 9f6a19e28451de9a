"""What templates show: an :class:`Item` (text and, maybe, a link) for each IRI or literal.

IRIs are labelled from the catalogue in the page's language and link to where this server
shows them; a link taken from the data (an article's source, say) is kept only when it is
an ``http``/``https`` URL, so nothing from an article can become a script link.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pyoxigraph as ox

from dtkg.serve.site import Site
from dtkg.serve.web.catalog import Catalog
from dtkg.serve.web.queries import Term

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
WIKIDATA = ("http://www.wikidata.org/entity/", "https://www.wikidata.org/entity/", "https://www.wikidata.org/wiki/")


@dataclass(frozen=True)
class Item:
    """Text to show, where it links (None: plain text), its full IRI (as a tooltip) and a short note."""

    text: str
    href: str | None = None
    title: str | None = None
    note: str | None = None

    @property
    def long(self) -> bool:
        """Whether the text is long enough to fold away (an article's text, say)."""
        return len(self.text) > 300


def web_href(url: str) -> str | None:
    """``url`` if it is an absolute ``http``/``https`` URL, else None (never a link)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def wikidata_id(iri: str) -> str | None:
    """``Q36907`` for a Wikidata entity IRI, else None."""
    for prefix in WIKIDATA:
        if iri.startswith(prefix) and iri[len(prefix):].startswith("Q"):
            return iri[len(prefix):]
    return None


class Linker:
    """Items for one page: labels from ``catalog`` in ``lang``, links from ``site``."""

    def __init__(self, site: Site, catalog: Catalog, lang: str) -> None:
        self.site = site
        self.catalog = catalog
        self.lang = lang

    def iri(self, iri: str, *, text: str | None = None) -> Item:
        """An IRI: its label (or CURIE, or the IRI) linking to where this server shows it."""
        label = self.catalog.label(iri, self.lang)
        shown = text or (label if label != iri else (self.site.curie(iri) or iri))
        href = self.site.href(iri)
        local = href is not None and href.startswith("/")
        return Item(shown, href=href if local else web_href(href or ""), title=iri)

    def term(self, term: Term | None) -> Item:
        """Any term as a table cell: IRIs linked, literals as text with language or datatype noted."""
        if term is None:
            return Item("")
        if isinstance(term, ox.NamedNode):
            return self.iri(term.value)
        if isinstance(term, ox.BlankNode):
            return Item(f"_:{term.value}")
        datatype = term.datatype.value
        note = f"@{term.language}" if term.language else None
        if datatype not in (XSD_STRING, RDF_LANG_STRING):
            note = self.site.curie(datatype) or datatype
        return Item(term.value, note=note)

    def items(self, iris: list[str]) -> list[Item]:
        """Items for several IRIs, in order."""
        return [self.iri(i) for i in iris]
