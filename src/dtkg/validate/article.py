"""Validating one article: each of its graphs with the per-graph shapes, in one call.

An article built by dtkg is a set of quads: its article graph and its record in the
metadata graph. :func:`validate_article` validates each graph's part on its own (the
metadata graph's results add up over all articles, since records never share a node),
looks up what a report needs about its findings while the article's data is at hand,
and cuts out what the cross-article shapes can see of it (its *projection*), which
:class:`~dtkg.validate.cross.CrossArticle` collects.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from dtkg.validate.context import ReportContext, build_context, graph_label
from dtkg.validate.engine import Validator
from dtkg.validate.results import ValidationRun


@dataclass(frozen=True)
class ArticleCheck:
    """One article validated: its findings, what reporting them needs, and its cross-article projection."""

    run: ValidationRun
    context: ReportContext
    projection: bytes  # N-Triples, sorted: what the cross-article shapes can see of the article

    @property
    def projection_digest(self) -> str:
        return hashlib.sha256(self.projection).hexdigest()


def validate_article(quads: Iterable[ox.Quad], *, validator: Validator) -> ArticleCheck:
    """Validate each graph of one article's quads on its own; see the module docstring."""
    store = ox.Store()
    store.extend(quads)
    by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
    for quad in store:
        by_graph[graph_label(quad.graph_name)].append(quad)
    run = ValidationRun.combine(validator.validate_graph(part, graph=name) for name, part in sorted(by_graph.items()))
    context = build_context(store, run) if run.findings else _sources_only(store)
    return ArticleCheck(run, context, validator.projection(store))


def _sources_only(store: ox.Store) -> ReportContext:
    return build_context(store, ValidationRun())
