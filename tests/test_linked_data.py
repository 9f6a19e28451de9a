"""Linked data as docs/iri-policy.md promises it: every IRI of the sample dataset dereferences,
documents in every format hold the same triples, hash IRIs come with their document, graph IRIs
give their graph in pages, and the ``format`` parameter takes the lists SPARQL clients send.

The expected triples are computed here from the store, independently of the server's code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
import pytest
import rdflib
from starlette.testclient import TestClient

from conftest import BASE
from dtkg.iris import CONCEPTS
from dtkg.serve import create_app
from dtkg.settings import ServeSettings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NT = "application/n-triples"
RDF_FORMATS = {  # suffix → (media type sent, rdflib parser, carries graph names)
    ".ttl": ("text/turtle; charset=utf-8", "turtle", False),
    ".nt": (NT, "nt", False),
    ".rdf": ("application/rdf+xml", "xml", False),
    ".jsonld": ("application/ld+json", "json-ld", True),
    ".nq": ("application/n-quads", "nquads", True),
    ".trig": ("application/trig", "trig", True),
}
Triple = tuple[str, str, str]
PAGE = 40  # statements per page in the paged tests


@dataclass
class Index:
    """The sample store's quads by subject, object and graph, and its hash IRIs by document."""

    store: ox.Store
    by_subject: dict[str, set[ox.Quad]] = field(default_factory=lambda: defaultdict(set))
    by_object: dict[str, set[ox.Quad]] = field(default_factory=lambda: defaultdict(set))
    by_graph: dict[str, set[ox.Quad]] = field(default_factory=lambda: defaultdict(set))
    fragments: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def __post_init__(self) -> None:
        for quad in self.store:
            for term, index in ((quad.subject, self.by_subject), (quad.object, self.by_object)):
                if isinstance(term, ox.NamedNode):
                    index[term.value].add(quad)
                    if "#" in term.value:
                        self.fragments[term.value.split("#")[0]].add(term.value)
            if isinstance(quad.graph_name, ox.NamedNode):
                self.by_graph[quad.graph_name.value].add(quad)

    def iris(self) -> set[str]:
        return set(self.by_subject) | set(self.by_object) | set(self.by_graph)

    def expected(self, iri: str) -> set[ox.Quad]:
        """A graph's quads; else what has ``iri`` as subject or object, and what its hash IRIs have as subject."""
        if iri in self.by_graph:
            return self.by_graph[iri]
        quads = self.by_subject[iri] | self.by_object[iri]
        for fragment in self.fragments[iri]:
            quads |= self.by_subject[fragment]
        return quads


@pytest.fixture(scope="module")
def index(sample_store: ox.Store) -> Index:
    return Index(sample_store)


@pytest.fixture(scope="module")
def client(sample_store: ox.Store) -> Iterator[TestClient]:
    with TestClient(create_app(sample_store, base_iri=BASE)) as test_client:
        yield test_client


def path_of(iri: str) -> str:
    if iri.startswith(CONCEPTS):
        return "/concept/" + iri[len(CONCEPTS) :]
    assert iri.startswith(BASE)
    return "/id/" + iri[len(BASE) :]


def triples_of(text: str, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> list[Triple]:
    """Every triple of a document's default graph, as text (duplicates kept)."""
    return [
        (str(q.subject), str(q.predicate), str(q.object))
        for q in ox.parse(text.encode(), format=fmt)
        if isinstance(q.graph_name, ox.DefaultGraph)
    ]


def as_text(quads: set[ox.Quad]) -> set[Triple]:
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in quads}


# ---------------------------------------------------------------- every IRI


def test_every_iri_of_the_dataset_dereferences_to_its_description(client: TestClient, index: Index) -> None:
    """Each data and concept IRI (a hash IRI through its document) answers 200 with exactly its
    description: graphs their quads, everything else its outbound and inbound statements."""
    ours = sorted(i for i in index.iris() if i.startswith((BASE, CONCEPTS)))
    documents = sorted({i.split("#")[0] for i in ours})
    kinds = {re.sub(r"^(graph/\w+|\w+).*", r"\1", i[len(BASE) :]) for i in ours if i.startswith(BASE)}
    assert {"article", "org", "place", "graph/article", "graph/meta", "graph/reference"} <= kinds
    assert len(documents) < len(ours)  # hash IRIs are among them, reached through their document
    checked = 0
    for iri in documents:
        response = client.get(path_of(iri), headers={"accept": NT})
        assert (response.status_code, response.headers["content-type"]) == (200, NT), iri
        triples = triples_of(response.text)
        assert len(triples) == len(set(triples)), iri  # each triple once
        assert set(triples) == as_text(index.expected(iri)), iri
        fragments = {t[0] for t in triples if t[0].startswith(f"<{iri}#")}
        assert fragments == {f"<{f}>" for f in index.fragments[iri] if index.by_subject[f]}, iri
        checked += 1
    assert checked == len(documents) > 500


def test_ontology_terms_are_hash_iris_of_the_ontology_document(client: TestClient, index: Index) -> None:
    terms = {i for i in index.by_subject if i.startswith("https://w3id.org/dtkg/ontology#")}
    response = client.get("/ontology", headers={"accept": NT})
    assert response.status_code == 200
    subjects = {t[0][1:-1] for t in triples_of(response.text)}
    assert len(terms) > 20 and terms <= subjects


def test_hash_iris_come_with_their_document(client: TestClient, index: Index) -> None:
    span = next(i for i in sorted(index.fragments) if "/text/" in i)
    response = client.get(path_of(span), headers={"accept": NT})
    subjects = {t[0] for t in triples_of(response.text)}
    assert {f"<{span}#position>", f"<{span}#quote>"} <= subjects
    assert client.get(path_of(span) + "%23position").status_code == 200  # the old way still answers


# ---------------------------------------------------------------- formats


SAMPLES = ("org/viettel", "article/001-vnpt-quang-tri", "graph/article/001-vnpt-quang-tri", "place/quang-tri")


@pytest.mark.parametrize("local", SAMPLES)
@pytest.mark.parametrize("suffix", sorted(RDF_FORMATS))
def test_every_format_holds_the_same_triples_and_quad_formats_keep_graphs(
    client: TestClient, index: Index, local: str, suffix: str
) -> None:
    iri = BASE + local
    media_type, parser, quads = RDF_FORMATS[suffix]
    expected = index.expected(iri)
    by_suffix = client.get(path_of(iri) + suffix)
    by_accept = client.get(path_of(iri), headers={"accept": media_type.split(";")[0]})
    for response in (by_suffix, by_accept):
        assert (response.status_code, response.headers["content-type"]) == (200, media_type)
        assert response.headers["content-location"] == path_of(iri) + suffix
    assert "vary" not in by_suffix.headers and by_accept.headers["vary"] == "Accept"
    assert by_suffix.content == by_accept.content
    parsed = list(ox.parse(by_suffix.content, format=ox.RdfFormat.from_media_type(media_type.split(";")[0])))
    default = [q.triple for q in parsed if isinstance(q.graph_name, ox.DefaultGraph)]
    named = {q for q in parsed if not isinstance(q.graph_name, ox.DefaultGraph)}
    assert len(default) == len(set(default)) and set(default) == {q.triple for q in expected}
    assert named == (expected if quads else set())
    dataset = rdflib.Dataset().parse(data=by_suffix.content, format=parser)  # rdflib reads the same
    assert len(dataset.default_graph) == len(default)
    assert len(list(dataset.quads())) == len(default) + (len(expected) if quads else 0)


def test_text_plain_gets_n_triples(client: TestClient, index: Index) -> None:
    response = client.get("/id/org/viettel", headers={"accept": "text/plain"})
    assert (response.status_code, response.headers["content-type"]) == (200, "text/plain; charset=utf-8")
    assert set(triples_of(response.text)) == as_text(index.expected(BASE + "org/viettel"))
    assert response.headers["content-location"] == "/id/org/viettel.nt"
    assert '</id/org/viettel.nt>; rel="describedby"; type="application/n-triples"' in response.headers["link"]


def test_links_name_the_document_its_alternates_and_the_thing(client: TestClient) -> None:
    negotiated = client.get("/id/org/viettel", headers={"accept": "text/turtle"}).headers["link"]
    assert negotiated.split(", ") == [
        '</id/org/viettel.ttl>; rel="describedby"; type="text/turtle"',
        '</id/org/viettel.nt>; rel="alternate"; type="application/n-triples"',
        '</id/org/viettel.nq>; rel="alternate"; type="application/n-quads"',
        '</id/org/viettel.trig>; rel="alternate"; type="application/trig"',
        '</id/org/viettel.jsonld>; rel="alternate"; type="application/ld+json"',
        '</id/org/viettel.rdf>; rel="alternate"; type="application/rdf+xml"',
        '</id/org/viettel.html>; rel="alternate"; type="text/html"',
    ]
    document = client.get("/id/org/viettel.jsonld").headers["link"].split(", ")
    assert document[0] == '</id/org/viettel>; rel="describes"'
    assert '</id/org/viettel.jsonld>; rel="alternate"; type="application/ld+json"' not in document
    html = client.get("/id/org/viettel.html")
    assert (html.status_code, html.headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert 'href="/id/org/viettel.ttl"' in html.text


@pytest.mark.parametrize("path", ["/id/org/atlantis.ttl", "/id/org/atlantis", "/id/.ttl", "/id/org/viettel.xyz"])
def test_unknown_things_and_documents_are_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/plain; charset=utf-8"


def test_a_suffix_wins_over_accept_and_format(client: TestClient) -> None:
    response = client.get("/id/org/viettel.nt", params={"format": "turtle"}, headers={"accept": "text/html"})
    assert (response.status_code, response.headers["content-type"]) == (200, NT)


# ---------------------------------------------------------------- pages


@pytest.fixture(scope="module")
def paged(sample_store: ox.Store) -> Iterator[TestClient]:
    with TestClient(create_app(sample_store, base_iri=BASE, settings=ServeSettings(page_size=PAGE))) as test_client:
        yield test_client


def follow(client: TestClient, path: str, headers: dict[str, str]) -> list[tuple[str, list[Triple]]]:
    """Every page from ``path`` on, following Link rel=next: (Content-Location, triples) each."""
    pages = []
    next_path: str | None = path
    while next_path is not None:
        response = client.get(next_path, headers=headers)
        assert response.status_code == 200
        pages.append((response.headers["content-location"], triples_of(response.text)))
        found = re.search(r'<([^>]*)>; rel="next"', response.headers["link"])
        next_path = found.group(1) if found else None
        assert len(pages) < 1000
    return pages


def test_a_graph_comes_in_pages_linked_by_rel_next(paged: TestClient, index: Index) -> None:
    graph = BASE + "graph/reference"
    expected = as_text(index.by_graph[graph])
    pages = follow(paged, "/id/graph/reference", {"accept": NT})
    count = -(-len(expected) // PAGE)
    assert len(pages) == count > 2
    assert [location for location, _ in pages] == ["/id/graph/reference.nt"] + [
        f"/id/graph/reference.nt?page={n}" for n in range(2, count + 1)
    ]
    assert [len(triples) for _, triples in pages] == [PAGE] * (count - 1) + [len(expected) - PAGE * (count - 1)]
    assert {t for _, triples in pages for t in triples} == expected
    second = paged.get("/id/graph/reference.ttl?page=2").headers["link"].split(", ")
    assert second[-3:] == [
        '</id/graph/reference.ttl>; rel="first"',
        '</id/graph/reference.ttl>; rel="prev"',
        '</id/graph/reference.ttl?page=3>; rel="next"',
    ]
    assert paged.get(f"/id/graph/reference.ttl?page={count + 1}").status_code == 404
    for bad in ("0", "-1", "two"):
        response = paged.get("/id/graph/reference", params={"page": bad})
        assert response.status_code == 400 and "page" in response.text


def test_a_long_description_comes_in_pages_too(paged: TestClient, index: Index) -> None:
    things = [i for i in index.by_object if i.startswith(BASE) and i not in index.by_graph]
    iri = max(things, key=lambda i: len(index.expected(i)))
    expected = as_text(index.expected(iri))
    assert len(expected) > 2 * PAGE
    pages = follow(paged, path_of(iri) + ".nt", {})
    assert len(pages) == -(-len(expected) // PAGE)
    assert {t for _, triples in pages for t in triples} == expected


# ---------------------------------------------------------------- the format parameter


CONSTRUCT = f"CONSTRUCT {{ <{BASE}org/viettel> ?p ?o }} WHERE {{ <{BASE}org/viettel> ?p ?o }}"


@pytest.mark.parametrize(
    ("params", "accept", "status", "media_type"),
    [
        # SPARQLWrapper's JSON-LD: format twice, the second a list of media types
        ([("format", "json-ld"), ("format", "application/ld+json,application/x-json+ld")],
         "application/ld+json,application/x-json+ld", 200, "application/ld+json"),
        # SPARQLWrapper's RDF/XML: an unknown name, then the media type
        ([("format", "rdf+xml"), ("format", "application/rdf+xml")], "application/rdf+xml", 200,
         "application/rdf+xml"),
        # SPARQLWrapper's N3: format=n3 is not ours, its Accept names Turtle
        ([("format", "n3")], "application/turtle,text/turtle,text/rdf+n3,application/n-triples", 200,
         "text/turtle; charset=utf-8"),
        # a results format on a CONSTRUCT: what Accept names wins
        ([("format", "application/sparql-results+json")], "text/turtle", 200, "text/turtle; charset=utf-8"),
        # a format that fits, whatever Accept says
        ([("format", "nt")], "text/turtle", 200, NT),
        # nothing the client names is offered: 406
        ([("format", "n3")], None, 406, "text/plain; charset=utf-8"),
        ([("format", "bogus")], "*/*", 406, "text/plain; charset=utf-8"),
    ],
)
def test_the_format_parameter_takes_lists_and_yields_to_a_recognised_accept(
    client: TestClient, index: Index, params: list[tuple[str, str]], accept: str | None, status: int, media_type: str
) -> None:
    headers = {"accept": accept} if accept else {}
    response = client.get("/sparql", params=[("query", CONSTRUCT), *params], headers=headers)
    assert (response.status_code, response.headers["content-type"]) == (status, media_type)
    if status == 200:
        graph = rdflib.Graph().parse(data=response.content, format=media_type.split(";")[0])
        assert len(graph) == len(as_text(index.by_subject[BASE + "org/viettel"])) > 3


def test_sparqlwrappers_tsv_and_select_formats(client: TestClient) -> None:
    query = f"SELECT ?p WHERE {{ <{BASE}org/viettel> ?p ?o }}"
    tsv = client.get("/sparql", params=[("query", query), ("format", "tsv"), ("format", "text/tab-separated-values")])
    assert tsv.headers["content-type"] == "text/tab-separated-values; charset=utf-8"
    xml = client.get("/sparql", params={"query": query, "format": "xml"}, headers={"accept": "application/rdf+xml"})
    assert xml.headers["content-type"] == "application/sparql-results+xml"

