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
from dtkg.ingest.header import (author_name, headline_like, is_credit, is_source, lede_like, looks_like_byline, names_office,
                                names_outlet, names_person, names_section, opens_with_agency)
from dtkg.model import Span

_TEMPLATE = re.compile(r"^\s*(?:\{[^{}\n]{1,40}\}|\[[a-z_]{1,40}\]|%[a-z_]{1,40}%|\$\{[^}]{1,40}\})\s*$")
_SIGNED_AT = re.compile(r"\s+(?:đã\s+)?(?:đăng|viết|gửi|cập nhật)\b.*$|\s+\d{1,2}:\d{2}$", re.IGNORECASE)
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
_CONTACT = re.compile(r"^\W*(?:" + "|".join(re.escape(c) for c in vocab.CONTACT_LABELS) + r")\s*:", re.IGNORECASE)
_FOLLOW = re.compile(r"^\s*(?:" + "|".join(vocab.FOLLOW_CUES) + r")\s+\S.{0,40}\s(?:trên|on)(?:\s+[\w.]+){0,3}\s*:?\s*$",
                     re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-–•*+▪►▸»]|>>)\s*")
_SENTENCE_END = re.compile(r"[.!?…:;\"”]\s*$")
_MENU_SPLIT = re.compile(r"\s+[>»›|/]\s+|\s*[>»›|]\s*(?=\S)|\s{2,}")
_DATE_SPLIT = re.compile(r"\s*(?:\||//|\s-\s|–|—)\s*|\s{3,}")
_COUNTER = re.compile(r"^(?:(?:lượt xem|lượt đọc|lượt truy cập|views?)\s*:?\s*)?[\d.,]+$", re.IGNORECASE)
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
    author: str | None = None  # the byline's name: "Theo Báo X" → "Báo X", "TRẦN AN" → "Trần An"
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
    signed: list[Span] = field(default_factory=list)  # bylines' names printed with the date

    def line(self, span: Span) -> str:
        return span.of(self.text)


def analyse(text: str, *, title: str | None = None, published: str | None = None,
            captions: frozenset[str] = frozenset(), related: frozenset[str] = frozenset()) -> Layout:
    """Find the page's parts. ``title`` is the title metadata gives (the header line printing it is the
    title); ``published`` from metadata takes precedence over the page's date; ``captions`` and
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
    title_span, body = _title(page, body, title)
    if title_span is not None:
        body = _drop_repeats(page, body, title_span)
    body, byline, author = _byline(page, body)
    body = _doubled_captions(page, body)
    chosen = _chosen_date(page.dates)
    dated = published or (chosen[1].value if chosen else None) or (stamp.value if stamp else None)
    if published is None and dated and len(dated) == 10:
        published = dated
    if published is None and body and (lead := leading_date(body[0].of(text))) and lead.iso:
        published = lead.iso
    return Layout(
        title=title_span, published=published, date_line=chosen[0] if chosen else None, paragraphs=tuple(body),
        byline=byline, author=author, teasers=tuple(sorted(page.teasers, key=lambda t: t.region.start)),
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
    """Lines of punctuation only, template placeholders, menus and breadcrumbs, share bars, tag lines,
    comment headings and the site's contact and follow-us lines."""
    kept = []
    for span in page.lines:
        line = page.line(span)
        heading = _RELATED.match(line)
        if heading and not heading.group("rest"):
            kept.append(span)  # a related-article box's heading: its items follow
        elif not any(c.isalnum() for c in line) or _TEMPLATE.match(line) or _is_menu(line) or _TAGS.match(line) or _COMMENTS.match(line) or _site_tool(line):
            page.noise.append(span)
        else:
            kept.append(span)
    page.lines = kept


def _site_tool(line: str) -> bool:
    """A site's contact line ("Hotline: …") or an invitation to follow it ("Theo dõi Báo X trên")."""
    return len(line) <= 160 and bool(_CONTACT.match(line) or _FOLLOW.match(line))


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
    return len(line.split()) >= 3 and len(line) <= 200 and not re.search(r"[.:;,]\s*$", line)


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
    if len(line) > 400 or is_credit(line):
        return False  # "Bài và ảnh: …" credits the writer: a byline
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
    """Lines that are only the page's date (or a byline or section and the date): noise, their date
    kept, and the name of a byline printed with the date."""
    kept: list[Span] = []
    for n, span in enumerate(page.lines):
        line = page.line(span)
        found, signed = page_date(line), None
        if found is None and (n < _HEADER_LINES or n >= len(page.lines) - _FOOTER_LINES):
            found, signed = _labelled_date(line)
        if found is not None:
            page.dates.append((span, found))
            page.noise.append(span)
            if signed:
                page.signed.append(Span(span.start, span.start + signed))
        else:
            kept.append(span)
    page.lines = kept


def _labelled_date(line: str) -> tuple[PageDate | None, int | None]:
    """A short line of a date and a label: "Nguyễn Phúc | 29/10/2025 15:11 GMT+7" (the end of the
    byline's name is returned too), "Khoa học - Công nghệ - 2021-04-17 16:39", "09:00 | 10/10/2022 | SỐ HÓA",
    "Ngày đăng: 14/01/2025 | Lượt xem: 2.318"."""
    if len(line) > 160:
        return None, None
    for m in _DATE_SPLIT.finditer(line):
        before, after = line[: m.start()], line[m.end():]
        found = page_date(after)
        if found is not None and len(before) <= 100 and not _SENTENCE_END.search(before):
            name = _SIGNED_AT.sub("", before).strip()
            return found, (len(name) if name and names_person(name) and not page_date(name) else None)
        found = page_date(before)
        if found is not None and (_COUNTER.match(after) or len(after.split()) <= 5 and not re.search(r"\d|[.!?]\s*$", after)):
            return found, None  # the date, then the section or a view counter
    return None, None


def _chosen_date(dates: list[tuple[Span, PageDate]]) -> tuple[Span, PageDate] | None:
    """The publication date: the first date line that is not an update's, else the first one."""
    for span, found in dates:
        if not found.updated:
            return span, found
    return dates[0] if dates else None


# ---------------------------------------------------------------- title

def _title(page: _Page, body: list[Span], known: str | None) -> tuple[Span | None, list[Span]]:
    """The headline, by evidence, among the header lines above the lede: the line printing the title
    the metadata gives; else the longest line that could be a headline (one printed again further
    down first); else the first header line naming neither the site, a category nor a writer. The
    header lines above it are page furniture, and so are site names and section labels below it."""
    header = _header(page, body)
    chosen = _known_title(page, body[:header], known)
    if chosen is None:
        candidates = [n for n in range(header) if headline_like(page.line(body[n]))]
        chosen = max(candidates, key=lambda n: (_printed_again(page, body[n]), len(page.line(body[n]))), default=None)
    if chosen is None:
        chosen = next((n for n in range(header) if _plain_header_line(page.line(body[n]))), None)
    if chosen is None and header == 0 and len(body) > 1 and _sentence_title(page.line(body[0])):
        chosen = 0
    if chosen is None:
        return None, body
    page.noise.extend(body[:chosen])
    rest = []
    for n, span in enumerate(body[chosen + 1:], start=chosen + 1):
        line = page.line(span)
        if n < header and not looks_like_byline(line) and (names_outlet(line) or names_section(line)):
            page.noise.append(span)
        else:
            rest.append(span)
    return body[chosen], rest


def _sentence_title(line: str) -> bool:
    """A first line ended like a sentence that is still the headline: short, and not opened like a
    lede (a dateline "Ngày 18/12, …" or an agency's mark "(TTXVN) - …")."""
    return len(line) <= 200 and not leading_date(line) and not opens_with_agency(line) and not looks_like_byline(line)


def _header(page: _Page, body: list[Span]) -> int:
    """How many lines stand above the lede (the first line that reads as body text)."""
    for n, span in enumerate(body[:_HEADER_LINES]):
        if lede_like(page.line(span)):
            return n
    return min(len(body), _HEADER_LINES)


def _known_title(page: _Page, header: list[Span], known: str | None) -> int | None:
    wanted = " ".join(known.split()) if known else None
    return next((n for n, span in enumerate(header) if " ".join(page.line(span).split()) == wanted), None)


def _printed_again(page: _Page, span: Span) -> bool:
    """The line's text stands elsewhere on the page too (an image's alt text, a caption, a breadcrumb)."""
    line = page.line(span)
    return page.text.find(line) != span.start or page.text.find(line, span.end) >= 0


def _plain_header_line(line: str) -> bool:
    """A header line that may be a short headline: not a byline, site name or section label, or a
    headline printed in capitals."""
    if looks_like_byline(line) or len(line) > 300 or names_section(line) or len(re.findall(r"\w+", line)) < 2:
        return False
    return not names_outlet(line) or len(line.split()) >= 6


def _drop_repeats(page: _Page, body: list[Span], title: Span) -> list[Span]:
    """The title printed again (an image's alt text, a second headline) is not a paragraph."""
    kept = []
    for span in body:
        if page.line(span) == page.line(title):
            page.noise.append(span)
        else:
            kept.append(span)
    return kept


# ---------------------------------------------------------------- byline

def _byline(page: _Page, body: list[Span]) -> tuple[list[Span], Span | None, str | None]:
    """The author: a person, office or credit signing under the body; else a byline under the
    title; else the name printed with the date; else the source ("Theo …") under the body or the
    title. Every byline line found is furniture; the chosen one is returned with the author's name."""
    found: list[tuple[int, Span]] = []
    body = _bottom_bylines(page, body, found)
    body = _top_bylines(page, body, found)
    found += [(2, span) for span in page.signed]
    if not found:
        return body, None, None
    _, span = min(found, key=lambda f: f[0])
    return body, span, author_name(page.line(span))


def _bottom_bylines(page: _Page, body: list[Span], found: list[tuple[int, Span]]) -> list[Span]:
    """The signature under the body: "Minh Châu", "Phòng Truyền thông - ĐHVC", "Bài và ảnh: …", a
    name printed twice, a name over its source ("Hoàng Hà" / "Theo Báo Vùng Cao")."""
    if len(body) > 1 and is_source(page.line(body[-1])) and names_person(page.line(body[-2])):
        source = body[-1]
        page.noise.append(source)
        found.append((3, source))
        body = body[:-1]
    if body and (looks_like_byline(page.line(body[-1])) or len(body) > 1 and _is_signature(page, body[-1], body[-2])):
        byline, body = body[-1], body[:-1]
        found.append((3 if is_source(page.line(byline)) else 0, byline))
        while body and page.line(body[-1]) == page.line(byline):
            page.noise.append(body.pop())
    return body


def _top_bylines(page: _Page, body: list[Span], found: list[tuple[int, Span]]) -> list[Span]:
    """A byline among the first lines, above the body's prose: "Lê Minh Hằng" (printed once or
    twice), "TS. Lê Văn Tâm", "Theo Báo Vùng Cao"."""
    for n, span in enumerate(body[:4]):
        line = page.line(span)
        if _is_prose(line) and not looks_like_byline(line):
            break
        if looks_like_byline(line):
            found.append((4 if is_source(line) else 1, span))
            twins = [s for s in body[n + 1:n + 3] if page.line(s) == line]
            page.noise.extend(twins)
            return [s for s in body if s is not span and s not in twins]
    return body


def _is_signature(page: _Page, last: Span, before: Span) -> bool:
    """The last line after prose, short and named like an office: "Phòng Truyền thông - ĐHTN"."""
    line = page.line(last)
    return names_office(line) and not re.search(r"[.:;,?!\"”]\s*$", line) and _is_prose(page.line(before))


def _is_prose(line: str) -> bool:
    return len(line) > 160 or bool(_SENTENCE_END.search(line))


def _teaser_start(text: str, lines: list[Span]) -> int:
    """Index of the first line of the teasers under the body: from a headline printed twice in a row
    (after at least one paragraph of prose) to the end, only headlines printed twice, each with at
    most one lede. A byline printed twice is not one."""
    for i in range(1, len(lines) - 1):
        a, b = lines[i].of(text), lines[i + 1].of(text)
        if (a == b and len(a) < 300 and not looks_like_byline(a) and _teaser_block(text, lines[i:])
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
