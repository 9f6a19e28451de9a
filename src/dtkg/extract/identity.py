"""Who a person is across articles: a person's IRI is keyed by the name and by the
organisation of the first post the article gives them (a governing body stands for the
place it governs, so a provincial leader keeps one IRI across UBND, HĐND and Tỉnh ủy).

Namesakes in different organisations get different IRIs; the same person named with a
post in the same organisation (or the same province's bodies) in several articles gets
one. A person the article names with no post keeps the name-only IRI: nothing ties them
to one namesake rather than another.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from dtkg import iris
from dtkg.extract.gazetteer import Gazetteer
from dtkg.model import EntityType, Extraction

_LINKS = ("iri", "entity", "person", "speaker", "subject", "recipient")


def anchor_persons(x: Extraction, *, base: str, gaz: Gazetteer) -> Extraction:
    """``x`` with each person who holds a post re-keyed by name and anchoring organisation."""
    names = {e.iri: e.name for e in x.entities if e.type is EntityType.PERSON}
    governs = {e.iri: e.governs for e in x.entities if e.governs}
    anchors: dict[str, str] = {}
    for m in sorted(x.memberships, key=lambda m: m.evidence.span.start):
        if m.person in anchors or not m.organization or m.person not in names:
            continue
        entry = gaz.by_iri.get(m.organization)
        anchors[m.person] = (entry.governs if entry and entry.governs else None) or governs.get(m.organization) or m.organization
    if not anchors:
        return x
    rename = {p: iris.person(base, names[p], anchor) for p, anchor in anchors.items()}
    return replace(x, **{f.name: _swap(getattr(x, f.name), rename) for f in fields(x) if f.name not in ("article", "notes")})


def _swap(value: Any, rename: dict[str, str]) -> Any:
    if isinstance(value, tuple):
        return tuple(_swap(v, rename) for v in value)
    if isinstance(value, str):
        return rename.get(value, value)
    if hasattr(value, "__dataclass_fields__"):
        changes = {n: rename[getattr(value, n)] for n in _LINKS
                   if hasattr(value, n) and isinstance(getattr(value, n), str) and getattr(value, n) in rename}
        return replace(value, **changes) if changes else value
    return value
