"""Mentions of organisations, places and persons, resolved to entities within an article.

Sources of candidates, strongest first: the gazetteer (reference places, organisations
and their governing bodies), patterns for organisations not in it ("Tập đoàn X",
"Sở Y tỉnh Z"), and capitalised name runs that start with a family name or follow a
title, rank or honorific. Short references ("ông Tuấn", "UBND tỉnh", "địa phương này")
resolve to an entity named earlier or to the article's main province.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache

from dtkg import iris
from dtkg.extract.family import Context
from dtkg.extract.gazetteer import Entry, Gazetteer, Kind, Match
from dtkg.extract.patterns import LO, LOCATIVE_BEFORE, NAME_UNIT, NOT_NAME, UP
from dtkg.extract.vocab import DATA, alternation, vocabulary
from dtkg.model import Article, EntityType

_V = vocabulary()
_WORD = re.compile(r"[^\W\d_]+")
_HONORIFIC = re.compile(rf"(?:{_V.alt('honorifics')}|{_V.alt('honorifics', 'degrees')})\.?\s+$")
_ORG_HEAD = _V.org_head_alt
_UBND = _V.alt("local_bodies", "ubnd")
_BODY = f"{_UBND}|{_V.alt('local_bodies', 'hdnd')}"
_PARTY = _V.alt("local_bodies", "party")
_LOCATIVE = _V.alt("locatives")
_ORG = re.compile(
    rf"(?<![\w])(?:{_ORG_HEAD})\s+{NAME_UNIT}(?:(?:\s+(?:và|&)\s+(?!(?:{_ORG_HEAD})\s)|\s*[-–]\s*|\s+){NAME_UNIT})*"
)
_PLACE_CLASSIFIER = re.compile(
    rf"(?<![\w])(?:các\s+)?(?:huyện|quận|thị xã|thị trấn|xã|phường|đảo|huyện đảo|đặc khu|vườn quốc gia|Vườn quốc gia|"
    rf"khu kinh tế|Khu kinh tế|bãi biển|biển|vịnh|cảng|sân bay|cửa khẩu|thành phố|TP\.?)"
    rf"(?:\s+(?:miền núi|biên giới|vùng cao|ven biển|nông thôn|đảo))?(?:\s+như)?\s+"
    rf"(?P<name>[{UP}][{LO}]*(?![\w])(?:\s+[{UP}][{LO}]*(?![\w])){{0,3}}"
    rf"(?:(?:,\s+|\s+và\s+)[{UP}][{LO}]*(?![\w])(?:\s+[{UP}][{LO}]*(?![\w])){{0,3}})*)"
)
_PLACE_BODY = re.compile(
    rf"(?<![\w])(?P<head>{_V.head_alt('named', 'generic')})(?:\s+(?P<kind>tỉnh|thành phố|TP\.?))?\s*$"
)
_GENERIC_PUBLIC = re.compile(
    rf"(?<![\w])(?:{_V.head_alt('generic')})\s+(?:tỉnh|thành phố)(?![\w])(?!\s+[A-ZĐÀ-Ỹ])"
)
_LOCAL_GOVERNMENT = re.compile(
    rf"(?<![\w])(?P<body>{_BODY})\s+(?P<kind>huyện|quận|thị xã|xã|phường|thị trấn)\s+"
    rf"(?P<name>[{UP}][{LO}]*(?:\s+[{UP}][{LO}]*){{0,3}})"
)
_SHORT_REF = re.compile(rf"(?<![\w])(?:{alternation(_V.words('honorifics', 'pronouns'), cased=True)})\s+(?P<name>[{UP}][{LO}]*)(?![\w])(?!\s+[{UP}])")
_PLACE_QUALIFIER = re.compile(r"^\s+(?:tỉnh|thành phố|TP\.?)\s*$")
GENERIC_BODIES = re.compile(
    rf"(?<!\w)(?:{_BODY})\s+(?:{_V.alt('place_kinds')})(?!\w)"
    rf"|(?<!\w)(?:{_PARTY})"
)
_HONORIFIC_WORDS = frozenset(_V.words("honorifics", "openers"))
_HEADS = frozenset(h.head for h in _V.org_heads)
_PARTY_POST = re.compile(r"(?<![\w])Ủy viên\s+$")
_NOT_PERSON = frozenset({"Thủ", "Ban", "Bộ", "Sở", "Cục", "Tổng", "Công", "Ngân", "Trường", "Hội", "Viện", "Tập",
                         "Trung", "Văn", "Đài", "Báo", "Giải", "Lễ", "Hội nghị", "Chương", "Kế", "Quyết", "Nghị", "Luật",
                         "Đề", "Chỉ", "Thông", "Cổng", "Hệ", "Nền", "Ứng", "Dự", "Khu", "Cảng", "Bệnh", "Học", "Đại"})
_MODIFIER_START = re.compile(rf"^(?:(?:{_V.alt('title_modifiers')})\s+)+")


def _syllable(word: str) -> bool:
    """A capitalised Vietnamese syllable ("Tào", "Ông"), not an acronym or a camel-case brand."""
    return word[:1].isupper() and (len(word) == 1 or word[1:].islower()) and len(word) <= 12


_BARE_HEAD = re.compile(
    rf"(?<![\w])(?:{alternation([h.head for h in _V.org_heads if h.sector in ('business', 'education', 'health', 'army') or h.head in ('Tổng cục', 'Sở', 'Bộ', 'Cục', 'Hiệp hội')])})"
    rf"(?![\w])(?!\s+(?:[{UP}0-9]|của|này|nhà nước|cổ phần|TNHH))"
)
_ABBREVIATION = re.compile(rf"^\s*(?:[-–]\s*CTCP\s*)?\(\s*(?P<abbr>[{UP}][\w&.-]{{1,14}}(?:\s+[{UP}][\w&-]*){{0,2}})\s*\)")


def _brand(word: str) -> bool:
    """A brand-like word: an acronym of three or more letters, or camel case ("EduNova")."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 3 and (word.isupper() or any(c.isupper() for c in word[1:]) and not word.isupper())


def _aliases(found: list[Found], text: str, article: Article, base: str) -> list[Found]:
    """Short names an article gives an organisation ("… Việt Nam (VIMC)", "… Giáo dục EduNova")
    stand for it wherever they recur in the article."""
    aliases: dict[str, Found] = {}
    for f in found:
        if f.family != "Organization" or f.reference or f.generic or not f.iri:
            continue
        m = _ABBREVIATION.match(text[f.end:f.end + 40])
        if m:
            aliases.setdefault(m.group("abbr"), f)
        last = f.name.split()[-1]
        if len(f.name.split()) >= 3 and _brand(last):
            aliases.setdefault(last, f)
    aliases.update(_brands(found, text, article, aliases, base))
    if not aliases:
        return found
    extra: list[Found] = []
    pattern = re.compile(rf"(?<![\w&])(?:{alternation(list(aliases))})(?![\w&])")
    for sentence in article.sentences:
        for m in pattern.finditer(text, sentence.span.start, sentence.span.end):
            inside = [g for g in found if m.start() <= g.start and g.end <= m.end()
                      and (g.end - g.start) < (m.end() - m.start())]  # "Viettel" in "Viettel Solutions"
            if _overlaps(m.start(), m.end(), [(g.start, g.end) for g in found + extra if g not in inside]):
                continue
            found = [g for g in found if g not in inside]
            f = aliases[m.group(0)]
            extra.append(replace(f, start=m.start(), end=m.end(), surface=m.group(0), nested=False))
    return sorted(found + extra, key=lambda f: f.start)


_CAMEL = re.compile(rf"(?<![\w&])[{UP}][{LO}]+(?:[{UP}][{LO}0-9]+)+(?![\w&])")
_BRAND_CUE = re.compile(r"(?:(?<![\w])(?:và|với|cùng|đại diện|phía|công ty|doanh nghiệp|startup|đơn vị|người sáng lập|"
                        r"nhà sáng lập|sáng lập)\s+$)", re.I)


def _brands(found: list[Found], text: str, article: Article, known: dict[str, Found], base: str) -> dict[str, Found]:
    """A camel-case brand named as a party or an employer ("VNPT Lâm Đồng và GreenFarm ký …",
    "người sáng lập GreenFarm") is an organisation, wherever the article names it."""
    out: dict[str, Found] = {}
    taken = [(f.start, f.end) for f in found]
    for m in _CAMEL.finditer(text):
        word = m.group(0)
        if word in known or word in out or _overlaps(m.start(), m.end(), taken):
            continue
        joined = re.match(r"^\s+(?:và|với|cùng)\s+", text[m.end():m.end() + 8])
        if _BRAND_CUE.search(text[max(0, m.start() - 20):m.start()]) or joined:
            try:
                sentence = article.sentence_at(m.start())
            except IndexError:
                continue
            if not any(sentence.span.start <= f.start < sentence.span.end and f.family == "Organization" for f in found):
                continue  # a brand stands as an organisation only next to others
            out[word] = Found(m.start(), m.end(), word, iris.entity(base, "org", word), word,
                              EntityType.ORGANIZATION)
    return out



_LOCAL = re.compile(r"(?<!\w)(?:địa phương này|tỉnh này|thành phố này|tỉnh nhà)(?!\w)")


@dataclass(frozen=True)
class Found:
    """A mention resolved to an entity."""

    start: int
    end: int
    surface: str
    iri: str
    name: str
    type: EntityType
    governs: str | None = None
    ministry: bool = False
    generic: bool = False
    nested: bool = False  # a place named inside an organisation's name ("Sở Y tế tỉnh Nghệ An")
    reference: bool = False  # found in the reference data (the gazetteer), not minted from the text

    @property
    def family(self) -> str:
        return self.type.family


def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(strong, weak) family names."""
    return _V.strong_surnames, _V.weak_surnames


def _nested(f: Found) -> Found:
    return replace(f, nested=True)


def _inside_a_name(segment: str, m: Match) -> bool:
    """"Đức" in "Trịnh Đức Phong" is a syllable of a name, not Germany; an organisation's
    one-word name ("Tổng giám đốc Viettel Trần Minh Khôi") is not."""
    if " " in m.surface or m.surface.isupper() or m.entry.kind is not Kind.PLACE:
        return False
    before = re.search(r"([^\W\d_]+) $", segment[: m.start])
    after = re.match(r" ([^\W\d_]+)", segment[m.end:])
    return bool(before and before.group(1)[0].isupper() or after and after.group(1)[0].isupper())


def _drop_parenthetical(found: list[Found], segment: str) -> list[Found]:
    """"Tổng công ty Dịch vụ Viễn thông (VNPT Vinaphone)": what the brackets explain is the same body."""
    found = sorted(found, key=lambda f: f.start)
    drop: set[int] = set()
    for f in found:
        if f.type in (EntityType.PERSON, EntityType.PLACE) or segment[f.end:f.end + 2] != " (":
            continue
        close = segment.find(")", f.end)
        if close == -1:
            continue
        for i, g in enumerate(found):
            if f.end + 2 <= g.start and g.end <= close and g is not f:
                drop.add(i)
    return [f for i, f in enumerate(found) if i not in drop]


def _org_end(segment: str, start: int, end: int, gaz: Gazetteer) -> int:
    """Where an organisation's name really ends: after a province it names, before a person's name."""
    surface = segment[start:end]
    for p in gaz.names.find(surface):
        if p.entry.kind is Kind.PLACE and p.entry.is_unit:
            return start + p.end
    strong, weak = surnames()
    for run in _capitalised_runs(surface):
        for i, (s, _e, word) in enumerate(run):
            if s > 0 and (word in strong and len(run) - i >= 2 or word in weak and len(run) - i >= 3):
                return start + s
    return end


def _capitalised_runs(segment: str) -> list[list[tuple[int, int, str]]]:
    """Runs of capitalised words separated by single spaces."""
    runs: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []
    for m in _WORD.finditer(segment):
        word = m.group(0)
        capitalised = word[0].isupper() and (len(word) == 1 or not word[1:].isupper())
        if capitalised and current and segment[current[-1][1]: m.start()] == " ":
            current.append((m.start(), m.end(), word))
            continue
        if len(current) >= 2:
            runs.append(current)
        current = [(m.start(), m.end(), word)] if capitalised else []
    if len(current) >= 2:
        runs.append(current)
    return runs


def _entity_type(entry: Entry) -> EntityType:
    if entry.kind is Kind.PLACE:
        return EntityType.PLACE
    if entry.kind is Kind.GOVERNMENT:
        return EntityType.GOVERNMENT_ORGANIZATION
    return EntityType.ORGANIZATION


def _from_match(m: Match) -> Found:
    e = m.entry
    return Found(m.start, m.end, m.surface, e.iri, e.name, _entity_type(e), e.governs, e.is_ministry, reference=True)


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in taken)


class EntityFinder:
    """Finds and resolves the entity mentions of one article."""

    def __init__(self, gazetteer: Gazetteer, base: str) -> None:
        self.gaz = gazetteer
        self.base = base

    def find(self, article: Article) -> list[Found]:
        text = article.text
        found: list[Found] = []
        for sentence in article.sentences:
            found += self._in_sentence(text, sentence.span.start, sentence.span.end)
        found = _places_not_persons(found)
        found = _resolve_short_names(found, text, article)
        found = _short_references(found, text, article)
        found = self._resolve_generic(found, text, article)
        found = _aliases(found, text, article, self.base)
        return self._bare_heads(found, text, article)

    def _bare_heads(self, found: list[Found], text: str, article: Article) -> list[Found]:
        """"Phó Tổng giám đốc Tập đoàn", "Giám đốc Bệnh viện": a head noun alone means the
        organisation of that kind named last before it."""
        taken = [(f.start, f.end) for f in found]
        extra: list[Found] = []
        for sentence in article.sentences:
            for m in _BARE_HEAD.finditer(text, sentence.span.start, sentence.span.end):
                if _overlaps(m.start(), m.end(), taken):
                    continue
                head = m.group(0)
                earlier = [f for f in found if f.end <= m.start() and f.family == "Organization" and f.iri
                           and self._has_head(f, head)]
                if earlier:
                    f = earlier[-1]
                    extra.append(replace(f, start=m.start(), end=m.end(), surface=head, nested=False))
        return sorted(found + extra, key=lambda f: f.start)

    def _has_head(self, f: Found, head: str) -> bool:
        names = (f.name, f.surface) + self.gaz.aliases.get(f.iri, ())
        return any(n == head or n.startswith(head + " ") for n in names)

    def _in_sentence(self, text: str, start: int, end: int) -> list[Found]:
        segment = text[start:end]
        concept_spans = [(m.start, m.end) for m in self.gaz.concepts.find(segment)]
        found: list[Found] = []
        taken: list[tuple[int, int]] = []
        gazetteer_matches = self.gaz.names.find(segment)
        for branch in self._branches(segment, gazetteer_matches):
            found.append(branch)
            taken.append((branch.start, branch.end))
        for m in gazetteer_matches:
            if _overlaps(m.start, m.end, taken) or _inside_a_name(segment, m):
                continue
            inside_concept = any(s <= m.start and m.end <= e and (e - s) > (m.end - m.start) for s, e in concept_spans)
            if not inside_concept:
                found.append(_from_match(m))
                taken.append((m.start, m.end))
        places = [(f.start, f.end) for f in found if f.type is EntityType.PLACE]
        for f in self._place_bodies(segment, gazetteer_matches, taken):
            found = [_nested(g) if g.type is EntityType.PLACE and g.reference else g for g in found
                     if not (f.start <= g.start and g.end <= f.end) or g.type is EntityType.PLACE and g.reference]
            found.append(f)
            taken.append((f.start, f.end))
        for f in self._local_governments(segment, taken, places):
            found = [g for g in found if not (f.start <= g.start and g.end <= f.end)]
            taken = [t for t in taken if not (f.start <= t[0] and t[1] <= f.end)]
            found.append(f)
            taken.append((f.start, f.end))
        for f in self._organisations(segment, taken):
            found = [_nested(g) if g.type is EntityType.PLACE else g for g in found
                     if g.type is EntityType.PLACE or not (f.start <= g.start and g.end <= f.end)]
            found = [g for g in found if not (f.start <= g.start and g.end <= f.end) or g.type is EntityType.PLACE]
            taken = [t for t in taken if not (f.start <= t[0] and t[1] <= f.end)]
            found.append(f)
            taken.append((f.start, f.end))
        for hit in _GENERIC_PUBLIC.finditer(segment):
            if not _overlaps(hit.start(), hit.end(), taken):
                surface = hit.group(0)
                found.append(Found(hit.start(), hit.end(), surface, iris.entity(self.base, "org", surface), surface,
                                   EntityType.ORGANIZATION, generic=True))
                taken.append((hit.start(), hit.end()))
        for hit in GENERIC_BODIES.finditer(segment):
            if not _overlaps(hit.start(), hit.end(), taken):
                found.append(Found(hit.start(), hit.end(), hit.group(0), "", hit.group(0), EntityType.GOVERNMENT_ORGANIZATION, generic=True))
                taken.append((hit.start(), hit.end()))
        for hit in _PLACE_CLASSIFIER.finditer(segment):
            for part in re.finditer(rf"[{UP}][{LO}]*(?:\s+[{UP}][{LO}]*){{0,3}}", hit.group("name")):
                s0, e0 = hit.start("name") + part.start(), hit.start("name") + part.end()
                strong, _weak = surnames()
                if not _overlaps(s0, e0, taken) and not (part.group(0).split()[0] in strong and len(part.group(0).split()) >= 3):
                    name = part.group(0)
                    found.append(Found(s0, e0, name, iris.entity(self.base, "place", name), name, EntityType.PLACE))
                    taken.append((s0, e0))
        for f in self._persons(segment, taken):
            found.append(f)
            taken.append((f.start, f.end))
        found = _drop_parenthetical(found, segment)
        shifted = [replace(f, start=f.start + start, end=f.end + start) for f in found]
        return sorted(shifted, key=lambda f: f.start)

    def _organisations(self, segment: str, taken: list[tuple[int, int]]) -> list[Found]:
        out: list[Found] = []
        for m in _ORG.finditer(segment):
            if _PARTY_POST.search(segment[:m.start()]):
                continue  # "Ủy viên Ban Thường vụ Đảng ủy": a post, its committee is not a party
            s, e = m.start(), _org_end(segment, m.start(), m.end(), self.gaz)
            surface = re.sub(r"\s+(?:và|&)$", "", segment[s:e].rstrip(" .&-–"))
            e = s + len(surface)
            words = surface.split()
            if len(words) < 2 or words[-1] in {"Chính", "Nhà"} or surface in _HEADS:
                continue  # a head alone ("Bệnh viện Đa khoa tỉnh") names the body named before
            inner = [t for t in taken if s <= t[0] and t[1] <= e]
            places = {(p.start, p.end) for p in self.gaz.names.find(surface) if p.entry.kind is Kind.PLACE}
            if _overlaps(s, e, [t for t in taken if t not in inner]):
                continue
            head = re.match(rf"(?:{_ORG_HEAD})\s+", surface)
            if any(t[0] in (s, s + (head.end() if head else 0)) and (t[0] - s, t[1] - s) not in places for t in inner):
                continue  # "Tập đoàn VNPT": a known organisation, found by the gazetteer
            qualifier = re.match(rf"(?:\s+(?!{NOT_NAME})[{LO}]+){{0,4}}?\s+(?:tỉnh|thành phố|TP\.?)\s+", segment[e:])
            if qualifier and not places:
                hit = [p for p in self.gaz.names.find(segment[e + qualifier.end():e + qualifier.end() + 40])
                       if p.start == 0 and p.entry.kind is Kind.PLACE and p.entry.is_unit]
                if hit:
                    e = e + qualifier.end() + hit[0].end
                    surface = segment[s:e]
                    places = {(0, 0)}
            local = surface.startswith(("Sở ", "Ban Chấp hành Đảng bộ", "Công an")) and not places
            out.append(Found(s, e, surface, iris.entity(self.base, "org", surface), surface, EntityType.ORGANIZATION,
                             ministry=surface.startswith("Bộ "), generic=local))
        return out

    def _place_bodies(self, segment: str, matches: list[Match], taken: list[tuple[int, int]]) -> list[Found]:
        """"Công an tỉnh Lai Châu", "Bưu điện tỉnh Quảng Nam": a public body of a named province."""
        out = []
        for m in matches:
            if m.entry.kind is not Kind.PLACE or not m.entry.is_unit:
                continue
            head = _PLACE_BODY.search(segment[max(0, m.start - 60):m.start])
            if head is None:
                continue
            s = m.start - (min(60, m.start) - head.start())
            name = f"{head.group('head')} {'thành phố' if iris.ONTOLOGY + 'CentralCity' in m.entry.classes else 'tỉnh'} {m.entry.name}"
            if not _overlaps(s, m.start, taken):
                out.append(Found(s, m.end, segment[s:m.end], iris.entity(self.base, "org", name), name,
                                 EntityType(_V.head_type(head.group("head")) or "Organization")))
        return out

    def _local_governments(self, segment: str, taken: list[tuple[int, int]],
                           places: list[tuple[int, int]]) -> list[Found]:
        """"UBND thị xã Sơn Tây", "UBND phường Hòa Bình": governments below the province (a ward
        may share a province's name)."""
        out = []
        for m in _LOCAL_GOVERNMENT.finditer(segment):
            if _overlaps(m.start(), m.end(), [t for t in taken if t not in places]):
                continue
            words = m.group("name").split()
            strong, weak = surnames()
            cut = next((i for i in range(1, len(words)) if words[i] in strong | weak and len(words) - i >= 2), len(words))
            place_name = " ".join(words[:cut])  # "UBND thị xã Hương Thủy Tăng Hữu Phước": the name is a person's
            end = m.start("name") + len(place_name)
            place = iris.entity(self.base, "place", place_name)
            short = "UBND" if re.fullmatch(_UBND, m.group("body")) else "HĐND"
            name = f"{short} {m.group('kind')} {place_name}"
            out.append(Found(m.start(), end, segment[m.start():end], iris.entity(self.base, "org", name), name,
                             EntityType.GOVERNMENT_ORGANIZATION, governs=place))
        return out

    def _branches(self, segment: str, matches: list[Match]) -> list[Found]:
        """"VNPT Quảng Trị", "Viettel Hà Nội": a company's branch in a province."""
        out = []
        for a, b in zip(matches, matches[1:]):
            if (a.entry.kind is Kind.ORGANIZATION and b.entry.kind is Kind.PLACE and b.entry.is_unit
                    and segment[a.end:b.start] == " "):
                surface = segment[a.start:b.end]
                name = f"{a.entry.name} {b.entry.name}"
                out.append(Found(a.start, b.end, surface, iris.entity(self.base, "org", name), name, EntityType.ORGANIZATION))
        return out

    def _persons(self, segment: str, taken: list[tuple[int, int]]) -> list[Found]:
        """Persons: a run of capitalised syllables framed by a title, rank or honorific before
        it or a title after a comma (any family name), or starting with a known family name."""
        strong, weak = surnames()
        out: list[Found] = []
        for run in self._free_runs(segment, taken):
            titled = self._titled(segment[: run[0][0]]) or self._titled_body(segment, run[0][0], taken)
            honoured = bool(_HONORIFIC.search(segment[: run[0][0]]))
            if not titled and not honoured:  # "bà Ông Thị Kim Liên": after an honorific, "Ông" is a family name
                while run and run[0][2] in _HONORIFIC_WORDS and len(run) > 2:
                    honoured = True
                    run = run[1:]
            framed = titled or honoured or self._title_after(segment[run[-1][1]:] if run else "")
            if framed and 2 <= len(run) <= 4 and all(_syllable(w) for _, _, w in run) and run[0][2] not in _NOT_PERSON:
                words = [w for _, _, w in run]
            else:
                while run and run[0][2] not in strong | weak:
                    run = run[1:]
                run = run[:4]
                if len(run) < 2:
                    continue
                words = [w for _, _, w in run]
                if words[0] in weak and not framed and len(words) < 3:
                    continue
                if len(words) == 2 and not framed and words[0] not in strong:
                    continue
            s, e = run[0][0], run[-1][1]
            if _overlaps(s, e, taken):
                continue
            name = " ".join(words)
            if not framed and name in localities():  # "Lý Sơn hiện có …": the island district
                out.append(Found(s, e, segment[s:e], iris.entity(self.base, "place", name), name, EntityType.PLACE))
                continue
            out.append(Found(s, e, segment[s:e], iris.entity(self.base, "person", name), name, EntityType.PERSON))
        return out

    @staticmethod
    def _free_runs(segment: str, taken: list[tuple[int, int]]) -> list[list[tuple[int, int, str]]]:
        """Capitalised runs, cut where a span already taken (an organisation, a place) lies."""
        runs = []
        for run in _capitalised_runs(segment):
            part: list[tuple[int, int, str]] = []
            for word in run:
                if _overlaps(word[0], word[1], taken):
                    runs.append(part)
                    part = []
                else:
                    part.append(word)
            runs.append(part)
        return [r for r in runs if r]

    def _title_after(self, after: str) -> bool:
        """", Giám đốc …" / " - Phó Chủ tịch …" right after a name."""
        m = re.match(r"^\s*[,–-]\s*", after)
        if not m:
            return False
        rest = after[m.end(): m.end() + 40]
        rest = _MODIFIER_START.sub("", rest)
        return any(t.start == 0 for t in self.gaz.titles.find(rest))

    def _titled_body(self, segment: str, start: int, taken: list[tuple[int, int]]) -> bool:
        """"Phó Chủ tịch UBND tỉnh Kha Văn Tâm": a title and its body right before the name."""
        body = [t for t in taken if t[1] == start - 1 and segment[t[1]:start] == " "]
        return bool(body) and self._titled(segment[: body[0][0]])

    def _titled(self, before: str) -> bool:
        tail = before[-40:]
        return any(m.end >= len(tail) - 1 for m in self.gaz.titles.find(tail) + self.gaz.ranks.find(tail))

    def _localise(self, f: Found, main: str | None) -> Found:
        """"Sở Thông tin và Truyền thông" → the department of the article's main province."""
        unit = self.gaz.by_iri.get(main) if main else None
        if unit is None:
            return Found(f.start, f.end, f.surface, f.iri, f.name, f.type, f.governs, f.ministry)
        name = _qualified(f.name, unit)
        return Found(f.start, f.end, f.surface, iris.entity(self.base, "org", name), name, f.type, None, f.ministry)

    def _resolve_generic(self, found: list[Found], text: str, article: Article) -> list[Found]:
        """"UBND tỉnh", "Tỉnh ủy" without a name → the body of the article's main province."""
        main = main_province(found, text)
        out: list[Found] = []
        for f in found:
            if not f.generic:
                out.append(f)
                continue
            if f.type is EntityType.ORGANIZATION:
                out.append(self._localise(f, main))
                continue
            if main is None:
                continue
            body = body_entry(self.gaz, f.surface, main)
            if body is not None:
                out.append(Found(f.start, f.end, f.surface, body.iri, body.name, EntityType.GOVERNMENT_ORGANIZATION, main, generic=True))
        return out


def _qualified(name: str, unit: Entry) -> str:
    kind_word = "thành phố" if iris.ONTOLOGY + "CentralCity" in unit.classes else "tỉnh"
    name = re.sub(r"\s+(?:tỉnh|thành phố|TP\.?)$", "", name)
    return f"{name} {kind_word} {unit.name}"


def body_entry(gaz: Gazetteer, surface: str, place_iri: str) -> Entry | None:
    """The body a generic name ("UBND tỉnh", "Tỉnh ủy", "HĐND tỉnh") means in the given province."""
    code = "tinh-uy" if "ủy" in surface else ("hdnd" if surface.startswith(("HĐND", "Hội đồng")) else "ubnd")
    return gaz.body(code, place_iri)


def main_province(found: list[Found], text: str | None = None) -> str | None:
    """The provincial unit the article is mostly about (by mentions of it and its bodies; a place
    named only as where something happened, "tại Hà Nội", does not count)."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for f in found:
        if text is not None and f.type is EntityType.PLACE and LOCATIVE_BEFORE.search(text[max(0, f.start - 16):f.start]):
            continue
        place = f.governs if f.type is EntityType.GOVERNMENT_ORGANIZATION else (f.iri if f.type is EntityType.PLACE else None)
        if place and not iris.is_home_country(place) and not f.generic:
            counts[place] += 1
            first.setdefault(place, f.start)
    if not counts:
        return None
    return max(counts, key=lambda p: (counts[p], -first[p]))


@cache
def localities() -> frozenset[str]:
    """Place names below the province that look like a person's name (``data/localities.txt``)."""
    lines = (DATA / "localities.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _places_not_persons(found: list[Found]) -> list[Found]:
    """A "person" named exactly like a place the article names ("huyện đảo Lý Sơn" … "Lý Sơn")
    is that place."""
    places = {f.name: f for f in found if f.type is EntityType.PLACE}
    return [replace(places[f.name], start=f.start, end=f.end, surface=f.surface, nested=False)
            if f.type is EntityType.PERSON and f.name in places else f for f in found]


def _resolve_short_names(found: list[Found], text: str, article: Article) -> list[Found]:
    """Give a person named by part of the name the IRI of the full name used in the article."""
    persons = [f for f in found if f.type is EntityType.PERSON]
    out = []
    for f in found:
        if f.type is EntityType.PERSON:
            longer = [p for p in persons if p.name != f.name and p.name.endswith(" " + f.name) and len(p.name) > len(f.name)]
            if longer:
                p = longer[0]
                f = Found(f.start, f.end, f.surface, p.iri, p.name, f.type)
        out.append(f)
    return out


def last_unit_before(found: list[Found], offset: int) -> str | None:
    """The provincial unit named last before ``offset``: what "toàn tỉnh", "tỉnh này" point back to."""
    units = [f.governs if f.type is EntityType.GOVERNMENT_ORGANIZATION else f.iri for f in found
             if f.start < offset and (f.type is EntityType.PLACE and f.reference and not iris.is_home_country(f.iri)
                                        or f.type is EntityType.GOVERNMENT_ORGANIZATION and f.governs)]
    return units[-1] if units else None


def _short_references(found: list[Found], text: str, article: Article) -> list[Found]:
    """"ông Khoa" → the person named earlier whose name ends in "Khoa"."""
    persons = [f for f in found if f.type is EntityType.PERSON]
    taken = [(f.start, f.end) for f in found]
    extra: list[Found] = []
    for sentence in article.sentences:
        for m in _SHORT_REF.finditer(text, sentence.span.start, sentence.span.end):
            s, e = m.start("name"), m.end("name")
            if _overlaps(s, e, taken):
                continue
            earlier = [p for p in persons if p.start < s and p.name.split()[-1] == m.group("name")]
            if earlier:
                p = earlier[-1]
                extra.append(Found(s, e, m.group("name"), p.iri, p.name, EntityType.PERSON))
    return sorted(found + extra, key=lambda f: f.start)


def local_reference(text: str) -> list[tuple[int, int]]:
    """Spans like "địa phương này" that point back at the article's main place."""
    return [(m.start(), m.end()) for m in _LOCAL.finditer(text)]


class Mentions:
    """The family of entity mentions: every other family reads these."""

    name = "mentions"
    requires: tuple[str, ...] = ()

    def extract(self, context: Context) -> list[Found]:
        return EntityFinder(context.gaz, context.base).find(context.article)
