"""Extract: entities, relations and figures from one article, offline and deterministic.

:func:`extract` runs the pattern families over the article's sentences, in the order
their dependencies need: entity mentions first, then positions, agreements (with their
scope), targets, quotes, documents, awards, indicators and concepts.
"""

from __future__ import annotations

import re
from dataclasses import replace

from dtkg.extract import gazetteer as gazetteer_module
from dtkg.extract.agreements import complete, extract_agreements
from dtkg.extract.awards import extract_awards
from dtkg.extract.concepts import find_concepts
from dtkg.extract.documents import extract_documents
from dtkg.extract.entities import EntityFinder, Found
from dtkg.extract.gazetteer import Gazetteer
from dtkg.extract.indicators import extract_indicators
from dtkg.extract.people import extract_positions
from dtkg.extract.quotes import extract_quotes
from dtkg.extract.targets import extract_targets
from dtkg.model import Agreement, Article, Entity, EntityType, Evidence, Extraction, Membership, Mention, Sentence, Span

__all__ = ["extract", "Extractor"]

_BACKGROUND = re.compile(
    r"^(?:Hiện nay|Hiện tại|Vừa qua|Trước đó|Trước đây|Thời gian qua|Những năm qua|Trong những năm qua|Đến nay|"
    r"Tính đến|Được biết|Năm (?:19|20)\d\d|Từ năm)\b"
)
_GROUP_REF = re.compile(r"(?<!\w)(?:hai bên|các bên|ba bên|theo thỏa thuận|theo thoả thuận|theo nội dung đã ký|"
                        r"nội dung hợp tác|phạm vi hợp tác|theo biên bản|theo đó)(?!\w)", re.I)


class Extractor:
    """Extraction with its gazetteer loaded once (per worker process)."""

    def __init__(self, *, base: str, gazetteer: Gazetteer | None = None) -> None:
        self.base = base
        self.gaz = gazetteer or gazetteer_module.load(base)
        self.finder = EntityFinder(self.gaz, base)
        country = self.gaz.names.find("Việt Nam")
        self.country = country[0].entry.iri if country else None

    def run(self, article: Article) -> list[Extraction]:
        """The extraction of an article and of each related-article teaser printed under it."""
        return [self._main(article)] + [self._teaser(r) for r in article.related]

    def _teaser(self, article: Article) -> Extraction:
        mentions = self.finder.find(article)
        return Extraction(article, entities=_entities(mentions), mentions=_mentions(article, mentions))

    def _main(self, article: Article) -> Extraction:
        mentions = self.finder.find(article)
        spans = [(s.span.start, s.span.end) for s in article.sentences]
        positions, ranks = extract_positions(article.text, spans, self.gaz, mentions)
        memberships = tuple(
            Membership(p.person, p.label, p.org, _evidence(article, p.start), 0.8) for p in positions)
        agreements = self._agreements(article, mentions)
        awards, projects = extract_awards(article, mentions, self.base)
        concepts = find_concepts(article, self.gaz) if not agreements else []
        entities = _entities(mentions) + tuple(Entity(iri, EntityType.PROJECT, name) for iri, name in projects)
        documents = tuple(extract_documents(article, mentions, self.gaz, self.base))
        referenced = ([m.organization for m in memberships] + [p for a in agreements for p in a.parties]
                      + [d.issuer for d in documents])
        entities += self._referenced(entities, referenced)
        return Extraction(
            article,
            entities=entities,
            mentions=_mentions(article, mentions),
            ranks=tuple(ranks),
            memberships=memberships,
            agreements=tuple(agreements),
            targets=tuple(extract_targets(article, mentions, self.country)),
            quotes=tuple(extract_quotes(article, mentions, [(m.role, m.person) for m in memberships])),
            documents=documents,
            awards=tuple(awards),
            indicators=tuple(extract_indicators(article, mentions, self.country)),
            concepts=tuple(concepts),
        )

    def _referenced(self, entities: tuple[Entity, ...], iris_: list[str | None]) -> tuple[Entity, ...]:
        """Entities that facts point to but the text did not name as such (a place's UBND)."""
        known = {e.iri for e in entities}
        extra: list[Entity] = []
        for iri in iris_:
            if iri and iri not in known and iri in self.gaz.by_iri:
                entry = self.gaz.by_iri[iri]
                kind = EntityType.GOVERNMENT_ORGANIZATION if entry.governs else EntityType.ORGANIZATION
                extra.append(Entity(entry.iri, kind, entry.name, entry.governs))
                known.add(iri)
        return tuple(extra)

    def _agreements(self, article: Article, mentions: list[Found]) -> list[Agreement]:
        out = []
        for agreement, sentence in extract_agreements(article, mentions, self.gaz):
            window = [s for s in article.sentences if sentence.index < s.index <= sentence.index + 2]
            agreement = complete(agreement, article, sentence, window)
            scope = self._scope(article, agreement, sentence, mentions) if not agreement.earlier else [sentence]
            concepts = find_concepts(article, self.gaz, [s.index for s in scope])
            commitments = tuple(_commitment(s.text) for s in scope if "cam kết" in s.text)
            out.append(replace(agreement, concepts=tuple(sorted({c.concept for c in concepts})), commitments=commitments))
        return out

    def _scope(self, article: Article, agreement: Agreement, sentence: Sentence, mentions: list[Found]) -> list[Sentence]:
        """The sentences that speak about the agreement: those naming a party (or its place, or
        "hai bên", "theo thỏa thuận"), and the rest of their paragraph; never background."""
        parties = set(agreement.parties)
        places = {self.gaz.by_iri[p].governs for p in parties if p in self.gaz.by_iri and self.gaz.by_iri[p].governs}
        keys = parties | places
        about = {sentence.index}
        for s in article.sentences:
            found = {f.iri for f in mentions if s.span.start <= f.start < s.span.end}
            if found & keys or _GROUP_REF.search(s.text):
                about.add(s.index)
        paragraphs = {s.paragraph for s in article.sentences if s.index in about and s.paragraph >= sentence.paragraph}
        return [s for s in article.sentences
                if (s.index in about or s.paragraph in paragraphs) and not _BACKGROUND.match(s.text)]


def _commitment(text: str) -> str:
    return text.split("cam kết", 1)[1].strip(" :,.")


def _evidence(article: Article, offset: int) -> Evidence:
    s = article.sentence_at(offset)
    return Evidence(s.index, s.span, s.text)


def _entities(mentions: list[Found]) -> tuple[Entity, ...]:
    seen: dict[str, Entity] = {}
    for f in mentions:
        if f.iri and f.iri not in seen:
            seen[f.iri] = Entity(f.iri, f.type, f.name, f.governs)
    return tuple(seen.values())


def _mentions(article: Article, mentions: list[Found]) -> tuple[Mention, ...]:
    return tuple(Mention(f.iri, Span(f.start, f.end), f.surface, article.sentence_at(f.start).index)
                 for f in mentions if f.iri)


def extract(article: Article, *, base: str) -> list[Extraction]:
    """Extract one article (and its teasers) with the default gazetteer."""
    return Extractor(base=base).run(article)
