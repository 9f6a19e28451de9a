"""Validation reports: text for people, Turtle/JSON(-LD) SHACL reports for tools, JUnit and SARIF for CI."""

from __future__ import annotations

import enum
from collections import defaultdict

import rdflib

from dtkg.validate.context import ReportContext
from dtkg.validate.engine import WHOLE_DATASET, Finding, Severity, ValidationRun, merge_reports

_PREFIXES = {
    "https://w3id.org/dtkg/shapes#": "dtsh:",
    "https://w3id.org/dtkg/ontology#": "dtkg:",
    "http://www.w3.org/ns/shacl#": "sh:",
    "https://schema.org/": "schema:",
    "http://www.w3.org/ns/org#": "org:",
    "http://www.w3.org/ns/oa#": "oa:",
    "http://www.w3.org/2006/time#": "time:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
}


class ReportFormat(enum.Enum):
    TEXT = "text"
    TURTLE = "turtle"
    JSON = "json"
    JUNIT = "junit"
    SARIF = "sarif"

    @classmethod
    def parse(cls, name: str) -> "ReportFormat":
        from dtkg.errors import UsageError

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
        return shacl_report(run).serialize(format="json-ld", context={"sh": str(rdflib.SH)}, indent=2)
    from dtkg.validate import ci_formats

    if fmt is ReportFormat.JUNIT:
        return ci_formats.junit(run, ctx, threshold)
    return ci_formats.sarif(run, ctx)


def shacl_report(run: ValidationRun) -> rdflib.Graph:
    """The run's standard SHACL validation report: one sh:ValidationReport, all results."""
    graph = merge_reports([run.report])
    graph.bind("sh", rdflib.SH)
    return graph


def compact(iri: str | None) -> str:
    """``dtsh:Foo`` for IRIs under a known namespace, ``<iri>`` otherwise, ``-`` for nothing."""
    if not iri:
        return "-"
    for namespace, prefix in _PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return prefix + iri[len(namespace):]
    return f"<{iri}>" if "://" in iri or iri.startswith("urn:") else iri


def counts(findings: tuple[Finding, ...] | list[Finding]) -> dict[Severity, int]:
    return {s: sum(f.severity is s for f in findings) for s in Severity}


def grouped(run: ValidationRun, ctx: ReportContext) -> dict[str, list[Finding]]:
    """Findings by the graph (article) they are reported under, in a stable order."""
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in sorted(run.findings, key=lambda f: (-f.severity, f.focus, f.shape, f.value or "")):
        groups[ctx.graph_of(f)].append(f)
    return dict(sorted(groups.items(), key=lambda kv: (kv[0] == WHOLE_DATASET, ctx.source_of(kv[0]) or kv[0])))


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
    graphs = len([g for g in run.per_graph if g != WHOLE_DATASET])
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
