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

from dtkg import iris, resources
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


class Matcher:
    """Longest-match lookup of many surface forms; acronyms match case-sensitively.

    Surfaces are indexed by their first word, so a text is scanned once, word by word,
    trying only the surfaces that start with the word at hand, longest first.
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
                self.by_fold.setdefault(_lower(surface), entry)
        self.index: dict[str, list[str]] = {}
        for form in set(self.by_fold) | {_lower(f) for f in self.exact}:
            first = _WORD.match(form)
            if first:
                self.index.setdefault(first.group(0), []).append(form)
        for forms in self.index.values():
            forms.sort(key=len, reverse=True)

    def find(self, text: str) -> list[Match]:
        lowered = _lower(text)
        matches: list[Match] = []
        position = 0
        for word in _WORD.finditer(lowered):
            start = word.start()
            if start < position or (start > 0 and (lowered[start - 1].isalnum() or lowered[start - 1] == "&")):
                continue
            for form in self.index.get(word.group(0), ()):
                end = start + len(form)
                if not lowered.startswith(form, start) or (end < len(text) and (text[end].isalnum() or text[end] == "&")):
                    continue
                surface = text[start:end]
                entry = self.exact.get(surface) or self.by_fold.get(form)
                if entry is None or (self.proper and not any(c.isupper() for c in surface)):
                    continue
                matches.append(Match(start, end, surface, entry))
                position = end
                break
        return matches


_WORD = re.compile(r"[^\W_]+")


def _lower(text: str) -> str:
    """Lower case, keeping every character's position (one character in, one out)."""
    return "".join(c if len(low := c.lower()) != 1 else low for c in text)


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

    def body(self, code: str, place: str) -> Entry | None:
        """The governing body ("ubnd", "hdnd", "tinh-uy") of a provincial unit, by the unit's IRI."""
        return self.bodies.get((code, place))


_BODIES = (
    ("ubnd", "UBND", ("UBND", "Ủy ban nhân dân", "Uỷ ban nhân dân", "Ủy ban Nhân dân")),
    ("hdnd", "HĐND", ("HĐND", "Hội đồng nhân dân", "Hội đồng Nhân dân")),
)


def _governing_bodies(base: str, unit: Entry, surfaces: list[str]) -> list[tuple[str, Entry]]:
    """UBND/HĐND/Tỉnh ủy of a provincial unit, with the forms news writes them in."""
    city = DTKG + "CentralCity" in unit.classes
    kind_word = "thành phố" if city else "tỉnh"
    place_slug = unit.iri.rstrip("/").rsplit("/", 1)[-1]
    names = {s for s in surfaces if not s.lower().startswith(("tỉnh ", "thành phố ", "tp"))} | {unit.name}
    out: list[tuple[str, Entry]] = []
    for code, short, forms in _BODIES:
        entry = Entry(iris.governing_body(base, code, place_slug), f"{short} {kind_word} {unit.name}",
                      Kind.GOVERNMENT, frozenset({SCHEMA + "GovernmentOrganization"}), unit.iri)
        for form in forms:
            for name in names:
                for connector in ("tỉnh", "thành phố", "TP", "TP.", ""):
                    out.append((" ".join(f"{form} {connector} {name}".split()), entry))
                out.append((f"{form} TP.{name}", entry))
    party = "Thành ủy" if city else "Tỉnh ủy"
    entry = Entry(iris.governing_body(base, "tinh-uy", place_slug), f"{party} {unit.name}", Kind.GOVERNMENT,
                  frozenset({SCHEMA + "GovernmentOrganization"}), unit.iri)
    for form in (party, party.replace("ủy", "uỷ")):
        for name in names:
            out.append((f"{form} {name}", entry))
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
    for iri, (pref, classes, surfaces) in sorted(raw.items()):
        kind = _kind(classes)
        if kind is None:
            continue
        entry = Entry(iri, pref, kind, classes)
        entries.append(entry)
        bucket = {Kind.CONCEPT: concepts, Kind.RANK: ranks, Kind.TITLE: titles}.get(kind, named)
        bucket.extend((s, entry) for s in surfaces)
        if entry.is_unit:
            named.extend(_governing_bodies(base, entry, surfaces))
            if DTKG + "CentralCity" in classes:
                named.extend((f"{prefix}{entry.name}", entry) for prefix in ("TP.", "TP. ", "TP ", "thành phố ", "Thành phố "))
    by_iri = {e.iri: e for e in entries} | {e.iri: e for _, e in named}
    core: dict[str, list[str]] = {}
    for row in store.query((Path(__file__).parent / "concept-core.rq").read_text(encoding="utf-8")):  # type: ignore[union-attr]
        core.setdefault(row["concept"].value, []).append(row["core"].value)
    bodies = {(e.iri.rsplit("/", 1)[-1].rsplit("-" + e.governs.rsplit("/", 1)[-1], 1)[0], e.governs): e
              for _, e in named if e.governs}
    return Gazetteer(tuple(entries), Matcher(named, proper=True), Matcher(concepts, proper=False),
                     Matcher(ranks, proper=True), Matcher(titles, proper=False), by_iri,
                     {k: tuple(v) for k, v in core.items()}, bodies)
