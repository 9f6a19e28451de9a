"""``publish``: send what changed in a dataset to a SPARQL store, record it there, report it."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType

from dtkg.errors import PublishError, UsageError
from dtkg.publish import sparql
from dtkg.publish.dataset import DatasetIndex, index_dataset
from dtkg.publish.options import PublishSettings
from dtkg.publish.profiles import GENERIC, StoreKind, StoreProfile, detect_profile, profile_named
from dtkg.publish.record import Plan, Record, make_plan, read_record, record_digest
from dtkg.publish.report import PublishReport
from dtkg.publish.transport import Connection, StoreRefused, public_url
from dtkg.publish.verify import read_back
from dtkg.publish.writer import Urls, Writer


def publish(dataset: Path, settings: PublishSettings, *, progress: Callable[[int], None] | None = None) -> PublishReport:
    """Bring the store at ``settings.endpoint`` in line with ``dataset``, sending only what changed.

    Each graph whose digest differs from the one the store's publication record holds is
    replaced, all-or-nothing, together with its record entry; with ``settings.prune``, graphs
    dtkg published that the dataset no longer has are dropped. Raises :class:`PublishError`
    when nothing can be done (store unreachable, credentials or URLs refused, not a dtkg
    dataset); once writing has begun, returns a report, whose ``stopped`` says if the store
    went away mid-way. ``progress`` is called with the number of graphs each request carried.
    """
    with tempfile.TemporaryDirectory(prefix="dtkg-publish-") as work:
        index = index_dataset(Path(dataset), work_dir=Path(work), cache_dir=settings.index_cache)
        connection = Connection(
            profile=GENERIC, credentials=settings.credentials, timeout=settings.timeout, retries=settings.retries, backoff=settings.backoff
        )
        try:
            return _run(index, settings, connection, progress)
        finally:
            connection.close()


def _run(index: DatasetIndex, settings: PublishSettings, connection: Connection, progress: Callable[[int], None] | None) -> PublishReport:
    profile = _profile(connection, settings)
    connection.use(profile)
    urls = _urls(settings, profile)
    record = read_record(connection, settings.endpoint, index.base, expected={e.graph: e.digest for e in index.graphs})
    _check_names(index, record)
    plan = make_plan(index, record)
    if settings.dry_run:
        return _report(settings, profile, urls, plan, dry_run=True, sent={e.graph: e.triples for e in plan.send}, pruned=plan.gone if settings.prune else ())
    _check_writes(connection, urls, record)
    writer = Writer(connection=connection, index=index, record=record, urls=urls, endpoint=settings.endpoint, progress=progress)
    cleaned = writer.abandon_staging()
    writer.send(plan.send, recorded=plan.recorded)
    if settings.prune and writer.stopped is None:
        writer.prune(plan.gone)
    sent = {entry.graph: entry.triples for entry in index.graphs if entry.graph in writer.sent}
    verified = None
    if settings.verify and writer.stopped is None:
        verified, failures = read_back(connection, settings.endpoint, index, list(sent))
        writer.failed += failures
    _remember_record(connection, urls, record, writer, index)
    return _report(
        settings,
        profile,
        urls,
        plan,
        sent=sent,
        pruned=tuple(writer.pruned),
        failed=tuple(writer.failed),
        not_attempted=tuple(writer.not_attempted),
        stopped=writer.stopped,
        cleaned=tuple(cleaned),
        retries=connection.retried,
        verified=tuple(verified) if verified is not None else None,
    )


def _profile(connection: Connection, settings: PublishSettings) -> StoreProfile:
    """The profile named by ``--store-kind``, or the one the server's reply suggests."""
    if isinstance(settings.store_kind, StoreProfile) or settings.store_kind is not StoreKind.AUTO:
        return profile_named(settings.store_kind)
    return detect_profile(settings.endpoint, connection.probe(settings.endpoint))


def _urls(settings: PublishSettings, profile: StoreProfile) -> Urls:
    """The write URLs: those given, else the store's conventions; a usage error when none is known."""
    authenticated = settings.credentials is not None
    update = settings.update or profile.update_url(settings.endpoint, authenticated=authenticated)
    if update is None:
        raise UsageError(
            f"no URL to write to: dtkg does not know where a {profile.kind.value} store at {public_url(settings.endpoint)} takes updates",
            fix="give --update URL (the store's SPARQL Update endpoint), or --store-kind oxigraph|virtuoso|fuseki if it is one of those",
        )
    graph_store = settings.graph_store or profile.graph_store_url(settings.endpoint, authenticated=authenticated)
    return Urls(update=update, graph_store=graph_store)


def _check_names(index: DatasetIndex, record: Record) -> None:
    """The dataset must not hold graphs named like dtkg publish's own."""
    own = {record.graph} | {stage for stage, _ in record.staging}
    clash = [entry.graph for entry in index.graphs if entry.graph in own or "/graph/staging/" in entry.graph]
    if clash:
        raise UsageError(f"the dataset holds a graph dtkg publish keeps for itself: <{clash[0]}>", fix="rename that graph in the dataset")


def _check_writes(connection: Connection, urls: Urls, record: Record) -> None:
    """Before anything is sent, a first write to each write URL, so a wrong URL or password fails first.

    The update removes the record's own digest (written again at the end if the run leaves
    the record matching the dataset); the graph store gets an empty N-Quads document.
    """
    try:
        connection.update(urls.update, sparql.render("forget_record_digest.rq", record=sparql.iri(record.graph)))
        if urls.graph_store is not None and connection.profile.bulk:
            connection.post_nquads(urls.graph_store, b"")
    except StoreRefused as refused:
        raise PublishError(f"cannot write to the store: {refused.message}", fix=refused.fix) from None


def _remember_record(connection: Connection, urls: Urls, record: Record, writer: Writer, index: DatasetIndex) -> None:
    """When the run left the record matching the dataset exactly, write the record's digest last."""
    if writer.stopped is not None or writer.failed:
        return
    expected = {entry.graph: entry.digest for entry in index.graphs}
    digests = {**record.digests, **{graph: expected[graph] for graph in writer.sent}}
    for graph in writer.pruned:
        digests.pop(graph, None)
    if digests == expected:
        text = sparql.render("remember_record_digest.rq", record=sparql.iri(record.graph), digest=sparql.text(record_digest(digests)))
        try:
            connection.update(urls.update, text)
        except PublishError:
            pass  # only a lost speed-up: the next run reads the whole record


def _report(settings: PublishSettings, profile: StoreProfile, urls: Urls, plan: Plan, **outcome: object) -> PublishReport:
    sent = outcome.pop("sent", {})
    return PublishReport(
        store=profile.kind.value,
        endpoint=public_url(settings.endpoint),
        update_url=public_url(urls.update),
        graph_store_url=public_url(urls.graph_store) if urls.graph_store else None,
        sent=MappingProxyType(dict(sent)),  # type: ignore[call-overload]
        unchanged=plan.unchanged,
        stale=() if settings.prune else plan.gone,
        **outcome,  # type: ignore[arg-type]
    )
