"""The shapes themselves: meta-validated against SHACL-SHACL, and exercised case by case.

Each ``tests/data/shapes/*.trig`` file holds cases: its default graph names, for each
case, the shape it exercises and (for a violating case) the one result expected from
that shape as ``( component focus severity )``; the named graph with the case's IRI is
the data. A conforming case must give no result from its shape while that shape (or its
node shape) targeted something; a violating case exactly the expected result.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import RDF, SH

from dtkg import resources
from dtkg.validate.engine import Finding, Severity, Validator

CASES_DIR = Path(__file__).parent / "data" / "shapes"
T = rdflib.Namespace("https://w3id.org/dtkg/shapes/test#")
DTSH = "https://w3id.org/dtkg/shapes#"
EXPECTED_CASES = 201


@dataclass(frozen=True)
class Case:
    """One fixture case: its data, the shape it exercises, what it expects."""

    name: str
    file: str
    shape: str
    data: rdflib.Graph
    expect: tuple[str, str, Severity] | None

    def __repr__(self) -> str:
        return self.name


def _load_cases() -> list[Case]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.trig")):
        dataset = rdflib.Dataset()
        dataset.parse(path, format="trig")
        manifest = dataset.default_graph
        for case in sorted(set(manifest.subjects(T.shape, None)), key=str):
            data = rdflib.Graph()
            for triple in dataset.graph(rdflib.URIRef(case)):
                data.add(triple)
            cases.append(Case(str(case).rsplit(":", 2)[-2] + ":" + str(case).rsplit(":", 1)[-1], path.name,
                              str(manifest.value(case, T.shape)), data, _expectation(manifest, case)))
    return cases


def _expectation(manifest: rdflib.Graph, case: rdflib.term.Node) -> tuple[str, str, Severity] | None:
    head = manifest.value(case, T.expect)
    if head is None:
        return None
    component, focus, severity = list(rdflib.collection.Collection(manifest, head))
    return str(component), str(focus), Severity.from_iri(severity)


CASES = _load_cases()


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


def _results(validator: Validator, case: Case) -> tuple[list[Finding], dict[str, int]]:
    local = validator.validate(case.data, graph="case")
    cross = validator.validate(case.data, cross=True)
    findings = [f for f in local.findings + cross.findings if f.shape == case.shape]
    targeted = {**local.targeted, **{k: v for k, v in cross.targeted.items() if v}}
    return findings, targeted


def check_case(validator: Validator, case: Case) -> None:
    """Assert a case's outcome: no result, or exactly the expected one, from its shape."""
    findings, targeted = _results(validator, case)
    got = [(f.component, f.focus, f.severity) for f in findings]
    if case.expect is None:
        node_shape = validator.shapes.graph.value(None, SH.property, rdflib.URIRef(case.shape)) or case.shape
        assert targeted.get(str(node_shape), 0) > 0, f"{case.name}: {node_shape} targeted nothing"
        assert got == [], f"{case.name}: expected no result from {case.shape}, got {got}"
    else:
        component, focus, severity = case.expect
        assert got == [(str(SH) + component.rsplit("#", 1)[-1], focus, severity)], f"{case.name}: got {got}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(validator: Validator, case: Case) -> None:
    check_case(validator, case)


def test_all_cases_ran(validator: Validator) -> None:
    """Every case, in one go, and how many there are (a fixture file that stopped loading shows here)."""
    ran = 0
    for case in CASES:
        check_case(validator, case)
        ran += 1
    assert ran == len(CASES) == EXPECTED_CASES


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
    good = {c.shape for c in CASES if c.expect is None}
    bad = {c.shape for c in CASES if c.expect is not None}
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
                     "SuccessorShape", "SuccessorTimelineShape", "MergerConsistencyShape"}
    assert len(validator.cross_shapes) > 0 and not set(validator.local_shapes.subjects(
        rdflib.URIRef("https://w3id.org/dtkg/ontology#crossArticle"), None))
