"""How reports write IRIs, count results and group them: shared by every report format."""

from __future__ import annotations

from collections import defaultdict

from dtkg.validate.context import ReportContext
from dtkg.validate.results import WHOLE_DATASET, Finding, Severity, ValidationRun

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


def finding_line(f: Finding, ctx: ReportContext) -> str:
    """One result on one line: severity, focus (label), property, value, message."""
    label = ctx.labels.get(f.focus)
    focus = compact(f.focus) + (f" \"{label}\"" if label else "")
    value = "-" if f.value is None else (compact(f.value) if f.value_is_iri else f"\"{f.value}\"")
    return f"{f.severity.name}: {focus} property={compact(f.path)} value={value}: {f.message}"
