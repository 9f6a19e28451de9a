"""pySHACL behind a small interface: findings as frozen records, severities as an enum.

:class:`Validator` loads the shapes once and compiles them once (pySHACL's shapes graph,
its harvested shapes and their parsed SPARQL queries are reused for every graph it
validates). Shapes marked ``dtkg:crossArticle true`` form a second, separate shapes
graph that runs on the whole dataset; :meth:`Validator.validate_cross` feeds it only the
triples those shapes can see (types and the predicates they name).
"""

from __future__ import annotations

import enum
import functools
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl.graph_abstraction import DataGraph
from pyshacl.shapes_graph import ShapesGraph
from pyshacl.validator import Validator as _PyShaclValidator
from rdflib.namespace import RDF, RDFS, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query

from dtkg import resources
from dtkg.errors import ValidationError
from dtkg.validate.shapes import ShapeSet, load_shapes

DTKG = rdflib.Namespace("https://w3id.org/dtkg/ontology#")
WHOLE_DATASET = "(whole dataset)"
DEFAULT_GRAPH = "(default graph)"
_LOG = logging.getLogger("dtkg.validate")


class Severity(enum.IntEnum):
    """SHACL severities, ordered so that ``>=`` means "at least as bad"."""

    INFO = 1
    WARNING = 2
    VIOLATION = 3

    @classmethod
    def from_iri(cls, iri: rdflib.term.Node | None) -> "Severity":
        """The severity an ``sh:resultSeverity`` IRI names (anything unknown is a violation)."""
        return {SH.Info: cls.INFO, SH.Warning: cls.WARNING}.get(iri, cls.VIOLATION)  # type: ignore[arg-type]

    @classmethod
    def parse(cls, name: str) -> "Severity":
        """``"violation"``/``"warning"``/``"info"`` → the severity, or a :class:`ValidationError`."""
        try:
            return cls[name.upper()]
        except KeyError as exc:
            raise ValidationError(f"unknown severity {name!r}", fix="use violation, warning or info") from exc

    @property
    def iri(self) -> str:
        return str({Severity.INFO: SH.Info, Severity.WARNING: SH.Warning}.get(self, SH.Violation))


@dataclass(frozen=True)
class Finding:
    """One SHACL validation result, with the graph it was found in."""

    severity: Severity
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str
    component: str
    graph: str | None = None
    node_shape: str | None = None
    message_vi: str | None = None
    value_is_iri: bool = False


@dataclass(frozen=True)
class ValidationRun:
    """The findings of a validation and how many focus nodes each node shape targeted.

    ``report`` is the standard SHACL validation report as Turtle; ``per_graph`` holds the
    targeted counts of each validated graph (keyed :data:`WHOLE_DATASET` for the cross-article run).
    """

    findings: tuple[Finding, ...] = ()
    targeted: dict[str, int] = field(default_factory=dict)
    report: str = ""
    per_graph: dict[str, dict[str, int]] = field(default_factory=dict)

    def worst(self) -> Severity | None:
        """The worst severity found, or None when nothing was found."""
        return max((f.severity for f in self.findings), default=None)

    def fails(self, threshold: Severity) -> bool:
        """True when a finding is at or above ``threshold``."""
        return any(f.severity >= threshold for f in self.findings)

    @classmethod
    def combine(cls, runs: Iterable["ValidationRun"]) -> "ValidationRun":
        """One run from many: findings concatenated, counts added, reports merged into one."""
        runs = list(runs)
        targeted: Counter[str] = Counter()
        per_graph: dict[str, dict[str, int]] = {}
        for run in runs:
            targeted.update(run.targeted)
            per_graph.update(run.per_graph)
        report = merge_reports([r.report for r in runs]).serialize(format="turtle")
        findings = tuple(f for r in runs for f in r.findings)
        return cls(findings, dict(targeted), report, per_graph)


class _CachingGraph(rdflib.Graph):
    """An rdflib graph that parses each SPARQL query text once per process.

    pySHACL evaluates a SHACL-SPARQL constraint once per focus node with the same text
    (``$this`` pre-bound); rdflib would parse it every time, which costs more than the
    evaluation.
    """

    def query(self, query_object, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@functools.lru_cache(maxsize=256)
def _prepared(text: str) -> Query:
    return prepareQuery(text)


@dataclass
class _Compiled:
    """One shapes graph, compiled once: pySHACL's harvested shapes are reused across runs."""

    graph: rdflib.Graph
    shapes_graph: ShapesGraph
    node_shapes: frozenset[rdflib.term.Node]
    parents: dict[rdflib.term.Node, rdflib.term.Node]

    @classmethod
    def of(cls, graph: rdflib.Graph) -> "_Compiled":
        compiled = ShapesGraph(graph, False, _LOG)
        _ = compiled.shapes  # harvest now, once
        nodes = frozenset(graph.subjects(RDF.type, SH.NodeShape)) | _targeting(graph)
        parents = {p: s for s, p in graph.subject_objects(SH.property)}
        return cls(graph, compiled, nodes, parents)

    def is_empty(self) -> bool:
        return not self.node_shapes


class Validator:
    """Shapes loaded and compiled once; validate many graphs with them."""

    def __init__(self, shapes_dir: Path | None = None, *, ontology: bool = True) -> None:
        self.shapes_dir = Path(shapes_dir) if shapes_dir is not None else resources.shapes_dir()
        self.shapes: ShapeSet = load_shapes(self.shapes_dir)
        self.cross = self.shapes.cross
        self.local_shapes = self.shapes.local_graph
        self.cross_shapes = self.shapes.cross_graph
        self._local = _Compiled.of(self.local_shapes)
        self._cross = _Compiled.of(self.cross_shapes)
        self.classes = _class_axioms(ontology)

    def validate(self, data: rdflib.Graph, *, cross: bool = False, graph: str | None = None) -> ValidationRun:
        """Validate one graph with the per-graph shapes (or the cross-article ones)."""
        compiled = self._cross if cross else self._local
        if compiled.is_empty():
            return ValidationRun()
        work = _working_copy(data, self.classes)
        report = self._run(compiled, work)
        targeted = _targets(compiled.graph, compiled.node_shapes, work)
        key = WHOLE_DATASET if cross else (graph or DEFAULT_GRAPH)
        findings = _findings(report, compiled, graph)
        return ValidationRun(findings, targeted, report.serialize(format="turtle"), {key: targeted})

    def validate_quads(self, quads: Iterable[ox.Quad], *, graph: str | None = None) -> ValidationRun:
        """Validate the triples of some pyoxigraph quads (graph names dropped) with the per-graph shapes."""
        return self.validate(to_rdflib(quads), graph=graph)

    def validate_cross(self, store: ox.Store) -> ValidationRun:
        """Run the cross-article shapes once on the union of all graphs of ``store``.

        Only the triples these shapes can reach are converted: every ``rdf:type`` and
        ``rdfs:subClassOf`` triple and those whose predicate a cross shape names. A shape
        whose SPARQL uses a variable predicate gets the whole union.
        """
        if self._cross.is_empty():
            return ValidationRun()
        return self.validate(to_rdflib(self.cross_projection(store)), cross=True)

    def cross_projection(self, store: ox.Store) -> Iterator[ox.Quad]:
        """The quads of ``store`` the cross-article shapes need (see :meth:`validate_cross`)."""
        predicates = self.shapes.cross_predicates
        if predicates is None:
            yield from store
            return
        wanted = {ox.NamedNode(p) for p in predicates | {str(RDF.type), str(RDFS.subClassOf)}}
        for predicate in wanted:
            yield from store.quads_for_pattern(None, predicate, None, None)

    def _run(self, compiled: _Compiled, data: rdflib.Graph) -> rdflib.Graph:
        options = {"inference": "none", "inplace": True, "advanced": False, "allow_warnings": True,
                   "allow_infos": True, "abort_on_first": False, "logger": _LOG}
        validator = _PyShaclValidator(DataGraph.from_rdflib(data), shacl_graph=compiled.graph, options=options)
        validator.shacl_graph = compiled.shapes_graph
        _conforms, report, _text = validator.run()
        return report


def _class_axioms(ontology: bool) -> tuple[tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node], ...]:
    """The rdfs:subClassOf triples of the ontology and of ``shapes/support/*.ttl``."""
    if not ontology:
        return ()
    graph = rdflib.Graph()
    files = [resources.ontology_dir() / "dtkg.ttl", *sorted((resources.shapes_dir() / "support").glob("*.ttl"))]
    for path in files:
        graph.parse(path, format="turtle")
    return tuple(graph.triples((None, RDFS.subClassOf, None)))


def _working_copy(data: rdflib.Graph, classes: tuple) -> _CachingGraph:  # type: ignore[type-arg]
    """The data plus the class axioms, in a graph whose SPARQL queries are parsed once."""
    work = _CachingGraph()
    store = work.store
    for triple in data:
        store.add(triple, work)
    for triple in classes:
        store.add(triple, work)
    return work


def _targeting(shapes: rdflib.Graph) -> frozenset[rdflib.term.Node]:
    """Shapes that declare a target, typed sh:NodeShape or not."""
    found: set[rdflib.term.Node] = set()
    for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        found |= set(shapes.subjects(predicate, None))
    return frozenset(found)


def _findings(report: rdflib.Graph, compiled: _Compiled, graph: str | None) -> tuple[Finding, ...]:
    out = [_finding(report, r, compiled, graph) for r in report.subjects(RDF.type, SH.ValidationResult)]
    return tuple(sorted(out, key=lambda f: (f.graph or "", f.focus, f.shape, f.component, f.value or "")))


def _finding(report: rdflib.Graph, result: rdflib.term.Node, compiled: _Compiled, graph: str | None) -> Finding:
    value = report.value(result, SH.value)
    path = report.value(result, SH.resultPath)
    source = report.value(result, SH.sourceShape)
    english, vietnamese = _messages(report, result, _templates(compiled.graph, source))
    return Finding(
        severity=Severity.from_iri(report.value(result, SH.resultSeverity)),
        focus=str(report.value(result, SH.focusNode)),
        path=str(path) if isinstance(path, rdflib.URIRef) else (None if path is None else "(complex path)"),
        value=None if value is None else str(value),
        message=english,
        shape=shape_key(compiled.graph, source),
        component=str(report.value(result, SH.sourceConstraintComponent)),
        graph=graph,
        node_shape=_node_shape(compiled, source),
        message_vi=vietnamese,
        value_is_iri=isinstance(value, rdflib.URIRef),
    )


def _messages(report: rdflib.Graph, result: rdflib.term.Node,
              templates: list[tuple[re.Pattern[str], str]]) -> tuple[str, str | None]:
    """The English (or untagged) message and the Vietnamese one, if any.

    pySHACL drops the language tag of a SPARQL constraint's message when it fills in
    ``{?var}``; the language is recovered by matching the shape's message templates.
    """
    by_lang: dict[str, str] = {}
    for message in sorted(report.objects(result, SH.resultMessage), key=str):
        language = getattr(message, "language", None) or _language_of(str(message), templates)
        by_lang.setdefault(language, str(message))
    english = by_lang.get("en") or by_lang.get("") or next(iter(by_lang.values()), "")
    return english, by_lang.get("vi")


def _templates(shapes: rdflib.Graph, shape: rdflib.term.Node | None) -> list[tuple[re.Pattern[str], str]]:
    """The shape's (and its SPARQL constraints') messages as patterns, with their languages."""
    if shape is None:
        return []
    holders = [shape, *shapes.objects(shape, SH.sparql)]
    out = []
    for holder in holders:
        for message in shapes.objects(holder, SH.message):
            pattern = re.sub(r"\\\{\\?[?$]\w+\\\}", ".*", re.escape(str(message)))
            out.append((re.compile(pattern, re.DOTALL), getattr(message, "language", None) or ""))
    return out


def _language_of(message: str, templates: list[tuple[re.Pattern[str], str]]) -> str:
    for pattern, language in templates:
        if pattern.fullmatch(message):
            return language
    return ""


def shape_key(shapes: rdflib.Graph, shape: rdflib.term.Node | None) -> str:
    """A stable id for a shape: its IRI, or for a blank node its parent's IRI and its path."""
    if shape is None:
        return ""
    if isinstance(shape, rdflib.URIRef):
        return str(shape)
    parent = shapes.value(None, SH.property, shape)
    path = shapes.value(shape, SH.path)
    where = str(parent) if isinstance(parent, rdflib.URIRef) else "_"
    return f"{where}/{path if isinstance(path, rdflib.URIRef) else 'property'}"


def _node_shape(compiled: _Compiled, shape: rdflib.term.Node | None) -> str | None:
    if shape is None:
        return None
    parent = compiled.parents.get(shape)
    node = parent if parent is not None else shape
    return shape_key(compiled.graph, node)


def _targets(shapes: rdflib.Graph, node_shapes: frozenset[rdflib.term.Node], data: rdflib.Graph) -> dict[str, int]:
    """How many focus nodes each node shape's targets select in the data."""
    counts: dict[str, int] = {}
    for shape in node_shapes:
        counts[shape_key(shapes, shape)] = len(_focus_nodes(shapes, shape, data))
    return counts


def _focus_nodes(shapes: rdflib.Graph, shape: rdflib.term.Node, data: rdflib.Graph) -> set[rdflib.term.Node]:
    nodes: set[rdflib.term.Node] = set(shapes.objects(shape, SH.targetNode))
    classes = set(shapes.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in shapes:
        classes.add(shape)
    for cls in classes:
        for sub in _subclasses(data, cls):
            nodes |= set(data.subjects(RDF.type, sub))
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        nodes |= set(data.subjects(prop, None))
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        nodes |= set(data.objects(None, prop))
    return nodes


def _subclasses(data: rdflib.Graph, cls: rdflib.term.Node) -> set[rdflib.term.Node]:
    return {cls} | set(data.transitive_subjects(RDFS.subClassOf, cls))


def merge_reports(reports: Iterable[str]) -> rdflib.Graph:
    """One SHACL validation report from many (Turtle texts): all results, one sh:conforms.

    ``sh:conforms`` is true only when no report has any result, as the SHACL spec defines
    it (whatever the severity).
    """
    merged = rdflib.Graph()
    merged.bind("sh", SH)
    for text in reports:
        if text:
            merged.parse(data=text, format="turtle")
    results = set(merged.subjects(RDF.type, SH.ValidationResult))
    for old in list(merged.subjects(RDF.type, SH.ValidationReport)):
        merged.remove((old, None, None))
    node = rdflib.BNode()
    merged.add((node, RDF.type, SH.ValidationReport))
    merged.add((node, SH.conforms, rdflib.Literal(not results)))
    for result in results:
        merged.add((node, SH.result, result))
    return merged


def to_rdflib(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """pyoxigraph quads → an rdflib graph (graph names dropped), via N-Triples."""
    graph = rdflib.Graph()
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=text.decode("utf-8") if isinstance(text, bytes) else text, format="nt")
    return graph


def graph_quads(store: ox.Store, graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> list[ox.Quad]:
    """The quads of one graph of a store."""
    return list(store.quads_for_pattern(None, None, None, graph))


def dataset_graphs(store: ox.Store) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
    """The named graphs of a store in IRI order, then the default graph when it has triples."""
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = sorted(store.named_graphs(), key=str)
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        graphs.append(ox.DefaultGraph())
    return graphs


def graph_name(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> str:
    """A graph's IRI (or blank node id) as a string; :data:`DEFAULT_GRAPH` for the default graph."""
    return DEFAULT_GRAPH if isinstance(graph, ox.DefaultGraph) else str(graph.value)


def validate_dataset(store: ox.Store, validator: Validator) -> ValidationRun:
    """Validate every graph of a dataset on its own, then the cross-article shapes on the union."""
    runs = [validator.validate_quads(graph_quads(store, g), graph=graph_name(g)) for g in dataset_graphs(store)]
    runs.append(validator.validate_cross(store))
    return ValidationRun.combine(runs)
