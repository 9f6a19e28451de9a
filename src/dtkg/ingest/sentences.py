"""Sentence splitting with exact offsets, tuned for Vietnamese news.

Splits at . ! ? … followed by a space and a capital letter, digit or opening quote, and
at line breaks; never inside a quotation, after an abbreviation (TP., TS., PGS.) or
inside a number (6.500, 11.9).
"""

from __future__ import annotations

import re

from dtkg.model import Sentence, Span

_ABBREVIATIONS = frozenset(
    "tp ts ths pgs gs bs ks ls cn ông bà st tt q p tx h v.v vv mr mrs dr ncs th.s".split()
)
_OPENERS = {"“": "”", "«": "»"}


def split_sentences(text: str, regions: list[Span], *, first_index: int = 0) -> list[Sentence]:
    """The sentences of ``text`` inside ``regions`` (each region a paragraph)."""
    sentences: list[Sentence] = []
    for paragraph, region in enumerate(regions):
        for start, end in _split_region(text, region.start, region.end):
            sentences.append(Sentence(first_index + len(sentences), Span(start, end), text[start:end], paragraph))
    return sentences


MAX_SENTENCE_CHARS = 2000  # four times the longest sentence of the evaluation sets


def bounded_sentences(text: str, regions: list[Span], *,
                      max_chars: int = MAX_SENTENCE_CHARS) -> tuple[list[Sentence], int]:
    """The sentences of :func:`split_sentences`, those over ``max_chars`` cut at spaces into pieces
    no longer than that (so extraction costs linear time on any text); and how many were cut."""
    sentences: list[Sentence] = []
    cut = 0
    for paragraph, region in enumerate(regions):
        for start, end in _split_region(text, region.start, region.end):
            pieces = _pieces(text, start, end, max_chars)
            cut += len(pieces) > 1
            for s, e in pieces:
                sentences.append(Sentence(len(sentences), Span(s, e), text[s:e], paragraph))
    return sentences, cut


def _pieces(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most ``limit`` characters, cut at the last space of each."""
    pieces: list[tuple[int, int]] = []
    while end - start > limit:
        space = text.rfind(" ", start + limit // 2, start + limit)
        stop = space if space > start else start + limit
        piece = _trim(text, start, stop)
        if piece[1] > piece[0]:
            pieces.append(piece)
        start = stop
    piece = _trim(text, start, end)
    if piece[1] > piece[0]:
        pieces.append(piece)
    return pieces


def _split_region(text: str, start: int, end: int) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    cursor = start
    depth = 0
    straight_open = False
    i = start
    while i < end:
        ch = text[i]
        if ch in _OPENERS:
            depth += 1
        elif ch in _OPENERS.values():
            depth = max(0, depth - 1)
            if depth == 0 and i > start and text[i - 1] in ".!?…" and _is_boundary(text, i, end):
                bounds.append((cursor, i + 1))
                cursor = i + 1
        elif ch == '"':
            straight_open = not straight_open
        elif ch == "\n":
            bounds.append((cursor, i))
            cursor = i + 1
        elif ch in ".!?…" and depth == 0 and not straight_open and _is_boundary(text, i, end):
            j = i + 1
            while j < end and text[j] in ".!?…”\")'»":
                j += 1
            bounds.append((cursor, j))
            cursor = j
            i = j
            continue
        i += 1
    bounds.append((cursor, end))
    return [_trim(text, s, e) for s, e in bounds if text[s:e].strip()]


def _is_boundary(text: str, i: int, end: int) -> bool:
    j = i + 1
    while j < end and text[j] in ".!?…”\")'»":
        j += 1
    if j >= end:
        return True
    if not text[j].isspace():
        return False
    k = j
    while k < end and text[k] == " ":
        k += 1
    if k >= end:
        return True
    nxt = text[k]
    if not (nxt.isupper() or nxt.isdigit() or nxt in "“\"«(-–—•"):
        return False
    word = re.search(r"([\w.]+)$", text[max(0, i - 8) : i])
    if word and word.group(1).lower() in _ABBREVIATIONS and text[i] == ".":
        return False
    if text[i] == "." and i > 0 and text[i - 1].isupper() and (i < 2 or not text[i - 2].isalpha()):
        return False  # an initial: "Nguyễn V. A"
    return True


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
