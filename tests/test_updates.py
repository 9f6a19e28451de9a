"""Writes with an update token: who may write, what each write does, atomicity, durability, and
that readers (query workers over snapshots) see every committed write at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from dtkg.cli import main as cli_main
from dtkg.errors import UsageError
from dtkg.serve import create_app
from dtkg.serve.diskstore import disk_store
from dtkg.settings import ServeSettings, read_update_token

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

BASE = "http://127.0.0.1:8000/id/"
TOKEN = "tok-0123456789abcdefXYZ"
AUTH = {"authorization": f"Bearer {TOKEN}"}
TURTLE = {**AUTH, "content-type": "text/turtle"}
UPDATE = {**AUTH, "content-type": "application/sparql-update"}
NT = "application/n-triples"
A, B = "<http://example.org/a>", "<http://example.org/b>"


def triples(client: TestClient, graph: str) -> set[str]:
    response = client.get("/store", params={"graph": graph}, headers={"accept": NT})
    assert response.status_code == 200, response.text
    return set(response.text.splitlines())


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(ox.Store(), base_iri=BASE, settings=ServeSettings(update_token=TOKEN))) as test_client:
        yield test_client


# ---------------------------------------------------------------- the token


def test_the_token_comes_from_the_environment_or_a_file_never_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n# comment lines after the first are ignored\n", encoding="utf-8")
    assert read_update_token({"DTKG_UPDATE_TOKEN": "from-the-environment-123"}, token_file) == TOKEN
    assert read_update_token({"DTKG_UPDATE_TOKEN": " from-the-environment-123\n"}, None) == "from-the-environment-123"
    assert read_update_token({}, None) is None
    (tmp_path / "empty").write_text("\n", encoding="utf-8")
    for path, words in ((tmp_path / "empty", "empty"), (tmp_path / "missing", "cannot read")):
        with pytest.raises(UsageError) as error:
            read_update_token({}, path)
        assert words in str(error.value) and str(path) in str(error.value)
    capsys.readouterr()
    assert cli_main(["serve", str(tmp_path), "--update-token", TOKEN]) == 2
    refused = capsys.readouterr().err
    assert "never given on the command line" in refused and "DTKG_UPDATE_TOKEN" in refused
    assert TOKEN not in refused  # not even echoed back


@pytest.mark.parametrize(("token", "words"), [("short", "at least 16"), ("has spaces in it 0123", "only letters")])
def test_a_weak_or_malformed_token_is_refused_without_showing_it(token: str, words: str) -> None:
    with pytest.raises(UsageError) as error:
        ServeSettings(update_token=token)
    assert words in str(error.value) and token not in str(error.value)
    assert TOKEN not in repr(ServeSettings(update_token=TOKEN))


WRITES = [
    ("PUT", "/store?graph=http://example.org/g", TURTLE, f"{A} {A} {A} ."),
    ("POST", "/store?graph=http://example.org/g", TURTLE, f"{A} {A} {A} ."),
    ("POST", "/store", TURTLE, f"{A} {A} {A} ."),
    ("DELETE", "/store?default", AUTH, ""),
    ("PUT", "/id/graph/direct", TURTLE, f"{A} {A} {A} ."),
    ("POST", "/sparql", UPDATE, f"INSERT DATA {{ {A} {A} {A} }}"),
    ("POST", "/sparql", {**AUTH, "content-type": "application/x-www-form-urlencoded"},
     f"update=INSERT+DATA+%7B+{A}+{A}+{A}+%7D"),
]


@pytest.mark.parametrize(("method", "path", "headers", "body"), WRITES)
def test_writes_need_the_token(client: TestClient, method: str, path: str, headers: dict[str, str], body: str) -> None:
    without = {k: v for k, v in headers.items() if k != "authorization"}
    for sent, status in ((without, 401), ({**without, "authorization": f"Basic {TOKEN}"}, 401),
                         ({**without, "authorization": "Bearer"}, 401),
                         ({**without, "authorization": "Bearer not-the-token-0123456"}, 403),
                         ({**without, "authorization": f"Bearer {TOKEN}x"}, 403)):
        response = client.request(method, path, content=body.encode(), headers=sent)
        assert response.status_code == status, (sent, response.text)
        assert ("www-authenticate" in response.headers) is (status == 401)
        if status == 401:
            assert response.headers["www-authenticate"] == 'Bearer realm="dtkg", charset="UTF-8"'
    count = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"},
                       headers={"accept": "text/csv"}).text
    assert count.split() == ["n", "0"]  # nothing was written by the refused requests
    response = client.request(method, path, content=body.encode(), headers=headers)
    assert response.status_code in (201, 204), response.text


def test_a_read_only_server_says_how_to_allow_writes() -> None:
    with TestClient(create_app(ox.Store(), base_iri=BASE)) as read_only:
        gsp = read_only.put("/store?default", content=b"", headers=TURTLE)
        assert (gsp.status_code, gsp.headers["allow"]) == (405, "GET, HEAD")
        assert "DTKG_UPDATE_TOKEN" in gsp.text and "--update-token-file" in gsp.text
        assert read_only.put("/id/graph/x", content=b"", headers=TURTLE).status_code == 405
        sparql = read_only.post("/sparql", content=b"CLEAR ALL", headers=UPDATE)
        assert sparql.status_code == 403 and "read-only" in sparql.text


# ---------------------------------------------------------------- what each write does


def test_graph_store_writes(client: TestClient) -> None:
    graph = "http://example.org/g"
    created = client.put(f"/store?graph={graph}", content=f"{A} {A} {A} .".encode(), headers=TURTLE)
    assert (created.status_code, created.headers["location"]) == (201, graph)
    assert client.put(f"/store?graph={graph}", content=f"{A} {A} {B} .".encode(), headers=TURTLE).status_code == 204
    assert triples(client, graph) == {f"{A} {A} {B} ."}  # replaced
    assert client.post(f"/store?graph={graph}", content=f"{B} {B} {B} .".encode(), headers=TURTLE).status_code == 204
    assert triples(client, graph) == {f"{A} {A} {B} .", f"{B} {B} {B} ."}  # merged
    new = client.post("/store", content=f"{A} {B} {A} .".encode(), headers=TURTLE)
    assert new.status_code == 201 and new.headers["location"].startswith(BASE + "graph/posted/")
    assert triples(client, new.headers["location"]) == {f"{A} {B} {A} ."}
    assert client.put("/store?default", content=f"{B} {A} {B} .".encode(), headers=TURTLE).status_code == 204
    assert client.get("/store?default", headers={"accept": NT}).text == f"{B} {A} {B} .\n"
    assert client.delete(f"/store?graph={graph}", headers=AUTH).status_code == 204
    assert client.get(f"/store?graph={graph}").status_code == 404
    missing = client.delete(f"/store?graph={graph}", headers=AUTH)
    assert missing.status_code == 404 and "no graph" in missing.text
    empty = client.put("/store?graph=http://example.org/empty", content=b"", headers=TURTLE)
    assert empty.status_code == 201 and triples(client, "http://example.org/empty") == set()


def test_direct_identification_writes_the_graph_named_by_the_path(client: TestClient) -> None:
    assert client.put("/id/graph/mine", content=f"{A} {A} {A} .".encode(), headers=TURTLE).status_code == 201
    response = client.get("/id/graph/mine", headers={"accept": NT})
    assert (response.status_code, response.text) == (200, f"{A} {A} {A} .\n")
    assert client.delete("/id/graph/mine", headers=AUTH).status_code == 204
    assert client.get("/id/graph/mine").status_code == 404


def test_multipart_payloads_are_merged(client: TestClient) -> None:
    body = (
        b"--xyz\r\nContent-Disposition: form-data; name=a; filename=a.ttl\r\nContent-Type: text/turtle\r\n\r\n"
        + f"{A} {A} {A} .".encode() + b"\r\n--xyz\r\nContent-Disposition: form-data; name=b; filename=b.nt\r\n"
        b"Content-Type: application/n-triples\r\n\r\n" + f"{B} {B} {B} .".encode() + b"\r\n--xyz--\r\n"
    )
    response = client.post("/store?graph=http://example.org/m", content=body,
                           headers={**AUTH, "content-type": "multipart/form-data; boundary=xyz"})
    assert response.status_code == 201
    assert triples(client, "http://example.org/m") == {f"{A} {A} {A} .", f"{B} {B} {B} ."}


@pytest.mark.parametrize(
    ("content_type", "body", "status", "words"),
    [
        ("image/png", b"\x89PNG", 415, "cannot read a payload of type 'image/png'"),
        ("text/turtle", f"{A} {A} {A} .\n{A} {A} .".encode(), 400, "not valid text/turtle"),
        ("application/n-quads", f"{A} {A} {A} {B} .".encode(), 400, "cannot hold named graphs"),
    ],
)
def test_bad_payloads_change_nothing(client: TestClient, content_type: str, body: bytes, status: int, words: str) -> None:
    assert client.put("/store?graph=http://example.org/g", content=f"{B} {B} {B} .".encode(), headers=TURTLE).status_code == 201
    response = client.put("/store?graph=http://example.org/g", content=body, headers={**AUTH, "content-type": content_type})
    assert response.status_code == status and words in response.text, response.text
    assert triples(client, "http://example.org/g") == {f"{B} {B} {B} ."}


def test_an_update_is_all_or_nothing(client: TestClient) -> None:
    failing = f"INSERT DATA {{ GRAPH <http://example.org/g> {{ {A} {A} {A} }} }} ; CREATE GRAPH <http://example.org/g>"
    response = client.post("/sparql", content=failing.encode(), headers=UPDATE)
    assert response.status_code == 400 and "changed nothing" in response.text
    assert client.get("/store?graph=http://example.org/g").status_code == 404


@pytest.mark.parametrize(
    ("query", "headers", "body", "status", "words"),
    [
        ("", UPDATE, b"INSERT DATA { <a> }", 400, "not valid SPARQL 1.1 Update"),
        ("", {**UPDATE, "content-type": "application/sparql-update; charset=UTF-16"}, "CLEAR ALL".encode("utf-16"),
         415, "UTF-8"),
        ("", {**AUTH, "content-type": "application/x-www-form-urlencoded"}, b"update=CLEAR+ALL&update=CLEAR+ALL", 400,
         "exactly one update"),
        ("?using-graph-uri=http%3A%2F%2Fa", UPDATE, b"WITH <http://b> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", 400,
         "forbids both"),
    ],
)
def test_update_protocol_errors(client: TestClient, query: str, headers: dict[str, str], body: bytes, status: int,
                                words: str) -> None:
    response = client.post(f"/sparql{query}", content=body, headers=headers)
    assert response.status_code == status and words in response.text, response.text


def test_using_graph_uri_sets_the_updates_dataset(client: TestClient) -> None:
    for graph, subject in (("http://example.org/1", A), ("http://example.org/2", B)):
        client.put(f"/store?graph={graph}", content=f"{subject} a <http://example.org/T> .".encode(), headers=TURTLE)
    update = "INSERT { GRAPH <http://example.org/out> { ?s a <http://example.org/U> } } WHERE { ?s a <http://example.org/T> }"
    response = client.post("/sparql?using-graph-uri=http%3A%2F%2Fexample.org%2F1", content=update.encode(), headers=UPDATE)
    assert response.status_code == 204
    assert triples(client, "http://example.org/out") == {f"{A} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/U> ."}
    shortcut = "DELETE WHERE { ?s a <http://example.org/T> }"
    response = client.post("/sparql?using-graph-uri=http%3A%2F%2Fexample.org%2F2", content=shortcut.encode(), headers=UPDATE)
    assert response.status_code == 204  # DELETE WHERE over graph 2 only: DELETE removes from the default graph
    assert len(triples(client, "http://example.org/2")) == 1


def test_the_void_description_follows_the_writes(client: TestClient) -> None:
    def count() -> str:
        for _ in range(200):
            response = client.get("/.well-known/void", headers={"accept": NT})
            if "cache-control" not in response.headers:
                return next(line for line in response.text.splitlines() if "void#triples" in line)
        raise AssertionError("no statistics")

    assert count().endswith('"0"^^<http://www.w3.org/2001/XMLSchema#integer> .')
    client.put("/store?graph=http://example.org/g", content=f"{A} {A} {A} . {B} {B} {B} .".encode(), headers=TURTLE)
    assert count().endswith('"2"^^<http://www.w3.org/2001/XMLSchema#integer> .')


# ---------------------------------------------------------------- on disk: one writer, readers on snapshots


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    dataset = tmp_path / "kg.nq"
    dataset.write_text(f"{A} {A} {A} <{BASE}graph/start> .\n", encoding="utf-8")
    return disk_store(dataset)


def disk_app(folder: Path, **options: object) -> TestClient:
    settings = ServeSettings(update_token=TOKEN, query_workers=2, **options)  # type: ignore[arg-type]
    return TestClient(create_app(folder, base_iri=BASE, settings=settings))


@pytest.mark.slow
def test_on_disk_every_reader_sees_a_write_once_answered_and_it_survives_a_restart(folder: Path) -> None:
    snapshots = list(folder.parent.glob(".store.snapshots.*"))
    assert snapshots == []
    with disk_app(folder) as client:
        for n in range(3):
            body = f"{A} {A} \"{n}\" .".encode()
            assert client.put(f"/store?graph={BASE}graph/g", content=body, headers=TURTLE).status_code in (201, 204)
            for _ in range(6):  # both workers, each leased several times
                assert triples(client, f"{BASE}graph/g") == {f'{A} {A} "{n}" .'}
        assert len(list(folder.parent.glob(".store.snapshots.*"))) == 1
    assert list(folder.parent.glob(".store.snapshots.*")) == []  # removed when the server stops
    written = ox.Store.read_only(str(folder))
    assert {str(q) for q in written} == {
        f"{A} {A} {A} <{BASE}graph/start>", f'{A} {A} "2" <{BASE}graph/g>'}
    del written
    with TestClient(create_app(folder, base_iri=BASE, settings=ServeSettings(query_workers=1))) as read_only:
        assert triples(read_only, f"{BASE}graph/g") == {f'{A} {A} "2" .'}


@pytest.mark.slow
def test_on_disk_a_write_past_the_time_limit_writes_nothing_and_the_next_one_works(folder: Path) -> None:
    with disk_app(folder, query_timeout=1.0) as client:
        for n in range(40):  # enough statements that a product of four copies takes far longer than a second
            client.post(f"/store?graph={BASE}graph/big", content=f"{A} {A} \"{n}\" .".encode(), headers=TURTLE)
        slow = ("INSERT { GRAPH <http://example.org/out> { ?a ?b ?c } } WHERE { GRAPH ?g { ?a ?x ?w . ?b ?y ?z . "
                "?c ?p ?q . ?d ?e ?f } }")
        response = client.post("/sparql", content=slow.encode(), headers=UPDATE)
        assert response.status_code == 503 and "limit" in response.text
        assert client.get("/store?graph=http://example.org/out").status_code == 404
        assert client.put("/store?graph=http://example.org/after", content=f"{B} {B} {B} .".encode(),
                          headers=TURTLE).status_code == 201
        assert triples(client, "http://example.org/after") == {f"{B} {B} {B} ."}
        assert len(triples(client, f"{BASE}graph/big")) == 40


def test_update_token_file_option_reaches_the_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def fake_run(source: Path, **kwargs: object) -> None:
        seen.update(kwargs)

    monkeypatch.setattr("dtkg.serve.run", fake_run)
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN, encoding="utf-8")
    monkeypatch.delenv("DTKG_UPDATE_TOKEN", raising=False)
    assert cli_main(["serve", str(tmp_path), "--update-token-file", str(token_file)]) == 0
    assert seen["settings"].update_token == TOKEN  # type: ignore[attr-defined]
    monkeypatch.setenv("DTKG_UPDATE_TOKEN", "from-the-environment-0123")
    assert cli_main(["serve", str(tmp_path)]) == 0
    assert seen["settings"].update_token == "from-the-environment-0123"  # type: ignore[attr-defined]
