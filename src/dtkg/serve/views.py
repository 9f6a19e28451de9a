"""HTML pages: RDF terms and statements turned into what the templates show, and the templates.

Templates live in ``templates/`` beside this file (Jinja2, autoescaped); this module only
prepares plain values for them: text, link, language, datatype.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
import pyoxigraph as ox

from dtkg.serve.describe import label
from dtkg.serve.site import Site

TEMPLATES = Path(__file__).resolve().parent / "templates"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class TermView:
    """An RDF term as a page shows it: its text, a link (if any) and small annotations."""

    kind: str  # "iri", "bnode", "literal", "triple", "none"
    text: str
    href: str | None = None
    title: str | None = None
    language: str | None = None
    datatype: str | None = None

    @property
    def long(self) -> bool:
        """Whether the text is long enough to fold away (an article's text, say)."""
        return len(self.text) > 400


@dataclass(frozen=True)
class StatementView:
    """One row of a resource page: the other end of the statement, its predicate and its graph."""

    predicate: TermView
    value: TermView
    graph: TermView


NONE = TermView(kind="none", text="")


class Viewer:
    """Turns terms into :class:`TermView` for one site and store, labelling IRIs from the store."""

    def __init__(self, site: Site, store: ox.Store | None) -> None:
        self.site = site
        self.store = store
        self._labels: dict[str, str | None] = {}

    def term(self, term: object) -> TermView:
        """Any RDF term (or None for an unbound variable) as shown on a page."""
        if isinstance(term, ox.NamedNode):
            return self.iri(term)
        if isinstance(term, ox.Literal):
            return self.literal(term)
        if isinstance(term, ox.BlankNode):
            return TermView(kind="bnode", text=f"_:{term.value}")
        if isinstance(term, ox.DefaultGraph):
            return TermView(kind="iri", text="(default graph)")
        if isinstance(term, ox.Triple):
            return TermView(kind="triple", text=f"<< {term} >>")
        return NONE

    def iri(self, node: ox.NamedNode) -> TermView:
        """An IRI: its label (or CURIE, or the IRI) linking to where this server shows it."""
        text = self._label(node) or self.site.curie(node.value) or node.value
        return TermView(kind="iri", text=text, href=self.site.href(node.value), title=node.value)

    def literal(self, literal: ox.Literal) -> TermView:
        """A literal with its language tag or (unless a plain string) its datatype."""
        datatype = literal.datatype.value
        shown = None if datatype in (XSD_STRING, RDF_LANG_STRING) else (self.site.curie(datatype) or datatype)
        return TermView(kind="literal", text=literal.value, language=literal.language, datatype=shown)

    def _label(self, node: ox.NamedNode) -> str | None:
        """The store's best label for ``node``, looked up once."""
        if self.store is None:
            return None
        if node.value not in self._labels:
            found = label(self.store, node)
            self._labels[node.value] = found.value if found is not None else None
        return self._labels[node.value]

    def outbound(self, quads: Iterable[ox.Quad]) -> list[StatementView]:
        """Rows (predicate, object, graph) for statements about a resource, sorted by predicate."""
        rows = [StatementView(self.term(q.predicate), self.term(q.object), self.term(q.graph_name)) for q in quads]
        return sorted(rows, key=lambda r: (r.predicate.text, r.value.text, r.graph.text))

    def inbound(self, quads: Iterable[ox.Quad]) -> list[StatementView]:
        """Rows (predicate, subject, graph) for statements pointing at a resource, sorted by predicate."""
        rows = [StatementView(self.term(q.predicate), self.term(q.subject), self.term(q.graph_name)) for q in quads]
        return sorted(rows, key=lambda r: (r.predicate.text, r.value.text, r.graph.text))


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment over ``templates/``, autoescaping HTML."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(("html",)),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render(template: str, **context: object) -> str:
    """A page from ``templates/<template>`` with ``context``."""
    return environment().get_template(template).render(**context)
