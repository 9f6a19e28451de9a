"""What a publish run did: the graphs it replaced, their sizes, what it skipped and what failed."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from dtkg.errors import PublishError

DEFAULT_GRAPH = "DEFAULT"
"""The key standing for the dataset's default graph in ``graphs=`` and in reports (not an IRI)."""


class PublishMethod(enum.Enum):
    """How graphs are written: Graph Store Protocol ``PUT``, SPARQL Update, or whichever is known."""

    AUTO = "auto"
    GRAPH_STORE = "graph-store"
    UPDATE = "update"


@dataclass(frozen=True, kw_only=True)
class GraphFailure:
    """One graph that could not be replaced (or whose remote copy did not match)."""

    graph: str
    url: str
    status: int | None
    message: str
    fix: str | None = None

    def error(self) -> PublishError:
        """The failure as the :class:`PublishError` the library would raise for it."""
        status = f"HTTP {self.status}: " if self.status is not None else ""
        return PublishError(f"graph {_show(self.graph)} at {self.url}: {status}{self.message}", fix=self.fix)

    def __str__(self) -> str:
        return str(self.error())


@dataclass(frozen=True, kw_only=True)
class PublishReport:
    """The outcome of :func:`dtkg.publish.publish`: graphs replaced, triples each, skipped, failures."""

    method: PublishMethod
    url: str
    graphs: tuple[str, ...]
    triples: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    skipped: tuple[str, ...] = ()
    failures: tuple[GraphFailure, ...] = ()
    chunked: tuple[str, ...] = ()
    verified: Mapping[str, int] | None = None

    @property
    def ok(self) -> bool:
        """True when every selected graph was replaced (and, if verified, matched)."""
        return not self.failures

    @property
    def total_triples(self) -> int:
        """Triples sent in the graphs that were replaced."""
        return sum(self.triples.values())


def _show(graph: str) -> str:
    return "DEFAULT" if graph == DEFAULT_GRAPH else f"<{graph}>"
