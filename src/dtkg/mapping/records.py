"""Extraction → JSON records: plain data with minted IRIs, which ``mappings/`` lifts to RDF."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dtkg import iris
from dtkg.model import EntityType, Evidence, Extraction

Record = dict[str, Any]


class _Builder:
    """Collects the records of one article page (the article and its teasers)."""

    def __init__(self, base: str, graph: str, builder: str) -> None:
        self.base = base
        self.graph = graph
        self.builder = builder
        self.records: dict[str, Record] = {}

    def add(self, record: Record) -> str:
        """Add a record, merging list values when the same IRI is added twice."""
        iri = record["@id"]
        old = self.records.get(iri)
        if old is None:
            self.records[iri] = {k: v for k, v in record.items() if v is not None and v != []}
            return iri
        for key, value in record.items():
            if value is None or value == []:
                continue
            if isinstance(value, list) or isinstance(old.get(key), list):
                merged = _as_list(old.get(key)) + [v for v in _as_list(value) if v not in _as_list(old.get(key))]
                old[key] = merged
            else:
                old.setdefault(key, value)
        return iri

    def span(self, article_iri: str, evidence: Evidence) -> str:
        return self.add({
            "@id": iris.span(article_iri, evidence.span.start, evidence.span.end),
            "@type": "Span", "in": article_iri,
            "start": evidence.span.start, "end": evidence.span.end, "exact": evidence.text,
        })


def decimal(value: float) -> str:
    """The canonical xsd:decimal lexical form: 99.21 → "99.21", 6500.0 → "6500"."""
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def build_records(extractions: list[Extraction], *, base: str, builder: str) -> list[Record]:
    """The JSON records of one source file: its article and its teasers, in a fixed order."""
    main = extractions[0].article
    b = _Builder(base, iris.article_graph(base, main.key), builder)
    for extraction in extractions:
        _article(b, extraction)
    return [b.records[k] for k in sorted(b.records)]


def _article(b: _Builder, x: Extraction) -> None:
    a = x.article
    art = iris.article(b.base, a.key)
    author = iris.entity(b.base, "person", a.author) if a.author else None
    if author:
        b.add({"@id": author, "name": a.author})
    b.add({
        "@id": art, "@type": "Article", "key": a.key, "source": a.source, "sha256": a.sha256,
        "encoding": a.encoding, "text": a.text, "title": a.title, "published": a.published,
        "url": a.url, "author": author, "graph": b.graph, "builtWith": b.builder,
        "partOf": iris.article(b.base, a.part_of) if a.part_of else None,
        "contentType": a.retrieval.content_type if a.retrieval else None,
        "fetched": a.retrieval.fetched if a.retrieval else None,
        "archive": a.retrieval.archive if a.retrieval else None,
        "record": a.retrieval.record if a.retrieval else None,
        "concept": sorted({c.concept for c in x.concepts if c.agreement is None}) if not x.agreements else [],
    })
    for entity in x.entities:
        b.add({"@id": entity.iri, "@type": "Entity", "entityType": entity.type.value, "name": entity.name,
               "governs": entity.governs,
               "mentionedIn": [art] if entity.type is not EntityType.PROJECT else []})
    _people(b, x, art)
    _agreements(b, x, art)
    _facts(b, x, art)


def _people(b: _Builder, x: Extraction, art: str) -> None:
    for n, m in enumerate(x.memberships, start=1):
        b.add({"@id": iris.fact(art, "membership", n), "@type": "Membership", "article": art, "person": m.person,
               "organization": m.organization, "role": iris.role(b.base, m.role), "roleLabel": m.role,
               "positionTitle": m.title, "tenureStart": m.tenure.start, "tenureEnd": m.tenure.end,
               "tenureStartBy": m.tenure.start_by, "tenureEndBy": m.tenure.end_by, "observedOn": m.tenure.observed,
               "evidence": b.span(art, m.evidence), "confidence": decimal(m.confidence)})
    for n, (person, rank) in enumerate(x.ranks, start=1):
        b.add({"@id": iris.fact(art, "rank", n), "@type": "Rank", "person": person, "rank": rank})


def _agreements(b: _Builder, x: Extraction, art: str) -> None:
    for n, ag in enumerate(x.agreements, start=1):
        b.add({"@id": iris.fact(art, "agreement", n), "@type": "Agreement", "article": art, "kind": ag.kind,
               "label": ag.label, "party": list(ag.parties), "start": ag.start, "end": ag.end,
               "horizon": ag.horizon, "signed": ag.signed, "concept": sorted(set(ag.concepts)),
               "commitment": list(ag.commitments), "earlier": ag.earlier,
               "evidence": b.span(art, ag.evidence), "confidence": decimal(ag.confidence)})


def _facts(b: _Builder, x: Extraction, art: str) -> None:
    for n, t in enumerate(x.targets, start=1):
        b.add({"@id": iris.fact(art, "target", n), "@type": "Target", "article": art, "subject": t.subject,
               "description": t.description, "year": t.year, "rankThreshold": t.rank_threshold,
               "agreement": iris.fact(art, "agreement", t.agreement) if t.agreement else None,
               "evidence": b.span(art, t.evidence), "confidence": decimal(t.confidence)})
    for n, i in enumerate(x.indicators, start=1):
        b.add({"@id": iris.fact(art, "indicator", n), "@type": "Indicator", "article": art, "subject": i.subject,
               "value": decimal(i.value), "surface": i.surface, "unit": i.unit, "about": i.about,
               "evidence": b.span(art, i.evidence), "confidence": decimal(i.confidence)})
    for n, q in enumerate(x.quotes, start=1):
        b.add({"@id": iris.fact(art, "quote", n), "@type": "Quote", "article": art, "speaker": q.speaker,
               "text": q.text, "quoteKind": "direct" if q.direct else "reported",
               "evidence": b.span(art, q.evidence), "confidence": decimal(q.confidence)})
    for n, d in enumerate(x.documents, start=1):
        b.add({"@id": iris.fact(art, "document", n), "@type": "Document", "article": art, "documentKind": d.kind,
               "name": d.label, "number": d.number, "identifier": d.identifier, "issuer": d.issuer,
               "title": d.title, "evidence": b.span(art, d.evidence), "confidence": decimal(d.confidence)})
    for n, w in enumerate(x.awards, start=1):
        b.add({"@id": iris.fact(art, "award", n), "@type": "Award", "article": art, "name": w.name,
               "event": w.event, "recipient": w.recipient,
               "evidence": b.span(art, w.evidence), "confidence": decimal(w.confidence)})
