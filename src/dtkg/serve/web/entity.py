"""Entity pages: organisations, people, places, agreements, documents and concepts, then the full statement table.

HTML requests for a data IRI whose kind the catalogue knows get a page answering the obvious
questions about it; every other request (RDF formats, IRIs without a kind) goes on to the
linked-data description in :mod:`dtkg.serve.linked`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from dtkg.serve import formats
from dtkg.serve.formats import NotAcceptable
from dtkg.serve.linked import concept, resource
from dtkg.serve.responses import choose_for, raw_path
from dtkg.serve.site import concept_iris
from dtkg.serve.web import statements
from dtkg.serve.web.article import GROUP_OF_TYPE, RDF_TYPE, _fields, article_page
from dtkg.serve.web.catalog import Entry, Kind
from dtkg.serve.web.charts import Bar, Chart, bar_chart
from dtkg.serve.web.items import Item, Linker, wikidata_id
from dtkg.serve.web.queries import NamedQuery, Row, Term, text
from dtkg.serve.web.render import Page, html, page_for, render, translator
from dtkg.serve.web.routes import Web

Cells = list[list[Item]]


@dataclass
class Section:
    """A titled table on an entity page: column headings (message keys) and rows of cells."""

    id: str
    title: str
    headers: list[str]
    rows: list[Cells] = field(default_factory=list)


@dataclass
class EntityView:
    """What an entity page shows above its statement table: its kind (a message key), heading and sections."""

    badge: str
    title: str
    title_lang: str
    names: list[tuple[str, str]]
    about: list[tuple[str, list[Item]]]
    sections: list[Section]
    timeline: Chart | None = None


async def resource_page(web: Web, request: Request) -> Response:
    """The page of a data IRI for browsers; anything else goes on to the linked-data description."""
    return await _page(web, request, web.site.iris_for_path(raw_path(request)), resource)


async def concept_page(web: Web, request: Request) -> Response:
    """The page of a concept IRI for browsers; anything else goes on to the linked-data description."""
    return await _page(web, request, concept_iris(raw_path(request)), concept)


async def _page(web: Web, request: Request, candidates: list[str], fallback: Callable) -> Response:
    try:
        wants_html = choose_for(request, formats.RESOURCE_OFFERS).html
    except NotAcceptable:
        wants_html = False
    catalog = await web.catalog() if wants_html else None
    if catalog is None or not candidates:
        return await fallback(web.service, request)
    iri = next((i for i in candidates if catalog.kind(i) is not None), None)
    page = page_for(request)
    path = raw_path(request)
    kind = catalog.kind(iri) if iri is not None else None
    if iri is None:
        body = await fact_page(web, page, candidates[0], path)
    elif kind is Kind.ARTICLE:
        body = await article_page(web, page, iri, path)
    else:
        body = await entity_page(web, page, iri, path)
    if body is None:
        return await fallback(web.service, request)
    return html(body, page)


BUILDERS: dict[Kind, tuple[str, ...]] = {
    Kind.ORGANIZATION: ("entity-agreements", "entity-posts", "entity-awards", "entity-figures", "entity-targets",
                        "entity-articles"),
    Kind.PERSON: ("entity-posts", "entity-quotes", "entity-awards", "entity-articles"),
    Kind.PLACE: ("place-merger", "place-agreements", "entity-targets", "entity-figures", "entity-articles"),
    Kind.AGREEMENT: ("fact", "fact-evidence", "agreement-targets"),
    Kind.DOCUMENT: ("fact", "fact-evidence"),
    Kind.CONCEPT: ("concept-uses",),
}
VARIABLE = {"fact": "fact", "fact-evidence": "fact", "agreement-targets": "agreement"}


async def entity_page(web: Web, page: Page, iri: str, path: str) -> str | None:
    """The page of an organisation, person, place, agreement, document or concept."""
    catalog = await web.catalog()
    entry = catalog.get(iri)
    if entry is None or entry.kind is None:
        return None
    node = ox.NamedNode(iri)
    names = BUILDERS[entry.kind]
    results = await web.run(*(NamedQuery.of(n, **{VARIABLE.get(n, "entity"): node}) for n in names),
                            *statements.queries(iri))
    rows = dict(zip(names, results))
    linker = Linker(web.site, catalog, page.lang)
    view = build(linker, page, entry, rows)
    table = statements.table(linker, results[-2], results[-1], path)
    # places a province's government governs are found through the catalogue's links, not a query
    return render("entity.html", page, view=view, table=table, iri=iri)


async def fact_page(web: Web, page: Page, iri: str, path: str) -> str | None:
    """The page of a fact the catalogue does not name (a quote, target, figure, award or post), or None."""
    node = ox.NamedNode(iri)
    fact, evidence, out_rows, in_rows = await web.run(
        NamedQuery.of("fact", fact=node), NamedQuery.of("fact-evidence", fact=node), *statements.queries(iri)
    )
    if not fact:
        return None
    linker = await web.linker(page.lang)
    t = translator(page.lang)
    types = {text(r, "o") for r in fact if text(r, "p") == RDF_TYPE}
    group = next((GROUP_OF_TYPE[x] for x in sorted(types) if x in GROUP_OF_TYPE), "other")
    sections = _fact(group)(linker, t, Entry(iri), {"fact": fact, "fact-evidence": evidence})
    fields = sections[0].rows
    first = fields[0][1][0].text if fields and fields[0][1] else iri
    title = first if len(first) <= 120 else first[:119] + "…"
    view = EntityView(f"facts_{group}" if group != "other" else "facts", title, "vi", [], [], sections)
    return render("entity.html", page, view=view, table=statements.table(linker, out_rows, in_rows, path), iri=iri)


def build(linker: Linker, page: Page, entry: Entry, rows: dict[str, list[Row]]) -> EntityView:
    """The entity page's model from its queries' rows."""
    t = translator(page.lang)
    assert entry.kind is not None
    sections = SECTIONS[entry.kind](linker, t, entry, rows)
    title = entry.name(page.lang) or entry.iri
    title_lang = page.lang if page.lang in entry.names else "vi"
    return EntityView(f"kind_{entry.kind.value}", title, title_lang, _names(entry, page.lang),
                      _about(linker, entry, rows), sections, _timeline(t, rows.get("entity-articles", [])))


def _timeline(t: Callable[[str], str], rows: Sequence[Row]) -> Chart | None:
    """Articles mentioning the entity, per year of publication (None when fewer than two are dated)."""
    years: dict[str, set[str]] = {}
    for row in rows:
        published = text(row, "published")
        if published[:4].isdigit():
            years.setdefault(published[:4], set()).add(text(row, "article"))
    if sum(len(v) for v in years.values()) < 2:
        return None
    return bar_chart("timeline", t("mentions_over_time"), [Bar(y, len(years[y])) for y in sorted(years)])


def _names(entry: Entry, lang: str) -> list[tuple[str, str]]:
    """The entity's names in other languages than the page's heading, as (language, name)."""
    heading = entry.name(lang)
    return [(language, name) for language, name in entry.names.items() if name != heading and language]


def _about(linker: Linker, entry: Entry, rows: dict[str, list[Row]]) -> list[tuple[str, list[Item]]]:
    """The facts about the entity itself: definition, other names, links, Wikidata."""
    about: list[tuple[str, list[Item]]] = []
    definition = entry.definitions.get(linker.lang) or entry.definitions.get("vi")
    if definition:
        about.append(("definition", [Item(definition)]))
    if entry.other:
        about.append(("also_known_as", [Item(n) for n in entry.other[:12]]))
    for key, link in (("governs", "governs"), ("parent_org", "parentOrganization")):
        if entry.links.get(link):
            about.append((key, linker.items(entry.links[link])))
    governed_by = linker.catalog.inbound.get(entry.iri, {}).get("governs", [])
    if governed_by:
        about.append(("governing_bodies", linker.items(sorted(governed_by, key=linker.catalog.label))))
    wikidata = [Item(q, href=iri) for iri in entry.links.get("sameAs", []) if (q := wikidata_id(iri))]
    if wikidata:
        about.append(("wikidata", wikidata))
    return about


def _cell(linker: Linker, row: Row, name: str) -> list[Item]:
    """One cell: the IRI bound to ``name`` as a link, a literal as text, nothing when unbound."""
    term = row.get(name)
    if term is None:
        return []
    if isinstance(term, ox.NamedNode):
        return [linker.iri(term.value)]
    return [Item(term.value)]


def _grouped(rows: Sequence[Row], key: str, columns: Sequence[str], linker: Linker) -> list[Cells]:
    """Rows merged by ``key`` (one row per agreement, say), each column's values gathered in order."""
    merged: dict[str, list[list[Item]]] = {}
    for row in rows:
        cells = merged.setdefault(text(row, key), [[] for _ in columns])
        for index, column in enumerate(columns):
            for item in _cell(linker, row, column):
                if item not in cells[index]:
                    cells[index].append(item)
    return list(merged.values())


def _period(rows: Sequence[Row], linker: Linker, key: str, columns: Sequence[str]) -> list[Cells]:
    """Agreement rows: the start and end columns joined as one period column."""
    out = []
    for cells in _grouped(rows, key, [*columns, "start", "end"], linker):
        start, end = cells[-2], cells[-1]
        period = [Item(f"{start[0].text if start else '…'}–{end[0].text if end else '…'}")] if start or end else []
        out.append([*cells[:-2], period])
    return out


def _organization(linker: Linker, t: Callable[[str], str], entry: Entry, rows: dict[str, list[Row]]) -> list[Section]:
    return [
        Section("agreements", t("agreements"), ["counterpart", "signed", "article", "period"],
                _period(rows["entity-agreements"], linker, "agreement", ["counterpart", "signed", "article"])),
        Section("people", t("people_posts"), ["person", "post", "rank", "article"],
                _grouped([r for r in rows["entity-posts"] if text(r, "organization") == entry.iri],
                         "person", ["person", "role", "rank", "article"], linker)),
        Section("awards", t("awards"), ["award", "event", "article"],
                _grouped(rows["entity-awards"], "award", ["name", "event", "article"], linker)),
        Section("targets", t("targets"), ["goal", "year", "article"],
                _grouped(rows["entity-targets"], "target", ["goal", "year", "article"], linker)),
        Section("figures", t("figures"), ["figure", "measures", "article"],
                _grouped(rows["entity-figures"], "indicator", ["surface", "counts", "article"], linker)),
        _articles(linker, t, rows["entity-articles"]),
    ]


def _person(linker: Linker, t: Callable[[str], str], entry: Entry, rows: dict[str, list[Row]]) -> list[Section]:
    posts = [r for r in rows["entity-posts"] if text(r, "person") == entry.iri]
    return [
        Section("posts", t("posts"), ["post", "organization", "rank", "article"],
                _grouped(posts, "organization", ["role", "organization", "rank", "article"], linker)),
        Section("quotes", t("quotes"), ["quote", "article"],
                [[[Item(f"“{text(r, 'words')}”")], _cell(linker, r, "article")] for r in rows["entity-quotes"]]),
        Section("awards", t("awards"), ["award", "event", "article"],
                _grouped(rows["entity-awards"], "award", ["name", "event", "article"], linker)),
        _articles(linker, t, rows["entity-articles"]),
    ]


def _place(linker: Linker, t: Callable[[str], str], entry: Entry, rows: dict[str, list[Row]]) -> list[Section]:
    merger = rows["place-merger"]
    history = [[[Item(t("successor"))], _cell(linker, r, "other"), _cell(linker, r, "since"), _cell(linker, r, "until")]
               for r in merger if text(r, "role") == "successor"]
    history += [[[Item(t("predecessors"))], _cell(linker, r, "other"), _cell(linker, r, "since"), []]
                for r in merger if text(r, "role") == "predecessor"]
    within = [r for r in merger if text(r, "role") == "within"]
    sections = [
        Section("merger", t("merger_history"), ["merger_history", "place", "since", "valid_until"], history),
        Section("within", t("contained_in"), ["contained_in"], [[_cell(linker, r, "within")] for r in within]),
        Section("agreements", t("agreements"), ["kind_organization", "counterpart", "signed", "article", "period"],
                _period(rows["place-agreements"], linker, "agreement", ["body", "counterpart", "signed", "article"])),
        Section("targets", t("targets"), ["goal", "year", "article"],
                _grouped(rows["entity-targets"], "target", ["goal", "year", "article"], linker)),
        Section("figures", t("figures"), ["figure", "measures", "article"],
                _grouped(rows["entity-figures"], "indicator", ["surface", "counts", "article"], linker)),
        _articles(linker, t, rows["entity-articles"]),
    ]
    return sections


def _fact(group: str) -> Callable[[Linker, Callable[[str], str], Entry, dict[str, list[Row]]], list[Section]]:
    def sections(linker: Linker, t: Callable[[str], str], entry: Entry, rows: dict[str, list[Row]]) -> list[Section]:
        props: dict[str, list[Term]] = {}
        for r in rows["fact"]:
            props.setdefault(text(r, "p"), []).append(r["o"])
        fields = _fields(linker, group, props, t)
        found = [Section("facts", t("facts_" + group), ["property", "value"],
                         [[[Item(t(key))], values] for key, values in fields])]
        articles = [r for r in rows["fact"] if "article" in r][:1]
        found.append(Section("evidence", t("evidence"), ["evidence", "article"],
                             [[[Item(text(r, "exact"), href=_evidence_href(linker, r))], _cell(linker, r, "article")]
                              for r in rows["fact-evidence"]]))
        if articles:
            found.append(Section("article", t("article"), ["article"], [[_cell(linker, articles[0], "article")]]))
        if "agreement-targets" in rows:
            found.append(Section("targets", t("targets"), ["subject", "goal", "year"],
                                 _grouped(rows["agreement-targets"], "target", ["subject", "goal", "year"], linker)))
        return found

    return sections


def _evidence_href(linker: Linker, row: Row) -> str | None:
    """A link to the evidence highlighted in its article's text."""
    article = text(row, "article")
    return f"{linker.site.href(article)}#ev-{text(row, 'start')}-{text(row, 'end')}" if article else None


def _concept(linker: Linker, t: Callable[[str], str], entry: Entry, rows: dict[str, list[Row]]) -> list[Section]:
    uses = rows["concept-uses"]
    agreements = [r for r in uses if linker.catalog.kind(text(r, "about")) is Kind.AGREEMENT]
    return [
        Section("agreements", t("agreements"), ["kind_agreement", "article"],
                _grouped(agreements, "about", ["about", "article"], linker)),
        _articles(linker, t, uses),
    ]


def _articles(linker: Linker, t: Callable[[str], str], rows: list[Row]) -> Section:
    return Section("articles", t("mentions_over_time"), ["published", "article"],
                   _grouped(rows, "article", ["published", "article"], linker))


SECTIONS: dict[Kind, Callable[[Linker, Callable[[str], str], Entry, dict[str, list[Row]]], list[Section]]] = {
    Kind.ORGANIZATION: _organization,
    Kind.PERSON: _person,
    Kind.PLACE: _place,
    Kind.AGREEMENT: _fact("agreements"),
    Kind.DOCUMENT: _fact("documents"),
    Kind.CONCEPT: _concept,
}
