"""Page noise in plain-text pages: date lines, bylines printed twice, captions, menus and
related-article boxes. Every page here is written for the test."""

from __future__ import annotations

import pytest

from dtkg.extract import Extractor
from dtkg.ingest import Source, read
from dtkg.ingest.dates import month_end, page_date
from dtkg.ingest.layout import analyse
from dtkg.model import Article

from conftest import BASE

AGREEMENT = ("Sáng 13/3, tại thành phố Lào Cai, UBND tỉnh Lào Cai và Tập đoàn VNPT ký thỏa thuận hợp tác "
             "về chuyển đổi số giai đoạn 2021-2025.")
SECOND = "Theo thỏa thuận, hai bên phối hợp xây dựng kho dữ liệu dùng chung và nền tảng điều hành thông minh của tỉnh."
TITLE = "Lào Cai bắt tay VNPT xây dựng chính quyền số"


def _read(text: str, name: str = "page.txt") -> Article:
    return read(Source(name=name, key="page", data=text.encode("utf-8")), max_bytes=10**6)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(base=BASE)


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize("line, value, updated", [
    ("Thứ Hai, 15/03/2021 10:30 (GMT+7)", "2021-03-15", False),
    ("15/03/2021 10:30", "2021-03-15", False),
    ("15-03-2021 - 10:30 AM", "2021-03-15", False),
    ("Cập nhật: 15/03/2021 08:05", "2021-03-15", True),
    ("Cập nhật lúc 10:30, 15/03/2021", "2021-03-15", True),
    ("Thứ hai, ngày 15/3/2021", "2021-03-15", False),
    ("Thứ Năm, ngày 25 tháng 04 năm 2024", "2024-04-25", False),
    ("date 2021-03-15", "2021-03-15", False),
    ("date 2020-12", "2020-12", False),
    ("Thứ năm - 08/04/2021 05:04", "2021-04-08", False),
    ("14:05, 29/10/2025", "2025-10-29", False),
    ("Ngày đăng: 02.11.2022", "2022-11-02", False),
    ("2021-03-15T10:30:00+07:00", "2021-03-15", False),
])
def test_page_date_lines_in_every_form(line: str, value: str, updated: bool) -> None:
    found = page_date(line)
    assert found is not None and (found.value, found.updated) == (value, updated)


@pytest.mark.parametrize("line", [
    "Ngày 18-12-2020, tại Hà Nội, hai bên ký kết.", "Hôm nay trời đẹp", "Giai đoạn 2021-2025", "31/02/2021",
])
def test_sentences_and_impossible_dates_are_not_date_lines(line: str) -> None:
    assert page_date(line) is None


def test_month_end() -> None:
    assert (month_end("2020-12"), month_end("2024-02"), month_end("2021"), month_end("2021-03-15")) == (
        "2020-12-31", "2024-02-29", "2021-12-31", "2021-03-15")


def test_the_year_of_a_signing_date_comes_from_the_page_date_line(extractor: Extractor) -> None:
    text = f"{TITLE}\nThứ Hai, 15/03/2021 10:30 (GMT+7)\n\n{AGREEMENT}\n\n{SECOND}\n"
    article = _read(text)
    assert (article.title, article.published) == (TITLE, "2021-03-15")
    assert not any("GMT" in s.text for s in article.sentences)
    [agreement] = extractor.run(article)[0].agreements
    assert agreement.signed == "2021-03-13"


def test_a_date_line_above_the_title_is_not_the_title() -> None:
    article = _read(f"Cập nhật: 16/03/2021 08:00\nThứ hai, ngày 15/3/2021\n{TITLE}\n\n{AGREEMENT}\n")
    assert (article.title, article.published) == (TITLE, "2021-03-15")


def test_byline_and_date_on_one_line() -> None:
    article = _read(f"{TITLE}\n\nHoàng Minh Tâm | 15/03/2021 10:30 GMT+7\n\n{AGREEMENT}\n")
    assert (article.title, article.published, article.author) == (TITLE, "2021-03-15", "Hoàng Minh Tâm")
    assert [s.text for s in article.sentences[1:]] == [AGREEMENT]


def test_a_crawl_stamp_gives_the_month_and_the_year_of_the_signing(extractor: Extractor) -> None:
    text = f" date 2020-12 Ngày 18/12, UBND tỉnh Hà Giang và Tập đoàn VNPT ký thỏa thuận hợp tác về chuyển đổi số.\n\n{SECOND}\n"
    article = _read(text)
    assert (article.published, article.dated) == (None, "2020-12")
    assert article.sentences[0].text.startswith("Ngày 18/12, UBND tỉnh Hà Giang")
    [agreement] = extractor.run(article)[0].agreements
    assert agreement.signed == "2020-12-18"


def test_a_full_crawl_stamp_is_the_publication_date() -> None:
    article = _read(f" date 2025-10-23 (TBS) - Tỉnh Gia Lai và VNPT hợp tác về chuyển đổi số toàn diện.\n\n{AGREEMENT}\n")
    assert article.published == "2025-10-23"
    assert not any("date 2025" in s.text for s in article.sentences)


# ---------------------------------------------------------------- bylines

def test_an_author_printed_twice_under_the_title_is_the_author_not_teasers(extractor: Extractor) -> None:
    text = f"{TITLE}\n\nLê Minh Hằng\nLê Minh Hằng\n15/03/2021 10:30 GMT+7\n\n{AGREEMENT}\n\n{SECOND}\n"
    article = _read(text)
    assert (article.author, article.related) == ("Lê Minh Hằng", ())
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT, SECOND]
    assert len(extractor.run(article)[0].agreements) == 1


def test_an_author_printed_twice_at_the_end_is_the_author() -> None:
    article = _read(f"{TITLE}\n\n{AGREEMENT}\n\n{SECOND}\n\nLê Minh Hằng\nLê Minh Hằng\n")
    assert (article.author, article.related) == ("Lê Minh Hằng", ())
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT, SECOND]


def test_teasers_under_the_body_are_still_found_after_a_doubled_byline() -> None:
    teaser = "Yên Bái đưa dịch vụ công trực tuyến về từng thôn bản"
    text = f"{TITLE}\n\n{AGREEMENT}\n\nLê Minh Hằng\nLê Minh Hằng\n\n{teaser}\n{teaser}\n\nTỉnh vùng cao mở thêm điểm hỗ trợ người dân.\n"
    article = _read(text)
    assert article.author == "Lê Minh Hằng"
    assert [r.title for r in article.related] == [teaser]


def test_a_caption_printed_twice_inside_the_body_does_not_start_teasers(extractor: Extractor) -> None:
    caption = "Đại diện hai bên trao văn bản hợp tác tại buổi lễ."
    text = f"{TITLE}\n\n{AGREEMENT}\n\n{caption}\n{caption}\n\n{SECOND}\n\nĐoạn cuối bài nói về kế hoạch triển khai năm tới.\n"
    article = _read(text)
    assert article.related == ()
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT, SECOND, "Đoạn cuối bài nói về kế hoạch triển khai năm tới."]
    assert [c.of(text) for c in article.captions] == [caption, caption]


# ---------------------------------------------------------------- captions

CAPTIONS = [
    "Ảnh: Hoàng Nam",
    "(Ảnh: Báo Tin Số)",
    "Lãnh đạo UBND tỉnh Lào Cai và Tập đoàn VNPT ký thỏa thuận hợp tác. Ảnh: Minh Khôi",
    "Đại diện hai bên trao văn bản hợp tác (Ảnh: TTXVN)",
    "Lào Cai bắt tay VNPT xây dựng chính quyền số - Ảnh 1.",
    "Ảnh minh họa",
]


@pytest.mark.parametrize("caption", CAPTIONS)
def test_photo_captions_are_kept_as_captions_not_sentences(caption: str, extractor: Extractor) -> None:
    text = f"{TITLE}\n\n{AGREEMENT}\n\n{caption}\n\n{SECOND}\n"
    article = _read(text)
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT, SECOND]
    assert [c.of(text) for c in article.captions] == [caption]
    assert len(extractor.run(article)[0].agreements) == 1


def test_a_caption_above_its_credit_line_is_a_caption() -> None:
    text = f"{TITLE}\n\n{AGREEMENT}\n\nToàn cảnh lễ ký kết giữa tỉnh Lào Cai và VNPT\n\nẢNH: TRẦN AN\n\n{SECOND}\n"
    article = _read(text)
    assert [c.of(text) for c in article.captions] == ["Toàn cảnh lễ ký kết giữa tỉnh Lào Cai và VNPT", "ẢNH: TRẦN AN"]
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT, SECOND]


def test_words_that_start_with_anh_are_not_captions() -> None:
    line = "Ảnh hưởng của dịch bệnh khiến tiến độ chậm lại."
    article = _read(f"{TITLE}\n\n{line}\n")
    assert [s.text for s in article.sentences] == [TITLE, line] and article.captions == ()


# ---------------------------------------------------------------- menus and breadcrumbs

@pytest.mark.parametrize("menu", [
    "Trang chủ > Thời sự > Xã hội",
    "Trang chủ » Chuyển đổi số",
    "Thời sự | Kinh doanh | Thế giới | Giải trí | Thể thao",
    "Bạn cần biết Tiện ích Liên hệ",
    "Kinh tế Chính sách - Phát triển",
    "Chia sẻ Facebook Zalo Email In bài",
    "Từ khóa: chuyển đổi số, VNPT, Lào Cai",
    "Bình luận (0)",
])
def test_menus_breadcrumbs_and_share_bars_are_neither_title_nor_sentences(menu: str) -> None:
    text = f"{menu}\n{TITLE}\n\n{AGREEMENT}\n\n{menu}\n\n{SECOND}\n"
    article = _read(text)
    assert article.title == TITLE
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT, SECOND]


def test_a_title_printed_twice_is_one_title() -> None:
    article = _read(f"{TITLE}\n\n{AGREEMENT}\n\n{TITLE}\n\n{SECOND}\n")
    assert article.title == TITLE and [s.text for s in article.sentences] == [TITLE, AGREEMENT, SECOND]


# ---------------------------------------------------------------- related-article boxes

RELATED_ONE = "Yên Bái mở rộng mạng 5G tới các xã vùng cao"
RELATED_TWO = "Tập đoàn FPT ký kết hợp tác với tỉnh Hà Giang về đào tạo kỹ năng số"


@pytest.mark.parametrize("box", [
    f"TIN LIÊN QUAN\n- {RELATED_ONE}\n- {RELATED_TWO}",
    f"Bài liên quan:\n• {RELATED_ONE}\n• {RELATED_TWO}",
    f"Xem thêm: {RELATED_ONE}\nĐọc thêm: {RELATED_TWO}",
    f">> {RELATED_ONE}\n>> {RELATED_TWO}",
    f"Đọc thêm\n{RELATED_ONE}\n{RELATED_TWO}",
])
def test_related_article_boxes_inside_the_body_are_teasers(box: str, extractor: Extractor) -> None:
    text = f"{TITLE}\n\n{AGREEMENT}\n\n{box}\n\n{SECOND}\n"
    article = _read(text)
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT, SECOND]
    assert [r.title for r in article.related] == [RELATED_ONE, RELATED_TWO]
    assert all(r.part_of == "page" for r in article.related)
    main = extractor.run(article)[0]
    assert len(main.agreements) == 1
    assert not any("FPT" in m.surface for m in main.mentions)


def test_a_related_box_ends_at_the_next_paragraph() -> None:
    text = f"{TITLE}\n\nTIN LIÊN QUAN\n- {RELATED_ONE}\n\n{AGREEMENT}\n"
    article = _read(text)
    assert [r.title for r in article.related] == [RELATED_ONE]
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT]


def test_layout_spans_cover_the_text_exactly() -> None:
    text = (f"Trang chủ > Thời sự\n{TITLE}\nLê Minh Hằng\nLê Minh Hằng\nThứ Hai, 15/03/2021 10:30 (GMT+7)\n\n{AGREEMENT}\n"
            f"Ảnh: Hoàng Nam\nTIN LIÊN QUAN\n- {RELATED_ONE}\n\n{SECOND}\n")
    layout = analyse(text)
    parts = [layout.title, layout.byline, *layout.paragraphs, *layout.noise, *layout.captions,
             *(t.region for t in layout.teasers)]
    covered = sorted((p.start, p.end) for p in parts if p is not None)
    assert [text[s:e] for s, e in covered] == [line for line in text.split("\n") if line]


@pytest.mark.parametrize("header", [
    "BÁO MIỀN NÚI ĐIỆN TỬ\nThời sự  Kinh tế  Xã hội  Văn hóa",
    "TRƯỜNG ĐẠI HỌC VÙNG CAO - TIN TỨC - SỰ KIỆN\nTrang chủ > Tin tức > Hợp tác",
    "Giáo dục | Tuyển sinh | Du học | Góc phụ huynh\nTrang chủ / Giáo dục 4.0",
    "Cỡ chữ  A-  A  A+  |  In bài  |  Chia sẻ\nKinh tế › Giao thông - Vận tải",
    "03/06/2024 | 10:15",
])
def test_mastheads_and_separated_menus_are_not_the_title(header: str) -> None:
    article = _read(f"{header}\n\n{TITLE}\n\n{AGREEMENT}\n\n{SECOND}\n")
    assert article.title == TITLE
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT, SECOND]


def test_an_office_signing_the_article_is_its_author() -> None:
    article = _read(f"{TITLE}\n\n{AGREEMENT}\n\n{SECOND}\n\nPhòng Truyền thông - ĐHVC\n")
    assert article.author == "Phòng Truyền thông - ĐHVC"
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT, SECOND]


def test_a_byline_in_capitals_reads_as_a_name() -> None:
    article = _read(f"{TITLE}\n\n{AGREEMENT}\n\nTRẦN AN - HOÀNG NAM\nTRẦN AN - HOÀNG NAM\n\nTin liên quan\n{RELATED_ONE}\n")
    assert article.author == "Trần An - Hoàng Nam"
    assert [r.title for r in article.related] == [RELATED_ONE]


def test_a_see_also_heading_after_the_byline_keeps_the_byline() -> None:
    article = _read(f"{TITLE}\n\n{AGREEMENT}\n\nMinh Châu\n\nXem thêm:\n{RELATED_ONE}\n{RELATED_TWO}\n")
    assert article.author == "Minh Châu"
    assert [r.title for r in article.related] == [RELATED_ONE, RELATED_TWO]


# ---------------------------------------------------------------- the headline, by evidence

@pytest.mark.parametrize("header", [
    "Báo Ven Biển điện tử\nThời sự | Kinh tế | Chuyển đổi số",
    "Tạp chí Kỹ thuật số và Đời sống\nChuyển đổi số | Kinh tế số",
    "BÁO VEN BIỂN\nThứ Năm, 06/03/2025 | 15:47:00\nChính trị - Xây dựng Đảng",
    "Kinh tế | Đầu tư | Địa phương\nĐịa phương",
    "Phỏng vấn",
    "Truy cập nội dung luôn\nSỞ KHOA HỌC VÀ CÔNG NGHỆ\nTỈNH VEN BIỂN",
    "Hotline: 0900 000 000\nNhân ái - Tin cậy - Kịp thời",
])
def test_the_headline_is_neither_the_site_nor_its_section(header: str) -> None:
    article = _read(f"{header}\n\n{TITLE}\n\nThứ Ba, 06/05/2025 - 08:45\n\n{AGREEMENT}\n\n{SECOND}\n")
    assert article.title == TITLE
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT, SECOND]


def test_the_headline_is_the_longest_headline_like_line_above_the_lede() -> None:
    kicker = "Kỳ 2: Ven biển số"
    article = _read(f"{kicker}\n{TITLE}\nKhoa học - Công nghệ - 2021-04-17 16:39:00\n\n{AGREEMENT}\n")
    assert (article.title, article.published) == (TITLE, "2021-04-17")


def test_a_line_printed_again_further_down_is_the_headline_before_a_longer_one() -> None:
    slogan = "Tiếng nói của Đảng bộ, chính quyền và nhân dân vùng ven biển miền Trung"
    text = f"{slogan}\n{TITLE}\n\n{AGREEMENT}\n\n{TITLE} - Ảnh 1.\n\n{SECOND}\n"
    article = _read(text)
    assert article.title == TITLE
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT, SECOND]


def test_a_headline_ending_in_a_quote_is_the_headline_and_its_writer_the_author() -> None:
    title = 'Giám đốc Sở Ven Biển: "Dữ liệu phải tự đến với người dân"'
    text = (f"Chuyển đổi số | Đời sống số | Phỏng vấn\nPhỏng vấn\n{title}\nMai Lan (thực hiện)\nMai Lan (thực hiện)\n"
            f"05/08/2025 07:00 GMT+7\n\n{AGREEMENT}\n")
    article = _read(text)
    assert (article.title, article.author) == (title, "Mai Lan")
    assert [s.text for s in article.sentences] == [title, AGREEMENT]


def test_a_short_headline_alone_is_the_headline() -> None:
    article = _read(f"Ven Biển số hóa\n\n{AGREEMENT}\n")
    assert article.title == "Ven Biển số hóa"


def test_a_section_label_alone_above_the_lede_is_no_headline() -> None:
    article = _read(f"Chính trị - Xây dựng Đảng\n\n{AGREEMENT}\n\n{SECOND}\n")
    assert article.title is None
    assert [s.text for s in article.sentences] == [AGREEMENT, SECOND]


def test_a_first_line_ended_by_a_full_stop_is_the_headline_unless_it_opens_like_a_lede() -> None:
    headline = "Viettel sẽ đồng hành cùng tỉnh Lào Cai hoàn thành chuyển đổi số vào năm 2030."
    assert _read(f"{headline}\n\n{AGREEMENT}\n").title == headline
    lede = "(TBS) - Ngày 18/12, tỉnh Lào Cai và Viettel ký thỏa thuận hợp tác."
    assert _read(f"{lede}\n\n{SECOND}\n").title is None


def test_the_title_the_metadata_gives_is_the_headline_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dtkg.ingest import discover
    body = f"Một dòng rất dài ở đầu thân bài nhưng không phải tiêu đề của bản tin này\\n\\n{AGREEMENT}"
    (tmp_path / "feed.jsonl").write_text(
        '{"id": "a1", "title": "Lào Cai số hóa", "body": "' + body + '"}\n', encoding="utf-8")
    [source] = discover([tmp_path]).sources
    article = read(source, max_bytes=10**6)
    assert article.title == "Lào Cai số hóa"
    assert article.sentences[0].text == "Lào Cai số hóa" and article.sentences[0].paragraph == 0


# ---------------------------------------------------------------- the author, by evidence

@pytest.mark.parametrize("footer, author", [
    ("Hoàng Hà\nTheo Báo Ven Biển", "Hoàng Hà"),
    ("Theo Báo Ven Biển", "Báo Ven Biển"),
    ("(Nguồn: Cổng TTĐT tỉnh Ven Biển)", "Cổng TTĐT tỉnh Ven Biển"),
    ("Bài và ảnh: Lê Hà My", "Lê Hà My"),
    ("Bài: Lò Văn Sinh - Ảnh: Đinh Mai", "Lò Văn Sinh"),
    ("MINH HIẾU", "Minh Hiếu"),
    ("QUANG VINH", "Quang Vinh"),
    ("Tr.Khánh", "Tr.Khánh"),
    ("Lê Khánh từ Tokyo", "Lê Khánh"),
    ("HÀ KIÊN\n\nBình luận\n\nVui lòng nhập tiếng việt có dấu\n\nThống kê truy cập\nĐang online 2721", "Hà Kiên"),
])
def test_the_signature_under_the_body_gives_the_author(footer: str, author: str) -> None:
    article = _read(f"{TITLE}\n\n{AGREEMENT}\n\n{SECOND}\n\n{footer}\n")
    assert article.author == author
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT, SECOND]


def test_a_writer_under_the_title_comes_before_the_source_under_the_body() -> None:
    article = _read(f"{TITLE}\nLê Khánh\n\n{AGREEMENT}\n\n{SECOND}\n\nTheo Báo Ven Biển\n")
    assert article.author == "Lê Khánh"
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT, SECOND]


def test_a_writer_with_a_degree_and_an_affiliation_under_the_title() -> None:
    article = _read(f"Góc nhìn\n{TITLE}\nTS. Lò Văn Sinh\nViện Nghiên cứu Số\nCập nhật 06:30 | 28/09/2025\n\n{AGREEMENT}\n")
    assert (article.title, article.author, article.published) == (TITLE, "Lò Văn Sinh", "2025-09-28")


def test_a_name_printed_with_the_date_is_the_author_when_nothing_signs_the_body() -> None:
    text = f"{TITLE}\n\nThanh Vân (Viettel Ven Biển) đã đăng lúc 18:49 - 24.02.2025\n\n{AGREEMENT}\n"
    article = _read(text)
    assert (article.author, article.published) == ("Thanh Vân (Viettel Ven Biển)", "2025-02-24")
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT]


@pytest.mark.parametrize("last", ["Hội nghị kết thúc tốt đẹp.", "Theo kế hoạch, tỉnh hoàn thành trong năm 2025.",
                                  "Nguồn vốn được bố trí từ ngân sách tỉnh."])
def test_a_short_last_sentence_is_no_signature(last: str) -> None:
    article = _read(f"{TITLE}\n\n{AGREEMENT}\n\n{last}\n")
    assert article.author is None
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT, last]


@pytest.mark.parametrize("line", ["Theo dõi Báo Ven Biển trên", "* Email: toasoan@venbien.example *Tòa soạn: 0900 000 000"])
def test_follow_and_contact_lines_are_furniture_not_bylines(line: str) -> None:
    article = _read(f"{TITLE}\n{line}\n\n{AGREEMENT}\n")
    assert (article.title, article.author) == (TITLE, None)
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT]


@pytest.mark.parametrize("line", ["09:00 | 10/10/2022 | SỐ HÓA", "Khoa học - Công nghệ - 2021-04-17 16:39:00"])
def test_a_date_printed_with_its_section_is_a_date_line(line: str) -> None:
    article = _read(f"{TITLE}\n{line}\n\n{AGREEMENT}\n")
    assert article.title == TITLE and article.published is not None and article.author is None
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT]


def test_lines_of_punctuation_are_furniture_not_the_title() -> None:
    article = _read(f".\n.\n\n{TITLE}\n\n{AGREEMENT}\n\n.\n.\n")
    assert article.title == TITLE
    assert [s.text for s in article.sentences] == [TITLE, AGREEMENT]


@pytest.mark.parametrize("line", ["30/09/2022 14:57    112", "Ngày đăng: 14/01/2025 | Lượt xem: 2.318"])
def test_a_date_printed_with_a_view_counter_is_a_date_line(line: str) -> None:
    article = _read(f"{TITLE}\n\n{line}\n\n{AGREEMENT}\n")
    assert article.published is not None and [s.text for s in article.sentences] == [TITLE, AGREEMENT]


def test_an_agency_mark_on_its_own_line_is_no_byline() -> None:
    article = _read(f"{TITLE}\n\nVBN -\n\n(Ven Biển). {AGREEMENT}\n")
    assert (article.title, article.author) == (TITLE, None)


def test_a_masthead_in_capitals_is_never_the_author() -> None:
    article = _read(f"BÁO VEN BIỂN\n\n{AGREEMENT}\n\n{SECOND}\n")
    assert (article.title, article.author) == (None, None)


def test_a_one_word_header_line_is_no_headline() -> None:
    article = _read(f"spot_img\n\n{AGREEMENT}\n\n{SECOND}\n")
    assert article.title is None
