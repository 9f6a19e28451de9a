"""The W3C SPARQL 1.1 Protocol and Service Description test manifests, run against the endpoint.

The manifests are read (with rdflib) from ``shared/conformance/w3c-sparql11/`` beside the
repository (or under ``$DTKG_SHARED``). Each protocol test's requests are sent, in order,
through Starlette's TestClient to an app over a fresh store holding the test's graph data.

The endpoint is read-only, so the seven update tests cannot pass as written: their update
request must be *refused* (403), and each follow-up query, which would find the update's
effect, must find nothing (so the refusal really left the store alone). Every other test,
including the fourteen ``bad_*`` ones, runs exactly as the manifest says.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname
from xml.etree import ElementTree

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate
from rdflib.collection import Collection
from starlette.testclient import TestClient

from dtkg.serve import create_app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

BASE = "http://127.0.0.1:8000/id/"
DATA = Path(__file__).resolve().parent / "data" / "serve"

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")

TABULAR = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"}
BOOLEAN = {"application/sparql-results+json", "application/sparql-results+xml"}
RDF = {"application/rdf+xml", "text/turtle", "application/n-triples"}

# Manifest entries not run at all, with the reason. Empty: every entry runs (updates as refusals).
SKIPPED: dict[str, str] = {}
PROTOCOL_ENTRIES = 34
REFUSED_UPDATES = 7  # update_* tests: the update must be refused (403), not applied (2xx)
SD_ENTRIES = 3


def shared_dir() -> Path:
    """``$DTKG_SHARED``, else ``shared/`` beside the repository."""
    return Path(os.environ.get("DTKG_SHARED") or Path(__file__).resolve().parents[2] / "shared")


CONFORMANCE = shared_dir() / "conformance" / "w3c-sparql11"
PROTOCOL_MANIFEST = CONFORMANCE / "protocol" / "manifest.ttl"
SD_MANIFEST = CONFORMANCE / "service-description" / "manifest.ttl"
needs_manifests = pytest.mark.skipif(
    not PROTOCOL_MANIFEST.is_file(),
    reason=f"W3C SPARQL 1.1 manifests not found at {CONFORMANCE} (set DTKG_SHARED to the shared/ folder)",
)


# ---------------------------------------------------------------- reading the manifest


@dataclass(frozen=True)
class HttpRequest:
    """One ht:Request of a test, and what its response must be."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[str]
    expected_format: str | None
    expected_boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    """One mf:ProtocolTest: its name, graph data (file → graph name) and requests."""

    name: str
    title: str
    graph_data: tuple[tuple[Path, str], ...]
    requests: tuple[HttpRequest, ...] = field(default_factory=tuple)

    @property
    def is_update(self) -> bool:
        """A (good) update test: its first request performs an update the manifest expects to succeed."""
        return self.name.startswith("update_")


def rdf_list(graph: rdflib.Graph, head: rdflib.term.Node) -> list[rdflib.term.Node]:
    return list(Collection(graph, head))


def read_request(graph: rdflib.Graph, node: rdflib.term.Node) -> HttpRequest:
    """An ht:Request node as a request to send and its expectations."""
    headers = {}
    for header_list in graph.objects(node, HT.headers):
        for header in rdf_list(graph, header_list):
            headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
    body = None
    body_node = graph.value(node, HT.body)
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    boolean = graph.value(response, MF.expectedBoolean)
    fmt = graph.value(response, MF.expectedFormat)
    return HttpRequest(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=headers,
        body=body,
        statuses=frozenset(str(s).rsplit("#", 1)[1] for s in graph.objects(response, MF.expectedStatus)),
        expected_format=str(fmt) if fmt is not None else None,
        expected_boolean=boolean.toPython() if boolean is not None else None,
    )


def read_manifest(path: Path) -> list[ProtocolTest]:
    """The manifest's tests in mf:entries order."""
    graph = rdflib.Graph().parse(path, format="turtle", publicID=path.as_uri())
    manifest = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    tests = []
    for entry in rdf_list(graph, graph.value(manifest, MF.entries)):
        action = graph.value(entry, MF.action)
        requests = [read_request(graph, r) for lst in graph.objects(action, HT.requests) for r in rdf_list(graph, lst)]
        data = tuple(
            (Path(url2pathname(urlsplit(str(graph.value(d, UT.graph))).path)), str(graph.value(d, rdflib.RDFS.label)))
            for d in graph.objects(entry, UT.graphData)
        )
        tests.append(
            ProtocolTest(str(entry).rsplit("#", 1)[1], str(graph.value(entry, MF.name)), data, tuple(requests))
        )
    return tests


PROTOCOL_TESTS = read_manifest(PROTOCOL_MANIFEST) if PROTOCOL_MANIFEST.is_file() else []


# ---------------------------------------------------------------- running a test


def app_for(test: ProtocolTest) -> TestClient:
    """A client of an app over a fresh store holding the test's graph data, each file in its named graph."""
    store = ox.Store()
    for path, graph_name in sorted(test.graph_data):
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph_name))
    return TestClient(create_app(store, base_iri=BASE), base_url="http://www.example")


def status_class(status: int) -> str:
    return f"StatusCode{status // 100}xx"


def boolean_of(response: httpx.Response) -> bool:
    """The boolean of an ASK result in SPARQL JSON or XML."""
    media_type = response.headers["content-type"].split(";")[0]
    if media_type == "application/sparql-results+json":
        return bool(json.loads(response.content)["boolean"])
    element = ElementTree.fromstring(response.content).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert element is not None
    return element.text == "true"


def check_as_written(request: HttpRequest, response: httpx.Response) -> None:
    """The response is what the manifest expects: status class, result format, boolean."""
    assert status_class(response.status_code) in request.statuses, (response.status_code, response.text)
    media_type = response.headers.get("content-type", "").split(";")[0]
    allowed = {"boolean": BOOLEAN, "tabular": TABULAR, "RDF": RDF}.get(request.expected_format or "")
    if allowed is not None:
        assert media_type in allowed, media_type
    if request.expected_boolean is not None:
        assert boolean_of(response) is request.expected_boolean


def send(client: TestClient, request: HttpRequest) -> httpx.Response:
    return client.request(request.method, request.path, headers=request.headers, content=request.body)


def run_protocol_test(test: ProtocolTest) -> str:
    """Send the test's requests and check the answers; how it ran: "as written" or "refused update"."""
    with app_for(test) as client:
        first, *rest = test.requests
        response = send(client, first)
        if test.is_update:
            assert response.status_code == 403, (response.status_code, response.text)
            assert "read-only" in response.text
            for follow_up in rest:  # the update's effect must not be there
                answer = send(client, follow_up)
                assert answer.status_code == 200
                assert boolean_of(answer) is False
            return "refused update"
        check_as_written(first, response)
        for request in rest:
            check_as_written(request, send(client, request))
        return "as written"


@needs_manifests
@pytest.mark.parametrize("test", PROTOCOL_TESTS, ids=[t.name for t in PROTOCOL_TESTS])
def test_protocol_manifest(test: ProtocolTest) -> None:
    if test.name in SKIPPED:
        pytest.skip(SKIPPED[test.name])
    run_protocol_test(test)


@needs_manifests
def test_protocol_manifest_counts() -> None:
    """All 34 entries run: 27 exactly as written, the 7 update tests as refusals; none skipped."""
    outcomes: dict[str, list[str]] = {}
    for test in PROTOCOL_TESTS:
        if test.name not in SKIPPED:
            outcomes.setdefault(run_protocol_test(test), []).append(test.name)
    assert len(PROTOCOL_TESTS) == PROTOCOL_ENTRIES
    assert SKIPPED == {}
    assert len(outcomes["as written"]) == PROTOCOL_ENTRIES - REFUSED_UPDATES
    assert sorted(outcomes["refused update"]) == sorted(
        [
            "update_dataset_default_graph",
            "update_dataset_default_graphs",
            "update_dataset_named_graphs",
            "update_dataset_full",
            "update_post_form",
            "update_post_direct",
            "update_base_uri",
        ]
    )
    assert sum(name.startswith("bad_") for name in outcomes["as written"]) == 14


# ---------------------------------------------------------------- service description


def sd_entries() -> list[str]:
    graph = rdflib.Graph().parse(SD_MANIFEST, format="turtle")
    manifest = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    return [str(e).rsplit("#", 1)[1] for e in rdf_list(graph, graph.value(manifest, MF.entries))]


SD_TESTS = sd_entries() if SD_MANIFEST.is_file() else []
SD_FORMATS = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}
ENDPOINT = "http://www.example/sparql"


def service_description(accept: str | None = None) -> tuple[httpx.Response, rdflib.Graph]:
    with TestClient(create_app(ox.Store(), base_iri=BASE), base_url="http://www.example") as client:
        response = client.get("/sparql", headers={"accept": accept} if accept else {})
    fmt = SD_FORMATS[response.headers["content-type"].split(";")[0]]
    return response, rdflib.Graph().parse(data=response.text, format=fmt)


def sd_returns_rdf() -> None:
    """GET on the endpoint returns RDF, in each RDF syntax offered."""
    for accept in [None, *SD_FORMATS]:
        response, graph = service_description(accept)
        assert response.status_code == 200
        assert len(graph) > 0


def sd_has_endpoint_triple() -> None:
    """The description has an sd:endpoint triple naming the URL it was fetched from."""
    _, graph = service_description()
    assert (None, SD.endpoint, rdflib.URIRef(ENDPOINT)) in graph


def sd_conforms_to_schema() -> None:
    """The description conforms to the SD vocabulary's constraints (tests/data/serve/sd-shapes.ttl)."""
    _, graph = service_description()
    shapes = rdflib.Graph().parse(DATA / "sd-shapes.ttl", format="turtle")
    conforms, _, report = validate(graph, shacl_graph=shapes, inference="none")
    assert conforms, report


SD_CHECKS = {
    "returns-rdf": sd_returns_rdf,
    "has-endpoint-triple": sd_has_endpoint_triple,
    "conforms-to-schema": sd_conforms_to_schema,
}


@pytest.mark.skipif(not SD_MANIFEST.is_file(), reason=f"SD manifest not found at {SD_MANIFEST}")
@pytest.mark.parametrize("name", SD_TESTS)
def test_service_description_manifest(name: str) -> None:
    SD_CHECKS[name]()


@pytest.mark.skipif(not SD_MANIFEST.is_file(), reason=f"SD manifest not found at {SD_MANIFEST}")
def test_service_description_manifest_counts() -> None:
    assert len(SD_TESTS) == SD_ENTRIES
    assert set(SD_TESTS) == set(SD_CHECKS)
