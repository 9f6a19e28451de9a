"""Ingest: find article sources, decode and normalise them, and lay out each page.

``discover`` turns the command line's inputs into :class:`Source` records (one per
article file or JSON Lines record); ``read`` turns one source into an :class:`Article`,
or raises :class:`IngestError` naming the source, the reason and the fix.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import enum
import errno
import hashlib
import json
import os
import re
import stat
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from dtkg import iris
from dtkg.errors import IngestError, UsageError
from dtkg.ingest.dates import parse_date_line
from dtkg.ingest.decode import decode
from dtkg.ingest.html import read_html
from dtkg.ingest.layout import Layout, analyse
from dtkg.ingest.normalize import normalize_text
from dtkg.ingest.sentences import MAX_SENTENCE_CHARS, bounded_sentences
from dtkg.ingest.warc import is_warc, scan
from dtkg.model import Article, Retrieval, Span

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
SIDECAR_SUFFIX = ".json"
METADATA_KEYS = ("url", "title", "published", "author")
_RECORD_FIX = 'each line must be one JSON object {"id", "url", "title", "published", "body"}'


class Format(enum.Enum):
    """What a source's raw bytes are: article text, or a saved HTML page."""

    TEXT = "text/plain"
    HTML = "text/html"

    @classmethod
    def of(cls, path: Path) -> "Format":
        return cls.HTML if path.suffix.lower() in HTML_SUFFIXES else cls.TEXT


@dataclass(frozen=True)
class Source:
    """One article as found: where it came from and its raw bytes (or where to read them).

    ``name`` identifies the source: the file's path, or ``feed.jsonl#id`` for a JSON Lines
    record (``feed.jsonl:LINE`` when it has no id); no two sources of a build share it.
    """

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
        try:
            size = self.path.stat().st_size
            if size > max_bytes:
                raise IngestError(
                    f"the file is {size / 2**20:.1f} MiB, over the {max_bytes / 2**20:g} MiB limit for one article",
                    path=self.name,
                    fix="split it into articles (one per file or JSON Lines record) or raise --max-article-mb",
                )
            return self.path.read_bytes()
        except OSError as exc:
            raise IngestError(f"cannot read the file ({exc.strerror or exc})", path=self.name,
                              fix="check that it exists and that you may read it") from exc


@dataclass(frozen=True)
class Skipped:
    """A file or folder under an input folder that is not an article, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class Discovery:
    """What :func:`discover` found: the sources, the inputs that cannot be read, what it skipped."""

    sources: tuple[Source, ...]
    errors: tuple[IngestError, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[str, ...] = ()


def discover(inputs: list[Path]) -> Discovery:
    """Article sources under the inputs, in a stable order; bad inputs and skipped files reported."""
    sources: list[Source] = []
    errors: list[IngestError] = []
    skipped: list[Skipped] = []
    notes: list[str] = []
    for given in inputs:
        for path in _files(given, skipped, errors):
            if path.suffix.lower() in JSONL_SUFFIXES:
                found, bad = _jsonl_sources(path)
                sources += found
                errors += bad
                continue
            if is_warc(path):
                sources += _warc_sources(path, errors, notes)
                continue
            try:
                meta = _sidecar(path)
            except IngestError as exc:
                errors.append(exc)
                continue
            name = shown(path)
            sources.append(Source(name=name, key=iris.article_key(shown(Path(path.stem))), path=path, meta=meta,
                                  format=Format.of(path)))
    return Discovery(tuple(_unique_keys(sources)), tuple(errors), tuple(skipped), tuple(notes + _same_urls(sources)))


def _warc_sources(path: Path, errors: list[IngestError], notes: list[str]) -> list[Source]:
    """One HTML source per archived HTML response of a WARC file."""
    found = scan(path)
    if found.error:
        errors.append(found.error)
    if note := found.note(shown(path)):
        notes.append(note)
    stem = path.name[: -len(".gz")] if path.name.lower().endswith(".gz") else path.name
    return [Source(name=f"{shown(path)}#{page.index}", key=iris.article_key(f"{shown(Path(Path(stem).stem))}-{page.index}"),
                   data=page.body, meta=page.meta, line=page.index, format=Format.HTML) for page in found.pages]


def shown(path: Path | str | bytes) -> str:
    """A path as text that can be printed and stored: undecodable bytes of a file name as ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _files(given: Path, skipped: list[Skipped], errors: list[IngestError]) -> list[Path]:
    """The article files an input names: the file itself, or those under the folder, sorted."""
    try:
        status = given.stat()
    except OSError as exc:
        reason = "a symbolic link that points nowhere" if given.is_symlink() else "no such file or folder"
        if exc.errno == errno.ELOOP:
            reason = "a symbolic link that loops"
        raise UsageError(reason, path=shown(given), fix="check the path") from exc
    if stat.S_ISREG(status.st_mode):
        return [given]
    if not stat.S_ISDIR(status.st_mode):
        errors.append(IngestError(f"not a file or folder ({_kind(status.st_mode)})", path=shown(given),
                                  fix="give article files (.txt, .md, .jsonl) or folders holding them"))
        return []
    found: list[Path] = []
    _walk(given, {(status.st_dev, status.st_ino)}, found, skipped, errors)
    return sorted(found)


def _walk(folder: Path, ancestors: set[tuple[int, int]], found: list[Path], skipped: list[Skipped],
          errors: list[IngestError]) -> None:
    """Collect article files under ``folder``, following links but never into a folder being read."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        errors.append(IngestError(f"cannot list the folder ({exc.strerror or exc})", path=shown(folder),
                                  fix="check that you may read it"))
        return
    names = {e.name for e in entries}
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith("."):
            skipped.append(Skipped(shown(path), "hidden (its name starts with a dot)"))
            continue
        try:
            status = path.stat()
        except OSError as exc:
            loop = exc.errno == errno.ELOOP
            skipped.append(Skipped(shown(path), "a symbolic link that loops" if loop
                                   else "a symbolic link that points nowhere" if entry.is_symlink()
                                   else f"cannot be read ({exc.strerror or exc})"))
            continue
        if stat.S_ISDIR(status.st_mode):
            node = (status.st_dev, status.st_ino)
            if node in ancestors:
                skipped.append(Skipped(shown(path), "a symbolic link that loops"))
            else:
                _walk(path, ancestors | {node}, found, skipped, errors)
        elif not stat.S_ISREG(status.st_mode):
            skipped.append(Skipped(shown(path), f"not a regular file ({_kind(status.st_mode)})"))
        elif _is_article_name(entry.name):
            found.append(path)
        elif entry.name.lower().endswith(SIDECAR_SUFFIX):
            if not any(entry.name[: -len(SIDECAR_SUFFIX)] + s in names for s in _SIDECAR_OWNERS):
                skipped.append(Skipped(shown(path), "metadata (.json) with no article file of the same name"))
        else:
            skipped.append(Skipped(shown(path), "not a format dtkg reads (" + ", ".join(_READABLE) + ")"))


_SIDECAR_OWNERS = sorted(TEXT_SUFFIXES | HTML_SUFFIXES) + [""]
_READABLE = (".txt", ".text", ".md", ".jsonl", ".ndjson", ".html", ".htm", ".xhtml", ".warc", ".warc.gz")


def _is_article_name(name: str) -> bool:
    suffix = Path(name).suffix
    return suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES | HTML_SUFFIXES or suffix == "" or is_warc(Path(name))


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _sidecar(path: Path) -> dict[str, str]:
    """The metadata of ``name.json`` beside ``name.txt``; a bad one fails that article."""
    side = path.with_suffix(SIDECAR_SUFFIX)
    if side == path or not side.is_file():
        return {}
    where = f"{shown(side)} (metadata of {shown(path.name)})"
    try:
        meta = json.loads(side.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise IngestError(f"cannot read the file ({exc.strerror or exc})", path=where,
                          fix="check that you may read it, or remove it") from exc
    except UnicodeDecodeError as exc:
        raise IngestError(f"not UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})", path=where,
                          fix="save it as UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise IngestError(f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})", path=where,
                          fix='write one JSON object such as {"title": "…", "published": "2025-08-22"}') from exc
    if not isinstance(meta, dict):
        raise IngestError(f"a JSON {_json_type(meta)}, not an object", path=where,
                          fix='write one JSON object such as {"title": "…", "published": "2025-08-22"}')
    return metadata(meta, where=where)


def metadata(values: Mapping[str, object], *, where: str) -> dict[str, str]:
    """The url, title, published date (as YYYY-MM-DD) and author of a record or sidecar, checked."""
    meta: dict[str, str] = {}
    for key in METADATA_KEYS:
        value = values.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise IngestError(f'"{key}" is a JSON {_json_type(value)}, not a string', path=where,
                              fix=f'write "{key}" as a string, or remove it')
        value = value.strip()
        if key == "published":
            value = _published(value, where=where)
        elif key == "url" and not iris.is_absolute_iri(value):
            raise IngestError(f'"url" {value!r} is not an absolute URL', path=where,
                              fix='give the page\'s address, such as "https://example.org/news/123", or remove it')
        if value:
            meta[key] = value
    return meta


_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\S.*)?\Z")


def _published(value: str, *, where: str) -> str:
    """A publication date as YYYY-MM-DD: ISO 8601, an e-mail/RSS date, or a Vietnamese date line."""
    fix = 'write it as YYYY-MM-DD, such as "2025-08-22", or remove it'
    if m := _ISO_DAY.match(value):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError as exc:
            raise IngestError(f'"published" {value!r} is not a real date ({exc})', path=where, fix=fix) from exc
    if iso := parse_date_line(value):
        return iso
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        raise IngestError(f'"published" {value!r} is not a date dtkg can read', path=where, fix=fix) from None


def _json_type(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _jsonl_sources(path: Path) -> tuple[list[Source], list[IngestError]]:
    """One source per record; a bad record, or a second record with an id already used, is an error."""
    sources: list[Source] = []
    errors: list[IngestError] = []
    first_line: dict[str, int] = {}
    try:
        handle = path.open("rb")
    except OSError as exc:
        return [], [IngestError(f"cannot read the file ({exc.strerror or exc})", path=shown(path),
                                fix="check that you may read it")]
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{shown(path)}:{number}"
            try:
                source = _record_source(path, number, line, where)
            except IngestError as exc:
                errors.append(exc)
                continue
            ident = source.name.rpartition("#")[2] if source.name.startswith(f"{shown(path)}#") else None
            if ident is not None and ident in first_line:
                errors.append(IngestError(
                    f"the id {ident!r} was already used on line {first_line[ident]}; this record was not built",
                    path=where, fix="give each record its own id (the record on line "
                                    f"{first_line[ident]} was built)"))
                continue
            if ident is not None:
                first_line[ident] = number
            sources.append(source)
    return sources, errors


def _record_source(path: Path, number: int, line: bytes, where: str) -> Source:
    """The source of one JSON Lines record (named ``feed.jsonl#id``, or ``feed.jsonl:LINE`` without an id)."""
    try:
        record = json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise IngestError(f"the line is not UTF-8 (byte 0x{exc.object[exc.start]:02x} at column {exc.start + 1})",
                          path=where, fix="save the file as UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise IngestError(f"not valid JSON: {exc.msg} at column {min(exc.pos, len(line.rstrip())) + 1}",
                          path=where, fix=_RECORD_FIX) from exc
    if not isinstance(record, dict):
        raise IngestError(f"the line is a JSON {_json_type(record)}, not an object", path=where, fix=_RECORD_FIX)
    body = record.get("body")
    if not isinstance(body, str):
        problem = 'has no "body"' if body is None else f'has a "body" that is a JSON {_json_type(body)}, not a string'
        raise IngestError(f"the record {problem}", path=where, fix=_RECORD_FIX)
    ident = record.get("id")
    if isinstance(ident, bool) or not isinstance(ident, (str, int, type(None))):
        raise IngestError(f'the "id" is a JSON {_json_type(ident)}', path=where,
                          fix='give each record a string or number "id", or none (the line number is then used)')
    ident = None if ident is None or str(ident).strip() == "" else str(ident).strip()
    meta = metadata(record, where=where)
    title = meta.get("title")
    text = f"{title}\n\n{body}" if title else body
    name = f"{shown(path)}#{ident}" if ident is not None else f"{shown(path)}:{number}"
    key = iris.article_key(f"{shown(Path(path.stem))}-{ident if ident is not None else number}")
    return Source(name=name, key=key, data=text.encode("utf-8", "surrogatepass"),
                  meta={**meta, "_title_in_text": "1"} if title else meta, line=number)


def _unique_keys(sources: list[Source]) -> list[Source]:
    """Give sources that share a key (same file name in two folders, ids that slug alike) distinct,
    stable keys, derived from their (unique) names."""
    counts: Counter[str] = Counter(s.key for s in sources)
    taken = {k for k, n in counts.items() if n == 1}
    out = []
    for s in sources:
        if counts[s.key] > 1:
            size, key = 8, s.key
            while key == s.key or key in taken:
                key = f"{s.key}-{hashlib.sha256(s.name.encode('utf-8', 'surrogatepass')).hexdigest()[:size]}"
                size += 4
            taken.add(key)
            s = replace(s, key=key)
        out.append(s)
    return out


def _same_urls(sources: list[Source]) -> list[str]:
    """Notes on records that give the same URL: each is built as an article of its own."""
    by_url: dict[str, list[str]] = {}
    for s in sources:
        if url := s.meta.get("url"):
            by_url.setdefault(url, []).append(s.name)
    return [f"{len(names)} sources give the url {url} ({', '.join(names[:3])}{', …' if len(names) > 3 else ''}); "
            "each is built as an article of its own" for url, names in by_url.items() if len(names) > 1]


def read(source: Source, *, max_bytes: int) -> Article:
    """Decode, normalise and lay out one source as an :class:`Article` (with its teasers)."""
    raw = source.raw(max_bytes=max_bytes)
    source = replace(source, meta={**source.meta, **metadata(source.meta, where=source.name)})
    if source.format is Format.HTML:
        page = read_html(raw, name=source.name, url=source.meta.get("url"))
        source = replace(source, meta={**page.meta(), **source.meta})
        text, encoding = normalize_text(page.text), page.encoding
        layout = analyse(text, title=source.meta.get("title"), published=_iso(source.meta.get("published")),
                         captions=frozenset(normalize_text(c) for c in page.captions),
                         related=frozenset(normalize_text(r) for r in page.related))
    else:
        decoded = decode(raw, name=source.name)
        text, encoding = normalize_text(decoded.text), decoded.encoding
        layout = analyse(text, title=source.meta.get("title"), published=_iso(source.meta.get("published")))
    if not layout.paragraphs and layout.title is None:
        raise IngestError("no article text found (only template lines or a byline)", path=source.name,
                          fix="check that the file holds the article body")
    return _article(source, raw, encoding, text, layout)


def _iso(value: str | None) -> str | None:
    """YYYY-MM-DD from an ISO date or date-time, or None when it is none or not a real date."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def _article(source: Source, raw: bytes, encoding: str, text: str, layout: Layout) -> Article:
    regions = ([layout.title] if layout.title else []) + list(layout.paragraphs)
    title = source.meta.get("title") or (layout.title.of(text) if layout.title else None)
    author = source.meta.get("author") or layout.author
    related = tuple(_teaser_article(source, text, t, n) for n, t in enumerate(layout.teasers, start=1))
    sentences, cut = bounded_sentences(text, regions)
    notes = (f"{source.name}: {cut} sentence(s) over {MAX_SENTENCE_CHARS:,} characters cut at a space for "
             "extraction (the text is kept whole)",) if cut else ()
    return Article(
        key=source.key,
        source=source.name,
        sha256=hashlib.sha256(raw).hexdigest(),
        encoding=encoding,
        text=text,
        sentences=tuple(sentences),
        title=title,
        author=author,
        published=layout.published,
        url=source.meta.get("url"),
        related=related,
        captions=layout.captions,
        dated=layout.dated,
        retrieval=Retrieval(content_type=source.meta.get("content_type") or source.format.value,
                            fetched=source.meta.get("fetched"), archive=source.meta.get("archive"),
                            record=source.meta.get("record")),
        notes=notes,
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
        sentences=tuple(bounded_sentences(own, regions)[0]),
        title=teaser.title.of(text),
        part_of=source.key,
    )


def iter_articles(sources: list[Source], *, max_bytes: int) -> Iterator[Article | IngestError]:
    """Read each source; a bad one yields its error and the others go on."""
    for source in sources:
        try:
            yield read(source, max_bytes=max_bytes)
        except IngestError as exc:
            yield exc
