"""``/``: the overview: counts, charts of agreements by year, group and province, covered concepts, latest articles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from dtkg.serve import formats
from dtkg.serve.formats import NotAcceptable
from dtkg.serve.responses import choose_for

from dtkg.serve.web.charts import Bar, Chart, bar_chart
from dtkg.serve.web.items import Item, Linker
from dtkg.serve.web.queries import NamedQuery, Row, number, text
from dtkg.serve.web.render import Page, html, page_for, render, translator
from dtkg.serve.web.routes import Web

COUNTS = ("articles", "agreements", "organizations", "provinces", "people")
QUERIES = (
    NamedQuery.of("overview-counts"),
    NamedQuery.of("overview-by-year"),
    NamedQuery.of("overview-by-group"),
    NamedQuery.of("overview-by-province"),
    NamedQuery.of("overview-concepts"),
    NamedQuery.of("overview-latest"),
)


@dataclass(frozen=True)
class Latest:
    """A line of the latest articles."""

    item: Item
    published: str


async def overview(web: Web, request: Request) -> Response:
    """The overview page."""
    page = page_for(request)
    try:
        choose_for(request, formats.PAGE_OFFERS)
    except NotAcceptable as exc:
        return PlainTextResponse(f"{exc}\n", status_code=406)
    counts, years, groups, provinces, concepts, latest = await web.run(*QUERIES)
    linker = await web.linker(page.lang)
    first = counts[0] if counts else {}
    body = render(
        "overview.html",
        page,
        counts=[(name, number(first, name)) for name in COUNTS],
        charts=charts(page, linker, years, groups, provinces, concepts),
        latest=[Latest(linker.iri(text(r, "article")), text(r, "published")) for r in latest],
    )
    return html(body, page)


def charts(page: Page, linker: Linker, years: list[Row], groups: list[Row], provinces: list[Row],
           concepts: list[Row]) -> list[Chart]:
    """The four charts of the overview."""
    t = translator(page.lang)
    by_year = [Bar(text(r, "year") or t("unknown_year"), number(r, "agreements")) for r in years]
    by_group = [_linked(linker, text(r, "group"), number(r, "agreements")) for r in groups]
    by_province = [
        Bar(
            linker.iri(text(r, "province")).text,
            number(r, "agreements"),
            href=linker.iri(text(r, "province")).href,
            note=_merged(linker, t, r),
            mark=f"→ {linker.iri(text(r, 'successor')).text}" if text(r, "successor") else None,
        )
        for r in provinces
    ]
    by_concept = [_linked(linker, text(r, "concept"), number(r, "articles")) for r in concepts]
    return [
        bar_chart("chart-year", t("chart_by_year"), by_year),
        bar_chart("chart-group", t("chart_by_group"), by_group),
        bar_chart("chart-province", t("chart_by_province"), by_province),
        bar_chart("chart-concept", t("chart_by_concept"), by_concept),
    ]


def _linked(linker: Linker, iri: str, value: int) -> Bar:
    item = linker.iri(iri)
    return Bar(item.text, value, href=item.href)


def _merged(linker: Linker, t: Callable[[str], str], row: Row) -> str | None:
    """"now part of Ninh Bình, since 1/7/2025" for a merged province, else None."""
    successor = text(row, "successor")
    if not successor:
        return None
    since = text(row, "since")
    note = f"{t('merged_into')} {linker.iri(successor).text}"
    return f"{note}, {t('since')} {_date(since)}" if since else note


def _date(iso: str) -> str:
    """``2025-07-01`` as ``1/7/2025``."""
    parts = iso.split("-")
    return f"{int(parts[2])}/{int(parts[1])}/{parts[0]}" if len(parts) == 3 and all(p.isdigit() for p in parts) else iso
