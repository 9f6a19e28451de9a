"""Cooperation agreements: who signed what, of which kind, for which period, when.

An agreement is reported in a sentence with an agreement noun (thỏa thuận hợp tác, biên
bản ghi nhớ, MoU, chương trình hợp tác) and a signing verb, naming at least two parties
(organisations, or places standing for their people's committee). Sentences about the
same parties are one agreement; one signed in an earlier year is "mentioned in passing".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from dtkg import iris
from dtkg.extract.entities import Found
from dtkg.extract.concepts import find_concepts
from dtkg.extract.family import Context
from dtkg.extract.gazetteer import Gazetteer
from dtkg.extract.patterns import HORIZON, LOCATIVE_BEFORE, PERIOD
from dtkg.extract.vocab import vocabulary
from dtkg.ingest.dates import find_dates, month_end
from dtkg.model import Agreement, Article, EntityType, Evidence, Sentence

_V = vocabulary()
_NOUN = re.compile(rf"{_V.alt('agreement_nouns')}|\b(?:{_V.alt('agreement_nouns', 'acronyms')})\b", re.IGNORECASE)
_SIGN = re.compile(rf"(?<!\w)(?:{_V.alt('signing_verbs')})(?!\w)", re.IGNORECASE)
_NEGATED = re.compile(r"(?<!\w)(?:không|chưa|chẳng)\s+(?:\w+\s+){0,3}(?:ký|kí)", re.IGNORECASE)
_EARLIER = re.compile(r"(?:năm|từ năm|hồi năm|vào năm)\s+(?P<year>(?:19|20)\d\d)\b|trước đó|trước đây|tiếp nối|đã từng", re.IGNORECASE)
_ANAPHORIC = re.compile(rf"^(?:Đây là|Đó là)|(?:{_V.alt('agreement_references')}) (?:này|trên)", re.IGNORECASE)
_PLURAL_COUNTERPART = re.compile(r"với\s+(?:hơn|gần|trên|khoảng|nhiều|các|\d)", re.IGNORECASE)


@dataclass(frozen=True)
class _Draft:
    agreement: Agreement
    sentence: Sentence


def _party_window(text: str) -> int:
    """Parties are named up to the end of the clause that reports the signing."""
    anchor = _SIGN.search(text) or _NOUN.search(text)
    assert anchor is not None
    comma = re.search(r"[,;:(]", text[anchor.end():])
    return anchor.end() + comma.start() if comma else len(text)


def _kind(sentence: str) -> str:
    lowered = sentence.lower()
    if "ghi nhớ" in lowered or "mou" in lowered:
        return "MemorandumOfUnderstanding"
    if "chiến lược" in lowered:
        return "StrategicAgreement"
    return "CooperationAgreement"


def _label(kind: str) -> str:
    return {"MemorandumOfUnderstanding": "Biên bản ghi nhớ hợp tác", "StrategicAgreement": "Thỏa thuận hợp tác chiến lược"}.get(
        kind, "Thỏa thuận hợp tác")


def _parties(found: list[Found], gaz: Gazetteer) -> tuple[str, ...]:
    parties: list[str] = []
    for f in found:
        if f.type is EntityType.PERSON or f.nested:
            continue
        iri = f.iri
        if f.type is EntityType.PLACE:
            if iris.is_home_country(iri):
                continue
            body = gaz.body("ubnd", iri)
            if body is None:
                continue
            iri = body.iri
        if iri not in parties and not any(_governs(gaz, p) == iri or _governs(gaz, iri) == p for p in parties):
            parties.append(iri)
    return tuple(parties)


def _governs(gaz: Gazetteer, iri: str) -> str | None:
    entry = gaz.by_iri.get(iri)
    return entry.governs if entry else None


def extract_agreements(article: Article, mentions: list[Found], gaz: Gazetteer) -> list[tuple[Agreement, Sentence]]:
    """Agreements with the sentence each was read from."""
    drafts: list[_Draft] = []
    for sentence in article.sentences:
        text = sentence.text
        if not _NOUN.search(text) or not _SIGN.search(text) or _NEGATED.search(text):
            continue
        if (_ANAPHORIC.search(text) or _CONTENT.match(text)) and drafts:
            continue  # "Đây là thỏa thuận …", "Theo thỏa thuận, …": more about an agreement already read
        window_end = sentence.span.start + _party_window(text)
        found = [f for f in mentions if sentence.span.start <= f.start < window_end
                 and not LOCATIVE_BEFORE.search(article.text[max(0, f.start - 8):f.start])]
        parties = _parties(found, gaz)
        if len(parties) < 2 or _PLURAL_COUNTERPART.search(text):
            continue
        draft = _draft(article, sentence, parties)
        drafts += [_Draft(a, sentence) for a in _per_counterpart(draft, article, sentence, gaz, found)]
    drafts = _merge(drafts)
    drafts += _earlier_between_same_parties(article, drafts)
    if len([d for d in drafts if not d.agreement.earlier]) > 1:
        names = {f.iri: f.name for f in mentions}
        drafts = [_Draft(for_place(d.agreement, article, gaz, names), d.sentence) for d in drafts]
    return [(d.agreement, d.sentence) for d in drafts]


def _earlier_between_same_parties(article: Article, drafts: list[_Draft]) -> list[_Draft]:
    """"… tiếp nối văn bản hợp tác giai đoạn 2021-2023 mà hai bên ký năm 2021": an earlier agreement."""
    current = [d for d in drafts if not d.agreement.earlier]
    if len(current) != 1:
        return []
    main = current[0]
    out: list[_Draft] = []
    for sentence in article.sentences:
        text = sentence.text
        if sentence.index == main.sentence.index or not _NOUN.search(text) or not re.search(r"hai bên|các bên", text):
            continue
        period = PERIOD.search(text)
        if not _EARLIER.search(text) or not period:
            continue
        start, end = int(period.group("start")), int(period.group("end"))
        if (start, end) == (main.agreement.start, main.agreement.end):
            continue
        earlier = Agreement(kind=_kind(text), parties=main.agreement.parties, label=_label(_kind(text)),
                            evidence=Evidence(sentence.index, sentence.span, text), start=start, end=end,
                            earlier=True, confidence=0.6)
        out.append(_Draft(earlier, sentence))
    return out


_EACH = re.compile(
    r"(?<!\w)(?:mỗi|từng)\s+(?:tỉnh|địa phương|bên|thành phố|văn bản|thỏa thuận|chương trình|đơn vị)"
    r"|(?:văn bản|thỏa thuận|chương trình|biên bản)\s+riêng|ký riêng|ký kết riêng"
    r"|(?<!\w)(?:hai|ba|2|3)\s+(?:văn bản|thỏa thuận|chương trình|biên bản|lễ ký)", re.I)
_CONTENT = re.compile(r"^(?:Theo|Trong)\s+(?:thỏa thuận|biên bản|nội dung|chương trình|văn bản|kế hoạch)", re.I)


def _per_counterpart(draft: Agreement, article: Article, sentence: Sentence, gaz: Gazetteer,
                     found: list[Found]) -> list[Agreement]:
    """One party signing with several counterparts "each with its own text" ("hai văn bản được ký
    riêng", "mỗi tỉnh một văn bản") signs several agreements: one per counterpart."""
    following = next((s.text for s in article.sentences if s.index == sentence.index + 1), "")
    if len(draft.parties) < 3 or not (_EACH.search(sentence.text) or _EACH.search(following)):
        return [draft]
    governments = [p for p in draft.parties if _governs(gaz, p)]
    others = [p for p in draft.parties if p not in governments]
    if len(governments) >= 2 and len(others) == 1:
        common = others[0]
    else:
        joint = re.search(r"(?<![\w])(?:với|cùng với)\s", sentence.text)
        before = {f.iri for f in found if joint and f.start - sentence.span.start < joint.start()}
        subject = [p for p in draft.parties if p in before or _governs_any(gaz, p, before)]
        if len(subject) != 1:
            return [draft]
        common = subject[0]
    return [replace(draft, parties=(common, p)) for p in draft.parties if p != common]


def _governs_any(gaz: Gazetteer, party: str, iris_: set[str]) -> bool:
    place = _governs(gaz, party)
    return bool(place and place in iris_)


def _draft(article: Article, sentence: Sentence, parties: tuple[str, ...]) -> Agreement:
    text = sentence.text
    kind = _kind(text)
    period = PERIOD.search(text)
    horizon = HORIZON.search(text)
    signed = _signing_date(article, sentence)
    earlier = _is_earlier(text, article, signed)
    return Agreement(
        kind=kind, parties=parties, evidence=Evidence(sentence.index, sentence.span, text), label=_label(kind),
        start=int(period.group("start")) if period else None, end=int(period.group("end")) if period else None,
        horizon=int(horizon.group("year")) if horizon else None, signed=signed, earlier=earlier,
        confidence=0.9 if kind != "CooperationAgreement" else 0.8,
    )


def reference_date(article: Article) -> str | None:
    """The article's date (or the last day of the month its page gives), or failing that the latest
    full date its text gives."""
    if article.published:
        return article.published
    if article.dated:
        return month_end(article.dated)
    full = [d.iso for d in find_dates(article.text) if d.iso and d.year_given]
    return f"{max(full)[:4]}-12-31" if full else None


def _signing_date(article: Article, sentence: Sentence) -> str | None:
    reference = reference_date(article)
    dates = [d for d in find_dates(sentence.text, reference=reference) if d.iso]
    if dates:
        return dates[0].iso
    first_body = next((s for s in article.sentences if s.paragraph == (1 if article.title else 0)), None)
    lead = find_dates(first_body.text[:40], reference=reference) if first_body else []
    if lead and lead[0].iso:
        return lead[0].iso
    return None


def _is_earlier(text: str, article: Article, signed: str | None) -> bool:
    m = _EARLIER.search(text)
    if not m:
        return False
    year = m.group("year")
    published_year = int(article.published[:4]) if article.published else None
    if year and published_year:
        return int(year) < published_year
    return year is None or signed is None


def for_place(agreement: Agreement, article: Article, gaz: Gazetteer, names: dict[str, str] | None = None) -> Agreement:
    """"Với Bắc Kạn, thỏa thuận được ký cho giai đoạn 2025-2027 …", "Với Công an tỉnh, chương trình có
    thời hạn từ năm 2025 đến năm 2027": a period said of one counterpart."""
    for party in agreement.parties:
        for s in article.sentences:
            if _said_of(s.text, party, gaz, names or {}):
                period, horizon = PERIOD.search(s.text), HORIZON.search(s.text)
                return replace(agreement,
                               start=int(period.group("start")) if period else agreement.start,
                               end=int(period.group("end")) if period else agreement.end,
                               horizon=int(horizon.group("year")) if horizon else agreement.horizon)
    return agreement


def _said_of(text: str, party: str, gaz: Gazetteer, names: dict[str, str]) -> bool:
    lead = re.match(r"^(?:Với|Đối với|Riêng)\s+(?P<who>[^,]{2,80}),", text)
    if not lead:
        return False
    who = lead.group("who").strip()
    place = _governs(gaz, party)
    entry = gaz.by_iri.get(place) if place else None
    if entry and re.fullmatch(rf"(?:tỉnh\s+|thành phố\s+)?{re.escape(entry.name)}", who):
        return True
    name = names.get(party, "")
    generic = re.sub(r"\s+(?:tỉnh|thành phố|TP\.?)\s+.*$", r" tỉnh", name)  # "Công an tỉnh Gia Lai" → "Công an tỉnh"
    return bool(name) and who in (name, generic, generic.replace(" tỉnh", " thành phố"))


def _merge(drafts: list[_Draft]) -> list[_Draft]:
    """Sentences reporting the same parties (and not an earlier signing) are one agreement."""
    merged: list[_Draft] = []
    for d in drafts:
        same = next((m for m in merged if set(m.agreement.parties) == set(d.agreement.parties)
                     and m.agreement.earlier == d.agreement.earlier), None)
        if same is None:
            merged.append(d)
            continue
        a, b = same.agreement, d.agreement
        better = replace(
            a, start=a.start or b.start, end=a.end or b.end, horizon=a.horizon or b.horizon, signed=a.signed or b.signed,
            kind=a.kind if a.kind != "CooperationAgreement" else b.kind,
            label=a.label if a.kind != "CooperationAgreement" else b.label,
        )
        merged[merged.index(same)] = _Draft(better, same.sentence)
    return merged


def complete(agreement: Agreement, article: Article, sentence: Sentence, window: list[Sentence]) -> Agreement:
    """Fill period and horizon from the sentences right after the report, when it left them out."""
    start, end, horizon = agreement.start, agreement.end, agreement.horizon
    for s in window:
        if start is None and (p := PERIOD.search(s.text)) and re.search(r"giai đoạn|từ năm", s.text[: p.end()], re.I):
            start, end = int(p.group("start")), int(p.group("end"))
        if horizon is None and (h := HORIZON.search(s.text)) and not re.search(r"Quyết định|Nghị quyết|Đề án", s.text[: h.start()]):
            horizon = int(h.group("year"))
    return replace(agreement, start=start, end=end, horizon=horizon)


_BACKGROUND = re.compile(rf"^(?:{_V.alt('background_openers')}|Năm (?:19|20)\d\d)\b")
_GROUP_REF = re.compile(rf"(?<!\w)(?:{_V.alt('group_references')})(?!\w)", re.I)


class Agreements:
    """Cooperation agreements, each with the concepts and commitments of its scope."""

    name = "agreements"
    requires = ("mentions",)

    def extract(self, context: Context) -> tuple[Agreement, ...]:
        article, gaz, mentions = context.article, context.gaz, context["mentions"]
        out = []
        for agreement, sentence in extract_agreements(article, mentions, gaz):
            window = [s for s in article.sentences if sentence.index < s.index <= sentence.index + 2]
            agreement = complete(agreement, article, sentence, window)
            scope = _scope(article, agreement, sentence, mentions, gaz) if not agreement.earlier else [sentence]
            concepts = find_concepts(article, gaz, [s.index for s in scope])
            commitments = tuple(_commitment(s.text) for s in scope if "cam kết" in s.text)
            out.append(replace(agreement, concepts=tuple(sorted({c.concept for c in concepts})), commitments=commitments))
        return tuple(out)


def _scope(article: Article, agreement: Agreement, sentence: Sentence, mentions: list[Found],
           gaz: Gazetteer) -> list[Sentence]:
    """The sentences that speak about the agreement: those naming a party (or its place, or
    "hai bên", "theo thỏa thuận"), and the rest of their paragraph; never background."""
    parties = set(agreement.parties)
    places = {gaz.by_iri[p].governs for p in parties if p in gaz.by_iri and gaz.by_iri[p].governs}
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
