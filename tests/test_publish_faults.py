"""dtkg publish when things go wrong, against real stores: a store killed mid-publish, a store
answering 500 now and then, a refused password.

The faults come from a small proxy on loopback in front of the real store (tests/servers.py):
it passes requests on, answers 500 when told, or kills the store with a write in flight.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from servers import FaultProxy, OxigraphServer, VirtuosoServer, start_oxigraph, stop, virtuoso_quads

from dtkg import cli, iris
from dtkg.pipeline import BuildReport
from dtkg.publish import OXIGRAPH, VIRTUOSO, Credentials, PublishSettings, StoreProfile, publish
from dtkg.publish import dataset as ds
from dtkg.store import load_dataset

pytestmark = [pytest.mark.server, pytest.mark.slow]

BASE = "http://127.0.0.1:8000/id/"
RECORD = iris.publication_graph(BASE)
DIGEST = "https://w3id.org/dtkg/ontology#graphDigest"
SCHEMA_COMMENT = ox.NamedNode("https://schema.org/comment")


@dataclass
class Target:
    """A real store that a test may kill and start again on the same port and data."""

    kind: str
    query_path: str
    write_paths: tuple[str, ...]
    base_url: str
    credentials: Credentials | None
    profile: StoreProfile
    kill: Callable[[], None]
    start: Callable[[], None]
    read: Callable[[], set[ox.Quad]]

    def settings(self, base_url: str | None = None, **options: object) -> PublishSettings:
        endpoint = (base_url or self.base_url) + self.query_path
        update = (base_url or self.base_url) + self.write_paths[0]
        return PublishSettings(endpoint=endpoint, update=update, credentials=self.credentials, store_kind=self.profile,
                               index_cache=False, **options)  # type: ignore[arg-type]


@pytest.fixture(params=["oxigraph", "virtuoso"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    if request.param == "virtuoso":
        server: VirtuosoServer = request.getfixturevalue("virtuoso")
        yield Target("virtuoso", "/sparql", ("/sparql-auth", "/sparql-graph-crud-auth"), server.base_url,
                     Credentials(secret=server.password, user=server.user), dataclasses.replace(VIRTUOSO, bulk_triples=400),
                     server.kill, server.start, lambda: virtuoso_quads(server, server.graphs() - server.own_graphs))
        return
    location = tmp_path / "oxigraph"
    state: dict[str, OxigraphServer] = {"server": start_oxigraph(location)}
    port = int(state["server"].base_url.rsplit(":", 1)[1])

    def kill() -> None:
        state["server"].process.kill()
        state["server"].process.wait(timeout=10)

    def start() -> None:
        state["server"] = start_oxigraph(location, port=port)

    def read() -> set[ox.Quad]:
        response = httpx.get(state["server"].store_url, headers={"accept": "application/n-quads"}, timeout=30)
        response.raise_for_status()
        return set(ox.parse(response.content, format=ox.RdfFormat.N_QUADS))

    profile = dataclasses.replace(OXIGRAPH, request_triples=400, bulk_triples=400)
    try:
        yield Target("oxigraph", "/query", ("/update", "/store"), state["server"].base_url, None, profile, kill, start, read)
    finally:
        stop(state["server"].process)


def by_graph(quads: set[ox.Quad]) -> dict[str, set[ox.Triple]]:
    graphs: dict[str, set[ox.Triple]] = {}
    for quad in quads:
        graphs.setdefault(quad.graph_name.value, set()).add(quad.triple)
    return graphs


def recorded(quads: set[ox.Quad]) -> dict[str, str]:
    return {q.subject.value: q.object.value for q in quads if q.graph_name.value == RECORD and q.predicate.value == DIGEST}


def changed_dataset(built: Path, out: Path) -> Path:
    """The built samples with every article graph changed and two new article graphs."""
    store = load_dataset(built)
    articles = sorted(g.value for g in store.named_graphs() if "/graph/article/" in g.value)
    for graph in articles:
        store.add(ox.Quad(ox.NamedNode(graph.replace("/graph/", "/")), SCHEMA_COMMENT, ox.Literal("đã sửa", language="vi"), ox.NamedNode(graph)))
    for graph in articles[:2]:
        new = ox.NamedNode(graph + "-ban-moi")
        for quad in list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph))):
            store.add(ox.Quad(quad.subject, quad.predicate, quad.object, new))
    store.dump(str(out), format=ox.RdfFormat.N_QUADS)
    return out


# --- kill the store mid-publish, start it again, publish again -------------------------------


def test_a_store_killed_mid_publish_holds_each_graph_old_or_new_and_a_rerun_completes_it(
    target: Target, samples: BuildReport, tmp_path: Path
) -> None:
    old = tmp_path / "old.nq"
    old.write_bytes(samples.output.read_bytes())
    new = changed_dataset(old, tmp_path / "new.nq")
    assert publish(old, target.settings()).ok
    new_index = ds.index_dataset(new, work_dir=tmp_path, cache_dir=None)
    new_digests = {e.graph: e.digest for e in new_index.graphs}
    old_graphs, new_graphs = by_graph(set(load_dataset(old))), by_graph(set(load_dataset(new)))
    assert len(new_graphs) == 12 and sum(new_graphs[g] != old_graphs.get(g) for g in new_graphs) == 10

    # Oxigraph: two checks, two bulk loads, then the kill during the second replacement; Virtuoso: a digest
    # challenge, one check, a first batch (marks, PUT, move), then the kill during the second batch's move.
    kill_at = {"oxigraph": 6, "virtuoso": 8}[target.kind]
    with FaultProxy(target.base_url, write_paths=target.write_paths, kill_at_write=kill_at, kill=target.kill) as proxy:
        report = publish(new, target.settings(proxy.base_url, retries=2, backoff=0.05))

    assert any(entry.status is None for entry in proxy.log), "the store never died"
    assert report.stopped is not None and report.stopped.startswith(f"cannot reach {proxy.base_url}")
    assert 1 <= len(report.sent) < 10 and len(report.not_attempted) >= 1
    assert not set(report.sent) & set(report.not_attempted)
    assert report.summary()[-1].endswith(
        f"{len(report.sent)} graph(s) were replaced before it stopped and {len(report.not_attempted)} were not sent; each graph "
        "on the store is either as before or as in the dataset, and running the same command again completes the job"
    )

    target.start()
    quads = target.read()
    held, record = by_graph({q for q in quads if q.graph_name.value != RECORD}), recorded(quads)
    done = {g for g in new_graphs if record.get(g) == new_digests[g]}
    for graph, triples in new_graphs.items():
        on_store = held.get(graph, set())
        assert on_store in (triples, old_graphs.get(graph, set())), f"{graph} is neither old nor new"
        assert (on_store == triples) == (graph in done or triples == old_graphs.get(graph)), f"the record is wrong about {graph}"
    assert set(report.sent) <= done

    again = publish(new, target.settings())
    assert again.ok and set(again.sent) == set(new_graphs) - done
    final = target.read()
    assert {q for q in final if q.graph_name.value != RECORD} == set(load_dataset(new))
    assert recorded(final) == new_digests
    assert not [q for q in final if "/graph/staging/" in q.graph_name.value or q.predicate.value.endswith("stagedFor")]


def test_a_run_killed_while_staging_a_large_graph_leaves_it_old_and_the_next_run_cleans_up(target: Target) -> None:
    data = Path(__file__).parent / "data" / "publish"
    old, new = data / "sample.trig", data / "sample_changed.trig"
    vnpt = f"{BASE}graph/article/vnpt-bac-ninh"
    assert publish(old, target.settings()).ok
    tiny = dataclasses.replace(target.profile, request_triples=3, block_triples=2)
    # Oxigraph: two checks, the stage marked and its first chunk, then the kill during the second;
    # Virtuoso: a digest challenge, one check, the stage marked, then the kill during its PUT.
    kill_at = {"oxigraph": 5, "virtuoso": 4}[target.kind]
    with FaultProxy(target.base_url, write_paths=target.write_paths, kill_at_write=kill_at, kill=target.kill) as proxy:
        report = publish(new, dataclasses.replace(target.settings(proxy.base_url, retries=1, backoff=0.05), store_kind=tiny))
    assert report.stopped is not None and dict(report.sent) == {} and report.not_attempted == (vnpt,)

    target.start()
    quads = target.read()
    stage = iris.staging_graph(BASE, vnpt)
    assert by_graph(quads)[vnpt] == by_graph(set(load_dataset(old)))[vnpt]
    assert target.kind == "virtuoso" or stage in by_graph(quads)  # a PUT cut short may have left nothing
    assert any(q.subject.value == stage and q.predicate.value.endswith("stagedFor") for q in quads)

    again = publish(new, target.settings())
    assert again.ok and dict(again.sent) == {vnpt: 12} and again.cleaned == (stage,)
    assert "removed 1 staging graph(s) an interrupted run had left" in again.summary()
    final = target.read()
    assert {q for q in final if q.graph_name.value != RECORD} == set(load_dataset(new))
    assert not [q for q in final if q.graph_name.value == stage or q.predicate.value.endswith("stagedFor")]


# --- a store that answers 500 now and then ----------------------------------------------------


def test_500s_now_and_then_are_retried_with_growing_waits(target: Target, samples: BuildReport, tmp_path: Path) -> None:
    dataset = tmp_path / "kg.nq"
    dataset.write_bytes(samples.output.read_bytes())

    def every_third_write(number: int, method: str, path: str) -> bool:
        return method == "POST" and path.startswith(target.write_paths) and number % 3 == 0

    with FaultProxy(target.base_url, write_paths=target.write_paths, fail=every_third_write) as proxy:
        report = publish(dataset, target.settings(proxy.base_url, retries=3, backoff=0.1))

    assert report.ok and len(report.sent) == 10, report.summary()
    assert len(proxy.injected) >= 3 and report.retries == len(proxy.injected)
    assert f"{report.retries} request(s) retried" in report.summary()[0]
    for failed in proxy.injected:  # sent again after a wait (a lost move is first checked against the staging marks)
        after = proxy.log[proxy.log.index(failed) + 1 :]
        retry = next(entry for entry in after if (entry.method, entry.path) == (failed.method, failed.path))
        assert retry.at - failed.at >= 0.09
    quads = target.read()
    assert {q for q in quads if q.graph_name.value != RECORD} == set(load_dataset(dataset))


def test_a_store_that_keeps_failing_is_given_up_on_with_its_own_message(
    target: Target, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = Path(__file__).parent / "data" / "publish" / "sample.trig"
    with FaultProxy(target.base_url, write_paths=target.write_paths, fail=lambda n, m, p: m == "POST" and p.startswith(target.write_paths)) as proxy:
        settings = target.settings(proxy.base_url)
        options = ["--update", settings.update or "", "--store-kind", target.kind, "--retries", "2"]
        if target.credentials is not None:
            monkeypatch.setenv("DTKG_STORE_PASSWORD", target.credentials.secret)
            options += ["--user", str(target.credentials.user), "--password-env", "DTKG_STORE_PASSWORD"]
        code = cli.main(["publish", str(sample), "--endpoint", settings.endpoint, *options])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"dtkg: error: cannot write to the store: POST {settings.update}: HTTP 500: proxy: injected failure")
    assert len(proxy.injected) == 3
    assert target.read() == set()


# --- a refused password -----------------------------------------------------------------------


def test_a_wrong_password_exits_2_with_a_clear_message(target: Target, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Virtuoso checks dba's password itself; Oxigraph server is put behind a proxy asking for one."""
    sample = Path(__file__).parent / "data" / "publish" / "sample.trig"
    monkeypatch.setenv("DTKG_STORE_PASSWORD", "không-phải-mật-khẩu")
    with FaultProxy(target.base_url, write_paths=target.write_paths, basic_auth=("dba", "mật-khẩu-đúng")) as proxy:
        base_url = target.base_url if target.kind == "virtuoso" else proxy.base_url
        code = cli.main(["publish", str(sample), "--endpoint", base_url + target.query_path, "--store-kind", target.kind,
                         "--user", "dba", "--password-env", "DTKG_STORE_PASSWORD"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("dtkg: error: ") and "HTTP 401" in err
    assert "the store refused these credentials: check --user and the password (or token) the options point at, and --auth" in err
    assert "không-phải-mật-khẩu" not in err
    assert target.read() == set()
