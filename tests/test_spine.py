"""The spine as a user meets it: `dtkg serve` and a real Oxigraph server over HTTP."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from dtkg import cli
from dtkg.pipeline import BuildReport
from dtkg.store import load_dataset

from conftest import ROOT
from servers import LOOPBACK, OxigraphServer, Server, free_port, oxigraph_server, start, stop

pytestmark = pytest.mark.server

README_ANSWERS = {
    "agreement-partners.rq": {
        ("CMC", "UBND tỉnh Thanh Hóa", "2021", "2023"), ("CMC", "UBND tỉnh Thanh Hóa", "2024", "2026"),
        ("FPT", "UBND thành phố Đà Nẵng", "2024", "2028"), ("MobiFone", "UBND tỉnh Phú Thọ", "2025", "2027"),
        ("VNPT", "UBND tỉnh Quảng Trị", "2025", "2030"), ("Viettel", "UBND tỉnh Nam Định", "2021", "2025"),
        ("Viettel", "UBND tỉnh Quảng Ngãi", "2021", "2025"),
    },
    "merged-places.rq": {
        ("Hòa Bình", "Phú Thọ", "2025-07-01", "2"), ("Nam Định", "Ninh Bình", "2025-07-01", "1"),
        ("Quảng Bình", "Quảng Trị", "2025-07-01", "1"), ("Vĩnh Phúc", "Phú Thọ", "2025-07-01", "1"),
    },
    "telecom-leaders.rq": {
        ("Hồ Thanh Tùng", "Phó Tổng giám đốc", "CMC", ""), ("Đỗ Văn Khoa", "Phó Tổng giám đốc", "FPT", ""),
        ("Lại Thế Anh", "Tổng giám đốc", "MobiFone", ""), ("Trịnh Đức Phong", "Chủ tịch HĐTV", "VNPT", ""),
        ("Trịnh Đức Phong", "Chủ tịch Hội đồng thành viên", "VNPT", ""),
        ("Lê Đăng Dũng", "Quyền Chủ tịch", "Viettel", "Thiếu tướng"), ("Lê Đăng Dũng", "Tổng giám đốc", "Viettel", "Thiếu tướng"),
        ("Phùng Văn Tiến", "Phó Tổng giám đốc", "Viettel", "Đại tá"),
    },
}


@pytest.fixture(scope="module")
def served(samples: BuildReport, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`dtkg serve` on the built samples, as a real process on a free loopback port."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    argv = [sys.executable, "-m", "dtkg", "serve", str(samples.output), "--host", LOOPBACK, "--port", str(port)]
    process = start(argv, probe_url=f"http://{LOOPBACK}:{port}/sparql", log=log)
    try:
        yield Server(process, f"http://{LOOPBACK}:{port}", log)
    finally:
        stop(process)


def _select(endpoint: str, query: str) -> list[dict[str, str]]:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(JSON)
    bindings = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    return [{k: v["value"] for k, v in row.items()} for row in bindings]


@pytest.mark.parametrize("name", sorted(README_ANSWERS))
def test_the_served_endpoint_answers_the_readme_queries(served: Server, name: str) -> None:
    query = (ROOT / "examples" / "queries" / name).read_text(encoding="utf-8")
    rows = _select(f"{served.base_url}/sparql", query)
    variables = {"agreement-partners.rq": ("company", "government", "start", "end"),
                 "merged-places.rq": ("place", "mergedInto", "since", "articles"),
                 "telecom-leaders.rq": ("name", "title", "group", "rank")}[name]
    got = {tuple(r.get(v, "") for v in variables) for r in rows}
    assert got == README_ANSWERS[name]
    assert len(rows) == len(README_ANSWERS[name])


def test_the_readme_shows_the_answers_the_tests_check() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [line for line in readme.splitlines()[:8] if line.startswith("make ")]
    assert [c.split()[1] for c in commands] == ["run", "test"]
    for answers in README_ANSWERS.values():
        for row in answers:
            assert " | ".join(row[:2]) in readme or row[0] in readme


def test_data_iris_dereference_under_dtkg_serve(served: Server) -> None:
    turtle = httpx.get(f"{served.base_url}/id/place/nam-dinh", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = ox.Store()
    graph.load(turtle.content, format=ox.RdfFormat.TURTLE)
    names = {q.object.value for q in graph if q.predicate.value == "https://schema.org/name"}
    assert "Nam Định" in names
    html = httpx.get(f"{served.base_url}/id/place/nam-dinh", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "Nam Định" in html.text
    assert httpx.get(f"{served.base_url}/id/place/no-such-place").status_code == 404


def _server_quads(server: OxigraphServer) -> set[ox.Quad]:
    response = httpx.get(server.store_url, headers={"Accept": "application/n-quads"}, timeout=60)
    assert response.status_code == 200
    return set(ox.parse(response.content, format=ox.RdfFormat.N_QUADS))


def test_publishing_the_samples_twice_leaves_exactly_the_dataset_on_oxigraph(samples: BuildReport, tmp_path: Path) -> None:
    expected = set(load_dataset(samples.output))
    record = ox.NamedNode("http://127.0.0.1:8000/id/graph/published")  # where dtkg publish notes what it sent
    with oxigraph_server(tmp_path / "oxigraph") as server:
        for _ in range(2):
            code = cli.main(["publish", str(samples.output), "--endpoint", server.query_url,
                             "--graph-store", server.store_url])
            assert code == 0
            assert {q for q in _server_quads(server) if q.graph_name != record} == expected
        rows = _select(server.query_url, (ROOT / "ontology" / "cq" / "agreements.rq").read_text(encoding="utf-8"))
        assert {r["partyLabel"] for r in rows} >= {"Viettel", "UBND tỉnh Nam Định", "VNPT", "CMC"}
