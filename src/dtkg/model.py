"""The small frozen records that pass between pipeline stages.

ingest → :class:`Article`; extract → :class:`Extraction` (entities, mentions and facts,
each fact with its :class:`Evidence`); mapping → RDF quads.
Offsets are Python string indices (code points) into :attr:`Article.text`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)`` of an article's normalised text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end})")

    def of(self, text: str) -> str:
        return text[self.start : self.end]

    def __contains__(self, other: "Span") -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article, with its place in the text."""

    index: int
    span: Span
    text: str
    paragraph: int


@dataclass(frozen=True)
class Retrieval:
    """How an article's page was had: its media type and, for a crawl, the fetch and the archive record."""

    content_type: str | None = None  # "text/html", "text/plain", …
    fetched: str | None = None  # when the crawler fetched it (xsd:dateTime, from WARC-Date)
    archive: str | None = None  # the WARC file it was read from
    record: str | None = None  # that file's WARC-Record-ID (an IRI, "urn:uuid:…")


@dataclass(frozen=True)
class Article:
    """An article as read: normalised text, layout, metadata and sentences."""

    key: str
    source: str
    sha256: str
    encoding: str
    text: str
    sentences: tuple[Sentence, ...]
    title: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    part_of: str | None = None
    related: tuple["Article", ...] = ()
    captions: tuple[Span, ...] = ()  # photo captions and credits: in the text, never in a sentence
    dated: str | None = None  # the page's date as precisely as it gives it: YYYY-MM-DD, YYYY-MM or YYYY
    retrieval: Retrieval | None = None
    notes: tuple[str, ...] = ()  # what reading had to change (sentences cut), for the build report

    def sentence_at(self, offset: int) -> Sentence:
        """The sentence containing ``offset``."""
        for sentence in self.sentences:
            if sentence.span.start <= offset < sentence.span.end:
                return sentence
        raise IndexError(f"offset {offset} is in no sentence of {self.key}")


class EntityType(enum.Enum):
    """What an entity is, in the terms of the competency questions."""

    ORGANIZATION = "Organization"
    GOVERNMENT_ORGANIZATION = "GovernmentOrganization"
    PLACE = "Place"
    PERSON = "Person"
    PROJECT = "Project"

    @property
    def family(self) -> str:
        return "Organization" if self is EntityType.GOVERNMENT_ORGANIZATION else self.value


@dataclass(frozen=True)
class Entity:
    """A resolved organisation, place or person."""

    iri: str
    type: EntityType
    name: str
    governs: str | None = None
    same_as: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """The sentence a fact was read from."""

    sentence: int
    span: Span
    text: str


@dataclass(frozen=True)
class Mention:
    entity: str
    span: Span
    surface: str
    sentence: int


@dataclass(frozen=True)
class Tenure:
    """When a post was held, as the article says it. Dates are YYYY-MM-DD, YYYY-MM or YYYY.

    ``start``/``end`` are stated ("từ tháng 3/2024", "giai đoạn 2016–2020"); ``start_by`` /
    ``end_by`` are the article's date when it only says the post began recently ("tân",
    "vừa được bổ nhiệm") or had ended ("nguyên", "khi còn là"): not after that date;
    ``observed`` is the article's date when it says nothing of the period."""

    start: str | None = None
    end: str | None = None
    start_by: str | None = None
    end_by: str | None = None
    observed: str | None = None


@dataclass(frozen=True)
class Membership:
    """A person holding a position (and maybe a rank) in an organisation."""

    person: str
    role: str
    organization: str | None
    evidence: Evidence
    confidence: float = 0.8
    title: str | None = None  # the title of office (titles reference data) the role stands for
    tenure: Tenure = Tenure()


@dataclass(frozen=True)
class Agreement:
    kind: str  # "StrategicAgreement" | "MemorandumOfUnderstanding" | "CooperationAgreement"
    parties: tuple[str, ...]
    evidence: Evidence
    label: str
    start: int | None = None
    end: int | None = None
    horizon: int | None = None
    signed: str | None = None
    concepts: tuple[str, ...] = ()
    commitments: tuple[str, ...] = ()
    earlier: bool = False
    confidence: float = 0.8


@dataclass(frozen=True)
class Target:
    subject: str
    description: str
    evidence: Evidence
    year: int | None = None
    rank_threshold: int | None = None
    agreement: int | None = None
    confidence: float = 0.7


@dataclass(frozen=True)
class Quote:
    speaker: str
    text: str
    direct: bool
    evidence: Evidence
    confidence: float = 0.8


@dataclass(frozen=True)
class Document:
    kind: str
    evidence: Evidence
    label: str
    number: str | None = None
    identifier: str | None = None
    issuer: str | None = None
    title: str | None = None
    confidence: float = 0.8


@dataclass(frozen=True)
class Award:
    name: str
    recipient: str
    recipient_label: str
    evidence: Evidence
    event: str | None = None
    confidence: float = 0.7


@dataclass(frozen=True)
class Indicator:
    subject: str
    value: float
    surface: str
    evidence: Evidence
    unit: str | None = None
    about: str | None = None
    confidence: float = 0.7


@dataclass(frozen=True)
class ConceptMention:
    concept: str
    evidence: Evidence
    agreement: int | None = None


@dataclass(frozen=True)
class Extraction:
    """Everything read from one article."""

    article: Article
    entities: tuple[Entity, ...] = ()
    mentions: tuple[Mention, ...] = ()
    ranks: tuple[tuple[str, str], ...] = ()  # (person IRI, rank concept IRI)
    memberships: tuple[Membership, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    targets: tuple[Target, ...] = ()
    quotes: tuple[Quote, ...] = ()
    documents: tuple[Document, ...] = ()
    awards: tuple[Award, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    concepts: tuple[ConceptMention, ...] = ()
    notes: tuple[str, ...] = field(default=())
