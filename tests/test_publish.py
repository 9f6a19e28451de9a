"""dtkg publish against real stores, Oxigraph server and Virtuoso: changed graphs only, prune,
dry run, routes, URLs, the command line.

Faults (a killed store, 500s, refused credentials) are in test_publish_faults.py, literals and
the competency queries across stores in test_publish_portability.py, the dataset index,
options and messages in test_publish_units.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from servers import OxigraphServer, VirtuosoServer, free_port, oxigraph_server, virtuoso_quads

from dtkg import cli, iris
from dtkg.errors import PublishError, UsageError
from dtkg.publish import DEFAULT_GRAPH, OXIGRAPH, VIRTUOSO, Credentials, PublishReport, PublishSettings, StoreKind, publish
from dtkg.publish.record import record_digest
from dtkg.store import load_dataset

pytestmark = pytest.mark.server

DATA = Path(__file__).parent / "data" / "publish"
SAMPLE = DATA / "sample.trig"
CHANGED = DATA / "sample_changed.trig"
PRUNED = DATA / "sample_pruned.trig"
WITH_DEFAULT = DATA / "with_default.trig"

BASE = "http://127.0.0.1:8000/id/"
G_VIETTEL = f"{BASE}graph/article/viettel-nam-dinh"
G_VNPT = f"{BASE}graph/article/vnpt-bac-ninh"
G_META = f"{BASE}graph/meta"
G_REFERENCE = f"{BASE}graph/reference"
RECORD = iris.publication_graph(BASE)
SAMPLE_TRIPLES = {G_VIETTEL: 13, G_VNPT: 11, G_META: 7}
DIGEST = "https://w3id.org/dtkg/ontology#graphDigest"
TRIPLES = "http://rdfs.org/ns/void#triples"
RECORD_DIGEST = "https://w3id.org/dtkg/ontology#recordDigest"
FOREIGN = "http://example.org/other/graph"


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[OxigraphServer]:
    """A fresh, empty Oxigraph server on a free loopback port."""
    with oxigraph_server(tmp_path / "oxigraph") as server:
        yield server


@dataclass
class Store:
    """A store under test, as the tests need it: URLs, credentials, and reading it behind dtkg's back."""

    kind: str
    query_url: str
    update_url: str
    credentials: Credentials | None
    read: Callable[[], set[ox.Quad]]
    write: Callable[[str, str], None]
    profile: object

    def settings(self, **options: object) -> PublishSettings:
        return PublishSettings(endpoint=self.query_url, credentials=self.credentials, index_cache=False, **options)  # type: ignore[arg-type]


def _oxigraph_store(server: OxigraphServer) -> Store:
    def write(graph: str, ntriples: str) -> None:
        response = httpx.put(server.store_url, params={"graph": graph}, content=ntriples.encode(), headers={"content-type": "application/n-triples"})
        response.raise_for_status()

    def read() -> set[ox.Quad]:
        response = httpx.get(server.store_url, headers={"accept": "application/n-quads"}, timeout=10)
        response.raise_for_status()
        return set(ox.parse(response.content, format=ox.RdfFormat.N_QUADS))

    return Store("oxigraph", server.query_url, server.update_url, None, read, write, OXIGRAPH)


def _virtuoso_store(server: VirtuosoServer) -> Store:
    def write(graph: str, ntriples: str) -> None:
        server.update(f"INSERT DATA {{ GRAPH <{graph}> {{ {ntriples} }} }}")

    def read() -> set[ox.Quad]:
        return virtuoso_quads(server, server.graphs() - server.own_graphs)

    return Store("virtuoso", server.query_url, server.update_url, Credentials(secret=server.password, user=server.user), read, write, VIRTUOSO)


@pytest.fixture(params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each real store in turn: a fresh Oxigraph server, the session's Virtuoso emptied."""
    if request.param == "oxigraph":
        with oxigraph_server(tmp_path / "oxigraph") as server:
            yield _oxigraph_store(server)
    else:
        yield _virtuoso_store(request.getfixturevalue("virtuoso"))


def settings(server: OxigraphServer, **options: object) -> PublishSettings:
    return PublishSettings(endpoint=server.query_url, index_cache=False, **options)  # type: ignore[arg-type]


def dataset_quads(path: Path) -> set[ox.Quad]:
    return set(load_dataset(path))


def server_quads(store: Store | OxigraphServer) -> set[ox.Quad]:
    """Every quad the store holds outside the publication record (and Virtuoso's own graphs)."""
    return {q for q in all_server_quads(store) if q.graph_name != ox.NamedNode(RECORD)}


def all_server_quads(store: Store | OxigraphServer) -> set[ox.Quad]:
    return (store if isinstance(store, Store) else _oxigraph_store(store)).read()


def record(store: Store | OxigraphServer) -> dict[str, tuple[str, int]]:
    """The publication record on the store: graph → (digest, triples)."""
    quads = [q for q in all_server_quads(store) if q.graph_name == ox.NamedNode(RECORD) and q.predicate.value != RECORD_DIGEST]
    digests = {q.subject.value: q.object.value for q in quads if q.predicate.value == DIGEST}
    counts = {q.subject.value: int(q.object.value) for q in quads if q.predicate.value == TRIPLES}
    assert set(digests) == set(counts) and len(quads) == 2 * len(digests)
    return {g: (digests[g], counts[g]) for g in digests}


def in_graph(quads: set[ox.Quad], graph: str) -> set[ox.Quad]:
    return {q for q in quads if q.graph_name == ox.NamedNode(graph)}


def put_graph(store: Store | OxigraphServer, graph: str, body: str) -> set[ox.Quad]:
    """Put a graph on the store behind dtkg's back."""
    (store if isinstance(store, Store) else _oxigraph_store(store)).write(graph, body)
    return {ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in ox.parse(body.encode(), format=ox.RdfFormat.N_TRIPLES)}


def put_foreign_graph(store: Store | OxigraphServer) -> set[ox.Quad]:
    """A graph dtkg did not publish; publishing and pruning must leave it alone."""
    return put_graph(store, FOREIGN, '<http://example.org/s> <http://example.org/p> "không liên quan"@vi .\n')


# --- changed graphs only ---------------------------------------------------------------------


def test_a_first_publish_sends_every_graph_and_records_it(store: Store) -> None:
    report = publish(SAMPLE, store.settings())

    assert dict(report.sent) == SAMPLE_TRIPLES
    assert report.total_triples == 31
    assert report.unchanged == () and report.pruned == () and report.failed == () and report.stopped is None
    assert (report.store, report.update_url) == (store.kind, store.update_url)
    assert report.ok
    assert server_quads(store) == dataset_quads(SAMPLE)
    recorded = record(store)
    assert {g: n for g, (_, n) in recorded.items()} == SAMPLE_TRIPLES
    assert all(len(digest) == 64 and int(digest, 16) >= 0 for digest, _ in recorded.values())
    assert len({digest for digest, _ in recorded.values()}) == 3
    assert record_digests(store) == [record_digest({g: d for g, (d, _) in recorded.items()})]


def record_digests(store: Store | OxigraphServer) -> list[str]:
    """The record's own digest(s): one after a run that left the store matching its dataset."""
    return [q.object.value for q in all_server_quads(store) if q.predicate.value == RECORD_DIGEST]


def test_publishing_the_same_dataset_again_sends_nothing_and_says_so(store: Store) -> None:
    publish(SAMPLE, store.settings())
    before, recorded = all_server_quads(store), record(store)

    report = publish(SAMPLE, store.settings())

    assert dict(report.sent) == {} and report.total_triples == 0
    assert sorted(report.unchanged) == sorted(SAMPLE_TRIPLES)
    assert report.summary()[1] == "nothing to send: the store already holds all 3 graph(s) of the dataset as they are"
    assert all_server_quads(store) == before and record(store) == recorded


def test_one_changed_graph_sends_that_graph_only(store: Store) -> None:
    foreign = put_foreign_graph(store)
    publish(SAMPLE, store.settings())
    before, recorded = server_quads(store), record(store)

    report = publish(CHANGED, store.settings())

    assert dict(report.sent) == {G_VNPT: 12}
    assert sorted(report.unchanged) == sorted([G_VIETTEL, G_META])
    after = server_quads(store)
    assert after == dataset_quads(CHANGED) | foreign
    removed, added = before - after, after - before
    assert {q.graph_name for q in removed | added} == {ox.NamedNode(G_VNPT)}
    assert (len(removed), len(added)) == (2, 3)
    changed = record(store)
    assert changed[G_VNPT][1] == 12 and changed[G_VNPT][0] != recorded[G_VNPT][0]
    assert {g: v for g, v in changed.items() if g != G_VNPT} == {g: v for g, v in recorded.items() if g != G_VNPT}


def test_a_graph_the_store_already_holds_unrecorded_is_replaced_not_added_to(store: Store) -> None:
    stale = put_graph(store, G_VNPT, '<http://127.0.0.1:8000/id/org/vnpt> <https://schema.org/name> "cũ"@vi .\n')

    report = publish(SAMPLE, store.settings())

    assert dict(report.sent) == SAMPLE_TRIPLES
    assert server_quads(store) == dataset_quads(SAMPLE)
    assert not stale & server_quads(store)


def test_the_default_graph_is_published_recorded_and_left_alone_when_unchanged(store: Store) -> None:
    if store.kind == "virtuoso":
        report = publish(WITH_DEFAULT, store.settings())
        assert dict(report.sent) == {G_REFERENCE: 3} and not report.ok
        (failure,) = report.failed
        assert str(failure) == (
            "graph DEFAULT: a virtuoso store has no default graph of its own to write to (its default graph is the union of "
            "all graphs) (fix: put these triples in a named graph of the dataset)"
        )
        return
    for sent in ({DEFAULT_GRAPH: 2, G_REFERENCE: 3}, {}):
        report = publish(WITH_DEFAULT, store.settings(verify=True))
        assert dict(report.sent) == sent
        assert report.ok and set(report.verified or ()) == set(sent)
        quads = server_quads(store)
        assert quads == dataset_quads(WITH_DEFAULT)
        assert sum(1 for q in quads if q.graph_name == ox.DefaultGraph()) == 2
    assert set(record(store)) == {iris.default_graph_record(BASE), G_REFERENCE}


# --- prune -----------------------------------------------------------------------------------


def test_without_prune_a_dropped_graph_stays_and_the_report_says_so(store: Store) -> None:
    publish(SAMPLE, store.settings())

    report = publish(PRUNED, store.settings())

    assert dict(report.sent) == {} and report.pruned == () and report.stale == (G_VIETTEL,)
    assert "1 graph(s) published earlier are no longer in the dataset; --prune removes them" in report.summary()
    assert server_quads(store) == dataset_quads(SAMPLE)
    assert record_digests(store) == []  # the record does not match the dataset: the next run reads it all


def test_prune_removes_only_graphs_dtkg_published_that_the_dataset_no_longer_has(store: Store) -> None:
    foreign = put_foreign_graph(store)
    publish(SAMPLE, store.settings())

    report = publish(PRUNED, store.settings(prune=True))

    assert report.pruned == (G_VIETTEL,) and report.stale == () and dict(report.sent) == {}
    assert server_quads(store) == dataset_quads(PRUNED) | foreign
    assert set(record(store)) == {G_VNPT, G_META}
    assert record_digests(store) == [record_digest({g: d for g, (d, _) in record(store).items()})]
    again = publish(PRUNED, store.settings(prune=True))
    assert again.pruned == () and dict(again.sent) == {}


# --- dry run ---------------------------------------------------------------------------------


def test_a_dry_run_says_what_would_go_and_writes_nothing(store: Store) -> None:
    report = publish(SAMPLE, store.settings(dry_run=True))
    assert report.dry_run and dict(report.sent) == SAMPLE_TRIPLES
    assert report.summary()[0].startswith(f"{store.kind} store at {store.query_url}: would send 3 graph(s) (31 triples)")
    assert all_server_quads(store) == set()

    publish(SAMPLE, store.settings())
    before = all_server_quads(store)
    report = publish(CHANGED, store.settings(dry_run=True))
    assert dict(report.sent) == {G_VNPT: 12}
    report = publish(PRUNED, store.settings(dry_run=True, prune=True))
    assert dict(report.sent) == {} and report.pruned == (G_VIETTEL,)
    assert "to prune" in report.summary()[0]
    assert all_server_quads(store) == before


# --- routes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ["replace", "staged"])
def test_graphs_go_whole_by_every_route(store: Store, route: str) -> None:
    """SPARQL Update alone (no graph store), and graphs larger than a request (staged, then swapped)."""
    limits = {"replace": {}, "staged": {"request_triples": 5, "block_triples": 2}}[route]
    profile = dataclasses.replace(store.profile, **limits)  # type: ignore[type-var]
    foreign = put_foreign_graph(store)
    update_only = store.settings(store_kind=dataclasses.replace(profile, bulk_query=None, kind=StoreKind.GENERIC), update=store.update_url)
    for path, sent in ((SAMPLE, SAMPLE_TRIPLES), (CHANGED, {G_VNPT: 12}), (CHANGED, {})):
        report = publish(path, update_only)
        assert dict(report.sent) == sent and report.ok
        assert server_quads(store) == dataset_quads(path) | foreign
    staging = [q for q in all_server_quads(store) if "/graph/staging/" in q.graph_name.value or "stagedFor" in q.predicate.value]
    assert staging == []


def test_the_update_route_alone_is_used_when_the_store_takes_no_n_quads(oxigraph: OxigraphServer) -> None:
    report = publish(SAMPLE, settings(oxigraph, store_kind=StoreKind.GENERIC, update=oxigraph.update_url))
    assert (report.store, report.graph_store_url, report.update_url) == ("generic", None, oxigraph.update_url)
    assert dict(report.sent) == SAMPLE_TRIPLES
    assert server_quads(oxigraph) == dataset_quads(SAMPLE)


# --- URLs the user gives are used, and checked before anything is sent -----------------------


@pytest.mark.parametrize("option", ["update", "graph_store"])
def test_a_wrong_write_url_fails_before_anything_is_sent(oxigraph: OxigraphServer, option: str) -> None:
    wrong = f"{oxigraph.base_url}/no-such-path"
    with pytest.raises(PublishError) as caught:
        publish(SAMPLE, settings(oxigraph, **{option: wrong}))
    text = str(caught.value)
    assert text.startswith(f"cannot write to the store: POST {wrong}")
    assert "HTTP 404: POST /no-such-path is not supported by this server" in text
    assert "give the right --update URL (Oxigraph …/update" in text
    assert all_server_quads(oxigraph) == set()


def test_the_cli_exits_2_on_a_wrong_update_url_naming_it(oxigraph: OxigraphServer, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = f"{oxigraph.base_url}/wrong"
    code = cli.main(["publish", str(SAMPLE), "--endpoint", oxigraph.query_url, "--update", wrong])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"dtkg: error: cannot write to the store: POST {wrong}: HTTP 404")
    assert all_server_quads(oxigraph) == set()


def test_no_url_to_write_to_names_the_options_that_exist() -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(UsageError) as caught:
        publish(SAMPLE, PublishSettings(endpoint=f"{closed}/sparql", store_kind=StoreKind.GENERIC))
    text = str(caught.value)
    assert "no URL to write to" in text and "give --update URL" in text and "--store-kind" in text
    assert "--profile" not in text


def test_a_wrong_query_endpoint_is_named(oxigraph: OxigraphServer) -> None:
    with pytest.raises(PublishError, match=r"cannot read what was published before: POST .*/nowhere: HTTP 404.*--endpoint must be"):
        publish(SAMPLE, PublishSettings(endpoint=f"{oxigraph.base_url}/nowhere", store_kind=StoreKind.OXIGRAPH, update=oxigraph.update_url))


# --- the command line ------------------------------------------------------------------------


def test_the_cli_publishes_then_sends_nothing_then_prunes(
    store: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    login: list[str] = []
    if store.credentials is not None:
        monkeypatch.setenv("DTKG_STORE_PASSWORD", store.credentials.secret)
        login = ["--user", str(store.credentials.user), "--password-env", "DTKG_STORE_PASSWORD"]

    def run(path: Path, *options: str) -> int:
        return cli.main(["publish", str(path), "--endpoint", store.query_url, *login, *options])

    assert run(SAMPLE) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{store.kind} store at {store.query_url}: sent 3 graph(s) (31 triples), 0 unchanged, 0 pruned, 0 failed"
    ]
    assert run(SAMPLE) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{store.kind} store at {store.query_url}: sent 0 graph(s) (0 triples), 3 unchanged, 0 pruned, 0 failed",
        "nothing to send: the store already holds all 3 graph(s) of the dataset as they are",
    ]
    assert run(PRUNED, "--prune", "--dry-run") == 0
    assert "would send 0 graph(s) (0 triples), 2 unchanged, 1 to prune" in capsys.readouterr().out
    assert run(PRUNED, "--prune") == 0
    assert "sent 0 graph(s) (0 triples), 2 unchanged, 1 pruned, 0 failed" in capsys.readouterr().out
    assert server_quads(store) == dataset_quads(PRUNED)


@pytest.mark.slow
def test_the_built_samples_publish_whole_and_verify(samples, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dataset = tmp_path / "kg.nq"
    dataset.write_bytes(samples.output.read_bytes())
    report: PublishReport = publish(dataset, dataclasses.replace(store.settings(verify=True), index_cache=True))
    assert report.ok and len(report.sent) == len(report.verified or ()) == 10, report.summary()
    assert server_quads(store) == set(load_dataset(samples.output))
    assert len(list((tmp_path / ".dtkg-cache").glob("publish-index-*.json"))) == 1
    again = publish(dataset, dataclasses.replace(store.settings(), index_cache=True))
    assert dict(again.sent) == {} and len(again.unchanged) == 10
