"""HTTP content negotiation: which of the media types we offer best fits an ``Accept`` header.

Follows RFC 9110 §12.5.1: the most specific media range that matches an offered type gives
its quality; ``q=0`` means "not acceptable"; among equally good offers our own preference
order (the order of ``offered``) wins. A missing, empty or wholly unreadable header accepts
anything, so the first offer is chosen. Nothing here raises on bad input.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9a-z-]+")
_QVALUE = re.compile(r"[0-9]*\.?[0-9]+")


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header: ``type/subtype`` (either may be ``*``) and its quality."""

    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int | None:
        """How specifically this range matches ``media_type`` (2 exact, 1 ``type/*``, 0 ``*/*``), or None."""
        type_, _, subtype = media_type.lower().partition("/")
        if self.type == "*":
            return 0
        if self.type != type_:
            return None
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == subtype else None


def parse_accept(header: str | None) -> list[MediaRange]:
    """The readable media ranges of an Accept header, in order; unreadable entries are dropped."""
    ranges = (_parse_range(part) for part in (header or "").split(","))
    return [r for r in ranges if r is not None]


def _parse_range(text: str) -> MediaRange | None:
    """One ``type/subtype;param=value;q=0.5`` entry, or None when it cannot be read."""
    fields = text.split(";")
    type_, slash, subtype = fields[0].strip().lower().partition("/")
    if not slash or not _TOKEN.fullmatch(type_) or not _TOKEN.fullmatch(subtype):
        return None
    if type_ == "*" and subtype != "*":
        return None
    q = 1.0
    for param in fields[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            parsed = _parse_q(value.strip().strip('"'))
            if parsed is None:
                return None
            q = parsed
            break  # parameters after q are accept-extensions, not media type parameters
    return MediaRange(type_, subtype, q)


def _parse_q(text: str) -> float | None:
    """A quality value clamped to [0, 1], or None when ``text`` is not a number."""
    if not _QVALUE.fullmatch(text):
        return None
    return min(1.0, max(0.0, float(text)))


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The quality ``ranges`` give ``media_type``: that of the most specific matching range, else 0."""
    best_specificity, best_q = -1, 0.0
    for media_range in ranges:
        specificity = media_range.specificity(media_type)
        if specificity is None or specificity < best_specificity:
            continue
        if specificity > best_specificity:
            best_specificity, best_q = specificity, media_range.q
        else:
            best_q = max(best_q, media_range.q)
    return best_q


def negotiate(header: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the Accept header likes best (ties: earliest offered), or None if none is acceptable."""
    if not offered:
        return None
    ranges = parse_accept(header)
    if not ranges:
        return offered[0]
    chosen, chosen_q = None, 0.0
    for media_type in offered:
        q = quality(ranges, media_type)
        if q > chosen_q:
            chosen, chosen_q = media_type, q
    return chosen
