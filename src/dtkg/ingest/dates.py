"""Dates as Vietnamese news writes them, resolved to ISO dates.

"Ngày 18-12-2020", "Sáng 23-10", "22/08/2025 16:40 GMT+7", "Thứ Tư, 15/12/2021",
"ngày 11.9", "ngày 5 tháng 3 năm 2024". A missing year is taken from the article date
(the year before it when the day would otherwise fall after the article was published).
A page's own date line ("Thứ Hai, 15/03/2021 10:30 (GMT+7)", "Cập nhật: …", a crawler's
"date 2021-03" stamp) is read by :func:`page_date`.
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
    found = page_date(line)
    return found.iso if found else None


@dataclass(frozen=True)
class PageDate:
    """A page's own date (a date line, a "date …" crawl stamp): as precise as the page gives it."""

    value: str  # YYYY-MM-DD, YYYY-MM or YYYY
    updated: bool = False  # "Cập nhật: …": the date of an update, not of publication

    @property
    def iso(self) -> str | None:
        """The ISO date when the day is known."""
        return self.value if len(self.value) == 10 else None


_WEEKDAY = r"(?:Thứ\s*(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|Chủ\s*nhật|CN|T[2-7])"
_TIME = r"\d{1,2}\s*[:hg]\s*\d{2}(?::\d{2})?(?:\s*(?:AM|PM|SA|CH))?"
_ZONE = r"\(?\s*(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?\s*\)?"
_LABEL = (r"(?:(?P<upd>Cập\s*nhật(?:\s*lúc|\s*ngày)?|Ngày\s*cập\s*nhật|Sửa\s*lần\s*cuối|Updated?|Last\s*modified)"
          r"|Ngày\s*(?:đăng|xuất\s*bản|phát\s*hành|ban\s*hành\s*bài)|Đăng\s*(?:lúc|ngày|tải)?|Xuất\s*bản(?:\s*lúc)?"
          r"|Thời\s*gian(?:\s*đăng)?|Published|Posted|Date|Ngày)\s*:?")
_CALENDAR = (r"(?:(?P<d>[0-3]?\d)\s*[/.\-]\s*(?P<m>[01]?\d)\s*[/.\-]\s*(?P<y>(?:19|20)\d\d)"
             r"|(?P<iy>(?:19|20)\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d)(?:T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?"
             r"|(?:ngày\s+)?(?P<wd>[0-3]?\d)\s+tháng\s+(?P<wm>[01]?\d)(?:\s*(?:năm|,)\s*|\s+)(?P<wy>(?:19|20)\d\d))")
_SEP = r"\s*[,|\-–—/]?\s*"
PAGE_DATE = re.compile(
    rf"^\s*(?:{_LABEL}\s*)?(?:{_TIME}{_SEP})?(?:{_WEEKDAY}{_SEP})?(?:ngày\s+)?(?:{_TIME}{_SEP})?{_CALENDAR}"
    rf"(?:{_SEP}(?:lúc\s+)?{_TIME})?(?:\s*{_ZONE})?\s*[.,]?\s*$",
    re.IGNORECASE,
)
CRAWL_STAMP = re.compile(r"^\s*date\s+(?P<value>(?:19|20)\d\d(?:-[01]\d(?:-[0-3]\d)?)?)(?![\d-])\s*", re.IGNORECASE)


def page_date(line: str) -> PageDate | None:
    """The date of a line that is only a date, as pages print it: "Thứ Hai, 15/03/2021 10:30 (GMT+7)",
    "15-03-2021 - 10:30 AM", "Cập nhật: 15/3/2021", "Thứ hai, ngày 15/3/2021", "date 2021-03-15"."""
    if (stamp := CRAWL_STAMP.match(line)) and stamp.end() == len(line):
        return _partial(stamp.group("value"))
    m = PAGE_DATE.match(line)
    if not m:
        return None
    if m.group("y"):
        day, month, year = m.group("d"), m.group("m"), m.group("y")
    elif m.group("iy"):
        day, month, year = m.group("id"), m.group("im"), m.group("iy")
    else:
        day, month, year = m.group("wd"), m.group("wm"), m.group("wy")
    iso = _make(int(day), int(month), int(year))
    return PageDate(iso, updated=bool(m.group("upd"))) if iso else None


def crawl_stamp(line: str) -> tuple[PageDate, int] | None:
    """A crawler's "date YYYY-MM[-DD]" stamp at the start of a line: the date and where the rest begins."""
    m = CRAWL_STAMP.match(line)
    if not m:
        return None
    found = _partial(m.group("value"))
    return (found, m.end()) if found else None


def _partial(value: str) -> PageDate | None:
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        iso = _make(parts[2], parts[1], parts[0])
        return PageDate(iso) if iso else None
    if len(parts) == 2 and not 1 <= parts[1] <= 12:
        return None
    return PageDate(value)


def month_end(value: str) -> str:
    """The last day a partial date can mean: "2020-12" → "2020-12-31", "2021" → "2021-12-31"."""
    if len(value) == 10:
        return value
    year = int(value[:4])
    month = int(value[5:7]) if len(value) >= 7 else 12
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).isoformat()


def leading_date(paragraph: str, *, reference: str | None = None) -> FoundDate | None:
    """A dateline at the start of the first paragraph ("Ngày 18-12-2020, …", "Sáng 23-10, …")."""
    cue = DATELINE_START.match(paragraph)
    if not cue:
        return None
    dates = [d for d in find_dates(paragraph[:60], reference=reference) if d.start <= cue.end() + 2]
    return dates[0] if dates else None
