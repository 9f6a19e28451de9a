"""The shared vocabulary of the pattern families, read once from ``data/`` and compiled.

``data/vocabulary.toml`` holds word lists (speech verbs, goal verbs, agreement nouns,
locatives, governing bodies, honorifics, sentence openers …); ``data/org_heads.tsv`` the
head nouns of organisation names; ``data/surnames.txt`` family names. Families read them
through :func:`vocabulary`, never by repeating the words.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class OrgHead:
    """A head noun of organisation names ("Tập đoàn", "Bộ Chỉ huy Quân sự")."""

    head: str
    type: str  # "Organization" | "GovernmentOrganization"
    sector: str
    province: str = ""  # "named" | "generic" | "": how it combines with a province's name


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


def alternation(words: tuple[str, ...] | list[str], *, cased: bool = False) -> str:
    """A regular-expression alternation of ``words``, longest first (so a longer form wins)."""
    forms = set(words)
    if cased:
        forms |= {_capitalised(w) for w in words}
    return "|".join(re.escape(w) for w in sorted(forms, key=lambda w: (-len(w), w)))


class Vocabulary:
    """The word lists of ``data/vocabulary.toml``, with their compiled alternations."""

    def __init__(self, tables: dict[str, Any], heads: tuple[OrgHead, ...],
                 surnames: tuple[frozenset[str], frozenset[str]]) -> None:
        self._tables = tables
        self.org_heads = heads
        self.strong_surnames, self.weak_surnames = surnames
        self._compiled: dict[tuple[str, str], str] = {}

    def words(self, table: str, key: str = "words") -> tuple[str, ...]:
        return tuple(self._tables[table][key])

    def mapping(self, table: str) -> dict[str, Any]:
        return dict(self._tables[table])

    def alt(self, table: str, key: str = "words") -> str:
        """The alternation of one list; ``cased`` lists take a capitalised first letter too."""
        if (table, key) not in self._compiled:
            cased = bool(self._tables[table].get("cased")) and key == "words"
            self._compiled[table, key] = alternation(self.words(table, key), cased=cased)
        return self._compiled[table, key]

    @property
    def org_head_alt(self) -> str:
        return alternation([h.head for h in self.org_heads])

    def head_alt(self, *provinces: str) -> str:
        """The heads that combine with a province's name in the given ways ("named", "generic")."""
        return alternation([h.head for h in self.org_heads if h.province in provinces])

    def head_type(self, surface: str) -> str | None:
        """The type of the longest head ``surface`` starts with."""
        best = max((h for h in self.org_heads if surface == h.head or surface.startswith(h.head + " ")),
                   key=lambda h: len(h.head), default=None)
        return best.type if best else None


def _heads(path: Path) -> tuple[OrgHead, ...]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = [part.strip() for part in line.split("\t")] + [""]
        out.append(OrgHead(parts[0], parts[1], parts[2], parts[3]))
    return tuple(out)


def _surnames(path: Path) -> tuple[frozenset[str], frozenset[str]]:
    strong: set[str] = set()
    weak: set[str] = set()
    bucket = strong
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line == "[weak]":
            bucket = weak
        elif line and not line.startswith(("#", "[")):
            bucket.update(line.split())
    return frozenset(strong), frozenset(weak)


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary, loaded once per process."""
    with (DATA / "vocabulary.toml").open("rb") as handle:
        tables = tomllib.load(handle)
    return Vocabulary(tables, _heads(DATA / "org_heads.tsv"), _surnames(DATA / "surnames.txt"))
