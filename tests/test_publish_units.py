"""dtkg publish without a store: the dataset index, options and credentials, profiles, messages.

The authentication headers are checked against a small loopback HTTP server that records
what it receives (no store we start takes bearer tokens); the stores themselves are tested
for real in test_publish.py, test_publish_virtuoso.py and test_publish_faults.py.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from dtkg import cli
from dtkg.errors import UsageError
from dtkg.publish import (
    DEFAULT_GRAPH,
    FUSEKI,
    GENERIC,
    OXIGRAPH,
    VIRTUOSO,
    AuthScheme,
    Credentials,
    GraphFailure,
    PublishReport,
    PublishSettings,
    StoreKind,
    credentials_from,
    profile_named,
    publish,
)
from dtkg.publish import dataset as ds
from dtkg.publish.profiles import detect_profile
from dtkg.publish.verify import canonical

DATA = Path(__file__).parent / "data" / "publish"
SAMPLE = DATA / "sample.trig"
BASE = "http://127.0.0.1:8000/id/"
G_META = f"{BASE}graph/meta"
G_A = f"{BASE}graph/article/a"
G_B = f"{BASE}graph/article/b"


# --- the dataset index -----------------------------------------------------------------------


def _lines(*quads: str) -> bytes:
    return "".join(q + "\n" for q in quads).encode("utf-8")


TRICKY = _lines(
    f'<{BASE}x> <{BASE}p> "một <b> c"@vi <{G_A}> .',
    f'<{BASE}x> <{BASE}p> "typed <b>"^^<http://www.w3.org/2001/XMLSchema#string> .',
    f"<{BASE}x> <{BASE}p> <{BASE}o> .",
    f'<{BASE}x> <{BASE}p> "k _:b0 \\" x"^^<http://www.w3.org/2001/XMLSchema#string> <{G_META}> .',
    f"_:b1 <{BASE}p> <{BASE}o> <{G_B}> .",
    f'<{BASE}y> <{BASE}p> "2025"^^<http://www.w3.org/2001/XMLSchema#gYear> <{G_A}> .',
    f"<{BASE}y> <{BASE}p> _:b2 .",
)


def test_the_scanner_finds_each_graph_its_ranges_digest_and_count(tmp_path: Path) -> None:
    path = tmp_path / "kg.nq"
    path.write_bytes(TRICKY)
    index = ds.index_dataset(path, work_dir=tmp_path, cache_dir=None)

    assert index.base == BASE and index.path == path
    entries = index.by_name()
    assert [e.graph for e in index.graphs] == [G_A, DEFAULT_GRAPH, G_META, G_B]
    assert {g: e.triples for g, e in entries.items()} == {G_A: 2, DEFAULT_GRAPH: 3, G_META: 1, G_B: 1}
    lines = TRICKY.splitlines(keepends=True)
    assert index.read(entries[G_A]) == lines[0] + lines[5]
    assert index.read(entries[DEFAULT_GRAPH]) == lines[1] + lines[2] + lines[6]
    assert entries[G_A].digest == hashlib.sha256(lines[0] + lines[5]).hexdigest()
    assert [e.has_blank_nodes for e in index.graphs] == [False, True, True, True]
    expected = {q for q in ox.parse(TRICKY, format=ox.RdfFormat.N_QUADS)}
    read = {q for e in index.graphs for q in ox.parse(index.read(e), format=ox.RdfFormat.N_QUADS)}
    assert read == expected
    triples = ds.ntriples(entries[G_A], index.read(entries[G_A]))
    assert [t.decode() for t in triples] == [f'<{BASE}x> <{BASE}p> "một <b> c"@vi .', f'<{BASE}y> <{BASE}p> "2025"^^<http://www.w3.org/2001/XMLSchema#gYear> .']


@pytest.mark.parametrize("layout", ["tabs", "comments", "trig"])
def test_files_in_another_layout_are_rewritten_first_and_give_the_same_graphs(tmp_path: Path, layout: str) -> None:
    store = ox.Store()
    store.load(TRICKY.replace(b"_:b", b"_:n"), format=ox.RdfFormat.N_QUADS)
    if layout == "trig":
        path = tmp_path / "kg.trig"
        path.write_bytes(store.dump(format=ox.RdfFormat.TRIG) or b"")
    else:
        path = tmp_path / "kg.nq"
        text = TRICKY.replace(b"_:b", b"_:n")
        path.write_bytes(text.replace(b"> <", b">\t<", 1) if layout == "tabs" else b"# a comment\n" + text)
    index = ds.index_dataset(path, work_dir=tmp_path, cache_dir=None)
    assert index.path == tmp_path / "dataset.nq"
    assert {e.graph: e.triples for e in index.graphs} == {G_A: 2, DEFAULT_GRAPH: 3, G_META: 1, G_B: 1}


def test_the_index_is_kept_and_used_while_the_file_is_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, cache = tmp_path / "kg.nq", tmp_path / "cache"
    path.write_bytes(TRICKY)
    first = ds.index_dataset(path, work_dir=tmp_path, cache_dir=cache)
    assert len(list(cache.glob("publish-index-*.json"))) == 1

    def no_scan(_: Path) -> ds.DatasetIndex:
        raise AssertionError("the file was read again")

    monkeypatch.setattr(ds, "_scan", no_scan)
    assert ds.index_dataset(path, work_dir=tmp_path, cache_dir=cache) == first
    path.write_bytes(TRICKY + _lines(f"<{BASE}z> <{BASE}p> <{BASE}o> <{G_B}> ."))
    with pytest.raises(AssertionError, match="read again"):
        ds.index_dataset(path, work_dir=tmp_path, cache_dir=cache)


def test_a_dataset_not_built_by_dtkg_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "other.nq"
    path.write_bytes(_lines(f"<{BASE}x> <{BASE}p> <{BASE}o> <http://example.org/g> ."))
    with pytest.raises(UsageError, match=r"other.nq: the dataset has neither a …/graph/meta nor a …/graph/reference graph"):
        ds.index_dataset(path, work_dir=tmp_path, cache_dir=None)
    with pytest.raises(UsageError, match="no such dataset file"):
        ds.index_dataset(tmp_path / "missing.nq", work_dir=tmp_path, cache_dir=None)


def test_batches_hold_at_most_the_limit_and_a_large_graph_alone() -> None:
    entries = [ds.GraphEntry(graph=str(n), digest="", triples=n, ranges=()) for n in (3, 4, 10, 2, 2)]
    assert [[e.triples for e in b] for b in ds.batches(entries, max_triples=7)] == [[3, 4], [10], [2, 2]]


# --- literal comparison ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ('"true"^^<http://www.w3.org/2001/XMLSchema#boolean>', '"1"^^<http://www.w3.org/2001/XMLSchema#boolean>'),
        ('"false"^^<http://www.w3.org/2001/XMLSchema#boolean>', '"0"^^<http://www.w3.org/2001/XMLSchema#boolean>'),
        ('"1.50"^^<http://www.w3.org/2001/XMLSchema#decimal>', '"1.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
        ('"x"@vi-VN', '"x"@vi-vn'),
    ],
)
def test_terms_equal_in_value_compare_equal(sent: str, read: str) -> None:
    def term(text: str) -> ox.Literal:
        return next(iter(ox.parse(f"<http://a> <http://b> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES))).object  # type: ignore[return-value]

    assert canonical(term(sent)) == canonical(term(read))
    assert canonical(term('"2025"^^<http://www.w3.org/2001/XMLSchema#gYear>')) != canonical(term('"2025"'))


# --- options and credentials -----------------------------------------------------------------


def test_credentials_come_from_the_environment_or_a_file_and_never_show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DTKG_TEST_PW", "mật-khẩu-bí-mật")
    from_env = credentials_from(user="dba", password_env="DTKG_TEST_PW")
    assert from_env == Credentials(secret="mật-khẩu-bí-mật", user="dba")
    secret_file = tmp_path / "pw"
    secret_file.write_text("mật-khẩu-bí-mật\n", encoding="utf-8")
    assert credentials_from(user="dba", password_file=secret_file, auth=AuthScheme.DIGEST) == Credentials(
        secret="mật-khẩu-bí-mật", user="dba", scheme=AuthScheme.DIGEST
    )
    monkeypatch.setenv("DTKG_TEST_TOKEN", "tok-123")
    assert credentials_from(token_env="DTKG_TEST_TOKEN") == Credentials(secret="tok-123", scheme=AuthScheme.BEARER)
    for shown in (repr(from_env), str(from_env), repr(PublishSettings(endpoint="http://h/q", credentials=from_env))):
        assert "mật-khẩu" not in shown
    assert credentials_from() is None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"user": "dba"}, "no password for user 'dba'.*--password-env VAR.*--password-file FILE"),
        ({"password_env": "DTKG_TEST_UNSET"}, "a password was given without a user"),
        ({"user": "dba", "password_env": "DTKG_TEST_UNSET"}, "the environment variable DTKG_TEST_UNSET .* is not set"),
        ({"user": "dba", "password_file": Path("/nonexistent/pw")}, "/nonexistent/pw: cannot read the password file"),
        ({"auth": AuthScheme.BEARER}, "--auth bearer needs a token"),
        ({"token_env": "X", "user": "dba"}, "a bearer token goes without a user"),
    ],
)
def test_credential_options_that_cannot_work_are_usage_errors(options: dict[str, object], message: str) -> None:
    os.environ.pop("DTKG_TEST_UNSET", None)
    with pytest.raises(UsageError, match=message):
        credentials_from(**options)  # type: ignore[arg-type]


def test_a_password_on_the_command_line_is_not_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["publish", str(SAMPLE), "--endpoint", "http://127.0.0.1:1/query", "--user", "dba", "--password", "dba"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dtkg: error: dtkg takes no password on the command line")
    assert "--password-env VAR" in err and "dba" not in err.replace("--user", "")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"endpoint": "127.0.0.1:7878/query"}, "--endpoint '127.0.0.1:7878/query' is not an http"),
        ({"endpoint": "http://h/q", "update": "ftp://h/u"}, "--update 'ftp://h/u' is not an http"),
        ({"endpoint": "http://h/q", "timeout": 0}, "--timeout must be positive"),
    ],
)
def test_settings_refuse_what_cannot_work(options: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        PublishSettings(**options)  # type: ignore[arg-type]


# --- profiles --------------------------------------------------------------------------------


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


def test_profiles_are_found_by_name_with_their_auth_scheme() -> None:
    assert [profile_named(n).auth for n in ("oxigraph", "virtuoso", "fuseki", "generic")] == [
        AuthScheme.BASIC, AuthScheme.DIGEST, AuthScheme.BASIC, AuthScheme.BASIC]
    with pytest.raises(UsageError, match="unknown store kind 'blazegraph'.*oxigraph, virtuoso, fuseki, generic"):
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
    assert detect_profile(endpoint, httpx.Response(200, headers={"server": server})) is expected


def test_virtuoso_sql_errors_are_final_but_deadlocks_are_retried() -> None:
    assert not VIRTUOSO.retry_worthy(500, "Virtuoso 37000 Error SP030: SPARQL compiler, line 4992: memory exhausted")
    assert VIRTUOSO.retry_worthy(500, "Virtuoso 40001 Error SR172: Transaction deadlocked")
    assert not VIRTUOSO.retry_worthy(500, "SPARQL Graph Protocol request failed HTTP/1.1 500 Request Failed Error 22023 The PUT request")
    assert OXIGRAPH.retry_worthy(503, "busy") and not OXIGRAPH.retry_worthy(400, "bad")


# --- the report ------------------------------------------------------------------------------


def test_a_stopped_run_says_how_many_graphs_were_replaced_and_that_a_rerun_completes_it() -> None:
    report = PublishReport(
        store="oxigraph",
        endpoint="http://h/query",
        sent={G_A: 5, G_B: 7},
        not_attempted=(G_META,),
        stopped="cannot reach http://h/update: connection refused (after 5 attempts)",
        failed=(GraphFailure(graph=G_META, message="lỗi", status=500, url="http://h/update", fix="see the store's log"),),
    )
    assert not report.ok
    lines = report.summary()
    assert lines[0] == "oxigraph store at http://h/query: sent 2 graph(s) (12 triples), 0 unchanged, 0 pruned, 1 failed"
    assert lines[1] == f"failed: graph <{G_META}> at http://h/update: HTTP 500: lỗi (fix: see the store's log)"
    assert lines[2] == (
        "stopped: cannot reach http://h/update: connection refused (after 5 attempts); 2 graph(s) were replaced before it "
        "stopped and 1 were not sent; each graph on the store is either as before or as in the dataset, and running the "
        "same command again completes the job"
    )


# --- authentication, against a recording loopback server --------------------------------------

Answer = Callable[[BaseHTTPRequestHandler, bytes], tuple[int, dict[str, str], bytes]]


@pytest.fixture
def recorder() -> Iterator[Callable[[Answer], tuple[str, list[tuple[str, str, dict[str, str], bytes]]]]]:
    """Start loopback HTTP servers whose answers a function decides; they record every request."""
    servers: list[ThreadingHTTPServer] = []

    def start(answer: Answer) -> tuple[str, list[tuple[str, str, dict[str, str], bytes]]]:
        requests: list[tuple[str, str, dict[str, str], bytes]] = []

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
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
        return f"http://127.0.0.1:{server.server_address[1]}", requests

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


EMPTY_RESULTS = b'{"head": {"vars": []}, "results": {"bindings": []}}'


def _store_answer(check: Callable[[dict[str, str]], bool], challenge: str | None = None) -> Answer:
    def answer(handler: BaseHTTPRequestHandler, body: bytes) -> tuple[int, dict[str, str], bytes]:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        if handler.command == "GET":
            return 200, {"server": "Virtuoso/07.20.3240"} if challenge else {}, b""
        if not check(headers):
            return 401, {"www-authenticate": challenge} if challenge else {}, "sai mật khẩu: mật-khẩu-bí-mật".encode()
        if b"query=" in body:
            return 200, {"content-type": "application/sparql-results+json"}, EMPTY_RESULTS
        return 204, {}, b""

    return answer


def test_basic_and_bearer_credentials_are_sent_to_a_generic_store(recorder) -> None:  # type: ignore[no-untyped-def]
    basic = "Basic " + base64.b64encode("ngọc:mật-khẩu".encode()).decode()
    base, requests = recorder(_store_answer(lambda h: h.get("authorization") in {basic, "Bearer tok-123"}))
    for credentials in (Credentials(secret="mật-khẩu", user="ngọc"), Credentials(secret="tok-123", scheme=AuthScheme.BEARER)):
        report = publish(SAMPLE, PublishSettings(endpoint=f"{base}/sparql", update=f"{base}/update", credentials=credentials, index_cache=False))
        assert report.ok and len(report.sent) == 3
    writes = [(m, p, h["authorization"], h["content-type"]) for m, p, h, b in requests if p == "/update"]
    assert {w[2] for w in writes} == {basic, "Bearer tok-123"}
    assert {w[3] for w in writes} == {"application/sparql-update; charset=utf-8"}


def test_a_refused_password_is_a_clear_error_that_never_shows_the_password(recorder, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    base, _ = recorder(_store_answer(lambda h: False))
    monkeypatch.setenv("DTKG_TEST_PW", "mật-khẩu-bí-mật")
    code = cli.main(["publish", str(SAMPLE), "--endpoint", f"{base}/sparql", "--update", f"{base}/update", "--store-kind", "generic",
                     "--user", "dba", "--password-env", "DTKG_TEST_PW"])
    out, err = capsys.readouterr()
    assert code == 2
    assert err.startswith(f"dtkg: error: cannot read what was published before: POST {base}/sparql: HTTP 401: sai mật khẩu: ***")
    assert "the store refused these credentials" in err
    assert "mật-khẩu-bí-mật" not in out + err


def test_virtuoso_is_written_through_its_authenticated_urls_with_digest(recorder) -> None:  # type: ignore[no-untyped-def]
    challenge = 'Digest realm="SPARQL", nonce="4b0c3f", qop="auth", algorithm=MD5'
    base, requests = recorder(_store_answer(lambda h: h.get("authorization", "").startswith('Digest username="dba"'), challenge))
    report = publish(SAMPLE, PublishSettings(endpoint=f"{base}/sparql", credentials=Credentials(secret="dba", user="dba"), index_cache=False))
    assert report.ok and report.store == "virtuoso"
    assert (report.update_url, report.graph_store_url) == (f"{base}/sparql-auth", f"{base}/sparql-graph-crud-auth")
    updates = [(h.get("authorization", "")[:6], h["content-type"]) for m, p, h, _ in requests if m == "POST" and p == "/sparql-auth"]
    assert len(updates) == 4 and set(updates) == {("Digest", "application/x-www-form-urlencoded")}  # check, marks, moves, record digest
    puts = [(p.split("?")[0], h.get("authorization", "")[:6], h["content-type"]) for m, p, h, _ in requests if m == "PUT"]
    assert puts == [("/sparql-graph-crud-auth", "Digest", "text/turtle")] * 3
    assert requests[1][2].get("authorization") is None and requests[2][2]["authorization"].startswith("Digest")


def test_a_store_kind_name_on_the_command_line_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["publish", str(SAMPLE), "--endpoint", "http://127.0.0.1:1/q", "--store-kind", "blazegraph"]) == 2
    assert "invalid choice: 'blazegraph'" in capsys.readouterr().err
    assert StoreKind("virtuoso") is StoreKind.VIRTUOSO


# --- Virtuoso must be there where CI runs ------------------------------------------------------


def test_a_missing_virtuoso_fails_the_tests_unless_the_machine_allows_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import servers

    monkeypatch.setattr(servers.shutil, "which", lambda name: None)
    monkeypatch.delenv("DTKG_ALLOW_MISSING_VIRTUOSO", raising=False)
    with pytest.raises(pytest.fail.Exception, match="virtuoso-t` is not installed .*DTKG_ALLOW_MISSING_VIRTUOSO=1"):
        servers.require_virtuoso()
    monkeypatch.setenv("DTKG_ALLOW_MISSING_VIRTUOSO", "1")
    with pytest.raises(pytest.skip.Exception, match="skipped because DTKG_ALLOW_MISSING_VIRTUOSO=1"):
        servers.require_virtuoso()
