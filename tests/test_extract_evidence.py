"""Every evidence string and mention surface is the article's text at its offsets, on every
development and held-out set (this test reads no content into rules: it only checks offsets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dtkg.errors import IngestError
from dtkg.extract import Extractor
from dtkg.ingest import discover, iter_articles
from dtkg.model import Evidence, Extraction

from conftest import BASE, ROOT

SETS = [ROOT / "examples" / "articles", ROOT / "tests" / "dev" / "articles", ROOT / "tests" / "heldout" / "articles",
        ROOT / "tests" / "field-dev" / "articles", ROOT / "tests" / "field-heldout" / "articles",
        ROOT / "tests" / "field-heldout-2" / "articles"]


def _evidence(x: Extraction) -> list[Evidence]:
    facts = [*x.memberships, *x.agreements, *x.targets, *x.quotes, *x.documents, *x.awards, *x.indicators, *x.concepts]
    return [f.evidence for f in facts]


@pytest.mark.parametrize("folder", [s for s in SETS if s.is_dir()], ids=lambda p: str(p.relative_to(ROOT)))
def test_evidence_and_mentions_are_the_text_at_their_offsets(folder: Path) -> None:
    extractor = Extractor(base=BASE)
    found = discover([folder])
    sources, errors = list(found.sources), found.errors
    assert not errors
    checked = articles = 0
    for article in iter_articles(sources, max_bytes=10**8):
        assert not isinstance(article, IngestError), article
        for x in extractor.run(article):
            text = x.article.text
            articles += 1
            for ev in _evidence(x):
                sentence = x.article.sentences[ev.sentence]
                assert sentence.span == ev.span and text[ev.span.start:ev.span.end] == ev.text == sentence.text
                checked += 1
            for m in x.mentions:
                assert text[m.span.start:m.span.end] == m.surface
                assert x.article.sentences[m.sentence].span.start <= m.span.start < x.article.sentences[m.sentence].span.end
                checked += 1
    assert articles >= len(sources) and checked > 10 * len(sources)
