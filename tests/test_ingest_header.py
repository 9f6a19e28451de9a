"""What the short lines around an article name: the site, a category, the article, its writer.
Every line here is invented for the test."""

from __future__ import annotations

import pytest

from dtkg.ingest.header import (author_name, headline_like, is_credit, is_source, lede_like, looks_like_byline,
                                names_office, names_outlet, names_person, names_section, opens_with_agency)

OUTLETS = [
    "Báo Ven Biển điện tử",
    "Tạp chí Kỹ thuật số và Đời sống",
    "Báo điện tử Miền Núi",
    "Báo Cao nguyên xanh",
    "CỔNG THÔNG TIN ĐIỆN TỬ TỈNH MIỀN NÚI",
    "Cao Nguyên Online",
    "Đài Phát thanh và Truyền hình Ven Biển",
]
NOT_OUTLETS = [
    "Báo cáo tình hình chuyển đổi số quý III",
    "Triển khai bệnh án điện tử",
    "Hà Giang triển khai hóa đơn điện tử",
    "Báo Ven Biển ra mắt ứng dụng đọc báo mới cho bạn đọc trẻ",
    "Báo Ven Biển tròn 60 năm.",
]


@pytest.mark.parametrize("line", OUTLETS)
def test_lines_naming_a_site_are_mastheads(line: str) -> None:
    assert names_outlet(line) and not headline_like(line)


@pytest.mark.parametrize("line", NOT_OUTLETS)
def test_headlines_and_sentences_about_reports_or_sites_are_not_mastheads(line: str) -> None:
    assert not names_outlet(line)


@pytest.mark.parametrize("line", ["Phỏng vấn", "Chính trị - Xây dựng Đảng", "Quốc phòng - An ninh", "Kinh tế số",
                                  "Đời sống - Xã hội"])
def test_lines_naming_a_category_are_section_labels(line: str) -> None:
    assert names_section(line) and not headline_like(line)


@pytest.mark.parametrize("line", ["Làng nghề lên sàn thương mại điện tử",
                                  "Hà Tiên - Kiên Lương bắt tay chuyển đổi số toàn diện năm 2025",
                                  "Phỏng vấn trực tuyến về dịch vụ công."])
def test_headlines_are_not_section_labels(line: str) -> None:
    assert not names_section(line)


@pytest.mark.parametrize("line, name", [
    ("Theo Báo Ven Biển", "Báo Ven Biển"),
    ("Nguồn: Sở Khoa học và Công nghệ", "Sở Khoa học và Công nghệ"),
    ("(Theo vungcao.vn)", "vungcao.vn"),
    ("(Nguồn: Cổng TTĐT tỉnh Miền Núi)", "Cổng TTĐT tỉnh Miền Núi"),
])
def test_source_lines_give_the_source_as_author(line: str, name: str) -> None:
    assert is_source(line) and looks_like_byline(line) and author_name(line) == name


@pytest.mark.parametrize("line", ["Theo dõi Báo Ven Biển trên", "Theo kế hoạch, tỉnh sẽ hoàn thành trong năm nay.",
                                  "Theo đó", "Nguồn vốn được bố trí từ ngân sách tỉnh."])
def test_sentences_opening_with_theo_or_nguon_are_not_sources(line: str) -> None:
    assert not is_source(line)


@pytest.mark.parametrize("line, name", [
    ("Bài và ảnh: Lê Hà My", "Lê Hà My"),
    ("Bài, ảnh: TRẦN KHÁNH", "Trần Khánh"),
    ("Bài: Lò Văn Sinh - Ảnh: Đinh Mai", "Lò Văn Sinh"),
    ("Tin, ảnh: Hà An", "Hà An"),
    ("Nhóm thực hiện: Khánh Hòa - Mai Lan", "Khánh Hòa - Mai Lan"),
])
def test_credit_lines_give_the_writer(line: str, name: str) -> None:
    assert is_credit(line) and author_name(line) == name


@pytest.mark.parametrize("line", ["Ảnh: Hà An", "Bài học rút ra: phải làm từ cơ sở, làm đến nơi đến chốn",
                                  "Tin vui: tỉnh đã phủ sóng 5G toàn bộ các xã"])
def test_photo_credits_and_sentences_are_not_writer_credits(line: str) -> None:
    assert not is_credit(line)


@pytest.mark.parametrize("line, name", [
    ("Tr.Khánh", "Tr.Khánh"),
    ("TS. Lò Văn Sinh", "Lò Văn Sinh"),
    ("ThS HOÀNG KIM ÂN", "Hoàng Kim Ân"),
    ("Lê Khánh từ Tokyo", "Lê Khánh"),
    ("Nhóm PV", "Nhóm PV"),
    ("Minh Châu và Thu Hà", "Minh Châu và Thu Hà"),
    ("KHÁNH AN - HÀ MY", "Khánh An - Hà My"),
    ("QUANG VINH", "Quang Vinh"),
    ("Mai Lan (thực hiện)", "Mai Lan"),
    ("Mai Lan (tổng hợp)", "Mai Lan"),
    ("Minh Khôi (TTXVN)", "Minh Khôi (TTXVN)"),
])
def test_person_bylines_and_their_names(line: str, name: str) -> None:
    assert names_person(line) and author_name(line) == name


@pytest.mark.parametrize("line", ["Hôm nay trời đẹp", "Theo kế hoạch", "Đại hội đã thành công tốt đẹp.",
                                  "Lễ ký kết diễn ra tại Hà Nội", "BÁO VEN BIỂN", "Cao Nguyên Online", "VBN -"])
def test_sentences_are_not_person_bylines(line: str) -> None:
    assert not names_person(line)


def test_offices_sign_with_capitalised_names_and_no_digits() -> None:
    assert names_office("Phòng Truyền thông - ĐHVC") and names_office("Trung tâm Tin học khu vực I")
    assert not names_office("Hội nghị lần thứ 3") and not names_office("các đơn vị liên quan")


@pytest.mark.parametrize("line", ["Lượt xem: 1.245", "Thứ Hai, 15/03/2021 10:30", "Hoàng Minh Tâm",
                                  "Hai bên ký kết.", "Ven Biển số hóa, "])
def test_counters_dates_names_and_sentences_are_not_headlines(line: str) -> None:
    assert not headline_like(line)


@pytest.mark.parametrize("line", ["Ven Biển số hóa hồ sơ đất đai", 'Giám đốc Sở: "Dữ liệu phải đi trước"',
                                  "Vì sao xã số chưa có người dùng?"])
def test_headlines_ending_in_quotes_or_questions_are_headlines_not_ledes(line: str) -> None:
    assert headline_like(line) and not lede_like(line)


@pytest.mark.parametrize("line", ["(TBS) - Ngày 18/12, tỉnh ký kết.", "(GLO)- Sáng 4/3, hai bên ký kết",
                                  "QĐND Online - Chiều 8/10, Bộ tổ chức hội nghị"])
def test_ledes_open_with_the_agency_mark(line: str) -> None:
    assert opens_with_agency(line)


@pytest.mark.parametrize("line", ["Viettel sẽ đồng hành cùng tỉnh đến năm 2030.", "Ven Biển - Miền Núi hợp tác số hóa"])
def test_headlines_do_not_open_with_an_agency_mark(line: str) -> None:
    assert not opens_with_agency(line)
