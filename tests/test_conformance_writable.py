"""The W3C SPARQL 1.1 Protocol and Graph Store Protocol manifests, run in full against a real
``dtkg serve`` started with an update token (over an on-disk store: one writer, query workers on
snapshots).

Every request carries ``Authorization: Bearer <token>`` (the manifests assume an endpoint that
lets them write). Before each test the store is emptied (``DROP ALL``) and the test's graph data
is put with the Graph Store Protocol. The manifests' ``/gsp`` is ``/store`` here (indirect
identification) and ``/id/gsp/…`` for direct identification, where the graph's IRI is the data
IRI of the request path under the server's base IRI. Every entry of every manifest runs, as
written; none is skipped.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import rdflib
import rdflib.compare
from rdflib.collection import Collection

from servers import LOOPBACK, free_port, running
from test_serve_conformance import (
    CONFORMANCE,
    CNT,
    HT,
    MF,
    PROTOCOL_ENTRIES,
    PROTOCOL_TESTS,
    HttpRequest,
    ProtocolTest,
    check_as_written,
    needs_manifests,
)

pytestmark = [pytest.mark.server, pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

TOKEN = "w3c-manifests-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
GSP_MANIFESTS = [CONFORMANCE / "graph-store-protocol" / name for name in ("manifest-direct.ttl", "manifest-indirect.ttl")]
GSP_ENTRIES = 13  # 4 direct, 9 indirect
STATUS_CODES = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}
PARSERS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml"}


@dataclass(frozen=True)
class Live:
    url: str
    base: str


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("writable")
    dataset = folder / "empty.nq"
    dataset.write_text("", encoding="utf-8")
    port = free_port()
    base = f"http://{LOOPBACK}:{port}/id/"
    argv = [sys.executable, "-m", "dtkg", "serve", str(dataset), "--host", LOOPBACK, "--port", str(port),
            "--base", base]
    with running(argv, probe_url=f"http://{LOOPBACK}:{port}/sparql", log=folder / "serve.log",
                 env={"DTKG_UPDATE_TOKEN": TOKEN}):
        yield Live(f"http://{LOOPBACK}:{port}", base)


def reset(client: httpx.Client, graphs: tuple[tuple[Path, str], ...] = ()) -> None:
    """Empty the store, then put each (file, graph name) of the test's data."""
    cleared = client.post("/sparql", content=b"DROP ALL", headers={**AUTH, "content-type": "application/sparql-update"})
    assert cleared.status_code == 204, cleared.text
    for path, graph in graphs:
        put = client.put("/store", params={"graph": graph}, content=path.read_bytes(),
                         headers={**AUTH, "content-type": "application/n-triples"})
        assert put.status_code == 201, put.text


# ---------------------------------------------------------------- the protocol manifest, updates included


def send(client: httpx.Client, request: HttpRequest) -> httpx.Response:
    return client.request(request.method, request.path, headers={**request.headers, **AUTH}, content=request.body)


def run_protocol_test(client: httpx.Client, test: ProtocolTest) -> None:
    reset(client, test.graph_data)
    for request in test.requests:
        check_as_written(request, send(client, request))


@needs_manifests
def test_the_protocol_manifest_runs_in_full_with_updates(live: Live) -> None:
    """All 34 entries, as written: the 7 update tests now update, and their follow-up queries see it."""
    ran = []
    with httpx.Client(base_url=live.url, timeout=30) as client:
        for test in PROTOCOL_TESTS:
            try:
                run_protocol_test(client, test)
            except AssertionError as exc:
                raise AssertionError(f"{test.name}: {exc}") from exc
            ran.append(test.name)
    assert len(ran) == PROTOCOL_ENTRIES == 34
    assert sum(name.startswith("update_") for name in ran) == 7
    assert sum(name.startswith("bad_") for name in ran) == 14


# ---------------------------------------------------------------- the Graph Store Protocol manifests


@dataclass(frozen=True)
class GspRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[str]
    response_type: str | None
    response_body: str | None
    location: str | None


@dataclass(frozen=True)
class GspTest:
    name: str
    requests: tuple[GspRequest, ...] = field(default_factory=tuple)


def _headers(graph: rdflib.Graph, node: rdflib.term.Node) -> dict[str, str]:
    found = {}
    for header_list in graph.objects(node, HT.headers):
        for header in Collection(graph, header_list):
            found[str(graph.value(header, HT.fieldName)).lower()] = str(graph.value(header, HT.fieldValue))
    return found


def _gsp_request(graph: rdflib.Graph, node: rdflib.term.Node) -> GspRequest:
    body_node = graph.value(node, HT.body)
    response = graph.value(node, HT.resp)
    response_body = graph.value(response, HT.body)
    location = graph.value(response, MF.expectedLocation)
    return GspRequest(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=_headers(graph, node),
        body=str(graph.value(body_node, CNT.chars)).encode("utf-8") if body_node is not None else None,
        statuses=frozenset(str(s).rsplit("#", 1)[1] for s in graph.objects(response, MF.expectedStatus)),
        response_type=_headers(graph, response).get("content-type"),
        response_body=str(graph.value(response_body, CNT.chars)) if response_body is not None else None,
        location=str(location) if location is not None else None,
    )


def read_gsp_manifest(path: Path) -> list[GspTest]:
    graph = rdflib.Graph().parse(path, format="turtle", publicID=path.as_uri())
    manifest = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        action = graph.value(entry, MF.action)
        requests = [_gsp_request(graph, r) for lst in graph.objects(action, HT.requests) for r in Collection(graph, lst)]
        tests.append(GspTest(str(entry).rsplit("#", 1)[1], tuple(requests)))
    return tests


GSP_TESTS = [t for m in GSP_MANIFESTS if m.is_file() for t in read_gsp_manifest(m)]


def local_path(path: str) -> str:
    """The manifest's /gsp paths on this server: /store for the endpoint, /id/gsp/… for direct identification."""
    if path.startswith("/gsp/"):
        return "/id" + path
    return "/store" + path[len("/gsp"):]


def check_gsp(request: GspRequest, response: httpx.Response) -> None:
    codes = {STATUS_CODES[s] for s in request.statuses if s in STATUS_CODES}
    classes = {s for s in request.statuses if s.startswith("StatusCode")}
    assert response.status_code in codes or f"StatusCode{response.status_code // 100}xx" in classes, (
        request.method, request.path, response.status_code, response.text)
    if request.response_type is not None:
        assert response.headers["content-type"] == request.response_type
    if request.response_body is not None:
        media_type = request.response_type.split(";")[0] if request.response_type else "text/turtle"
        expected = rdflib.Graph().parse(data=request.response_body, format=PARSERS[media_type])
        got = rdflib.Graph().parse(data=response.content, format=PARSERS[response.headers["content-type"].split(";")[0]])
        assert rdflib.compare.isomorphic(expected, got), response.text


def run_gsp_test(client: httpx.Client, test: GspTest) -> None:
    reset(client)
    templates: dict[str, str] = {}
    for request in test.requests:
        path, body = request.path, request.body
        for variable, value in templates.items():
            path = path.replace(variable, value)
            body = body.replace(variable.encode(), value.encode()) if body is not None else None
        response = client.request(request.method, local_path(path), headers={**request.headers, **AUTH}, content=body)
        check_gsp(request, response)
        if request.location is not None:
            templates[request.location] = response.headers["location"]


@pytest.mark.skipif(not GSP_TESTS, reason=f"Graph Store Protocol manifests not found under {CONFORMANCE}")
def test_the_graph_store_manifests_run_in_full(live: Live) -> None:
    ran = []
    with httpx.Client(base_url=live.url, timeout=30) as client:
        for test in GSP_TESTS:
            try:
                run_gsp_test(client, test)
            except AssertionError as exc:
                raise AssertionError(f"{test.name}: {exc}") from exc
            ran.append(test.name)
    assert len(ran) == GSP_ENTRIES
    assert sum(name.endswith("_direct") for name in ran) == 4
