"""``dtkg validate`` end to end: the samples built once, then corrupted in a dozen ways.

Each corruption must make ``dtkg validate`` exit 1 with a text report that names the
article's source file and the broken fact; JUnit and SARIF must parse with standard
tools and carry the same results; unreadable data or shapes exit 2 naming file and line.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare
from rdflib.namespace import RDF, SH

from dtkg import resources
from dtkg.cli import main
from dtkg.pipeline import build
from dtkg.settings import Settings
from dtkg.validate import CrossArticle, Severity, Validator, validate_dataset
from dtkg.validate.cli import load

ROOT = Path(__file__).resolve().parents[1]
DATASETS = Path(__file__).parent / "data" / "shapes" / "datasets"
PREFIXES = """
PREFIX dtkg: <https://w3id.org/dtkg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


# ---------------------------------------------------------------- the built samples


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample articles built once into an N-Quads dataset."""
    out = tmp_path_factory.mktemp("samples")
    articles = out / "examples" / "articles"
    shutil.copytree(ROOT / "examples" / "articles", articles)
    report = build([articles], output=out / "kg.nq", settings=Settings(cache_dir=out / "cache", workers=1))
    assert report.built and not report.failed
    return out / "kg.nq"


@pytest.fixture(scope="session")
def sample_run(built: Path):  # type: ignore[no-untyped-def]
    return validate_dataset(load(built), Validator())


@pytest.fixture(scope="session")
def clean(built: Path, sample_run, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    """The built samples without any article graph that has violations: a dataset that passes.

    (Today that is all of them; should the extractor regress, test_samples_conform fails
    while the corruption tests still start from a passing dataset.)
    """
    bad = {f.graph for f in sample_run.findings if f.severity is Severity.VIOLATION}
    store = load(built)
    for graph in bad:
        store.update(PREFIXES + f"DELETE {{ GRAPH ?m {{ ?a ?p ?o }} }} WHERE {{ GRAPH ?m {{ ?a dtkg:articleGraph <{graph}> ; ?p ?o }} }}")
        store.remove_graph(ox.NamedNode(graph))
    path = tmp_path_factory.mktemp("clean") / "clean.nq"
    _write(store, path)
    return path


def _write(store: ox.Store, path: Path) -> None:
    path.write_bytes(ox.serialize(sorted(store, key=str), format=ox.RdfFormat.N_QUADS))


def _validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_samples_conform(built: Path, sample_run, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    """The real sample data has no violation (warnings and notes are allowed)."""
    assert [f for f in sample_run.findings if f.severity is Severity.VIOLATION] == []
    code, out, _err = _validate(capsys, str(built))
    assert code == 0 and out.startswith("dtkg validate: passed"), out


def test_clean_samples_pass_and_every_graph_was_checked(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _validate(capsys, str(clean))
    assert code == 0, out
    assert out.startswith("dtkg validate: passed")
    checked = dict(re.findall(r"^\s+(\d+)\s+(dtsh:\S+)$", out, re.M))
    assert checked and all(int(n) >= 0 for n in checked)
    assert "focus nodes checked per shape:" in out


def _sources(path: Path) -> dict[str, str]:
    store = load(path)
    rows = store.query(PREFIXES + "SELECT ?g ?s WHERE { GRAPH ?m { ?a dtkg:sourceName ?s ; dtkg:articleGraph ?g } }")
    return {r["g"].value: r["s"].value for r in rows}  # type: ignore[index,union-attr]


# ---------------------------------------------------------------- corruptions


@dataclass(frozen=True)
class Broken:
    """What a corruption broke: the graph, the focus node and the shape that must say so."""

    graph: str
    focus: str
    rule: str


def _one(store: ox.Store, query: str) -> dict[str, str]:
    results = store.query(PREFIXES + query)
    for row in results:  # type: ignore[union-attr]
        return {v.value: row[v].value for v in results.variables if row[v] is not None}  # type: ignore[union-attr]
    raise AssertionError(f"no sample fact to corrupt for: {query}")


def _article_graph() -> str:
    return 'FILTER (CONTAINS(STR(?g), "/graph/article/"))'


def missing_label(store: ox.Store) -> Broken:
    r = _one(store, f"SELECT ?g ?x WHERE {{ GRAPH ?g {{ ?x a dtkg:CooperationAgreement ; rdfs:label ?l }} {_article_graph()} }}")
    store.update(PREFIXES + f"DELETE WHERE {{ GRAPH <{r['g']}> {{ <{r['x']}> rdfs:label ?l }} }}")
    return Broken(r["g"], r["x"], "CooperationAgreement-label")


def bad_year(store: ox.Store) -> Broken:
    r = _one(store, f"SELECT ?g ?x ?y WHERE {{ GRAPH ?g {{ ?x dtkg:targetYear ?y }} {_article_graph()} }}")
    store.update(PREFIXES + f"""DELETE {{ GRAPH <{r['g']}> {{ <{r['x']}> dtkg:targetYear ?y }} }}
        INSERT {{ GRAPH <{r['g']}> {{ <{r['x']}> dtkg:targetYear "năm {r['y']}"^^xsd:gYear }} }}
        WHERE {{ GRAPH <{r['g']}> {{ <{r['x']}> dtkg:targetYear ?y }} }}""")
    return Broken(r["g"], r["x"], "Target-year")


def reversed_period(store: ox.Store) -> Broken:
    r = _one(store, f"""SELECT ?g ?x ?b ?e ?s ?f WHERE {{ GRAPH ?g {{ ?x dtkg:period ?p . ?p time:hasBeginning ?b ; time:hasEnd ?e .
        ?b time:inXSDgYear ?s . ?e time:inXSDgYear ?f }} FILTER (STR(?s) < STR(?f)) {_article_graph()} }}""")
    store.update(PREFIXES + f"""DELETE DATA {{ GRAPH <{r['g']}> {{ <{r['b']}> time:inXSDgYear "{r['s']}"^^xsd:gYear .
            <{r['e']}> time:inXSDgYear "{r['f']}"^^xsd:gYear }} }} ;
        INSERT DATA {{ GRAPH <{r['g']}> {{ <{r['b']}> time:inXSDgYear "{r['f']}"^^xsd:gYear .
            <{r['e']}> time:inXSDgYear "{r['s']}"^^xsd:gYear }} }}""")
    return Broken(r["g"], r["x"], "AgreementPeriodShape")


def offsets_outside(store: ox.Store) -> Broken:
    r = _one(store, f"""SELECT ?g ?x ?p ?end (STRLEN(?t) AS ?n) WHERE {{ GRAPH ?g {{ ?s oa:hasSource ?x ; oa:hasSelector ?p .
        ?p oa:end ?end . ?x schema:text ?t }} {_article_graph()} }}""")
    store.update(PREFIXES + f"""DELETE DATA {{ GRAPH <{r['g']}> {{ <{r['p']}> oa:end {r['end']} }} }} ;
        INSERT DATA {{ GRAPH <{r['g']}> {{ <{r['p']}> oa:end {int(r['n']) + 25} }} }}""")
    return Broken(r["g"], r["x"], "EvidenceOffsetsShape")


def dangling_party(store: ox.Store) -> Broken:
    r = _one(store, f"SELECT ?g ?x ?o WHERE {{ GRAPH ?g {{ ?x dtkg:party ?o . ?o a schema:Organization }} {_article_graph()} }}")
    ghost = r["o"].rsplit("/", 1)[0] + "/to-chuc-khong-ton-tai"
    store.update(PREFIXES + f"INSERT DATA {{ GRAPH <{r['g']}> {{ <{r['x']}> dtkg:party <{ghost}> }} }}")
    return Broken(r["g"], r["x"], "CooperationAgreement-party")


def exact_mismatch(store: ox.Store) -> Broken:
    r = _one(store, f"""SELECT ?g ?x ?q ?exact WHERE {{ GRAPH ?g {{ ?s oa:hasSource ?x ; oa:hasSelector ?q . ?q oa:exact ?exact }}
        {_article_graph()} }}""")
    changed = r["exact"].replace("\\", "\\\\").replace('"', '\\"')[:-3] + "..."
    store.update(PREFIXES + f"""DELETE {{ GRAPH <{r['g']}> {{ <{r['q']}> oa:exact ?e }} }}
        INSERT {{ GRAPH <{r['g']}> {{ <{r['q']}> oa:exact "{changed}" }} }} WHERE {{ GRAPH <{r['g']}> {{ <{r['q']}> oa:exact ?e }} }}""")
    return Broken(r["g"], r["x"], "EvidenceExactShape")


def member_not_person(store: ox.Store) -> Broken:
    r = _one(store, f"""SELECT ?g ?x ?p ?o WHERE {{ GRAPH ?g {{ ?x org:member ?p ; org:organization ?o . ?o a schema:Organization }}
        {_article_graph()} }}""")
    store.update(PREFIXES + f"""DELETE DATA {{ GRAPH <{r['g']}> {{ <{r['x']}> org:member <{r['p']}> }} }} ;
        INSERT DATA {{ GRAPH <{r['g']}> {{ <{r['x']}> org:member <{r['o']}> }} }}""")
    return Broken(r["g"], r["x"], "Membership-member")


def missing_text(store: ox.Store) -> Broken:
    r = _one(store, f"SELECT ?g ?x WHERE {{ GRAPH ?g {{ ?x a schema:NewsArticle ; schema:text ?t }} {_article_graph()} }}")
    store.update(PREFIXES + f"DELETE WHERE {{ GRAPH <{r['g']}> {{ <{r['x']}> schema:text ?t }} }}")
    return Broken(r["g"], r["x"], "NewsArticle-text")


def unknown_concept(store: ox.Store) -> Broken:
    r = _one(store, f"SELECT ?g ?x WHERE {{ GRAPH ?g {{ ?x dtkg:scope ?c }} {_article_graph()} }}")
    store.update(PREFIXES + f"INSERT DATA {{ GRAPH <{r['g']}> {{ <{r['x']}> dtkg:scope <https://w3id.org/dtkg/concept/khong-co> }} }}")
    return Broken(r["g"], r["x"], "ScopeConcept-concept")


def confidence_above_one(store: ox.Store) -> Broken:
    r = _one(store, f"SELECT ?g ?x ?c WHERE {{ GRAPH ?g {{ ?x a dtkg:Indicator ; dtkg:confidence ?c }} {_article_graph()} }}")
    store.update(PREFIXES + f"""DELETE WHERE {{ GRAPH <{r['g']}> {{ <{r['x']}> dtkg:confidence ?c }} }} ;
        INSERT DATA {{ GRAPH <{r['g']}> {{ <{r['x']}> dtkg:confidence 1.5 }} }}""")
    return Broken(r["g"], r["x"], "Fact-confidence")


def string_date(store: ox.Store) -> Broken:
    r = _one(store, f"SELECT ?g ?x WHERE {{ GRAPH ?g {{ ?x dtkg:signingDate ?d }} {_article_graph()} }}")
    store.update(PREFIXES + f"""DELETE WHERE {{ GRAPH <{r['g']}> {{ <{r['x']}> dtkg:signingDate ?d }} }} ;
        INSERT DATA {{ GRAPH <{r['g']}> {{ <{r['x']}> dtkg:signingDate "ngày 22/8/2025" }} }}""")
    return Broken(r["g"], r["x"], "CooperationAgreement-signingDate")


def successor_overlap(store: ox.Store) -> Broken:
    r = _one(store, """SELECT ?g ?x ?v ?d WHERE { GRAPH ?g { ?x dtkg:successor ?v ; dtkg:validUntil ?d ;
        a <https://w3id.org/dtkg/ontology#Province> } }""")
    store.update(PREFIXES + f'INSERT DATA {{ GRAPH <{r["g"]}> {{ <{r["v"]}> dtkg:validFrom "{r["d"]}"^^xsd:date }} }}')
    return Broken(r["g"], r["x"], "SuccessorTimelineShape")


CORRUPTIONS: list[Callable[[ox.Store], Broken]] = [
    missing_label, bad_year, reversed_period, offsets_outside, dangling_party, exact_mismatch,
    member_not_person, missing_text, unknown_concept, confidence_above_one, string_date, successor_overlap,
]


def _corrupt(clean: Path, corruption: Callable[[ox.Store], Broken], where: Path) -> tuple[Path, Broken]:
    store = load(clean)
    broken = corruption(store)
    path = where / f"{corruption.__name__}.nq"
    _write(store, path)
    return path, broken


def _section(report: str, header: str) -> str:
    """The part of a text report under the group header that starts with ``header``."""
    blocks = report.split("\n\n")
    matching = [b for b in blocks if b.startswith(header)]
    assert matching, f"no section for {header} in:\n{report}"
    return matching[0]


@pytest.mark.parametrize("corruption", CORRUPTIONS, ids=[c.__name__ for c in CORRUPTIONS])
def test_corruption_fails_validation_naming_article_and_fact(
        corruption: Callable[[ox.Store], Broken], clean: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, broken = _corrupt(clean, corruption, tmp_path)
    code, out, _err = _validate(capsys, str(path))
    assert code == 1, out
    source = _sources(path).get(broken.graph)
    header = source if source else "graph <" + broken.graph
    section = _section(out, header)
    assert f"<{broken.focus}>" in section
    assert f"rule: dtsh:{broken.rule} " in section
    if source:
        assert source.endswith(".txt")


def test_ten_different_corruptions() -> None:
    assert len({c.__name__ for c in CORRUPTIONS}) >= 10


@pytest.mark.parametrize("corruption", [reversed_period, offsets_outside, unknown_concept],
                         ids=["reversed_period", "offsets_outside", "unknown_concept"])
def test_junit_sarif_and_shacl_reports_carry_the_same_results(
        corruption: Callable[[ox.Store], Broken], clean: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, broken = _corrupt(clean, corruption, tmp_path)
    outputs = {}
    for fmt in ("junit", "sarif", "turtle", "json"):
        code, outputs[fmt], _err = _validate(capsys, str(path), "--format", fmt, "--fail-on", "info")
        assert code == 1
    junit_results = _junit_results(outputs["junit"])
    sarif_results = _sarif_results(outputs["sarif"])
    shacl_results = _shacl_results(outputs["turtle"], "turtle")
    assert len(junit_results) == len(sarif_results) == shacl_results == _shacl_results(outputs["json"], "json-ld") > 0
    assert any(r["ruleId"] == f"dtsh:{broken.rule}" and r["properties"]["focusNode"] == broken.focus for r in sarif_results)


def _junit_results(text: str) -> list[str]:
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    lines = []
    for case in root.iter("testcase"):
        assert case.get("name") and case.get("classname")
        for failure in case.findall("failure"):
            lines += failure.text.splitlines()  # type: ignore[union-attr]
        out = case.find("system-out")
        lines += [line for line in (out.text or "").splitlines()[1:]] if out is not None else []
    assert int(root.get("failures", "0")) == sum(1 for _ in root.iter("failure"))
    return lines


def _sarif_results(text: str) -> list[dict]:  # type: ignore[type-arg]
    document = json.loads(text)
    assert document["version"] == "2.1.0" and isinstance(document["runs"], list)
    results = []
    for run in document["runs"]:
        driver = run["tool"]["driver"]
        assert driver["name"] == "dtkg"
        ids = [rule["id"] for rule in driver.get("rules", [])]
        assert len(ids) == len(set(ids))
        for result in run["results"]:
            assert result["message"]["text"]
            assert result["level"] in {"error", "warning", "note"}
            assert ids[result["ruleIndex"]] == result["ruleId"]
            for location in result["locations"]:
                physical = location["physicalLocation"]
                assert physical["artifactLocation"]["uri"]
                region = physical.get("region")
                if region is not None:
                    assert region["startLine"] >= 1 and region["startColumn"] >= 1
                    assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])
            results.append(result)
    return results


def _shacl_results(text: str, fmt: str) -> int:
    graph = rdflib.Graph().parse(data=text, format=fmt)
    reports = list(graph.subjects(RDF.type, SH.ValidationReport))
    assert len(reports) == 1
    results = list(graph.objects(reports[0], SH.result))
    assert graph.value(reports[0], SH.conforms).toPython() is (not results)  # type: ignore[union-attr]
    return len(results)


def test_sarif_region_points_at_the_evidence_in_the_source_file(clean: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path, broken = _corrupt(clean, reversed_period, tmp_path)
    _code, out, _err = _validate(capsys, str(path), "--format", "sarif")
    result = next(r for r in _sarif_results(out) if r["ruleId"] == f"dtsh:{broken.rule}")
    physical = result["locations"][0]["physicalLocation"]
    source = Path(physical["artifactLocation"]["uri"])
    lines = source.read_text(encoding="utf-8").splitlines()
    region = physical["region"]
    line = lines[region["startLine"] - 1]
    assert line[region["startColumn"] - 1:].startswith(region["snippet"]["text"][:20])


# ---------------------------------------------------------------- thresholds, formats, other graphs


@pytest.fixture(scope="module")
def warned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two articles that report one agreement with different periods: one warning, no violation."""
    from dtkg.pipeline import build
    from dtkg.settings import Settings

    folder = tmp_path_factory.mktemp("warned")
    for name in ("t1_quang_binh_2022.txt", "t2_quang_binh_2022_khac.txt"):
        (folder / name).write_bytes((Path(__file__).parent / "data" / "time" / "articles" / name).read_bytes())
    out = folder / "out" / "kg.nq"
    build([folder], output=out, settings=Settings(workers=1, validate=False, cache_dir=folder / "cache"))
    return out


def test_fail_on_threshold(warned: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _validate(capsys, str(warned), "--fail-on", "violation")[0] == 0
    code, out, _ = _validate(capsys, str(warned), "--fail-on", "warning")
    assert code == 1 and "WARNING:" in out and "dtsh:ConflictShape" in out
    assert _validate(capsys, str(warned), "--fail-on", "info")[0] == 1


@pytest.mark.parametrize("name", ["extension.ttl", "extension.jsonld", "extension.trig"])
def test_graphs_dtkg_did_not_build(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A user's own graph in Turtle, JSON-LD or TriG: validated, the broken agreement named."""
    code, out, _err = _validate(capsys, str(DATASETS / name))
    assert code == 1, out
    assert "<http://example.org/kg/agreement-1>" in out
    assert "rule: dtsh:AgreementPeriodShape " in out
    assert "rule: dtsh:CooperationAgreement-party " in out


def test_user_shapes_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    shutil.copy(resources.shapes_dir() / "00-shapes.ttl", shapes)
    shutil.copy(resources.shapes_dir() / "facts.ttl", shapes)
    code, out, _err = _validate(capsys, str(DATASETS / "extension.ttl"), "--shapes", str(shapes))
    assert code == 1 and "dtsh:AgreementPeriodShape" in out and "dtsh:NewsArticle" not in out


# ---------------------------------------------------------------- exit 2


def test_unreadable_dataset_names_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "broken.nq"
    bad.write_text('<http://a> <http://b> <http://c> <http://g> .\n<http://a> <http://b> "unterminated <http://g> .\n')
    code, _out, err = _validate(capsys, str(bad))
    assert code == 2
    assert str(bad) in err and "line 2" in err


def test_unreadable_shapes_name_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    (shapes / "bad.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n\n<urn:s> a sh:NodeShape ;\n  sh:targetClass .\n")
    code, _out, err = _validate(capsys, str(DATASETS / "extension.ttl"), "--shapes", str(shapes))
    assert code == 2
    assert str(shapes / "bad.ttl") in err and "line 4" in err


def test_shapes_that_target_nothing_are_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "other.ttl"
    data.write_text("<http://example.org/x> <http://example.org/p> <http://example.org/y> .\n")
    code, out, err = _validate(capsys, str(data))
    assert code == 2 and out == ""
    assert "target nothing" in err and str(data) in err


def test_missing_dataset_and_unknown_extension(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _validate(capsys, str(tmp_path / "nope.nq"))[0] == 2
    odd = tmp_path / "data.xyz"
    odd.write_text("")
    code, _out, err = _validate(capsys, str(odd))
    assert code == 2 and "data.xyz" in err


# ---------------------------------------------------------------- the engine


def test_cross_projection_gives_the_same_results_as_the_whole_union(clean: Path, tmp_path: Path) -> None:
    path, _broken = _corrupt(clean, unknown_concept, tmp_path)
    store = load(path)
    validator = Validator()
    projected = validator.validate_cross(store)
    union = ox.Store()
    union.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in store)
    whole = validator.validate_cross(union)
    everything = validator.validate_union(list(store))
    assert projected.findings == whole.findings == everything.findings
    assert projected.findings and projected.targeted == everything.targeted


def test_report_names_the_evidence_sentence(clean: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, broken = _corrupt(clean, reversed_period, tmp_path)
    _code, out, _err = _validate(capsys, str(path))
    store = load(path)
    exact = _one(store, f"SELECT ?e WHERE {{ GRAPH ?g {{ <{broken.focus}> dtkg:evidence/oa:hasSelector/oa:exact ?e }} }}")["e"]
    assert f'evidence: "{" ".join(exact.split())[:80]}' in out


@pytest.mark.parametrize("fmt", ["text", "turtle", "sarif"])
def test_both_engines_write_the_same_report(fmt: str, clean: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """``--shacl-engine pyshacl`` (the reference) and the default turbo: byte-identical reports."""
    path, _broken = _corrupt(clean, successor_overlap, tmp_path)
    fast = _validate(capsys, str(path), "--format", fmt)
    slow = _validate(capsys, str(path), "--format", fmt, "--shacl-engine", "pyshacl")
    assert fast[0] == slow[0] == 1
    if fmt == "turtle":  # blank node labels differ from run to run; the graphs are isomorphic
        assert rdflib.compare.isomorphic(rdflib.Graph().parse(data=fast[1], format="turtle"),
                                         rdflib.Graph().parse(data=slow[1], format="turtle"))
    else:
        assert fast[1] == slow[1]


def test_unknown_engine_is_a_usage_error(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _validate(capsys, str(clean), "--shacl-engine", "jena")
    assert code == 2 and out == "" and "--shacl-engine" in err


# ---------------------------------------------------------------- incremental cross-article validation


def _slots(store: ox.Store, validator: Validator) -> dict[str, bytes]:
    """Each named graph's projection, under the graph's IRI: what a build feeds CrossArticle."""
    return {g.value: validator.projection(list(store.quads_for_pattern(None, None, None, g)))
            for g in store.named_graphs()}


def _cross_run(validator: Validator, slots: dict[str, bytes], state: Path | None):  # type: ignore[no-untyped-def]
    cross = CrossArticle(validator, state_dir=state, key="test")
    try:
        for slot, projection in slots.items():
            cross.add(slot, projection)
        return cross.finish(), cross.stats
    finally:
        cross.close()


def _assert_same(incremental, cold) -> None:  # type: ignore[no-untyped-def]
    assert incremental.findings == cold.findings
    assert incremental.targeted == cold.targeted and incremental.per_graph == cold.per_graph


@pytest.fixture(scope="module")
def cross_validator() -> Validator:
    return Validator()


def test_cross_article_run_equals_the_whole_union_at_once(clean: Path, tmp_path: Path,
                                                          cross_validator: Validator) -> None:
    """Batched on the nodes within reach, the cross-article shapes give what they give on the whole union."""
    for corruption in (unknown_concept, successor_overlap):
        path, _broken = _corrupt(clean, corruption, tmp_path)
        store = load(path)
        run, stats = _cross_run(cross_validator, _slots(store, cross_validator), None)
        whole = cross_validator.validate_cross(store)
        assert run.findings == whole.findings and run.findings
        assert run.targeted == whole.targeted and stats is not None and stats.mode == "cold"


def test_one_changed_article_is_rechecked_alone_and_the_run_equals_a_cold_one(
        clean: Path, tmp_path: Path, cross_validator: Validator) -> None:
    state = tmp_path / "state"
    before = _slots(load(clean), cross_validator)
    first, stats = _cross_run(cross_validator, before, state)
    assert stats.mode == "cold" and stats.rechecked > 50
    path, broken = _corrupt(clean, unknown_concept, tmp_path)
    after = _slots(load(path), cross_validator)
    changed = [s for s in after if after[s] != before.get(s)]
    assert changed == [broken.graph]
    incremental, stats = _cross_run(cross_validator, after, state)
    cold, _ = _cross_run(cross_validator, after, None)
    _assert_same(incremental, cold)
    assert stats.mode == "incremental" and stats.changed == 1 and 0 < stats.rechecked < 10
    assert [f.focus for f in incremental.findings if f.shape.endswith("ScopeConcept-concept")] == [broken.focus]
    back, stats = _cross_run(cross_validator, before, state)  # and the fix goes away again
    _assert_same(back, first)
    assert stats.mode == "incremental" and not [f for f in back.findings if f.focus == broken.focus
                                                and f.shape.endswith("ScopeConcept-concept")]


def test_a_change_in_one_article_rechecks_a_focus_node_of_another(clean: Path, tmp_path: Path,
                                                                  cross_validator: Validator) -> None:
    """A successor's validity start, stated in another article, breaks the unit's timeline there."""
    store = load(clean)
    r = _one(store, """SELECT ?g ?x ?v ?d WHERE { GRAPH ?g { ?x dtkg:successor ?v ; dtkg:validUntil ?d ;
        a <https://w3id.org/dtkg/ontology#Province> } }""")
    other = next(g.value for g in sorted(store.named_graphs(), key=str) if "/graph/article/" in g.value and g.value != r["g"])
    state = tmp_path / "state"
    _cross_run(cross_validator, _slots(store, cross_validator), state)
    store.update(PREFIXES + f'INSERT DATA {{ GRAPH <{other}> {{ <{r["v"]}> dtkg:validFrom "{r["d"]}"^^xsd:date }} }}')
    slots = _slots(store, cross_validator)
    incremental, stats = _cross_run(cross_validator, slots, state)
    cold, _ = _cross_run(cross_validator, slots, None)
    _assert_same(incremental, cold)
    assert stats.mode == "incremental" and stats.changed == 1
    assert any(f.focus == r["x"] and f.shape.endswith("SuccessorTimelineShape") for f in incremental.findings)


def test_random_changes_over_many_runs_always_equal_a_cold_run(clean: Path, tmp_path: Path,
                                                               cross_validator: Validator) -> None:
    """Triples dropped, moved between articles, added from other datasets; articles removed and added back."""
    import random

    rng = random.Random(11)
    extra = []
    for corruption in (unknown_concept, successor_overlap, member_not_person):
        path, _broken = _corrupt(clean, corruption, tmp_path)
        extra += ox.parse(b"".join(_slots(load(path), cross_validator).values()), format=ox.RdfFormat.N_TRIPLES)
    current = {s: list(ox.parse(p, format=ox.RdfFormat.N_TRIPLES)) for s, p in _slots(load(clean), cross_validator).items()}
    parked: dict[str, list[ox.Triple]] = {}
    state = tmp_path / "state"
    rounds = 0
    for round_ in range(12):
        for _ in range(rng.randint(1, 4)):
            slot = rng.choice(sorted(current))
            action = rng.choice(["drop", "move", "add", "remove", "restore"])
            if action == "drop" and current[slot]:
                current[slot].remove(rng.choice(current[slot]))
            elif action == "move" and current[slot]:
                triple = rng.choice(current[slot])
                current[slot].remove(triple)
                current[rng.choice(sorted(current))].append(triple)
            elif action == "add":
                current[slot].append(rng.choice(extra))
            elif action == "remove" and len(current) > 3 and "/graph/article/" in slot:
                parked[slot] = current.pop(slot)
            elif action == "restore" and parked:
                name = rng.choice(sorted(parked))
                current[name] = parked.pop(name)
        slots = {s: ox.serialize(sorted(set(t), key=str), format=ox.RdfFormat.N_TRIPLES) for s, t in current.items()}
        incremental, stats = _cross_run(cross_validator, slots, state)
        cold, _ = _cross_run(cross_validator, slots, None)
        _assert_same(incremental, cold)
        assert stats.mode == ("cold" if round_ == 0 else "incremental")
        rounds += 1
    assert rounds == 12


def test_a_missing_or_interrupted_state_means_a_cold_run(clean: Path, tmp_path: Path,
                                                         cross_validator: Validator) -> None:
    state = tmp_path / "state"
    slots = _slots(load(clean), cross_validator)
    first, _ = _cross_run(cross_validator, slots, state)
    (state / "state.pickle").unlink()  # as if the last run stopped half-way
    again, stats = _cross_run(cross_validator, slots, state)
    _assert_same(again, first)
    assert stats.mode == "cold"
    shutil.rmtree(state / "store")  # the store gone, the state file left
    again, stats = _cross_run(cross_validator, slots, state)
    _assert_same(again, first)
    assert stats.mode == "cold"
    other = CrossArticle(cross_validator, state_dir=state, key="another model")
    try:
        for slot, projection in slots.items():
            other.add(slot, projection)
        other.finish()
        assert other.stats is not None and other.stats.mode == "cold"
    finally:
        other.close()


REACH_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:Type a sh:NodeShape ; sh:targetClass ex:C ; sh:datatype ex:x .
ex:Class a sh:NodeShape ; sh:targetClass ex:C ; sh:not [ sh:class ex:D ] .
ex:Two a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:class ex:D ] .
ex:Three a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; sh:class ex:D ] .
ex:Nested a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:Two ] .
ex:Inverse a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ] .
ex:Star a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:minCount 1 ] .
ex:Loop a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:Loop ] .
ex:Sparql a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select
    "SELECT $this WHERE { $this <http://example.org/p> ?x . ?x <http://example.org/q> ?y }" ] .
ex:Loose a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select
    "SELECT $this WHERE { $this <http://example.org/p> ?x . ?y <http://example.org/q> ?x }" ] .
ex:AnyPredicate a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?x }" ] .
"""


@pytest.mark.parametrize("shape, expected", [
    ("Type", 0), ("Class", 1), ("Two", 2), ("Three", 3), ("Nested", 3), ("Inverse", None), ("Star", None),
    ("Loop", None), ("Sparql", 2), ("Loose", None), ("AnyPredicate", None),
])
def test_reach_of_a_shape(shape: str, expected: int | None) -> None:
    """How many levels of nodes' triples a shape reads from its focus node; None when unbounded."""
    from dtkg.validate.reach import reach

    shapes = rdflib.Graph().parse(data=REACH_SHAPES, format="turtle")
    assert reach(shapes, [rdflib.URIRef("http://example.org/" + shape)]) == expected


def test_dtkg_cross_article_shapes_read_two_levels(cross_validator: Validator) -> None:
    assert cross_validator.cross_reach == 2


def test_a_rebuild_after_one_change_reports_exactly_what_a_cold_build_does(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(ROOT / "examples" / "articles", articles)
    settings = Settings(cache_dir=tmp_path / "cache", workers=1)
    build([articles], output=tmp_path / "warm" / "kg.nq", settings=settings)
    first = sorted(articles.glob("*.txt"))[1]
    first.write_text(first.read_text(encoding="utf-8").replace("chuyển đổi số", "chuyển đổi số quốc gia", 1),
                     encoding="utf-8")
    warm = build([articles], output=tmp_path / "warm" / "kg.nq", settings=settings)
    cold = build([articles], output=tmp_path / "cold" / "kg.nq",
                 settings=Settings(cache_dir=tmp_path / "fresh", workers=1))
    assert (warm.processed, warm.reused) == (1, len(cold.built) - 1)
    assert warm.validation is not None and cold.validation is not None
    assert sorted(warm.validation.findings, key=lambda f: f.sort_key()) == \
        sorted(cold.validation.findings, key=lambda f: f.sort_key())
    assert warm.validation.targeted == cold.validation.targeted
    assert warm.validation.per_graph == cold.validation.per_graph
    assert (tmp_path / "warm" / "kg.nq.validation.txt").read_text(encoding="utf-8").replace("/warm/", "/") == \
        (tmp_path / "cold" / "kg.nq.validation.txt").read_text(encoding="utf-8").replace("/cold/", "/")


def test_too_many_changes_to_track_mean_a_full_recheck_that_equals_a_cold_run(
        clean: Path, tmp_path: Path, cross_validator: Validator, monkeypatch: pytest.MonkeyPatch) -> None:
    import dtkg.validate.cross as cross_module

    state = tmp_path / "state"
    before = _slots(load(clean), cross_validator)
    _cross_run(cross_validator, before, state)
    path, _broken = _corrupt(clean, unknown_concept, tmp_path)
    after = _slots(load(path), cross_validator)
    after.pop(sorted(after)[0])  # and one graph gone
    monkeypatch.setattr(cross_module, "_BUFFER_BYTES", 10)  # any change is too much to hold
    full, stats = _cross_run(cross_validator, after, state)
    cold, _ = _cross_run(cross_validator, after, None)
    _assert_same(full, cold)
    assert stats.mode == "full" and stats.rechecked > 50
    monkeypatch.setattr(cross_module, "_BUFFER_BYTES", 64 * 2**20)
    again, stats = _cross_run(cross_validator, before, state)  # the state the full run left is sound
    _assert_same(again, _cross_run(cross_validator, before, None)[0])
    assert stats.mode == "incremental"


def test_shapes_whose_reach_is_unknown_are_checked_in_full_every_time(clean: Path, tmp_path: Path) -> None:
    """A cross-article shape with an inverse path: no reach, so every run rechecks all, and agrees with a cold one."""
    shapes = tmp_path / "shapes"
    shutil.copytree(resources.shapes_dir(), shapes)
    (shapes / "zz-inverse.ttl").write_text("""
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix dtkg: <https://w3id.org/dtkg/ontology#> .
@prefix schema: <https://schema.org/> . @prefix ex: <http://example.org/shapes#> .
ex:NamedByAnArticle a sh:NodeShape ; dtkg:crossArticle true ; sh:targetClass schema:Person ;
    sh:property [ sh:path [ sh:inversePath dtkg:rank ] ; sh:maxCount 0 ; sh:severity sh:Info ;
                  sh:message "x"@en , "x"@vi ] .
""", encoding="utf-8")
    validator = Validator(shapes)
    assert validator.cross_reach is None
    state = tmp_path / "state"
    slots = _slots(load(clean), validator)
    _cross_run(validator, slots, state)
    slots.pop(sorted(slots)[0])
    again, stats = _cross_run(validator, slots, state)
    _assert_same(again, _cross_run(validator, slots, None)[0])
    assert stats.mode == "full"
