"""What a report needs to know about the data beyond the SHACL results.

For each finding: the article graph it belongs to and that article's source file (from
the metadata graph, ``dtkg:sourceName``), the focus node's and the value's labels, and
the evidence sentence with its offsets (and so its line and column in the text). Looked
up with pyoxigraph's quad patterns, in whatever store holds the data: one article's
quads in a build worker, a whole dataset in ``dtkg validate``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from dtkg.validate.results import DEFAULT_GRAPH, WHOLE_DATASET, Finding, ValidationRun

_DTKG = "https://w3id.org/dtkg/ontology#"
_OA = "http://www.w3.org/ns/oa#"
_LABEL_PROPERTIES = tuple(ox.NamedNode(p) for p in (
    "https://schema.org/name", "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel", "https://schema.org/headline"))
_SOURCE_NAME = ox.NamedNode(_DTKG + "sourceName")
_ARTICLE_GRAPH = ox.NamedNode(_DTKG + "articleGraph")
_TEASER_OF = ox.NamedNode(_DTKG + "teaserOf")
_EVIDENCE = ox.NamedNode(_DTKG + "evidence")
_HAS_SELECTOR = ox.NamedNode(_OA + "hasSelector")
_HAS_SOURCE = ox.NamedNode(_OA + "hasSource")
_EXACT = ox.NamedNode(_OA + "exact")
_START = ox.NamedNode(_OA + "start")
_END = ox.NamedNode(_OA + "end")
_TEXT = ox.NamedNode("https://schema.org/text")


@dataclass(frozen=True)
class Evidence:
    """The sentence a fact was read from, where it sits in the article's text, and which article."""

    text: str
    article: str | None = None
    start: int | None = None
    end: int | None = None
    start_line: int | None = None
    start_column: int | None = None
    end_line: int | None = None
    end_column: int | None = None


@dataclass(frozen=True)
class ReportContext:
    """Sources, labels, evidence and graphs of the nodes a run's findings mention."""

    sources: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    graphs: dict[str, str] = field(default_factory=dict)
    teasers: frozenset[str] = frozenset()
    dataset: str | None = None

    def graph_of(self, finding: Finding) -> str:
        """The graph a finding is reported under: its own, or for a whole-dataset finding the focus node's."""
        if finding.graph is not None:
            return finding.graph
        return self.graphs.get(finding.focus, WHOLE_DATASET)

    def source_of(self, graph: str) -> str | None:
        return self.sources.get(graph)

    def evidence_for(self, finding: Finding) -> Evidence | None:
        """The evidence of the focus node, or else of the value (an evidence span itself)."""
        found = self.evidence.get(finding.focus)
        if found is None and finding.value_is_iri and finding.value:
            found = self.evidence.get(finding.value)
        return found

    @classmethod
    def merge(cls, contexts: Iterable["ReportContext"], *, dataset: str | None = None) -> "ReportContext":
        """One context from many (the first answer for a node wins)."""
        sources: dict[str, str] = {}
        labels: dict[str, str] = {}
        evidence: dict[str, Evidence] = {}
        graphs: dict[str, str] = {}
        teasers: set[str] = set()
        for ctx in contexts:
            for mine, theirs in ((sources, ctx.sources), (labels, ctx.labels), (evidence, ctx.evidence),
                                 (graphs, ctx.graphs)):
                for key, value in theirs.items():
                    mine.setdefault(key, value)  # type: ignore[arg-type]
            teasers |= ctx.teasers
        return cls(sources, labels, evidence, graphs, frozenset(teasers), dataset)

    def region_known(self, finding: Finding) -> bool:
        """True when the evidence's line and column in the source file are known (not a teaser)."""
        ev = self.evidence_for(finding)
        return ev is not None and ev.start_line is not None and ev.article not in self.teasers


def build_context(store: ox.Store, run: ValidationRun, *, dataset: str | None = None) -> ReportContext:
    """Look up, in the dataset, what the findings of ``run`` need to be reported well."""
    nodes = sorted({f.focus for f in run.findings} | {f.value for f in run.findings if f.value_is_iri and f.value})
    cross_focus = sorted({f.focus for f in run.findings if f.graph is None})
    sources = _sources(store)
    texts: dict[str, str] = {}
    return ReportContext(
        sources=sources,
        labels={n: label for n in nodes if (label := _label(store, n)) is not None},
        evidence={n: ev for n in nodes if (ev := _evidence(store, n, texts)) is not None},
        graphs={n: _graph(store, n, sources) for n in cross_focus},
        teasers=frozenset(q.subject.value for q in store.quads_for_pattern(None, _TEASER_OF, None, None)
                          if isinstance(q.subject, ox.NamedNode)),
        dataset=dataset,
    )


def _node(iri: str) -> ox.NamedNode | None:
    try:
        return ox.NamedNode(iri)
    except ValueError:  # a blank node's id, or not an IRI at all
        return None


def _objects(store: ox.Store, subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode) -> list[ox.Term]:  # type: ignore[name-defined]
    return sorted({q.object for q in store.quads_for_pattern(subject, predicate, None, None)}, key=str)


def _sources(store: ox.Store) -> dict[str, str]:
    """Article graph (and article) IRI → the source file it was built from."""
    out: dict[str, str] = {}
    for quad in sorted(store.quads_for_pattern(None, _SOURCE_NAME, None, None), key=str):
        article, source = quad.subject, quad.object.value  # type: ignore[union-attr]
        out.setdefault(article.value, source)  # type: ignore[union-attr]
        for graph in _objects(store, article, _ARTICLE_GRAPH):  # type: ignore[arg-type]
            out.setdefault(graph.value, source)
    return out


def _label(store: ox.Store, iri: str) -> str | None:
    """A node's label, preferring schema:name, rdfs:label, skos:prefLabel, headline, and @vi."""
    node = _node(iri)
    if node is None:
        return None
    found: list[tuple[int, str]] = []
    for rank, predicate in enumerate(_LABEL_PROPERTIES):
        for label in _objects(store, node, predicate):
            if isinstance(label, ox.Literal):
                language = label.language
                found.append((rank * 3 + (0 if language == "vi" else 1 if not language else 2), label.value))
    return min(found)[1] if found else None


def _evidence(store: ox.Store, iri: str, texts: dict[str, str]) -> Evidence | None:
    """A node's evidence: via dtkg:evidence, as the span itself, or as one of its selectors."""
    node = _node(iri)
    if node is None:
        return None
    spans = _objects(store, node, _EVIDENCE)
    if _objects(store, node, _HAS_SELECTOR):
        spans.append(node)
    spans += sorted({q.subject for q in store.quads_for_pattern(None, _HAS_SELECTOR, node, None)}, key=str)
    for span in spans:
        found = _span(store, span, texts)
        if found is not None:
            return found
    return None


def _span(store: ox.Store, span: ox.Term, texts: dict[str, str]) -> Evidence | None:  # type: ignore[name-defined]
    if not isinstance(span, (ox.NamedNode, ox.BlankNode)):
        return None
    selectors = _objects(store, span, _HAS_SELECTOR)
    exact = next((e for s in selectors if isinstance(s, (ox.NamedNode, ox.BlankNode))
                  for e in _objects(store, s, _EXACT)), None)
    if exact is None:
        return None
    start = end = None
    for selector in selectors:
        if isinstance(selector, (ox.NamedNode, ox.BlankNode)):
            starts, ends = _objects(store, selector, _START), _objects(store, selector, _END)
            if starts and ends:
                start, end = _int(starts[0]), _int(ends[0])
                break
    articles = _objects(store, span, _HAS_SOURCE)
    article = articles[0].value if articles else None
    if article is None or start is None or end is None:
        return Evidence(exact.value, article, start, end)
    if article not in texts:
        texts[article] = _article_text(store, article)
    text = texts[article]
    if not text or not 0 <= start <= end <= len(text):
        return Evidence(exact.value, article, start, end)
    (line, column), (end_line, end_column) = line_column(text, start), line_column(text, end)
    return Evidence(exact.value, article, start, end, line, column, end_line, end_column)


def _int(term: ox.Term) -> int | None:  # type: ignore[name-defined]
    try:
        return int(term.value) if isinstance(term, ox.Literal) else None
    except ValueError:
        return None


def _article_text(store: ox.Store, article: str) -> str:
    node = _node(article)
    texts = _objects(store, node, _TEXT) if node is not None else []
    return texts[0].value if texts else ""


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a 0-based character offset into ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _graph(store: ox.Store, iri: str, sources: dict[str, str]) -> str:
    """The graph that describes a node: one built from a source file when there is one."""
    node = _node(iri)
    if node is None:
        return WHOLE_DATASET
    graphs = sorted({graph_label(q.graph_name) for q in store.quads_for_pattern(node, None, None, None)})
    if not graphs:
        return WHOLE_DATASET
    sourced = [g for g in graphs if g in sources]
    return (sourced or graphs)[0]


def graph_label(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> str:
    """A graph's IRI (or blank node id) as a string; :data:`DEFAULT_GRAPH` for the default graph."""
    return DEFAULT_GRAPH if isinstance(graph, ox.DefaultGraph) else str(graph.value)
