"""The dataset's statistics for its VoID description, counted once per dataset in bounded memory.

- ``triples``: statements in the store, counted per graph (the lines of the N-Quads dump);
- ``graphs``: named graphs;
- ``entities``: distinct resources with an ``rdf:type``;
- per class: its distinct instances; per property: its statements;
- ``graph_triples``: the statements of each graph named in ``featured`` (the metadata and reference graphs);
- ``built_with``: the distinct ``dtkg:builtWith`` values (which dtkg built the articles).

Distinct counts go through :func:`count_distinct`, which sorts 64-bit digests in runs on disk,
so that a dataset of any size is counted in a few tens of MiB.
"""

from __future__ import annotations

import hashlib
import heapq
import os
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

QUERIES = Path(__file__).resolve().parent / "void"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RUN = 1_000_000  # digests sorted in memory at a time (8 MB)


@dataclass(frozen=True)
class Statistics:
    """What the VoID description counts."""

    triples: int
    graphs: int
    entities: int
    classes: tuple[tuple[str, int], ...]
    properties: tuple[tuple[str, int], ...]
    graph_triples: tuple[tuple[str, int], ...]
    built_with: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> "Statistics":
        def pairs(key: str) -> tuple[tuple[str, int], ...]:
            return tuple((str(a), int(b)) for a, b in data[key])  # type: ignore[attr-defined]

        return cls(
            triples=int(data["triples"]),  # type: ignore[call-overload]
            graphs=int(data["graphs"]),  # type: ignore[call-overload]
            entities=int(data["entities"]),  # type: ignore[call-overload]
            classes=pairs("classes"),
            properties=pairs("properties"),
            graph_triples=pairs("graph_triples"),
            built_with=tuple(str(v) for v in data["built_with"]),  # type: ignore[attr-defined]
        )

    @property
    def vocabularies(self) -> tuple[str, ...]:
        """The namespaces of the classes and properties used, sorted."""
        return tuple(sorted({namespace(iri) for iri, _ in (*self.classes, *self.properties)}))


def namespace(iri: str) -> str:
    """An IRI's namespace: up to its last ``#`` or ``/``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut > 0 else iri


def compute(store: ox.Store, *, featured: Sequence[str]) -> Statistics:
    """Count ``store`` (each query file in ``void/`` runs once; classes are read in index order)."""
    properties = sorted((str(row["property"].value), int(row["triples"].value)) for row in _select(store, "properties"))
    classes = [str(row["class"].value) for row in _select(store, "classes")]
    counted = sorted((c, count_distinct(_subjects(store, ox.NamedNode(c)))) for c in classes)
    featured_counts = tuple(
        (g, sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(g))))
        for g in featured
        if store.contains_named_graph(ox.NamedNode(g))
    )
    return Statistics(
        triples=len(store),
        graphs=sum(1 for _ in store.named_graphs()),
        entities=count_distinct(_subjects(store, None)),
        classes=tuple(counted),
        properties=tuple(properties),
        graph_triples=featured_counts,
        built_with=tuple(sorted(str(row["value"].value) for row in _select(store, "built-with"))),
    )


def _select(store: ox.Store, name: str) -> ox.QuerySolutions:
    results = store.query((QUERIES / f"{name}.rq").read_text(encoding="utf-8"))
    assert isinstance(results, ox.QuerySolutions)
    return results


def _subjects(store: ox.Store, cls: ox.NamedNode | None) -> Iterator[int]:
    """A 64-bit digest of the subject of every ``rdf:type`` statement (of class ``cls``, if given)."""
    for quad in store.quads_for_pattern(None, RDF_TYPE, cls, None):
        yield digest(str(quad.subject))


def digest(text: str) -> int:
    """A signed 64-bit digest of ``text``."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little", signed=True)


def count_distinct(keys: Iterable[int], *, run: int = RUN) -> int:
    """How many distinct values ``keys`` holds: sorted runs of ``run`` values spilled to disk, then merged."""
    buffer = array("q")
    with tempfile.TemporaryDirectory(prefix="dtkg-count-") as folder:
        runs: list[Path] = []
        for key in keys:
            buffer.append(key)
            if len(buffer) >= run:
                runs.append(_spill(buffer, Path(folder) / f"{len(runs)}.bin"))
                buffer = array("q")
        if not runs:
            return len(set(buffer))
        runs.append(_spill(buffer, Path(folder) / f"{len(runs)}.bin"))
        count, last = 0, None
        for key in heapq.merge(*(_read(path) for path in runs)):
            if key != last:
                count, last = count + 1, key
        return count


def _spill(buffer: array[int], path: Path) -> Path:
    with path.open("wb") as handle:
        array("q", sorted(set(buffer))).tofile(handle)
    return path


def _read(path: Path, *, block: int = 65536) -> Iterator[int]:
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size // 8
        while size > 0:
            values = array("q")
            values.fromfile(handle, min(block, size))
            size -= len(values)
            yield from values
