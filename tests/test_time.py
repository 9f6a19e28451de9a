"""Knowledge over time (issue 15), on four articles written for the test (tests/data/time):
one person in three articles over three years with two posts; two namesakes in different
organisations; one agreement reported twice with different periods; an island district
whose name looks like a person's. Both new competency queries answer the same on the
embedded store and on a real ``oxigraph serve``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from dtkg import resources
from dtkg.pipeline import BuildReport, build
from dtkg.settings import Settings
from dtkg.store import load_dataset
from dtkg.validate import Severity
from servers import OxigraphServer, oxigraph_server

ARTICLES = Path(__file__).parent / "data" / "time" / "articles"
BASE = "http://127.0.0.1:8000/id/"
DTKG = "https://w3id.org/dtkg/ontology#"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildReport:
    out = tmp_path_factory.mktemp("time") / "kg.nq"
    return build([ARTICLES], output=out, settings=Settings(workers=1, cache_dir=out.parent / "cache"))


@pytest.fixture(scope="module")
def store(built: BuildReport) -> ox.Store:
    return load_dataset(built.output)


def rows(store: ox.Store, name: str) -> list[dict[str, str]]:
    text = (resources.cq_dir() / name).read_text(encoding="utf-8")
    result = store.query(text)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{n: (s[n].value if s[n] is not None else "") for n in names} for s in result]  # type: ignore[union-attr]


def short(iri: str) -> str:
    return iri[len(BASE):] if iri.startswith(BASE) else iri


def test_the_articles_build(built: BuildReport) -> None:
    assert len(built.built) == 4 and not built.failed


def test_one_person_three_articles_three_years_two_posts_with_dates(store: ox.Store) -> None:
    khoi = [r for r in rows(store, "posts-over-time.rq") if r["name"] == "Trần Minh Khôi"]
    assert len({r["person"] for r in khoi}) == 1  # one IRI across the three articles
    got = {(r["positionLabel"], r["orgLabel"], r["from"], r["until"], r["observed"], short(r["article"])) for r in khoi}
    assert got == {
        # seen as deputy in 2022 and 2023: the latest observation, no stated period
        ("Phó Tổng giám đốc", "Viettel", "", "", "2023-06-20", "article/t3-hoi-thao-2023"),
        # "Tân Tổng giám đốc" in 2024: began around (not after) the article's date
        ("Tổng giám đốc", "Viettel", "2024-09-05", "", "", "article/t4-tan-tong-giam-doc-2024"),
    }


def test_dates_are_typed(store: ox.Store) -> None:
    text = (resources.cq_dir() / "posts-over-time.rq").read_text(encoding="utf-8")
    kinds = {(s["positionLabel"].value, v, s[v].datatype.value)  # type: ignore[union-attr]
             for s in store.query(text) for v in ("from", "observed") if s[v] is not None}  # type: ignore[union-attr]
    assert ("Tổng giám đốc", "from", "http://www.w3.org/2001/XMLSchema#date") in kinds
    assert ("Phó Tổng giám đốc", "observed", "http://www.w3.org/2001/XMLSchema#date") in kinds


def test_namesakes_in_different_organisations_are_two_people(store: ox.Store) -> None:
    hung = {(short(r["person"]), r["orgLabel"]) for r in rows(store, "posts-over-time.rq") if r["name"] == "Nguyễn Văn Hùng"}
    assert len(hung) == 2
    assert {org for _, org in hung} == {"Viettel Quảng Bình", "UBND tỉnh Bắc Ninh"}
    assert len({person for person, _ in hung}) == 2


def test_an_island_district_named_like_a_person_is_a_place(store: ox.Store) -> None:
    mentioned = {(r["label"], r["type"]) for r in rows(store, "mentions.rq")}
    assert ("Lý Sơn", "Place") in mentioned
    assert not [r for r in rows(store, "mentions.rq") if r["type"] == "Person" and r["label"] == "Lý Sơn"]
    people = rows(store, "people.rq")
    assert "Lý Sơn" not in {r["name"] for r in people}


def test_an_agreement_reported_twice_with_different_periods_is_one_agreement_and_one_conflict(store: ox.Store) -> None:
    resolved = list(store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                            ox.NamedNode(DTKG + "ResolvedAgreement"), ox.NamedNode(BASE + "graph/resolution")))
    assert len(resolved) == 1
    reports = {short(q.object.value) for q in store.quads_for_pattern(resolved[0].subject, ox.NamedNode(DTKG + "report"), None)}
    assert reports == {"article/t1-quang-binh-2022/agreement/1", "article/t2-quang-binh-2022-khac/agreement/1"}
    conflicts = rows(store, "conflicts.rq")
    assert [(short(r["subject"]), r["property"], r["valueA"], short(r["articleA"]), r["valueB"], short(r["articleB"]))
            for r in conflicts] == [(short(resolved[0].subject.value), DTKG + "period",
                                     "2022–2025", "article/t1-quang-binh-2022", "2022–2026", "article/t2-quang-binh-2022-khac")]
    assert conflicts[0]["subjectLabel"] == "Thỏa thuận hợp tác"


def test_validation_warns_once_naming_both_articles(built: BuildReport) -> None:
    assert built.validation is not None
    warnings = [f for f in built.validation.findings if f.shape.endswith("ConflictShape")]
    assert len(warnings) == 1
    assert warnings[0].severity is Severity.WARNING
    assert warnings[0].path == DTKG + "period"
    assert BASE + "article/t1-quang-binh-2022" in warnings[0].message
    assert BASE + "article/t2-quang-binh-2022-khac" in warnings[0].message


@pytest.fixture(scope="module")
def server(built: BuildReport, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as running:
        data = built.output.read_bytes()
        response = httpx.post(running.store_url, content=data, headers={"Content-Type": "application/n-quads"}, timeout=60)
        assert response.status_code in (200, 201, 204)
        yield running


@pytest.mark.server
@pytest.mark.parametrize("name", ["posts-over-time.rq", "conflicts.rq"])
def test_the_same_rows_on_a_sparql_server(store: ox.Store, server: OxigraphServer, name: str) -> None:
    text = (resources.cq_dir() / name).read_text(encoding="utf-8")
    response = httpx.post(server.query_url, content=text.encode(), timeout=60,
                          headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    remote = {tuple(sorted((k, v["value"]) for k, v in b.items())) for b in response.json()["results"]["bindings"]}
    local = {tuple(sorted((k, v) for k, v in r.items() if v)) for r in rows(store, name)}
    assert remote == local and len(local) >= 1
