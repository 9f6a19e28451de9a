"""Extract: entities, relations and figures from one article, offline and deterministic.

:class:`Extractor` runs the registered pattern families (:mod:`dtkg.extract.registry`)
over an article in dependency order — entity mentions first, then positions, agreements
(with their scope), targets, quotes, documents, awards, indicators and concepts — and
gathers their facts into one :class:`~dtkg.model.Extraction`.
"""

from __future__ import annotations

from dtkg.extract import gazetteer as gazetteer_module
from dtkg.extract.entities import Found
from dtkg.extract.family import Context, Family
from dtkg.extract.gazetteer import Gazetteer
from dtkg.extract.identity import anchor_persons
from dtkg.extract.registry import FAMILIES, ordered
from dtkg.extract.vocab import vocabulary
from dtkg.model import Article, Entity, EntityType, Extraction, Mention, Span

__all__ = ["extract", "Extractor"]


class Extractor:
    """Extraction with its gazetteer, vocabulary and families loaded once (per worker process)."""

    def __init__(self, *, base: str, gazetteer: Gazetteer | None = None,
                 families: tuple[Family, ...] = FAMILIES) -> None:
        self.base = base
        self.gaz = gazetteer or gazetteer_module.load(base)
        self.vocab = vocabulary()
        self.families = ordered(families)
        country = self.gaz.names.find("Việt Nam")
        self.country = country[0].entry.iri if country else None

    def run(self, article: Article) -> list[Extraction]:
        """The extraction of an article and of each related-article teaser printed under it."""
        main = anchor_persons(self._main(article), base=self.base, gaz=self.gaz)
        return [main] + [self._teaser(r) for r in article.related]

    def _context(self, article: Article) -> Context:
        return Context(article, self.gaz, self.vocab, self.base, self.country)

    def _teaser(self, article: Article) -> Extraction:
        context = self._context(article)
        mentions = next(f for f in self.families if f.name == "mentions").extract(context)
        return Extraction(article, entities=_entities(mentions), mentions=_mentions(article, mentions))

    def _main(self, article: Article) -> Extraction:
        context = self._context(article)
        for family in self.families:
            context.results[family.name] = family.extract(context)
        r = context.results
        mentions: list[Found] = r["mentions"]
        positions, awards, agreements, documents = r["positions"], r["awards"], r["agreements"], r["documents"]
        entities = _entities(mentions) + tuple(Entity(iri, EntityType.PROJECT, name) for iri, name in awards.projects)
        referenced = ([m.organization for m in positions.memberships] + [p for a in agreements for p in a.parties]
                      + [d.issuer for d in documents])
        entities += self._referenced(entities, referenced)
        return Extraction(
            article,
            entities=entities,
            mentions=_mentions(article, mentions),
            ranks=positions.ranks,
            memberships=positions.memberships,
            agreements=agreements,
            targets=r["targets"],
            quotes=r["quotes"],
            documents=documents,
            awards=awards.awards,
            indicators=r["indicators"],
            concepts=r["concepts"],
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
