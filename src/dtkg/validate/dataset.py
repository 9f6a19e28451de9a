"""Validating a whole RDF dataset: every graph on its own, then the cross-article shapes on the union."""

from __future__ import annotations

import pyoxigraph as ox

from dtkg.validate.context import graph_label
from dtkg.validate.cross import CrossArticle
from dtkg.validate.engine import Validator
from dtkg.validate.results import ValidationRun


def validate_dataset(store: ox.Store, validator: Validator) -> ValidationRun:
    """Each graph (named graphs in IRI order, then the default graph) with the per-graph shapes,
    then the cross-article shapes on the union of all of them."""
    cross = CrossArticle(validator)
    runs = []
    try:
        for number, graph in enumerate(dataset_graphs(store)):
            quads = list(store.quads_for_pattern(None, None, None, graph))
            runs.append(validator.validate_graph(quads, graph=graph_label(graph)))
            cross.add(f"urn:dtkg:graph:{number}", validator.projection(quads, narrow=False))
        runs.append(cross.finish())
    finally:
        cross.close()
    return ValidationRun.combine(runs)


def dataset_graphs(store: ox.Store) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
    """The named graphs of a store in IRI order, then the default graph when it has triples."""
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = sorted(store.named_graphs(), key=str)
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        graphs.append(ox.DefaultGraph())
    return graphs
