"""The parts of a raw news page: page furniture, title, date line, body, byline, captions, teasers.

Works on normalised text and returns spans into it, so nothing is lost: the whole text
stays in the graph; the layout only says which part is what. Furniture is menus and
breadcrumbs, share bars, tag lines, comment-box headings, template placeholders and the
page's date lines; captions are photo captions and credits; teasers are related articles,
whether in a "TIN LIÊN QUAN" box inside the body or printed under it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dtkg.ingest import vocabulary as vocab
from dtkg.ingest.dates import PageDate, crawl_stamp, leading_date, page_date
from dtkg.model import Span

_TEMPLATE = re.compile(r"^\s*(?:\{[^{}\n]{1,40}\}|\[[a-z_]{1,40}\]|%[a-z_]{1,40}%|\$\{[^}]{1,40}\})\s*$")
_SOURCE_LINE = re.compile(r"^(?:Theo|Nguồn)\s*:?\s+\S.{0,60}$", re.IGNORECASE)
_NAME_WORD = re.compile(r"^[A-ZÀ-ỸĐ][\wÀ-ỹ]*\.?$")
_BYLINE_TAIL = re.compile(r"\s*(?:\([^)]{1,30}\)|-\s*\S.{0,30})$")
_SEPARATORS = re.compile(r"[|>»›/•·:,\-–—()\[\]]+")
_CUES = "|".join(sorted((re.escape(c) for c in vocab.CAPTION_CUES), key=len, reverse=True))
_CAPTION_START = re.compile(rf"^[(\[]?\s*(?:{_CUES})\s*(?:\d+\s*)?(?::|\.\s*$|\)|$)", re.IGNORECASE)
_CAPTION_END = re.compile(rf"(?:^|[\s.,;\-–—(])(?:{_CUES})\s*(?:\d+\s*)?:\s*[^:.!?]{{1,60}}[.)]?\s*$", re.IGNORECASE)
_CAPTION_NUMBER = re.compile(rf"[\s\-–—]\s*(?:{_CUES})\s*\d+\s*\.?\s*$", re.IGNORECASE)
_CAPTION_PAREN = re.compile(rf"\((?:{_CUES})(?:\s*[:\-][^()]{{0,60}})?\)\s*\.?\s*$", re.IGNORECASE)
_RELATED = re.compile(
    r"^\s*(?:>>|»|>)?\s*(?:" + "|".join(re.escape(h) for h in vocab.RELATED_HEADINGS) + r")\s*(?::|>>|»|-)?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_TAGS = re.compile(r"^\s*(?:" + "|".join(re.escape(t) for t in vocab.TAG_LABELS) + r")\s*:", re.IGNORECASE)
_COMMENTS = re.compile(
    r"^\s*(?:" + "|".join(re.escape(t) for t in vocab.COMMENT_HEADINGS) + r")\s*(?:\(\s*\d+\s*\))?\s*:?\s*$", re.IGNORECASE
)
_BULLET = re.compile(r"^\s*(?:[-–•*+▪►▸»]|>>)\s*")
_SENTENCE_END = re.compile(r"[.!?…:;\"”]\s*$")
_MENU_SPLIT = re.compile(r"\s+[>»›|/]\s+|\s*[>»›|]\s*(?=\S)|\s{2,}")
_DATE_SPLIT = re.compile(r"\s*(?:\||//|\s-\s|–|—)\s*")
_HEADER_LINES = 10
_FOOTER_LINES = 5


@dataclass(frozen=True)
class Teaser:
    """A related article printed with the main one: its title and lede."""

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
    captions: tuple[Span, ...] = field(default=())
    dated: str | None = None  # the page's date as precisely as it gives it (YYYY-MM-DD, YYYY-MM or YYYY)


def lines_of(text: str) -> list[Span]:
    """Non-blank lines, trimmed, as spans."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        span = _trim(text, m.start(), m.end())
        if span.end > span.start:
            spans.append(span)
    return spans


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


@dataclass
class _Page:
    """Working state of one analysis: the lines still unclaimed and what each claimed line is."""

    text: str
    lines: list[Span]
    noise: list[Span] = field(default_factory=list)
    captions: list[Span] = field(default_factory=list)
    teasers: list[Teaser] = field(default_factory=list)
    dates: list[tuple[Span, PageDate]] = field(default_factory=list)

    def line(self, span: Span) -> str:
        return span.of(self.text)


def analyse(text: str, *, title: str | None = None, published: str | None = None,
            captions: frozenset[str] = frozenset(), related: frozenset[str] = frozenset()) -> Layout:
    """Find the page's parts. ``title``/``published`` from metadata take precedence; ``captions`` and
    ``related`` are lines the page's markup marks as photo captions and related-article links."""
    page = _Page(text, lines_of(text))
    stamp = _crawl_stamp(page)
    _date_lines(page)
    _furniture(page)
    _related_boxes(page, related)
    _captions(page, captions)
    lines = page.lines
    teaser_at = _teaser_start(text, lines)
    body, tail = lines[:teaser_at], lines[teaser_at:]
    page.teasers += _teasers(text, tail)
    title_span = None
    if title is None:
        title_span, body = _title(page, body)
    if title_span is not None:
        body = _drop_repeats(page, body, title_span)
    body, byline = _byline(page, body, title_span)
    body = _doubled_captions(page, body)
    chosen = _chosen_date(page.dates)
    dated = published or (chosen[1].value if chosen else None) or (stamp.value if stamp else None)
    if published is None and dated and len(dated) == 10:
        published = dated
    if published is None and body and (lead := leading_date(body[0].of(text))) and lead.iso:
        published = lead.iso
    return Layout(
        title=title_span, published=published, date_line=chosen[0] if chosen else None, paragraphs=tuple(body),
        byline=byline, teasers=tuple(sorted(page.teasers, key=lambda t: t.region.start)),
        noise=tuple(sorted(page.noise, key=lambda s: s.start)), captions=tuple(page.captions),
        dated=dated or published,
    )


# ---------------------------------------------------------------- furniture

def _crawl_stamp(page: _Page) -> PageDate | None:
    """A crawler's "date 2021-03-15" stamp at the very start: noise; the rest of its line stays."""
    if not page.lines:
        return None
    first = page.lines[0]
    found = crawl_stamp(page.line(first))
    if not found:
        return None
    stamp, end = found
    page.noise.append(Span(first.start, first.start + len(page.line(first)[:end].rstrip())))
    rest = _trim(page.text, first.start + end, first.end)
    page.lines = ([rest] if rest.end > rest.start else []) + page.lines[1:]
    return stamp


def _furniture(page: _Page) -> None:
    """Template placeholders, menus and breadcrumbs, share bars, tag lines and comment headings."""
    kept = []
    for span in page.lines:
        line = page.line(span)
        heading = _RELATED.match(line)
        if heading and not heading.group("rest"):
            kept.append(span)  # a related-article box's heading: its items follow
        elif _TEMPLATE.match(line) or _is_menu(line) or _TAGS.match(line) or _COMMENTS.match(line):
            page.noise.append(span)
        else:
            kept.append(span)
    page.lines = kept


def _words(line: str) -> list[str]:
    return _SEPARATORS.sub(" ", line.lower()).split()


_PHRASES = frozenset(" ".join(_words(p)) for p in vocab.SECTIONS | vocab.UTILITIES)
_LONGEST = max(len(p.split()) for p in _PHRASES)


def _is_menu(line: str) -> bool:
    """A line made only of section names, page tools and counters, or of short items between
    separators: a menu, breadcrumb or share bar."""
    if len(line) > 250 or _SENTENCE_END.search(line) and not line.rstrip().endswith(":"):
        return False
    if re.match(r"^\s*trang chủ\s*[>»›/|]", line, re.IGNORECASE):
        return True
    items = [i for i in _MENU_SPLIT.split(line.strip()) if i.strip()]
    if len(items) >= 2 and all(len(i.split()) <= 5 and len(i) <= 40 and not _SENTENCE_END.search(i) for i in items):
        return True
    words = _words(line)
    if all(w.isdigit() for w in words):
        return bool(line.strip()) and not any(c.isalnum() for c in line)
    reach = [True] + [False] * len(words)  # reach[i]: words[:i] splits into known phrases
    for i in range(len(words)):
        if not reach[i]:
            continue
        if words[i].isdigit():
            reach[i + 1] = True
        for n in range(1, min(_LONGEST, len(words) - i) + 1):
            if " ".join(words[i : i + n]) in _PHRASES:
                reach[i + n] = True
    return reach[-1]


# ---------------------------------------------------------------- related-article boxes

def _related_boxes(page: _Page, marked: frozenset[str]) -> None:
    """"TIN LIÊN QUAN" / "Xem thêm:" boxes: their items become teasers, wherever they stand."""
    kept: list[Span] = []
    lines = page.lines
    i = 0
    while i < len(lines):
        span = lines[i]
        if page.line(span) in marked and _title_like(page.line(span)):
            page.teasers.append(_teaser_item(page, span))
            i += 1
            continue
        m = _RELATED.match(page.line(span))
        if not m or (m.group("rest") and not _title_like(m.group("rest"))):
            if _BULLET.match(page.line(span)) and page.line(span).lstrip().startswith((">>", "»")):
                page.teasers.append(_teaser_item(page, span))  # ">> Title of another article"
            else:
                kept.append(span)
            i += 1
            continue
        if m.group("rest"):
            page.teasers.append(_teaser_item(page, Span(span.start + m.start("rest"), span.end), whole=span))
        else:
            page.noise.append(span)
        i += 1
        taken = 0
        while i < len(lines) and taken < 8 and _box_item(page.line(lines[i]), bullet_only=bool(m.group("rest"))):
            page.teasers.append(_teaser_item(page, lines[i]))
            i += 1
            taken += 1
    page.lines = kept


def _box_item(line: str, *, bullet_only: bool) -> bool:
    if _BULLET.match(line):
        return _title_like(_BULLET.sub("", line))
    return not bullet_only and _title_like(line)


def _title_like(line: str) -> bool:
    """A headline: short, at least three words, not ending like a sentence."""
    line = line.strip()
    return 3 <= len(line.split()) and len(line) <= 200 and not re.search(r"[.:;,]\s*$", line)


def _teaser_item(page: _Page, span: Span, *, whole: Span | None = None) -> Teaser:
    line = page.line(span)
    bullet = _BULLET.match(line)
    title = _trim(page.text, span.start + (bullet.end() if bullet else 0), span.end)
    return Teaser(title, None, whole or span)


# ---------------------------------------------------------------- captions

def _captions(page: _Page, marked: frozenset[str]) -> None:
    """Photo captions and credits ("Ảnh: …", "(Ảnh: …)", "… Ảnh: Name", a caption above its credit)."""
    kept: list[Span] = []
    for span in page.lines:
        line = page.line(span)
        if line in marked:
            page.captions.append(span)
            continue
        if not _is_caption(line):
            kept.append(span)
            continue
        page.captions.append(span)
        if _is_credit(line) and kept and _caption_above_credit(page.line(kept[-1])):
            page.captions.append(kept.pop())
    page.captions.sort(key=lambda s: s.start)
    page.lines = kept


def _is_caption(line: str) -> bool:
    if len(line) > 400:
        return False
    if _CAPTION_START.match(line) and not re.match(r"^\s*(?:ảnh\s+hưởng|ảnh\s+chụp\s+màn)", line, re.IGNORECASE):
        return True
    return bool(_CAPTION_END.search(line) or _CAPTION_NUMBER.search(line) or _CAPTION_PAREN.search(line))


def _is_credit(line: str) -> bool:
    """A caption line that is only a credit ("ẢNH: NGUYỄN PHÚC"), with the caption text above it."""
    return bool(_CAPTION_START.match(line)) and len(line) <= 60


def _caption_above_credit(line: str) -> bool:
    """The line above a bare credit is its caption when short, or a little longer without a full stop."""
    if _is_caption(line) or line.rstrip().endswith(":"):
        return False
    return len(line) <= 100 or (len(line) <= 200 and not _SENTENCE_END.search(line))


# ---------------------------------------------------------------- date lines

def _date_lines(page: _Page) -> None:
    """Lines that are only the page's date (or a byline and the date): noise, their date kept."""
    kept: list[Span] = []
    for n, span in enumerate(page.lines):
        found = page_date(page.line(span))
        if found is None and (n < _HEADER_LINES or n >= len(page.lines) - _FOOTER_LINES):
            found = _byline_and_date(page.line(span))
        if found is not None:
            page.dates.append((span, found))
            page.noise.append(span)
        else:
            kept.append(span)
    page.lines = kept


def _byline_and_date(line: str) -> PageDate | None:
    """"Nguyễn Phúc | 29/10/2025 15:11 GMT+7", "Thứ năm - 08/04/2021 05:04": a short line ending in a date."""
    if len(line) > 160:
        return None
    for m in _DATE_SPLIT.finditer(line):
        found = page_date(line[m.end():])
        if found is not None and len(line[: m.start()]) <= 100 and not _SENTENCE_END.search(line[: m.start()]):
            return found
    return None


def _chosen_date(dates: list[tuple[Span, PageDate]]) -> tuple[Span, PageDate] | None:
    """The publication date: the first date line that is not an update's, else the first one."""
    for span, found in dates:
        if not found.updated:
            return span, found
    return dates[0] if dates else None


# ---------------------------------------------------------------- title, byline, teasers under the body

def _title(page: _Page, body: list[Span]) -> tuple[Span | None, list[Span]]:
    """The headline: the first line, unless it is a masthead (the site's name in capitals, a
    name-like line) with a headline among the next header lines; mastheads are noise."""
    if not body:
        return None, body
    first = page.line(body[0])
    if not (_is_masthead(first) or _looks_like_byline(first)) and len(first) <= 300:
        return body[0], body[1:]
    for n, span in enumerate(body[1:4], start=1):
        line = page.line(span)
        if _is_prose(line) and _ends_like_sentence(line):
            break
        if _title_candidate(line):
            page.noise.extend(s for s in body[:n])
            return span, body[n + 1:]
    return (body[0], body[1:]) if _looks_like_title(first) else (None, body)


def _ends_like_sentence(line: str) -> bool:
    return bool(re.search(r"[.:;]\s*$", line))


def _is_masthead(line: str) -> bool:
    """A site's name or section strip in capitals: "BÁO PHÚ THỌ ĐIỆN TỬ", "ĐẠI HỌC X - TIN TỨC"."""
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(line.split()) <= 10


def _title_candidate(line: str) -> bool:
    return (3 <= len(line.split()) and len(line) <= 300 and not _ends_like_sentence(line)
            and not _is_masthead(line) and not _looks_like_byline(line))


def _drop_repeats(page: _Page, body: list[Span], title: Span) -> list[Span]:
    """The title printed again (an image's alt text, a second headline) is not a paragraph."""
    kept = []
    for span in body:
        if page.line(span) == page.line(title):
            page.noise.append(span)
        else:
            kept.append(span)
    return kept


def _byline(page: _Page, body: list[Span], title: Span | None) -> tuple[list[Span], Span | None]:
    """The author: the last line when it is a byline, else a byline in the page's header."""
    byline = None
    if body and (_looks_like_byline(page.line(body[-1])) or len(body) > 1 and _is_signature(page, body[-1], body[-2])):
        byline, body = body[-1], body[:-1]
        while body and page.line(body[-1]) == page.line(byline):
            page.noise.append(body.pop())
    for n, span in enumerate(body[:4]):
        line = page.line(span)
        if _is_prose(line):
            break
        if _looks_like_byline(line) and (byline is None or page.line(byline) == line):
            byline = byline or span
            page.noise.extend(s for s in body[n:n + 3] if s is not span and page.line(s) == line)
            body = [s for s in body if s is not span and not (s in page.noise)]
            break
    return body, byline


def _is_signature(page: _Page, last: Span, before: Span) -> bool:
    """The last line after prose, short and named like an office: "Phòng Truyền thông - ĐHTN"."""
    line = page.line(last)
    core = _BYLINE_TAIL.sub("", line).strip()
    words = core.split()
    if not (core[:1].isupper() and 1 <= len(words) <= 10 and len(line) <= 60) or any(c.isdigit() for c in line):
        return False
    if re.search(r"[.:;,?!\"”]\s*$", line) or not _is_prose(page.line(before)):
        return False
    return sum(w[:1].isupper() for w in words) * 5 >= len(words) * 2


def _is_prose(line: str) -> bool:
    return len(line) > 160 or bool(_SENTENCE_END.search(line))


def _teaser_start(text: str, lines: list[Span]) -> int:
    """Index of the first line of the teasers under the body: from a headline printed twice in a row
    (after at least one paragraph of prose) to the end, only headlines printed twice, each with at
    most one lede. A byline printed twice is not one."""
    for i in range(1, len(lines) - 1):
        a, b = lines[i].of(text), lines[i + 1].of(text)
        if (a == b and len(a) < 300 and not _looks_like_byline(a) and _teaser_block(text, lines[i:])
                and any(_is_prose(s.of(text)) for s in lines[:i])):
            return i
    return len(lines)


def _teaser_block(text: str, lines: list[Span]) -> bool:
    i = 0
    while i < len(lines):
        if not (i + 1 < len(lines) and lines[i].of(text) == lines[i + 1].of(text)):
            return False
        i += 2
        if i < len(lines) and not (i + 1 < len(lines) and lines[i].of(text) == lines[i + 1].of(text)):
            i += 1  # the lede
    return True


def _doubled_captions(page: _Page, body: list[Span]) -> list[Span]:
    """A short line printed twice in a row inside the body is a picture's alt text and caption."""
    kept: list[Span] = []
    for span in body:
        if kept and page.line(kept[-1]) == page.line(span) and len(page.line(span)) < 300:
            page.captions.extend([kept.pop(), span])
        else:
            kept.append(span)
    page.captions.sort(key=lambda s: s.start)
    return kept


def _teasers(text: str, lines: list[Span]) -> list[Teaser]:
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
    return teasers


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
