"""dtkg.publish against a real Oxigraph server (``oxigraph serve``), plus stub servers for failures and auth."""

from __future__ import annotations

import base64
import dataclasses
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from dtkg.errors import PublishError, UsageError
from dtkg.publish import (
    DEFAULT_GRAPH,
    FUSEKI,
    GENERIC,
    OXIGRAPH,
    VIRTUOSO,
    AuthScheme,
    PublishMethod,
    profile_named,
    publish,
)
from dtkg.publish.payload import chunks
from dtkg.publish.profiles import detect_profile
from dtkg.store import load_dataset
from servers import OxigraphServer, free_port, oxigraph_server

DATA = Path(__file__).parent / "data" / "publish"
SAMPLE = DATA / "sample.trig"
CHANGED = DATA / "sample_changed.trig"
WITH_DEFAULT = DATA / "with_default.trig"

ID = "http://127.0.0.1:8000/id/"
G_VIETTEL = f"{ID}graph/article/viettel-nam-dinh"
G_VNPT = f"{ID}graph/article/vnpt-bac-ninh"
G_META = f"{ID}graph/meta"
G_REFERENCE = f"{ID}graph/reference"
SAMPLE_TRIPLES = {G_VIETTEL: 13, G_VNPT: 11, G_META: 7}
CHANGED_TRIPLES = {G_VIETTEL: 13, G_VNPT: 12, G_META: 7}

ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } }"


# --- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[OxigraphServer]:
    """A fresh, empty Oxigraph server on a free loopback port."""
    with oxigraph_server(tmp_path / "oxigraph") as server:
        yield server


def dataset_quads(path: Path) -> set[ox.Quad]:
    """Every quad of a dataset file."""
    return set(load_dataset(path))


def server_quads(server: OxigraphServer) -> set[ox.Quad]:
    """Every quad the server holds, fetched as N-Quads from its Graph Store endpoint."""
    response = httpx.get(server.store_url, headers={"accept": "application/n-quads"}, timeout=10)
    response.raise_for_status()
    return set(ox.parse(response.content, format=ox.RdfFormat.N_QUADS))


def sparql_quads(endpoint: str) -> set[ox.Quad]:
    """Every quad the server holds, read with a SELECT through SPARQLWrapper."""
    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setQuery(ALL_QUADS)
    rows = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    return {
        ox.Quad(_term(r["s"]), _term(r["p"]), _term(r["o"]), _term(r["g"]) if "g" in r else ox.DefaultGraph())
        for r in rows
    }


def _term(binding: dict[str, str]) -> ox.NamedNode | ox.Literal:
    """A SPARQL JSON results term as a pyoxigraph term (the fixtures hold no blank nodes)."""
    if binding["type"] == "uri":
        return ox.NamedNode(binding["value"])
    assert binding["type"] == "literal", binding
    if "xml:lang" in binding:
        return ox.Literal(binding["value"], language=binding["xml:lang"])
    if "datatype" in binding:
        return ox.Literal(binding["value"], datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(binding["value"])


def in_graph(quads: set[ox.Quad], graph: str) -> set[ox.Quad]:
    return {q for q in quads if q.graph_name == ox.NamedNode(graph)}


def put_foreign_graph(server: OxigraphServer) -> set[ox.Quad]:
    """A graph the dataset does not name, put on the server beforehand; publishing must leave it alone."""
    graph = "http://example.org/other/graph"
    body = '<http://example.org/s> <http://example.org/p> "không liên quan"@vi .\n'
    httpx.put(server.store_url, params={"graph": graph}, content=body.encode(), headers={"content-type": "application/n-triples"}).raise_for_status()
    return {ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.Literal("không liên quan", language="vi"), ox.NamedNode(graph))}


# --- against a real Oxigraph server ----------------------------------------------------------


@pytest.mark.server
def test_publishing_twice_leaves_exactly_the_dataset_on_the_server(oxigraph: OxigraphServer) -> None:
    expected = dataset_quads(SAMPLE)
    assert len(expected) == 31

    for _ in range(2):
        report = publish(SAMPLE, endpoint=oxigraph.query_url)
        assert report.method is PublishMethod.GRAPH_STORE
        assert report.url == oxigraph.store_url
        assert report.graphs == (G_VIETTEL, G_VNPT, G_META)
        assert dict(report.triples) == SAMPLE_TRIPLES
        assert report.total_triples == 31
        assert report.skipped == () and report.failures == () and report.chunked == ()
        assert report.ok and report.verified is None
        assert server_quads(oxigraph) == expected
        assert sparql_quads(oxigraph.query_url) == expected


@pytest.mark.server
def test_publishing_a_changed_graph_changes_only_that_graph(oxigraph: OxigraphServer) -> None:
    foreign = put_foreign_graph(oxigraph)
    publish(SAMPLE, endpoint=oxigraph.query_url)
    before = server_quads(oxigraph)
    assert before == dataset_quads(SAMPLE) | foreign

    report = publish(CHANGED, endpoint=oxigraph.query_url)
    after = server_quads(oxigraph)

    assert dict(report.triples) == CHANGED_TRIPLES
    assert after == dataset_quads(CHANGED) | foreign
    assert len(after) == 33
    removed, added = before - after, after - before
    assert {q.graph_name for q in removed | added} == {ox.NamedNode(G_VNPT)}
    assert (len(removed), len(added)) == (2, 3)
    for graph in (G_VIETTEL, G_META):
        assert in_graph(after, graph) == in_graph(before, graph)
    assert len(in_graph(after, G_VNPT)) == 12


@pytest.mark.server
def test_graphs_option_replaces_only_the_chosen_graph(oxigraph: OxigraphServer) -> None:
    publish(SAMPLE, endpoint=oxigraph.query_url)

    report = publish(CHANGED, endpoint=oxigraph.query_url, graphs={f"<{G_VNPT}>"})

    assert report.graphs == (G_VNPT,)
    assert dict(report.triples) == {G_VNPT: 12}
    assert report.skipped == (G_VIETTEL, G_META)
    expected = (dataset_quads(SAMPLE) - in_graph(dataset_quads(SAMPLE), G_VNPT)) | in_graph(dataset_quads(CHANGED), G_VNPT)
    assert server_quads(oxigraph) == expected
    assert len(expected) == 32


@pytest.mark.server
@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"profile": "generic"}, id="no-graph-store-known"),
        pytest.param({"method": PublishMethod.UPDATE}, id="update-forced"),
    ],
)
def test_sparql_update_fallback_replaces_graphs(oxigraph: OxigraphServer, options: dict[str, object]) -> None:
    foreign = put_foreign_graph(oxigraph)
    for path, triples in ((SAMPLE, SAMPLE_TRIPLES), (CHANGED, CHANGED_TRIPLES), (CHANGED, CHANGED_TRIPLES)):
        report = publish(path, endpoint=oxigraph.query_url, update=oxigraph.update_url, **options)  # type: ignore[arg-type]
        assert report.method is PublishMethod.UPDATE
        assert report.url == oxigraph.update_url
        assert dict(report.triples) == triples
        assert report.failures == () and report.chunked == ()
        assert server_quads(oxigraph) == dataset_quads(path) | foreign


@pytest.mark.server
def test_update_fallback_derives_the_update_url_for_oxigraph(oxigraph: OxigraphServer) -> None:
    report = publish(SAMPLE, endpoint=oxigraph.query_url, method=PublishMethod.UPDATE)
    assert (report.method, report.url) == (PublishMethod.UPDATE, oxigraph.update_url)
    assert server_quads(oxigraph) == dataset_quads(SAMPLE)


@pytest.mark.server
def test_graphs_larger_than_the_update_limit_go_in_chunks(oxigraph: OxigraphServer) -> None:
    small = dataclasses.replace(OXIGRAPH, max_update_bytes=600)
    publish(CHANGED, endpoint=oxigraph.query_url)
    for _ in range(2):
        report = publish(SAMPLE, endpoint=oxigraph.query_url, profile=small, method=PublishMethod.UPDATE)
        assert report.chunked == (G_VIETTEL, G_VNPT, G_META)
        assert dict(report.triples) == SAMPLE_TRIPLES
        assert server_quads(oxigraph) == dataset_quads(SAMPLE)


@pytest.mark.server
@pytest.mark.parametrize("method", [PublishMethod.GRAPH_STORE, PublishMethod.UPDATE])
def test_default_graph_goes_to_the_servers_default_graph(oxigraph: OxigraphServer, method: PublishMethod) -> None:
    for _ in range(2):
        report = publish(WITH_DEFAULT, endpoint=oxigraph.query_url, method=method, verify=True)
        assert report.graphs == (DEFAULT_GRAPH, G_REFERENCE)
        assert dict(report.triples) == {DEFAULT_GRAPH: 2, G_REFERENCE: 3}
        assert report.verified == {DEFAULT_GRAPH: 2, G_REFERENCE: 3}
        quads = server_quads(oxigraph)
        assert quads == dataset_quads(WITH_DEFAULT)
        assert sum(1 for q in quads if q.graph_name == ox.DefaultGraph()) == 2
        assert sparql_quads(oxigraph.query_url) == dataset_quads(WITH_DEFAULT)


@pytest.mark.server
def test_verify_counts_the_triples_on_the_server_with_sparql(oxigraph: OxigraphServer) -> None:
    report = publish(SAMPLE, endpoint=oxigraph.query_url, graph_store=oxigraph.store_url, verify=True)
    assert report.verified == SAMPLE_TRIPLES
    assert report.ok


@pytest.mark.server
def test_a_wrong_graph_store_url_names_the_url_and_the_status(oxigraph: OxigraphServer) -> None:
    wrong = f"{oxigraph.base_url}/no-such-store"
    with pytest.raises(PublishError) as caught:
        publish(SAMPLE, endpoint=oxigraph.query_url, graph_store=wrong)
    text = str(caught.value)
    assert text.startswith(f"nothing was published: graph <{G_VIETTEL}> at {wrong}?graph=")
    assert "HTTP 404" in text
    assert "(and 2 more graphs failed)" in text
    assert "--graph-store URL" in text
    assert server_quads(oxigraph) == set()


# --- unreachable servers ---------------------------------------------------------------------


@pytest.mark.parametrize("profile", [None, "oxigraph"], ids=["probe", "no-probe"])
def test_a_closed_port_gives_a_publish_error_naming_the_url(profile: str | None) -> None:
    base = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(PublishError) as caught:
        publish(SAMPLE, endpoint=f"{base}/query", profile=profile, timeout=5)
    text = str(caught.value)
    assert f"cannot reach {base}/" in text
    assert "is the SPARQL server running at that address?" in text
    assert "--graph-store URL" in text


# --- stub servers: partial failure and authentication ----------------------------------------


class Recorded:
    """Requests a stub server received: (method, path, headers, body)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []


@pytest.fixture
def stub() -> Iterator[Callable[[Callable[[BaseHTTPRequestHandler, bytes], tuple[int, dict[str, str], bytes]]], tuple[str, Recorded]]]:
    """Start stub HTTP servers on loopback whose answers a function decides; stopped after the test."""
    servers: list[ThreadingHTTPServer] = []

    def start(answer: Callable[[BaseHTTPRequestHandler, bytes], tuple[int, dict[str, str], bytes]]) -> tuple[str, Recorded]:
        recorded = Recorded()

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                recorded.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                status, headers, payload = answer(self, body)
                self.send_response(status)
                for name, value in {**headers, "content-length": str(len(payload))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_PUT = do_POST = _handle

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}", recorded

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_one_failing_graph_does_not_stop_the_others(stub) -> None:  # type: ignore[no-untyped-def]
    def answer(handler: BaseHTTPRequestHandler, body: bytes) -> tuple[int, dict[str, str], bytes]:
        if "vnpt" in handler.path:
            return 500, {"content-type": "text/plain"}, "lỗi máy chủ: disk full".encode()
        return 204, {}, b""

    base, recorded = stub(answer)
    report = publish(SAMPLE, endpoint=f"{base}/sparql", graph_store=f"{base}/gsp", profile="generic")

    assert [(m, p.split("?")[0]) for m, p, _, _ in recorded.requests] == [("PUT", "/gsp")] * 3
    assert report.graphs == (G_VIETTEL, G_META)
    assert dict(report.triples) == {G_VIETTEL: 13, G_META: 7}
    assert not report.ok
    (failure,) = report.failures
    assert failure.graph == G_VNPT
    assert failure.url == str(httpx.URL(f"{base}/gsp", params={"graph": G_VNPT}))
    assert failure.status == 500
    assert failure.message == "lỗi máy chủ: disk full"
    assert str(failure) == f"graph <{G_VNPT}> at {failure.url}: HTTP 500: lỗi máy chủ: disk full (fix: see the server's log)"
    sent = {p: (h["content-type"], b) for m, p, h, b in recorded.requests}
    viettel = next(v for p, v in sent.items() if "viettel" in p)
    assert viettel[0] == "application/n-triples"
    assert {q.triple for q in ox.parse(viettel[1], format=ox.RdfFormat.N_TRIPLES)} == {q.triple for q in in_graph(dataset_quads(SAMPLE), G_VIETTEL)}


def test_virtuoso_profile_uses_digest_auth_and_its_crud_url(stub) -> None:  # type: ignore[no-untyped-def]
    challenge = 'Digest realm="SPARQL", nonce="4b0c3f", qop="auth", algorithm=MD5'

    def answer(handler: BaseHTTPRequestHandler, body: bytes) -> tuple[int, dict[str, str], bytes]:
        if handler.command == "GET":
            return 200, {"server": "Virtuoso/07.20.3240 (Linux) x86_64-pc-linux-gnu"}, b""
        if not handler.headers.get("authorization", "").startswith('Digest username="dba"'):
            return 401, {"www-authenticate": challenge}, b"auth required"
        return 201, {}, b""

    base, recorded = stub(answer)
    report = publish(SAMPLE, endpoint=f"{base}/sparql", user="dba", password="dba", graphs={G_META})

    assert report.graphs == (G_META,) and report.ok
    assert report.url == f"{base}/sparql-graph-crud-auth"
    methods = [(m, p, h.get("authorization", "")[:6]) for m, p, h, _ in recorded.requests]
    crud = str(httpx.URL("/sparql-graph-crud-auth", params={"graph-uri": G_META}))
    assert methods == [("GET", "/sparql", ""), ("PUT", crud, ""), ("PUT", crud, "Digest")]


def test_basic_auth_is_sent_to_generic_stores(stub) -> None:  # type: ignore[no-untyped-def]
    base, recorded = stub(lambda handler, body: (204, {}, b""))
    publish(SAMPLE, endpoint=f"{base}/sparql", update=f"{base}/update", user="ngọc", password="mật-khẩu", graphs={G_META})

    ((method, path, headers, body),) = recorded.requests[1:]
    assert (method, path) == ("POST", "/update")
    assert headers["authorization"] == "Basic " + base64.b64encode("ngọc:mật-khẩu".encode()).decode()
    assert headers["content-type"] == "application/sparql-update; charset=utf-8"
    text = body.decode("utf-8")
    assert text.startswith("# Replace one named graph")
    assert f"DROP SILENT GRAPH <{G_META}> ;\nINSERT DATA {{ GRAPH <{G_META}> {{\n" in text


# --- profiles, options and chunking ----------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "endpoint", "authenticated", "update", "graph_store"),
    [
        (OXIGRAPH, "http://h:7878/query", False, "http://h:7878/update", "http://h:7878/store"),
        (OXIGRAPH, "https://h/kg/query", False, "https://h/kg/update", "https://h/kg/store"),
        (FUSEKI, "http://h:3030/ds/sparql", False, "http://h:3030/ds/update", "http://h:3030/ds/data"),
        (FUSEKI, "http://h:3030/ds", False, "http://h:3030/ds/update", "http://h:3030/ds/data"),
        (VIRTUOSO, "http://h:8890/sparql", False, "http://h:8890/sparql", "http://h:8890/sparql-graph-crud"),
        (VIRTUOSO, "http://h:8890/sparql", True, "http://h:8890/sparql-auth", "http://h:8890/sparql-graph-crud-auth"),
        (GENERIC, "http://h/sparql", True, None, None),
    ],
)
def test_profiles_derive_the_write_urls(profile, endpoint, authenticated, update, graph_store) -> None:  # type: ignore[no-untyped-def]
    assert profile.update_url(endpoint, authenticated=authenticated) == update
    assert profile.graph_store_url(endpoint, authenticated=authenticated) == graph_store


def test_profiles_name_their_auth_scheme_and_are_found_by_name() -> None:
    assert [profile_named(n).auth for n in ("oxigraph", "virtuoso", "fuseki", "generic")] == [
        AuthScheme.BASIC,
        AuthScheme.DIGEST,
        AuthScheme.BASIC,
        AuthScheme.BASIC,
    ]
    with pytest.raises(UsageError, match="unknown store profile 'blazegraph'.*oxigraph, virtuoso, fuseki, generic"):
        profile_named("blazegraph")


@pytest.mark.parametrize(
    ("server", "endpoint", "expected"),
    [
        ("Oxigraph/0.5.13", "http://h/anything", OXIGRAPH),
        ("Virtuoso/07.20.3240 (Linux)", "http://h/sparql", VIRTUOSO),
        ("Apache Jena Fuseki (5.1.0)", "http://h/x", FUSEKI),
        ("nginx", "http://h:7878/query", OXIGRAPH),
        ("nginx", "http://h:3030/ds/query", FUSEKI),
        ("nginx", "http://h/sparql", GENERIC),
    ],
)
def test_the_store_is_detected_from_its_server_header_or_path(server: str, endpoint: str, expected: object) -> None:
    response = httpx.Response(200, headers={"server": server})
    assert detect_profile(endpoint, response) is expected


def test_usage_errors_are_raised_before_anything_is_sent() -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(UsageError, match=r"graphs not in the dataset: http://example.org/nope"):
        publish(SAMPLE, endpoint=f"{closed}/query", graphs={"http://example.org/nope"})
    with pytest.raises(UsageError, match="no URL to write to for a generic store.*--graph-store URL or --update URL"):
        publish(SAMPLE, endpoint=f"{closed}/sparql", profile="generic")
    with pytest.raises(UsageError, match="--update URL"):
        publish(SAMPLE, endpoint=f"{closed}/sparql", profile="generic", graph_store=f"{closed}/gsp", method=PublishMethod.UPDATE)
    with pytest.raises(UsageError, match="password was given without a user"):
        publish(SAMPLE, endpoint=f"{closed}/query", password="x")
    with pytest.raises(UsageError, match="not an http"):
        publish(SAMPLE, endpoint="127.0.0.1:7878/query")
    with pytest.raises(UsageError, match="no such dataset file"):
        publish(DATA / "missing.trig", endpoint=f"{closed}/query")


def test_chunks_split_at_line_ends_within_the_limit() -> None:
    text = b"<a> <b> <c> .\n" * 5  # 14 bytes a line
    assert chunks(text, 30) == [b"<a> <b> <c> .\n" * 2] * 2 + [b"<a> <b> <c> .\n"]
    assert chunks(text, 5) == [b"<a> <b> <c> .\n"] * 5
    assert chunks(text, 1000) == [text]
    assert chunks(b"", 10) == [b""]
    assert b"".join(chunks(SAMPLE.read_bytes(), 100)) == SAMPLE.read_bytes()
