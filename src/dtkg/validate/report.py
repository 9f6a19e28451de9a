"""Validation reports: text for people, Turtle/JSON(-LD) SHACL reports for tools, JUnit and SARIF for CI."""

from __future__ import annotations

import enum

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH, XSD

from dtkg.errors import UsageError
from dtkg.validate import ci_formats
from dtkg.validate.context import ReportContext
from dtkg.validate.notation import compact, counts, grouped
from dtkg.validate.results import WHOLE_DATASET, Finding, Severity, ValidationRun


class ReportFormat(enum.Enum):
    TEXT = "text"
    TURTLE = "turtle"
    JSON = "json"
    JUNIT = "junit"
    SARIF = "sarif"

    @classmethod
    def parse(cls, name: str) -> "ReportFormat":
        try:
            return cls(name.lower())
        except ValueError as exc:
            raise UsageError(f"unknown report format {name!r}", fix="use " + ", ".join(f.value for f in cls)) from exc


def render(run: ValidationRun, fmt: ReportFormat, *, labels: dict[str, str] | None = None,
           sources: dict[str, str] | None = None, context: ReportContext | None = None,
           threshold: Severity = Severity.VIOLATION) -> str:
    """The report in the given format; ``context`` (or ``labels``/``sources``) adds what the data says."""
    ctx = context or ReportContext(sources=dict(sources or {}), labels=dict(labels or {}))
    if fmt is ReportFormat.TEXT:
        return text(run, ctx, threshold)
    if fmt is ReportFormat.TURTLE:
        return shacl_report(run).serialize(format="turtle")
    if fmt is ReportFormat.JSON:
        return shacl_report(run).serialize(format="json-ld", context={"sh": str(SH)}, indent=2)
    if fmt is ReportFormat.JUNIT:
        return ci_formats.junit(run, ctx, threshold)
    return ci_formats.sarif(run, ctx)


def shacl_report(run: ValidationRun) -> rdflib.Graph:
    """The run's standard SHACL validation report (SHACL §3.6): one sh:ValidationReport, all results.

    Written from the findings, so it is the same whichever engine ran; ``sh:conforms`` is
    true only when there is no result at all, whatever the severity.
    """
    graph = rdflib.Graph()
    graph.bind("sh", SH)
    report = rdflib.BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, rdflib.Literal(not run.findings)))
    for finding in sorted(run.findings, key=Finding.sort_key):
        result = rdflib.BNode()
        graph.add((report, SH.result, result))
        for predicate, obj in _result_triples(finding):
            graph.add((result, predicate, obj))
    return graph


def _result_triples(f: Finding) -> list[tuple[rdflib.URIRef, rdflib.term.Node]]:
    triples: list[tuple[rdflib.URIRef, rdflib.term.Node]] = [
        (RDF.type, SH.ValidationResult),
        (SH.focusNode, rdflib.URIRef(f.focus) if f.focus_is_iri else rdflib.BNode(f.focus)),
        (SH.resultSeverity, rdflib.URIRef(f.severity.iri)),
        (SH.sourceConstraintComponent, rdflib.URIRef(f.component)),
        (SH.resultMessage, rdflib.Literal(f.message, lang=f.message_lang)),
    ]
    if f.message_vi is not None and f.message_lang != "vi":
        triples.append((SH.resultMessage, rdflib.Literal(f.message_vi, lang="vi")))
    if f.shape:
        shape = rdflib.URIRef(f.shape) if "://" in f.shape or f.shape.startswith("urn:") else rdflib.BNode()
        triples.append((SH.sourceShape, shape))
    if f.path and f.path != "(complex path)":
        triples.append((SH.resultPath, rdflib.URIRef(f.path)))
    if f.value_nt is not None:
        triples.append((SH.value, _term(f.value_nt)))
    return triples


def _term(nt: str) -> rdflib.term.Node:
    """An N-Triples term as an rdflib term."""
    (quad,) = ox.parse(f"<urn:x:s> <urn:x:p> {nt} .", format=ox.RdfFormat.N_TRIPLES)
    term = quad.object
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return rdflib.Literal(term.value, datatype=None if datatype == str(XSD.string) else rdflib.URIRef(datatype))


def text(run: ValidationRun, ctx: ReportContext, threshold: Severity = Severity.VIOLATION) -> str:
    """The report for people: a summary, then each article's results, then what each shape checked."""
    lines = [_summary(run, threshold)]
    for graph, findings in grouped(run, ctx).items():
        lines += ["", _group_header(graph, ctx)]
        for f in findings:
            lines += _finding_lines(f, ctx)
    lines += ["", "focus nodes checked per shape:"]
    lines += [f"  {n:7d}  {compact(shape)}" for shape, n in sorted(run.targeted.items(), key=lambda kv: kv[0])]
    return "\n".join(lines) + "\n"


def _summary(run: ValidationRun, threshold: Severity) -> str:
    c = counts(run.findings)
    verdict = "FAILED" if run.fails(threshold) else "passed"
    graphs = run.graphs
    return (f"dtkg validate: {verdict} (--fail-on {threshold.name.lower()}): {len(run.findings)} result(s) "
            f"in {graphs} graph(s): {c[Severity.VIOLATION]} violation(s), {c[Severity.WARNING]} warning(s), "
            f"{c[Severity.INFO]} info; {sum(run.targeted.values())} focus node(s) checked")


def _group_header(graph: str, ctx: ReportContext) -> str:
    source = ctx.source_of(graph)
    if graph == WHOLE_DATASET:
        return "whole dataset"
    name = compact(graph) if graph.startswith(("http", "urn")) else graph
    return f"{source}  (graph {name})" if source else f"graph {name}"


def _finding_lines(f: Finding, ctx: ReportContext) -> list[str]:
    label = ctx.labels.get(f.focus)
    focus = f"\"{label}\" {compact(f.focus)}" if label else compact(f.focus)
    lines = [f"  {f.severity.name}: {focus}"]
    location = _location(f, ctx)
    if location:
        lines.append(f"    at {location}")
    lines.append(f"    property: {compact(f.path)}   value: {_value(f, ctx)}")
    lines.append(f"    {f.message}")
    evidence = ctx.evidence_for(f)
    if evidence is not None:
        lines.append(f"    evidence: \"{_one_line(evidence.text)}\"")
    lines.append(f"    rule: {compact(f.shape)} ({compact(f.component)})")
    return lines


def _location(f: Finding, ctx: ReportContext) -> str | None:
    source = ctx.source_of(ctx.graph_of(f))
    if source is None:
        return None
    evidence = ctx.evidence_for(f)
    if evidence is not None and ctx.region_known(f):
        return f"{source}:{evidence.start_line}:{evidence.start_column}"
    return source


def _value(f: Finding, ctx: ReportContext) -> str:
    if f.value is None:
        return "-"
    if not f.value_is_iri:
        return f"\"{_one_line(f.value, 120)}\""
    label = ctx.labels.get(f.value)
    return f"{compact(f.value)} \"{label}\"" if label else compact(f.value)


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
