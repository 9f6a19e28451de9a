"""The embedded SPARQL endpoint: protocol, content negotiation, linked data, ontology, pages.

Most tests go through Starlette's TestClient; the ``server`` ones start uvicorn for real on a
free loopback port and query it with SPARQLWrapper. The dataset is tests/data/serve/small.trig
(4 named graphs, 30 quads, base IRI http://127.0.0.1:8000/id/).
"""

from __future__ import annotations

import csv
import re
import io
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare
import uvicorn
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape
from SPARQLWrapper import JSON, SPARQLWrapper
from starlette.testclient import TestClient

from dtkg.errors import ServeError, UsageError
from dtkg.serve import create_app, open_store, run
from dtkg.serve.negotiation import negotiate, parse_accept
from dtkg.serve.protocol import ProtocolError, read_operation, uses_service
from dtkg.serve.diskstore import disk_store
from dtkg.serve.source import bind
from dtkg.settings import ServeSettings

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data" / "serve"
SMALL = DATA / "small.trig"
ONTOLOGY_DIR = ROOT / "ontology"
BASE = "http://127.0.0.1:8000/id/"
ID = BASE
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DTKG = "https://w3id.org/dtkg/ontology#"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")

ORGS = f"""PREFIX schema: <{SCHEMA}> PREFIX skos: <{SKOS}>
SELECT ?org ?name WHERE {{ ?org a schema:Organization ; skos:prefLabel ?name }} ORDER BY ?org"""
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SRJ = "application/sparql-results+json"
SRX = "application/sparql-results+xml"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return open_store(SMALL)


@pytest.fixture(scope="module")
def store_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The on-disk store `dtkg serve` builds for a copy of small.trig."""
    copy = tmp_path_factory.mktemp("small") / SMALL.name
    shutil.copy(SMALL, copy)
    return disk_store(copy)


@pytest.fixture(scope="module")
def client(store_folder: Path) -> Iterator[TestClient]:
    """The app as `dtkg serve` runs it: every job in a query worker process over the on-disk store."""
    app = create_app(store_folder, base_iri=BASE, ontology_dir=ONTOLOGY_DIR, settings=ServeSettings(query_timeout=20))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def in_process(store: ox.Store) -> Iterator[TestClient]:
    """The app over an in-memory store, every job on a thread of this process."""
    with TestClient(create_app(store, base_iri=BASE, ontology_dir=ONTOLOGY_DIR)) as test_client:
        yield test_client


def bindings(response: httpx.Response) -> list[dict[str, str]]:
    """SPARQL JSON results as rows of variable → value."""
    return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


def turtle_graph(text: str, fmt: str = "turtle") -> rdflib.Graph:
    return rdflib.Graph().parse(data=text, format=fmt)


# ---------------------------------------------------------------- query operation


def test_get_select_gives_exact_rows_as_sparql_json(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": ORGS})
    assert response.status_code == 200
    assert response.headers["content-type"] == SRJ
    assert response.json()["head"]["vars"] == ["org", "name"]
    assert bindings(response) == [
        {"org": f"{ID}org/viettel", "name": "Tập đoàn Viettel"},
        {"org": f"{ID}org/vnpt", "name": "VNPT"},
    ]
    assert response.json()["results"]["bindings"][0]["name"]["xml:lang"] == "vi"


def test_post_form_and_post_direct_give_the_same_rows_as_get(client: TestClient) -> None:
    expected = bindings(client.get("/sparql", params={"query": ORGS}))
    form = client.post("/sparql", data={"query": ORGS})
    direct = client.post("/sparql", content=ORGS.encode(), headers={"content-type": "application/sparql-query"})
    direct_utf8 = client.post(
        "/sparql/", content=ORGS.encode(), headers={"content-type": "application/sparql-query; charset=UTF-8"}
    )
    for response in (form, direct, direct_utf8):
        assert response.status_code == 200
        assert bindings(response) == expected


def test_default_graph_is_the_union_of_named_graphs(client: TestClient) -> None:
    assert bindings(client.get("/sparql", params={"query": COUNT})) == [{"n": "30"}]


def test_default_graph_uri_restricts_the_default_graph(client: TestClient) -> None:
    params = {"query": COUNT, "default-graph-uri": f"{ID}graph/article/a2"}
    assert bindings(client.get("/sparql", params=params)) == [{"n": "4"}]
    both = [("query", COUNT), ("default-graph-uri", f"{ID}graph/article/a2"), ("default-graph-uri", f"{ID}graph/meta")]
    assert bindings(client.get("/sparql", params=both)) == [{"n": "8"}]


def test_named_graph_uri_restricts_the_named_graphs(client: TestClient) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    everything = bindings(client.get("/sparql", params={"query": query}))
    assert sorted(row["g"] for row in everything) == sorted(
        f"{ID}graph/{name}" for name in ("article/a1", "article/a2", "meta", "reference")
    )
    response = client.post("/sparql", data={"query": query, "named-graph-uri": f"{ID}graph/meta"})
    assert bindings(response) == [{"g": f"{ID}graph/meta"}]
    # a protocol dataset leaves the default graph empty unless named
    only_named = client.get("/sparql", params={"query": COUNT, "named-graph-uri": f"{ID}graph/meta"})
    assert bindings(only_named) == [{"n": "0"}]


def test_relative_iris_in_queries_resolve_against_the_base_iri(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": f"SELECT ?name WHERE {{ <org/vnpt> <{SKOS}prefLabel> ?name }}"})
    assert bindings(response) == [{"name": "VNPT"}]


def test_ask_gives_a_json_boolean(client: TestClient) -> None:
    yes = client.get("/sparql", params={"query": f"ASK {{ <{ID}org/viettel> ?p ?o }}"})
    no = client.get("/sparql", params={"query": "ASK { <http://example.org/nothing> ?p ?o }"})
    assert (yes.status_code, yes.headers["content-type"], yes.json()) == (200, SRJ, {"head": {}, "boolean": True})
    assert no.json()["boolean"] is False


def test_select_as_xml_csv_tsv_by_accept(client: TestClient) -> None:
    xml = client.get("/sparql", params={"query": ORGS}, headers={"accept": SRX})
    assert (xml.status_code, xml.headers["content-type"]) == (200, SRX)
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    uris = [e.text for e in ElementTree.fromstring(xml.content).findall(".//r:binding[@name='org']/r:uri", ns)]
    assert uris == [f"{ID}org/viettel", f"{ID}org/vnpt"]

    table = client.get("/sparql", params={"query": ORGS}, headers={"accept": "text/csv"})
    assert table.headers["content-type"] == "text/csv; charset=utf-8"
    assert list(csv.reader(io.StringIO(table.text))) == [
        ["org", "name"],
        [f"{ID}org/viettel", "Tập đoàn Viettel"],
        [f"{ID}org/vnpt", "VNPT"],
    ]

    tsv = client.get("/sparql", params={"query": ORGS}, headers={"accept": "text/tab-separated-values"})
    assert tsv.headers["content-type"] == "text/tab-separated-values; charset=utf-8"
    assert tsv.text.splitlines() == [
        "?org\t?name",
        f'<{ID}org/viettel>\t"Tập đoàn Viettel"@vi',
        f'<{ID}org/vnpt>\t"VNPT"@vi',
    ]


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("json", SRJ),
        ("xml", SRX),
        ("csv", "text/csv; charset=utf-8"),
        ("tsv", "text/tab-separated-values; charset=utf-8"),
        ("html", "text/html; charset=utf-8"),
        (SRX, SRX),
    ],
)
def test_format_parameter_overrides_accept(client: TestClient, fmt: str, media_type: str) -> None:
    response = client.get("/sparql", params={"query": ORGS, "format": fmt}, headers={"accept": "text/csv"})
    assert (response.status_code, response.headers["content-type"]) == (200, media_type)


def test_accept_q_values_choose_the_best_and_star_gives_the_default(client: TestClient) -> None:
    def media(accept: str) -> str:
        return client.get("/sparql", params={"query": ORGS}, headers={"accept": accept}).headers["content-type"]

    assert media(f"text/csv;q=0.5, {SRX};q=0.9") == SRX
    assert media(f"text/csv;q=0.9, {SRX};q=0.5") == "text/csv; charset=utf-8"
    assert media("*/*") == SRJ
    assert media(f"text/*;q=0.3, {SRJ};q=0") == "text/csv; charset=utf-8"
    assert media("application/json") == "application/json"


def test_nothing_acceptable_is_406(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": ORGS}, headers={"accept": "image/png"})
    assert response.status_code == 406
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "application/sparql-results+json" in response.text
    assert client.get("/sparql", params={"query": ORGS, "format": "turtle"}).status_code == 406
    construct = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"accept": "text/csv"})
    assert construct.status_code == 406


def test_construct_in_every_rdf_format(client: TestClient, store: ox.Store) -> None:
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ID}graph/reference> {{ ?s ?p ?o }} }}"
    expected = rdflib.Graph()
    for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(f"{ID}graph/reference")):
        expected.parse(data=str(quad.triple) + " .", format="nt")
    cases = [
        (None, "text/turtle; charset=utf-8", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/n-quads", "application/n-quads", "nquads"),
    ]
    for accept, media_type, rdflib_format in cases:
        headers = {"accept": accept} if accept else {}
        response = client.get("/sparql", params={"query": query}, headers=headers)
        assert (response.status_code, response.headers["content-type"]) == (200, media_type)
        if rdflib_format == "nquads":
            graph = rdflib.Graph()
            graph += rdflib.Dataset().parse(data=response.text, format="nquads").default_graph
        else:
            graph = turtle_graph(response.text, rdflib_format)
        assert rdflib.compare.isomorphic(graph, expected), accept


def test_describe_gives_turtle(client: TestClient) -> None:
    response = client.post("/sparql", data={"query": f"DESCRIBE <{ID}org/vnpt>"})
    assert (response.status_code, response.headers["content-type"]) == (200, "text/turtle; charset=utf-8")
    graph = turtle_graph(response.text)
    assert set(graph.objects(rdflib.URIRef(f"{ID}org/vnpt"), rdflib.URIRef(f"{SKOS}prefLabel"))) == {
        rdflib.Literal("VNPT", lang="vi")
    }


def test_html_results_show_labels_and_local_links(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": ORGS}, headers={"accept": "text/html,*/*;q=0.8"})
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert '<a href="/id/org/viettel"' in response.text
    assert "Tập đoàn Viettel" in response.text
    assert "2 rows" in response.text


def test_html_results_escape_markup(client: TestClient) -> None:
    query = 'SELECT ("<script>alert(1)</script>" AS ?x) {}'
    response = client.get("/sparql", params={"query": query, "format": "html"})
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


# ---------------------------------------------------------------- refusals and errors


def test_malformed_query_is_400_saying_what_where_and_the_fix(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE {"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == (
        "the query is not valid SPARQL 1.1: line 1, column 16: the '{' opened here is never closed "
        "(fix: add the missing '}')\n"
    )


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": {"update": "CLEAR ALL"}}, 403),
        ({"content": b"CLEAR ALL", "headers": {"content-type": "application/sparql-update"}}, 403),
        ({"data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 403),
    ],
)
def test_updates_are_refused_with_403(client: TestClient, store: ox.Store, kwargs: dict, status: int) -> None:  # type: ignore[type-arg]
    response = client.post("/sparql", **kwargs)
    assert response.status_code == status
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "read-only" in response.text
    assert len(store) == 30


def test_update_via_get_is_400(client: TestClient) -> None:
    response = client.get("/sparql", params={"update": "CLEAR ALL"})
    assert response.status_code == 400
    assert "POST" in response.text


def test_protocol_misuse_statuses(client: TestClient) -> None:
    assert client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")]).status_code == 400
    assert client.post("/sparql", content=b"ASK {}", headers={"content-type": "text/plain"}).status_code == 415
    assert client.post("/sparql", content=b"ASK {}").status_code == 415
    utf16 = client.post(
        "/sparql",
        content="ASK {}".encode("utf-16"),
        headers={"content-type": "application/sparql-query; charset=UTF-16"},
    )
    assert utf16.status_code == 415
    not_utf8 = client.post("/sparql", content=b"ASK { \xff }", headers={"content-type": "application/sparql-query"})
    assert not_utf8.status_code == 400
    assert client.get("/sparql", params={"default-graph-uri": f"{ID}graph/meta"}).status_code == 400
    assert client.put("/sparql", params={"query": "ASK {}"}).status_code == 405
    assert client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"}).status_code == 400


def test_federated_queries_are_refused(client: TestClient) -> None:
    response = client.get(
        "/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"}
    )
    assert response.status_code == 403
    assert "SERVICE" in response.text


@pytest.mark.parametrize(
    ("query", "flagged"),
    [
        ("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", True),
        ("select * { service silent <http://x/> { ?s ?p ?o } }", True),
        ("SELECT * { ?s ?p ?o .SERVICE <http://x/> {} }", True),
        ('SELECT * { ?s ?p "SERVICE <http://x/>" }', False),
        ("SELECT * { ?s ?p '''a\nSERVICE''' }", False),
        ("SELECT * { ?s <http://x/SERVICE> ?o }", False),
        ("PREFIX ex: <http://x/> SELECT * { ?s ex:SERVICE ?service }", False),
        ("SELECT * { ?s ?p ?o } # SERVICE <http://x/>", False),
        (r'SELECT * { ?s ?p "\" SERVICE" }', False),
    ],
)
def test_service_detection(query: str, flagged: bool) -> None:
    assert uses_service(query) is flagged


def test_read_operation_is_pure_and_reads_the_dataset() -> None:
    operation = read_operation(
        "POST",
        [("default-graph-uri", "http://g/1")],
        "application/x-www-form-urlencoded",
        b"query=ASK%20%7B%7D&named-graph-uri=http%3A%2F%2Fg%2F2&format=xml",
    )
    assert operation is not None
    assert (operation.query, operation.default_graphs, operation.named_graphs, operation.format) == (
        "ASK {}",
        ("http://g/1",),
        ("http://g/2",),
        "xml",
    )
    assert read_operation("GET", [], None, b"") is None
    with pytest.raises(ProtocolError) as refused:
        read_operation("POST", [], "application/sparql-update", b"CLEAR ALL")
    assert refused.value.status == 403


# ---------------------------------------------------------------- service description, CORS, HEAD


def test_bare_get_gives_the_service_description(client: TestClient) -> None:
    response = client.get("/sparql")
    assert (response.status_code, response.headers["content-type"]) == (200, "text/turtle; charset=utf-8")
    graph = turtle_graph(response.text)
    service = rdflib.URIRef("http://testserver/sparql")
    assert (service, rdflib.RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
    ],
)
def test_service_description_is_negotiated(
    client: TestClient, accept: str, media_type: str, rdflib_format: str
) -> None:
    response = client.get("/sparql/", headers={"accept": accept})
    assert (response.status_code, response.headers["content-type"]) == (200, media_type)
    graph = turtle_graph(response.text, rdflib_format)
    assert (
        rdflib.URIRef("http://testserver/sparql/"),
        SD.endpoint,
        rdflib.URIRef("http://testserver/sparql/"),
    ) in graph


def test_browsers_get_the_query_form_at_sparql(client: TestClient) -> None:
    response = client.get(
        "/sparql", headers={"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    )
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert '<form action="/sparql" method="post">' in response.text
    assert "GRAPH ?graph" in response.text


def test_cors_header_on_answers_and_preflight(client: TestClient) -> None:
    assert client.get("/sparql", params={"query": "ASK {}"}).headers["access-control-allow-origin"] == "*"
    assert client.post("/sparql", data={"update": "CLEAR ALL"}).headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "origin": "https://example.org",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert preflight.headers["access-control-allow-headers"] == "Accept, Content-Type"
    assert "access-control-allow-credentials" not in preflight.headers
    # a requested header is never echoed back: only what SPARQL clients need is allowed
    asked = client.options(
        "/sparql",
        headers={
            "origin": "https://example.org",
            "access-control-request-method": "POST",
            "access-control-request-headers": "x-evil, authorization",
        },
    )
    assert asked.headers["access-control-allow-headers"] == "Accept, Content-Type"


@pytest.mark.parametrize(
    "path",
    ["/", "/sparql?query=ASK%20%7B%7D", "/sparql", "/id/place/nam-dinh", "/ontology", "/concept/digital-government"],
)
def test_head_works_where_get_does(client: TestClient, path: str) -> None:
    get, head = client.get(path), client.head(path)
    assert (
        (head.status_code, head.headers["content-type"])
        == (get.status_code, get.headers["content-type"])
        == (200, get.headers["content-type"])
    )
    assert head.content == b""


# ---------------------------------------------------------------- linked data


def description(client: TestClient, path: str, accept: str = "text/turtle") -> rdflib.Graph:
    response = client.get(path, headers={"accept": accept})
    assert response.status_code == 200
    return turtle_graph(response.text)


def test_data_iris_dereference_with_outbound_and_inbound_statements(client: TestClient) -> None:
    response = client.get("/id/place/nam-dinh", headers={"accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert response.headers["vary"] == "Accept"
    assert response.headers["content-location"] == "/id/place/nam-dinh.ttl"
    place = rdflib.URIRef(f"{ID}place/nam-dinh")
    triples = {(str(s), str(p), str(o)) for s, p, o in turtle_graph(response.text)}
    assert triples == {
        (str(place), str(rdflib.RDF.type), f"{SCHEMA}AdministrativeArea"),
        (str(place), f"{SKOS}prefLabel", "Nam Định"),
        (str(place), f"{SCHEMA}name", "Nam Định"),
        (f"{ID}article/a1", f"{SCHEMA}mentions", str(place)),
        (f"{ID}article/a2", f"{SCHEMA}mentions", str(place)),
        (f"{ID}article/a1/agreement/1", f"{DTKG}party", str(place)),
    }


def test_description_in_trig_keeps_graphs(client: TestClient) -> None:
    response = client.get("/id/place/nam-dinh", headers={"accept": "application/trig"})
    assert response.headers["content-type"] == "application/trig"
    dataset = rdflib.Dataset().parse(data=response.text, format="trig")
    graphs = {str(g) for _, _, _, g in dataset.quads((None, None, None, None))}
    default = str(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)
    assert graphs == {default, f"{ID}graph/reference", f"{ID}graph/article/a1", f"{ID}graph/article/a2"}
    assert len(dataset.default_graph) == 6  # the merged description, as in Turtle


def test_description_follows_blank_nodes(client: TestClient) -> None:
    graph = description(client, "/id/article/a1/agreement/1")
    assert set(graph.objects(None, rdflib.URIRef("http://www.w3.org/ns/oa#exact"))) == {
        rdflib.Literal("ký kết thỏa thuận hợp tác", lang="vi")
    }


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("jsonld", "application/ld+json"),
        ("ntriples", "application/n-triples"),
        ("nquads", "application/n-quads"),
        ("rdfxml", "application/rdf+xml"),
        ("turtle", "text/turtle; charset=utf-8"),
    ],
)
def test_description_formats(client: TestClient, fmt: str, media_type: str) -> None:
    response = client.get("/id/org/vnpt", params={"format": fmt})
    assert (response.status_code, response.headers["content-type"]) == (200, media_type)
    assert f"{ID}org/vnpt" in response.text


def test_description_html_for_browsers(client: TestClient) -> None:
    response = client.get("/id/place/nam-dinh", headers={"accept": "text/html"})
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert re.search(r"<h1[^>]*>Nam Định</h1>", page)
    assert '<a href="/id/article/a1/agreement/1"' in page  # inbound link, as a local link
    assert '<a href="/id/graph/reference"' in page  # the graph each statement lives in
    assert '<a href="/ontology#party"' in page
    assert "Referenced by" in client.get("/id/place/nam-dinh?lang=en", headers={"accept": "text/html"}).text


def test_graph_iris_are_known_and_link_to_their_statements(client: TestClient) -> None:
    page = client.get("/id/graph/article/a2", headers={"accept": "text/html"}).text
    assert "names a graph of the dataset" in page and "/sparql?query=" in page


def test_unknown_iri_is_404(client: TestClient) -> None:
    response = client.get("/id/place/atlantis")
    assert response.status_code == 404
    assert f"{ID}place/atlantis" in response.text


def test_concepts_dereference(client: TestClient) -> None:
    graph = description(client, "/concept/digital-government")
    concept = rdflib.URIRef("https://w3id.org/dtkg/concept/digital-government")
    assert set(graph.objects(concept, rdflib.URIRef(f"{SKOS}prefLabel"))) == {
        rdflib.Literal("chính phủ số", lang="vi"),
        rdflib.Literal("digital government", lang="en"),
    }
    assert (rdflib.URIRef(f"{ID}article/a1/agreement/1"), rdflib.URIRef(f"{DTKG}scope"), concept) in graph
    assert client.get("/concept/nothing-here").status_code == 404


def test_another_base_iri_is_served_under_its_own_path() -> None:
    base = "https://kg.example.org/data/"
    moved = ox.Store()
    moved.load(SMALL.read_text(encoding="utf-8").replace(BASE, base).encode(), format=ox.RdfFormat.TRIG)
    with TestClient(create_app(moved, base_iri=base, ontology_dir=ONTOLOGY_DIR)) as other:
        response = other.get("/data/org/viettel", headers={"accept": "application/n-triples"})
        assert response.status_code == 200
        assert f'<{base}org/viettel> <{SKOS}prefLabel> "Tập đoàn Viettel"@vi .' in response.text
        assert other.get("/id/org/viettel").status_code == 404
        html = other.get("/data/org/viettel", headers={"accept": "text/html"}).text
        assert '<a href="/data/article/a1"' in html


def test_percent_encoded_paths_reach_unicode_iris() -> None:
    store = ox.Store()
    place = ox.NamedNode(f"{ID}place/hà-nội")
    name = ox.Literal("Hà Nội", language="vi")
    store.add(ox.Quad(place, ox.NamedNode(f"{SKOS}prefLabel"), name, ox.NamedNode(f"{ID}g")))
    with TestClient(create_app(store, base_iri=BASE, ontology_dir=ONTOLOGY_DIR)) as unicode_client:
        response = unicode_client.get("/id/place/h%C3%A0-n%E1%BB%99i", headers={"accept": "application/n-triples"})
        assert response.status_code == 200
        assert response.text == f'<{ID}place/hà-nội> <{SKOS}prefLabel> "Hà Nội"@vi .\n'


def test_a_hash_base_iri_serves_sparql_but_no_paths(store: ox.Store) -> None:
    with TestClient(create_app(store, base_iri="http://127.0.0.1:8000/kg#", ontology_dir=ONTOLOGY_DIR)) as hashed:
        assert hashed.get("/sparql", params={"query": "ASK {}"}).status_code == 200
        assert hashed.get("/kg").status_code == 404


def test_a_failing_evaluation_is_500_with_the_reason(in_process: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise OSError("disk on fire")

    monkeypatch.setattr("dtkg.serve.jobs.serialize", broken)
    response = in_process.get("/sparql", params={"query": ORGS})
    assert response.status_code == 500
    assert response.text == "the query failed: disk on fire\n"


# ---------------------------------------------------------------- ontology


def test_ontology_turtle_is_the_file(client: TestClient) -> None:
    response = client.get("/ontology")
    assert (response.status_code, response.headers["content-type"]) == (200, "text/turtle; charset=utf-8")
    assert response.content == (ONTOLOGY_DIR / "dtkg.ttl").read_bytes()
    assert client.get("/ontology/").content == response.content


def test_ontology_other_formats_hold_the_same_triples(client: TestClient) -> None:
    expected = rdflib.Graph().parse(ONTOLOGY_DIR / "dtkg.ttl")
    for accept, fmt in (
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ):
        response = client.get("/ontology", headers={"accept": accept})
        assert response.headers["content-type"] == accept
        assert rdflib.compare.isomorphic(turtle_graph(response.text, fmt), expected)


def test_ontology_page_documents_every_class_and_property_from_the_file(client: TestClient) -> None:
    page = client.get("/ontology", headers={"accept": "text/html"}).text
    graph = rdflib.Graph().parse(ONTOLOGY_DIR / "dtkg.ttl")
    owl = rdflib.OWL
    terms = (
        set(graph.subjects(rdflib.RDF.type, owl.Class))
        | set(graph.subjects(rdflib.RDF.type, owl.ObjectProperty))
        | set(graph.subjects(rdflib.RDF.type, owl.DatatypeProperty))
    )
    assert terms
    for term in terms:
        anchor = str(term).rsplit("#", 1)[1]
        assert f'id="{anchor}"' in page
        for text in [*graph.objects(term, rdflib.RDFS.label), *graph.objects(term, rdflib.URIRef(f"{SKOS}definition"))]:
            assert str(escape(str(text))) in page, (term, text)


def test_no_ontology_file_is_404(store: ox.Store, tmp_path: Path) -> None:
    with TestClient(create_app(store, base_iri=BASE, ontology_dir=tmp_path)) as bare:
        assert bare.get("/ontology").status_code == 404


# ---------------------------------------------------------------- landing page


def test_landing_page_is_the_overview_with_links(client: TestClient) -> None:
    response = client.get("/")
    assert (response.status_code, response.headers["content-type"]) == (200, "text/html; charset=utf-8")
    page = response.text
    assert 'data-count="agreements"><span class="number">1</span>' in page  # small.trig: one agreement
    assert 'href="/sparql"' in page and 'href="/ontology"' in page and 'href="/query"' in page
    assert client.get("/", headers={"accept": "application/json"}).status_code == 406


def test_the_form_submission_shows_a_results_table(client: TestClient) -> None:
    response = client.post("/sparql", data={"query": ORGS, "format": "html"})
    assert response.status_code == 200
    assert "<th>?org</th><th>?name</th>" in response.text


# ---------------------------------------------------------------- opening sources


def test_open_store_reads_dataset_files(tmp_path: Path, store: ox.Store) -> None:
    nq = tmp_path / "small.nq"
    ox.serialize(store, str(nq), format=ox.RdfFormat.N_QUADS)
    assert len(open_store(nq)) == 30
    assert len(open_store(SMALL)) == 30


def test_open_store_opens_a_store_folder_read_only(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    writable = ox.Store(str(folder))
    writable.bulk_load(path=str(SMALL), format=ox.RdfFormat.TRIG)
    writable.flush()
    del writable
    opened = open_store(folder)
    assert len(opened) == 30
    with TestClient(create_app(opened, base_iri=BASE, ontology_dir=ONTOLOGY_DIR)) as on_disk:
        assert bindings(on_disk.get("/sparql", params={"query": COUNT})) == [{"n": "30"}]


def test_open_store_errors_name_the_path(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no-such.nq"):
        open_store(tmp_path / "no-such.nq")
    with pytest.raises(ServeError, match=str(tmp_path)):
        open_store(tmp_path)
    odd = tmp_path / "data.xyz"
    odd.write_text("x")
    with pytest.raises(UsageError, match="data.xyz"):
        open_store(odd)


def test_a_bad_base_iri_is_a_usage_error(store: ox.Store) -> None:
    with pytest.raises(UsageError):
        create_app(store, base_iri="ftp://example.org/")


# ---------------------------------------------------------------- content negotiation (properties)

OFFERED = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/html"]
RANGES = OFFERED + ["*/*", "text/*", "application/*", "image/png", "application/json", "text/plain"]


@given(st.text())
def test_negotiate_never_raises_and_answers_from_the_offer(header: str) -> None:
    chosen = negotiate(header, OFFERED)
    assert chosen is None or chosen in OFFERED
    parse_accept(header)


def _oracle(entries: list[tuple[str, int]], offered: list[str]) -> str | None:
    """The expected choice: per offer, the q of the most specific matching range (max among equals)."""

    def q_for(media_type: str) -> float:
        best: tuple[int, float] = (-1, 0.0)
        for media_range, q in entries:
            kind, sub = media_range.split("/")
            if media_range == "*/*":
                spec = 0
            elif sub == "*" and media_type.startswith(kind + "/"):
                spec = 1
            elif media_range == media_type:
                spec = 2
            else:
                continue
            if spec > best[0]:
                best = (spec, q / 1000)
            elif spec == best[0]:
                best = (spec, max(best[1], q / 1000))
        return best[1]

    scores = [q_for(m) for m in offered]
    top = max(scores)
    return offered[scores.index(top)] if top > 0 else None


@given(
    st.lists(st.tuples(st.sampled_from(RANGES), st.integers(0, 1000)), min_size=1, max_size=8),
    st.permutations(OFFERED),
    st.sampled_from([",", ", ", " ,\t"]),
)
def test_negotiate_picks_the_highest_q_and_breaks_ties_by_our_order(
    entries: list[tuple[str, int]], offered: list[str], separator: str
) -> None:
    header = separator.join(f"{m};q={q / 1000:.3f}" if q != 1000 else m for m, q in entries)
    assert negotiate(header, offered) == _oracle(entries, offered)


@given(st.permutations(OFFERED))
def test_negotiate_without_accept_takes_our_first_choice(offered: list[str]) -> None:
    assert negotiate(None, offered) == offered[0]
    assert negotiate("", offered) == offered[0]
    assert negotiate("garbage", offered) == offered[0]


def test_negotiate_examples() -> None:
    assert (
        negotiate("text/html;level=1;q=0.2, text/*;q=0.7, */*;q=0.1", ["text/html", "text/csv", "image/png"])
        == "text/csv"
    )
    assert negotiate("TEXT/CSV", ["text/html", "text/csv"]) == "text/csv"
    assert negotiate("text/csv;q=0", ["text/csv"]) is None
    assert negotiate("text/csv;q=abc, text/html;q=0.1", ["text/csv", "text/html"]) == "text/html"


# ---------------------------------------------------------------- a real server


@contextmanager
def real_server(store: ox.Store) -> Iterator[str]:
    """uvicorn serving the app on a free loopback port in a thread; yields its base URL."""
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(
        uvicorn.Config(create_app(store, base_iri=BASE, ontology_dir=ONTOLOGY_DIR), log_level="warning")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.mark.server
def test_real_server_answers_sparqlwrapper(store: ox.Store) -> None:
    with real_server(store) as url:
        client = SPARQLWrapper(f"{url}/sparql")
        client.setQuery(ORGS)
        client.setReturnFormat(JSON)
        rows = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
        assert [(r["org"]["value"], r["name"]["value"]) for r in rows] == [
            (f"{ID}org/viettel", "Tập đoàn Viettel"),
            (f"{ID}org/vnpt", "VNPT"),
        ]

        client.setMethod("POST")
        client.setQuery(f"ASK {{ <{ID}place/nam-dinh> ?p ?o }}")
        assert client.queryAndConvert()["boolean"] is True  # type: ignore[index]

        client.setQuery(f"CONSTRUCT {{ <{ID}org/vnpt> ?p ?o }} WHERE {{ <{ID}org/vnpt> ?p ?o }}")
        client.setReturnFormat("turtle")
        graph = rdflib.Graph().parse(data=client.queryAndConvert(), format="turtle")  # type: ignore[arg-type]
        assert len(graph) == 2

        client.setQuery("CLEAR ALL")
        client.setMethod("POST")
        client.setReturnFormat(JSON)
        with pytest.raises(urllib.error.HTTPError) as refused:
            client.query()
        assert refused.value.code == 403
        direct = httpx.post(
            f"{url}/sparql", content=b"CLEAR ALL", headers={"content-type": "application/sparql-update"}
        )
        assert direct.status_code == 403
        page = httpx.get(f"{url}/id/org/vnpt", headers={"accept": "text/turtle"})
        assert page.status_code == 200 and f"{ID}org/vnpt" in page.text


@pytest.mark.server
@pytest.mark.slow
def test_run_serves_a_dataset_file_in_a_subprocess(tmp_path: Path) -> None:
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    sock.close()
    code = (
        "import sys; from pathlib import Path; from dtkg.serve import run; "
        "run(Path(sys.argv[1]), port=int(sys.argv[2]), base_iri=sys.argv[3])"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    log = (tmp_path / "serve.log").open("wb")
    dataset = tmp_path / SMALL.name
    shutil.copy(SMALL, dataset)
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(dataset), str(port), BASE], stdout=log, stderr=subprocess.STDOUT, env=env
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": COUNT})
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "dtkg serve did not start"
                time.sleep(0.1)
        assert bindings(response) == [{"n": "30"}]
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
    assert "dtkg serving" in (tmp_path / "serve.log").read_text()


def test_run_reports_a_busy_port_as_serve_error() -> None:
    sock = bind("127.0.0.1", 0)
    try:
        with pytest.raises(ServeError, match="cannot listen"):
            run(SMALL, port=sock.getsockname()[1], base_iri=BASE)
    finally:
        sock.close()
