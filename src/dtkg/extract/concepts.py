"""Digital-transformation concepts an article or agreement covers (longest match wins).

A finer concept outside the scheme's core collections ("cơ sở dữ liệu quốc gia về dân cư")
also counts as the core concept it is directly narrower than ("cơ sở dữ liệu quốc gia").
"""

from __future__ import annotations

from dtkg.extract.family import Context
from dtkg.extract.gazetteer import Gazetteer
from dtkg.model import Article, ConceptMention, Evidence


def find_concepts(article: Article, gaz: Gazetteer, sentences: list[int] | None = None) -> list[ConceptMention]:
    """Concept mentions in the given sentences (all when None), in text order."""
    out: list[ConceptMention] = []
    for sentence in article.sentences:
        if sentences is not None and sentence.index not in sentences:
            continue
        evidence = Evidence(sentence.index, sentence.span, sentence.text)
        for m in gaz.concepts.find(sentence.text):
            out.append(ConceptMention(m.entry.iri, evidence))
            out.extend(ConceptMention(core, evidence) for core in gaz.core.get(m.entry.iri, ()))
    return out


class Concepts:
    """The concepts an article covers, when it reports no agreement (an agreement's are its own)."""

    name = "concepts"
    requires = ("agreements",)

    def extract(self, context: Context) -> tuple[ConceptMention, ...]:
        if context["agreements"]:
            return ()
        return tuple(find_concepts(context.article, context.gaz))
