"""What a report needs to know about the data beyond the SHACL results.

For each finding: the article graph it belongs to and that article's source file (from
the metadata graph, ``dtkg:sourceName``), the focus node's and the value's labels, and
the evidence sentence with its offsets (and so its line and column in the text).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from dtkg.validate.results import DEFAULT_GRAPH, WHOLE_DATASET, Finding, ValidationRun

_PREFIXES = """
PREFIX dtkg: <https://w3id.org/dtkg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
_CHUNK = 400
_LABEL_PROPERTIES = ("schema:name", "rdfs:label", "skos:prefLabel", "schema:headline")


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

    def region_known(self, finding: Finding) -> bool:
        """True when the evidence's line and column in the source file are known (not a teaser)."""
        ev = self.evidence_for(finding)
        return ev is not None and ev.start_line is not None and ev.article not in self.teasers


def build_context(store: ox.Store, run: ValidationRun, *, dataset: str | None = None) -> ReportContext:
    """Look up, in the dataset, what the findings of ``run`` need to be reported well."""
    focus = sorted({f.focus for f in run.findings})
    values = sorted({f.value for f in run.findings if f.value_is_iri and f.value})
    cross_focus = sorted({f.focus for f in run.findings if f.graph is None})
    sources = _sources(store)
    return ReportContext(
        sources=sources,
        labels=_labels(store, focus + values),
        evidence=_evidence(store, focus + values),
        graphs=_graphs(store, cross_focus, sources),
        teasers=frozenset(_teasers(store)),
        dataset=dataset,
    )


def _rows(store: ox.Store, query: str) -> Iterator[ox.QuerySolution]:
    yield from store.query(_PREFIXES + query)  # type: ignore[misc]


def _chunks(iris: list[str]) -> Iterator[str]:
    """VALUES bodies of at most ``_CHUNK`` IRIs (blank nodes and other non-IRIs left out)."""
    usable = [i for i in iris if i.startswith(("http://", "https://", "urn:", "file:"))]
    for i in range(0, len(usable), _CHUNK):
        yield " ".join(f"<{i}>" for i in usable[i:i + _CHUNK])


def _sources(store: ox.Store) -> dict[str, str]:
    """Article graph (and article) IRI → the source file it was built from."""
    out: dict[str, str] = {}
    query = "SELECT ?article ?graph ?source WHERE { GRAPH ?m { ?article dtkg:sourceName ?source . " \
            "OPTIONAL { ?article dtkg:articleGraph ?graph } } }"
    for row in _rows(store, query):
        source = row["source"].value
        out.setdefault(row["article"].value, source)
        if row["graph"] is not None:
            out.setdefault(row["graph"].value, source)
    return out


def _teasers(store: ox.Store) -> Iterable[str]:
    for row in _rows(store, "SELECT DISTINCT ?a WHERE { GRAPH ?g { ?a dtkg:teaserOf ?p } }"):
        yield row["a"].value


def _labels(store: ox.Store, nodes: list[str]) -> dict[str, str]:
    """Node → its label, preferring schema:name, rdfs:label, skos:prefLabel, headline, and @vi."""
    out: dict[str, tuple[int, str]] = {}
    for body in _chunks(nodes):
        query = f"SELECT ?n ?p ?l WHERE {{ VALUES ?n {{ {body} }} VALUES ?p {{ {' '.join(_LABEL_PROPERTIES)} }} " \
                "GRAPH ?g { ?n ?p ?l } FILTER(isLiteral(?l)) }"
        for row in _rows(store, query):
            rank = _label_rank(row["p"].value, getattr(row["l"], "language", None))
            node = row["n"].value
            if node not in out or rank < out[node][0]:
                out[node] = (rank, row["l"].value)
    return {node: label for node, (_rank, label) in out.items()}


def _label_rank(predicate: str, language: str | None) -> int:
    order = ["https://schema.org/name", "http://www.w3.org/2000/01/rdf-schema#label",
             "http://www.w3.org/2004/02/skos/core#prefLabel", "https://schema.org/headline"]
    base = order.index(predicate) if predicate in order else len(order)
    return base * 3 + (0 if language == "vi" else 1 if not language else 2)


def _evidence(store: ox.Store, nodes: list[str]) -> dict[str, Evidence]:
    """Focus node → its evidence: via dtkg:evidence, as the span itself, or as one of its selectors."""
    out: dict[str, Evidence] = {}
    texts: dict[str, str] = {}
    for body in _chunks(nodes):
        for row in _rows(store, _EVIDENCE_QUERY.replace("{body}", body)):
            node = row["n"].value
            if node in out:
                continue
            out[node] = _evidence_of(store, row, texts)
    return out


_EVIDENCE_QUERY = """
SELECT ?n ?exact ?start ?end ?article WHERE {
  VALUES ?n { {body} }
  GRAPH ?g {
    { ?n dtkg:evidence ?span } UNION { ?n oa:hasSelector ?any BIND(?n AS ?span) }
      UNION { ?span oa:hasSelector ?n }
    ?span oa:hasSelector ?quote . ?quote oa:exact ?exact .
    OPTIONAL { ?span oa:hasSelector ?position . ?position oa:start ?start ; oa:end ?end }
    OPTIONAL { ?span oa:hasSource ?article }
  }
}
"""


def _evidence_of(store: ox.Store, row: ox.QuerySolution, texts: dict[str, str]) -> Evidence:
    exact = row["exact"].value
    article = row["article"].value if row["article"] is not None else None
    start, end = _int(row["start"]), _int(row["end"])
    if article is None or start is None or end is None:
        return Evidence(exact, article, start, end)
    text = texts.get(article)
    if text is None:
        text = texts[article] = _article_text(store, article)
    if not text or not 0 <= start <= end <= len(text):
        return Evidence(exact, article, start, end)
    (line, column), (end_line, end_column) = line_column(text, start), line_column(text, end)
    return Evidence(exact, article, start, end, line, column, end_line, end_column)


def _int(term: ox.Literal | None) -> int | None:
    try:
        return int(term.value) if term is not None else None
    except ValueError:
        return None


def _article_text(store: ox.Store, article: str) -> str:
    for row in _rows(store, f"SELECT ?t WHERE {{ GRAPH ?g {{ <{article}> schema:text ?t }} }} LIMIT 1"):
        return row["t"].value
    return ""


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a 0-based character offset into ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _graphs(store: ox.Store, nodes: list[str], sources: dict[str, str]) -> dict[str, str]:
    """Node → the graph that describes it (one built from a source file when there is one)."""
    out: dict[str, str] = {}
    for body in _chunks(nodes):
        query = f"SELECT ?n ?g WHERE {{ VALUES ?n {{ {body} }} GRAPH ?g {{ ?n ?p ?o }} }}"
        for row in _rows(store, query):
            node, graph = row["n"].value, row["g"].value
            if node not in out or (graph in sources and out[node] not in sources):
                out[node] = graph
    for body in _chunks([n for n in nodes if n not in out]):
        query = f"SELECT DISTINCT ?n WHERE {{ VALUES ?n {{ {body} }} ?n ?p ?o }}"
        for row in _rows(store, query):
            out[row["n"].value] = DEFAULT_GRAPH
    return out
