"""Mapping: JSON records → RDF, declaratively.

``mappings/context.jsonld`` lifts the records into a record vocabulary; the SPARQL
CONSTRUCT files ``mappings/NN-*.rq`` shape that into the ontology (article graph) and
``mappings/meta-*.rq`` into build metadata (metadata graph). pyoxigraph runs both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from dtkg import iris, resources
from dtkg.errors import MappingError
from dtkg.mapping.records import Record, build_records
from dtkg.model import Extraction

__all__ = ["Mapper", "build_records"]


@dataclass(frozen=True)
class _Query:
    path: Path
    text: str
    meta: bool


class Mapper:
    """The compiled mappings: load once per worker, then :meth:`map` many articles."""

    def __init__(self, mappings: Path | None = None) -> None:
        root = mappings or resources.mappings_dir()
        context_path = root / "context.jsonld"
        try:
            self.context = json.loads(context_path.read_text(encoding="utf-8"))["@context"]
        except (OSError, ValueError, KeyError) as exc:
            raise MappingError(f"cannot read the JSON-LD context: {exc}", path=str(context_path)) from exc
        self.queries = [
            _Query(p, p.read_text(encoding="utf-8"), p.name.startswith("meta-"))
            for p in sorted(root.glob("*.rq"))
        ]
        if not self.queries:
            raise MappingError("no mapping queries (*.rq) found", path=str(root))

    def map(self, extractions: list[Extraction], *, base: str, builder: str) -> list[ox.Quad]:
        """Quads for one source file: its article graph and its part of the metadata graph."""
        records = build_records(extractions, base=base, builder=builder)
        key = extractions[0].article.key
        return self.map_records(records, graph=iris.article_graph(base, key), meta_graph=iris.meta_graph(base))

    def map_records(self, records: list[Record], *, graph: str, meta_graph: str) -> list[ox.Quad]:
        store = ox.Store()
        long: dict[str, str] = {}
        document = json.dumps({"@context": self.context, "@graph": _set_aside(records, long)}, ensure_ascii=False)
        try:
            store.load(document.encode("utf-8"), format=ox.RdfFormat.JSON_LD)
        except (SyntaxError, ValueError) as exc:
            raise MappingError(f"the records do not lift to RDF: {exc}", path=graph) from exc
        quads: list[ox.Quad] = []
        for query in self.queries:
            target = ox.NamedNode(meta_graph if query.meta else graph)
            try:
                result = store.query(query.text)
            except (SyntaxError, OSError, RuntimeError) as exc:
                raise MappingError(f"mapping query failed: {exc}", path=str(query.path)) from exc
            quads.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in result)  # type: ignore[union-attr]
        return [_restored(q, long) for q in quads] if long else quads


_LONG = 1 << 20  # characters: the JSON-LD parser holds one string in a bounded buffer (16 MiB of UTF-8)


def _set_aside(value: Any, long: dict[str, str]) -> Any:
    """``value`` with each string longer than :data:`_LONG` (an article's whole text) replaced by a
    placeholder, kept in ``long``; the mappings pass such strings through unchanged."""
    if isinstance(value, str) and len(value) > _LONG:
        placeholder = f"\ue000dtkg-long-{len(long)}\ue000"
        long[placeholder] = value
        return placeholder
    if isinstance(value, dict):
        return {k: _set_aside(v, long) for k, v in value.items()}
    if isinstance(value, list):
        return [_set_aside(v, long) for v in value]
    return value


def _restored(quad: ox.Quad, long: dict[str, str]) -> ox.Quad:
    value = quad.object
    if not isinstance(value, ox.Literal) or value.value not in long:
        return quad
    text = long[value.value]
    literal = ox.Literal(text, language=value.language) if value.language else ox.Literal(text, datatype=value.datatype)
    return ox.Quad(quad.subject, quad.predicate, literal, quad.graph_name)
