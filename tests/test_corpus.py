"""Every gold file under tests/ agrees with the articles beside it.

A gold file (``tests/<set>/gold.json``) names its articles by file name; an article in a
JSON Lines file is named, as the scorer names it, by the last part of its URL or, without
a URL, by ``<file>.jsonl#<id>``; a saved ``.html`` page by its file name, read as its text
with the tags stripped. Every annotated article must exist, every article must have gold,
and every quote snippet and at least one keyword of every target must stand in the article
text (compared as the scorer compares: NFC, case and whitespace folded).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
GOLD_FILES = sorted(TESTS.glob("*/gold.json"))
ARTICLE_SUFFIXES = {".txt", ".jsonl", ".html"}
# Sets whose size is fixed here; a new set is checked all the same and only needs articles.
KNOWN_SIZES = {"dev": 10, "heldout": 8, "field-dev": 30, "field-heldout": 20, "field-heldout-2": 12}


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return re.sub(r"[\s\u00a0]+", " ", text)


def _html_text(markup: str) -> str:
    """The text a reader sees in a saved page: scripts, styles and tags dropped, entities decoded."""
    markup = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", " ", markup, flags=re.DOTALL | re.IGNORECASE)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def _sources(folder: Path) -> dict[str, str]:
    """Article name (as the scorer matches it) -> the text a reader sees."""
    found: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".txt":
            found[path.name] = path.read_text(encoding="utf-8")
        elif path.suffix == ".html":
            found[path.name] = _html_text(path.read_text(encoding="utf-8"))
        elif path.suffix == ".jsonl":
            lines = path.read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                record = json.loads(line)
                name = record.get("url") or f"{path.name}#{record.get('id') or number}"
                found[Path(name).name] = f"{record.get('title', '')}\n\n{record['body']}"
    return found


def _cases() -> list[tuple[str, str, dict, str | None]]:
    cases = []
    for gold_path in GOLD_FILES:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        texts = _sources(gold_path.parent / "articles")
        for key, entry in gold.items():
            if not key.startswith("_"):
                cases.append((gold_path.parent.name, key, entry, texts.get(key)))
    return cases


CASES = _cases()


def test_every_gold_set_is_found_with_its_known_size() -> None:
    sets = {p.parent.name for p in GOLD_FILES}
    assert set(KNOWN_SIZES) <= sets
    for name, size in KNOWN_SIZES.items():
        assert sum(1 for s, *_ in CASES if s == name) == size, name
    assert len(CASES) >= sum(KNOWN_SIZES.values())


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: p.parent.name)
def test_every_article_has_gold_and_every_gold_entry_an_article(gold_path: Path) -> None:
    gold = {k for k in json.loads(gold_path.read_text(encoding="utf-8")) if not k.startswith("_")}
    folder = gold_path.parent / "articles"
    stray = [p.name for p in folder.iterdir() if p.suffix not in ARTICLE_SUFFIXES]
    assert stray == []
    articles = set(_sources(folder))
    assert sorted(gold - articles) == []
    assert sorted(articles - gold) == []
    assert len(articles) >= 1


@pytest.mark.parametrize(("name", "key", "entry", "text"), CASES, ids=[f"{c[0]}/{c[1]}" for c in CASES])
def test_quotes_and_target_keywords_stand_in_the_text(name: str, key: str, entry: dict, text: str | None) -> None:
    assert text is not None, f"{name}: no article for {key}"
    folded = _norm(text)
    missing = [q["contains"] for q in entry.get("quotes", []) if _norm(q["contains"]) not in folded]
    missing += [t["keywords"] for t in entry.get("targets", [])
                if not any(_norm(k) in folded for k in t["keywords"])]
    assert missing == []
