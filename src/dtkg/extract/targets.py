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

from dtkg.extract.entities import Found, local_reference, main_province
from dtkg.extract.patterns import BY_YEAR, YEAR
from dtkg.model import Article, EntityType, Evidence, Target

_GOAL_VERBS = (
    "hoàn thành|triển khai|xây dựng|phát triển|trở thành|hình thành|phổ cập|nâng cao|đạt|đưa|có|nằm trong|đứng trong|"
    "vào top|lọt top|thuộc nhóm|tăng|giảm|cung cấp|số hóa|kết nối|phủ sóng|đào tạo|thu hút|hoàn tất"
)
_GOAL = re.compile(rf"(?<!\w)(?:{_GOAL_VERBS})(?!\w)")
_CUE = re.compile(r"phấn đấu|mục tiêu|chỉ tiêu|đảm bảo|bảo đảm|cam kết|\bsẽ\b|kỳ vọng|hướng tới|top\s+\d+|nhóm\s+\d+", re.I)
_TOP = re.compile(r"(?:top|nhóm)\s+(?P<n>\d{1,3})(?!\d)", re.I)
_PAST = re.compile(r"(?<!\w)(?:đã|vừa)\s+(?!được đặt)", re.I)
_SPLIT_AND = re.compile(rf"\s+và\s+(?=(?:{_GOAL_VERBS})(?!\w))")
_LEAD = re.compile(rf"^(?:.*?(?:đến|tới|vào|trước)\s+(?:cuối\s+)?(?:năm\s+)?{YEAR}\s*,?\s*)", re.I)
_TAIL_YEAR = re.compile(rf"\s*(?:vào|đến|tới|trước)\s+(?:cuối\s+)?(?:năm\s+)?{YEAR}\s*$", re.I)
_FILLER = re.compile(r"^(?:sẽ|luôn|cơ bản|từng bước|phấn đấu|đảm bảo|để)\s+", re.I)


@dataclass(frozen=True)
class _Goal:
    subject: str
    description: str
    year: int | None
    threshold: int | None
    evidence: Evidence


def extract_targets(article: Article, mentions: list[Found], country: str | None) -> list[Target]:
    main = main_province(mentions)
    goals: list[_Goal] = []
    for sentence in article.sentences:
        text = sentence.text
        for seg_start, seg_end in _segments(text):
            segment = text[seg_start:seg_end]
            year_m = BY_YEAR.search(segment)
            top = _TOP.search(segment)
            if not (year_m or top) or not _CUE.search(segment) and not year_m:
                continue
            if year_m and _PAST.search(segment[: year_m.start()]) and not _CUE.search(segment):
                continue
            year = int(year_m.group("year") or year_m.group("year2")) if year_m else None
            if year and article.published and year < int(article.published[:4]):
                continue
            found = [f for f in mentions if sentence.span.start + seg_start <= f.start < sentence.span.start + seg_end]
            subject = _subject(found, text, segment, main, country)
            if subject is None:
                continue
            for description in _goals(segment):
                goals.append(_Goal(subject, description, year, int(top.group("n")) if top and top.group(0) in description else None,
                                   Evidence(sentence.index, sentence.span, text)))
    return [Target(g.subject, g.description, g.evidence, year=g.year, rank_threshold=g.threshold) for g in _dedupe(goals)]


def _segments(text: str) -> list[tuple[int, int]]:
    """Split a sentence into target-sized segments: at ';' and before a new year cue."""
    cuts = [0]
    for m in re.finditer(
        r";\s*|\.\s+|,\s+(?=(?:(?:để|nhằm|đảm bảo|bảo đảm|phấn đấu)\s+)?(?:đến|tới)\s+(?:năm\s+)?(?:19|20)\d\d)"
        r"|,\s+(?=(?:phấn đấu|đảm bảo|bảo đảm|mục tiêu|nhằm)\s)|\s+để\s+(?=(?:đến|tới)\s+năm)", text):
        cuts.append(m.end())
    cuts.append(len(text))
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if text[a:b].strip()]


def _subject(found: list[Found], sentence: str, segment: str, main: str | None, country: str | None) -> str | None:
    for f in found:
        if f.type is EntityType.PLACE and not f.iri.endswith("/viet-nam"):
            return f.iri
    for f in found:
        if f.type is EntityType.GOVERNMENT_ORGANIZATION and f.governs:
            return f.governs
    if main and (local_reference(segment) or re.search(r"(?<!\w)(?:tỉnh|thành phố)(?!\s+[A-ZĐ])", segment)):
        return main
    for f in found:
        if f.type is EntityType.PLACE:
            return f.iri
    if re.search(r"Nghị quyết|Quyết định|Chính phủ|cả nước|quốc gia|Việt Nam", sentence) and country:
        return country
    orgs = [f for f in found if f.type is EntityType.ORGANIZATION]
    return orgs[0].iri if orgs else None


def _goals(segment: str) -> list[str]:
    segment = segment.strip(" ,.;")
    fronted = re.match(rf"^(?:(?:để|nhằm|đảm bảo|bảo đảm|phấn đấu|cụ thể)\s+)?(?:đến|tới|vào|trước)\s+(?:cuối\s+)?(?:năm\s+)?{YEAR}\s*,\s*", segment, re.I)
    if fronted:
        segment = segment[fronted.end():]
    goal = _GOAL.search(segment)
    if goal is None and not _TOP.search(segment):
        return []
    start = goal.start() if goal else _TOP.search(segment).start()  # type: ignore[union-attr]
    cue = re.search(r"phấn đấu|mục tiêu|chỉ tiêu", segment[:start], re.I)
    if cue and not _LEAD.match(segment[cue.start():start]):
        start = cue.start()
    text = _TAIL_YEAR.sub("", segment[start:]).strip(" ,.;")
    parts = [p.strip(" ,.;") for p in _SPLIT_AND.split(text)]
    out = []
    for p in parts:
        p = _FILLER.sub("", p).strip()
        p = re.sub(rf"^(?:đến|tới|vào)\s+(?:năm\s+)?{YEAR}\s*,?\s*", "", p, flags=re.I)
        if len(p.split()) >= 2:
            out.append(p)
    return out


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
        dup = next((k for k in kept if k.subject == g.subject and k.year == g.year
                    and (_core(k.description) in _core(g.description) or _core(g.description) in _core(k.description))), None)
        if dup is None:
            kept.append(g)
    return kept
