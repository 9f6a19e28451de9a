"""The parts of a raw news page: template noise, title, date line, body, byline, teasers.

Works on normalised text and returns spans into it, so nothing is lost: the whole text
stays in the graph; the layout only says which part is what.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dtkg.ingest.dates import leading_date, parse_date_line
from dtkg.model import Span

_TEMPLATE = re.compile(r"^\s*(?:\{[^{}\n]{1,40}\}|\[[a-z_]{1,40}\]|%[a-z_]{1,40}%|\$\{[^}]{1,40}\})\s*$")
_SOURCE_LINE = re.compile(r"^(?:Theo|Nguồn)\s*:?\s+\S.{0,60}$", re.IGNORECASE)
_NAME_WORD = re.compile(r"^[A-ZÀ-ỸĐ][\wÀ-ỹ]*\.?$")
_BYLINE_TAIL = re.compile(r"\s*(?:\([^)]{1,30}\)|-\s*\S.{0,30})$")


@dataclass(frozen=True)
class Teaser:
    """A related article printed under the main one: its title and lede."""

    title: Span
    lede: Span | None
    region: Span


@dataclass(frozen=True)
class Layout:
    title: Span | None
    published: str | None
    date_line: Span | None
    paragraphs: tuple[Span, ...]
    byline: Span | None
    teasers: tuple[Teaser, ...] = field(default=())
    noise: tuple[Span, ...] = field(default=())


def lines_of(text: str) -> list[Span]:
    """Non-blank lines, trimmed, as spans."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append(Span(s, e))
    return spans


def analyse(text: str, *, title: str | None = None, published: str | None = None) -> Layout:
    """Find the page's parts. ``title``/``published`` from metadata take precedence."""
    lines = lines_of(text)
    noise = [ln for ln in lines if _TEMPLATE.match(ln.of(text))]
    lines = [ln for ln in lines if ln not in noise]
    teaser_at = _teaser_start(text, lines)
    body, teaser_lines = lines[:teaser_at], lines[teaser_at:]
    title_span = None
    if title is None and body and _looks_like_title(body[0].of(text)):
        title_span, body = body[0], body[1:]
    date_line = None
    if body and (iso := parse_date_line(body[0].of(text))):
        date_line, body = body[0], body[1:]
        published = published or iso
    byline = None
    if body and _looks_like_byline(body[-1].of(text)):
        byline, body = body[-1], body[:-1]
    if published is None and body and (lead := leading_date(body[0].of(text))) and lead.iso:
        published = lead.iso
    return Layout(title_span, published, date_line, tuple(body), byline, _teasers(text, teaser_lines), tuple(noise))


def _teaser_start(text: str, lines: list[Span]) -> int:
    """Index of the first line of the first teaser: a short line printed twice in a row."""
    for i in range(1, len(lines) - 1):
        a, b = lines[i].of(text), lines[i + 1].of(text)
        if a == b and len(a) < 300:
            return i
    return len(lines)


def _teasers(text: str, lines: list[Span]) -> tuple[Teaser, ...]:
    teasers: list[Teaser] = []
    i = 0
    while i < len(lines):
        title = lines[i]
        j = i + 1
        if j < len(lines) and lines[j].of(text) == title.of(text):
            j += 1
        lede = None
        if j < len(lines) and not (j + 1 < len(lines) and lines[j + 1].of(text) == lines[j].of(text)):
            lede = lines[j]
            j += 1
        end = (lede or lines[j - 1]).end
        teasers.append(Teaser(title, lede, Span(title.start, end)))
        i = j
    return tuple(teasers)


def _looks_like_title(line: str) -> bool:
    return len(line) <= 300 and not _looks_like_byline(line)


def _looks_like_byline(line: str) -> bool:
    """A short line of capitalised words: "Nguyễn Thái", "Minh Anh (TTXVN)", "Theo VnExpress"."""
    if _SOURCE_LINE.match(line):
        return True
    core = _BYLINE_TAIL.sub("", line).strip()
    words = re.split(r"\s+|\s*[-–,]\s*", core)
    words = [w for w in words if w]
    if not 1 <= len(words) <= 8 or len(line) > 60 or line.endswith((".", ":", "?", "!")):
        return False
    return all(_NAME_WORD.match(w) for w in words)
