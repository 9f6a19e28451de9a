"""WARC archives: each HTML response is one article with its URL, fetch date and record id;
other records are skipped and counted; provenance lands in the metadata graph."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from dtkg.ingest import Format, discover, read
from dtkg.pipeline import build
from dtkg.settings import Settings

from conftest import BASE

HTML = Path(__file__).parent / "data" / "html"
PAGES = [("https://tinnhanhso.example/a.html", "express-style.html", "2025-05-02T03:04:05Z"),
         ("https://baomangso.example/b.html", "vnn-style.html", "2025-05-02T03:05:00Z")]
RECORD_IDS: list[str] = []


def _response(writer: WARCWriter, url: str, body: bytes, status: str, media: str, date: str):  # type: ignore[no-untyped-def]
    headers = StatusAndHeaders(status, [("Content-Type", media)], protocol="HTTP/1.1")
    return writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers,
                                     warc_headers_dict={"WARC-Date": date})


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A crawl of two news pages, an image, a 404 and the crawler's request records, gzipped."""
    path = tmp_path_factory.mktemp("warc") / "crawl.warc.gz"
    RECORD_IDS.clear()
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "test crawler"}))
        for url, name, date in PAGES:
            request = writer.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                                http_headers=StatusAndHeaders("GET / HTTP/1.1", [], is_http_request=True))
            writer.write_record(request)
            record = _response(writer, url, (HTML / name).read_bytes(), "200 OK", "text/html; charset=utf-8", date)
            RECORD_IDS.append(record.rec_headers.get_header("WARC-Record-ID").strip("<>"))
            writer.write_record(record)
        writer.write_record(_response(writer, "https://tinnhanhso.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64),
                                      "200 OK", "image/png", "2025-05-02T03:06:00Z"))
        writer.write_record(_response(writer, "https://tinnhanhso.example/missing.html",
                                      b"<html><body><h1>Not found</h1></body></html>", "404 Not Found", "text/html",
                                      "2025-05-02T03:07:00Z"))
    return path


def test_each_html_response_is_one_article_and_the_rest_is_counted(archive: Path) -> None:
    found = discover([archive])
    sources, errors, notes = found.sources, found.errors, list(found.notes)
    assert errors == ()
    assert [s.name for s in sources] == [f"{archive}#1", f"{archive}#2"]
    assert all(s.format is Format.HTML for s in sources)
    assert notes == [f"{archive}: 5 record(s) skipped, not HTML pages (1 HTTP 404, 1 image/png, 2 request, 1 warcinfo)"]
    first, second = (read(s, max_bytes=10**7) for s in sources)
    assert (first.title, first.url, first.published) == (
        "Lào Cai và VNPT hợp tác đưa dịch vụ công lên nền tảng số", "https://tinnhanhso.example/a.html", "2021-03-15")
    assert second.title == "Công an tỉnh Bắc Ninh và Viettel ký kết hợp tác chuyển đổi số"
    assert first.retrieval is not None
    assert (first.retrieval.fetched, first.retrieval.archive, first.retrieval.record, first.retrieval.content_type) == (
        "2025-05-02T03:04:05Z", str(archive), RECORD_IDS[0], "text/html")


def test_a_truncated_archive_keeps_its_whole_records_and_names_where_it_broke(archive: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.warc"
    plain = gzip.decompress(archive.read_bytes())
    cut = plain.rindex(b"WARC/1", 0, plain.index(b"baomangso"))  # the start of the records of the second page
    broken.write_bytes(plain[:cut] + b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999999\r\n\r\n<html")
    found = discover([broken])
    sources, errors = found.sources, found.errors
    assert [s.name for s in sources] == [f"{broken}#1"]
    assert len(errors) == 1 and str(errors[0]).startswith(f"{broken}#") and "(fix: " in str(errors[0])


def test_provenance_of_a_crawled_article_is_in_the_metadata_graph(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "kg.nq"
    report = build([archive], output=out, settings=Settings(workers=1, cache_dir=tmp_path / "cache"))
    assert len(report.built) == 2 and report.failed == ()
    assert report.notes and "1 HTTP 404" in report.notes[0]
    store = ox.Store()
    store.load(path=str(out), format=ox.RdfFormat.N_QUADS)
    query = (Path(__file__).parent / "data" / "warc" / "provenance.rq").read_text(encoding="utf-8")
    rows = [tuple(str(v.value) for v in list(row)[1:]) for row in store.query(
        query, substitutions={ox.Variable("meta"): ox.NamedNode(BASE + "graph/meta")})]  # type: ignore[union-attr]
    assert rows == [
        ("https://tinnhanhso.example/a.html", "text/html", "2025-05-02T03:04:05Z", str(archive), RECORD_IDS[0]),
        ("https://baomangso.example/b.html", "text/html", "2025-05-02T03:05:00Z", str(archive), RECORD_IDS[1]),
    ]
    text = next(store.quads_for_pattern(None, ox.NamedNode("https://schema.org/text"), None)).object.value
    assert text.startswith(("Lào Cai và VNPT", "Công an tỉnh Bắc Ninh"))
