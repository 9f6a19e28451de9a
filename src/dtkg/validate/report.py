"""Validation reports: text for people, Turtle/JSON for SHACL tools, JUnit and SARIF for CI."""

from __future__ import annotations

import enum
import json
from collections import defaultdict

from dtkg.validate.engine import Severity, ValidationRun


class ReportFormat(enum.Enum):
    TEXT = "text"
    TURTLE = "turtle"
    JSON = "json"
    JUNIT = "junit"
    SARIF = "sarif"


def render(run: ValidationRun, fmt: ReportFormat, *, labels: dict[str, str] | None = None,
           sources: dict[str, str] | None = None) -> str:
    """The report in the given format."""
    if fmt is ReportFormat.TEXT:
        return _text(run, labels or {}, sources or {})
    if fmt is ReportFormat.TURTLE:
        return run.report
    if fmt is ReportFormat.JSON:
        return _json(run)
    from dtkg.validate import ci_formats

    return ci_formats.junit(run, sources or {}) if fmt is ReportFormat.JUNIT else ci_formats.sarif(run, sources or {})


def _short(iri: str | None) -> str:
    if not iri:
        return "-"
    for sep in ("#", "/"):
        if sep in iri:
            return iri.rsplit(sep, 1)[-1] or iri
    return iri


def _text(run: ValidationRun, labels: dict[str, str], sources: dict[str, str]) -> str:
    counts = {s: sum(f.severity is s for f in run.findings) for s in Severity}
    lines = [
        f"{len(run.findings)} result(s): {counts[Severity.VIOLATION]} violation(s), "
        f"{counts[Severity.WARNING]} warning(s), {counts[Severity.INFO]} info",
    ]
    by_graph: dict[str, list] = defaultdict(list)
    for f in run.findings:
        by_graph[f.graph or "(whole dataset)"].append(f)
    for graph in sorted(by_graph):
        where = sources.get(graph, "")
        lines.append("")
        lines.append(f"{graph}" + (f"  ({where})" if where else ""))
        for f in by_graph[graph]:
            label = labels.get(f.focus)
            focus = f"{label} <{f.focus}>" if label else f"<{f.focus}>"
            lines.append(f"  {f.severity.name}: {focus}")
            lines.append(f"    property: {_short(f.path)}   value: {f.value if f.value is not None else '-'}")
            lines.append(f"    {f.message}   [{_short(f.shape)} / {_short(f.component)}]")
    lines.append("")
    lines.append("focus nodes per shape:")
    for shape, n in sorted(run.targeted.items()):
        lines.append(f"  {_short(shape)}: {n}")
    return "\n".join(lines) + "\n"


def _json(run: ValidationRun) -> str:
    return json.dumps({
        "conforms": not run.fails(Severity.VIOLATION),
        "results": [
            {"severity": f.severity.name.lower(), "focusNode": f.focus, "resultPath": f.path, "value": f.value,
             "message": f.message, "sourceShape": f.shape, "sourceConstraintComponent": f.component, "graph": f.graph}
            for f in run.findings
        ],
        "targeted": run.targeted,
    }, ensure_ascii=False, indent=2)
