"""The registry of pattern families and the shared vocabulary they are written in."""

from __future__ import annotations

import re
import unicodedata

import pytest

from dtkg.errors import ExtractError
from dtkg.extract.family import Context
from dtkg.extract.gazetteer import fold_with_offsets, load
from dtkg.extract.registry import FAMILIES, ordered
from dtkg.extract.vocab import DATA, alternation, vocabulary
from dtkg.ingest.normalize import normalize_text

from conftest import BASE


def test_every_family_is_registered_once_and_runs_after_what_it_requires() -> None:
    names = [f.name for f in ordered()]
    assert sorted(names) == sorted({"mentions", "positions", "agreements", "targets", "quotes", "documents",
                                    "awards", "indicators", "concepts"})
    for i, family in enumerate(ordered()):
        assert set(family.requires) <= set(names[:i]), family.name
    assert names[0] == "mentions"


class _Needs:
    name = "needs"
    requires = ("nothing-provides-this",)

    def extract(self, context: Context) -> None:
        return None


def test_an_unmet_requirement_is_an_error_naming_the_family() -> None:
    with pytest.raises(ExtractError, match="needs"):
        ordered(FAMILIES + (_Needs(),))


def test_every_vocabulary_row_is_in_the_normalised_spelling() -> None:
    """Texts are normalised before extraction; a row in another spelling ("thoả", "uỷ") can never match."""
    v = vocabulary()
    rows = 0
    for table, body in v._tables.items():
        for key, value in body.items():
            for word in value if isinstance(value, list) else [value]:
                if isinstance(word, str):
                    rows += 1
                    assert normalize_text(word) == word, (table, key, word)
                    assert unicodedata.is_normalized("NFC", word)
    assert rows > 200


def test_organisation_heads_cover_the_sectors() -> None:
    heads = vocabulary().org_heads
    assert len({h.head for h in heads}) == len(heads)
    assert {h.type for h in heads} == {"Organization", "GovernmentOrganization"}
    for h in heads:
        assert normalize_text(h.head) == h.head


def test_the_data_files_are_the_ones_read() -> None:
    assert {p.name for p in DATA.iterdir()} >= {"vocabulary.toml", "org_heads.tsv", "surnames.txt"}


def test_alternations_put_the_longer_form_first() -> None:
    pattern = re.compile(alternation(["ký", "ký kết"]))
    assert pattern.match("ký kết").group(0) == "ký kết"
    assert re.fullmatch(alternation(["ông"], cased=True), "Ông")


@pytest.mark.parametrize("text", ["Straße Viettel", "İstanbul và Viettel", "Viettel"])
def test_case_folding_keeps_a_map_back_to_the_text(text: str) -> None:
    folded, offsets = fold_with_offsets(text)
    start = folded.index("viettel")
    s, e = (start, start + 7) if offsets is None else (offsets[start], offsets[start + 7])
    assert text[s:e] == "Viettel"


def test_gazetteer_matches_after_characters_that_fold_to_two() -> None:
    gaz = load(BASE)
    matches = gaz.names.find("Straße và Tập đoàn Viettel")
    assert [(m.surface, m.entry.iri) for m in matches] == [("Tập đoàn Viettel", BASE + "org/viettel")]
