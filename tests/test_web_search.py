"""Search and the W3C Reconciliation Service API over the built samples.

Responses are checked against JSON Schemas written from the 0.2 specification
(tests/data/reconcile/), with requests as OpenRefine sends them: form-encoded ``queries=``.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from starlette.testclient import TestClient

from dtkg.pipeline import BuildReport
from dtkg.serve import create_app
from dtkg.serve.web.catalog import Kind
from dtkg.serve.web.fold import fold, tokens

SCHEMAS = Path(__file__).resolve().parent / "data" / "reconcile"
BASE = "http://127.0.0.1:8000/id/"
VIETTEL = BASE + "org/viettel"
NAM_DINH = BASE + "place/nam-dinh"
SCHEMA_ORG = "https://schema.org/"


def schema(name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))


def valid(instance: object, name: str) -> None:
    jsonschema.validate(instance, schema(name), cls=jsonschema.Draft202012Validator)


@pytest.fixture(scope="module")
def client(samples: BuildReport, sample_store) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(create_app(sample_store, base_iri=BASE))


# ---------------------------------------------------------------- folding

@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nam Định", "nam dinh"),
        ("NAM ĐỊNH", "nam dinh"),
        ("nam dinh", "nam dinh"),
        ("Đắk Lắk", "dak lak"),
        ("Thừa Thiên–Huế", "thua thien hue"),
        ("  Bà Rịa - Vũng Tàu ", "ba ria vung tau"),
        ("Tập đoàn Công nghiệp - Viễn thông Quân đội (Viettel)", "tap doan cong nghiep vien thong quan doi viettel"),
        ("ươ ƯỚ ỹ", "uo uo y"),
    ],
)
def test_fold_ignores_case_diacritics_and_punctuation(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_tokens() -> None:
    assert tokens("UBND tỉnh Quảng Ngãi") == ["ubnd", "tinh", "quang", "ngai"]


# ---------------------------------------------------------------- search

def results(client: TestClient, **params: object) -> list[dict]:  # type: ignore[type-arg]
    response = client.get("/search", params={**params, "format": "json"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    return response.json()["results"]


@pytest.mark.parametrize("query", ["nam dinh", "NAM ĐỊNH", "Nam Định", "nam định", "Nam Dinh"])
def test_search_finds_the_province_whatever_the_accents(client: TestClient, query: str) -> None:
    found = results(client, q=query)
    assert found[0]["id"] == NAM_DINH
    assert found[0]["score"] == 1.0
    assert found[0]["type"] == "place"


def test_search_viettel_finds_the_group_first_and_its_people(client: TestClient) -> None:
    found = results(client, q="viettel", limit=50)
    assert found[0]["id"] == VIETTEL
    people = {r["name"] for r in found if r["type"] == "person"}
    assert {"Lê Đăng Dũng", "Phùng Văn Tiến"} <= people


def test_search_prefixes(client: TestClient) -> None:
    assert results(client, q="viett")[0]["id"] == VIETTEL
    assert results(client, q="viet")[0]["id"] == BASE + "place/viet-nam"  # the whole word "Việt" first
    assert NAM_DINH in [r["id"] for r in results(client, q="nam d")]


def test_search_type_filter(client: TestClient) -> None:
    people = results(client, q="viettel", type="person")
    assert people and {r["type"] for r in people} == {"person"}
    orgs_and_places = results(client, q="quang ngai", type=["organization", "place"])
    assert {r["type"] for r in orgs_and_places} == {"organization", "place"}


def test_search_nothing_and_empty(client: TestClient) -> None:
    assert results(client, q="zzzzqqq") == []
    assert results(client, q="") == []
    assert results(client, q="   ") == []


def test_search_page_is_html_with_links(client: TestClient) -> None:
    response = client.get("/search", params={"q": "nam dinh"}, headers={"accept": "text/html"})
    assert response.status_code == 200
    assert 'href="/id/place/nam-dinh"' in response.text
    assert 'value="nam dinh"' in response.text  # the box keeps the words


def test_search_box_on_every_page(client: TestClient) -> None:
    for path in ("/", "/search?q=x", "/id/org/viettel", "/query"):
        page = client.get(path, headers={"accept": "text/html"}).text
        assert 'role="search"' in page and 'action="/search"' in page, path


def test_catalog_kinds(client: TestClient) -> None:
    kinds = {r["id"]: r["type"] for r in results(client, q="quang ngai", limit=100)}
    assert kinds[BASE + "place/quang-ngai"] == Kind.PLACE.value
    assert kinds[BASE + "org/ubnd-quang-ngai"] == Kind.ORGANIZATION.value


# ---------------------------------------------------------------- reconciliation

def test_manifest(client: TestClient) -> None:
    response = client.get("/reconcile")
    assert response.status_code == 200
    manifest = response.json()
    valid(manifest, "manifest")
    assert "0.2" in manifest["versions"]
    assert manifest["identifierSpace"] == BASE
    assert manifest["preview"]["url"] == "http://testserver/reconcile/preview?id={{id}}"
    assert {t["id"] for t in manifest["defaultTypes"]} == {SCHEMA_ORG + "Organization", SCHEMA_ORG + "Person",
                                                            SCHEMA_ORG + "Place"}


def reconcile(client: TestClient, queries: dict) -> dict:  # type: ignore[type-arg]
    valid(queries, "query-batch")
    response = client.post("/reconcile", data={"queries": json.dumps(queries)})  # form-encoded, as OpenRefine
    assert response.status_code == 200
    answer = response.json()
    valid(answer, "result-batch")
    assert set(answer) == set(queries)
    return answer


def test_batch_with_and_without_type(client: TestClient) -> None:
    answer = reconcile(client, {
        "q0": {"query": "Viettel", "type": SCHEMA_ORG + "Organization", "limit": 3, "type_strict": "should"},
        "q1": {"query": "nam dinh"},
        "q2": {"query": "Tập đoàn Công nghiệp - Viễn thông Quân đội", "type": SCHEMA_ORG + "Organization"},
        "q3": {"query": "Nam Định", "type": SCHEMA_ORG + "Person"},
        "q4": {"query": "no such thing anywhere"},
    })
    q0 = answer["q0"]["result"]
    assert len(q0) <= 3
    assert q0[0]["id"] == VIETTEL and q0[0]["match"] is True and q0[0]["score"] == 100
    assert q0[0]["type"] == [{"id": SCHEMA_ORG + "Organization", "name": "Organisation (Tổ chức)"}]
    assert all(not r["match"] for r in q0[1:])
    assert answer["q1"]["result"][0]["id"] == NAM_DINH and answer["q1"]["result"][0]["match"] is True
    assert answer["q2"]["result"][0]["id"] == VIETTEL  # an alias
    assert all(r["type"][0]["id"] == SCHEMA_ORG + "Person" for r in answer["q3"]["result"])
    assert all(not r["match"] for r in answer["q3"]["result"])
    assert answer["q4"]["result"] == []


def test_batch_as_get_parameter(client: TestClient) -> None:
    response = client.get("/reconcile", params={"queries": json.dumps({"a": {"query": "VNPT"}})})
    assert response.status_code == 200
    valid(response.json(), "result-batch")
    assert response.json()["a"]["result"][0]["id"] == BASE + "org/vnpt"


def test_property_constraints_rank_and_block_matches(client: TestClient) -> None:
    answer = reconcile(client, {
        "right": {"query": "Phùng Văn Tiến", "type": SCHEMA_ORG + "Person",
                  "properties": [{"pid": "memberOf", "v": "Viettel"}]},
        "byid": {"query": "Phùng Văn Tiến", "properties": [{"pid": "memberOf", "v": {"id": VIETTEL}}]},
        "wrong": {"query": "Phùng Văn Tiến", "type": SCHEMA_ORG + "Person",
                  "properties": [{"pid": "memberOf", "v": "VNPT"}]},
        "wikidata": {"query": "Nam Định", "properties": [{"pid": "sameAs", "v": "Q36907"}]},
    })
    right, wrong = answer["right"]["result"][0], answer["wrong"]["result"][0]
    assert right["id"] == wrong["id"] == BASE + "person/phung-van-tien-aa170e12"
    assert right["match"] is True and right["score"] == 100
    assert {"id": "memberOf", "value": True} in right["features"]
    assert wrong["match"] is False and wrong["score"] == 70
    assert {"id": "memberOf", "value": False} in wrong["features"]
    assert answer["byid"]["result"][0]["match"] is True
    assert answer["wikidata"]["result"][0]["id"] == NAM_DINH and answer["wikidata"]["result"][0]["match"] is True


def test_bad_batches_are_400_with_a_reason(client: TestClient) -> None:
    for body, reason in (("{not json", "not JSON"), ("[1, 2]", "JSON object"), ('{"q": 5}', "not a JSON object")):
        response = client.post("/reconcile", data={"queries": body})
        assert response.status_code == 400
        assert reason in response.json()["error"]


def test_draft_batch(client: TestClient) -> None:
    response = client.post("/reconcile", json={"queries": [
        {"conditions": [{"matchType": "name", "propertyValue": "viettel"}], "type": SCHEMA_ORG + "Organization"},
        {"conditions": [{"matchType": "name", "propertyValue": "Phùng Văn Tiến"},
                        {"matchType": "property", "propertyId": "memberOf", "propertyValue": "Viettel"}]},
    ]})
    assert response.status_code == 200
    results_ = response.json()["results"]
    assert len(results_) == 2
    assert results_[0]["candidates"][0]["id"] == VIETTEL and results_[0]["candidates"][0]["match"] is True
    assert results_[0]["candidates"][0]["types"][0]["id"] == SCHEMA_ORG + "Organization"
    assert results_[1]["candidates"][0]["id"] == BASE + "person/phung-van-tien-aa170e12"


def test_preview(client: TestClient) -> None:
    response = client.get("/reconcile/preview", params={"id": VIETTEL})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Viettel" in response.text and 'href="/id/org/viettel"' in response.text
    assert client.get("/reconcile/preview", params={"id": BASE + "nothing"}).status_code == 404


def suggest(client: TestClient, kind: str, **params: str) -> list[dict]:  # type: ignore[type-arg]
    response = client.get(f"/reconcile/suggest/{kind}", params=params)
    assert response.status_code == 200
    valid(response.json(), "suggest-response")
    return response.json()["result"]


def test_suggest_entity_type_and_property(client: TestClient) -> None:
    entities = suggest(client, "entity", prefix="viett")
    assert entities[0]["id"] == VIETTEL
    assert entities[0]["notable"] == [{"id": SCHEMA_ORG + "Organization", "name": "Organisation (Tổ chức)"}]
    assert {e["id"] for e in suggest(client, "entity", prefix="nam d", type=SCHEMA_ORG + "Place")} >= {NAM_DINH}
    assert [t["id"] for t in suggest(client, "type", prefix="per")] == [SCHEMA_ORG + "Person"]
    assert [t["id"] for t in suggest(client, "type", prefix="dia phuong")] == [SCHEMA_ORG + "Place"]
    assert [p["id"] for p in suggest(client, "property", prefix="member")] == ["memberOf"]
    assert len(suggest(client, "property")) == 6
    assert client.get("/reconcile/suggest/nothing").status_code == 404
