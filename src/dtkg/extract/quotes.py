"""Quotations: direct speech in quotation marks and reported speech, with their speaker.

The speaker is the person named next to a speech verb before the quote ("X nhấn mạnh: “…”")
or after it ("“…”, Thứ trưởng X nhấn mạnh"), or the last person named when a pronoun
(ông, bà) speaks.
"""

from __future__ import annotations

import re

from dtkg.extract.entities import Found
from dtkg.extract.family import Context
from dtkg.extract.vocab import alternation, vocabulary
from dtkg.model import Article, EntityType, Evidence, Quote

_V = vocabulary()
_VERBS = _V.alt("speech_verbs")
_CONTENT_VERBS = frozenset(_V.words("content_verbs"))
_PRONOUNS = alternation(_V.words("honorifics", "pronouns"), cased=True)
_LOWER_PRONOUNS = alternation(_V.words("honorifics", "pronouns"))
_QUOTED = re.compile(r"“(?P<a>[^”]{12,})”|\"(?P<b>[^\"]{12,})\"")
_REPORTED = re.compile(rf"(?<!\w)(?:{_VERBS})(?:\s+rằng)?\s*(?:[:,]\s*|\s+)(?P<rest>.{{12,}})$")
_VERB_AFTER = re.compile(rf"^[\s,–—-]*(?:(?:{_LOWER_PRONOUNS})\s+)?(?P<who>.{{0,80}}?)\s+(?:{_VERBS})", re.S)


def extract_quotes(article: Article, mentions: list[Found],
                   titles: list[tuple[str, str] | tuple[str, str, str | None]] | None = None) -> list[Quote]:
    """Quotes with their speakers; ``titles`` are (role label, person[, organisation]) of the posts the
    article names, for a speaker named by title only ("vị Phó Chủ tịch nói", "Tổng giám đốc ACV nói")."""
    names = {f.iri: f.name for f in mentions}
    titles = [(t[0], t[1], t[2] if len(t) > 2 else None) for t in titles or []]
    quotes: list[Quote] = []
    last_person: str | None = None
    introduced: str | None = None  # "Ông X cho biết:" closing the sentence before: the quote that opens this one is X's
    for sentence in article.sentences:
        text = sentence.text
        persons = [f for f in mentions if f.type is EntityType.PERSON and sentence.span.start <= f.start < sentence.span.end]
        evidence = Evidence(sentence.index, sentence.span, text)
        direct = list(_QUOTED.finditer(text))
        for m in direct:
            speaker = (_speaker_before(text, m.start(), persons, sentence.span.start)
                       or _speaker_after(text, m.end(), persons, sentence.span.start)
                       or _according_to(text, m.start(), persons, sentence.span.start)
                       or _titled_speaker(text, m, titles, names)  # type: ignore[arg-type]
                       or (last_person if _pronoun_speaks(text, m) else None)
                       or (introduced if not text[: m.start()].strip(" -–—") else None))
            if speaker:
                quotes.append(Quote(speaker, (m.group("a") or m.group("b")).strip(), True, evidence, 0.9))
        if not direct:
            quotes += _reported(text, persons, sentence.span.start, evidence, last_person)
        if persons:
            last_person = persons[-1].iri
        introduced = None
        if re.search(rf"(?:{_VERBS})(?:\s+rằng)?\s*:\s*$", text):
            before_colon = [p for p in persons if p.end <= sentence.span.end]
            introduced = before_colon[-1].iri if before_colon else (last_person if _PRONOUN_INTRO.search(text) else None)
    return quotes


_PRONOUN_INTRO = re.compile(rf"(?<![\w])(?:{_PRONOUNS})\s+(?:{_VERBS})(?:\s+rằng)?\s*:\s*$")


def _according_to(text: str, quote_start: int, persons: list[Found], offset: int) -> str | None:
    """"Theo ông X, “…”": the person the quote is attributed to before it."""
    m = re.search(r"(?:^|[.;]\s*)(?:Theo|theo)\s+(?:[^,“”\"]{2,90},\s*){1,3}$", text[:quote_start])
    if not m:
        return None
    candidates = [p for p in persons if m.start() <= p.start - offset and p.end - offset <= quote_start]
    return candidates[0].iri if candidates else None


def _speaker_before(text: str, quote_start: int, persons: list[Found], offset: int) -> str | None:
    before = text[:quote_start]
    if not re.search(rf"(?:{_VERBS})(?:\s+rằng)?\s*[:,]?\s*$", before):
        return None
    candidates = [p for p in persons if p.end - offset <= quote_start]
    return candidates[-1].iri if candidates else None


def _speaker_after(text: str, quote_end: int, persons: list[Found], offset: int) -> str | None:
    after = text[quote_end:]
    m = _VERB_AFTER.match(after)
    if not m:
        return None
    candidates = [p for p in persons if quote_end <= p.start - offset <= quote_end + m.end()]
    return candidates[0].iri if candidates else None


def _titled_speaker(text: str, m: re.Match[str], titles: list[tuple[str, str, str | None]],
                    names: dict[str, str]) -> str | None:
    """"…”, vị Phó Chủ tịch nhấn mạnh" / "Tổng giám đốc ACV nói" / "Tư lệnh Quân chủng nói": the person
    holding that title (in that organisation, named in full, by an alias or by its head noun)."""
    before = re.search(rf"(?:^|[,.]\s*)(?:vị\s+|Vị\s+)?(?P<title>[^,.:;“”\"]{{2,60}}?)\s+(?:{_VERBS})(?:\s+rằng)?\s*:?\s*$",
                       text[: m.start()])
    after = re.match(rf"^[\s,]*(?:vị\s+)?(?P<title>[^,.:;“”\"]{{2,60}}?)\s+(?:{_VERBS})", text[m.end():])
    for found in (before, after):
        if found is None:
            continue
        said = found.group("title").strip().lower()
        holders = [person for role, person, org in titles if _holds(said, role.lower(), names.get(org or "", ""))]
        if holders:
            return holders[-1]
    return None


def _holds(said: str, role: str, org: str) -> bool:
    """Whether "phó tổng giám đốc vnpt" / "giám đốc bệnh viện" names the post (role, organisation)."""
    if said == role or role.startswith(said + " "):
        return True
    if not said.startswith(role + " "):
        return False
    rest, org = said[len(role) + 1:], org.lower()
    return bool(org) and (org.startswith(rest) or rest in org.split(" (")[0] or rest == org)


def _pronoun_speaks(text: str, m: re.Match[str]) -> bool:
    before, after = text[: m.start()], text[m.end():]
    return bool(re.search(rf"(?:{_PRONOUNS})\s+(?:{_VERBS})(?:\s+rằng)?\s*[:,]?\s*$", before)) or bool(
        re.match(rf"^[\s,]*(?:{_LOWER_PRONOUNS})\s+(?:{_VERBS})", after))


def _reported(text: str, persons: list[Found], offset: int, evidence: Evidence, last_person: str | None) -> list[Quote]:
    for p in persons:
        tail = text[p.end - offset:]
        m = re.match(rf"^(?:,[^,]{{0,120}},)?\s*(?:cũng\s+|đã\s+)?(?P<verb>{_VERBS})(?:\s+rằng)?\s*[:,]?\s*(?P<rest>.{{12,}})$", tail)
        if m and len(m.group("rest").split()) >= 4:
            content = m.group("rest") if m.group("verb") not in _CONTENT_VERBS else m.group("verb") + " " + m.group("rest")
            return [Quote(p.iri, content.strip().rstrip("."), False, evidence, 0.6)]
    return []


class Quotes:
    """Direct and reported speech with its speaker."""

    name = "quotes"
    requires = ("mentions", "positions")

    def extract(self, context: Context) -> tuple[Quote, ...]:
        titles = [(m.role, m.person, m.organization) for m in context["positions"].memberships]
        return tuple(extract_quotes(context.article, context["mentions"], titles))  # type: ignore[arg-type]
