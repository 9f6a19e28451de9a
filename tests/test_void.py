"""The Graph Store Protocol's read side, the VoID/DCAT description and the dumps, on the samples.

Every expected number is counted here from the store with SPARQL or quad patterns, not with
the server's code.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from conftest import BASE
from dtkg.pipeline import BuildReport
from dtkg.serve import create_app
from dtkg.serve.artefacts import root_for, version
from dtkg.serve.diskstore import disk_store
from dtkg.serve.stats import count_distinct
from dtkg.settings import ServeSettings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NT = "application/n-triples"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
DCTERMS = "http://purl.org/dc/terms/"
DATASET = "http://testserver/.well-known/void#dataset"


@pytest.fixture(scope="module")
def client(sample_store: ox.Store) -> Iterator[TestClient]:
    with TestClient(create_app(sample_store, base_iri=BASE)) as test_client:
        yield test_client


def select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    results = store.query(query)
    assert isinstance(results, ox.QuerySolutions)
    return [tuple(str(term.value) for term in row) for row in results]


def ready_void(client: TestClient, accept: str = NT) -> str:
    """The VoID description once its statistics are made (the first request starts them)."""
    for _ in range(300):
        response = client.get("/.well-known/void", headers={"accept": accept})
        assert response.status_code == 200
        if "cache-control" not in response.headers:
            return response.text
        time.sleep(0.1)
    raise AssertionError("the statistics were not made within 30 s")


def void_store(text: str) -> ox.Store:
    store = ox.Store()
    store.load(text.encode(), format=ox.RdfFormat.N_TRIPLES)
    return store


# ---------------------------------------------------------------- Graph Store Protocol, read side


def graph_triples(store: ox.Store, iri: str) -> set[ox.Triple]:
    return {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))}


def parsed(body: bytes, fmt: ox.RdfFormat) -> list[ox.Quad]:
    return list(ox.parse(body, format=fmt))


@pytest.mark.parametrize("graph", ["graph/meta", "graph/reference", "graph/article/001-vnpt-quang-tri"])
def test_gsp_get_gives_exactly_the_graphs_triples(client: TestClient, sample_store: ox.Store, graph: str) -> None:
    iri = BASE + graph
    response = client.get("/store", params={"graph": iri}, headers={"accept": NT})
    assert (response.status_code, response.headers["content-type"]) == (200, NT)
    triples = [q.triple for q in parsed(response.content, ox.RdfFormat.N_TRIPLES)]
    assert len(triples) == len(set(triples)) and set(triples) == graph_triples(sample_store, iri)
    nquads = client.get("/store", params={"graph": iri}, headers={"accept": "application/n-quads"})
    quads = parsed(nquads.content, ox.RdfFormat.N_QUADS)
    assert all(isinstance(q.graph_name, ox.DefaultGraph) for q in quads)  # a graph is sent as a graph
    assert {q.triple for q in quads} == graph_triples(sample_store, iri)
    turtle = client.get("/store", params={"graph": iri})
    assert turtle.headers["content-type"] == "text/turtle; charset=utf-8"
    assert {q.triple for q in parsed(turtle.content, ox.RdfFormat.TURTLE)} == graph_triples(sample_store, iri)


def test_gsp_default_graph_and_whole_store(client: TestClient, sample_store: ox.Store) -> None:
    default = client.get("/store?default", headers={"accept": NT})
    assert (default.status_code, default.content) == (200, b"")  # a dtkg dataset keeps everything in named graphs
    whole = client.get("/store", headers={"accept": "application/n-quads"})
    assert whole.status_code == 200
    assert set(parsed(whole.content, ox.RdfFormat.N_QUADS)) == set(sample_store)
    assert client.get("/store", headers={"accept": "text/turtle"}).status_code == 406


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("graph=http://example.org/none", 404, "no graph <http://example.org/none>"),
        ("graph=relative", 400, "absolute IRI"),
        (f"graph={BASE}graph/meta&default", 400, "not both"),
        ("graph=http://a/1&graph=http://a/2", 400, "not several"),
    ],
)
def test_gsp_bad_requests(client: TestClient, query: str, status: int, words: str) -> None:
    response = client.get(f"/store?{query}")
    assert (response.status_code, response.headers["content-type"]) == (status, "text/plain; charset=utf-8")
    assert words in response.text


def test_gsp_head(client: TestClient) -> None:
    found = client.head("/store", params={"graph": BASE + "graph/meta"}, headers={"accept": "text/turtle"})
    assert (found.status_code, found.headers["content-type"], found.content) == (
        200, "text/turtle; charset=utf-8", b"")
    assert client.head("/store", params={"graph": "http://example.org/none"}).status_code == 404


def test_writes_are_refused_without_an_update_token(client: TestClient) -> None:
    for method in ("PUT", "POST", "DELETE"):
        response = client.request(method, "/store?default", content=b"", headers={"content-type": "text/turtle"})
        assert response.status_code == 405, method
        assert response.headers["allow"] == "GET, HEAD"
        assert "DTKG_UPDATE_TOKEN" in response.text


# ---------------------------------------------------------------- VoID and DCAT


def test_void_counts_what_the_store_holds(client: TestClient, sample_store: ox.Store) -> None:
    void = void_store(ready_void(client))

    def one(predicate: str) -> str:
        values = [str(q.object.value) for q in void.quads_for_pattern(ox.NamedNode(DATASET), ox.NamedNode(predicate), None)]
        assert len(values) == 1, predicate
        return values[0]

    classes = select(sample_store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { GRAPH ?g { ?s a ?c } } GROUP BY ?c")
    properties = select(sample_store, "SELECT ?p (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p")
    entities = select(sample_store, "SELECT (COUNT(DISTINCT ?s) AS ?n) { GRAPH ?g { ?s a ?c } }")[0][0]
    assert int(one(VOID + "triples")) == len(sample_store)
    assert one(VOID + "entities") == entities
    assert int(one(VOID + "classes")) == len(classes) > 20
    assert int(one(VOID + "properties")) == len(properties) > 50
    assert one(VOID + "sparqlEndpoint") == "http://testserver/sparql"
    assert one(VOID + "uriSpace") == BASE
    partitions = select(void, f"SELECT ?c ?n {{ <{DATASET}> <{VOID}classPartition> [ <{VOID}class> ?c ; <{VOID}entities> ?n ] }}")
    assert sorted(partitions) == sorted(classes)
    partitions = select(void, f"SELECT ?p ?n {{ <{DATASET}> <{VOID}propertyPartition> [ <{VOID}property> ?p ; <{VOID}triples> ?n ] }}")
    assert sorted(partitions) == sorted(properties)
    vocabularies = {row[0] for row in select(void, f"SELECT ?v {{ <{DATASET}> <{VOID}vocabulary> ?v }}")}
    assert {"https://schema.org/", "https://w3id.org/dtkg/ontology#", "http://www.w3.org/ns/oa#"} <= vocabularies
    subsets = select(void, f"SELECT ?g ?n {{ <{DATASET}> <{VOID}subset> [ <http://www.w3.org/ns/sparql-service-description#name> ?g ; <{VOID}triples> ?n ] }}")
    assert sorted(subsets) == sorted(
        (BASE + g, str(len(graph_triples(sample_store, BASE + g)))) for g in ("graph/meta", "graph/reference")
    )


def test_void_says_who_built_it_when_with_which_dtkg_and_under_what_rights(
    client: TestClient, sample_store: ox.Store
) -> None:
    void = void_store(ready_void(client))
    built = select(sample_store, "SELECT DISTINCT ?v { GRAPH ?g { ?a <https://w3id.org/dtkg/ontology#builtWith> ?v } }")
    agents = select(void, "SELECT ?l { ?build <http://www.w3.org/ns/prov#wasAssociatedWith> [ <http://www.w3.org/2000/01/rdf-schema#label> ?l ] }")
    assert sorted(agents) == sorted(built) and len(built) == 1
    assert select(void, f"SELECT ?d {{ ?s <{DCAT}servesDataset> <{DATASET}> ; <{DCTERMS}description> ?d }}") == [
        ("dtkg 0.1.0",)]
    ended = next(void.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/ns/prov#endedAtTime"), None))
    assert ended.object.datatype == ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")  # type: ignore[union-attr]
    rights = {q.object.language for q in void.quads_for_pattern(ox.NamedNode(DATASET), ox.NamedNode(DCTERMS + "rights"), None)}  # type: ignore[union-attr]
    assert rights == {"vi", "en"}
    assert not list(void.quads_for_pattern(ox.NamedNode(DATASET), ox.NamedNode(DCTERMS + "license"), None))


def test_a_licence_given_to_the_server_is_the_datasets(sample_store: ox.Store) -> None:
    licence = "https://creativecommons.org/licenses/by/4.0/"
    with TestClient(create_app(sample_store, base_iri=BASE, settings=ServeSettings(license=licence))) as licensed:
        void = void_store(licensed.get("/.well-known/void", headers={"accept": NT}).text)
    assert [str(q.object.value) for q in void.quads_for_pattern(ox.NamedNode(DATASET), ox.NamedNode(DCTERMS + "license"), None)] == [licence]
    assert not list(void.quads_for_pattern(ox.NamedNode(DATASET), ox.NamedNode(DCTERMS + "rights"), None))


@pytest.mark.parametrize(
    ("accept", "media_type", "parser"),
    [("text/turtle", "text/turtle; charset=utf-8", "turtle"), ("application/ld+json", "application/ld+json", "json-ld"),
     ("application/rdf+xml", "application/rdf+xml", "xml"), ("text/plain", "text/plain; charset=utf-8", "nt")],
)
def test_void_is_negotiated(client: TestClient, accept: str, media_type: str, parser: str) -> None:
    expected = rdflib.Graph().parse(data=ready_void(client), format="nt")
    response = client.get("/.well-known/void", headers={"accept": accept})
    assert (response.status_code, response.headers["content-type"]) == (200, media_type)
    assert rdflib.compare.isomorphic(rdflib.Graph().parse(data=response.content, format=parser), expected)
    assert client.get("/.well-known/void", headers={"accept": "text/csv"}).status_code == 406


def test_dumps_are_what_the_description_says_and_hold_the_data(client: TestClient, sample_store: ox.Store) -> None:
    void = void_store(ready_void(client))
    rows = select(void, f"""SELECT ?url ?bytes ?sha ?media {{ <{DATASET}> <{DCAT}distribution> ?d .
        ?d <{DCAT}downloadURL> ?url ; <{DCAT}byteSize> ?bytes ; <{DCAT}mediaType> ?media ;
           <{SPDX}checksum> [ <{SPDX}checksumValue> ?sha ] }}""")
    assert len(rows) == 2
    bodies = {}
    for url, size, sha, media in rows:
        response = client.get(url)
        assert response.status_code == 200
        assert (len(response.content), hashlib.sha256(response.content).hexdigest()) == (int(size), sha)
        bodies[media.rsplit("/", 1)[-1]] = response.content
    quads = list(ox.parse(gzip.decompress(bodies["n-quads"]), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == len(sample_store) and set(quads) == set(sample_store)
    with zipfile.ZipFile(io.BytesIO(bodies["turtle"])) as packed:
        index = [line.split("\t") for line in packed.read("index.tsv").decode().splitlines()[1:]]
        assert sorted(g for _, g in index) == sorted(g.value for g in sample_store.named_graphs())  # type: ignore[union-attr]
        for name, graph in index:
            triples = {q.triple for q in ox.parse(packed.read(name), format=ox.RdfFormat.TURTLE)}
            assert triples == graph_triples(sample_store, graph), name
    assert "graph/article/001-vnpt-quang-tri.ttl" in dict(index)
    missing = client.get("/dumps/nothing.zip")
    assert missing.status_code == 404 and "dtkg.nq.gz" in missing.text


# ---------------------------------------------------------------- counted once, kept beside the store


@pytest.mark.slow
def test_statistics_are_made_once_per_dataset_and_kept_beside_the_store(
    samples: BuildReport, tmp_path: Path
) -> None:
    dataset = tmp_path / "kg.nq"
    shutil.copy(samples.output, dataset)
    folder = disk_store(dataset)
    key = version(folder)
    manifest = root_for(folder) / key / "manifest.json"
    assert root_for(folder) == tmp_path / ".dtkg-serve" / "kg.nq" / "void"
    app = create_app(folder, base_iri=BASE, settings=ServeSettings(query_workers=1))
    with TestClient(app) as first:  # made on the first request, in a process of its own
        text = ready_void(first)
    assert manifest.is_file()
    made = manifest.stat().st_mtime_ns
    with TestClient(create_app(folder, base_iri=BASE, settings=ServeSettings(query_workers=1))) as second:
        response = second.get("/.well-known/void", headers={"accept": NT})
        assert "cache-control" not in response.headers  # ready at once: read from beside the store
        again = rdflib.Graph().parse(data=response.text, format="nt")
        assert rdflib.compare.isomorphic(again, rdflib.Graph().parse(data=text, format="nt"))
    assert manifest.stat().st_mtime_ns == made
    assert version(folder) == key  # reading the store does not change it


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.integers(0, 50), max_size=400),
       st.integers(min_value=1, max_value=64))
def test_count_distinct_counts_exactly_whatever_the_run_size(values: list[int], run: int) -> None:
    assert count_distinct(values, run=run) == len(set(values))
