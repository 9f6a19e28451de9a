"""Sending graphs to the store, each request all-or-nothing, the record updated in the same request.

Four routes, chosen per store and graph:

- *bulk*: graphs the store does not hold yet go as one N-Quads document per batch to the
  graph store (Oxigraph loads it with its bulk loader, committed as a whole), their record
  lines in the same document;
- *put and move* (Virtuoso): each graph of a batch goes by a Graph Store PUT into its
  staging graph, marked as such in the record, then one update request moves them all in
  place and records them (sent again, if its answer is lost, only for graphs still marked);
- *replace*: a graph the store holds goes in one SPARQL Update request (forget its record,
  drop it, insert it in blocks the store accepts, record it), several graphs per request;
- *staged*: a graph too large for one request goes in chunks into a staging graph, then one
  guarded request swaps it in and records it.

A batch the store refuses is sent again graph by graph, so one bad graph fails alone. A
store that stops answering, or refuses credentials or the URL, stops the run: what was
committed stays, the rest is listed as not attempted, and the next run sends exactly that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from dtkg import iris
from dtkg.publish import sparql
from dtkg.publish.dataset import DatasetIndex, GraphEntry, batches, ntriples
from dtkg.publish.record import Record, read_staging
from dtkg.publish.report import DEFAULT_GRAPH, GraphFailure
from dtkg.publish.transport import Connection, StoreRefused, StoreUnreachable

PRESENT_BATCH = 200
PRUNE_BATCH = 100


class _Stop(Exception):
    """The run cannot go on: the store is gone, or refuses the credentials or the URL."""


@dataclass(frozen=True, kw_only=True)
class Urls:
    """Where writes go: the SPARQL Update URL, and the graph store URL taking N-Quads (if any)."""

    update: str
    graph_store: str | None


@dataclass(kw_only=True)
class Writer:
    """Sends a plan to the store through ``connection`` and keeps count of what happened."""

    connection: Connection
    index: DatasetIndex
    record: Record
    urls: Urls
    endpoint: str
    progress: Callable[[int], None] | None = None
    sent: dict[str, int] = field(default_factory=dict)
    pruned: list[str] = field(default_factory=list)
    failed: list[GraphFailure] = field(default_factory=list)
    not_attempted: list[str] = field(default_factory=list)
    stopped: str | None = None

    # --- sending ---------------------------------------------------------------------------

    def send(self, entries: tuple[GraphEntry, ...], *, recorded: frozenset[str]) -> None:
        """Send every entry by its route; stop early (listing the rest) if the store goes away."""
        profile = self.connection.profile
        todo = list(entries)
        if not profile.default_graph:
            self.failed += [_no_default_graph(profile.kind.value) for e in todo if e.is_default]
            todo = [e for e in todo if not e.is_default]
        try:
            if profile.graph_put and self.urls.graph_store:
                for batch in batches([e for e in todo if not e.is_default], max_triples=profile.bulk_triples):
                    self._attempt(batch, self._put_and_move)
                todo = [e for e in todo if e.is_default]
            large = [e for e in todo if e.triples > profile.request_triples and not e.is_default and not e.has_blank_nodes]
            rest = [e for e in todo if e not in set(large)]
            fresh = self._fresh(rest, recorded) if self.urls.graph_store and profile.bulk else set()
            for batch in batches([e for e in rest if e.graph in fresh], max_triples=profile.bulk_triples):
                self._attempt(batch, self._bulk)
            for batch in batches([e for e in rest if e.graph not in fresh], max_triples=profile.request_triples):
                self._attempt(batch, self._replace)
            for entry in large:
                self._attempt([entry], self._staged)
        except _Stop as stop:
            self.stopped = str(stop)
            done = set(self.sent) | {f.graph for f in self.failed}
            self.not_attempted = [e.graph for e in entries if e.graph not in done]

    def _attempt(self, batch: list[GraphEntry], route: Callable[[list[GraphEntry]], None]) -> None:
        """Send a batch by ``route``; if the store refuses it, send its graphs one by one."""
        try:
            route(batch)
        except StoreRefused as refused:
            if refused.final:
                raise _Stop(str(refused)) from None
            if len(batch) > 1:
                for entry in batch:
                    self._attempt([entry], route)
                return
            self.failed.append(_failure(batch[0].graph, refused))
            return
        except StoreUnreachable as gone:
            raise _Stop(str(gone)) from None
        for entry in batch:
            self.sent[entry.graph] = entry.triples
        if self.progress is not None:
            self.progress(len(batch))

    def _fresh(self, entries: list[GraphEntry], recorded: frozenset[str]) -> set[str]:
        """The named graphs neither recorded nor held by the store: they can be added in bulk."""
        candidates = [e.graph for e in entries if not e.is_default and e.graph not in recorded]
        present: set[str] = set()
        try:
            for start in range(0, len(candidates), PRESENT_BATCH):
                values = " ".join(sparql.iri(g) for g in candidates[start : start + PRESENT_BATCH])
                rows = self.connection.select(self.endpoint, sparql.render("graphs_present.rq", graphs=values))
                present |= {row["graph"]["value"] for row in rows}
        except (StoreRefused, StoreUnreachable) as exc:
            raise _Stop(str(exc)) from None
        return set(candidates) - present

    def _bulk(self, batch: list[GraphEntry]) -> None:
        """Add new graphs and their record lines as one N-Quads document."""
        assert self.urls.graph_store is not None
        record = self.record.graph
        lines = [
            sparql.render(
                "record.nq", graph=sparql.iri(e.graph), digest=sparql.text(e.digest), triples=sparql.integer(e.triples), record=sparql.iri(record)
            ).encode("utf-8")
            for e in batch
        ]
        self.connection.post_nquads(self.urls.graph_store, b"".join(self._read(batch)) + b"".join(lines))

    def _replace(self, batch: list[GraphEntry]) -> None:
        """Replace graphs and their record entries in one update request."""
        operations: list[str] = []
        profile = self.connection.profile
        for entry, nquads in zip(batch, self._read(batch), strict=True):
            operations += self._forget(entry.graph)
            operations.append(_drop(entry.graph))
            operations += _inserts(entry.graph, ntriples(entry, nquads, decimal_point=profile.decimal_point), profile.block_triples)
            operations.append(self._remember(entry))
        self.connection.update(self.urls.update, sparql.request(operations))

    def _staged(self, batch: list[GraphEntry]) -> None:
        """Send one large graph in chunks into its staging graph, then swap it in whole."""
        (entry,) = batch
        profile = self.connection.profile
        stage = iris.staging_graph(self.record.base, entry.graph)
        terms = {"stage": sparql.iri(stage), "graph": sparql.iri(entry.graph), "record": sparql.iri(self.record.graph)}
        self.connection.update(self.urls.update, sparql.render("stage_begin.rq", **terms))
        lines = ntriples(entry, self.index.read(entry), decimal_point=profile.decimal_point)
        for start in range(0, len(lines), profile.request_triples):
            chunk = lines[start : start + profile.request_triples]
            self.connection.update(self.urls.update, sparql.request(_inserts(stage, chunk, profile.block_triples)))
        swap = sparql.render("stage_swap.rq", **terms, digest=sparql.text(entry.digest), triples=sparql.integer(entry.triples))
        self.connection.update(self.urls.update, swap)

    def _put_and_move(self, batch: list[GraphEntry]) -> None:
        """Mark staging graphs, PUT each graph into its own, then move them all in place in one request."""
        assert self.urls.graph_store is not None
        profile = self.connection.profile
        record = sparql.iri(self.record.graph)
        stages = {e.graph: iris.staging_graph(self.record.base, e.graph) for e in batch}
        marks = "".join(sparql.render("stage_mark.nt", stage=sparql.iri(stages[e.graph]), graph=sparql.iri(e.graph)) for e in batch)
        self.connection.update(self.urls.update, sparql.render("stage_marks.rq", record=record, marks=marks.rstrip("\n")))
        for entry in batch:
            lines = ntriples(entry, self.index.read(entry), decimal_point=profile.decimal_point)
            self.connection.put_graph(self.urls.graph_store, stages[entry.graph], b"\n".join(lines) + b"\n")
        self._move(batch, stages)

    def _move(self, batch: list[GraphEntry], stages: dict[str, str]) -> None:
        """Send the moves once; if the answer is lost, again for the graphs still marked as staged."""
        pending = batch
        for attempt in range(self.connection.retries + 1):
            operations = [
                sparql.render(
                    "stage_move.rq", stage=sparql.iri(stages[e.graph]), graph=sparql.iri(e.graph), record=sparql.iri(self.record.graph),
                    digest=sparql.text(e.digest), triples=sparql.integer(e.triples),
                )
                for e in pending
            ]
            try:
                self.connection.update(self.urls.update, sparql.request(operations), retry=False)
                return
            except (StoreRefused, StoreUnreachable) as exc:
                lost = isinstance(exc, StoreUnreachable) or self.connection.profile.retry_worthy(exc.status, exc.store_message)
                if not lost or attempt == self.connection.retries:
                    raise
            self.connection.pause(attempt)
            marked = {stage for stage, _ in read_staging(self.connection, self.endpoint, self.record.graph)}
            pending = [e for e in pending if stages[e.graph] in marked]
            if not pending:
                return

    # --- pruning ---------------------------------------------------------------------------

    def prune(self, graphs: tuple[str, ...]) -> None:
        """Drop graphs dtkg published that the dataset no longer has, with their record entries."""
        try:
            for start in range(0, len(graphs), PRUNE_BATCH):
                batch = list(graphs[start : start + PRUNE_BATCH])
                operations = [op for graph in batch for op in (_drop(graph), *self._forget(graph))]
                try:
                    self.connection.update(self.urls.update, sparql.request(operations))
                except StoreRefused as refused:
                    if refused.final:
                        raise _Stop(str(refused)) from None
                    self.failed += [_failure(graph, refused) for graph in batch]
                    continue
                self.pruned += batch
        except StoreUnreachable as gone:
            self.stopped = str(gone)
        except _Stop as stop:
            self.stopped = str(stop)

    def abandon_staging(self) -> list[str]:
        """Remove the staging graphs an interrupted run left (the graphs they were for are untouched)."""
        for stage, graph in self.record.staging:
            terms = {"stage": sparql.iri(stage), "graph": sparql.iri(graph), "record": sparql.iri(self.record.graph)}
            self.connection.update(self.urls.update, sparql.render("stage_abandon.rq", **terms))
        return [stage for stage, _ in self.record.staging]

    # --- pieces ----------------------------------------------------------------------------

    def _read(self, batch: list[GraphEntry]) -> Iterator[bytes]:
        for entry in batch:
            yield self.index.read(entry)

    def _forget(self, graph: str) -> list[str]:
        return [sparql.render("forget.rq", record=sparql.iri(self.record.graph), graph=sparql.iri(self.record.subject(graph)))]

    def _remember(self, entry: GraphEntry) -> str:
        return sparql.render(
            "remember.rq",
            record=sparql.iri(self.record.graph),
            graph=sparql.iri(self.record.subject(entry.graph)),
            digest=sparql.text(entry.digest),
            triples=sparql.integer(entry.triples),
        )


def _drop(graph: str) -> str:
    return sparql.render("drop_default.rq") if graph == DEFAULT_GRAPH else sparql.render("drop_graph.rq", graph=sparql.iri(graph))


def _inserts(graph: str, lines: list[bytes], block: int) -> list[str]:
    """``INSERT DATA`` operations of at most ``block`` triples each."""
    operations = []
    for start in range(0, len(lines), block):
        triples = b"\n".join(lines[start : start + block]).decode("utf-8")
        if graph == DEFAULT_GRAPH:
            operations.append(sparql.render("insert_default.rq", triples=triples))
        else:
            operations.append(sparql.render("insert_graph.rq", graph=sparql.iri(graph), triples=triples))
    return operations


def _no_default_graph(kind: str) -> GraphFailure:
    return GraphFailure(
        graph=DEFAULT_GRAPH,
        message=f"a {kind} store has no default graph of its own to write to (its default graph is the union of all graphs)",
        fix="put these triples in a named graph of the dataset",
    )


def _failure(graph: str, refused: StoreRefused) -> GraphFailure:
    return GraphFailure(graph=graph, message=refused.store_message, status=refused.status, url=refused.url, fix=refused.fix)
