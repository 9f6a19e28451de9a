"""Ingest: decoding, normalisation, layout, dates and sentences."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from dtkg.errors import IngestError
from dtkg.ingest import Source, discover, read
from dtkg.ingest.dates import find_dates, leading_date, parse_date_line
from dtkg.ingest.decode import decode
from dtkg.ingest.layout import analyse
from dtkg.ingest.normalize import normalize_text, normalize_tones
from dtkg.ingest.sentences import split_sentences
from dtkg.model import Span

from conftest import EXAMPLES
from legacy import to_cp1258, to_legacy

VI = "tập đoàn viễn thông ký thỏa thuận hợp tác chuyển đổi số với ủy ban nhân dân tỉnh, phát triển hạ tầng số và đô thị thông minh"


# ---------------------------------------------------------------- decoding

@pytest.mark.parametrize("raw, encoding", [
    (VI.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + VI.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF16_LE + VI.encode("utf-16-le"), "utf-16"),
    (codecs.BOM_UTF16_BE + VI.encode("utf-16-be"), "utf-16"),
    (VI.encode("utf-16-le"), "utf-16-le"),
])
def test_unicode_encodings_decode_to_the_same_text(raw: bytes, encoding: str) -> None:
    decoded = decode(raw, name="a.txt")
    assert decoded.encoding == encoding
    assert unicodedata.normalize("NFC", decoded.text) == VI


@pytest.mark.parametrize("encoder, encoding", [
    (to_cp1258, "windows-1258"),
    (lambda t: to_legacy(t, "tcvn3"), "tcvn3"),
    (lambda t: to_legacy(t, "vni"), "vni"),
])
def test_legacy_vietnamese_encodings_are_decoded(encoder, encoding: str) -> None:  # type: ignore[no-untyped-def]
    raw = encoder(VI)
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    decoded = decode(raw, name="legacy.txt")
    assert decoded.encoding == encoding
    assert normalize_text(decoded.text) == VI


@pytest.mark.parametrize("raw, reason", [
    (b"", "empty"),
    (b"  \n\r\n ", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    (bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 200, "no supported encoding"),
])
def test_bad_bytes_are_refused_with_the_reason_and_the_fix(raw: bytes, reason: str) -> None:
    with pytest.raises(IngestError) as info:
        decode(raw, name="bad/file.txt")
    message = str(info.value)
    assert message.startswith("bad/file.txt: ")
    assert reason in message
    assert "(fix: " in message


# ---------------------------------------------------------------- normalisation

def test_normalisation_folds_line_ends_spaces_and_tone_placement() -> None:
    raw = "Kh\u00e1nh Ho\u00e0\r\nthu\u1ef7\u00a0s\u1ea3n\u200b\ufeff"
    assert normalize_text(raw) == "Khánh Hòa\nthủy sản"


@pytest.mark.parametrize("old, new", [("hoà", "hòa"), ("Thuỵ", "Thụy"), ("khoẻ", "khỏe"), ("xoá", "xóa"), ("tuỳ", "tùy"),
                                     ("Uỷ ban", "Ủy ban"), ("Tỉnh uỷ", "Tỉnh ủy")])
def test_old_tone_placement_moves_to_the_first_vowel(old: str, new: str) -> None:
    assert normalize_tones(old) == new


@pytest.mark.parametrize("word", ["hoàng", "quý", "quỳnh", "hòa", "thủy", "toàn", "khuyến", "hoặc", "ngoặc", "Uy tín"])
def test_words_already_canonical_are_left_alone(word: str) -> None:
    assert normalize_tones(word) == word


vietnamese_text = st.text(
    alphabet=st.sampled_from(list("aàáảãạăằắẳẵặâầấẩẫậoòóỏõọôơờuùúủũụưyỳýỷỹỵeèéẻẽẹêiìíđqhtnkgAOUYĐ \n\r\t.,\u00a0")),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(vietnamese_text)
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=300, deadline=None)
@given(vietnamese_text.map(lambda t: unicodedata.normalize("NFC", t)))
def test_tone_normalisation_preserves_offsets(text: str) -> None:
    fixed = normalize_tones(text)
    assert len(fixed) == len(text)
    assert [c.isspace() for c in fixed] == [c.isspace() for c in text]


# ---------------------------------------------------------------- layout, dates, sentences

def test_seed_layout_separates_noise_title_byline_and_teaser() -> None:
    source = Source(name=str(EXAMPLES / "000_210924e285211664.txt"), key="seed", path=EXAMPLES / "000_210924e285211664.txt")
    article = read(source, max_bytes=10**7)
    assert article.title is not None and article.title.startswith("Viettel sẽ phối hợp cùng UBND tỉnh Nam Định")
    assert article.author == "Nguyễn Thái"
    assert len(article.related) == 1
    teaser = article.related[0]
    assert teaser.title == "VNPT sẽ hậu thuẫn Đồng Nai thúc đẩy Chính quyền điện tử, đô thị thông minh"
    assert teaser.part_of == "seed"
    assert len(teaser.sentences) == 2
    assert not any("{keywords}" in s.text for s in article.sentences)
    assert not any(s.text == "Nguyễn Thái" for s in article.sentences)
    assert not any(s.text.startswith("Sau 5 năm, Tập đoàn VNPT") for s in article.sentences)


def test_layout_reads_date_line_and_dateline() -> None:
    text = "Tiêu đề bài viết\n22/08/2025 16:40 GMT+7\n\nChiều 21/8, hai bên ký kết.\n\nMinh Anh (TTXVN)"
    layout = analyse(text)
    assert layout.published == "2025-08-22"
    assert layout.byline is not None and layout.byline.of(text) == "Minh Anh (TTXVN)"
    assert [p.of(text) for p in layout.paragraphs] == ["Chiều 21/8, hai bên ký kết."]


DATE_CASES = [
    ("Ngày 18-12-2020, tại Hà Nội", None, "2020-12-18"),
    ("Sáng 23-10, UBND tỉnh", "2021-10-25", "2021-10-23"),
    ("ký vào ngày 11.9 vừa qua", "2024-09-12", "2024-09-11"),
    ("ngày 5 tháng 3 năm 2024", None, "2024-03-05"),
    ("Chiều 28/12, lễ ký", "2022-01-03", "2021-12-28"),
]


@pytest.mark.parametrize("text, reference, iso", DATE_CASES)
def test_dates_in_every_form_resolve(text: str, reference: str | None, iso: str) -> None:
    assert [d.iso for d in find_dates(text, reference=reference)] == [iso]


def test_numbers_are_not_dates() -> None:
    assert find_dates("6.500 giáo viên, 99,21% dân số, giai đoạn 2021-2025, tỷ lệ 11.5") == []


def test_date_lines() -> None:
    assert parse_date_line("Thứ Tư, 15/12/2021") == "2021-12-15"
    assert parse_date_line("22/08/2025 16:40 GMT+7") == "2025-08-22"
    assert parse_date_line("Hôm nay trời đẹp") is None
    assert leading_date("Ngày 18-12-2020, UBND tỉnh").iso == "2020-12-18"  # type: ignore[union-attr]


def test_sentences_keep_exact_offsets_and_quotes_whole() -> None:
    text = "TP. Hồ Chí Minh có 6.500 giáo viên. Ông A nói: “Một. Hai.” Sau đó ký kết! Cuối cùng"
    sentences = split_sentences(text, [Span(0, len(text))])
    assert [s.text for s in sentences] == [
        "TP. Hồ Chí Minh có 6.500 giáo viên.", "Ông A nói: “Một. Hai.”", "Sau đó ký kết!", "Cuối cùng"]
    assert all(text[s.span.start:s.span.end] == s.text for s in sentences)


# ---------------------------------------------------------------- sources

def test_discover_reads_folders_jsonl_and_reports_bad_records(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Tiêu đề\n\nNội dung bài.", encoding="utf-8")
    (tmp_path / "feed.jsonl").write_text(
        '{"id": "x1", "url": "https://example.org/x1", "title": "Tin A", "published": "2024-01-02", "body": "Nội dung."}\n'
        "not json\n", encoding="utf-8")
    found = discover([tmp_path])
    sources, errors = found.sources, found.errors
    assert sorted(s.name for s in sources) == [str(tmp_path / "a.txt"), f"{tmp_path / 'feed.jsonl'}#x1"]
    assert len(errors) == 1 and str(errors[0]).startswith(f"{tmp_path / 'feed.jsonl'}:2: ")
    jsonl = next(s for s in sources if s.name.endswith("#x1"))
    article = read(jsonl, max_bytes=10**6)
    assert article.title == "Tin A" and article.published == "2024-01-02" and article.url == "https://example.org/x1"
