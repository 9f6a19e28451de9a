"""Policy documents cited: kind, number, identifier, issuer and title.

"Quyết định 950", "Nghị quyết số 57-NQ/TW", "Quyết định 749/QĐ-TTg", "Kế hoạch số
123/KH-UBND", "Đề án 06"; the issuer comes from "của X", from "X ban hành …" or from the
identifier's code (TTg → Thủ tướng Chính phủ, NQ/TW → Bộ Chính trị, QH → Quốc hội).
"""

from __future__ import annotations

import re

from dtkg import iris
from dtkg.extract.entities import Found
from dtkg.extract.gazetteer import Gazetteer
from dtkg.extract.patterns import LO, NOT_NAME, UP
from dtkg.extract.family import Context
from dtkg.extract.vocab import vocabulary
from dtkg.model import Article, Document, EntityType, Evidence

_V = vocabulary()
KINDS = _V.alt("document_kinds")
_DOC = re.compile(
    rf"(?<![\w])(?P<kind>{KINDS})\s+(?:số\s+)?(?P<ident>(?P<number>\d{{1,5}})(?:[-/][\wĐđ/\-]*[\wĐđ])?)(?![\w/])"
)
_ISSUED_BY = re.compile(r"\s+(?:của|do)\s+$")
_CODE_ISSUERS: dict[str, str] = _V.mapping("document_issuers")
_TITLE = re.compile(r"^\s*(?:của\s+[^,]{1,60}?\s+)?(?:(?:về|phê duyệt|ban hành)\s+)(?P<title>[^,;.“”]{8,160})")


_LAW = re.compile(
    rf"(?<![\w])Luật\s+(?:(?P<name>[{UP}][^,.;:()“”\"\d]{{1,60}}?)\s+(?:năm\s+)?(?P<year>(?:19|20)\d\d)(?!\d)"
    rf"|(?P<bare>[{UP}][{LO}]*(?:\s+(?!{NOT_NAME})[{LO}]+){{0,5}})(?=[\s,.;:)”\"]|$))"
)


def _laws(sentence, orgs_base: str, gaz: Gazetteer, seen: set[tuple[str, str]]) -> list[Document]:  # type: ignore[no-untyped-def]
    """"Luật Giao dịch điện tử 2023", "Luật Dữ liệu": laws, passed by the National Assembly."""
    out = []
    for m in _LAW.finditer(sentence.text):
        name = (m.group("name") or m.group("bare")).rstrip(" ,")
        label = f"Luật {name}" + (f" {m.group('year')}" if m.group("year") else "")
        if ("Luật", name) in seen or len(name) < 3:
            continue
        seen.add(("Luật", name))
        issuer = gaz.names.find("Quốc hội")
        out.append(Document(kind="Luật", label=label, title=label, identifier=None, number=None,
                            issuer=issuer[0].entry.iri if issuer else None,
                            evidence=Evidence(sentence.index, sentence.span, sentence.text), confidence=0.8))
    return out


def extract_documents(article: Article, mentions: list[Found], gaz: Gazetteer, base: str) -> list[Document]:
    docs: list[Document] = []
    seen: set[tuple[str, str]] = set()
    for sentence in article.sentences:
        text = sentence.text
        docs += _laws(sentence, base, gaz, seen)
        orgs = [f for f in mentions if f.type is not EntityType.PERSON and f.type is not EntityType.PLACE
                and sentence.span.start <= f.start < sentence.span.end]
        for m in _DOC.finditer(text):
            kind, number, ident = m.group("kind"), m.group("number"), m.group("ident")
            if re.fullmatch(r"(?:19|20)\d\d", number) and ident == number:
                continue  # "Kế hoạch 2025" is a year, not a number
            key = (kind, ident)
            if key in seen:
                continue
            seen.add(key)
            issuer = _issuer(text, m, orgs, sentence.span.start, gaz, base)
            title = _TITLE.match(text[m.end():])
            docs.append(Document(
                kind=kind, label=f"{kind} {ident}", number=number, identifier=ident if ident != number else None,
                issuer=issuer, title=title.group("title").strip() if title else None,
                evidence=Evidence(sentence.index, sentence.span, text), confidence=0.9,
            ))
    return docs


def _issuer(text: str, m: re.Match[str], orgs: list[Found], offset: int, gaz: Gazetteer, base: str) -> str | None:
    after = [f for f in orgs if 0 <= f.start - offset - m.end() <= 8 and _ISSUED_BY.match(" " + text[m.end(): f.start - offset])]
    if after:
        return after[0].iri
    before = [f for f in orgs if f.end - offset <= m.start() and re.search(
        r"^\s*(?:đã\s+|vừa\s+|cũng\s+)*(?:ban hành|ký ban hành|phê duyệt|thông qua|có)\s*$", text[f.end - offset: m.start()])]
    if before:
        return before[-1].iri
    ident = m.group("ident")
    for code, name in _CODE_ISSUERS.items():
        if ident.endswith(code) or f"-{code}" in ident or f"/{code}" in ident:
            hit = gaz.names.find(name)
            return hit[0].entry.iri if hit else iris.entity(base, "org", name)
    return None


class Documents:
    """Policy documents cited, with kind, number and issuer."""

    name = "documents"
    requires = ("mentions",)

    def extract(self, context: Context) -> tuple[Document, ...]:
        return tuple(extract_documents(context.article, context["mentions"], context.gaz, context.base))
