"""pySHACL behind a small interface: findings as frozen records, severities as an enum."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDF, SH

from dtkg import resources
from dtkg.errors import ValidationError

DTKG = rdflib.Namespace("https://w3id.org/dtkg/ontology#")


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    VIOLATION = 3

    @classmethod
    def from_iri(cls, iri: rdflib.term.Node) -> "Severity":
        return {SH.Info: cls.INFO, SH.Warning: cls.WARNING}.get(iri, cls.VIOLATION)  # type: ignore[arg-type]

    @classmethod
    def parse(cls, name: str) -> "Severity":
        try:
            return cls[name.upper()]
        except KeyError as exc:
            raise ValidationError(f"unknown severity {name!r}", fix="use violation, warning or info") from exc


@dataclass(frozen=True)
class Finding:
    """One SHACL validation result."""

    severity: Severity
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str
    component: str
    graph: str | None = None


@dataclass(frozen=True)
class ValidationRun:
    """The findings of a validation and how many focus nodes each shape targeted."""

    findings: tuple[Finding, ...] = ()
    targeted: dict[str, int] = field(default_factory=dict)
    report: str = ""  # the standard SHACL validation report, as Turtle

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def fails(self, threshold: Severity) -> bool:
        return any(f.severity >= threshold for f in self.findings)


def _load_shapes(shapes_dir: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    files = sorted(shapes_dir.glob("*.ttl"))
    if not files:
        raise ValidationError("no SHACL shapes (*.ttl) found", path=str(shapes_dir), fix="pass --shapes DIR")
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many kinds of parse errors
            raise ValidationError(f"shapes do not parse: {exc}", path=str(path)) from exc
    return graph


class Validator:
    """Shapes compiled once; validate many graphs."""

    def __init__(self, shapes_dir: Path | None = None, *, ontology: bool = True) -> None:
        self.shapes_dir = shapes_dir or resources.shapes_dir()
        shapes = _load_shapes(self.shapes_dir)
        self.cross = {s for s in shapes.subjects(DTKG.crossArticle, rdflib.Literal(True))}
        self.local_shapes = _without(shapes, self.cross)
        self.cross_shapes = _only(shapes, self.cross)
        self.ontology = rdflib.Graph()
        if ontology:
            self.ontology.parse(resources.ontology_dir() / "dtkg.ttl", format="turtle")

    def validate(self, data: rdflib.Graph, *, cross: bool = False, graph: str | None = None) -> ValidationRun:
        shapes = self.cross_shapes if cross else self.local_shapes
        if len(shapes) == 0:
            return ValidationRun()
        conforms, report, _ = shacl_validate(
            data, shacl_graph=shapes, ont_graph=self.ontology, inference="none", advanced=True, allow_warnings=True
        )
        return ValidationRun(_findings(report, graph), _targets(shapes, data), report.serialize(format="turtle"))


def _without(shapes: rdflib.Graph, drop: set[rdflib.term.Node]) -> rdflib.Graph:
    out = rdflib.Graph()
    for t in shapes:
        if t[0] not in drop:
            out.add(t)
    for prefix, ns in shapes.namespaces():
        out.bind(prefix, ns)
    return out


def _only(shapes: rdflib.Graph, keep: set[rdflib.term.Node]) -> rdflib.Graph:
    out = rdflib.Graph()
    for t in shapes:
        if t[0] in keep or not isinstance(t[0], rdflib.URIRef) or t[0] not in _node_shapes(shapes):
            out.add(t)
    return _without(out, _node_shapes(shapes) - keep)


def _node_shapes(shapes: rdflib.Graph) -> set[rdflib.term.Node]:
    return set(shapes.subjects(RDF.type, SH.NodeShape))


def _findings(report: rdflib.Graph, graph: str | None) -> tuple[Finding, ...]:
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        value = report.value(r, SH.value)
        path = report.value(r, SH.resultPath)
        out.append(Finding(
            severity=Severity.from_iri(report.value(r, SH.resultSeverity)),
            focus=str(report.value(r, SH.focusNode)),
            path=str(path) if isinstance(path, rdflib.URIRef) else (None if path is None else "(complex path)"),
            value=None if value is None else str(value),
            message=str(report.value(r, SH.resultMessage) or ""),
            shape=str(report.value(r, SH.sourceShape)),
            component=str(report.value(r, SH.sourceConstraintComponent)),
            graph=graph,
        ))
    return tuple(sorted(out, key=lambda f: (f.graph or "", f.focus, f.shape, f.component, f.value or "")))


def _targets(shapes: rdflib.Graph, data: rdflib.Graph) -> dict[str, int]:
    """How many focus nodes each node shape's class/node targets select in the data."""
    counts: Counter[str] = Counter()
    for shape in _node_shapes(shapes):
        nodes: set[rdflib.term.Node] = set()
        for cls in shapes.objects(shape, SH.targetClass):
            for sub in _subclasses(data, cls):
                nodes |= set(data.subjects(RDF.type, sub))
        if (shape, RDF.type, rdflib.RDFS.Class) in shapes:
            nodes |= set(data.subjects(RDF.type, shape))
        nodes |= set(shapes.objects(shape, SH.targetNode))
        for prop in shapes.objects(shape, SH.targetSubjectsOf):
            nodes |= set(data.subjects(prop, None))
        for prop in shapes.objects(shape, SH.targetObjectsOf):
            nodes |= set(data.objects(None, prop))
        counts[str(shape)] = len(nodes)
    return dict(counts)


def _subclasses(data: rdflib.Graph, cls: rdflib.term.Node) -> set[rdflib.term.Node]:
    return {cls} | set(data.transitive_subjects(rdflib.RDFS.subClassOf, cls))


def to_rdflib(quads: list[ox.Quad]) -> rdflib.Graph:
    """pyoxigraph quads → an rdflib graph (graph names dropped), via N-Triples."""
    graph = rdflib.Graph()
    text = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=text.decode("utf-8") if isinstance(text, bytes) else text, format="nt")
    return graph


def validate_dataset(store: ox.Store, validator: Validator) -> ValidationRun:
    """Validate every named graph of a dataset on its own, then the cross-article shapes on the union."""
    findings: list[Finding] = []
    targeted: Counter[str] = Counter()
    reports: list[str] = []
    for graph in sorted(store.named_graphs(), key=str):
        quads = list(store.quads_for_pattern(None, None, None, graph))
        run = validator.validate(to_rdflib(quads), graph=graph.value)
        findings += run.findings
        targeted.update(run.targeted)
        reports.append(run.report)
    union = to_rdflib(list(store))
    cross = validator.validate(union, cross=True)
    findings += cross.findings
    targeted.update(cross.targeted)
    return ValidationRun(tuple(findings), dict(targeted), "\n".join(reports + [cross.report]))
