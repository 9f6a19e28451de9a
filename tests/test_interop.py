"""Real clients against a real ``dtkg serve``: rdflib, SPARQLWrapper and Comunica.

The sample dataset is served by ``dtkg serve`` in its own process on a free loopback port,
with its base IRI moved to that port, so that the data IRIs are real, dereferenceable URLs
(``http://127.0.0.1:<port>/id/org/vnpt``), as they are for users of ``make run``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDF, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from conftest import BASE
from dtkg.pipeline import BuildReport
from servers import LOOPBACK, free_port, running

pytestmark = [pytest.mark.server, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


@dataclass(frozen=True)
class Live:
    """A running ``dtkg serve``: its URL, its base IRI and the store it serves (for the expected answers)."""

    url: str
    base: str
    store: ox.Store

    def description(self, local: str) -> set[ox.Triple]:
        """The triples of the description of ``base + local`` (outbound and inbound; no hash IRIs there)."""
        node = ox.NamedNode(self.base + local)
        quads = list(self.store.quads_for_pattern(node, None, None, None))
        quads += self.store.quads_for_pattern(None, None, node, None)
        return {q.triple for q in quads}


def moved_dataset(source: Path, folder: Path, base: str) -> Path:
    """The samples with their base IRI moved to ``base``."""
    target = folder / "kg.nq"
    target.write_text(source.read_text(encoding="utf-8").replace(BASE, base), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def live(samples: BuildReport, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    for attempt in range(3):
        port = free_port()
        base = f"http://{LOOPBACK}:{port}/id/"
        folder = tmp_path_factory.mktemp("live")
        dataset = moved_dataset(samples.output, folder, base)
        argv = [sys.executable, "-m", "dtkg", "serve", str(dataset), "--host", LOOPBACK, "--port", str(port),
                "--base", base]
        try:
            server = running(argv, probe_url=f"http://{LOOPBACK}:{port}/sparql", log=folder / "serve.log")
            server.__enter__()
        except RuntimeError:
            if attempt == 2:
                raise
            continue
        store = ox.Store()
        store.bulk_load(path=str(dataset), format=ox.RdfFormat.N_QUADS)
        try:
            yield Live(url=f"http://{LOOPBACK}:{port}", base=base, store=store)
        finally:
            server.__exit__(None, None, None)
        return


def rdflib_triples(graph: rdflib.Graph) -> set[ox.Triple]:
    """rdflib's triples as pyoxigraph triples (through N-Triples), to compare with the store's."""
    return {q.triple for q in ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)}


# ---------------------------------------------------------------- rdflib


# rdflib asks each of these formats by its own Accept header, except N-Quads: for format="nquads" it
# sends the list of every media type it reads, all equal, so gets our first choice (Turtle) and fails
# to read it as N-Quads; N-Quads is read from the .nq document IRI below.
@pytest.mark.parametrize("fmt", [None, "turtle", "nt", "xml", "json-ld", "trig"])
def test_rdflib_parses_an_entity_iri_in_every_format(live: Live, fmt: str | None) -> None:
    iri = live.base + "org/viettel"
    graph = rdflib.Graph().parse(iri, format=fmt)
    assert rdflib_triples(graph) == live.description("org/viettel")
    assert len(graph) == len(live.description("org/viettel")) > 10


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".rdf", ".jsonld", ".nq", ".trig"])
def test_rdflib_parses_every_document_iri_by_its_content_type(live: Live, suffix: str) -> None:
    graph = rdflib.Graph().parse(live.base + "place/quang-tri" + suffix)
    assert rdflib_triples(graph) == live.description("place/quang-tri")


@pytest.mark.parametrize(("suffix", "fmt"), [(".nq", "nquads"), ("", "trig"), ("", "json-ld")])
def test_rdflib_datasets_keep_the_graph_names(live: Live, suffix: str, fmt: str) -> None:
    node = ox.NamedNode(live.base + "org/viettel")
    expected = {q for q in live.store.quads_for_pattern(node, None, None, None)}
    expected |= set(live.store.quads_for_pattern(None, None, node, None))
    dataset = rdflib.Dataset().parse(live.base + "org/viettel" + suffix, format=fmt)
    graphs = {str(g) for _, _, _, g in dataset.quads() if g != rdflib.graph.DATASET_DEFAULT_GRAPH_ID}
    assert graphs == {q.graph_name.value for q in expected if isinstance(q.graph_name, ox.NamedNode)}
    assert len(list(dataset.quads())) == len({q.triple for q in expected}) + len(expected)


def test_rdflib_follows_a_span_document_to_its_hash_iris(live: Live) -> None:
    span = next(
        q.subject.value for q in live.store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/ns/oa#hasSelector"), None)
    )
    graph = rdflib.Graph().parse(span + "#position")  # urllib drops the fragment, as HTTP does
    assert (rdflib.URIRef(span + "#position"), rdflib.RDF.type, None) in graph
    assert (rdflib.URIRef(span + "#quote"), rdflib.URIRef("http://www.w3.org/ns/oa#exact"), None) in graph


def test_rdflib_reads_a_graph_iri_as_the_graph(live: Live) -> None:
    graph_iri = live.base + "graph/article/001-vnpt-quang-tri"
    graph = rdflib.Graph().parse(graph_iri, format="nt")
    expected = {q.triple for q in live.store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri))}
    assert rdflib_triples(graph) == expected


# ---------------------------------------------------------------- SPARQLWrapper


def wrapper(live: Live, query: str, fmt: str, method: str) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{live.url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [(JSON, "application/sparql-results+json"), (XML, "application/sparql-results+xml"), (CSV, "text/csv"),
     (TSV, "text/tab-separated-values")],
)
def test_sparqlwrapper_select_in_every_results_format(live: Live, method: str, fmt: str, media_type: str) -> None:
    query = f"SELECT ?p ?o WHERE {{ <{live.base}org/viettel> ?p ?o }}"
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # SPARQLWrapper warns when the answer is not what it asked
        result = wrapper(live, query, fmt, method).query()
        assert result.info()["content-type"].split(";")[0] == media_type
        converted = result.convert()
    subject = ox.NamedNode(live.base + "org/viettel")
    expected = {(q.predicate, q.object) for q in live.store.quads_for_pattern(subject, None, None)}
    if fmt == CSV:  # CSV loses term kinds: compare the values
        lines = list(csv.reader(io.StringIO(converted.decode())))  # type: ignore[union-attr]
        assert lines[0] == ["p", "o"]
        assert {tuple(line) for line in lines[1:]} == {(p.value, o.value) for p, o in expected}
        return
    if fmt == JSON:
        data = json.dumps(converted).encode()
    elif fmt == XML:
        data = converted.toxml("utf-8")  # type: ignore[union-attr]
    else:
        data = converted  # type: ignore[assignment]
    parsed = ox.parse_query_results(data, format=ox.QueryResultsFormat.from_media_type(media_type))
    assert {(row["p"], row["o"]) for row in parsed} == expected  # type: ignore[union-attr, index]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(live: Live, method: str, fmt: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yes = wrapper(live, f"ASK {{ <{live.base}org/viettel> ?p ?o }}", fmt, method).queryAndConvert()
        no = wrapper(live, f"ASK {{ <{live.base}org/atlantis> ?p ?o }}", fmt, method).queryAndConvert()
    if fmt == JSON:
        assert (yes["boolean"], no["boolean"]) == (True, False)  # type: ignore[index]
    else:
        answers = [ox.parse_query_results(x.toxml("utf-8"), format=ox.QueryResultsFormat.XML) for x in (yes, no)]
        assert [bool(a) for a in answers] == [True, False]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [(TURTLE, "text/turtle"), (N3, "text/turtle"), (XML, "application/rdf+xml"), (RDFXML, "application/rdf+xml"),
     (RDF, "application/rdf+xml"), (JSONLD, "application/ld+json"), (JSON, "application/ld+json")],
)
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_sparqlwrapper_graph_results_in_every_rdf_format(
    live: Live, method: str, fmt: str, media_type: str, form: str
) -> None:
    iri = f"<{live.base}org/viettel>"
    query = f"CONSTRUCT {{ {iri} ?p ?o }} WHERE {{ {iri} ?p ?o }}" if form == "CONSTRUCT" else f"DESCRIBE {iri}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SPARQLWrapper warns that it sends */* for RDF and JSON
        result = wrapper(live, query, fmt, method).query()
        assert result.info()["content-type"].split(";")[0] == media_type
        converted = result.convert()
    graph = converted if isinstance(converted, rdflib.Graph) else rdflib.Graph().parse(
        data=converted, format={"text/turtle": "turtle", "application/ld+json": "json-ld"}[media_type]
    )
    expected = {q.triple for q in live.store.quads_for_pattern(ox.NamedNode(live.base + "org/viettel"), None, None)}
    assert rdflib_triples(graph) == expected


# ---------------------------------------------------------------- Comunica


CLIENTS = Path(__file__).resolve().parents[1] / ".ci" / "comunica"
SKIP_COMUNICA = "DTKG_SKIP_COMUNICA"


@pytest.fixture(scope="module")
def comunica() -> Path:
    """comunica-sparql, as `make comunica` (and .ci/run) installs it; missing, the tests fail unless
    DTKG_SKIP_COMUNICA is set (for a machine without Node.js)."""
    binary = Path(os.environ.get("DTKG_COMUNICA") or CLIENTS / "node_modules" / ".bin" / "comunica-sparql")
    if binary.is_file() and shutil.which("node"):
        return binary
    reason = (f"Comunica is not installed at {binary} (fix: `make comunica`, which runs npm ci in .ci/comunica; "
              f"Node.js and npm are needed) — set {SKIP_COMUNICA}=1 to skip these tests on this machine")
    if os.environ.get(SKIP_COMUNICA):
        pytest.skip(reason)
    pytest.fail(reason)


def comunica_rows(binary: Path, sources: list[str], query: str) -> list[dict[str, ox.NamedNode | ox.Literal]]:
    """The rows Comunica finds for ``query`` over ``sources``, read back from its SPARQL JSON results."""
    done = subprocess.run([str(binary), *sources, query, "-t", "application/sparql-results+json"],
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    data = json.loads(done.stdout)
    data.pop("metadata", None)  # Comunica's own addition (HTTP requests made)
    results = ox.parse_query_results(json.dumps(data).encode(), format=ox.QueryResultsFormat.JSON)
    return [{v.value: row[v] for v in results.variables if row[v] is not None} for row in results]  # type: ignore[union-attr]


def test_comunica_gets_an_entitys_statements_with_its_iri_as_source(live: Live, comunica: Path) -> None:
    iri = live.base + "org/viettel"
    rows = comunica_rows(comunica, [iri], f"SELECT ?p ?o {{ <{iri}> ?p ?o }}")
    expected = {(q.predicate, q.object) for q in live.store.quads_for_pattern(ox.NamedNode(iri), None, None)}
    assert len(rows) == len(expected) > 10
    assert {(r["p"], r["o"]) for r in rows} == expected


def test_comunica_joins_across_entity_iris_it_is_given_as_sources(live: Live, comunica: Path) -> None:
    party = ox.NamedNode("https://w3id.org/dtkg/ontology#party")
    agreement = next(q.subject for q in live.store.quads_for_pattern(None, party, None))
    parties = sorted({q.object for q in live.store.quads_for_pattern(agreement, party, None)}, key=str)
    assert len(parties) >= 2
    first, second = parties[:2]
    query = f"SELECT DISTINCT ?agreement {{ ?agreement <{party.value}> <{first.value}> , <{second.value}> }}"
    rows = comunica_rows(comunica, [first.value, second.value], query)  # inbound links come with each description
    expected = {
        q.subject for q in live.store.quads_for_pattern(None, party, first)
        if next(live.store.quads_for_pattern(q.subject, party, second), None) is not None
    }
    assert {r["agreement"] for r in rows} == expected and agreement in expected


def test_comunica_reads_a_graph_iri_and_a_document_iri(live: Live, comunica: Path) -> None:
    graph = live.base + "graph/meta"
    rows = comunica_rows(comunica, [graph], "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert int(rows[0]["n"].value) == len(list(live.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))))
    document = live.base + "place/quang-tri.jsonld"
    rows = comunica_rows(comunica, [document], "SELECT ?s ?p ?o { ?s ?p ?o }")
    assert {(r["s"], r["p"], r["o"]) for r in rows} == {
        (t.subject, t.predicate, t.object) for t in live.description("place/quang-tri")}


@pytest.mark.parametrize("source", ["{url}/sparql", "sparql@{url}/sparql"])
def test_comunica_queries_the_sparql_endpoint(live: Live, comunica: Path, source: str) -> None:
    """A competency query through Comunica (which finds the endpoint from its service description, or is told)
    gives the rows pyoxigraph gives over the same data."""
    query = (Path(__file__).resolve().parents[1] / "ontology" / "cq" / "agreements.rq").read_text(encoding="utf-8")
    rows = comunica_rows(comunica, [source.format(url=live.url)], query)
    results = live.store.query(query, use_default_graph_as_union=True)
    assert isinstance(results, ox.QuerySolutions)
    variables = [v.value for v in results.variables]
    expected = [{v: row[v] for v in variables if row[v] is not None} for row in results]
    assert len(rows) == len(expected) > 3
    key = lambda r: sorted((k, str(v)) for k, v in r.items())  # noqa: E731
    assert sorted(map(key, rows)) == sorted(map(key, expected))
