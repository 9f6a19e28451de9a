"""Shared surface patterns of Vietnamese news: years, periods, horizons, numbers, clauses."""

from __future__ import annotations

import re

from dtkg.extract.vocab import vocabulary

UP = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
LO = "a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
_V = vocabulary()
#: A capitalised word (or an acronym) and at most one lowercase word after it: "Thông tin".
#: Lowercase words that never continue a name: "Tập đoàn Viettel là …" ends at "Viettel".
NOT_NAME = rf"(?:{_V.alt('not_name')})(?![\w])"
_LOWER_WORD = rf"(?!{NOT_NAME})[{LO}]+"
_TAILS = rf"(?:{_V.alt('name_tails')})"
#: A word of a name: an acronym ("CP", "VNPT"), a number ("229"), a capitalised or camel-case
#: word ("Công", "EduNova").
NAME_WORD = rf"(?:[{UP}0-9]{{2,}}[{UP}{LO}0-9&]*|\d+(?![\w.,])|[{UP}][{LO}]*(?:[{UP}][{LO}]+)*)"
NAME_UNIT = (rf"{NAME_WORD}"
             rf"(?:(?:\s+{_LOWER_WORD}){{2,3}}(?=\s+[{UP}])|\s+{_TAILS}(?![{LO}])|\s+{_LOWER_WORD})?"
             rf"(?:\s+{_TAILS}(?![{LO}]))?")
YEAR = r"(?:19|20)\d\d"
#: A locative right before a name ("tại Hà Nội", "ở tỉnh Bắc Ninh"): where, not who.
LOCATIVE_BEFORE = re.compile(rf"(?:{_V.alt('locatives')})\s+(?:tỉnh\s+|thành phố\s+|TP\.?\s*)?$")
PERIOD = re.compile(
    rf"(?:giai đoạn|thời kỳ|nhiệm kỳ|trong|từ năm|từ|kế hoạch)?\s*(?:năm\s+)?(?P<start>{YEAR})\s*(?:-|–|—|đến|tới)\s*(?:hết\s+)?(?:năm\s+)?(?P<end>{YEAR})(?!\d)",
    re.IGNORECASE,
)
#: "Mục tiêu đến năm 2026:", "Các chỉ tiêu chủ yếu đến năm 2025:" — a plan's goals follow the colon.
PLAN_HEADER = re.compile(rf"(?:mục tiêu|chỉ tiêu)[^:;.]{{0,40}}?(?:đến|tới|trong|vào|năm)\s+(?:hết\s+|cuối\s+)?(?:năm\s+)?"
                         rf"(?P<year>{YEAR})\s*:", re.IGNORECASE)
#: A list item's marker: "- ", "• ", "1. ", "(2) ", "a) ".
BULLET = re.compile(r"^\s*(?:[-–•+*]|\(?\d{1,2}[.)]|[a-zđ]\))\s+")
HORIZON = re.compile(rf"(?:định hướng|tầm nhìn)\s+(?:đến|tới)\s+(?:năm\s+)?(?P<year>{YEAR})", re.IGNORECASE)
BY_YEAR = re.compile(rf"(?<!định hướng )(?<!tầm nhìn )(?:(?:đến|tới|vào|trước|trong)\s+(?:cuối\s+|hết\s+)?|(?<![\w])hết\s+)(?:năm\s+|quý\s+[IV]+/)(?P<year>{YEAR})|(?:đến|tới|vào|trước)\s+(?P<year2>{YEAR})(?!\s*[-–])", re.IGNORECASE)
NUMBER = re.compile(r"(?<![\w.,/-])(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?![\w]|[.,]\d|/\d|-\d)")


def parse_number(surface: str) -> float:
    """Vietnamese number format: "6.500" → 6500, "99,21" → 99.21."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", surface):
        surface = surface.replace(".", "")
    return float(surface.replace(",", "."))


def clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans split at semicolons, colons and sentence-final punctuation."""
    spans = []
    start = 0
    for m in re.finditer(r"[;:]\s|\.\s*$", text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]
