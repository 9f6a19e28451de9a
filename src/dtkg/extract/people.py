"""Positions, organisations and military ranks of persons.

Reads title chains next to a name: before it ("Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh
Nam Định Phạm Đình Nghị", "Trung tướng Tào Đức Thắng") or after it, set off by a comma
("Lê Đăng Dũng, Quyền Chủ tịch kiêm Tổng giám đốc Viettel", "ông Lâm Hải Giang, Phó Chủ
tịch UBND tỉnh"). A title without an organisation takes the organisation that closes its
"kiêm" chain, a governing body named elsewhere in the chain, the article's main province
(for "UBND tỉnh"), or the only ministry the article names (for "Thứ trưởng").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dtkg.extract.entities import Found, body_entry, main_province
from dtkg.extract.gazetteer import Gazetteer
from dtkg.extract.vocab import alternation, vocabulary
from dtkg.extract.family import Context
from dtkg.extract.tenure import read_tenure, title_of
from dtkg.model import EntityType, Evidence, Membership

_V = vocabulary()
_BODY = f"{_V.alt('local_bodies', 'ubnd')}|{_V.alt('local_bodies', 'hdnd')}"
_PARTY = _V.alt("local_bodies", "party")
_MODIFIER = re.compile(rf"(?:(?:{_V.alt('title_modifiers')})\s+)+$")
_PARTY_POST = re.compile(r"Ủy viên\s", re.I)  # "Ủy viên Ban Chấp hành Trung ương Đảng": the body is the post's
_FRAME = re.compile(r"(?<![\w])(?:[Vv]ề phía|[Đđ]ại diện(?:\s+cho)?|[Pp]hía)\s+$")
_SEPARATOR = re.compile(r"^\s*(?:,|kiêm|và|-|–)\s*$")
_GAP = re.compile(rf"^[\s,]*(?:(?:{alternation(['ông', 'bà', 'đồng chí'], cased=True)})\s*)?$")
_GENERIC_SUFFIX = re.compile(rf"^\s+({_BODY})\s+({_V.alt('place_kinds')})|^\s+({_PARTY})")
_MINISTRY_TITLES = ("Thứ trưởng", "Bộ trưởng")


@dataclass(frozen=True)
class Position:
    person: str
    label: str
    org: str | None
    start: int
    end: int


@dataclass(frozen=True)
class _Item:
    start: int
    end: int
    kind: str  # title | org | place | rank | person | generic
    text: str
    found: Found | None = None


def _items(text: str, start: int, end: int, gaz: Gazetteer, mentions: list[Found]) -> list[_Item]:
    segment = text[start:end]
    items: list[_Item] = []
    org_starts = sorted(f.start - start for f in mentions if start <= f.start < end and f.type is not EntityType.PERSON)
    for m in gaz.titles.find(segment):
        s, e = m.start, m.end
        inside = [o for o in org_starts if s < o < e] if not _PARTY_POST.match(m.surface) else []
        if inside:  # "Giám đốc Sở …": the title ends where the organisation begins
            e = inside[0]
            while e > s and segment[e - 1] == " ":
                e -= 1
        mod = _MODIFIER.search(segment[:s])
        if mod:
            s = mod.start()
        standing = re.match(r"\s+[Tt]hường trực(?![\w])", segment[e:])
        if standing and not inside:
            e += standing.end()
        items.append(_Item(start + s, start + e, "title", segment[s:e]))
    for m in gaz.ranks.find(segment):
        items.append(_Item(start + m.start, start + m.end, "rank", m.entry.iri))
    for f in mentions:
        if start <= f.start and f.end <= end and not f.nested:
            kind = {EntityType.PERSON: "person", EntityType.PLACE: "place"}.get(f.type, "org")
            items.append(_Item(f.start, f.end, kind, f.surface, f))
    items.sort(key=lambda i: (i.start, -i.end))
    kept: list[_Item] = []
    for item in items:
        if kept and item.start < kept[-1].end:
            continue
        kept.append(item)
    return kept


def _gap(text: str, a: _Item, b: _Item) -> str:
    """The text between two items, without a short bracketed abbreviation ("(HĐTV)")."""
    return re.sub(r"\s*\([^()]{1,15}\)\s*", " ", text[a.end : b.start])


def extract_positions(text: str, sentences: list[tuple[int, int]], gaz: Gazetteer, mentions: list[Found]) -> tuple[list[Position], list[tuple[str, str]]]:
    """Positions held and ranks, read sentence by sentence."""
    ministries = sorted({f.iri for f in mentions if f.ministry})
    only_ministry = ministries[0] if len(ministries) == 1 else None
    main = main_province(mentions, text)
    positions: list[Position] = []
    ranks: list[tuple[str, str]] = []
    for start, end in sentences:
        items = _items(text, start, end, gaz, mentions)
        frame: str | None = None
        for i, item in enumerate(items):
            if item.kind == "org" and item.found and _FRAME.search(text[max(start, item.start - 16):item.start]):
                frame = item.found.iri  # "Về phía VNPT có ông …, Phó Tổng giám đốc": the posts are VNPT's
            if item.kind != "person" or item.found is None:
                continue
            person = item.found.iri
            chain_before, rank = _chain_before(text, items, i)
            chain_after = _chain_after(text, items, i)
            if rank:
                ranks.append((person, rank))
            for group in chain_before + chain_after:
                positions.extend(_positions(text, person, group, chain_before + chain_after, gaz, mentions,
                                            only_ministry, main, frame))
    return _dedupe(positions), sorted(set(ranks))


def _chain_before(text: str, items: list[_Item], i: int) -> tuple[list[list[_Item]], str | None]:
    """Title groups ending right before person ``i`` (with a rank in between, if any)."""
    j = i - 1
    rank = None
    if j >= 0 and items[j].kind == "rank" and _GAP.match(_gap(text, items[j], items[i])):
        rank = items[j].text
        j -= 1
        boundary = items[j + 1]
    else:
        boundary = items[i]
    collected: list[_Item] = []
    cursor = boundary
    while j >= 0:
        item = items[j]
        gap = _gap(text, item, cursor)
        if item.kind in ("title", "org", "place") and (_GAP.match(gap) or _SEPARATOR.match(gap) or gap.strip() in {"tỉnh", "thành phố", "TP", "TP."}):
            collected.insert(0, item)
            cursor = item
            j -= 1
            continue
        if item.kind == "rank" and rank is None and _GAP.match(gap):
            rank = item.text
            cursor = item
            j -= 1
            continue
        break
    while collected and collected[0].kind != "title":
        collected.pop(0)
    return _groups(text, collected), rank


def _chain_after(text: str, items: list[_Item], i: int) -> list[list[_Item]]:
    """Title groups set off after person ``i`` by a comma or dash."""
    j = i + 1
    if j >= len(items) or items[j].kind != "title" or not re.match(r"^\s*[,(\-–]\s*$", _gap(text, items[i], items[j])):
        return []
    collected = [items[j]]
    cursor = items[j]
    j += 1
    while j < len(items):
        item = items[j]
        gap = _gap(text, cursor, item)
        if item.kind in ("title", "org", "place") and (not gap.strip() or _SEPARATOR.match(gap) or gap.strip() in {"tỉnh", "thành phố", "TP", "TP."}):
            collected.append(item)
            cursor = item
            j += 1
            continue
        break
    return _groups(text, collected)


def _groups(text: str, items: list[_Item]) -> list[list[_Item]]:
    groups: list[list[_Item]] = []
    for item in items:
        if item.kind == "title" or not groups:
            groups.append([item])
        else:
            groups[-1].append(item)
    return [g for g in groups if g[0].kind == "title"]


def _positions(text: str, person: str, group: list[_Item], chain: list[list[_Item]], gaz: Gazetteer,
               mentions: list[Found], only_ministry: str | None, main: str | None,
               frame: str | None = None) -> list[Position]:
    title = group[0]
    orgs = [i.found for i in group[1:] if i.kind == "org" and i.found]
    places = [i.found for i in group[1:] if i.kind == "place" and i.found]
    label = title.text
    org: str | None = None
    generic = _GENERIC_SUFFIX.match(text[title.end : title.end + 40])
    if orgs:
        org = orgs[0].iri
        if orgs[0].governs and orgs[0].type is EntityType.GOVERNMENT_ORGANIZATION:
            label = _label_with_body(title.text, orgs[0].surface, orgs[0].name)
    elif generic:
        label = f"{title.text} {' '.join(generic.group(0).split())}"
        org = _body_for(generic.group(0), chain, places, gaz, main)
    else:
        org = _chain_org(group, chain)
        if org is None and title.text.endswith(_MINISTRY_TITLES):
            org = only_ministry
        org = org or frame
    return [Position(person, " ".join(label.split()), org, title.start, group[-1].end)]


def _label_with_body(title: str, surface: str, name: str) -> str:
    """"Chủ tịch" + "UBND tỉnh Nam Định" → "Chủ tịch UBND tỉnh" (the place is the org's)."""
    body = re.match(rf"({_BODY})\s+({_V.alt('place_kinds')}|huyện|quận|thị xã|xã|phường|thị trấn)?", surface)
    if body:
        return f"{title} {body.group(0).strip()}"
    party = re.match(rf"({_PARTY})", surface)
    return f"{title} {party.group(0)}" if party else title


def _chain_org(group: list[_Item], chain: list[list[_Item]]) -> str | None:
    """A title with no organisation of its own takes the next one in its chain."""
    after = chain[chain.index(group) + 1 :] if group in chain else []
    for other in after:
        orgs = [i.found for i in other[1:] if i.kind == "org" and i.found]
        if orgs:
            return orgs[0].iri
    return None


def _body_for(generic: str, chain: list[list[_Item]], places: list[Found], gaz: Gazetteer, main: str | None) -> str | None:
    place = places[0].iri if places else None
    if place is None:
        for group in chain:
            for item in group[1:]:
                if item.found and item.found.governs:
                    place = item.found.governs
    place = place or main
    if place is None:
        return None
    entry = body_entry(gaz, generic.strip(), place)
    return entry.iri if entry else None


def _dedupe(positions: list[Position]) -> list[Position]:
    seen: set[tuple[str, str, str | None]] = set()
    out = []
    for p in positions:
        key = (p.person, p.label, p.org)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


@dataclass(frozen=True)
class PositionFacts:
    memberships: tuple[Membership, ...]
    ranks: tuple[tuple[str, str], ...]


class Positions:
    """Posts held (title, organisation) and military or police ranks."""

    name = "positions"
    requires = ("mentions",)

    def extract(self, context: Context) -> PositionFacts:
        article = context.article
        spans = [(s.span.start, s.span.end) for s in article.sentences]
        positions, ranks = extract_positions(article.text, spans, context.gaz, context["mentions"])
        observed = article.published or (article.dated if article.dated and len(article.dated) == 10 else None)
        memberships = []
        for p in positions:
            s = article.sentence_at(p.start)
            tenure = read_tenure(article.text, p.label, (p.start, p.end), (s.span.start, s.span.end), observed)
            memberships.append(Membership(p.person, p.label, p.org, Evidence(s.index, s.span, s.text), 0.8,
                                          title_of(p.label, context.gaz), tenure))
        return PositionFacts(tuple(memberships), tuple(ranks))
