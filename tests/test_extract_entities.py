"""The generic entity layer: names found by shape and context, resolved within the article.

Every sentence here is written for these tests (persons and figures invented).
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


def run(extractor: Extractor, body: str) -> Extraction:
    source = Source(name="t.txt", key="t", data=f"Tin chuyển đổi số\n\n{body}\n".encode())
    return extractor.run(read(source, max_bytes=10**6))[0]


def surfaces(x: Extraction, kind: str) -> list[tuple[str, str]]:
    """(surface, entity name) of every mention of one entity family, in text order."""
    by_iri = {e.iri: e for e in x.entities}
    return [(m.surface, by_iri[m.entity].name) for m in x.mentions
            if m.entity in by_iri and by_iri[m.entity].type.family == kind]


def posts(x: Extraction) -> set[tuple[str, str, str | None]]:
    names = {e.iri: e.name for e in x.entities}
    return {(names[m.person], m.role, names.get(m.organization or "")) for m in x.memberships}


@pytest.mark.parametrize("body, name", [
    ("Thiếu tướng Tào Minh Khải phát biểu tại buổi làm việc.", "Tào Minh Khải"),
    ("Buổi lễ có bà Ôn Thị Mỹ Dung tham dự.", "Ôn Thị Mỹ Dung"),
    ("Thượng tá Ông Văn Bảo trình bày kế hoạch.", "Ông Văn Bảo"),
    ("Ông Giáp Văn Tuệ, Giám đốc Sở Tài chính, cho biết dự toán đã xong.", "Giáp Văn Tuệ"),
    ("PGS.TS Lữ Minh Châu giới thiệu đề tài.", "Lữ Minh Châu"),
])
def test_a_person_framed_by_a_rank_title_or_honorific_needs_no_known_family_name(
        extractor: Extractor, body: str, name: str) -> None:
    assert [n for _, n in surfaces(run(extractor, body), "Person")] == [name]


@pytest.mark.parametrize("body", [
    "Hội nghị Chuyển đổi số Toàn quốc diễn ra tại Hà Nội.",
    "Nền tảng Công dân Số được giới thiệu tại sự kiện.",
])
def test_capitalised_phrases_without_a_frame_are_not_persons(extractor: Extractor, body: str) -> None:
    assert surfaces(run(extractor, body), "Person") == []


@pytest.mark.parametrize("body, name", [
    ("Binh chủng Hóa học và Tập đoàn FPT bàn về mô phỏng.", "Binh chủng Hóa học"),
    ("Tổng cục Hải quan công bố số liệu mới.", "Tổng cục Hải quan"),
    ("Công ty CP Phần mềm Sông Hồng vừa ra mắt ứng dụng.", "Công ty CP Phần mềm Sông Hồng"),
    ("Công ty Cổ phần Công nghệ BrightLab tham gia triển lãm.", "Công ty Cổ phần Công nghệ BrightLab"),
    ("Lữ đoàn 125 nhận bàn giao thiết bị.", "Lữ đoàn 125"),
    ("Hiệp hội Doanh nghiệp Nhỏ và Vừa tỉnh họp thường niên.", "Hiệp hội Doanh nghiệp Nhỏ và Vừa"),
    ("Bệnh viện Đa khoa Xanh Pôn áp dụng bệnh án điện tử.", "Bệnh viện Đa khoa Xanh Pôn"),
])
def test_organisations_are_typed_by_their_head_noun(extractor: Extractor, body: str, name: str) -> None:
    assert (name, name) in surfaces(run(extractor, body), "Organization")


def test_two_organisations_joined_by_va_stay_two(extractor: Extractor) -> None:
    x = run(extractor, "Quân chủng Phòng không và Công ty CP FPT ký kết hợp tác.")
    assert surfaces(x, "Organization") == [("Quân chủng Phòng không", "Quân chủng Phòng không"), ("FPT", "FPT")]


def test_an_abbreviation_in_brackets_and_a_brand_tail_stand_for_the_organisation(extractor: Extractor) -> None:
    x = run(extractor, "Tổng công ty Đường sắt Việt Nam (VNR) và Công ty Cổ phần Dữ liệu SmartRail ký hợp tác. "
                       "Theo đó, SmartRail xây dựng hệ thống vé cho VNR.")
    orgs = surfaces(x, "Organization")
    assert ("SmartRail", "Công ty Cổ phần Dữ liệu SmartRail") in orgs
    assert [s for s, n in orgs if n == "Tổng công ty Đường sắt Việt Nam"] == ["Tổng công ty Đường sắt Việt Nam", "VNR", "VNR"]


def test_a_bare_head_noun_means_the_organisation_of_that_kind_named_before(extractor: Extractor) -> None:
    x = run(extractor, "Về phía VNPT có ông Quan Văn Định, Phó Tổng giám đốc Tập đoàn, và các đơn vị thành viên.")
    assert ("Tập đoàn", "VNPT") in surfaces(x, "Organization")
    assert ("Quan Văn Định", "Phó Tổng giám đốc", "VNPT") in posts(x)


def test_party_posts_are_positions_and_their_committee_is_not_an_organisation(extractor: Extractor) -> None:
    x = run(extractor, "Thiếu tướng Tào Minh Khải, Ủy viên Ban Thường vụ Đảng ủy, Phó Tư lệnh Binh chủng Đặc công, dự lễ.")
    assert posts(x) >= {("Tào Minh Khải", "Ủy viên Ban Thường vụ Đảng ủy", "Binh chủng Đặc công"),
                        ("Tào Minh Khải", "Phó Tư lệnh", "Binh chủng Đặc công")}
    assert [n for _, n in surfaces(x, "Organization")] == ["Binh chủng Đặc công"]
    khai = iris.person(BASE, "Tào Minh Khải", iris.entity(BASE, "org", "Binh chủng Đặc công"))
    assert x.ranks == ((khai, "https://w3id.org/dtkg/concept/rank/thieu-tuong"),)


def test_central_committee_membership_is_one_position(extractor: Extractor) -> None:
    x = run(extractor, "Ông Phạm Quốc Hưng, Ủy viên Ban Chấp hành Trung ương Đảng, Bộ trưởng Bộ Tài chính, chủ trì.")
    assert ("Phạm Quốc Hưng", "Ủy viên Ban Chấp hành Trung ương Đảng", None) in {(a, b, None) for a, b, _ in posts(x)}
    assert ("Phạm Quốc Hưng", "Bộ trưởng", "Bộ Tài chính") in posts(x)


def test_a_sentence_opener_is_never_a_place(extractor: Extractor) -> None:
    x = run(extractor, "Cụ thể, tỉnh Yên Bái sẽ số hóa hồ sơ. Theo đó, các xã triển khai ngay.")
    assert [n for _, n in surfaces(x, "Place")] == ["Yên Bái"]
