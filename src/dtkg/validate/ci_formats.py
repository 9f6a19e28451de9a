"""Reports for CI systems, which no SHACL engine ships: JUnit XML and SARIF 2.1.0.

JUnit: one test suite per validated graph (article), one test case per node shape that
targeted something there or found something; results at or above the ``--fail-on``
threshold make the test case fail (one line per result in the failure), the rest are
listed in its ``system-out``.

SARIF (GitHub code scanning): one result per finding, ``ruleId`` the shape, ``level``
from the severity, located in the article's source file, with a region when the
evidence offsets are known.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from collections import defaultdict

from dtkg import __version__
from dtkg.validate.context import ReportContext
from dtkg.validate.notation import compact, finding_line, grouped
from dtkg.validate.results import WHOLE_DATASET, Finding, Severity, ValidationRun

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.VIOLATION: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_INFO_URI = "https://w3id.org/dtkg/shapes"


# ---------------------------------------------------------------- JUnit


def junit(run: ValidationRun, ctx: ReportContext, threshold: Severity = Severity.VIOLATION) -> str:
    """JUnit XML: a suite per graph, a case per (graph, node shape)."""
    root = ET.Element("testsuites", name="dtkg validate")
    by_graph = grouped(run, ctx)
    graphs = sorted(set(run.per_graph) | set(by_graph), key=lambda g: (g == WHOLE_DATASET, g))
    total = failed = 0
    for graph in graphs:
        suite = _suite(root, graph, run.per_graph.get(graph, {}), by_graph.get(graph, []), ctx, threshold)
        total += int(suite.get("tests", "0"))
        failed += int(suite.get("failures", "0"))
    root.set("tests", str(total))
    root.set("failures", str(failed))
    root.set("errors", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _suite(root: ET.Element, graph: str, targeted: dict[str, int], findings: list[Finding], ctx: ReportContext,
           threshold: Severity) -> ET.Element:
    source = ctx.source_of(graph)
    suite = ET.SubElement(root, "testsuite", name=source or graph)
    if source:
        ET.SubElement(ET.SubElement(suite, "properties"), "property", name="graph", value=graph)
    by_shape: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_shape[f.node_shape or f.shape].append(f)
    shapes = sorted({s for s, n in targeted.items() if n} | set(by_shape))
    failures = 0
    for shape in shapes:
        failures += _case(suite, graph, shape, targeted.get(shape, 0), by_shape.get(shape, []), ctx, threshold, source)
    suite.set("tests", str(len(shapes)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    return suite


def _case(suite: ET.Element, graph: str, shape: str, targeted: int, findings: list[Finding], ctx: ReportContext,
          threshold: Severity, source: str | None) -> int:
    case = ET.SubElement(suite, "testcase", name=compact(shape), classname=source or graph)
    case.set("file", source or "")
    failing = [f for f in findings if f.severity >= threshold]
    others = [f for f in findings if f.severity < threshold]
    if failing:
        worst = max(f.severity for f in failing)
        failure = ET.SubElement(case, "failure", type=worst.name.lower(),
                                message=f"{len(failing)} result(s): {failing[0].message}")
        failure.text = "\n".join(finding_line(f, ctx) for f in failing)
    out = [f"{targeted} focus node(s) checked"] + [finding_line(f, ctx) for f in others]
    ET.SubElement(case, "system-out").text = "\n".join(out)
    return 1 if failing else 0


# ---------------------------------------------------------------- SARIF


def sarif(run: ValidationRun, ctx: ReportContext) -> str:
    """SARIF 2.1.0 for GitHub code scanning."""
    findings = sorted(run.findings, key=lambda f: (ctx.graph_of(f), -f.severity, f.focus, f.shape, f.value or ""))
    rules = _rules(findings)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "dtkg", "version": __version__, "informationUri": _INFO_URI,
                                "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": [_result(f, ctx, index) for f in findings],
        }],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _rules(findings: list[Finding]) -> list[dict]:
    rules: dict[str, dict] = {}
    for f in findings:
        rule = rules.setdefault(_rule_id(f), {
            "id": _rule_id(f),
            "name": compact(f.shape).split(":")[-1],
            "shortDescription": {"text": f.message},
            "defaultConfiguration": {"level": _LEVELS[f.severity]},
            "properties": {"shape": f.shape, "component": f.component},
        })
        if f.shape.startswith("https://w3id.org/dtkg/shapes#"):
            rule["helpUri"] = f.shape
    return [rules[k] for k in sorted(rules)]


def _rule_id(f: Finding) -> str:
    return compact(f.shape) if f.shape else compact(f.component)


def _result(f: Finding, ctx: ReportContext, index: dict[str, int]) -> dict:
    rule = _rule_id(f)
    result = {
        "ruleId": rule,
        "ruleIndex": index[rule],
        "level": _LEVELS[f.severity],
        "message": {"text": finding_line(f, ctx)},
        "locations": [_location(f, ctx)],
        "partialFingerprints": {"dtkgFinding/v1": _fingerprint(f)},
        "properties": {"focusNode": f.focus, "resultPath": f.path, "value": f.value, "graph": ctx.graph_of(f),
                       "sourceConstraintComponent": f.component, "severity": f.severity.iri},
    }
    evidence = ctx.evidence_for(f)
    if evidence is not None:
        result["properties"]["evidence"] = evidence.text  # type: ignore[index]
    return result


def _location(f: Finding, ctx: ReportContext) -> dict:
    graph = ctx.graph_of(f)
    uri = ctx.source_of(graph) or ctx.dataset or "dataset"
    physical: dict = {"artifactLocation": {"uri": uri}}
    evidence = ctx.evidence_for(f)
    if evidence is not None and ctx.region_known(f) and ctx.source_of(graph):
        physical["region"] = {"startLine": evidence.start_line, "startColumn": evidence.start_column,
                              "endLine": evidence.end_line, "endColumn": evidence.end_column,
                              "snippet": {"text": evidence.text}}
    location = {"physicalLocation": physical,
                "logicalLocations": [{"fullyQualifiedName": f.focus, "kind": "resource"}]}
    if graph != WHOLE_DATASET:
        location["message"] = {"text": f"in graph {graph}"}
    return location


def _fingerprint(f: Finding) -> str:
    key = "\x1f".join([f.shape, f.component, f.focus, f.path or "", f.value or ""])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
