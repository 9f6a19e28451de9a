"""WARC archives (``.warc``, ``.warc.gz``) → one HTML page per archived response.

Each ``response`` record whose HTTP status is 200 and whose body is HTML is one article;
its ``WARC-Target-URI`` and ``WARC-Date`` are the article's URL and fetch date. Every other
record (``warcinfo``, ``request``, ``metadata``, images, PDFs, 404s, …) is skipped and counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from dtkg.errors import IngestError

SUFFIXES = (".warc", ".warc.gz")
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True)
class WarcPage:
    """One archived HTML response: its body and where and when it was fetched."""

    index: int  # 1-based, counting HTML pages only
    body: bytes
    meta: dict[str, str]


@dataclass(frozen=True)
class WarcScan:
    pages: tuple[WarcPage, ...]
    skipped: Counter[str] = field(default_factory=Counter)
    error: IngestError | None = None  # where the archive stopped being readable, if it did

    def note(self, name: str) -> str | None:
        """"crawl.warc.gz: 3 records skipped (1 HTTP 404, 1 image/png, 1 request)", or None."""
        total = sum(self.skipped.values())
        if not total:
            return None
        parts = ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items()))
        return f"{name}: {total} record(s) skipped, not HTML pages ({parts})"


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(SUFFIXES)


def scan(path: Path) -> WarcScan:
    """The HTML pages archived in one WARC file, the records skipped, and any read error."""
    pages: list[WarcPage] = []
    skipped: Counter[str] = Counter()
    try:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                reason = _skip_reason(record)
                if reason:
                    skipped[reason] += 1
                    continue
                pages.append(WarcPage(len(pages) + 1, record.content_stream().read(), _meta(path, record)))
    except (ArchiveLoadFailed, OSError, ValueError, EOFError, AttributeError, KeyError, TypeError) as exc:  # warcio on bad bytes
        where = f"{path}#{len(pages) + sum(skipped.values()) + 1}"
        return WarcScan(tuple(pages), skipped, IngestError(
            f"not a readable WARC record ({exc})", path=where,
            fix="check that the file is a complete WARC (.warc or .warc.gz) as a crawler wrote it"))
    return WarcScan(tuple(pages), skipped)


def _skip_reason(record) -> str | None:  # type: ignore[no-untyped-def]
    if record.rec_type != "response":
        return record.rec_type
    if record.http_headers is None:
        return "response without HTTP headers"
    status = record.http_headers.get_statuscode()
    if status != "200":
        return f"HTTP {status}"
    media = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    return None if media in _HTML_TYPES else (media or "no content type")


def _meta(path: Path, record) -> dict[str, str]:  # type: ignore[no-untyped-def]
    headers = record.rec_headers
    found = {
        "url": headers.get_header("WARC-Target-URI"),
        "fetched": headers.get_header("WARC-Date"),
        "record": (headers.get_header("WARC-Record-ID") or "").strip("<>"),
        "archive": str(path),
        "content_type": (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower(),
    }
    return {k: v for k, v in found.items() if v}
