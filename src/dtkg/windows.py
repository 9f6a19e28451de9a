"""Bounded work per article: a text far longer than any news article is extracted window by window.

Extraction looks at an article's sentences together (names resolved across the article, an
agreement's scope, the dates around it), so its cost grows faster than the text: a whole feed
pasted into one file would take hours. Such a text is cut, at paragraph starts (at sentence
starts inside a paragraph longer than a window), into windows of about :data:`WINDOW_CHARS`
characters. Each window is extracted as an article of its own text, and its facts are put back
at their offsets in the whole article, whose text, sentences and metadata stay as read. Articles
of one window — every real news article — are extracted whole, exactly as before.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import fields, is_dataclass, replace
from typing import TypeVar

from dtkg.extract import Extractor
from dtkg.model import Article, Entity, Extraction, Sentence, Span

WINDOW_CHARS = 20_000  # four times the longest article of the evaluation sets

T = TypeVar("T")


def extract(extractor: Extractor, article: Article, *, window: int = WINDOW_CHARS) -> list[Extraction]:
    """The extractions of :meth:`Extractor.run`, window by window when the text is longer than ``window``."""
    bounds = windows(article, window=window)
    if len(bounds) <= 1:
        return extractor.run(article)
    mains: list[Extraction] = []
    teasers: list[Extraction] = []
    starts = [s.span.start for s in article.sentences]
    for number, (start, end) in enumerate(bounds):
        sentences = article.sentences[bisect_left(starts, start):bisect_left(starts, end)]
        results = extractor.run(_view(article, start, end, sentences, with_related=number == 0))
        mains.append(_shifted(results[0], by=start, agreements=sum(len(m.agreements) for m in mains)))
        teasers += results[1:]
    note = (f"{article.source}: {len(article.text):,} characters, longer than any news article: extracted in "
            f"{len(bounds)} windows of about {window:,} characters (facts are not linked across windows)")
    return [_merged(article, mains, note), *teasers]


def windows(article: Article, *, window: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """Consecutive ``[start, end)`` ranges covering the text, each starting at a paragraph (or
    sentence) start and no longer than ``window`` unless one sentence is."""
    if len(article.text) <= window or not article.sentences:
        return [(0, len(article.text))]
    starts = [0]
    previous: Sentence | None = None
    for sentence in article.sentences:
        begins_paragraph = previous is None or sentence.paragraph != previous.paragraph
        if sentence.span.start - starts[-1] > window // 2 and (begins_paragraph or sentence.span.end - starts[-1] > window):
            starts.append(sentence.span.start)
        previous = sentence
    return list(zip(starts, starts[1:] + [len(article.text)]))


def _view(article: Article, start: int, end: int, sentences: tuple[Sentence, ...], *, with_related: bool) -> Article:
    """The part ``[start, end)`` of an article, holding ``sentences``, as an article of its own text
    (the sentences keep their index)."""
    sentences = tuple(Sentence(s.index, Span(s.span.start - start, s.span.end - start), s.text, s.paragraph)
                      for s in sentences)
    captions = tuple(Span(c.start - start, c.end - start) for c in article.captions if start <= c.start and c.end <= end)
    return replace(article, text=article.text[start:end], sentences=sentences, captions=captions,
                   related=article.related if with_related else (), notes=())


def _shifted(value: T, *, by: int, agreements: int) -> T:
    """``value`` with every span moved ``by`` characters and every agreement number by ``agreements``
    (extractions point at agreements by their number in the article's list)."""
    if isinstance(value, Span):
        return Span(value.start + by, value.end + by)  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(_shifted(v, by=by, agreements=agreements) for v in value)  # type: ignore[return-value]
    if isinstance(value, Article) or not is_dataclass(value) or isinstance(value, type):
        return value
    changes: dict[str, object] = {}
    for f in fields(value):
        old = getattr(value, f.name)
        if f.name == "agreement" and isinstance(old, int) and not isinstance(old, bool):
            changes[f.name] = old + agreements
        elif isinstance(old, (Span, tuple)) or (is_dataclass(old) and not isinstance(old, Article)):
            new = _shifted(old, by=by, agreements=agreements)
            if new != old:
                changes[f.name] = new
    return replace(value, **changes) if changes else value


def _merged(article: Article, parts: list[Extraction], note: str) -> Extraction:
    """One extraction of the whole article from those of its windows: facts concatenated in
    window order, an entity or a repeated fact kept once."""
    merged: dict[str, object] = {"article": article}
    for f in fields(Extraction):
        if f.name == "article":
            continue
        values = [v for part in parts for v in getattr(part, f.name)]
        if f.name == "entities":
            first: dict[str, Entity] = {}
            for entity in values:
                first.setdefault(entity.iri, entity)
            merged[f.name] = tuple(first.values())
        elif f.name in ("agreements", "targets", "concepts"):
            merged[f.name] = tuple(values)  # numbered: a repeat is another fact
        else:
            merged[f.name] = _unique(values)
    merged["notes"] = (*merged.get("notes", ()), note)  # type: ignore[misc]
    return Extraction(**merged)  # type: ignore[arg-type]


def _unique(values: list[object]) -> tuple[object, ...]:
    """The values in order, each repeat dropped (values that cannot be hashed all kept)."""
    seen: set[object] = set()
    out: list[object] = []
    for value in values:
        try:
            if value in seen:
                continue
            seen.add(value)
        except TypeError:
            pass
        out.append(value)
    return tuple(out)
