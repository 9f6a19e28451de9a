"""The model: ontology terms, concept scheme, reference data, reasoner, competency queries."""

from __future__ import annotations

import json
import re
from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
import rdflib
from owlrl.Namespaces import ERRNS
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from dtkg import resources
from dtkg.pipeline import BuildReport

from conftest import BASE, ROOT

DTKG = rdflib.Namespace("https://w3id.org/dtkg/ontology#")
CQ = {
    "articles": ["article", "source", "title", "author", "published"],
    "agreements": ["agreement", "article", "partyLabel", "start", "end", "horizon", "signed", "evidence"],
    "targets": ["target", "article", "subjectLabel", "description", "year", "evidence"],
    "concepts": ["article", "concept", "conceptLabel", "agreement"],
    "people": ["person", "article", "name", "positionLabel", "orgLabel", "rank"],
    "quotes": ["quote", "article", "speakerName", "text"],
    "documents": ["document", "article", "kind", "number", "issuerLabel", "title"],
    "awards": ["award", "article", "awardLabel", "recipientLabel"],
    "mentions": ["article", "entity", "label", "type"],
    "indicators": ["article", "subjectLabel", "value", "unit", "about"],
    "successors": ["unitLabel", "successorLabel", "since"],
}


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(ROOT / "ontology" / "dtkg.ttl", format="turtle")
    return graph


def _labels(graph: rdflib.Graph, term: rdflib.URIRef, prop: rdflib.URIRef) -> set[str]:
    return {o.language for o in graph.objects(term, prop) if isinstance(o, rdflib.Literal)}


def test_every_ontology_term_has_vietnamese_and_english_label_and_definition(ontology: rdflib.Graph) -> None:
    terms = [t for t in ontology.subjects(RDF.type, None)
             if isinstance(t, rdflib.URIRef) and str(t).startswith(str(DTKG))]
    assert len(terms) >= 40
    for term in terms:
        assert {"vi", "en"} <= _labels(ontology, term, RDFS.label), term
        assert {"vi", "en"} <= _labels(ontology, term, SKOS.definition), term


def test_ontology_has_its_metadata(ontology: rdflib.Graph) -> None:
    onto = rdflib.URIRef("https://w3id.org/dtkg/ontology")
    assert (onto, RDF.type, OWL.Ontology) in ontology
    for prop in ("title", "description", "license", "creator"):
        assert ontology.value(onto, rdflib.URIRef(f"http://purl.org/dc/terms/{prop}")) is not None
    assert ontology.value(onto, OWL.versionIRI) is not None


def test_every_concept_and_reference_entity_has_a_vietnamese_preferred_label() -> None:
    graph = rdflib.Graph()
    for path in resources.reference_files():
        graph.parse(path, format="turtle", publicID=BASE)
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) >= 40
    for concept in concepts:
        assert "vi" in _labels(graph, concept, SKOS.prefLabel), concept


SPEC_CONCEPTS = [
    "hạ tầng số", "chính quyền điện tử", "chính quyền số", "kinh tế số", "xã hội số", "đô thị thông minh",
    "an toàn thông tin", "nhân lực số", "cải cách hành chính", "dữ liệu số", "khoa học công nghệ và đổi mới sáng tạo",
    "y tế", "giáo dục", "nông nghiệp", "giao thông", "du lịch", "tài nguyên và môi trường", "băng rộng cáp quang",
    "5G", "4G", "điện toán đám mây", "kho dữ liệu dùng chung", "trung tâm dữ liệu", "trung tâm điều hành thông minh",
    "trí tuệ nhân tạo", "dữ liệu lớn", "Internet vạn vật", "chữ ký số", "thanh toán không dùng tiền mặt",
    "cơ sở dữ liệu quốc gia", "nền tảng số dùng chung",
]


def test_the_concept_scheme_has_every_label_the_spec_lists() -> None:
    graph = rdflib.Graph()
    graph.parse(ROOT / "ontology" / "concepts.ttl", format="turtle")
    labels = {str(o) for o in graph.objects(None, SKOS.prefLabel) if getattr(o, "language", None) == "vi"}
    missing = [c for c in SPEC_CONCEPTS if c not in labels]
    assert missing == [] and len(SPEC_CONCEPTS) == 31


def test_ontology_with_sample_data_is_consistent_under_owl2_rl(samples: BuildReport) -> None:
    graph = rdflib.Graph()
    graph.parse(ROOT / "ontology" / "dtkg.ttl", format="turtle")
    store = ox.Store()
    store.bulk_load(path=str(samples.output), format=ox.RdfFormat.N_QUADS)
    text = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in store], format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=text.decode("utf-8"), format="nt")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    errors = sorted(str(o) for o in graph.objects(None, ERRNS.error))
    assert errors == []
    assert list(graph.subjects(RDF.type, OWL.Nothing)) == []


def test_the_reasoner_does_find_a_contradiction_when_there_is_one() -> None:
    graph = rdflib.Graph()
    graph.parse(ROOT / "ontology" / "dtkg.ttl", format="turtle")
    thing = rdflib.URIRef(BASE + "x")
    graph.add((thing, RDF.type, rdflib.URIRef("https://schema.org/Person")))
    graph.add((thing, RDF.type, rdflib.URIRef("https://schema.org/GovernmentOrganization")))
    graph.add((rdflib.URIRef("https://schema.org/GovernmentOrganization"), RDFS.subClassOf, rdflib.URIRef("https://schema.org/Organization")))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    assert len(list(graph.objects(None, ERRNS.error))) == 1


@pytest.mark.parametrize("name", sorted(CQ))
def test_competency_query_files_exist_with_the_contract_variables(name: str) -> None:
    text = (ROOT / "ontology" / "cq" / f"{name}.rq").read_text(encoding="utf-8")
    select = re.search(r"SELECT\s+(?:DISTINCT\s+)?(.*?)\s*WHERE", text, re.S | re.I)
    assert select is not None
    variables = re.findall(r"\?(\w+)(?!\w)", re.sub(r"\(.*?AS\s+", "", select.group(1)))
    for variable in CQ[name]:
        assert variable in variables, (name, variable)


def _rows(store: ox.Store, name: str, *, union: bool) -> list[dict[str, str]]:
    text = (ROOT / "ontology" / "cq" / f"{name}.rq").read_text(encoding="utf-8")
    result = store.query(text, use_default_graph_as_union=union)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]  # type: ignore[union-attr]


@pytest.mark.parametrize("name", sorted(CQ))
def test_competency_queries_answer_the_same_with_or_without_a_union_default_graph(name: str, sample_store: ox.Store) -> None:
    union = _rows(sample_store, name, union=True)
    plain = _rows(sample_store, name, union=False)
    assert sorted(map(str, union)) == sorted(map(str, plain))
    assert len(union) > 0


def test_successors_answer_the_2025_mergers(sample_store: ox.Store) -> None:
    rows = _rows(sample_store, "successors", union=False)
    pairs = {(r["unitLabel"], r["successorLabel"], r["since"]) for r in rows}
    assert ("Nam Định", "Ninh Bình", "2025-07-01") in pairs
    assert ("Bình Dương", "Thành phố Hồ Chí Minh", "2025-07-01") in pairs
    assert ("Hà Giang", "Tuyên Quang", "2025-07-01") in pairs
    assert len({r["unitLabel"] for r in rows if r["since"] == "2025-07-01"}) == 29


def test_seed_agreement_row(sample_store: ox.Store) -> None:
    rows = [r for r in _rows(sample_store, "agreements", union=False) if r["article"].endswith("/000-210924e285211664")]
    assert {(r["partyLabel"], r["start"], r["end"]) for r in rows} == {
        ("Viettel", "2021", "2025"), ("UBND tỉnh Nam Định", "2021", "2025")}
    assert rows[0]["evidence"].startswith("UBND tỉnh Nam Định và Viettel vừa ký thỏa thuận hợp tác chiến lược")


def test_seed_people_rows(sample_store: ox.Store) -> None:
    rows = [r for r in _rows(sample_store, "people", union=False) if r["article"].endswith("/000-210924e285211664")]
    got = {(r["name"], r.get("positionLabel"), r.get("orgLabel"), r.get("rank")) for r in rows}
    assert got == {
        ("Phạm Đình Nghị", "Phó Bí thư Tỉnh ủy", "Tỉnh ủy Nam Định", None),
        ("Phạm Đình Nghị", "Chủ tịch UBND tỉnh", "UBND tỉnh Nam Định", None),
        ("Lê Đăng Dũng", "Quyền Chủ tịch", "Viettel", "Thiếu tướng"),
        ("Lê Đăng Dũng", "Tổng giám đốc", "Viettel", "Thiếu tướng"),
        ("Nguyễn Huy Dũng", "Thứ trưởng", "Bộ Thông tin và Truyền thông", None),
    }


SEED_EXPECTED = json.loads((ROOT / "tests" / "data" / "cq" / "seed-expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    from dtkg.pipeline import build
    from dtkg.settings import Settings
    from dtkg.store import load_dataset

    out = tmp_path_factory.mktemp("seed") / "kg.nq"
    build([ROOT / "examples" / "articles" / "000_210924e285211664.txt"], output=out,
          settings=Settings(workers=1, validate=False, cache_dir=out.parent / "cache"))
    return load_dataset(out)


def test_every_competency_query_has_expected_seed_rows() -> None:
    assert sorted(SEED_EXPECTED) == sorted(set(CQ) - {"successors"})


@pytest.mark.parametrize("name", sorted(SEED_EXPECTED))
def test_competency_query_gives_the_expected_rows_on_the_seed(name: str, seed_store: ox.Store) -> None:
    variables = SEED_EXPECTED[name]["variables"]
    expected = {tuple(row) for row in SEED_EXPECTED[name]["rows"]}
    got = {tuple(r.get(v) for v in variables) for r in _rows(seed_store, name, union=False)}
    assert got == expected


def test_the_committed_ontology_docs_are_generated_from_the_ontology(tmp_path: Path) -> None:
    from dtkg.docs import write_docs

    written = write_docs(tmp_path)
    committed = ROOT / "docs" / "ontology"
    assert len(written) == len(list(committed.glob("*.md"))) >= 40
    for path in written:
        assert path.read_text(encoding="utf-8") == (committed / path.name).read_text(encoding="utf-8"), path.name
    assert "thỏa thuận hợp tác / cooperation agreement" in (tmp_path / "index.md").read_text(encoding="utf-8")


def test_an_article_source_is_its_file_or_for_a_record_its_url(tmp_path: Path) -> None:
    from dtkg.pipeline import build
    from dtkg.settings import Settings
    from dtkg.store import load_dataset

    folder = tmp_path / "in"
    folder.mkdir()
    body = "Ngày 3/4, UBND tỉnh Ven Biển và Tập đoàn VNPT ký thỏa thuận hợp tác về chuyển đổi số."
    (folder / "feed.jsonl").write_text(
        json.dumps({"id": "r1", "url": "https://tin.example/ven-bien-post1.html", "title": "Ven Biển ký với VNPT",
                    "body": body}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "r2", "title": "Miền Núi ký với VNPT", "body": body}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    (folder / "page.txt").write_text(f"Hải Đảo ký với VNPT\n\n{body}\n", encoding="utf-8")
    (folder / "page.json").write_text('{"url": "https://tin.example/hai-dao-post2.html"}', encoding="utf-8")
    out = tmp_path / "kg.nq"
    build([folder], output=out, settings=Settings(workers=1, validate=False, cache_dir=tmp_path / "cache"))
    rows = _rows(load_dataset(out), "articles", union=False)
    assert sorted((r["source"], r["title"]) for r in rows) == [
        (f"{folder / 'feed.jsonl'}#r2", "Miền Núi ký với VNPT"),
        (f"{folder / 'page.txt'}", "Hải Đảo ký với VNPT"),
        ("https://tin.example/ven-bien-post1.html", "Ven Biển ký với VNPT"),
    ]
