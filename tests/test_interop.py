"""Real clients against a real ``dtkg serve``: rdflib, SPARQLWrapper and Comunica.

The sample dataset is served by ``dtkg serve`` in its own process on a free loopback port,
with its base IRI moved to that port, so that the data IRIs are real, dereferenceable URLs
(``http://127.0.0.1:<port>/id/org/vnpt``), as they are for users of ``make run``.
"""

from __future__ import annotations

import csv
import io
import json
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
