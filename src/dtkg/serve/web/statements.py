"""The full statement table every resource page ends with: what is said about it, and what points at it."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from dtkg.serve import formats
from dtkg.serve.responses import Link, alternates
from dtkg.serve.web.items import Item, Linker
from dtkg.serve.web.queries import NamedQuery, Row


@dataclass(frozen=True)
class Statement:
    """A row: the predicate, the other end of the statement, and its graph."""

    predicate: Item
    value: Item
    graph: Item


@dataclass(frozen=True)
class Table:
    """Outbound and inbound statements, and links to the resource's other representations."""

    outbound: list[Statement]
    inbound: list[Statement]
    alternates: list[Link]


def queries(iri: str) -> tuple[NamedQuery, NamedQuery]:
    """The two queries the table needs."""
    node = ox.NamedNode(iri)
    return NamedQuery.of("statements-out", s=node), NamedQuery.of("statements-in", o=node)


def table(linker: Linker, outbound: list[Row], inbound: list[Row], path: str) -> Table:
    """The table from the answers to :func:`queries`."""
    return Table(
        outbound=[Statement(linker.term(r["p"]), linker.term(r["o"]), linker.term(r["g"])) for r in outbound],
        inbound=[Statement(linker.term(r["p"]), linker.term(r["s"]), linker.term(r["g"])) for r in inbound],
        alternates=alternates(path, formats.RESOURCE_OFFERS),
    )
