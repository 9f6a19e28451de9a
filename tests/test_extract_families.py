"""Pattern families across the field: awards, targets, quotes, indicators, agreements.

Positive and negative cases, each asserting the exact fact. Every sentence is written for
these tests; persons, firms and figures are invented.
"""

from __future__ import annotations

import pytest

from dtkg.extract import Extractor
from dtkg.ingest import Source, read
from dtkg.model import Extraction

from conftest import BASE


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(base=BASE)


def run(extractor: Extractor, body: str, *, title: str = "Tin chuyển đổi số") -> Extraction:
    source = Source(name="t.txt", key="t", data=f"{title}\n\n{body}\n".encode())
    return extractor.run(read(source, max_bytes=10**6))[0]


def label(x: Extraction, iri: str) -> str:
    names = {e.iri: e.name for e in x.entities} | {e.governs: e.name.split(" ", 2)[-1] for e in x.entities if e.governs}
    return names.get(iri, iri)


# ---------------------------------------------------------------- awards

def awards(x: Extraction) -> list[tuple[str, str]]:
    return [(a.name, a.recipient_label) for a in x.awards]


def test_a_named_prize_given_to_a_list_of_winners(extractor: Extractor) -> None:
    x = run(extractor, "Giải thưởng Dữ liệu Mở 2025 vinh danh 12 đơn vị. Ở hạng mục Chính quyền số, giải thưởng "
                       "được trao cho: UBND tỉnh Lạng Sơn với mô hình một cửa; Sở Tài chính TP Hải Phòng với kho "
                       "dữ liệu mở.")
    assert awards(x) == [("Giải thưởng Dữ liệu Mở 2025", "UBND tỉnh Lạng Sơn"),
                         ("Giải thưởng Dữ liệu Mở 2025", "Sở Tài chính TP Hải Phòng")]


def test_a_category_names_products_and_unnamed_products_stand_for_their_owner(extractor: Extractor) -> None:
    x = run(extractor, "Lễ trao Giải thưởng Sản phẩm số Sông Hồng 2025 diễn ra tối qua. Hạng mục Nông nghiệp số "
                       "gọi tên nền tảng kế toán điện tử của Công ty Cổ phần Phần mềm Sông Lam và ứng dụng tra cứu "
                       "đất đai LandMap của Công ty TNHH Bản Đồ Việt.")
    assert awards(x) == [("Giải thưởng Sản phẩm số Sông Hồng 2025", "Công ty Cổ phần Phần mềm Sông Lam"),
                         ("Giải thưởng Sản phẩm số Sông Hồng 2025", "ứng dụng tra cứu đất đai LandMap")]


def test_persons_honoured_in_a_list(extractor: Extractor) -> None:
    x = run(extractor, "Giải thưởng Công dân Số 2025 có hạng mục cá nhân. Ba cá nhân được vinh danh là ông Khúc "
                       "Văn Nam, Giám đốc Sở Tài chính tỉnh Lạng Sơn; bà Âu Thị Hòa, Chủ tịch xã Tân Lập và TS. Cù "
                       "Minh Đức, giảng viên Trường Đại học Cần Thơ.")
    assert [r for _, r in awards(x)] == ["Khúc Văn Nam", "Âu Thị Hòa", "Cù Minh Đức"]


def test_certificates_of_merit_to_a_list_of_bodies(extractor: Extractor) -> None:
    x = run(extractor, "Tỉnh Hòa Bình tổng kết năm. Dịp này, Chủ tịch UBND tỉnh trao Bằng khen cho 4 tập thể, gồm: "
                       "Sở Y tế, Công an tỉnh, UBND phường Thịnh Lang và UBND xã Tân Lạc.")
    assert awards(x) == [("Bằng khen", "Sở Y tế tỉnh Hòa Bình"), ("Bằng khen", "Công an tỉnh Hòa Bình"),
                         ("Bằng khen", "UBND phường Thịnh Lang"), ("Bằng khen", "UBND xã Tân Lạc")]


def test_winners_named_before_the_verb(extractor: Extractor) -> None:
    x = run(extractor, "Giải thưởng Ngân hàng Số 2025 công bố kết quả. Trong khi đó, Ngân hàng TMCP Quân đội (MB) "
                       "và Tổng công ty Bưu điện Việt Nam nhận giải ở hạng mục Doanh nghiệp số.")
    assert awards(x) == [("Giải thưởng Ngân hàng Số 2025", "Ngân hàng TMCP Quân đội"),
                         ("Giải thưởng Ngân hàng Số 2025", "Vietnam Post")]


@pytest.mark.parametrize("body", [
    "Các đơn vị được trao cho nhiệm vụ xây dựng kho dữ liệu dùng chung, gồm: Sở Y tế và Sở Tài chính.",
    "Hội nghị giới thiệu kế hoạch năm 2026 của Sở Nội vụ và Sở Tư pháp.",
])
def test_lists_without_a_prize_are_not_awards(extractor: Extractor, body: str) -> None:
    assert run(extractor, body).awards == ()


# ---------------------------------------------------------------- targets

def targets(x: Extraction) -> list[tuple[str, int | None, str]]:
    return [(label(x, t.subject), t.year, t.description) for t in x.targets]


def test_a_plan_header_gives_its_year_to_the_bullets_under_it(extractor: Extractor) -> None:
    x = run(extractor, "UBND tỉnh Yên Bái ban hành kế hoạch chuyển đổi số.\n\nCác chỉ tiêu chính đến năm 2027:\n\n"
                       "- 90% hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng;\n\n"
                       "- kinh tế số chiếm 12% GRDP; năng suất lao động tăng 6%;\n\n"
                       "Sở Tài chính chủ trì theo dõi.")
    got = [(s, y, d) for s, y, d in targets(x)]
    assert ("Yên Bái", 2027, "90% hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng") in got
    assert ("Yên Bái", 2027, "kinh tế số chiếm 12% GRDP") in got
    assert ("Yên Bái", 2027, "năng suất lao động tăng 6%") in got
    assert len(got) == 3


def test_goals_of_an_agreement_between_companies_are_set_for_its_first_party(extractor: Extractor) -> None:
    x = run(extractor, "Tại Hải Phòng, Tổng công ty Đường sắt Việt Nam và Tập đoàn FPT ký thỏa thuận hợp tác. "
                       "Mục tiêu đến năm 2027: 100% vé tàu được bán trực tuyến; thời gian chờ tại ga giảm 20%.")
    assert targets(x) == [("Tổng công ty Đường sắt Việt Nam", 2027, "100% vé tàu được bán trực tuyến"),
                          ("Tổng công ty Đường sắt Việt Nam", 2027, "thời gian chờ tại ga giảm 20%")]


def test_a_goal_set_for_a_named_year(extractor: Extractor) -> None:
    x = run(extractor, "Tỉnh Kon Tum đặt mục tiêu năm 2026 nâng tỷ lệ hồ sơ trực tuyến lên 70%.")
    assert [(s, y) for s, y, _ in targets(x)] == [("Kon Tum", 2026)]


def test_a_bullet_list_without_a_goal_header_gives_no_targets(extractor: Extractor) -> None:
    x = run(extractor, "Kết quả năm 2024 của tỉnh Kon Tum:\n\n- 85% hồ sơ được xử lý trực tuyến;\n\n- 40 xã có wifi miễn phí.")
    assert x.targets == ()


# ---------------------------------------------------------------- quotes and posts

def quotes(x: Extraction) -> list[tuple[str, str]]:
    return [(label(x, q.speaker), q.text[:24]) for q in x.quotes if q.direct]


def posts(x: Extraction) -> set[tuple[str, str, str | None]]:
    return {(label(x, m.person), m.role, label(x, m.organization) if m.organization else None) for m in x.memberships}


def test_a_speaker_named_after_the_quote_by_title_and_organisation(extractor: Extractor) -> None:
    x = run(extractor, "Về phía MobiFone có ông Sầm Quốc Bảo, Phó Tổng giám đốc Tổng công ty. \"Mỗi trạm phát sóng "
                       "mới là một lớp học được nối mạng\", Phó Tổng giám đốc MobiFone nói.")
    assert ("Sầm Quốc Bảo", "Phó Tổng giám đốc", "MobiFone") in posts(x)
    assert quotes(x) == [("Sầm Quốc Bảo", "Mỗi trạm phát sóng mới l")]


def test_a_speaker_named_by_title_and_a_head_noun(extractor: Extractor) -> None:
    x = run(extractor, "Bệnh viện Đa khoa Xanh Pôn ký kết hợp tác với Viettel Hà Nội. Bác sĩ Lò Văn Khiêm, Giám đốc "
                       "Bệnh viện, chủ trì buổi lễ. \"Hồ sơ giấy sẽ không còn trên bàn bác sĩ vào cuối năm\", vị Giám "
                       "đốc bệnh viện nói.")
    assert quotes(x) == [("Lò Văn Khiêm", "Hồ sơ giấy sẽ không còn ")]


def test_a_title_held_by_nobody_in_the_article_gives_no_speaker(extractor: Extractor) -> None:
    x = run(extractor, "\"Dữ liệu phải được làm sạch trước khi dùng cho bất kỳ mô hình nào\", Giám đốc Sở nói.")
    assert x.quotes == ()


def test_a_title_and_its_body_before_a_name_frame_the_person(extractor: Extractor) -> None:
    x = run(extractor, "Phó Chủ tịch UBND tỉnh Kha Minh Tâm chủ trì hội nghị. Tỉnh Hà Tĩnh đã sẵn sàng. Tham dự có "
                       "Chủ tịch UBND thị xã Kỳ Anh Tăng Hữu Tài.")
    assert ("Kha Minh Tâm", "Phó Chủ tịch UBND tỉnh", "UBND tỉnh Hà Tĩnh") in posts(x)
    assert ("Tăng Hữu Tài", "Chủ tịch UBND thị xã", "UBND thị xã Kỳ Anh") in posts(x)


def test_posts_in_a_frame_belong_to_the_framed_organisation(extractor: Extractor) -> None:
    x = run(extractor, "Về phía Vietcombank có ông Ôn Quốc Hùng, Phó Tổng Giám đốc và lãnh đạo các chi nhánh.")
    assert posts(x) == {("Ôn Quốc Hùng", "Phó Tổng Giám đốc", "Vietcombank")}


# ---------------------------------------------------------------- indicators

def figures(x: Extraction) -> list[tuple[str, float]]:
    return [(label(x, i.subject), i.value) for i in x.indicators]


def test_index_scores_and_growth_of_a_report(extractor: Extractor) -> None:
    x = run(extractor, "Ở cấp quốc gia, chỉ số PAPI năm 2024 đạt 0,6120, tăng 3,4% so với năm 2023. Bắc Ninh dẫn đầu "
                       "với 0,7012; tiếp theo là Quảng Ninh với 0,6987.", title="Công bố PAPI 2024")
    country = BASE + "place/viet-nam"
    assert figures(x) == [(country, 0.612), (country, 3.4), ("Bắc Ninh", 0.7012), ("Quảng Ninh", 0.6987)]


def test_a_decimal_without_an_index_or_a_unit_is_not_a_figure(extractor: Extractor) -> None:
    x = run(extractor, "Ông Nguyễn Văn Bình cho biết phiên bản 2,5 của phần mềm sẽ ra mắt tại Đà Nẵng.")
    assert x.indicators == ()


# ---------------------------------------------------------------- agreements

def agreements(x: Extraction) -> list[tuple[tuple[str, ...], int | None, int | None]]:
    return [(tuple(label(x, p) for p in a.parties), a.start, a.end) for a in x.agreements]


def test_two_agreements_at_one_ceremony_with_two_counterparts(extractor: Extractor) -> None:
    x = run(extractor, "Sáng 3/6, Viettel Kon Tum ký kết chương trình phối hợp với Công an tỉnh Kon Tum và với Bộ Chỉ "
                       "huy Quân sự tỉnh Kon Tum. Hai văn bản được ký riêng. Với Công an tỉnh, chương trình có thời "
                       "hạn từ năm 2025 đến năm 2026. Với Bộ Chỉ huy Quân sự tỉnh, chương trình kéo dài giai đoạn "
                       "2025 - 2029.")
    assert agreements(x) == [(("Viettel Kon Tum", "Công an tỉnh Kon Tum"), 2025, 2026),
                             (("Viettel Kon Tum", "Bộ Chỉ huy Quân sự tỉnh Kon Tum"), 2025, 2029)]


def test_a_party_with_a_brand_name_and_no_head_noun(extractor: Extractor) -> None:
    x = run(extractor, "Ngày 4/3, VNPT Đắk Lắk và CoffeeLink ký kết hợp tác giai đoạn 2025 - 2027. CoffeeLink là "
                       "đơn vị khởi nghiệp về truy xuất nguồn gốc cà phê.")
    assert agreements(x) == [(("VNPT Đắk Lắk", "CoffeeLink"), 2025, 2027)]


def test_the_content_of_an_agreement_is_not_another_agreement(extractor: Extractor) -> None:
    x = run(extractor, "Bệnh viện Đa khoa tỉnh Sơn La và Viettel Sơn La ký kết thỏa thuận hợp tác. Theo thỏa thuận, "
                       "Viettel Sơn La ký hợp đồng triển khai bệnh án điện tử theo hướng dẫn của Bộ Y tế.")
    assert agreements(x) == [(("Bệnh viện Đa khoa tỉnh Sơn La", "Viettel Sơn La"), None, None)]


@pytest.mark.parametrize("body", [
    "Sở Nội vụ và Sở Tài chính họp bàn về chuyển đổi số.",
    "Tập đoàn FPT chưa ký thỏa thuận hợp tác với tỉnh Gia Lai.",
])
def test_no_agreement_without_a_signing(extractor: Extractor, body: str) -> None:
    assert run(extractor, body).agreements == ()


def test_speech_introduced_by_a_colon_or_attributed_with_theo(extractor: Extractor) -> None:
    x = run(extractor, "Ông Lò Văn Khiêm, Giám đốc Sở Y tế, cho biết:\n\n\"Mỗi bệnh viện phải có một kho dữ liệu "
                       "sạch trước đã.\"\n\nTheo bà Cầm Thị Hoa, Phó Giám đốc Sở, “nhân lực số mới là điểm nghẽn lớn "
                       "nhất”.")
    assert quotes(x) == [("Lò Văn Khiêm", "Mỗi bệnh viện phải có mộ"), ("Cầm Thị Hoa", "nhân lực số mới là điểm ")]


def test_several_prizes_listed_in_one_sentence(extractor: Extractor) -> None:
    x = run(extractor, "Lễ trao Giải thưởng Nông nghiệp số Tây Nguyên 2025 diễn ra tại Đà Lạt. Giải Vàng được trao cho "
                       "ứng dụng quản lý vườn cà phê CafeNote của Công ty Cổ phần Nông Sản Số; Giải Bạc được trao cho "
                       "nền tảng chợ nông sản AgriMart của Hợp tác xã Ea Tu.")
    assert awards(x) == [("Giải thưởng Nông nghiệp số Tây Nguyên 2025", "ứng dụng quản lý vườn cà phê CafeNote"),
                         ("Giải thưởng Nông nghiệp số Tây Nguyên 2025", "nền tảng chợ nông sản AgriMart")]


def test_a_resolution_header_sets_goals_for_the_province_the_article_is_about(extractor: Extractor) -> None:
    x = run(extractor, "Tỉnh ủy Cao Bằng ban hành nghị quyết về chuyển đổi số.\n\nNghị quyết đặt mục tiêu đến năm 2030:\n\n"
                       "- kinh tế số đạt 20% GRDP;\n\n- 100% cửa khẩu vận hành theo mô hình cửa khẩu số.")
    assert [(s, y) for s, y, _ in targets(x)] == [("Cao Bằng", 2030), ("Cao Bằng", 2030)]
