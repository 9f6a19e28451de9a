"""Gazetteers built from the reference data: places, organisations, concepts, ranks, titles.

Each entry knows its IRI, its preferred label and what it is. :class:`Matcher` finds
the longest non-overlapping matches of many surface forms in a text at once.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from ahocorasick_rs import AhoCorasick

from dtkg import iris, resources
from dtkg.extract.vocab import vocabulary
from dtkg.ingest.normalize import normalize_text

SCHEMA = "https://schema.org/"
DTKG = iris.ONTOLOGY
SKOS = "http://www.w3.org/2004/02/skos/core#"


class Kind(enum.Enum):
    PLACE = "place"
    ORGANIZATION = "organization"
    GOVERNMENT = "government"
    CONCEPT = "concept"
    RANK = "rank"
    TITLE = "title"


@dataclass(frozen=True)
class Entry:
    iri: str
    name: str
    kind: Kind
    classes: frozenset[str]
    governs: str | None = None

    @property
    def is_unit(self) -> bool:
        return bool(self.classes & {DTKG + "Province", DTKG + "CentralCity"})

    @property
    def is_ministry(self) -> bool:
        return self.kind in (Kind.GOVERNMENT, Kind.ORGANIZATION) and self.name.startswith("Bộ ") and "Chính trị" not in self.name


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    surface: str
    entry: Entry


def _kind(classes: frozenset[str]) -> Kind | None:
    if DTKG + "MilitaryRank" in classes:
        return Kind.RANK
    if DTKG + "PositionTitle" in classes:
        return Kind.TITLE
    if SKOS + "Concept" in classes:
        return Kind.CONCEPT
    if classes & {SCHEMA + "AdministrativeArea", SCHEMA + "Country", SCHEMA + "Place", SCHEMA + "City"}:
        return Kind.PLACE
    if SCHEMA + "GovernmentOrganization" in classes:
        return Kind.GOVERNMENT
    if classes & {SCHEMA + "Organization", SCHEMA + "Corporation"}:
        return Kind.ORGANIZATION
    return None


def fold_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """A case-folded copy of ``text`` and, when folding changed its length ("ß" → "ss"),
    the offset in ``text`` of every position of the copy (one more for the end)."""
    folded = text.casefold()
    if len(folded) == len(text):
        return folded, None
    parts: list[str] = []
    offsets: list[int] = []
    for i, c in enumerate(text):
        f = c.casefold()
        parts.append(f)
        offsets.extend([i] * len(f))
    offsets.append(len(text))
    return "".join(parts), offsets


def _fold(surface: str) -> str:
    return fold_with_offsets(surface)[0]


class Matcher:
    """Longest-match lookup of many surface forms; acronyms match case-sensitively.

    One Aho-Corasick automaton of the case-folded forms finds every occurrence in a single
    pass over a case-folded copy of the text; from left to right, the longest form that
    starts a word, ends at a word boundary and passes the case checks wins.
    """

    def __init__(self, surfaces: Iterable[tuple[str, Entry]], *, proper: bool) -> None:
        self.proper = proper
        self.by_fold: dict[str, Entry] = {}
        self.exact: dict[str, Entry] = {}
        for surface, entry in surfaces:
            surface = " ".join(normalize_text(surface).split())
            if len(surface) < 2:
                continue
            if _is_acronym(surface):
                self.exact.setdefault(surface, entry)
            else:
                self.by_fold.setdefault(_fold(surface), entry)
        self.forms = sorted(f for f in set(self.by_fold) | {_fold(f) for f in self.exact} if _WORD.match(f))
        self.automaton = AhoCorasick(self.forms) if self.forms else None

    def find(self, text: str) -> list[Match]:
        if self.automaton is None:
            return []
        folded, offsets = fold_with_offsets(text)
        ends: dict[int, list[int]] = {}
        for index, start, _end in self.automaton.find_matches_as_indexes(folded, overlapping=True):
            ends.setdefault(start, []).append(index)
        matches: list[Match] = []
        position = 0
        for start in sorted(ends):
            if start < position or (start > 0 and (folded[start - 1].isalnum() or folded[start - 1] == "&")):
                continue
            for index in sorted(ends[start], key=lambda i: -len(self.forms[i])):
                form = self.forms[index]
                s, e = (start, start + len(form)) if offsets is None else (offsets[start], offsets[start + len(form)])
                if e < len(text) and (text[e].isalnum() or text[e] == "&"):
                    continue
                surface = text[s:e]
                entry = self.exact.get(surface) or self.by_fold.get(form)
                if entry is None or (self.proper and not any(c.isupper() for c in surface)):
                    continue
                matches.append(Match(s, e, surface, entry))
                position = start + len(form)
                break
        return matches


_WORD = re.compile(r"[^\W_]+")


def _is_acronym(surface: str) -> bool:
    letters = [c for c in surface if c.isalpha()]
    uppers = sum(c.isupper() for c in letters)
    return len(surface) <= 6 and uppers >= 2 and " " not in surface


@dataclass(frozen=True)
class Gazetteer:
    entries: tuple[Entry, ...]
    names: Matcher
    concepts: Matcher
    ranks: Matcher
    titles: Matcher
    by_iri: dict[str, Entry]
    core: dict[str, tuple[str, ...]] = field(default_factory=dict)
    bodies: dict[tuple[str, str], Entry] = field(default_factory=dict)
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # IRI → every name it is written as

    def body(self, code: str, place: str) -> Entry | None:
        """The governing body ("ubnd", "hdnd", "tinh-uy") of a provincial unit, by the unit's IRI."""
        return self.bodies.get((code, place))


def _governing_bodies(base: str, unit: Entry, surfaces: list[str]) -> dict[str, tuple[Entry, list[str]]]:
    """UBND/HĐND/Tỉnh ủy of a provincial unit, by body code, with the forms news writes them in."""
    bodies = vocabulary().mapping("local_bodies")
    city = DTKG + "CentralCity" in unit.classes
    kind_word = "thành phố" if city else "tỉnh"
    names = {s for s in surfaces if not s.lower().startswith(("tỉnh ", "thành phố ", "tp"))} | {unit.name}
    out: dict[str, tuple[Entry, list[str]]] = {}
    for code in ("ubnd", "hdnd"):
        forms = bodies[code]
        entry = Entry(iris.governing_body(base, code, unit.iri), f"{forms[0]} {kind_word} {unit.name}",
                      Kind.GOVERNMENT, frozenset({SCHEMA + "GovernmentOrganization"}), unit.iri)
        written: list[str] = []
        for form in forms:
            for name in names:
                for connector in ("tỉnh", "thành phố", "TP", "TP.", ""):
                    written.append(" ".join(f"{form} {connector} {name}".split()))
                written.append(f"{form} TP.{name}")
        out[code] = (entry, written)
    party = bodies["party"][1] if city else bodies["party"][0]
    entry = Entry(iris.governing_body(base, "tinh-uy", unit.iri), f"{party} {unit.name}", Kind.GOVERNMENT,
                  frozenset({SCHEMA + "GovernmentOrganization"}), unit.iri)
    out["tinh-uy"] = (entry, [f"{party} {name}" for name in names])
    return out


@cache
def load(base: str, files: tuple[Path, ...] | None = None) -> Gazetteer:
    """The gazetteer of the reference data, with IRIs resolved against ``base``."""
    store = ox.Store()
    for path in files or tuple(resources.reference_files()):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base)
    query = (Path(__file__).parent / "gazetteer.rq").read_text(encoding="utf-8")
    raw: dict[str, tuple[str, frozenset[str], list[str]]] = {}
    for row in store.query(query):  # type: ignore[union-attr]
        iri, surface, pref, classes = row["entity"].value, row["surface"].value, row["pref"].value, row["classes"].value
        entry = raw.setdefault(iri, (unicodedata.normalize("NFC", pref), frozenset(classes.split()), []))
        entry[2].append(surface)
    entries: list[Entry] = []
    named: list[tuple[str, Entry]] = []
    concepts: list[tuple[str, Entry]] = []
    ranks: list[tuple[str, Entry]] = []
    titles: list[tuple[str, Entry]] = []
    bodies: dict[tuple[str, str], Entry] = {}
    for iri, (pref, classes, surfaces) in sorted(raw.items()):
        kind = _kind(classes)
        if kind is None:
            continue
        unit = Entry(iri, pref, kind, classes)
        entries.append(unit)
        bucket = {Kind.CONCEPT: concepts, Kind.RANK: ranks, Kind.TITLE: titles}.get(kind, named)
        bucket.extend((s, unit) for s in surfaces)
        if unit.is_unit:
            for code, (body, written) in _governing_bodies(base, unit, surfaces).items():
                named.extend((form, body) for form in written)
                bodies[code, iri] = body
            if DTKG + "CentralCity" in classes:
                named.extend((f"{prefix}{unit.name}", unit) for prefix in ("TP.", "TP. ", "TP ", "thành phố ", "Thành phố "))
    by_iri = {e.iri: e for e in entries} | {e.iri: e for _, e in named}
    core: dict[str, list[str]] = {}
    for row in store.query((Path(__file__).parent / "concept-core.rq").read_text(encoding="utf-8")):  # type: ignore[union-attr]
        core.setdefault(row["concept"].value, []).append(row["core"].value)
    return Gazetteer(tuple(entries), Matcher(named, proper=True), Matcher(concepts, proper=False),
                     Matcher(ranks, proper=True), Matcher(titles, proper=False), by_iri,
                     {k: tuple(v) for k, v in core.items()}, bodies, _aliases(named))


def _aliases(named: list[tuple[str, Entry]]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for surface, entry in named:
        out.setdefault(entry.iri, []).append(surface)
    return {iri: tuple(sorted(set(forms))) for iri, forms in out.items()}
