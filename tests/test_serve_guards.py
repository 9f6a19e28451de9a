"""The endpoint's guards, through Starlette's TestClient: dataset clauses, links, headers, limits, messages.

The app runs as `dtkg serve` runs it (query worker processes over the on-disk store built
from tests/data/serve/small.trig: 4 named graphs, 30 quads) unless a test needs its own data.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from dtkg.errors import ServeError, UsageError
from dtkg.serve import create_app
from dtkg.serve.diskstore import disk_store
from dtkg.serve.protocol import ProtocolError, read_operation
from dtkg.serve.worker import in_memory
from dtkg.settings import ServeSettings

ROOT = Path(__file__).resolve().parents[1]
SMALL = Path(__file__).resolve().parent / "data" / "serve" / "small.trig"
ONTOLOGY_DIR = ROOT / "ontology"
BASE = "http://127.0.0.1:8000/id/"
ID = BASE
COUNT = "SELECT (COUNT(*) AS ?n) {from} WHERE {{ ?s ?p ?o }}"
GRAPHS = "SELECT DISTINCT ?g {from} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
SECURITY = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "access-control-allow-origin": "*",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    copy = tmp_path_factory.mktemp("small") / SMALL.name
    shutil.copy(SMALL, copy)
    settings = ServeSettings(query_timeout=20, max_request_bytes=4096, in_memory_up_to=0)  # workers read the disk
    with TestClient(create_app(disk_store(copy), base_iri=BASE, ontology_dir=ONTOLOGY_DIR, settings=settings)) as c:
        yield c


def values(response: httpx.Response, name: str) -> list[str]:
    assert response.status_code == 200, response.text
    return sorted(row[name]["value"] for row in response.json()["results"]["bindings"])


def graph(name: str) -> str:
    return f"<{ID}graph/{name}>"


# ---------------------------------------------------------------- the query's own dataset (FROM, FROM NAMED)


def test_from_makes_the_default_graph(client: TestClient) -> None:
    one = COUNT.format(**{"from": f"FROM {graph('article/a2')}"})
    two = COUNT.format(**{"from": f"FROM {graph('article/a2')} FROM {graph('reference')}"})
    everything = COUNT.format(**{"from": ""})
    assert values(client.get("/sparql", params={"query": one}), "n") == ["4"]
    assert values(client.post("/sparql", data={"query": two}), "n") == ["14"]
    assert values(client.get("/sparql", params={"query": everything}), "n") == ["30"]


def test_from_named_names_the_graphs_and_leaves_the_default_graph_empty(client: TestClient) -> None:
    named = GRAPHS.format(**{"from": f"FROM NAMED {graph('meta')} FROM NAMED {graph('article/a1')}"})
    assert values(client.get("/sparql", params={"query": named}), "g") == [f"{ID}graph/article/a1", f"{ID}graph/meta"]
    only_named = COUNT.format(**{"from": f"FROM NAMED {graph('meta')}"})
    assert values(client.get("/sparql", params={"query": only_named}), "n") == ["0"]


def test_from_with_prefixed_and_relative_iris(client: TestClient) -> None:
    prefixed = f"PREFIX g: <{ID}graph/> " + COUNT.format(**{"from": "FROM g:meta"})
    relative = COUNT.format(**{"from": "FROM <graph/meta>"})  # resolved against the base IRI
    assert values(client.get("/sparql", params={"query": prefixed}), "n") == ["4"]
    assert values(client.get("/sparql", params={"query": relative}), "n") == ["4"]


def test_protocol_parameters_override_the_query_dataset(client: TestClient) -> None:
    query = COUNT.format(**{"from": f"FROM {graph('article/a2')}"})
    by_protocol = client.get("/sparql", params={"query": query, "default-graph-uri": f"{ID}graph/reference"})
    assert values(by_protocol, "n") == ["10"]
    named = GRAPHS.format(**{"from": f"FROM NAMED {graph('meta')}"})
    by_protocol = client.get("/sparql", params={"query": named, "named-graph-uri": f"{ID}graph/article/a2"})
    assert values(by_protocol, "g") == [f"{ID}graph/article/a2"]
    # the protocol's dataset replaces the query's whole dataset: its FROM is gone too
    only_named = client.get("/sparql", params={"query": query, "named-graph-uri": f"{ID}graph/meta"})
    assert values(only_named, "n") == ["0"]


def test_from_inside_strings_iris_and_comments_is_not_a_dataset_clause(client: TestClient) -> None:
    query = f'SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(?o != "FROM") FILTER(?p != <{ID}FROM>) }} # FROM <x>'
    assert values(client.get("/sparql", params={"query": query}), "n") == ["30"]


# ---------------------------------------------------------------- links, headers


def test_non_http_iris_are_never_links_in_html_results(client: TestClient) -> None:
    query = (
        "SELECT ?x WHERE { VALUES ?x { <javascript:alert(document.cookie)> <JavaScript:alert(1)> "
        "<data:text/html,hi> <file:///etc/passwd> <https://example.org/ok> } }"
    )
    page = client.get("/sparql", params={"query": query, "format": "html"}).text
    for iri in ("javascript:alert(document.cookie)", "JavaScript:alert(1)", "data:text/html,hi", "file:///etc/passwd"):
        assert f'<span class="iri">{iri}</span>' in page
        assert f'href="{iri}' not in page
    assert '<a href="https://example.org/ok"' in page
    assert 'href="javascript' not in page.lower()


def test_non_http_iris_are_never_links_on_resource_pages() -> None:
    store = ox.Store()
    article, meta = ox.NamedNode(f"{ID}article/x"), ox.NamedNode(f"{ID}graph/meta")
    store.add(ox.Quad(article, ox.NamedNode("https://schema.org/url"), ox.NamedNode("javascript:alert(1)"), meta))
    store.add(ox.Quad(article, ox.NamedNode("https://schema.org/sameAs"), ox.NamedNode("https://example.org/x"), meta))
    with TestClient(create_app(store, base_iri=BASE, ontology_dir=ONTOLOGY_DIR)) as in_process:
        page = in_process.get("/id/article/x", headers={"accept": "text/html"}).text
    assert '<span class="iri">javascript:alert(1)</span>' in page
    assert 'href="javascript:' not in page
    assert '<a href="https://example.org/x"' in page


@pytest.mark.parametrize(
    ("path", "status"),
    [("/", 200), ("/sparql?query=ASK%20%7B%7D", 200), ("/sparql", 200), ("/id/org/vnpt", 200),
     ("/id/nothing", 404), ("/ontology", 200), ("/style.css", 200), ("/sparql?query=nonsense", 400)],
)
def test_every_answer_carries_the_security_headers(client: TestClient, path: str, status: int) -> None:
    response = client.get(path, headers={"accept": "text/html"})
    assert response.status_code == status
    assert {name: response.headers.get(name) for name in SECURITY} == SECURITY


def test_pages_need_no_inline_script_or_style(client: TestClient) -> None:
    for path in ("/", "/sparql", "/id/place/nam-dinh", "/ontology", "/sparql?format=html&query=ASK%20%7B%7D"):
        page = client.get(path, headers={"accept": "text/html"}).text
        assert '<link rel="stylesheet" href="/static/dtkg.css">' in page
        for inline in ("<script", "<style", " style=", " onclick=", "javascript:"):
            assert inline not in page, (path, inline)
    sheet = client.get("/style.css")
    assert (sheet.status_code, sheet.headers["content-type"]) == (200, "text/css; charset=utf-8")
    assert sheet.content == (ROOT / "src" / "dtkg" / "serve" / "templates" / "style.css").read_bytes()


# ---------------------------------------------------------------- request size


def test_a_body_over_the_limit_is_413(client: TestClient) -> None:
    query = "ASK {} " + "#" * 5000
    response = client.post("/sparql", content=query.encode(), headers={"content-type": "application/sparql-query"})
    assert response.status_code == 413
    assert response.text == (
        "the request body is larger than this endpoint's limit of 4096 bytes (fix: send a shorter query; "
        "whoever runs the server can raise the limit with `dtkg serve --max-request-bytes N`)\n"
    )
    assert response.headers["connection"] == "close"
    fits = client.post("/sparql", content=b"ASK {} " + b"#" * 4000, headers={"content-type": "application/sparql-query"})
    assert fits.status_code == 200


@pytest.mark.parametrize(("method", "path"), [("POST", "/reconcile"), ("PUT", "/store?default"), ("POST", "/sparql")])
def test_every_route_has_the_body_limit(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, content=b"x" * 5000, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.text.startswith("the request body is larger than this endpoint's limit of 4096 bytes")
    assert {name: response.headers.get(name) for name in SECURITY} == SECURITY


def test_a_chunked_body_is_cut_at_the_limit(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"query=ASK%20%7B%7D%20%23"
        for _ in range(10):
            yield b"x" * 1000

    response = client.post("/sparql", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413


def test_a_url_over_the_limit_is_414(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK {} #" + "x" * 5000})
    assert response.status_code == 414
    assert response.text.startswith("the request URL is larger than this endpoint's limit of 4096 bytes")


# ---------------------------------------------------------------- messages a person can act on


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "SELECT * WHERE {\n  ?s dtkg:party ?o }",
            "line 2, column 6: the prefix 'dtkg:' is not declared "
            "(fix: add the line `PREFIX dtkg: <https://w3id.org/dtkg/ontology#>` at the top of the query)",
        ),
        (
            "SELECT * WHERE { ?s ex:p ?o }",
            "line 1, column 21: the prefix 'ex:' is not declared "
            "(fix: add a line `PREFIX ex: <namespace IRI>` at the top of the query)",
        ),
        ("", "the query is empty (fix: write a SELECT, ASK, CONSTRUCT or DESCRIBE query)"),
        ("# nothing but a comment\n", "the query is empty (fix: write a SELECT, ASK, CONSTRUCT or DESCRIBE query)"),
        (
            "INSERT DATA { <http://a> <http://b> <http://c> }",
            "line 1, column 1: this is a SPARQL Update (INSERT …), not a query; dtkg only answers queries "
            "(fix: use a SELECT, ASK, CONSTRUCT or DESCRIBE query; dtkg's data changes only by rebuilding it "
            "with `dtkg build`)",
        ),
        (
            "SELEC * { ?s ?p ?o }",
            "line 1, column 1: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE (after any PREFIX and "
            "BASE lines), not 'SELEC' (fix: check the spelling of the query form)",
        ),
        (
            "SELECT * { ?s ?p 'open }",
            "line 1, column 18: the string opened here with ' is never closed "
            "(fix: end it with ' (a string in \" or ' quotes must end on its line))",
        ),
        (
            "SELECT * { ?s ?p ?o } LIMIT ten",
            "line 1, column 29: near «SELECT * { ?s ?p ?o } LIMIT ⟨here⟩ ten»: "
            "expected one of HAVING, OFFSET, OPTIONAL, VALUES, a name or number",
        ),
    ],
)
def test_syntax_errors_say_what_where_and_the_fix(client: TestClient, query: str, message: str) -> None:
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 400
    assert response.text == f"the query is not valid SPARQL 1.1: {message}\n"
    assert "\n" not in response.text.rstrip("\n")


def test_nesting_is_refused_before_any_parser_sees_it() -> None:
    deep = "ASK " + "{" * 129 + "}" * 129
    with pytest.raises(ProtocolError) as refused:
        read_operation("GET", [("query", deep)], None, b"")
    assert refused.value.status == 400
    assert "line 1, column 133: the query nests brackets or '!' more than 128 deep" in refused.value.message
    assert read_operation("GET", [("query", "ASK " + "{" * 128 + "}" * 128)], None, b"") is not None


# ---------------------------------------------------------------- the on-disk store


def test_the_on_disk_store_is_built_once_and_reused_while_the_dataset_is_unchanged(tmp_path: Path) -> None:
    dataset = tmp_path / SMALL.name
    shutil.copy(SMALL, dataset)
    first = disk_store(dataset)
    assert first == tmp_path / ".dtkg-serve" / SMALL.name / "store"
    marker = first / "CURRENT"
    inode = marker.stat().st_ino
    assert disk_store(dataset) == first and marker.stat().st_ino == inode  # reused, not rebuilt
    with dataset.open("a", encoding="utf-8") as extra:
        extra.write(f'<{ID}graph/extra> {{ <{ID}x> <{ID}p> "new" . }}\n')
    rebuilt = disk_store(dataset)
    assert rebuilt == first
    assert len(ox.Store.read_only(str(rebuilt))) == 31
    assert sorted(p.name for p in (tmp_path / ".dtkg-serve").iterdir()) == [SMALL.name]  # no leftovers


def test_a_broken_dataset_names_the_file_and_leaves_nothing_behind(tmp_path: Path) -> None:
    broken = tmp_path / "broken.nq"
    broken.write_text('<http://a> <http://b> "c" .\n<http://a> <http://b> .\n', encoding="utf-8")
    with pytest.raises(UsageError) as error:
        disk_store(broken)
    assert str(error.value).startswith(f"{broken}: not valid RDF:")
    assert list((tmp_path / ".dtkg-serve").iterdir()) == []


def test_a_folder_that_is_not_a_store_is_a_serve_error(tmp_path: Path) -> None:
    (tmp_path / "junk").mkdir()
    with pytest.raises(ServeError, match="not an Oxigraph store folder"):
        disk_store(tmp_path / "junk")


def test_an_unwritable_place_beside_the_dataset_falls_back_to_the_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = tmp_path / SMALL.name
    shutil.copy(SMALL, dataset)
    (tmp_path / ".dtkg-serve").write_text("a file where the cache folder would go", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    store = disk_store(dataset)
    assert store.parent.parent == tmp_path / "cache" / "dtkg" / "serve"
    assert store.parent.name.startswith(f"{SMALL.name}-")
    assert len(ox.Store.read_only(str(store))) == 30
    assert disk_store(dataset) == store


def test_workers_copy_small_stores_into_memory_and_read_large_ones_from_disk(tmp_path: Path) -> None:
    dataset = tmp_path / SMALL.name
    shutil.copy(SMALL, dataset)
    disk = ox.Store.read_only(str(disk_store(dataset)))
    copied = in_memory(disk, up_to=30)
    assert copied is not disk and set(copied) == set(disk) and len(copied) == 30
    assert in_memory(disk, up_to=29) is disk
    assert in_memory(disk, up_to=0) is disk
