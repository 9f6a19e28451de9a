"""What validation gives, engine-neutral: findings as frozen records, severities as an enum, runs that combine."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from dtkg.errors import ValidationError

SH = "http://www.w3.org/ns/shacl#"
WHOLE_DATASET = "(whole dataset)"
DEFAULT_GRAPH = "(default graph)"


class Severity(enum.IntEnum):
    """SHACL severities, ordered so that ``>=`` means "at least as bad"."""

    INFO = 1
    WARNING = 2
    VIOLATION = 3

    @classmethod
    def from_iri(cls, iri: object) -> "Severity":
        """The severity an ``sh:resultSeverity`` IRI names (anything unknown is a violation)."""
        return {SH + "Info": cls.INFO, SH + "Warning": cls.WARNING}.get(str(iri), cls.VIOLATION)

    @classmethod
    def parse(cls, name: str) -> "Severity":
        """``"violation"``/``"warning"``/``"info"`` → the severity, or a :class:`ValidationError`."""
        try:
            return cls[name.upper()]
        except KeyError as exc:
            raise ValidationError(f"unknown severity {name!r}", fix="use violation, warning or info") from exc

    @property
    def iri(self) -> str:
        return SH + self.name.capitalize()


@dataclass(frozen=True)
class Finding:
    """One SHACL validation result, with the graph it was found in.

    ``value`` is the value's lexical form or IRI (for people); ``value_nt`` the value as an
    N-Triples term (for the standard SHACL report), ``"vi"^^xsd:string`` written ``"vi"``.
    """

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
    value_nt: str | None = None
    focus_is_iri: bool = True
    message_lang: str | None = None

    def sort_key(self) -> tuple[str, str, str, str, str]:
        return (self.graph or "", self.focus, self.shape, self.component, self.value or "")


@dataclass(frozen=True)
class ValidationRun:
    """The findings of a validation and how many focus nodes each node shape targeted.

    ``per_graph`` holds the targeted counts of each validated graph (keyed
    :data:`WHOLE_DATASET` for the cross-article shapes).
    """

    findings: tuple[Finding, ...] = ()
    targeted: dict[str, int] = field(default_factory=dict)
    per_graph: dict[str, dict[str, int]] = field(default_factory=dict)

    def worst(self) -> Severity | None:
        """The worst severity found, or None when nothing was found."""
        return max((f.severity for f in self.findings), default=None)

    def fails(self, threshold: Severity) -> bool:
        """True when a finding is at or above ``threshold``."""
        return any(f.severity >= threshold for f in self.findings)

    @classmethod
    def combine(cls, runs: Iterable["ValidationRun"]) -> "ValidationRun":
        """One run from many: findings concatenated, counts added (also per graph)."""
        targeted: Counter[str] = Counter()
        per_graph: dict[str, Counter[str]] = {}
        findings: list[Finding] = []
        for run in runs:
            targeted.update(run.targeted)
            for graph, counts in run.per_graph.items():
                per_graph.setdefault(graph, Counter()).update(counts)
            findings.extend(run.findings)
        return cls(tuple(findings), dict(targeted), {g: dict(c) for g, c in per_graph.items()})
