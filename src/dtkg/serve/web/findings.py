"""The validation findings of each article, read from the report ``dtkg build`` writes beside the dataset.

The report (``<dataset>.validation.txt``) groups findings by article graph; this reads that
text back: a group header names the graph (``… (graph <IRI>)``), each finding starts with its
severity and goes on with indented lines (``at``, ``property``, the message, ``evidence``, ``rule``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

_GRAPH = re.compile(r"(?:^|\()graph <([^>]+)>\)?\s*$")
_FINDING = re.compile(r"^  (VIOLATION|WARNING|INFO): (.*)$")


@dataclass
class Finding:
    """One validation result: severity, what it is about, the message, and its details."""

    severity: str
    focus: str
    message: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)


def read_findings(path: Path) -> dict[str, list[Finding]]:
    """Findings by graph IRI; an unreadable report gives none."""
    try:
        stat = path.stat()
    except OSError:
        return {}
    return _read(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _read(path: str, mtime: int, size: int) -> dict[str, list[Finding]]:
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return {}
    return parse_report(lines)


def parse_report(lines: list[str]) -> dict[str, list[Finding]]:
    """Findings by graph IRI from the lines of a text report."""
    found: dict[str, list[Finding]] = {}
    graph: str | None = None
    current: Finding | None = None
    for line in lines:
        if line and not line.startswith(" "):
            match = _GRAPH.search(line)
            graph = match.group(1) if match else None
            current = None
            continue
        finding = _FINDING.match(line)
        if finding and graph is not None:
            current = Finding(severity=finding.group(1).lower(), focus=finding.group(2))
            found.setdefault(graph, []).append(current)
        elif current is not None and line.startswith("    "):
            _detail(current, line.strip())
    return found


def _detail(finding: Finding, text: str) -> None:
    for key in ("at ", "property: ", "evidence: ", "rule: "):
        if text.startswith(key):
            finding.details.append((key.strip(" :"), text[len(key):]))
            return
    finding.message = f"{finding.message} {text}".strip()
