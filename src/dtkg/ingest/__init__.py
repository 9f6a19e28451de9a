"""Ingest: find article sources, decode and normalise them, and lay out each page.

``discover`` turns the command line's inputs into :class:`Source` records (one per
article file or JSON Lines record); ``read`` turns one source into an :class:`Article`,
or raises :class:`IngestError` naming the source, the reason and the fix.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from dtkg import iris
from dtkg.errors import IngestError, UsageError
from dtkg.ingest.decode import decode
from dtkg.ingest.html import read_html
from dtkg.ingest.layout import Layout, analyse
from dtkg.ingest.normalize import normalize_text
from dtkg.ingest.sentences import split_sentences
from dtkg.ingest.warc import is_warc, scan
from dtkg.model import Article, Retrieval, Span

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})


class Format(enum.Enum):
    """What a source's raw bytes are: article text, or a saved HTML page."""

    TEXT = "text/plain"
    HTML = "text/html"

    @classmethod
    def of(cls, path: Path) -> "Format":
        return cls.HTML if path.suffix.lower() in HTML_SUFFIXES else cls.TEXT


@dataclass(frozen=True)
class Source:
    """One article as found: where it came from and its raw bytes (or where to read them)."""

    name: str
    key: str
    path: Path | None = None
    data: bytes | None = None
    meta: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    line: int | None = None
    format: Format = Format.TEXT

    def raw(self, *, max_bytes: int) -> bytes:
        """The raw bytes, refusing files over ``max_bytes`` before reading them."""
        if self.data is not None:
            return self.data
        assert self.path is not None
        size = self.path.stat().st_size
        if size > max_bytes:
            raise IngestError(
                f"the file is {size / 2**20:.1f} MiB, over the {max_bytes / 2**20:g} MiB limit for one article",
                path=self.name,
                fix="split it into articles (one per file or JSON Lines record) or raise --max-article-mb",
            )
        return self.path.read_bytes()


def discover(inputs: list[Path], *, notes: list[str] | None = None) -> tuple[list[Source], list[IngestError]]:
    """Article sources under the inputs, in a stable order, and the inputs that could not be read.
    What was skipped on purpose (non-HTML records of a WARC archive) is told in ``notes``."""
    sources: list[Source] = []
    errors: list[IngestError] = []
    for given in inputs:
        if not given.exists():
            raise UsageError("no such file or folder", path=str(given), fix="check the path")
        files = [given] if given.is_file() else sorted(p for p in given.rglob("*") if _is_article_file(p))
        for path in files:
            if path.suffix.lower() in JSONL_SUFFIXES:
                found, bad = _jsonl_sources(path)
                sources += found
                errors += bad
            elif is_warc(path):
                sources += _warc_sources(path, errors, notes)
            elif path.suffix.lower() != ".json":
                sources.append(Source(name=str(path), key=iris.article_key(path.stem), path=path, meta=_sidecar(path),
                                      format=Format.of(path)))
    return _unique_keys(sources), errors


def _is_article_file(path: Path) -> bool:
    if not path.is_file() or any(part.startswith(".") for part in path.parts[-1:]):
        return False
    return path.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES | HTML_SUFFIXES or path.suffix == "" or is_warc(path)


def _warc_sources(path: Path, errors: list[IngestError], notes: list[str] | None) -> list[Source]:
    """One HTML source per archived HTML response of a WARC file."""
    found = scan(path)
    if found.error:
        errors.append(found.error)
    if notes is not None and (note := found.note(str(path))):
        notes.append(note)
    stem = path.name[: -len(".gz")] if path.name.lower().endswith(".gz") else path.name
    return [Source(name=f"{path}#{page.index}", key=iris.article_key(f"{Path(stem).stem}-{page.index}"),
                   data=page.body, meta=page.meta, line=page.index, format=Format.HTML) for page in found.pages]


def _sidecar(path: Path) -> dict[str, str]:
    side = path.with_suffix(".json")
    if not side.is_file():
        return {}
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(f"sidecar metadata is not valid JSON: {exc}", path=str(side), fix="fix or remove it") from exc
    return {k: str(v) for k, v in meta.items() if k in {"url", "title", "published", "author"} and v}


def _jsonl_sources(path: Path) -> tuple[list[Source], list[IngestError]]:
    sources: list[Source] = []
    errors: list[IngestError] = []
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line.decode("utf-8-sig"))
                body = record["body"]
                if not isinstance(record, dict) or not isinstance(body, str):
                    raise TypeError("body must be a string")
            except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
                errors.append(IngestError(f"not a JSON article record ({exc})", path=where,
                                          fix='each line must be {"id", "url", "title", "published", "body"}'))
                continue
            ident = str(record.get("id") or number)
            name = str(record.get("url") or f"{path}#{ident}")
            meta = {k: str(record[k]) for k in ("url", "title", "published", "author") if record.get(k)}
            title = meta.get("title")
            text = f"{title}\n\n{body}" if title else body
            sources.append(Source(name=name, key=iris.article_key(f"{path.stem}-{ident}"), data=text.encode("utf-8"),
                                  meta={**meta, "_title_in_text": "1"} if title else meta, line=number))
    return sources, errors


def _unique_keys(sources: list[Source]) -> list[Source]:
    """Give sources that share a key (same file name in two folders) distinct, stable keys."""
    counts: dict[str, int] = {}
    for s in sources:
        counts[s.key] = counts.get(s.key, 0) + 1
    out = []
    for s in sources:
        if counts[s.key] > 1:
            digest = hashlib.sha256(s.name.encode()).hexdigest()[:8]
            s = Source(name=s.name, key=f"{s.key}-{digest}", path=s.path, data=s.data, meta=s.meta, line=s.line,
                       format=s.format)
        out.append(s)
    return out


def read(source: Source, *, max_bytes: int) -> Article:
    """Decode, normalise and lay out one source as an :class:`Article` (with its teasers)."""
    raw = source.raw(max_bytes=max_bytes)
    if source.format is Format.HTML:
        page = read_html(raw, name=source.name, url=source.meta.get("url"))
        source = replace(source, meta={**page.meta(), **source.meta})
        text, encoding = normalize_text(page.text), page.encoding
        layout = analyse(text, published=_iso(source.meta.get("published")),
                         captions=frozenset(normalize_text(c) for c in page.captions),
                         related=frozenset(normalize_text(r) for r in page.related))
    else:
        decoded = decode(raw, name=source.name)
        text, encoding = normalize_text(decoded.text), decoded.encoding
        layout = analyse(text, published=_iso(source.meta.get("published")))
    if not layout.paragraphs and layout.title is None:
        raise IngestError("no article text found (only template lines or a byline)", path=source.name,
                          fix="check that the file holds the article body")
    return _article(source, raw, encoding, text, layout)


def _iso(value: str | None) -> str | None:
    return value[:10] if value and len(value) >= 10 and value[4] == "-" else None


def _article(source: Source, raw: bytes, encoding: str, text: str, layout: Layout) -> Article:
    regions = ([layout.title] if layout.title else []) + list(layout.paragraphs)
    title = source.meta.get("title") or (layout.title.of(text) if layout.title else None)
    author = source.meta.get("author") or (layout.byline.of(text) if layout.byline else None)
    related = tuple(_teaser_article(source, text, t, n) for n, t in enumerate(layout.teasers, start=1))
    return Article(
        key=source.key,
        source=source.name,
        sha256=hashlib.sha256(raw).hexdigest(),
        encoding=encoding,
        text=text,
        sentences=tuple(split_sentences(text, regions)),
        title=title,
        author=_clean_author(author),
        published=layout.published,
        url=source.meta.get("url"),
        related=related,
        captions=layout.captions,
        dated=layout.dated,
        retrieval=Retrieval(content_type=source.meta.get("content_type") or source.format.value,
                            fetched=source.meta.get("fetched"), archive=source.meta.get("archive"),
                            record=source.meta.get("record")),
    )


def _teaser_article(source: Source, text: str, teaser, index: int) -> Article:  # type: ignore[no-untyped-def]
    offset = teaser.region.start
    own = text[offset : teaser.region.end]
    regions = [Span(teaser.title.start - offset, teaser.title.end - offset)]
    if teaser.lede:
        regions.append(Span(teaser.lede.start - offset, teaser.lede.end - offset))
    return Article(
        key=iris.related_key(source.key, index),
        source=source.name,
        sha256=hashlib.sha256(own.encode()).hexdigest(),
        encoding="utf-8",
        text=own,
        sentences=tuple(split_sentences(own, regions)),
        title=teaser.title.of(text),
        part_of=source.key,
    )


def _clean_author(author: str | None) -> str | None:
    if not author:
        return None
    for prefix in ("Theo ", "Nguồn: ", "Nguồn "):
        if author.startswith(prefix):
            return author[len(prefix):].strip() or None
    if author.isupper() and " " in author and not author.isascii():
        return " ".join(w.capitalize() for w in author.split(" "))  # "TUẤN ANH" → "Tuấn Anh"
    return author


def iter_articles(sources: list[Source], *, max_bytes: int) -> Iterator[Article | IngestError]:
    """Read each source; a bad one yields its error and the others go on."""
    for source in sources:
        try:
            yield read(source, max_bytes=max_bytes)
        except IngestError as exc:
            yield exc
