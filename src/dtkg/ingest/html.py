"""Saved HTML pages → the article's text and metadata.

The bytes are decoded like any article (UTF-8, or Windows-1258, TCVN3, VNI when they are
not UTF-8); `trafilatura` finds the main text, title and author, `htmldate` the date of
publication. The lede ("sapo"), which many Vietnamese sites print outside the article body,
is put back under the title. Captions and related-article links the page marks up as such
are passed on as hints to the layout, which keeps them out of the body's sentences.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import htmldate
import lxml.etree
import lxml.html
import trafilatura

from dtkg.errors import IngestError
from dtkg.ingest.decode import decode

CONTENT_TYPE = "text/html"
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_LEDE_CLASS = re.compile(r"sapo|lead|chapeau|summary|description|intro|excerpt|abstract|tomtat|short-?desc", re.IGNORECASE)
_CAPTION_CLASS = re.compile(r"caption|chu-?thich|desc_?image|image-?desc|photo-?desc", re.IGNORECASE)
_RELATED_CLASS = re.compile(
    r"relate|lien-?quan|tinlienquan|xem-?them|doc-?them|cung-?chuyen-?muc|box-?category|same-?category|other-?news",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")

for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)  # their warnings are not the user's concern


@dataclass(frozen=True)
class HtmlPage:
    """The article read from one HTML page: its text (title, lede, body) and what the page says of it."""

    text: str
    encoding: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    captions: frozenset[str] = field(default_factory=frozenset)
    related: frozenset[str] = field(default_factory=frozenset)

    def meta(self) -> dict[str, str]:
        """Title, author, date and URL as source metadata (only those the page gives)."""
        found = {"title": self.title, "author": self.author, "published": self.published, "url": self.url}
        return {k: v for k, v in found.items() if v}


def read_html(raw: bytes, *, name: str, url: str | None = None) -> HtmlPage:
    """The article of one saved HTML page; :class:`IngestError` when there is none."""
    decoded = decode(raw, name=name)
    markup = _XML_DECLARATION.sub("", decoded.text)
    try:
        tree = lxml.html.document_fromstring(markup)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise IngestError(f"the HTML page cannot be parsed ({exc})", path=name,
                          fix="save the page again (File → Save as, 'HTML only')") from exc
    _unwrap_layout_tables(tree)
    document = trafilatura.bare_extraction(
        lxml.html.tostring(tree, encoding="unicode"), url=url, with_metadata=True, include_comments=False, include_tables=True, include_images=False,
    )
    body = (getattr(document, "text", None) or "").strip()
    if not body:
        raise IngestError("no article text found in the HTML page", path=name,
                          fix="check that the page holds the article itself, not a list of links or a login wall")
    title = _clean(getattr(document, "title", None))
    lede = _lede(tree, getattr(document, "description", None), body, title)
    blocks = [b for b in (title, lede, body) if b]
    if title and body.startswith(title):
        blocks = [b for b in (lede, body) if b]
    return HtmlPage(
        text="\n\n".join(blocks),
        encoding=decoded.encoding,
        title=title,
        author=_author(getattr(document, "author", None)),
        published=_published(markup, url, getattr(document, "date", None)),
        url=url or getattr(document, "url", None),
        captions=_texts(tree, _CAPTION_CLASS, tags=("figcaption",)),
        related=_related(tree),
    )


_LAYOUT_TAGS = {"table", "thead", "tbody", "tfoot", "tr", "td", "th"}
_BLOCK_TAGS = ("div", "table", "h1", "h2", "h3", "ul", "form", "nav")


def _unwrap_layout_tables(tree: lxml.html.HtmlElement) -> None:
    """Old portals lay pages out with tables: a table holding blocks is layout, not data; make it divs."""
    for table in list(tree.iter("table")):
        if any(element is not table for tag in _BLOCK_TAGS for element in table.iter(tag)):
            for element in table.iter(*_LAYOUT_TAGS):
                element.tag = "div"
                for attribute in ("width", "align", "valign", "colspan", "rowspan"):
                    element.attrib.pop(attribute, None)


def _clean(value: str | None) -> str | None:
    value = _SPACE.sub(" ", value or "").strip()
    return value or None


def _text_of(element: lxml.html.HtmlElement) -> str:
    return _SPACE.sub(" ", element.text_content()).strip()


def _classes(element: lxml.html.HtmlElement) -> str:
    return f"{element.get('class', '')} {element.get('id', '')} {element.get('data-role', '')} {element.get('type', '')}"


def _lede(tree: lxml.html.HtmlElement, description: str | None, body: str, title: str | None) -> str | None:
    """The lede printed apart from the body: an element marked as one, or the page's description
    when the page also prints it; None when the body already holds it."""
    flat_body = _SPACE.sub(" ", body)
    candidates = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in {"meta", "script", "style", "head", "title", "html", "body"}:
            continue
        if _LEDE_CLASS.search(_classes(element)):
            candidates.append(_text_of(element))
    wanted = _clean(description)
    if wanted and any(_text_of(e) == wanted for e in tree.iter("p", "h2", "h3", "div", "span", "strong", "em", "b")):
        candidates.append(wanted)
    for text in candidates:
        if 40 <= len(text) <= 1200 and text != title and text[:60] not in flat_body:
            return text
    return None


def _author(value: str | None) -> str | None:
    """The byline as a name: one copy when printed twice, title case when printed in capitals."""
    value = _clean(value)
    if not value or len(value) > 80 or any(c.isdigit() for c in value) or "http" in value:
        return None
    words = value.split()
    half = len(words) // 2
    if len(words) % 2 == 0 and words[:half] == words[half:]:
        value = " ".join(words[:half])
    if value.isupper():
        value = " ".join(w.capitalize() for w in value.split())
    return value


def _published(markup: str, url: str | None, fallback: str | None) -> str | None:
    """The date of first publication, as htmldate finds it (metadata first, then the page's text)."""
    try:
        found = htmldate.find_date(markup, original_date=True, extensive_search=True, url=url)
    except (ValueError, TypeError):
        found = None
    found = found or fallback
    return found if found and re.fullmatch(r"\d{4}-\d{2}-\d{2}", found) else None


def _texts(tree: lxml.html.HtmlElement, pattern: re.Pattern[str], *, tags: tuple[str, ...] = ()) -> frozenset[str]:
    """The text of every element (and of each paragraph inside it) that a tag or a class marks."""
    found: set[str] = set()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in tags or pattern.search(_classes(element)):
            found.add(_text_of(element))
            found.update(_text_of(p) for p in element.iter("p", "span", "div", "a", "li"))
    return frozenset(t for t in found if t)


def _related(tree: lxml.html.HtmlElement) -> frozenset[str]:
    """The link texts of related-article boxes."""
    found: set[str] = set()
    for element in tree.iter():
        if isinstance(element.tag, str) and _RELATED_CLASS.search(_classes(element)):
            found.update(_text_of(a) for a in element.iter("a"))
    return frozenset(t for t in found if t)
