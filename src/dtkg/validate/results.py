"""What validation gives, engine-neutral: findings as frozen records, severities as an enum, runs that combine."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
import sys
from dataclasses import dataclass, field, replace

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
    graph_count: int | None = None  # when per_graph is not kept (a build of many articles)

    @property
    def graphs(self) -> int:
        """How many graphs were validated (the cross-article run is not one)."""
        if self.graph_count is not None:
            return self.graph_count
        return len([g for g in self.per_graph if g != WHOLE_DATASET])

    def worst(self) -> Severity | None:
        """The worst severity found, or None when nothing was found."""
        return max((f.severity for f in self.findings), default=None)

    def fails(self, threshold: Severity) -> bool:
        """True when a finding is at or above ``threshold``."""
        return any(f.severity >= threshold for f in self.findings)

    @classmethod
    def combine(cls, runs: Iterable["ValidationRun"]) -> "ValidationRun":
        """One run from many: findings concatenated, counts added (also per graph)."""
        tally = RunTally()
        for run in runs:
            tally.add(run)
        return tally.run()


class RunTally:
    """Runs added up as they come; with ``per_graph=False`` only the names of the graphs are
    kept of the per-graph counts, and findings share their repeated strings, so that memory
    follows the findings more than the number of graphs."""

    def __init__(self, *, per_graph: bool = True) -> None:
        self.keep = per_graph
        self.targeted: Counter[str] = Counter()
        self.per_graph: dict[str, Counter[str]] = {}
        self.graphs: set[str] = set()
        self.findings: list[Finding] = []

    def add(self, run: ValidationRun) -> None:
        self.targeted.update(run.targeted)
        for graph, counts in run.per_graph.items():
            if self.keep:
                self.per_graph.setdefault(graph, Counter()).update(counts)
            elif graph != WHOLE_DATASET:
                self.graphs.add(graph)
        self.findings.extend(run.findings if self.keep else map(_shared, run.findings))

    def run(self) -> ValidationRun:
        if self.keep:
            return ValidationRun(tuple(self.findings), dict(self.targeted), {g: dict(c) for g, c in self.per_graph.items()})
        return ValidationRun(tuple(self.findings), dict(self.targeted), {}, len(self.graphs))


def _shared(f: Finding) -> Finding:
    """The finding with its message, shape and component strings shared with every other finding's."""
    return replace(f, message=sys.intern(f.message), shape=sys.intern(f.shape), component=sys.intern(f.component),
                   path=None if f.path is None else sys.intern(f.path), graph=None if f.graph is None else sys.intern(f.graph),
                   node_shape=None if f.node_shape is None else sys.intern(f.node_shape),
                   message_vi=None if f.message_vi is None else sys.intern(f.message_vi))
