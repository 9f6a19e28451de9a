"""Dates as Vietnamese news writes them, resolved to ISO dates.

"Ngày 18-12-2020", "Sáng 23-10", "22/08/2025 16:40 GMT+7", "Thứ Tư, 15/12/2021",
"ngày 11.9", "ngày 5 tháng 3 năm 2024". A missing year is taken from the article date
(the year before it when the day would otherwise fall after the article was published).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_DAY_PART = r"(?:[Nn]gày|[Ss]áng|[Cc]hiều|[Tt]ối|[Tt]rưa|[Đđ]êm|[Hh]ôm|[Tt]ừ|[Đđ]ến|[Vv]ào)"
NUMERIC = re.compile(
    r"(?<![\d/.\-])(?P<d>[0-3]?\d)(?P<sep>[/\-.])(?P<m>[01]?\d)(?:(?P=sep)(?P<y>(?:19|20)\d\d))?(?![\d/\-]|\.\d)"
)
WORDS = re.compile(
    r"(?<!\d)(?P<d>[0-3]?\d)\s+tháng\s+(?P<m>[01]?\d)(?:\s*(?:năm|,|/)\s*(?P<y>(?:19|20)\d\d))?(?!\d)",
    re.IGNORECASE,
)
DATE_LINE = re.compile(
    r"^\s*(?:(?:Thứ\s+\w+|Chủ\s+nhật|Chủ\s+Nhật)\s*,\s*)?(?P<d>[0-3]?\d)[/\-.](?P<m>[01]?\d)[/\-.](?P<y>(?:19|20)\d\d)"
    r"(?:\s*[,|-]?\s*\d{1,2}[:h]\d{2}(?::\d{2})?)?(?:\s*\(?(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?\)?)?\s*$",
    re.IGNORECASE,
)
DATELINE_START = re.compile(
    rf"^\s*{_DAY_PART}(?:\s+(?:nay|qua|mai))?\s*(?:\(|,)?\s*(?:ngày\s+)?"
)


@dataclass(frozen=True)
class FoundDate:
    start: int
    end: int
    iso: str | None  # YYYY-MM-DD when the year is known or could be resolved
    month_day: tuple[int, int]
    year_given: bool


def _make(day: int, month: int, year: int | None) -> str | None:
    if year is None:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def resolve_year(day: int, month: int, reference: str | None) -> int | None:
    """The year of a day-month date written without one, given the article date."""
    if not reference:
        return None
    ref = dt.date.fromisoformat(reference[:10])
    try:
        candidate = dt.date(ref.year, month, day)
    except ValueError:
        return None
    return ref.year - 1 if candidate > ref + dt.timedelta(days=31) else ref.year


def find_dates(text: str, *, reference: str | None = None) -> list[FoundDate]:
    """Every calendar date in ``text``, with ISO form when its year is known or resolvable."""
    found: list[FoundDate] = []
    for pattern in (NUMERIC, WORDS):
        for m in pattern.finditer(text):
            day, month = int(m.group("d")), int(m.group("m"))
            if not (1 <= day <= 31 and 1 <= month <= 12):
                continue
            if pattern is NUMERIC and not m.group("y") and not _has_date_cue(text, m.start()):
                continue
            year = int(m.group("y")) if m.group("y") else resolve_year(day, month, reference)
            iso = _make(day, month, year)
            if m.group("y") and iso is None:
                continue
            found.append(FoundDate(m.start(), m.end(), iso, (day, month), bool(m.group("y"))))
    found.sort(key=lambda f: f.start)
    return found


def _has_date_cue(text: str, start: int) -> bool:
    """A bare "23-10" is a date only after a word like ngày/sáng/chiều."""
    before = text[max(0, start - 14) : start]
    return bool(re.search(rf"{_DAY_PART}\s*(?:(?:nay|qua|kia)\s*)?\(?\s*$", before))


def parse_date_line(line: str) -> str | None:
    """The ISO date of a line that is only a date (a page's date line), else None."""
    m = DATE_LINE.match(line)
    return _make(int(m.group("d")), int(m.group("m")), int(m.group("y"))) if m else None


def leading_date(paragraph: str, *, reference: str | None = None) -> FoundDate | None:
    """A dateline at the start of the first paragraph ("Ngày 18-12-2020, …", "Sáng 23-10, …")."""
    cue = DATELINE_START.match(paragraph)
    if not cue:
        return None
    dates = [d for d in find_dates(paragraph[:60], reference=reference) if d.start <= cue.end() + 2]
    return dates[0] if dates else None
