"""Figures reported about a subject: rates, counts, amounts (Vietnamese number formats).

A number followed by a unit or a counted noun ("99,21% dân số", "72 trạm 5G", "hơn 30
tỉnh, thành phố", "6.500 giáo viên") in a statement of fact, not a year, date, document
number, ordinal, rank threshold or a target's figure.
"""

from __future__ import annotations

import re

from dtkg.extract.entities import Found, main_province
from dtkg.extract.patterns import NUMBER, parse_number
from dtkg.model import Article, EntityType, Evidence, Indicator

_UNIT = re.compile(r"^\s*(?P<unit>%|phần trăm|triệu|tỷ|nghìn|ngàn|tỉ)?\s*(?P<about>[a-zà-ỹđA-Z0-9][^,.;:()“”]{0,50})?")
_SKIP_BEFORE = re.compile(r"(?:năm|giai đoạn|top|nhóm|thứ|lần|số|Quyết định|Nghị quyết|Kế hoạch|Đề án|ngày|tháng|quý|khóa|khoá|Điều|Khoản|hạng|mục tiêu)\s*$", re.I)
_FUTURE = re.compile(r"phấn đấu|mục tiêu|chỉ tiêu|đến năm|tới năm|sẽ|ít nhất|kế hoạch", re.I)
_APPROX = re.compile(r"(?:hơn|gần|trên|khoảng|đạt|tới|lên|có|với)\s*$", re.I)
_NOT_COUNTED = re.compile(r"^(?:năm|tháng|ngày|giờ|phút|tuổi|lần|G\b|giây)", re.I)


def extract_indicators(article: Article, mentions: list[Found]) -> list[Indicator]:
    main = main_province(mentions)
    out: list[Indicator] = []
    for sentence in article.sentences:
        text = sentence.text
        if _FUTURE.search(text) or "“" in text:
            continue
        found = [f for f in mentions if sentence.span.start <= f.start < sentence.span.end]
        for m in NUMBER.finditer(text):
            surface = m.group("num")
            if re.fullmatch(r"(?:19|20)\d\d", surface) or _SKIP_BEFORE.search(text[: m.start()]):
                continue
            unit_m = _UNIT.match(text[m.end():])
            unit = unit_m.group("unit") if unit_m else None
            about = (unit_m.group("about") or "").strip() if unit_m else ""
            if not unit and not about or _NOT_COUNTED.match(about) or re.match(r"^\d", about):
                continue
            subject = _subject(found, m.start() + sentence.span.start, main)
            if subject is None:
                continue
            approx = _APPROX.search(text[: m.start()])
            written = (approx.group(0).strip() + " " if approx else "") + surface + (unit or "")
            out.append(Indicator(subject, parse_number(surface), written, Evidence(sentence.index, sentence.span, text),
                                 unit=unit, about=_trim_about(about) or None))
    return out


def _trim_about(about: str) -> str:
    words = about.split()
    for i, w in enumerate(words):
        if w in {"và", "của", "được", "đã", "trên", "tại", "với", "trong"} and i >= 1:
            return " ".join(words[: i if w not in {"được", "trên"} else len(words)])
    return " ".join(words[:8])


def _subject(found: list[Found], at: int, main: str | None) -> str | None:
    before = [f for f in found if f.start < at and f.type is not EntityType.PERSON]
    if before:
        f = before[0]
        return f.iri
    if main:
        return main
    others = [f for f in found if f.type is not EntityType.PERSON]
    return others[0].iri if others else None
