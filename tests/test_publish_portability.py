"""What users get from a store dtkg published to: the same literals, the same competency answers.

The samples and a fixture holding every kind of literal dtkg writes are published to a real
Oxigraph server and to Virtuoso, read back, and queried with SPARQLWrapper (the client users
have) with every competency query in ontology/cq; the rows must be those of the embedded store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from conftest import ROOT
from servers import OxigraphServer, VirtuosoServer, oxigraph_server, virtuoso_quads
from SPARQLWrapper import DIGEST, JSON, POST, SPARQLWrapper

from dtkg.pipeline import BuildReport
from dtkg.publish import Credentials, PublishSettings, publish
from dtkg.publish.verify import canonical
from dtkg.store import load_dataset

pytestmark = pytest.mark.server

LITERALS = Path(__file__).parent / "data" / "publish" / "literals.trig"
CQ = sorted((ROOT / "ontology" / "cq").glob("*.rq"))
STORES = ["oxigraph", "virtuoso"]


@pytest.fixture(scope="module")
def oxigraph_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph") / "store") as server:
        yield server


def _settings(kind: str, request: pytest.FixtureRequest) -> tuple[PublishSettings, object]:
    if kind == "oxigraph":
        server: object = request.getfixturevalue("oxigraph_once")
        return PublishSettings(endpoint=server.query_url, index_cache=False), server  # type: ignore[attr-defined]
    virtuoso: VirtuosoServer = request.getfixturevalue("virtuoso")
    credentials = Credentials(secret=virtuoso.password, user=virtuoso.user)
    return PublishSettings(endpoint=virtuoso.query_url, credentials=credentials, index_cache=False), virtuoso


def _read_back(server: object, graphs: set[str]) -> set[ox.Quad]:
    if isinstance(server, VirtuosoServer):
        return virtuoso_quads(server, graphs)
    assert isinstance(server, OxigraphServer)
    response = httpx.get(server.store_url, headers={"accept": "application/n-quads"}, timeout=30)
    response.raise_for_status()
    return {q for q in ox.parse(response.content, format=ox.RdfFormat.N_QUADS) if q.graph_name.value in graphs}


def _key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return canonical(quad.subject), canonical(quad.predicate), canonical(quad.object), str(quad.graph_name)


# --- literals ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", STORES)
def test_every_kind_of_literal_comes_back_equal(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Booleans, dates, date-times, years, decimals, language tags, escapes and a 200 KB text."""
    store = load_dataset(LITERALS)
    graph = ox.NamedNode("http://127.0.0.1:8000/id/graph/article/literals")
    article = ox.NamedNode("http://127.0.0.1:8000/id/article/literals")
    long_text = "".join(f"Câu thứ {i}: tỉnh đẩy mạnh chuyển đổi số, “kinh tế số” và xã hội số.\n" for i in range(2_500))
    assert len(long_text.encode("utf-8")) > 200_000
    store.add(ox.Quad(article, ox.NamedNode("https://schema.org/text"), ox.Literal(long_text, language="vi"), graph))
    dataset = tmp_path / "literals.nq"
    store.dump(str(dataset), format=ox.RdfFormat.N_QUADS)
    expected = set(load_dataset(dataset))
    assert len(expected) == 22

    settings, server = _settings(kind, request)
    report = publish(dataset, PublishSettings(**{**settings.__dict__, "verify": True}))

    assert report.ok and len(report.sent) == 2 and len(report.verified or ()) == 2, report.summary()
    back = _read_back(server, {q.graph_name.value for q in expected})
    assert {_key(q) for q in back} == {_key(q) for q in expected}
    texts = [q.object for q in back if q.predicate.value == "https://schema.org/text"]
    assert texts == [ox.Literal(long_text, language="vi")]
    booleans = {q.object for q in back if q.predicate.value.endswith("mentionedInPassing")}
    assert booleans == {ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
                        ox.Literal("false", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))}
    decimals = {(q.object.value, q.object.datatype.value) for q in back if q.predicate.value == "https://schema.org/value"}
    assert decimals == {("30", "http://www.w3.org/2001/XMLSchema#decimal")} or (kind == "virtuoso" and decimals == {("30.0", "http://www.w3.org/2001/XMLSchema#decimal")})
    years = {q.object for q in back if q.predicate.value.endswith("horizonYear") or q.predicate.value.endswith("inXSDgYear")}
    assert {(y.value, y.datatype.value) for y in years} == {("2030", "http://www.w3.org/2001/XMLSchema#gYear"),
                                                            ("2021", "http://www.w3.org/2001/XMLSchema#gYear")}


# --- the competency queries -------------------------------------------------------------------


def _sparqlwrapper_rows(endpoint: str, query: str, credentials: Credentials | None) -> list[dict[str, str]]:
    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    if credentials is not None:
        client.setHTTPAuth(DIGEST)
        client.setCredentials(credentials.user, credentials.secret)
    client.setQuery(query)
    result = client.queryAndConvert()
    variables = result["head"]["vars"]  # type: ignore[index]
    return [{v: row[v]["value"] for v in variables if v in row} for row in result["results"]["bindings"]]  # type: ignore[index]


def _embedded_rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    result = store.query(query)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]  # type: ignore[union-attr]


# The samples report no fact twice, so no two articles disagree.
NO_ROWS_ON_THE_SAMPLES = {"conflicts.rq"}


@pytest.fixture(scope="module")
def embedded_rows(sample_store: ox.Store) -> dict[str, list[dict[str, str]]]:
    return {path.name: _embedded_rows(sample_store, path.read_text(encoding="utf-8")) for path in CQ}


@pytest.mark.slow
@pytest.mark.parametrize("kind", STORES)
def test_the_competency_queries_give_the_embedded_rows_on_each_store(
    kind: str, request: pytest.FixtureRequest, samples: BuildReport, embedded_rows: dict[str, list[dict[str, str]]], tmp_path: Path
) -> None:
    dataset = tmp_path / "kg.nq"
    dataset.write_bytes(samples.output.read_bytes())
    settings, _ = _settings(kind, request)
    assert publish(dataset, settings).ok

    assert len(CQ) == 13
    for path in CQ:
        rows = _sparqlwrapper_rows(settings.endpoint, path.read_text(encoding="utf-8"), settings.credentials)
        expected = embedded_rows[path.name]
        assert len(expected) > 0 or path.name in NO_ROWS_ON_THE_SAMPLES, path.name
        assert sorted(map(sorted_items, rows)) == sorted(map(sorted_items, expected)), path.name


def sorted_items(row: dict[str, str]) -> list[tuple[str, str]]:
    return sorted(row.items())
