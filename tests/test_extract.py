"""Extraction, one pattern family at a time, with positive and negative cases.

The sentences here are written for these tests; none comes from the evaluation sets.
"""

from __future__ import annotations

import pytest

from dtkg import iris
from dtkg.extract import Extractor
from dtkg.ingest import Source, read
from dtkg.model import Extraction

from conftest import BASE


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(base=BASE)


def run(extractor: Extractor, body: str, *, title: str = "Tin chuyển đổi số", date: str = "") -> Extraction:
    text = f"{title}\n{date}\n\n{body}\n\nPhóng viên Hà\n" if date else f"{title}\n\n{body}\n"
    source = Source(name="t.txt", key="t", data=text.encode("utf-8"))
    return extractor.run(read(source, max_bytes=10**6))[0]


def names(x: Extraction, iri_list: list[str] | tuple[str, ...]) -> set[str]:
    by_iri = {e.iri: e.name for e in x.entities}
    return {by_iri.get(i, i) for i in iri_list}


# ---------------------------------------------------------------- entities

def test_aliases_resolve_to_one_organisation(extractor: Extractor) -> None:
    x = run(extractor, "Tập đoàn Công nghiệp - Viễn thông Quân đội (Viettel) cho biết Tập đoàn Viettel và Viettel đã sẵn sàng.")
    orgs = {e.iri for e in x.entities if e.type.family == "Organization"}
    assert orgs == {BASE + "org/viettel"}


def test_a_place_and_its_government_are_different_entities(extractor: Extractor) -> None:
    x = run(extractor, "UBND tỉnh Bắc Ninh làm việc với các sở của tỉnh Bắc Ninh.")
    got = {(e.name, e.type.value, e.governs) for e in x.entities}
    assert ("UBND tỉnh Bắc Ninh", "GovernmentOrganization", BASE + "place/bac-ninh") in got
    assert ("Bắc Ninh", "Place", None) in got


def test_departments_and_branches_are_organisations(extractor: Extractor) -> None:
    x = run(extractor, "Sở Khoa học và Công nghệ tỉnh Lào Cai phối hợp với VNPT Lào Cai triển khai dự án.")
    assert {"Sở Khoa học và Công nghệ tỉnh Lào Cai", "VNPT Lào Cai"} <= {e.name for e in x.entities}


def test_short_person_reference_resolves_to_the_full_name(extractor: Extractor) -> None:
    x = run(extractor, "Ông Trương Minh Hiếu phát biểu tại hội nghị. Theo ông Hiếu, dữ liệu là tài sản.")
    persons = [m for m in x.mentions if "person/" in m.entity]
    assert {m.entity for m in persons} == {iris.entity(BASE, "person", "Trương Minh Hiếu")}
    assert len(persons) == 2


def test_capitalised_phrases_are_not_persons(extractor: Extractor) -> None:
    x = run(extractor, "Phát triển Kinh tế số, Xã hội số và Nông nghiệp thông minh là ưu tiên của Đại hội.")
    assert [e for e in x.entities if e.type.value == "Person"] == []


# ---------------------------------------------------------------- people

def test_title_chain_before_a_name(extractor: Extractor) -> None:
    x = run(extractor, "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh Thái Nguyên Đặng Văn Hòa chủ trì buổi lễ.")
    got = {(m.role, names(x, [m.organization]).pop()) for m in x.memberships if m.organization}
    assert got == {("Phó Bí thư Tỉnh ủy", "Tỉnh ủy Thái Nguyên"), ("Chủ tịch UBND tỉnh", "UBND tỉnh Thái Nguyên")}


def test_rank_and_kiem_chain_after_a_name(extractor: Extractor) -> None:
    x = run(extractor, "Trung tướng Tạ Quang Khải, Chủ tịch kiêm Tổng giám đốc Viettel, trao hoa cho đối tác.")
    assert {(m.role, m.organization) for m in x.memberships} == {
        ("Chủ tịch", BASE + "org/viettel"), ("Tổng giám đốc", BASE + "org/viettel")}
    khai = iris.person(BASE, "Tạ Quang Khải", BASE + "org/viettel")  # keyed by name and the post's organisation
    assert {m.person for m in x.memberships} == {khai}
    assert x.ranks == ((khai, "https://w3id.org/dtkg/concept/rank/trung-tuong"),)


def test_a_name_without_a_title_has_no_position(extractor: Extractor) -> None:
    x = run(extractor, "Nguyễn Thị Lan Anh, 34 tuổi, là người dân đầu tiên dùng ứng dụng.")
    assert x.memberships == ()


# ---------------------------------------------------------------- agreements

def test_strategic_agreement_with_period_horizon_and_date(extractor: Extractor) -> None:
    x = run(extractor, "Ngày 5-3-2024, UBND tỉnh Hà Tĩnh và VNPT ký kết thỏa thuận hợp tác chiến lược về chuyển đổi số "
                       "giai đoạn 2024 - 2028, định hướng đến năm 2035.")
    (a,) = x.agreements
    assert (a.kind, a.start, a.end, a.horizon, a.signed) == ("StrategicAgreement", 2024, 2028, 2035, "2024-03-05")
    assert names(x, a.parties) == {"UBND tỉnh Hà Tĩnh", "VNPT"}


def test_memorandum_with_a_place_as_party(extractor: Extractor) -> None:
    x = run(extractor, "MobiFone và tỉnh Gia Lai ký biên bản ghi nhớ hợp tác từ năm 2025 đến năm 2027.")
    (a,) = x.agreements
    assert a.kind == "MemorandumOfUnderstanding" and (a.start, a.end) == (2025, 2027)
    assert names(x, a.parties) == {"MobiFone", "UBND tỉnh Gia Lai"}


@pytest.mark.parametrize("body", [
    "Viettel đã ký thỏa thuận hợp tác với hơn 40 tỉnh, thành phố trên cả nước.",
    "Bài học là không nên ký thật nhiều thỏa thuận hợp tác rồi để đó.",
    "Tỉnh chưa ký thỏa thuận hợp tác nào với VNPT trong năm nay.",
    "Hội thảo bàn về chuyển đổi số giữa UBND tỉnh An Giang và các doanh nghiệp.",
])
def test_no_agreement_without_a_signing_between_named_parties(extractor: Extractor, body: str) -> None:
    assert run(extractor, body).agreements == ()


# ---------------------------------------------------------------- targets

def test_targets_split_per_goal_with_their_year(extractor: Extractor) -> None:
    x = run(extractor, "Đến năm 2030, kinh tế số của tỉnh Hà Nam chiếm 30% GRDP, 100% hộ gia đình có cáp quang và "
                       "tỉnh hoàn thành xây dựng chính quyền số.")
    got = sorted((t.year, t.description) for t in x.targets)
    assert got == [(2030, "100% hộ gia đình có cáp quang"), (2030, "hoàn thành xây dựng chính quyền số"),
                   (2030, "kinh tế số của tỉnh Hà Nam chiếm 30% GRDP")]
    assert {names(x, [t.subject]).pop() for t in x.targets} == {"Hà Nam"}


def test_rank_threshold_target(extractor: Extractor) -> None:
    x = run(extractor, "Tỉnh Sơn La phấn đấu lọt top 30 cả nước về chỉ số chuyển đổi số.")
    (t,) = x.targets
    assert t.rank_threshold == 30 and t.year is None


def test_past_results_are_not_targets(extractor: Extractor) -> None:
    assert run(extractor, "Năm 2023, tỉnh Sơn La đã đạt 80% hồ sơ trực tuyến.", date="02/01/2024").targets == ()


# ---------------------------------------------------------------- quotes

def test_direct_quote_with_speaker_before_and_after(extractor: Extractor) -> None:
    x = run(extractor, "Ông Lương Văn Tài nhấn mạnh: “Dữ liệu phải được kết nối thông suốt giữa các cấp.” "
                       "“Chúng tôi sẽ đi cùng tỉnh đến cùng”, bà Tôn Nữ Thu Hà cho biết.")
    got = {(names(x, [q.speaker]).pop(), q.direct) for q in x.quotes}
    assert got == {("Lương Văn Tài", True), ("Tôn Nữ Thu Hà", True)}


def test_quote_without_a_speaker_is_left_out(extractor: Extractor) -> None:
    assert run(extractor, "Khẩu hiệu “chuyển đổi số vì người dân” được treo khắp nơi.").quotes == ()


# ---------------------------------------------------------------- documents

@pytest.mark.parametrize("body, kind, number, identifier, issuer", [
    ("Thủ tướng Chính phủ đã ban hành Quyết định 411/QĐ-TTg về kinh tế số.", "Quyết định", "411", "411/QĐ-TTg", "Thủ tướng Chính phủ"),
    ("Nghị quyết số 57-NQ/TW của Bộ Chính trị tạo đột phá.", "Nghị quyết", "57", "57-NQ/TW", "Bộ Chính trị"),
    ("UBND tỉnh ban hành Kế hoạch số 88/KH-UBND.", "Kế hoạch", "88", "88/KH-UBND", None),
])
def test_policy_documents(extractor: Extractor, body: str, kind: str, number: str, identifier: str, issuer: str | None) -> None:
    (d,) = run(extractor, body).documents
    assert (d.kind, d.number, d.identifier) == (kind, number, identifier)
    if issuer:
        assert d.issuer is not None and d.issuer.endswith("/" + iris.slug(issuer).replace("-chinh-phu", "-chinh-phu"))


def test_a_year_is_not_a_document_number(extractor: Extractor) -> None:
    assert run(extractor, "Kế hoạch 2025 của tỉnh được triển khai sớm.").documents == ()


# ---------------------------------------------------------------- awards, indicators, concepts

def test_award_with_programme_and_organisation_recipient(extractor: Extractor) -> None:
    x = run(extractor, "Năm 2023, VNPT giành giải Vàng tại Giải thưởng Chuyển đổi số Việt Nam.")
    (w,) = x.awards
    assert w.name == "Giải thưởng Chuyển đổi số Việt Nam" and w.recipient == BASE + "org/vnpt"


@pytest.mark.parametrize("body, value, about", [
    ("Hiện 97,35% dân số tỉnh Yên Bái đã được phủ sóng 4G.", 97.35, "dân số tỉnh Yên Bái"),
    ("MobiFone đang vận hành 2.340 trạm 5G trên cả nước.", 2340.0, "trạm 5G"),
])
def test_indicators_in_vietnamese_number_format(extractor: Extractor, body: str, value: float, about: str) -> None:
    (i,) = run(extractor, body).indicators
    assert i.value == value and i.about is not None and i.about.startswith(about.split()[0])


@pytest.mark.parametrize("body", [
    "Tổng đài 1022 tiếp nhận phản ánh của người dân.",
    "Giai đoạn 2021-2025 khép lại với nhiều kết quả.",
    "Đến năm 2030, 100% hộ dân có cáp quang.",
])
def test_numbers_that_are_not_indicators(extractor: Extractor, body: str) -> None:
    assert run(extractor, body).indicators == ()


def test_concepts_are_read_with_their_variants(extractor: Extractor) -> None:
    x = run(extractor, "Tỉnh tập trung xây dựng chính phủ số, thành phố thông minh và bảo đảm an ninh mạng.")
    labels = {c.concept.rsplit("/", 1)[-1] for c in x.concepts}
    assert labels == {"chinh-quyen-so", "do-thi-thong-minh", "an-toan-thong-tin"}


def test_extraction_is_deterministic(extractor: Extractor) -> None:
    body = "Ngày 5-3-2024, UBND tỉnh Hà Tĩnh và VNPT ký kết thỏa thuận hợp tác về chuyển đổi số giai đoạn 2024 - 2028."
    assert run(extractor, body) == run(extractor, body)
