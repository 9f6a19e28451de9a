"""Saved HTML pages in the layouts of Vietnamese news sites (pages written for the test):
exact title, author and date; the body's paragraphs and none of the page's furniture."""

from __future__ import annotations

from pathlib import Path

import pytest

from dtkg.errors import IngestError
from dtkg.ingest import Format, Source, discover, read
from dtkg.model import Article

from legacy import to_cp1258

HTML = Path(__file__).parent / "data" / "html"


def _read(name: str, raw: bytes | None = None) -> Article:
    path = HTML / name
    source = Source(name=str(path), key=path.stem, path=None if raw else path, data=raw, format=Format.HTML)
    return read(source, max_bytes=10**7)


PAGES = {
    "express-style.html": dict(
        title="Lào Cai và VNPT hợp tác đưa dịch vụ công lên nền tảng số", author="Minh Châu", published="2021-03-15",
        url="https://tinnhanhso.example/thoi-su/lao-cai-va-vnpt-hop-tac-4260001.html",
        body=["Tỉnh Lào Cai và Tập đoàn VNPT thống nhất năm nhóm nội dung hợp tác về chuyển đổi số đến năm 2025.",
              "Sáng 13/3, tại thành phố Lào Cai, UBND tỉnh Lào Cai và Tập đoàn VNPT ký thỏa thuận hợp tác về chuyển "
              "đổi số giai đoạn 2021-2025.",
              "Đến năm 2025, tỉnh đặt mục tiêu 80% hồ sơ thủ tục hành chính được xử lý trực tuyến toàn trình."],
        related=["Yên Bái mở rộng mạng 5G tới các xã vùng cao"],
        noise=["Trang chủ", "Số hóa", "Facebook", "Copy link", "Từ khóa", "Ý kiến bạn đọc", "Mong tỉnh sớm",
               "Ảnh: Hoàng Nam", "Tập đoàn FPT ký kết hợp tác với tỉnh Hà Giang", "Bản quyền", "Minh Châu"]),
    "vnn-style.html": dict(
        title="Công an tỉnh Bắc Ninh và Viettel ký kết hợp tác chuyển đổi số", author="Thu Trang",
        published="2023-06-20", url=None,
        body=["Công an tỉnh Bắc Ninh và Viettel Bắc Ninh vừa ký kết chương trình phối hợp triển khai các nhiệm vụ "
              "của Đề án 06 trên địa bàn tỉnh.",
              "Chiều 19/6, tại trụ sở Công an tỉnh Bắc Ninh, lãnh đạo Công an tỉnh và Viettel Bắc Ninh đã ký kết "
              "chương trình phối hợp về chuyển đổi số giai đoạn 2023-2025.",
              "Hai bên thống nhất giao đầu mối theo dõi và họp định kỳ mỗi quý để đánh giá tiến độ."],
        related=[],
        noise=["Trang chủ", "TIN LIÊN QUAN", "Bộ Công an đánh giá", "Hải Dương đẩy mạnh", "Chia sẻ", "Zalo", "Tags",
               "Bình luận", "Giấy phép", "Tìm kiếm", "ký kết chương trình phối hợp\n"]),
    "tt-style.html": dict(
        title="Đà Nẵng và FPT hợp tác phát triển nhân lực trí tuệ nhân tạo", author="Phương Linh",
        published="2024-09-09", url=None,
        body=["UBND thành phố Đà Nẵng và Tập đoàn FPT ký biên bản ghi nhớ về đào tạo nhân lực trí tuệ nhân tạo và "
              "bán dẫn.",
              "Ngày 8-9, tại Đà Nẵng, UBND thành phố Đà Nẵng và Tập đoàn FPT đã ký biên bản ghi nhớ hợp tác phát "
              "triển nguồn nhân lực trí tuệ nhân tạo giai đoạn 2024-2028.",
              "Thành phố đặt mục tiêu đến năm 2030 có ít nhất 5.000 kỹ sư làm việc trong lĩnh vực trí tuệ nhân tạo "
              "và thiết kế vi mạch."],
        related=[],
        noise=["Thời sự", "Ảnh: BẢO NGỌC", "Lãnh đạo thành phố Đà Nẵng và Tập đoàn FPT tại lễ ký", "Quảng Nam mời gọi",
               "PHƯƠNG LINH", "Bình luận", "Chưa có bình luận", "Tin cùng chuyên mục", "Học sinh miền núi", "Lưu"]),
    "vgp-style.html": dict(
        title="Bộ Khoa học và Công nghệ ký kết hợp tác với VNPT về dữ liệu số", author="Hải Minh",
        published="2025-03-10", url=None,
        body=["(Chính Phủ Số) - Sáng 10/3, tại Hà Nội, Bộ Khoa học và Công nghệ và Tập đoàn VNPT ký thỏa thuận hợp "
              "tác về phát triển dữ liệu số và nền tảng số quốc gia.",
              "Lãnh đạo VNPT cam kết bố trí đội ngũ chuyên gia đồng hành cùng Bộ trong suốt quá trình triển khai."],
        related=[],
        noise=["Quang cảnh lễ ký", "VGP/Nhật Minh", "Bài liên quan", "Chính phủ ban hành kế hoạch", "Từ khóa",
               "Tổng biên tập", "Hải Minh"]),
    "tn-style.html": dict(
        title="‘Quảng Trị sẵn sàng dữ liệu cho chính quyền hai cấp’", author="Nguyễn Hải Phong", published="2025-10-29",
        url=None,
        body=["Đó là chia sẻ của lãnh đạo tỉnh Quảng Trị tại lễ ký kết thỏa thuận hợp tác chiến lược với Tập đoàn "
              "MobiFone.",
              "Ngày 28.10, tại phường Đông Hà, UBND tỉnh Quảng Trị và Tổng công ty Viễn thông MobiFone tổ chức lễ ký "
              "kết thỏa thuận hợp tác chiến lược về chuyển đổi số giai đoạn 2025 - 2030.",
              "Ông Lê Minh Tuấn, Phó chủ tịch UBND tỉnh Quảng Trị, đề nghị doanh nghiệp ưu tiên các xã miền núi và "
              "ven biển."],
        related=[],
        noise=["Bạn cần biết", "Chính sách - Phát triển", "Nguyễn Hải Phong", "GMT+7", "Lễ ký kết giữa tỉnh Quảng Trị",
               "ẢNH:", "Ảnh 1", "Copy link", "Đọc thêm", "Hội thảo về an ninh mạng"]),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_news_site_layouts_give_title_author_date_and_the_body_only(name: str) -> None:
    want = PAGES[name]
    article = _read(name)
    assert (article.title, article.author, article.published, article.url) == (
        want["title"], want["author"], want["published"], want["url"])
    assert article.sentences[0].text == want["title"]
    sentences = [s.text for s in article.sentences]
    for paragraph in want["body"]:
        assert paragraph in sentences
    for noise in want["noise"]:
        assert not any(noise in s for s in sentences[1:]), noise
    assert [r.title for r in article.related] == want["related"]
    assert article.retrieval is not None and article.retrieval.content_type == "text/html"
    assert all(article.text[s.span.start:s.span.end] == s.text for s in article.sentences)


def test_the_site_layouts_tested_are_at_least_five() -> None:
    assert len(PAGES) >= 5 and {p.name for p in HTML.glob("*-style.html")} >= set(PAGES)


def test_a_windows_1258_page_with_a_table_layout_decodes_and_reads() -> None:
    raw = to_cp1258((HTML / "portal-style.html").read_text(encoding="utf-8"))
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    article = _read("portal-style.html", raw)
    assert (article.title, article.author, article.published, article.encoding) == (
        "Hà Tĩnh ban hành kế hoạch chuyển đổi số năm 2022", "Thanh Hà", "2022-01-18", "windows-1258")
    assert [s.text for s in article.sentences][1] == (
        "UBND tỉnh Hà Tĩnh vừa ban hành kế hoạch chuyển đổi số năm 2022 với mục tiêu đưa tỉnh vào nhóm 30 địa "
        "phương dẫn đầu cả nước về chỉ số chuyển đổi số.")
    assert not any(word in s.text for s in article.sentences for word in (
        "Giới thiệu", "Văn bản pháp luật", "Trang chủ", "Địa chỉ", "Các tin khác", "Hà Tĩnh tập huấn", "Cập nhật"))


def test_html_files_are_discovered_as_html(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_bytes((HTML / "tt-style.html").read_bytes())
    (tmp_path / "b.HTM").write_bytes((HTML / "vgp-style.html").read_bytes())
    (tmp_path / "c.txt").write_text("Tiêu đề\n\nNội dung bài.", encoding="utf-8")
    found = discover([tmp_path])
    assert found.errors == ()
    assert [(Path(s.name).name, s.format) for s in found.sources] == [
        ("a.html", Format.HTML), ("b.HTM", Format.HTML), ("c.txt", Format.TEXT)]


@pytest.mark.parametrize("raw, reason", [
    ("<html><head><title>Trang chủ</title></head><body><nav><a href='/'>Trang chủ</a></nav></body></html>".encode(),
     "no article text found"),
    (b"", "the file is empty"),
])
def test_pages_without_an_article_are_refused_with_the_file_and_the_fix(raw: bytes, reason: str) -> None:
    with pytest.raises(IngestError) as info:
        read(Source(name="saved/empty.html", key="empty", data=raw, format=Format.HTML), max_bytes=10**6)
    assert str(info.value).startswith("saved/empty.html: ") and reason in str(info.value) and "(fix: " in str(info.value)
