"""Targets: what a subject is to achieve, by which year, with an optional rank threshold.

A target clause carries a goal cue (phấn đấu, mục tiêu, đảm bảo, sẽ, đến năm 2030, top 20)
and a goal verb phrase; its subject is the place (or governing body's place) named in it,
"địa phương này"/"tỉnh" → the article's main province, else the country for national
policy. Clauses joined by "và" + a new goal verb are separate targets; the same goal
read twice (title and body) is one target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dtkg import iris
from dtkg.extract.entities import Found, local_reference, main_province
from dtkg.extract.patterns import BULLET as _BULLET
from dtkg.extract.patterns import BY_YEAR, PERIOD, YEAR
from dtkg.extract.patterns import PLAN_HEADER as _PLAN_HEADER
from dtkg.extract.family import Context
from dtkg.extract.vocab import vocabulary
from dtkg.model import Article, EntityType, Evidence, Target

_V = vocabulary()
_GOAL_VERBS = _V.alt("goal_verbs")
_GOAL = re.compile(rf"(?<!\w)(?:{_GOAL_VERBS})(?!\w)")
_CUE = re.compile(rf"{_V.alt('target_cues')}|\bsẽ\b|top\s+\d+|nhóm\s+\d+", re.I)
_IN_TITLE = re.compile(r"(?:Quyết định|Nghị quyết|Quy hoạch|Chiến lược|Chương trình|Đề án|Kế hoạch|Chỉ thị)"
                       r"(?![^,;]*(?:mục tiêu|phấn đấu|đặt ra|chỉ tiêu))[^,;]*$")
_FRONT_YEAR = re.compile(rf"^(?:Trong\s+)?(?:[Nn]ăm\s+|quý\s+[IV]+/)(?P<year>{YEAR})\s*,?(?=.*(?:phấn đấu|mục tiêu|\bsẽ\b|phải))(?P<year2>)")
_GOAL_YEAR = re.compile(rf"(?:mục tiêu|chỉ tiêu|phấn đấu)\s+(?:trong\s+|của\s+)?năm\s+(?P<year>{YEAR})(?P<year2>)", re.I)
_TOP = re.compile(r"(?:top|nhóm)\s+(?P<n>\d{1,3})(?!\d)", re.I)
_PAST = re.compile(r"(?<!\w)(?:đã|vừa)\s+(?!được đặt)", re.I)
_FIGURE = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?\s*%|(?<![\w.,])\d{1,3}(?:\.\d{3})+(?![\w])")
_SPLIT_VERB = re.compile(rf"(?<!\w)(?:{_V.alt('goal_list_verbs')})(?!\w)")
_SPLIT_AND = re.compile(rf"\s+và\s+(?=(?:{_GOAL_VERBS})(?!\w))")
_LEAD = re.compile(rf"^(?:.*?(?:đến|tới|vào|trước)\s+(?:cuối\s+)?(?:năm\s+)?{YEAR}\s*,?\s*)", re.I)
_TAIL_YEAR = re.compile(rf"\s*(?:vào|đến|tới|trước)\s+(?:cuối\s+)?(?:năm\s+)?{YEAR}\s*$", re.I)
_FILLER = re.compile(rf"^(?:(?:sẽ|phải|luôn|cơ bản|từng bước|phấn đấu|đảm bảo|để|mục tiêu|chỉ tiêu)\s+)+(?:(?:đến|tới|vào)\s+(?:hết\s+|cuối\s+)?năm\s+{YEAR}\s*,?\s*)?", re.I)


@dataclass(frozen=True)
class _Goal:
    subject: str
    description: str
    year: int | None
    threshold: int | None
    evidence: Evidence


def extract_targets(article: Article, mentions: list[Found], country: str | None,
                    party: str | None = None) -> list[Target]:
    """Targets; ``party`` is the first party of the article's agreement when no party is a
    local government: what the agreement's goals are set for."""
    main = main_province(mentions, article.text)
    mentions = [f for f in mentions if not f.nested]
    goals: list[_Goal] = []
    plan: tuple[int, str | None] | None = None  # a plan's "Mục tiêu đến năm 2025:" over the bullets after it
    for sentence in article.sentences:
        text = sentence.text
        carried: int | None = None
        sentence_subject: str | None = None
        if plan and _BULLET.match(text):
            carried, sentence_subject = plan
        else:
            plan = None
        header = _PLAN_HEADER.search(text)
        if header:
            found = [f for f in mentions if sentence.span.start <= f.start < sentence.span.end]
            named = [f for f in found if f.family in ("Place", "Organization") and not iris.is_home_country(f.iri)]
            subject = (_subject(found, text, text, main, country, party=party, at=sentence.span.start) if named
                       else party or main or country)  # "Nghị quyết đặt mục tiêu đến năm 2030:" in a province's news
            plan = (int(header.group("year")), subject)
            if not text[header.end():].strip(" .;"):
                continue  # the header alone: its goals are the bullets after it
        for seg_start, seg_end in _segments(text):
            segment = text[seg_start:seg_end]
            year_m = BY_YEAR.search(segment) or _FRONT_YEAR.match(segment) or _GOAL_YEAR.search(segment)
            if year_m and (_IN_TITLE.search(segment[: year_m.start()]) or _quoted(text, seg_start + year_m.start())
                           or _in_period(segment, year_m.start())):
                year_m = None
            top = _TOP.search(segment)
            if year_m is None and carried and (_FIGURE.search(segment) or _GOAL.search(segment)):
                found = [f for f in mentions if sentence.span.start + seg_start <= f.start < sentence.span.start + seg_end]
                subject = _subject(found, text, segment, main, country, fallback=sentence_subject,
                                   at=sentence.span.start + seg_start, party=party)
                for description in _goals(segment) if subject else []:
                    goals.append(_Goal(subject, description, carried, None, Evidence(sentence.index, sentence.span, text)))  # type: ignore[arg-type]
                continue
            if not (year_m or top) or not _CUE.search(segment) and not year_m:
                continue
            if year_m and _PAST.search(segment[: year_m.start()]) and not _CUE.search(segment):
                continue
            year = int(year_m.group("year") or year_m.group("year2")) if year_m else None
            if year and article.published and year < int(article.published[:4]):
                continue
            carried = year
            found = [f for f in mentions if sentence.span.start + seg_start <= f.start < sentence.span.start + seg_end]
            subject = _subject(found, text, segment, main, country, fallback=sentence_subject,
                               at=sentence.span.start + seg_start, party=party)
            if subject is None:
                continue
            sentence_subject = sentence_subject or subject
            if top and not year_m and re.search(r"(?<!\w)(?:đã|từng|vừa)\s+(?:\w+\s+){0,2}(?:top|Top)", segment):
                continue
            for description in _goals(segment):
                goals.append(_Goal(subject, description, year, int(top.group("n")) if top and top.group(0) in description else None,
                                   Evidence(sentence.index, sentence.span, text)))
    return [Target(g.subject, g.description, g.evidence, year=g.year, rank_threshold=g.threshold) for g in _dedupe(goals)]


def _quoted(text: str, at: int) -> bool:
    """Whether ``at`` lies inside quotation marks (a quote or a quoted title)."""
    before = text[:at]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _in_period(segment: str, at: int) -> bool:
    """"từ năm 2024 đến năm 2028" is a period, not a deadline."""
    return any(p.start() <= at < p.end() for p in PERIOD.finditer(segment))


def _segments(text: str) -> list[tuple[int, int]]:
    """Split a sentence into target-sized segments: at ';' and before a new year cue."""
    cuts = [0]
    for m in re.finditer(
        r";\s*|\.\s+|,\s+(?=(?:(?:để|nhằm|đảm bảo|bảo đảm|phấn đấu)\s+)?(?:đến|tới)\s+(?:năm\s+)?(?:19|20)\d\d)"
        r"|,\s+(?=(?:phấn đấu|đảm bảo|bảo đảm|mục tiêu|nhằm)\s)|\s+để\s+(?=(?:đến|tới)\s+năm)", text):
        cuts.append(m.end())
    cuts.append(len(text))
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if text[a:b].strip()]


def _subject(found: list[Found], sentence: str, segment: str, main: str | None, country: str | None,
             *, fallback: str | None = None, at: int | None = None, party: str | None = None) -> str | None:
    """Whom a target is for: a province named in it, the place its governing body governs, the
    sentence's earlier subject, the article's province ("tỉnh", "địa phương này"), else the country."""
    goal = _GOAL.search(segment)
    if goal is not None and at is not None:
        leading = [f for f in found if f.type is EntityType.PLACE and f.start - at < goal.start()
                   and not iris.is_home_country(f.iri)]
        if leading:
            return leading[0].iri
    units = [f for f in found if f.type is EntityType.PLACE and not iris.is_home_country(f.iri) and f.reference]
    if units:
        return units[0].iri
    for f in found:
        if f.type is EntityType.GOVERNMENT_ORGANIZATION and f.governs:
            return f.governs
    if fallback:
        return fallback
    if party:
        named = [f.iri for f in found if f.family == "Organization"]
        return named[0] if named else party
    if main and (local_reference(segment) or re.search(r"(?<!\w)(?i:tỉnh|thành phố)(?!\s+[A-ZĐ])", sentence)):
        return main
    for f in found:
        if f.type is EntityType.PLACE:
            return f.iri
    if country and (main is None or re.search(r"Nghị quyết|Quyết định|Chính phủ|cả nước|quốc gia|Việt Nam", sentence)):
        return country
    orgs = [f for f in found if f.type is EntityType.ORGANIZATION]
    return orgs[0].iri if orgs else main


def _goals(segment: str) -> list[str]:
    """The goals of a target segment: one per list item ("kinh tế số chiếm 20% GDP", "80% …")."""
    segment = re.split(r",\s+(?:dù|nhưng|song|trong khi)\s", _BULLET.sub("", segment).strip(" ,.;"))[0]
    fronted = re.match(
        rf"^(?:.*?\b(?:mục tiêu|phấn đấu|đảm bảo|bảo đảm|để|nhằm|cụ thể)(?:\s+(?:là|đặt ra là))?\s+)?(?:(?:đến|tới|vào|trước)\s+(?:cuối\s+|hết\s+)?|hết\s+)(?:năm\s+|quý\s+[IV]+/)?{YEAR}\s*,?\s*"
        rf"|^(?:Trong\s+)?[Nn]ăm\s+{YEAR}\s*,\s*", segment, re.I)
    if fronted:
        segment = segment[fronted.end():].lstrip(" :")
    out = []
    for item in _items(segment):
        goal = _GOAL.search(item)
        top = _TOP.search(item)
        has_figure = bool(_FIGURE.search(item))
        if goal is None and top is None and not has_figure:
            continue
        start = 0 if has_figure else (goal.start() if goal else top.start())  # type: ignore[union-attr]
        cue = re.search(r"phấn đấu|mục tiêu|chỉ tiêu", item[:start], re.I)
        if cue:
            start = cue.start()
        text = _TAIL_YEAR.sub("", item[start:].strip(" ,.;")).strip(" ,.;")
        text = _FILLER.sub("", text).strip()
        text = re.sub(r"(?:\s+(?:để|và|nhằm|cùng|với|nhưng))+$", "", text)
        text = re.sub(rf"^(?:đến|tới|vào)\s+(?:năm\s+)?{YEAR}\s*,?\s*", "", text, flags=re.I)
        if len(text.split()) >= 3:
            out.append(text)
    return out


def _items(segment: str) -> list[str]:
    """Split a goal list at ';', and at ',' or 'và' where a new goal starts (a figure or a goal verb)."""
    pieces: list[str] = []
    for part in re.split(r"\s*;\s*", segment):
        current = ""
        for piece in re.split(r"(,\s+|\s+và\s+)", part):
            if re.fullmatch(r",\s+|\s+và\s+", piece):
                current += piece
                continue
            figure = re.match(r"^(?:trên\s+|ít nhất\s+|tối thiểu\s+)?\d+(?:[.,]\d+)*\s*(?:%|[a-zà-ỹđ]+)", piece)
            starts_goal = bool(figure and not re.search(r"\d\s*(?:lên|mới|đã|và|là)$", figure.group(0))) or bool(
                "và" in current[-5:] and _SPLIT_VERB.search(" ".join(piece.split()[:5])) and len(piece.split()) >= 3)
            if current.strip(" ,") and starts_goal:
                pieces.append(re.sub(r"(?:,\s+|\s+và\s+)$", "", current))
                current = piece
            else:
                current += piece
        if current.strip():
            pieces.append(re.sub(r"(?:,\s+|\s+và\s+)$", "", current))
    return [p.strip(" ,") for p in pieces if p.strip(" ,")]


def _core(text: str) -> str:
    """The goal without its lead-in ("đưa địa phương này …") and qualifiers, for de-duplication."""
    text = text.lower()
    inner = [m for m in _GOAL.finditer(text) if m.group(0) not in {"đưa", "có"}]
    if inner:
        text = text[inner[0].start():]
    return re.sub(r"\s+(?:toàn diện|hoàn chỉnh|thành công)$", "", text).strip()


def _dedupe(goals: list[_Goal]) -> list[_Goal]:
    kept: list[_Goal] = []
    for g in goals:
        dup = next((k for k in kept if k.subject == g.subject and (
            k.year == g.year and (_core(k.description) in _core(g.description) or _core(g.description) in _core(k.description))
            or (k.threshold is not None and k.threshold == g.threshold and None in (k.year, g.year)))), None)
        if dup is None:
            kept.append(g)
        elif dup.year is None and g.year is not None:
            kept[kept.index(dup)] = _Goal(dup.subject, g.description, g.year, dup.threshold or g.threshold, g.evidence)
    return kept


class Targets:
    """Goals a subject is to reach, by a year or a rank."""

    name = "targets"
    requires = ("mentions", "agreements")

    def extract(self, context: Context) -> tuple[Target, ...]:
        return tuple(extract_targets(context.article, context["mentions"], context.country,
                                     _agreement_party(context)))


def _agreement_party(context: Context) -> str | None:
    """The first party of the article's first agreement when none of its parties is a local government."""
    agreements = [a for a in context["agreements"] if not a.earlier]
    if not agreements:
        return None
    governing = {f.iri for f in context["mentions"] if f.governs}
    parties = agreements[0].parties
    if any(p in governing or (p in context.gaz.by_iri and context.gaz.by_iri[p].governs) for p in parties):
        return None
    return parties[0]
