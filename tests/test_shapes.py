"""The shapes themselves: meta-validated against SHACL-SHACL, and exercised case by case, on both engines.

Each ``tests/data/shapes/*.trig`` file holds cases: its default graph names, for each
case, the shape it exercises and (for a violating case) each result expected from that
shape as ``( component focus severity )``; the named graph with the case's IRI is the
data. A conforming case must give no result from its shape while that shape (or its
node shape) targeted something; a violating case exactly the expected results.

Every case runs on the default engine (pyshacl-turbo) and on pySHACL, the reference; the
two must give identical results (every field of every finding, from every shape), except
where an engine departs from the SHACL specification: there the test asserts what the
specification requires, names the clause, and checks that the departure is still there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import RDF, SH, XSD

from dtkg import resources
from dtkg.settings import ShaclEngine
from dtkg.validate import Finding, Severity, Validator

CASES_DIR = Path(__file__).parent / "data" / "shapes"
T = rdflib.Namespace("https://w3id.org/dtkg/shapes/test#")
DTSH = "https://w3id.org/dtkg/shapes#"
EXPECTED_CASES = 203
Expected = tuple[str, str, Severity]


@dataclass(frozen=True)
class Case:
    """One fixture case: its data, the shape it exercises, what it expects."""

    name: str
    file: str
    shape: str
    data: tuple[ox.Triple, ...]
    expect: tuple[Expected, ...]

    def __repr__(self) -> str:
        return self.name


def _load_cases() -> list[Case]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.trig")):
        dataset = rdflib.Dataset()
        dataset.parse(path, format="trig")
        manifest = dataset.default_graph
        for case in sorted(set(manifest.subjects(T.shape, None)), key=str):
            data = dataset.graph(rdflib.URIRef(case)).serialize(format="nt", encoding="utf-8")
            triples = tuple(q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
            cases.append(Case(str(case).rsplit(":", 2)[-2] + ":" + str(case).rsplit(":", 1)[-1], path.name,
                              str(manifest.value(case, T.shape)), triples, _expectations(manifest, case)))
    return cases


def _expectations(manifest: rdflib.Graph, case: rdflib.term.Node) -> tuple[Expected, ...]:
    out = []
    for head in manifest.objects(case, T.expect):
        component, focus, severity = list(rdflib.collection.Collection(manifest, head))
        out.append((str(SH) + str(component).rsplit("#", 1)[-1], str(focus), Severity.from_iri(severity)))
    return tuple(sorted(out))


CASES = _load_cases()
BY_NAME = {c.name: c for c in CASES}

# Where an engine departs from the SHACL specification: case → the results the specification
# requires that the engine does not give.
#
# SHACL 1.0 §4.1.2 (sh:datatype, https://www.w3.org/TR/shacl/#DatatypeConstraintComponent):
# "A literal matches a datatype if the literal's datatype has the same IRI and, for the
# datatypes supported by SPARQL 1.1, is not an ill-typed literal." "năm 2030" is not in the
# lexical space of xsd:gYear (XML Schema 1.1 Part 2 §3.3.11), so "năm 2030"^^xsd:gYear is an
# ill-typed literal (RDF 1.1 Concepts §3.3) and does not match xsd:gYear: a
# sh:DatatypeConstraintComponent result is required (besides the sh:pattern one). pySHACL
# reads ill-typedness from rdflib, which has no lexical check for xsd:gYear and so misses
# it — unless something in the same process registered one with rdflib (owlrl does, when
# it computes a closure, as tests/test_model.py does): then pySHACL finds it too.
_ILL_TYPED_GYEAR = {
    "facts:horizon-words": "http://example.org/ag",
    "facts:year-words": "http://example.org/e",
    "facts:target-year-words": "http://example.org/t",
}


def departures(engine: ShaclEngine) -> dict[str, frozenset[Expected]]:
    """The results the specification requires that ``engine`` does not give, by case."""
    if engine is ShaclEngine.TURBO:
        return {}
    if rdflib.Literal("năm 2030", datatype=XSD.gYear).ill_typed:  # rdflib has a gYear check here
        return {}
    return {name: frozenset({(str(SH.DatatypeConstraintComponent), focus, Severity.VIOLATION)})
            for name, focus in _ILL_TYPED_GYEAR.items()}


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


@pytest.fixture(scope="module")
def reference() -> Validator:
    return Validator(engine=ShaclEngine.PYSHACL)


def _all_findings(validator: Validator, case: Case) -> tuple[list[Finding], dict[str, int]]:
    """Every finding of the case's data, from the per-graph and the cross-article shapes."""
    local = validator.validate_graph(case.data, graph="case")
    cross = validator.validate_union(case.data)
    targeted = {**local.targeted, **{k: v for k, v in cross.targeted.items() if v}}
    return sorted(local.findings + cross.findings, key=Finding.sort_key), targeted


def check_case(validator: Validator, case: Case, findings: list[Finding], targeted: dict[str, int]) -> None:
    """Assert a case's outcome: no result, or exactly the expected ones, from its shape."""
    got = sorted((f.component, f.focus, f.severity) for f in findings if f.shape == case.shape)
    missing = departures(validator.engine).get(case.name, frozenset())
    if not case.expect:
        node_shape = validator.shapes.graph.value(None, SH.property, rdflib.URIRef(case.shape)) or case.shape
        assert targeted.get(str(node_shape), 0) > 0, f"{case.name}: {node_shape} targeted nothing"
        assert got == [], f"{case.name}: expected no result from {case.shape}, got {got}"
    else:
        assert missing <= set(case.expect), f"{case.name}: a departure the case does not expect"
        assert got == sorted(set(case.expect) - missing), f"{case.name} on {validator.engine.value}: got {got}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(validator: Validator, case: Case) -> None:
    check_case(validator, case, *_all_findings(validator, case))


def test_both_engines_give_identical_results_on_every_case(validator: Validator, reference: Validator) -> None:
    """Every field of every finding, from every shape, on all 203 cases: turbo == pySHACL,
    but for the departures :func:`departures` names (where the specification's result is asserted)."""
    assert validator.engine is ShaclEngine.TURBO and reference.engine is ShaclEngine.PYSHACL
    ran = 0
    for case in CASES:
        fast, fast_targeted = _all_findings(validator, case)
        slow, slow_targeted = _all_findings(reference, case)
        check_case(validator, case, fast, fast_targeted)
        check_case(reference, case, slow, slow_targeted)
        missing = departures(ShaclEngine.PYSHACL).get(case.name, frozenset())
        only_fast = [f for f in fast if (f.component, f.focus, f.severity) in missing and f.shape == case.shape]
        assert len(only_fast) == len(missing)
        assert [f for f in fast if f not in only_fast] == slow, case.name
        assert fast_targeted == slow_targeted, case.name
        ran += 1
    assert ran == len(CASES) == EXPECTED_CASES


def test_departures_name_cases_that_exist() -> None:
    assert set(_ILL_TYPED_GYEAR) <= set(BY_NAME)
    for name, focus in _ILL_TYPED_GYEAR.items():
        assert (str(SH.DatatypeConstraintComponent), focus, Severity.VIOLATION) in BY_NAME[name].expect


@pytest.mark.parametrize("engine", list(ShaclEngine), ids=[e.value for e in ShaclEngine])
def test_language_in_a_store_is_read_as_the_same_term(engine: ShaclEngine) -> None:
    """``"vi"^^xsd:string`` and ``"vi"`` are one RDF 1.1 term: sh:in ( "vi" ) accepts both, on
    both engines, through the input path the build uses (a pyoxigraph store); "en" is refused."""
    validator = Validator(engine=engine)
    article = ox.NamedNode("http://example.org/a")
    language = ox.NamedNode("https://schema.org/inLanguage")
    news = ox.Triple(article, ox.NamedNode(str(RDF.type)), ox.NamedNode("https://schema.org/NewsArticle"))
    xsd_string = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")
    for value, refused in ((ox.Literal("vi", datatype=xsd_string), False), (ox.Literal("vi"), False),
                           (ox.Literal("en"), True)):
        store = ox.Store()
        store.extend([ox.Quad(*news), ox.Quad(article, language, value)])
        run = validator.validate_graph(store, graph="g")
        results = [f for f in run.findings if f.component == str(SH.InConstraintComponent)]
        assert [(f.focus, f.value) for f in results] == ([("http://example.org/a", value.value)] if refused else [])


def _rules(shapes: rdflib.Graph) -> set[str]:
    """Shapes that can be a result's sh:sourceShape: property shapes and node shapes with constraints of their own."""
    own = {SH["or"], SH["not"], SH.sparql, SH["and"], SH.xone, SH["class"], SH.datatype}
    rules = {str(s) for s in shapes.subjects(RDF.type, SH.PropertyShape)}
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        if any((shape, p, None) in shapes for p in own):
            rules.add(str(shape))
    return rules


def test_every_shape_has_a_conforming_and_a_violating_case(validator: Validator) -> None:
    rules = _rules(validator.shapes.graph)
    good = {c.shape for c in CASES if not c.expect}
    bad = {c.shape for c in CASES if c.expect}
    assert rules - good == set(), "shapes without a conforming case"
    assert rules - bad == set(), "shapes without a violating case"
    assert {c.shape for c in CASES} - rules == set(), "cases for shapes that do not exist"
    grouping = {str(s) for s in validator.shapes.graph.subjects(RDF.type, SH.NodeShape)} - rules
    for node_shape in grouping:
        members = {str(p) for p in validator.shapes.graph.objects(rdflib.URIRef(node_shape), SH.property)}
        assert members & good and members & bad, f"{node_shape} has no cases through its property shapes"


def test_shapes_pass_shacl_shacl() -> None:
    """pySHACL's meta-validation (SHACL-SHACL) accepts every shapes file together."""
    shapes = rdflib.Graph()
    for path in sorted(resources.shapes_dir().glob("*.ttl")):
        shapes.parse(path, format="turtle")
    conforms, _report, text = pyshacl_validate(rdflib.Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


def test_every_shape_has_english_and_vietnamese_messages(validator: Validator) -> None:
    shapes = validator.shapes.graph
    for rule in _rules(shapes):
        node = rdflib.URIRef(rule)
        holders = [node, *shapes.objects(node, SH.sparql)]
        languages = {getattr(m, "language", None) for h in holders for m in shapes.objects(h, SH.message)}
        assert {"en", "vi"} <= languages, f"{rule} lacks an English or Vietnamese sh:message"


def test_severities_mean_something(validator: Validator) -> None:
    """Warnings are the suspicious cases the issue names; notes are few; the rest are violations."""
    shapes = validator.shapes.graph
    by_severity: dict[str, set[str]] = {}
    for shape, severity in shapes.subject_objects(SH.severity):
        by_severity.setdefault(str(severity).rsplit("#", 1)[-1], set()).add(str(shape).removeprefix(DTSH))
    assert {"CooperationAgreement-partyCount", "TargetYearShape", "PersonPositionShape"} <= by_severity["Warning"]
    assert by_severity["Info"] == {"NewsArticle-dateMissing", "Fact-lowConfidence", "ArticleSource-sourceName"}
    assert "Violation" not in by_severity  # the default


def test_cross_article_shapes_are_marked(validator: Validator) -> None:
    cross = {str(s).removeprefix(DTSH) for s in validator.cross}
    assert cross == {"ScopeConceptShape", "RankConceptShape", "PersonOrOrganizationShape", "ArticleSourceShape",
                     "SuccessorShape", "SuccessorTimelineShape", "MergerConsistencyShape", "ConflictShape"}
    assert len(validator.cross_shapes) > 0 and not set(validator.local_shapes.subjects(
        rdflib.URIRef("https://w3id.org/dtkg/ontology#crossArticle"), None))
