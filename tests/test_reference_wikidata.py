"""Wikidata links of the reference data: every group, company, ministry and provincial unit
has a QID, or is listed in tests/data/reference/no-qid.txt as having none (unconfirmed or on
purpose), so that any change to either shows up here."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from dtkg import resources

BASE = "http://example.org/id/"
WIKIDATA = "http://www.wikidata.org/entity/"
NO_QID = Path(__file__).parent / "data" / "reference" / "no-qid.txt"
PREFIXES = """PREFIX schema: <https://schema.org/> PREFIX dtkg: <https://w3id.org/dtkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX owl: <http://www.w3.org/2002/07/owl#>"""


@pytest.fixture(scope="module")
def reference() -> ox.Store:
    store = ox.Store()
    for path in resources.reference_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=BASE)
    return store


def _in_scope(store: ox.Store) -> dict[str, str | None]:
    """Every organisation and provincial unit of the reference data → its Wikidata IRI or None."""
    query = PREFIXES + """
        SELECT DISTINCT ?e ?w WHERE {
          VALUES ?class { schema:Organization dtkg:Province dtkg:CentralCity }
          ?e a ?class ; skos:prefLabel ?label .
          OPTIONAL { ?e owl:sameAs ?w FILTER STRSTARTS(STR(?w), "http://www.wikidata.org/entity/") }
        }"""
    out: dict[str, str | None] = {}
    for row in store.query(query):  # type: ignore[union-attr]
        out[row["e"].value[len(BASE):]] = row["w"].value if row["w"] is not None else None
    return out


def _listed() -> dict[str, str]:
    rows = [line.split("|", 1) for line in NO_QID.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    return {iri.strip(): why.strip() for iri, why in rows}


def test_entities_without_a_qid_are_exactly_the_listed_ones(reference: ox.Store) -> None:
    entities = _in_scope(reference)
    without = sorted(e for e, w in entities.items() if w is None)
    listed = _listed()
    assert without == sorted(listed)
    assert all(why.startswith(("unconfirmed", "on purpose")) for why in listed.values())


def test_all_63_provincial_units_have_a_qid(reference: ox.Store) -> None:
    units = {e: w for e, w in _in_scope(reference).items() if e.startswith("place/")}
    assert len(units) == 63
    assert all(w is not None for w in units.values())
    assert units["place/ca-mau"] == WIKIDATA + "Q33354"  # the province, not the city (Q25262)
    assert units["place/ha-noi"] == WIKIDATA + "Q1858"


def test_links_are_well_formed_unique_and_point_from_known_entities(reference: ox.Store) -> None:
    query = PREFIXES + """SELECT ?e ?w WHERE { ?e owl:sameAs ?w FILTER STRSTARTS(STR(?w), "http://www.wikidata.org/") }"""
    links = [(row["e"].value, row["w"].value) for row in reference.query(query)]  # type: ignore[union-attr]
    assert len(links) >= 70
    assert all(re.fullmatch(r"http://www\.wikidata\.org/entity/Q[1-9]\d*", w) for _, w in links)
    targets = [w for _, w in links]
    assert len(targets) == len(set(targets))
    labelled = PREFIXES + "ASK { ?e skos:prefLabel ?l }"
    for entity, _ in links:  # a typo in wikidata.ttl would link a node that exists nowhere else
        assert reference.query(labelled, substitutions={ox.Variable("e"): ox.NamedNode(entity)}), entity


def test_the_wikidata_file_is_loaded_with_the_reference_data() -> None:
    assert resources.ontology_dir() / "reference" / "wikidata.ttl" in resources.reference_files()
