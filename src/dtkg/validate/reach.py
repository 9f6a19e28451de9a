"""How far from its focus node a shape reads: what makes cross-article validation incremental.

A shape's *reach* is the number of levels of nodes whose outgoing triples its check of a
focus node can read: the focus node's own triples are level 0, the objects of those
triples are level 1, and so on. ``sh:path ex:p`` followed by ``sh:class`` reads the focus
node's ``ex:p`` triples and the values' ``rdf:type`` triples: reach 2. The result for a
focus node then depends only on triples whose subject lies fewer than *reach* forward
hops from it (plus ``rdfs:subClassOf``, which is always given in full), so a change to
the data can only alter the results of focus nodes within ``reach - 1`` hops before the
subject of a changed triple.

The analysis is conservative: anything it cannot bound (inverse or repeated paths, SPARQL
patterns not anchored at ``$this``, variable predicates) makes the reach unknown (None),
and callers then recheck everything.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.paths import SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node, Variable

# Constraints about the value node itself (reach 0 from it).
_ON_VALUE = {SH.datatype, SH.nodeKind, SH["in"], SH.hasValue, SH.minLength, SH.maxLength, SH.pattern,
             SH.languageIn, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive}
_NESTED = {SH.node, SH.qualifiedValueShape, SH["not"]}
_LISTS = {SH["and"], SH["or"], SH.xone}
_PAIRS = {SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals}


def reach(shapes: rdflib.Graph, roots: Iterable[Node]) -> int | None:
    """The largest reach of the node shapes ``roots``, or None when it cannot be bounded."""
    best = 0
    for root in roots:
        found = _shape(shapes, root, frozenset())
        if found is None:
            return None
        best = max(best, found)
    return best


def _shape(shapes: rdflib.Graph, shape: Node, seen: frozenset[Node]) -> int | None:
    """The reach of a shape applied to a value node (level 0)."""
    if shape in seen:
        return None  # recursive shapes are not bounded
    seen = seen | {shape}
    path = shapes.value(shape, SH.path)
    length = 0 if path is None else _path_length(shapes, path)
    if length is None:
        return None
    own = _constraints(shapes, shape, seen)
    if own is None:
        return None
    if path is None:
        return own
    return length + own  # the path's own triples are levels 0..length-1, its values' from length on


def _constraints(shapes: rdflib.Graph, shape: Node, seen: frozenset[Node]) -> int | None:
    """The reach of a shape's constraints from the nodes they apply to (its value nodes)."""
    best = 0
    for predicate, obj in shapes.predicate_objects(shape):
        found: int | None = 0
        if predicate == SH["class"]:
            found = 1
        elif predicate in _NESTED or predicate == SH.property:
            found = _shape(shapes, obj, seen)
        elif predicate in _LISTS:
            found = _most(_shape(shapes, member, seen) for member in Collection(shapes, obj))
        elif predicate in _PAIRS:
            found = 1
        elif predicate == SH.sparql:
            found = _sparql(shapes, obj)
        elif predicate == SH.closed:
            found = 1
        if found is None:
            return None
        best = max(best, found)
    return best


def _most(values: Iterable[int | None]) -> int | None:
    best = 0
    for value in values:
        if value is None:
            return None
        best = max(best, value)
    return best


def _path_length(shapes: rdflib.Graph, path: Node) -> int | None:
    """Hops of a path made of forward predicates only (an IRI or a sequence); None otherwise."""
    if isinstance(path, rdflib.URIRef):
        return 1
    if isinstance(path, rdflib.BNode) and (path, rdflib.RDF.first, None) in shapes:
        steps = [_path_length(shapes, step) for step in Collection(shapes, path)]
        return None if any(s is None for s in steps) else sum(steps)  # type: ignore[arg-type]
    return None


def _sparql(shapes: rdflib.Graph, constraint: Node) -> int | None:
    """The reach of a SHACL-SPARQL constraint: breadth-first from ``$this`` along its triple patterns."""
    text = shapes.value(constraint, SH.select) or shapes.value(constraint, SH.ask)
    if text is None:
        return None
    prefixes = {}
    for holder in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                prefixes[str(prefix)] = str(namespace)
    try:
        patterns = list(sparql_triples(parsed(str(text), tuple(sorted(prefixes.items()))).algebra))
    except Exception:  # pyparsing raises its own exceptions; unparsable means unbounded
        return None
    return _pattern_reach(patterns)


def _pattern_reach(patterns: list[tuple[Node, Node, Node]]) -> int | None:
    level: dict[Node, int] = {Variable("this"): 0}
    changed = True
    while changed:
        changed = False
        for subject, predicate, obj in patterns:
            hops = _predicate_hops(predicate)
            if subject in level and hops is not None and isinstance(obj, Variable):
                candidate = level[subject] + hops
                if obj not in level or candidate < level[obj]:
                    level[obj] = candidate
                    changed = True
    best = 0
    for subject, predicate, _obj in patterns:
        hops = _predicate_hops(predicate)
        if subject not in level or hops is None:
            return None  # a pattern not anchored at $this, an inverse or repeated path, a variable predicate
        best = max(best, level[subject] + hops)
    return best


def _predicate_hops(predicate: Node) -> int | None:
    if isinstance(predicate, rdflib.URIRef):
        return 1
    if isinstance(predicate, SequencePath):
        steps = [_predicate_hops(p) for p in predicate.args]  # type: ignore[arg-type]
        return None if any(s is None for s in steps) else sum(steps)  # type: ignore[arg-type]
    return None


@functools.lru_cache(maxsize=64)
def parsed(text: str, prefixes: tuple[tuple[str, str], ...]) -> Query:
    """A SPARQL query parsed once per process (shapes are read more than once)."""
    return prepareQuery(text, initNs=dict(prefixes))


def sparql_triples(node: object) -> Iterator[tuple]:
    """Every triple pattern of a parsed SPARQL query's algebra (in filters and subqueries too)."""
    if isinstance(node, CompValue):
        if node.name == "BGP":
            yield from node.get("triples", [])  # type: ignore[arg-type]
        for value in node.values():
            yield from sparql_triples(value)
    elif isinstance(node, (list, tuple)) and not (len(node) == 3 and all(isinstance(t, Node) for t in node)):
        for value in node:
            yield from sparql_triples(value)
