"""What a publish run did: graphs sent, unchanged, pruned and failed, and why it stopped if it did."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

DEFAULT_GRAPH = "DEFAULT"
"""The name standing for the dataset's default graph in reports (not an IRI)."""


def show(graph: str) -> str:
    """A graph as people read it: ``<IRI>`` or ``DEFAULT``."""
    return DEFAULT_GRAPH if graph == DEFAULT_GRAPH else f"<{graph}>"


@dataclass(frozen=True, kw_only=True)
class GraphFailure:
    """One graph that could not be sent, pruned or read back as sent, with the store's own words."""

    graph: str
    message: str
    status: int | None = None
    url: str | None = None
    fix: str | None = None

    def __str__(self) -> str:
        where = f" at {self.url}" if self.url else ""
        status = f"HTTP {self.status}: " if self.status is not None else ""
        fix = f" (fix: {self.fix})" if self.fix else ""
        return f"graph {show(self.graph)}{where}: {status}{self.message}{fix}"


@dataclass(frozen=True, kw_only=True)
class PublishReport:
    """The outcome of :func:`dtkg.publish.publish`.

    ``sent`` maps each graph sent (or, in a dry run, to be sent) to its triples; ``stale``
    lists graphs dtkg published earlier that the dataset no longer has and that were left
    (no ``prune``); ``not_attempted`` lists graphs left because the run ``stopped``.
    """

    store: str
    endpoint: str
    update_url: str | None = None
    graph_store_url: str | None = None
    dry_run: bool = False
    sent: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    unchanged: tuple[str, ...] = ()
    pruned: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()
    failed: tuple[GraphFailure, ...] = ()
    not_attempted: tuple[str, ...] = ()
    stopped: str | None = None
    cleaned: tuple[str, ...] = ()
    retries: int = 0
    verified: tuple[str, ...] | None = None

    @property
    def ok(self) -> bool:
        """True when every graph that had to go went (and, if verified, read back equal)."""
        return not self.failed and self.stopped is None

    @property
    def total_triples(self) -> int:
        """Triples in the graphs sent."""
        return sum(self.sent.values())

    def summary(self) -> list[str]:
        """The report as lines for people: one summary line, then failures and what to do."""
        verb = "would send" if self.dry_run else "sent"
        lines = [
            f"{self.store} store at {self.endpoint}: {verb} {len(self.sent)} graph(s) ({self.total_triples:,} triples), "
            f"{len(self.unchanged)} unchanged, {len(self.pruned)} {'to prune' if self.dry_run else 'pruned'}, {len(self.failed)} failed"
            + (f", {self.retries} request(s) retried" if self.retries else "")
        ]
        if not self.sent and not self.pruned and not self.failed and self.stopped is None:
            lines.append(f"nothing to send: the store already holds all {len(self.unchanged)} graph(s) of the dataset as they are")
        if self.cleaned:
            lines.append(f"removed {len(self.cleaned)} staging graph(s) an interrupted run had left")
        if self.stale:
            lines.append(f"{len(self.stale)} graph(s) published earlier are no longer in the dataset; --prune removes them")
        if self.verified is not None and (self.verified or self.sent):
            lines.append(f"read back {len(self.verified)} graph(s): " + ("all equal to the dataset" if not self.failed else "see the failures"))
        lines += [f"failed: {failure}" for failure in self.failed]
        if self.stopped is not None:
            lines.append(
                f"stopped: {self.stopped}; {len(self.sent)} graph(s) were replaced before it stopped and "
                f"{len(self.not_attempted)} were not sent; each graph on the store is either as before or as in the dataset, "
                "and running the same command again completes the job"
            )
        elif self.failed and not self.dry_run:
            lines.append("the graphs that failed are left as they were on the store; fix the cause and run the same command again")
        return lines
