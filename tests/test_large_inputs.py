"""Inputs far larger than a news article: sentences bounded, long texts extracted window by window,
every fact still pointing at the right characters of the whole text (speed is in benchmarks/)."""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from dtkg import windows
from dtkg.extract import Extractor
from dtkg.ingest import Source, read
from dtkg.ingest.sentences import MAX_SENTENCE_CHARS
from dtkg.model import Evidence, Extraction, Mention
from dtkg.pipeline import build
from dtkg.settings import Settings

from conftest import BASE, EXAMPLES

BODIES = [(EXAMPLES / n).read_text(encoding="utf-8-sig").replace("{keywords}\n", "")
          for n in ("001_vnpt_quang_tri.txt", "003_fpt_da_nang.txt", "007_cmc_thanh_hoa.txt", "004_viettel_quang_ngai.txt")]


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(base=BASE)


def _pointers(value: object) -> list[Evidence | Mention]:
    """Every evidence and mention inside an extraction (whatever fact holds it)."""
    if isinstance(value, (Evidence, Mention)):
        return [value]
    if isinstance(value, tuple):
        return [p for v in value for p in _pointers(v)]
    if is_dataclass(value) and not isinstance(value, type) and type(value).__name__ != "Article":
        return [p for f in fields(value) for p in _pointers(getattr(value, f.name))]
    return []


def test_a_text_longer_than_a_window_is_extracted_in_windows_with_every_offset_right(extractor: Extractor) -> None:
    body = "\n\n".join(BODIES * 3)  # twelve articles' worth, about 40,000 characters, as one page
    article = read(Source(name="long.txt", key="long", data=body.encode("utf-8")), max_bytes=10**8)
    bounds = windows.windows(article)
    assert len(bounds) == 3 and bounds[0][0] == 0 and bounds[-1][1] == len(article.text)
    assert all(end - start <= windows.WINDOW_CHARS for start, end in bounds)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
    main, *_teasers = windows.extract(extractor, article)
    assert main.article is article
    assert main.notes == (f"long.txt: {len(article.text):,} characters, longer than any news article: extracted in 3 "
                          f"windows of about {windows.WINDOW_CHARS:,} characters (facts are not linked across windows)",)
    pointers = _pointers(main)
    assert len(pointers) > 100
    by_index = {s.index: s for s in article.sentences}
    for p in pointers:
        sentence = by_index[p.sentence]
        assert sentence.span.start <= p.span.start and p.span.end <= sentence.span.end
        if isinstance(p, Evidence):
            assert p.span == sentence.span and p.text == article.text[p.span.start:p.span.end]
    per_window = [sum(1 for m in main.mentions if start <= m.span.start < end) for start, end in bounds]
    assert all(n > 10 for n in per_window)
    for kind in ("agreements", "targets", "concepts"):
        for fact in getattr(main, kind):
            agreement = getattr(fact, "agreement", None)
            assert agreement is None or 0 <= agreement < len(main.agreements)
    assert len({e.iri for e in main.entities}) == len(main.entities)


def test_an_article_of_one_window_is_extracted_exactly_as_before(extractor: Extractor) -> None:
    article = read(Source(name="a.txt", key="a", data=BODIES[0].encode("utf-8")), max_bytes=10**8)
    assert windows.windows(article) == [(0, len(article.text))]
    assert windows.extract(extractor, article) == extractor.run(article)


def test_an_overlong_sentence_is_cut_at_spaces_and_the_text_kept_whole(tmp_path: Path,
                                                                      extractor: Extractor) -> None:
    words = " ".join(f"Viettel và tỉnh Lào Cai hợp tác chuyển đổi số lần thứ {i}," for i in range(300))
    article = read(Source(name="run-on.txt", key="run-on", data=f"Tiêu đề\n\n{words} hết.".encode()), max_bytes=10**8)
    long_ones = [s for s in article.sentences if len(s.text) > 500]
    assert long_ones and all(len(s.text) <= MAX_SENTENCE_CHARS for s in article.sentences)
    assert all(article.text[s.span.start:s.span.end] == s.text for s in article.sentences)
    assert all(not s.text.startswith(" ") and not s.text.endswith(" ") for s in article.sentences)
    body_start = article.text.index("Viettel")
    pieces = " ".join(s.text for s in article.sentences if s.span.start >= body_start)
    assert pieces == f"{words} hết."  # cut at spaces only: nothing lost or broken
    assert article.notes == (
        f"run-on.txt: 1 sentence(s) over {MAX_SENTENCE_CHARS:,} characters cut at a space for extraction "
        "(the text is kept whole)",)


def test_a_long_record_builds_and_the_report_says_what_was_bounded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from dtkg import cli

    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "big", "body": "\n\n".join(BODIES * 3)}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "kg.nq"
    assert cli.main(["build", str(feed), "--output", str(out), "--workers", "1", "--no-validate"]) == 0
    err = capsys.readouterr().err
    assert f"dtkg: warning: {feed}#big: " in err and "extracted in 3 windows" in err
    report = build([feed], output=out, settings=Settings(workers=1, validate=False))
    assert report.reused == 1 and any("extracted in 3 windows" in n for n in report.notes)  # the cache keeps the notes


def test_extraction_fields_are_all_merged(extractor: Extractor) -> None:
    """A new kind of fact added to Extraction must be carried through the window merge."""
    body = "\n\n".join(BODIES * 3)
    article = read(Source(name="long.txt", key="long", data=body.encode("utf-8")), max_bytes=10**8)
    main = windows.extract(extractor, article)[0]
    parts = [extractor.run(windows._view(article, s, e, tuple(x for x in article.sentences if s <= x.span.start < e),
                                         with_related=False))[0] for s, e in windows.windows(article)]
    for f in fields(Extraction):
        if f.name in ("article", "notes"):
            continue
        merged, separate = getattr(main, f.name), [v for p in parts for v in getattr(p, f.name)]
        assert len(merged) <= len(separate)
        assert bool(merged) == bool(separate), f.name


def test_strings_too_long_for_the_json_ld_parser_go_around_it(monkeypatch: pytest.MonkeyPatch,
                                                             extractor: Extractor) -> None:
    """pyoxigraph's JSON-LD parser holds one string in a 16 MiB buffer: a 10 MB article's text
    would not lift; such strings pass the mapping as placeholders and come back whole."""
    import dtkg.mapping as mapping

    article = read(Source(name="a.txt", key="a", data=BODIES[0].encode("utf-8")), max_bytes=10**8)
    extractions = extractor.run(article)
    plain = mapping.Mapper().map(extractions, base=BASE, builder="b")
    monkeypatch.setattr(mapping, "_LONG", 200)  # every long string (the text, long sentences) set aside
    aside = mapping.Mapper().map(extractions, base=BASE, builder="b")
    assert sorted(map(str, aside)) == sorted(map(str, plain))
    assert any(q.object.value == article.text for q in aside if q.predicate.value == "https://schema.org/text")
