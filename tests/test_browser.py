"""The pages in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright.

`dtkg serve` runs for real over the built samples; Chromium opens the overview, an article,
an organisation, a person, a place, search and the query page (YASGUI), and the numbers it
sees are checked against SPARQL asked of the same server. Playwright is pointed at the system
Chromium and never downloads a browser. Screenshots of the overview and an article go to
``$DTKG_SCREENSHOTS`` (``make screenshots`` sets it to docs/screenshots/) or a temporary folder.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dtkg.pipeline import BuildReport
from dtkg.serve.web.querypage import examples, yasgui_available
from servers import LOOPBACK, Server, free_port, start, stop

pytestmark = [pytest.mark.server, pytest.mark.slow]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SCHEMA = "https://schema.org/"
DTKG = "https://w3id.org/dtkg/ontology#"
ARTICLE = "/id/article/004-viettel-quang-ngai"


def chromium() -> str:
    """The system Chromium; missing, the test is skipped (fails under CI, where .ci/run installs it)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "Debian's chromium is not installed (fix: apt-get install -y chromium; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def server(samples: BuildReport, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("browser")
    dataset = folder / "kg.nq"
    shutil.copy(samples.output, dataset)
    shutil.copy(samples.output.with_name(samples.output.name + ".validation.txt"), folder / "kg.nq.validation.txt")
    port = free_port()
    argv = [sys.executable, "-m", "dtkg", "serve", str(dataset), "--host", LOOPBACK, "--port", str(port)]
    process = start(argv, probe_url=f"http://{LOOPBACK}:{port}/sparql", log=folder / "serve.log")
    try:
        yield Server(process, f"http://{LOOPBACK}:{port}", folder / "serve.log")
    finally:
        stop(process)


@pytest.fixture(scope="module")
def browser(server: Server):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    executable = chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Watched:
    """A page, and every request it made and every console error it logged."""

    def __init__(self, browser, base_url: str, **options: object) -> None:  # type: ignore[no-untyped-def]
        self.context = browser.new_context(base_url=base_url, **options)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser, server: Server) -> Iterator[Watched]:  # type: ignore[no-untyped-def]
    watched = Watched(browser, server.base_url, viewport={"width": 1280, "height": 900})
    yield watched
    foreign = [url for url in watched.requests if not url.startswith(server.base_url + "/")]
    watched.close()
    assert foreign == [], "a page asked another host"
    assert watched.errors == [], "the browser logged errors (a CSP violation, a failed request, a script error)"


def sparql(server: Server, query: str) -> list[dict[str, str]]:
    response = httpx.post(f"{server.base_url}/sparql", data={"query": query},
                          headers={"accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


def screenshots() -> Path:
    folder = Path(os.environ.get("DTKG_SCREENSHOTS") or Path(os.environ.get("TMPDIR", "/tmp")) / "dtkg-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_overview_charts_show_the_sparql_counts(tab: Watched, server: Server) -> None:
    page = tab.page
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "vi"
    articles = sparql(server, f"""SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a a <{SCHEMA}NewsArticle>
        FILTER NOT EXISTS {{ ?a <{DTKG}teaserOf> ?p }} }}""")[0]["n"]
    assert page.locator('[data-count="articles"] .number').inner_text() == articles
    groups = sparql(server, f"""SELECT ?name (COUNT(DISTINCT ?g) AS ?n) WHERE {{
        ?g a <{DTKG}CooperationAgreement> ; <{DTKG}party> ?o .
        GRAPH <http://127.0.0.1:8000/id/graph/reference> {{ ?o a <{SCHEMA}Corporation> ; <{SCHEMA}name> ?name }} }}
        GROUP BY ?name""")
    bars = page.locator("#chart-group svg g.row")
    shown = {bars.nth(i).get_attribute("data-label"): bars.nth(i).get_attribute("data-value") for i in range(bars.count())}
    assert shown == {g["name"]: g["n"] for g in groups} and len(shown) == 5
    drawn = {bars.nth(i).locator("text.bar-label").text_content(): bars.nth(i).locator("text.bar-value").text_content()
             for i in range(bars.count())}
    assert drawn == shown  # the numbers a person reads on the bars
    years = page.locator("#chart-year svg g.row")
    assert sum(int(years.nth(i).get_attribute("data-value") or 0) for i in range(years.count())) == int(
        sparql(server, f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ ?g a <{DTKG}CooperationAgreement> }}")[0]["n"])
    page.screenshot(path=str(screenshots() / "overview.png"), full_page=True)


def test_article_highlights_its_evidence_at_the_stored_offsets(tab: Watched, server: Server) -> None:
    page = tab.page
    page.goto(ARTICLE)
    mark = page.locator("mark.ev[data-start]").first
    start, end = int(mark.get_attribute("data-start") or -1), int(mark.get_attribute("data-end") or -1)
    stored = sparql(server, f"""PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?exact ?text WHERE {{ ?e oa:hasSource <http://127.0.0.1:8000/id{ARTICLE[3:]}> ;
          oa:hasSelector [ oa:start {start} ; oa:end {end} ] , [ oa:exact ?exact ] .
          <http://127.0.0.1:8000/id{ARTICLE[3:]}> <{SCHEMA}text> ?text }}""")
    assert stored, (start, end)
    assert mark.inner_text() == stored[0]["exact"] == stored[0]["text"][start:end]
    page.screenshot(path=str(screenshots() / "article.png"), full_page=False)
    mark.locator("a").click()
    fact = page.url.split("#", 1)[1]
    assert fact.startswith("fact-") and page.locator(f"#{fact}").is_visible()
    assert page.locator(f'#{fact} a[href="#ev-{start}-{end}"]').count() == 1  # and back


def test_organisation_person_and_place_pages(tab: Watched, server: Server) -> None:
    page = tab.page
    page.goto("/id/org/viettel")
    agreements = sparql(server, f"""SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{
        ?g a <{DTKG}CooperationAgreement> ; <{DTKG}party> <http://127.0.0.1:8000/id/org/viettel> }}""")[0]["n"]
    assert page.locator("#agreements tbody tr").count() == int(agreements) == 2
    page.locator("#people a", has_text="Phùng Văn Tiến").first.click()
    page.wait_for_url("**/id/person/phung-van-tien-*")
    assert "Phó Tổng giám đốc" in page.locator("#posts").inner_text()
    page.goto("/id/place/nam-dinh")
    assert page.locator("h1").inner_text() == "Nam Định"
    page.locator("#merger a", has_text="Ninh Bình").click()
    page.wait_for_url("**/id/place/ninh-binh")
    assert "Nam Định" in page.locator("#merger").inner_text()


def test_search_without_diacritics(tab: Watched) -> None:
    page = tab.page
    page.goto("/")
    page.fill("#site-search", "nam dinh")
    page.press("#site-search", "Enter")
    page.wait_for_url("**/search?q=nam+dinh")
    first = page.locator("ul.results li a").first
    assert first.inner_text() == "Nam Định"
    first.click()
    page.wait_for_url("**/id/place/nam-dinh")


def test_query_page_runs_yasgui_and_shows_a_table_and_a_chart(tab: Watched, server: Server) -> None:
    assert yasgui_available(), "YASGUI is not vendored (fix: make vendor, which needs npm)"
    page = tab.page
    page.goto("/query")
    page.wait_for_selector(".yasqe")
    names = [e.name for e in examples()]
    tabs = page.locator(".tabPanel, [role=tab]")
    assert tabs.count() >= len(names)
    page.locator("[role=tab]", has_text="successors").first.click()
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    rows = page.locator(".tabPanel.active .yasr table tbody tr")
    rows.first.wait_for()
    query = next(e.query for e in examples() if e.name == "successors")
    assert rows.count() == len(sparql(server, query)) > 0
    page.locator(".tabPanel.active .yasr .select_chart").click()
    bars = page.locator(".tabPanel.active svg.yasr-chart g")
    bars.first.wait_for()
    assert bars.count() > 0


def test_plain_form_works_without_javascript(browser, server: Server) -> None:  # type: ignore[no-untyped-def]
    watched = Watched(browser, server.base_url, java_script_enabled=False)
    try:
        page = watched.page
        page.goto("/query?example=successors")
        assert page.locator("#yasgui").is_hidden() and page.locator("#plain textarea").is_visible()
        page.click("#plain button[type=submit]")
        assert page.locator("table tbody tr").count() > 0
    finally:
        watched.close()


def test_pages_fit_a_phone(browser, server: Server) -> None:  # type: ignore[no-untyped-def]
    watched = Watched(browser, server.base_url, viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        for path in ("/", ARTICLE, "/id/org/viettel", "/search?q=viettel"):
            watched.page.goto(path)
            overflow = watched.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (path, overflow)
    finally:
        watched.close()
