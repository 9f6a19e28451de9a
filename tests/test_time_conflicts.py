"""Conflicting claims beyond agreements (issue 15), on five articles written for the test
(tests/data/time/conflicts): a target two articles give different years (one target, one
conflict row, one warning naming both articles), and a person two articles of the same day
give different posts in the same organisation (one person, one conflict, one warning); the
same person in a third article a year later, with the first post again, is no conflict."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from dtkg import resources
from dtkg.pipeline import BuildReport, build
from dtkg.settings import Settings
from dtkg.store import load_dataset
from dtkg.validate import Finding, Severity

ARTICLES = Path(__file__).parent / "data" / "time" / "conflicts"
BASE = "http://127.0.0.1:8000/id/"
DTKG = "https://w3id.org/dtkg/ontology#"
ORG_ROLE = "http://www.w3.org/ns/org#role"
RESOLUTION = ox.NamedNode(BASE + "graph/resolution")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildReport:
    out = tmp_path_factory.mktemp("conflicts") / "kg.nq"
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


def conflict_warnings(built: BuildReport, path: str) -> list[Finding]:
    assert built.validation is not None
    return [f for f in built.validation.findings if f.shape.endswith("ConflictShape") and f.path == path]


def test_the_articles_build(built: BuildReport) -> None:
    assert len(built.built) == 5 and not built.failed
    assert built.validation is not None
    assert [f for f in built.validation.findings if f.severity is Severity.VIOLATION] == []


def test_a_target_stated_with_different_years_is_one_target_and_one_conflict(store: ox.Store) -> None:
    resolved = [q.subject for q in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(DTKG + "ResolvedTarget"), RESOLUTION)]
    assert len(resolved) == 1
    reports = {short(q.object.value) for q in store.quads_for_pattern(resolved[0], ox.NamedNode(DTKG + "report"), None)}
    assert reports == {"article/c1-lang-son-muc-tieu-2025/target/1", "article/c2-lang-son-muc-tieu-2026/target/1"}
    found = [(short(r["subject"]), r["subjectLabel"], r["valueA"], short(r["articleA"]), r["valueB"], short(r["articleB"]))
             for r in rows(store, "conflicts.rq") if r["property"] == DTKG + "targetYear"]
    assert found == [(short(resolved[0].value), "100% hồ sơ thủ tục hành chính được số hóa",
                      "2025", "article/c1-lang-son-muc-tieu-2025", "2026", "article/c2-lang-son-muc-tieu-2026")]


def test_the_target_conflict_is_one_warning_naming_both_articles(built: BuildReport) -> None:
    warnings = conflict_warnings(built, DTKG + "targetYear")
    assert len(warnings) == 1
    assert warnings[0].severity is Severity.WARNING
    assert warnings[0].component == "http://www.w3.org/ns/shacl#SPARQLConstraintComponent"
    assert BASE + "article/c1-lang-son-muc-tieu-2025" in warnings[0].message
    assert BASE + "article/c2-lang-son-muc-tieu-2026" in warnings[0].message


def test_different_posts_in_one_organisation_on_one_day_are_one_conflict(store: ox.Store) -> None:
    posts = [r for r in rows(store, "posts-over-time.rq") if r["name"] == "Lò Thị Hạnh"]
    assert len({r["person"] for r in posts}) == 1  # one person across the three articles
    person = posts[0]["person"]
    assert {(r["positionLabel"], r["orgLabel"], r["observed"]) for r in posts} == {
        ("Giám đốc", "Sở Thông tin và Truyền thông tỉnh Sơn La", "2023-08-21"),
        ("Phó Giám đốc", "Sở Thông tin và Truyền thông tỉnh Sơn La", "2024-04-03"),
    }
    found = [(r["subject"], r["subjectLabel"], r["valueA"], short(r["articleA"]), r["valueB"], short(r["articleB"]))
             for r in rows(store, "conflicts.rq") if r["property"] == ORG_ROLE]
    # the 2024 article's post differs from the 2023 one's, but a year apart is a change, not a conflict
    assert found == [(person, "Lò Thị Hạnh", "Phó Giám đốc", "article/c3-son-la-hoi-nghi",
                      "Giám đốc", "article/c4-son-la-lop-tap-huan")]


def test_the_post_conflict_is_one_warning_naming_both_articles(built: BuildReport) -> None:
    warnings = conflict_warnings(built, ORG_ROLE)
    assert len(warnings) == 1
    assert warnings[0].severity is Severity.WARNING
    assert BASE + "article/c3-son-la-hoi-nghi" in warnings[0].message
    assert BASE + "article/c4-son-la-lop-tap-huan" in warnings[0].message
    assert BASE + "article/c5-son-la-nam-sau" not in warnings[0].message


def test_only_these_two_conflicts(built: BuildReport, store: ox.Store) -> None:
    assert len(rows(store, "conflicts.rq")) == 2
    assert built.validation is not None
    assert [f.path for f in built.validation.findings] == [ORG_ROLE, DTKG + "targetYear"]
