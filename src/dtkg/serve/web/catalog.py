"""The catalogue: every labelled resource, its kind, names, links and article count, held in memory.

Built once from the ``catalog-*.rq`` queries, it answers three needs without touching the
store again: the label of any IRI on a page (Vietnamese or English), the kind of page an IRI
gets, and search (:meth:`Catalog.search`): words folded by :func:`dtkg.serve.web.fold.fold`,
each query word matching the start of a word of one of a resource's names, ranked by how
closely the name matches, then by how many articles mention the resource.
"""

from __future__ import annotations

import bisect
import gc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

import pyoxigraph as ox

from dtkg.serve.web.fold import fold
from dtkg.serve.web.queries import NamedQuery, PlainRow, decode_plain

SCHEMA = "https://schema.org/"
DTKG = "https://w3id.org/dtkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


class Kind(str, Enum):
    """What a resource is, for people: decides its page and the search filters."""

    ARTICLE = "article"
    AGREEMENT = "agreement"
    DOCUMENT = "document"
    PERSON = "person"
    PLACE = "place"
    ORGANIZATION = "organization"
    CONCEPT = "concept"


# the first kind whose types a resource has wins (a province's government is an organisation, not a place)
KIND_TYPES: tuple[tuple[Kind, tuple[str, ...]], ...] = (
    (Kind.ARTICLE, (SCHEMA + "NewsArticle",)),
    (Kind.AGREEMENT, (DTKG + "CooperationAgreement", DTKG + "StrategicAgreement", DTKG + "MemorandumOfUnderstanding")),
    (Kind.DOCUMENT, (DTKG + "PolicyDocument",)),
    (Kind.PERSON, (SCHEMA + "Person",)),
    (Kind.ORGANIZATION, (SCHEMA + "Organization", SCHEMA + "GovernmentOrganization", SCHEMA + "Corporation")),
    (Kind.PLACE, (SCHEMA + "Place", SCHEMA + "AdministrativeArea", DTKG + "Province", DTKG + "CentralCity",
                  SCHEMA + "Country")),
    (Kind.CONCEPT, (SKOS + "Concept",)),
)
KIND_IRI = {kind: types[0] for kind, types in KIND_TYPES}

PREFERRED, OTHER, DEFINITION = 0, 1, 2
WEIGHT = {PREFERRED: 1.0, OTHER: 0.95}
CONTEXT_WEIGHT = 0.5  # a person found through their organisation's name, an agreement through a party's
SCORED = 300  # at most this many candidate names are scored per search (the best-ranked ones) …
STARTS = 100  # … plus names equal to the query and up to this many that start with it


@dataclass
class Entry:
    """One resource: its IRI, kind, names by language, other names, definitions, links and article count."""

    iri: str
    kind: Kind | None = None
    names: dict[str, str] = field(default_factory=dict)
    other: list[str] = field(default_factory=list)
    definitions: dict[str, str] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)
    articles: int = 0

    def name(self, language: str = "vi") -> str | None:
        """The name in ``language``, else Vietnamese, else any."""
        for lang in (language, "vi", ""):
            if lang in self.names:
                return self.names[lang]
        return next(iter(self.names.values()), None)


@dataclass(frozen=True)
class Hit:
    """A search result: the resource, its score (0–1) and the name that matched."""

    entry: Entry
    score: float
    matched: str


@dataclass
class _Name:
    entry: int
    folded: str
    words: tuple[str, ...]
    weight: float
    shown: str


class Catalog:
    """Labels, kinds and a search index over the resources of one dataset (see the module docstring)."""

    QUERIES = (
        NamedQuery.of("catalog-labels"),
        NamedQuery.of("catalog-types"),
        NamedQuery.of("catalog-mentions"),
        NamedQuery.of("catalog-links"),
    )

    def __init__(self, labels: Sequence[PlainRow], types: Sequence[PlainRow], mentions: Sequence[PlainRow],
                 links: Sequence[PlainRow]) -> None:
        self.entries: dict[str, Entry] = {}
        self._read_labels(labels)
        self._read_types(types)
        for row in mentions:
            self._entry(row["s"][0]).articles = _int(row["articles"][0])
        self.inbound: dict[str, dict[str, list[str]]] = {}  # object → link → subjects
        for row in links:
            entry = self._entry(row["s"][0])
            entry.links.setdefault(row["link"][0], []).append(row["o"][0])
            self.inbound.setdefault(row["o"][0], {}).setdefault(row["link"][0], []).append(row["s"][0])
        self._name_agreements()
        self._index()

    @classmethod
    def from_results(cls, results: Sequence[Sequence[PlainRow]]) -> "Catalog":
        """The catalogue from the answers to :attr:`QUERIES` (decoded plain), in that order."""
        labels, types, mentions, links = results
        return cls(labels, types, mentions, links)

    @classmethod
    def from_answer(cls, body: bytes) -> "Catalog":
        """The catalogue from the job answering :attr:`QUERIES`.

        Millions of small objects are made here and kept: the cyclic garbage collector is paused
        meanwhile (it would walk them again and again, tripling the time), and they are frozen
        afterwards so that later collections skip them.
        """
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            catalog = cls.from_results(decode_plain(body))
        finally:
            if was_enabled:
                gc.enable()
        gc.freeze()
        return catalog

    def _entry(self, iri: str) -> Entry:
        entry = self.entries.get(iri)
        if entry is None:
            entry = self.entries[iri] = Entry(iri)
        return entry

    def _read_labels(self, rows: Iterable[PlainRow]) -> None:
        for row in rows:
            label, language = row["label"]
            value = " ".join(label.split())
            language = language.split("-")[0].lower()
            entry, rank = self._entry(row["s"][0]), _int(row["rank"][0])
            if rank == DEFINITION:
                entry.definitions.setdefault(language, value)
            elif rank == PREFERRED and language not in entry.names:
                entry.names[language] = value
            elif value not in entry.other:
                entry.other.append(value)

    def _read_types(self, rows: Iterable[PlainRow]) -> None:
        types: dict[str, set[str]] = {}
        for row in rows:
            types.setdefault(row["s"][0], set()).add(row["type"][0])
        for iri, found in types.items():
            entry = self._entry(iri)
            entry.kind = next((kind for kind, wanted in KIND_TYPES if found.intersection(wanted)), None)

    def _name_agreements(self) -> None:
        """An agreement is named by its parties ("Viettel – UBND tỉnh Quảng Ngãi"), not its generic label."""
        for entry in self.entries.values():
            parties = [self.label(iri) for iri in entry.links.get("party", [])]
            if entry.kind is Kind.AGREEMENT and parties:
                entry.names = {"vi": " – ".join(sorted(parties, key=fold))}

    def _index(self) -> None:
        """Every name (and context name) of every kind of resource, folded, and its words, sorted."""
        self._order: list[Entry] = [e for e in self.entries.values() if e.kind is not None]
        self._names: list[_Name] = []
        for number_, entry in enumerate(self._order):
            seen: set[str] = set()
            shown = [(n, WEIGHT[PREFERRED]) for n in entry.names.values()] + [(n, WEIGHT[OTHER]) for n in entry.other]
            shown += [(self.label(iri), CONTEXT_WEIGHT) for iri in self._context(entry)]
            for text, weight in shown:
                folded = fold(text)
                if folded and folded not in seen:
                    seen.add(folded)
                    self._names.append(_Name(number_, folded, tuple(folded.split()), weight, text))
        # names numbered best first (own names before context, then by article count), so the first
        # candidates by number are the ones worth scoring when a short prefix matches thousands
        self._names.sort(key=lambda n: (-n.weight, -self._order[n.entry].articles, len(n.folded)))
        self._exact: dict[str, list[int]] = {}
        postings: dict[str, list[int]] = {}
        for index, name in enumerate(self._names):
            self._exact.setdefault(name.folded, []).append(index)
            for word in set(name.words):
                postings.setdefault(word, []).append(index)
        self._starts = sorted((name.folded, index) for index, name in enumerate(self._names))
        self._by_kind: dict[Kind, set[int]] = {}
        for index, name in enumerate(self._names):
            self._by_kind.setdefault(self._order[name.entry].kind, set()).add(index)  # type: ignore[arg-type]
        self._words = sorted(postings)
        self._postings = [postings[w] for w in self._words]

    def _context(self, entry: Entry) -> list[str]:
        if entry.kind is Kind.PERSON:
            return entry.links.get("memberOf", [])
        if entry.kind is Kind.AGREEMENT:
            return entry.links.get("party", [])
        return []

    # ---------------------------------------------------------------- lookups

    def get(self, iri: str) -> Entry | None:
        """The entry of ``iri``, if the catalogue has one."""
        return self.entries.get(iri)

    def label(self, iri: str, language: str = "vi") -> str:
        """The name of ``iri`` in ``language`` (else Vietnamese, else any), or the IRI itself."""
        entry = self.entries.get(iri)
        name = entry.name(language) if entry is not None else None
        return name or iri

    def kind(self, iri: str) -> Kind | None:
        """The kind of ``iri``'s page, or None for a resource without one."""
        entry = self.entries.get(iri)
        return entry.kind if entry is not None else None

    def __len__(self) -> int:
        return len(self._order)

    # ---------------------------------------------------------------- search

    def search(self, query: str, *, kinds: Iterable[Kind] = (), limit: int = 20) -> list[Hit]:
        """Resources whose names match ``query`` (see the module docstring), best first, at most ``limit``."""
        folded = fold(query)
        words = folded.split()
        if not words:
            return []
        wanted = set(kinds)
        best: dict[int, tuple[float, str]] = {}
        candidates = self._candidates(words)
        if wanted:  # each intersection walks the smaller set
            candidates = set().union(*(candidates & self._by_kind.get(k, set()) for k in wanted))
        if len(candidates) > SCORED:
            first = bisect.bisect_left(self._starts, (folded, -1))
            starting = {i for name, i in self._starts[first:first + STARTS] if name.startswith(folded)}
            extra = starting.union(self._exact.get(folded, ()))
            if wanted:
                extra = {i for i in extra if self._order[self._names[i].entry].kind in wanted}
            candidates = set(sorted(candidates)[:SCORED]).union(extra)
        for index in candidates:
            name = self._names[index]
            score = _score(folded, words, name) * name.weight
            if score > best.get(name.entry, (0.0, ""))[0]:
                best[name.entry] = (score, name.shown)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], -self._order[kv[0]].articles, kv[1][1]))
        return [Hit(self._order[i], round(score, 4), shown) for i, (score, shown) in ranked[:limit]]

    def _candidates(self, words: list[str]) -> set[int]:
        """The names holding, for every query word, a word that starts with it."""
        found: set[int] | None = None
        for word in sorted(set(words), key=len, reverse=True):
            start = bisect.bisect_left(self._words, word)
            end = bisect.bisect_left(self._words, word + "\uffff", lo=start)
            matching: set[int] = set()
            for postings in self._postings[start:end]:
                matching.update(postings)
            found = matching if found is None else found & matching
            if not found:
                return set()
        return found or set()


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


def _score(folded: str, words: list[str], name: _Name) -> float:
    """How well a name matches: whole name 1, its start 0.9, whole words 0.8, word starts 0.7 (less when longer)."""
    if name.folded == folded:
        return 1.0
    extra = max(len(name.words) - len(words), 0)
    if name.folded.startswith(folded + " ") or name.folded.startswith(folded):
        return 0.9 - 0.02 * min(extra, 5)
    whole = all(w in name.words for w in words)
    return (0.8 if whole else 0.7) - 0.02 * min(extra, 5)


def kind_of(types: Iterable[ox.NamedNode | str]) -> Kind | None:
    """The kind for a set of rdf:types."""
    found = {t.value if isinstance(t, ox.NamedNode) else t for t in types}
    return next((kind for kind, wanted in KIND_TYPES if found.intersection(wanted)), None)
