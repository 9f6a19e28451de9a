"""The article reader: the text with every fact's evidence highlighted, the facts by kind, related articles, findings.

Evidence spans come from the stored character offsets (``oa:TextPositionSelector``) into the
article's normalised text; each highlighted span links to its facts, and each fact back to its span.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from dtkg.serve.web.findings import Finding, read_findings
from dtkg.serve.web.items import Item, Linker, web_href
from dtkg.serve.web.queries import NamedQuery, Row, Term, text
from dtkg.serve.web.render import Page, render, translator
from dtkg.serve.web.routes import Web
from dtkg.serve.web.statements import table
from dtkg.serve.web import statements

DTKG = "https://w3id.org/dtkg/ontology#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

GROUPS = ("agreements", "targets", "people", "quotes", "documents", "awards", "figures", "other")
GROUP_OF_TYPE = {
    DTKG + "CooperationAgreement": "agreements",
    DTKG + "StrategicAgreement": "agreements",
    DTKG + "MemorandumOfUnderstanding": "agreements",
    DTKG + "Target": "targets",
    ORG + "Membership": "people",
    SCHEMA + "Quotation": "quotes",
    DTKG + "PolicyDocument": "documents",
    DTKG + "Award": "awards",
    DTKG + "Indicator": "figures",
}
# what each kind of fact shows: (message key, property, how) in order; "iri" values link, "text" ones do not
FIELDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "agreements": (("parties", DTKG + "party", "iri"), ("period", "period", "period"),
                   ("horizon", DTKG + "horizonYear", "text"), ("signed", DTKG + "signingDate", "text"),
                   ("scope", DTKG + "scope", "iri"), ("commitments", DTKG + "commitment", "text")),
    "targets": (("goal", SCHEMA + "description", "text"), ("subject", DTKG + "targetSubject", "iri"),
                ("year", DTKG + "targetYear", "text"), ("threshold", DTKG + "rankThreshold", "top")),
    "people": (("person", ORG + "member", "iri"), ("post", ORG + "role", "iri"),
               ("organization", ORG + "organization", "iri"), ("rank", DTKG + "memberRank", "iri")),
    "quotes": (("speaker", SCHEMA + "spokenByCharacter", "iri"), ("quote", SCHEMA + "text", "quote")),
    "documents": (("document", SCHEMA + "name", "text"), ("agreement_kind", DTKG + "documentKind", "text"),
                  ("name", SCHEMA + "alternativeHeadline", "text"), ("issuer", SCHEMA + "legislationPassedBy", "iri")),
    "awards": (("award", SCHEMA + "name", "text"), ("recipient", DTKG + "recipient", "iri"),
               ("event", DTKG + "awardingEvent", "text")),
    "figures": (("figure", DTKG + "surfaceForm", "text"), ("measures", DTKG + "counts", "text"),
                ("subject", DTKG + "indicatorSubject", "iri")),
    "other": (("name", SCHEMA + "name", "text"), ("name", RDFS_LABEL, "text")),
}


@dataclass(frozen=True)
class Span:
    """An evidence span: its offsets, anchor and text."""

    start: int
    end: int
    text: str

    @property
    def anchor(self) -> str:
        return f"ev-{self.start}-{self.end}"


@dataclass
class Fact:
    """A fact as the reader lists it: its anchor, group, fields and evidence spans."""

    iri: str
    anchor: str
    group: str
    item: Item
    fields: list[tuple[str, list[Item]]] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    passing: bool = False


@dataclass(frozen=True)
class Segment:
    """A piece of the text: plain, or evidence (then the span it starts, if any, and the fact it links to)."""

    text: str
    span: Span | None = None
    starts: bool = False
    fact: str | None = None
    titles: str = ""


def queries(iri: str) -> tuple[NamedQuery, ...]:
    """The queries the reader needs for ``iri``."""
    node = ox.NamedNode(iri)
    return (
        NamedQuery.of("article", article=node),
        NamedQuery.of("article-facts", article=node),
        NamedQuery.of("article-evidence", article=node),
        NamedQuery.of("article-related", article=node),
        *statements.queries(iri),
    )


async def article_page(web: Web, page: Page, iri: str, path: str) -> str | None:
    """The reader's HTML for the article ``iri``, or None when the store has no such article."""
    meta, fact_rows, evidence, related, out_rows, in_rows = await web.run(*queries(iri))
    if not meta:
        return None
    linker = await web.linker(page.lang)
    row = meta[0]
    body = text(row, "text")
    facts = build_facts(linker, fact_rows, evidence, page.lang)
    findings = read_findings(web.report).get(text(row, "graph"), []) if web.report else None
    return render(
        "article.html",
        page,
        iri=iri,
        headline=text(row, "headline") or iri,
        published=text(row, "published"),
        author=linker.iri(text(row, "author")) if text(row, "author") else None,
        source=_source(row),
        source_name=text(row, "sourceName"),
        parent=linker.iri(text(row, "parent")) if text(row, "parent") else None,
        segments=segments(body, facts),
        groups=[(g, [f for f in facts if f.group == g]) for g in GROUPS if any(f.group == g for f in facts)],
        teasers=[linker.iri(i) for i in _others(related, "teaser")],
        related=[(linker.iri(i), n) for i, n in _shared(related)],
        findings=findings,
        table=table(linker, out_rows, in_rows, path),
    )


def _source(row: Row) -> Item | None:
    """The article's source URL: a link only when it is http(s), else plain text."""
    url = text(row, "url")
    return Item(url, href=web_href(url)) if url else None


def _others(rows: Iterable[Row], kind: str) -> list[str]:
    return list(dict.fromkeys(text(r, "other") for r in rows if text(r, "kind") == kind))


def _shared(rows: Iterable[Row]) -> list[tuple[str, int]]:
    found: dict[str, int] = {}
    for r in rows:
        if text(r, "kind") == "shared":
            found.setdefault(text(r, "other"), int(text(r, "shared") or 0))
    return sorted(found.items(), key=lambda kv: -kv[1])[:5]


def build_facts(linker: Linker, rows: list[Row], evidence: list[Row], lang: str) -> list[Fact]:
    """The article's facts with their fields and spans, in text order."""
    by_fact: dict[str, dict[str, list[Term]]] = {}
    for r in rows:
        by_fact.setdefault(text(r, "fact"), {}).setdefault(text(r, "p"), []).append(r["o"])
    spans: dict[str, list[Span]] = {}
    for r in evidence:
        span = Span(int(text(r, "start")), int(text(r, "end")), text(r, "exact"))
        if span not in spans.setdefault(text(r, "fact"), []):
            spans[text(r, "fact")].append(span)
    t = translator(lang)
    facts = []
    for number, (iri, props) in enumerate(by_fact.items()):
        types = [v.value for v in props.get(RDF_TYPE, [])]
        group = next((GROUP_OF_TYPE[x] for x in types if x in GROUP_OF_TYPE), "other")
        fact = Fact(iri, f"fact-{number + 1}", group, linker.iri(iri), spans=sorted(spans.get(iri, []), key=_start))
        fact.fields = _fields(linker, group, props, t)
        fact.item = _title(linker, iri, fact)
        fact.passing = any(v.value == "true" for v in props.get(DTKG + "mentionedInPassing", []))
        facts.append(fact)
    return sorted(facts, key=lambda f: (GROUPS.index(f.group), f.spans[0].start if f.spans else 0, f.iri))


def _title(linker: Linker, iri: str, fact: Fact) -> Item:
    """A fact's name: its catalogue name (agreements), else its first field's value, linking to the fact."""
    if linker.catalog.kind(iri) is not None:
        return linker.iri(iri)
    first = next((values[0].text for _, values in fact.fields if values), None)
    shown = first if first is None or len(first) <= 90 else first[:89] + "…"
    return linker.iri(iri, text=shown)


def _start(span: Span) -> int:
    return span.start


def _fields(linker: Linker, group: str, props: dict[str, list[Term]], t: Callable[[str], str]) -> list[tuple[str, list[Item]]]:
    shown = []
    for key, prop, how in FIELDS[group]:
        if how == "period":
            start = [v.value for v in props.get(DTKG + "periodStart", [])]
            end = [v.value for v in props.get(DTKG + "periodEnd", [])]
            values = [Item(f"{start[0] if start else '…'}–{end[0] if end else '…'}")] if start or end else []
        else:
            terms = sorted(props.get(prop, []), key=lambda v: v.value)
            values = [_value(linker, v, how) for v in terms]
        if values:
            shown.append((key, values))
    return shown


def _value(linker: Linker, term: Term, how: str) -> Item:
    if how == "iri" and isinstance(term, ox.NamedNode):
        return linker.iri(term.value)
    if how == "top":
        return Item(f"top {term.value}")
    if how == "quote":
        return Item(f"“{term.value}”")
    return Item(term.value)


def segments(body: str, facts: list[Fact]) -> list[Segment]:
    """The text cut at every span boundary; covered pieces link to the first fact whose evidence covers them."""
    spans: dict[Span, list[Fact]] = {}
    for fact in facts:
        for span in fact.spans:
            if 0 <= span.start < span.end <= len(body):
                spans.setdefault(span, []).append(fact)
    cuts = sorted({0, len(body), *(s.start for s in spans), *(s.end for s in spans)})
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [s for s in spans if s.start <= a and b <= s.end]
        if not covering:
            pieces.append(Segment(body[a:b]))
            continue
        span = min(covering, key=lambda s: (s.end - s.start, s.start))
        first = spans[span][0]
        titles = "; ".join(dict.fromkeys(f.item.text for s in covering for f in spans[s]))
        pieces.append(Segment(body[a:b], span=span, starts=span.start == a, fact=first.anchor, titles=titles))
    return pieces


def fact_findings(findings: list[Finding] | None) -> list[Finding]:
    """Findings sorted by severity (violations first)."""
    order = {"violation": 0, "warning": 1, "info": 2}
    return sorted(findings or [], key=lambda f: order.get(f.severity, 3))
