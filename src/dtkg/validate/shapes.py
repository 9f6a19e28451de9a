"""Loading a shapes folder: syntax errors with file and line, split into per-graph and cross-article shapes.

A node shape with ``dtkg:crossArticle true`` (and everything only it reaches: its
property shapes, lists, SPARQL constraints) goes to the cross-article shapes graph;
everything else to the per-graph one. Prefix declarations reached from both stay in both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
from rdflib.term import Node, Variable

from dtkg.errors import ValidationError
from dtkg.validate.reach import parsed, reach, sparql_triples

DTKG = rdflib.Namespace("https://w3id.org/dtkg/ontology#")
_FOLLOW = {SH.property, SH.node, SH.prefixes, SH.qualifiedValueShape, SH["not"], SH["and"], SH["or"], SH.xone,
           SH.sparql, SH.path, SH.declare}


@dataclass(frozen=True)
class ShapeSet:
    """A loaded shapes folder, split for per-graph and whole-dataset validation."""

    graph: rdflib.Graph
    local_graph: rdflib.Graph
    cross_graph: rdflib.Graph
    cross: frozenset[Node]
    cross_predicates: frozenset[str] | None
    files: tuple[Path, ...]
    cross_reach: int | None = None


def shape_files(location: Path) -> list[Path]:
    """The ``*.ttl`` files of a shapes folder (not its subfolders), or the one file given."""
    location = Path(location)
    if location.is_file():
        return [location]
    if not location.is_dir():
        raise ValidationError("no such shapes folder or file", path=str(location), fix="pass --shapes DIR")
    files = sorted(location.glob("*.ttl"))
    if not files:
        raise ValidationError("no SHACL shapes (*.ttl) found", path=str(location), fix="pass --shapes DIR")
    return files


def load_shapes(location: Path) -> ShapeSet:
    """Parse every shapes file (errors name the file, line and column) and split the shapes."""
    files = shape_files(location)
    graph = rdflib.Graph()
    for path in files:
        _check_syntax(path)
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many kinds of parse errors
            raise ValidationError(f"shapes do not parse: {exc}", path=str(path)) from exc
    cross = frozenset(s for s in graph.subjects(DTKG.crossArticle, None) if _is_true(graph.value(s, DTKG.crossArticle)))
    local_roots = _roots(graph) - cross
    cross_reached = _closure(graph, cross)
    cross_only = cross_reached - _closure(graph, local_roots)
    local_graph = _subgraph(graph, lambda s: s not in cross_only)
    cross_graph = _subgraph(graph, lambda s: s in cross_reached)
    bounded = (None, RDF.type, SH.ConstraintComponent) not in graph  # custom components: reach unknown
    return ShapeSet(graph, local_graph, cross_graph, cross, _predicates(cross_graph), tuple(files),
                    reach(cross_graph, cross) if bounded else None)


def _check_syntax(path: Path) -> None:
    """Raise a :class:`ValidationError` naming line and column when a file is not valid Turtle."""
    try:
        for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
            pass
    except SyntaxError as exc:
        where = f"line {exc.lineno}, column {exc.offset}" if exc.lineno else "somewhere"
        raise ValidationError(f"shapes are not valid Turtle at {where}: {exc.msg}", path=str(path)) from exc
    except OSError as exc:
        raise ValidationError(f"cannot read the shapes file: {exc}", path=str(path)) from exc


def _is_true(value: Node | None) -> bool:
    return isinstance(value, rdflib.Literal) and value.toPython() is True


def _roots(graph: rdflib.Graph) -> set[Node]:
    roots = set(graph.subjects(RDF.type, SH.NodeShape))
    for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        roots |= set(graph.subjects(predicate, None))
    return roots


def _closure(graph: rdflib.Graph, roots: Iterable[Node]) -> set[Node]:
    """The shapes, lists and blank nodes reachable from ``roots``."""
    seen: set[Node] = set()
    todo = list(roots)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for predicate, obj in graph.predicate_objects(node):
            if isinstance(obj, rdflib.BNode) or (predicate in _FOLLOW and isinstance(obj, rdflib.URIRef)):
                todo.append(obj)
    return seen


def _subgraph(graph: rdflib.Graph, keep) -> rdflib.Graph:  # type: ignore[no-untyped-def]
    out = rdflib.Graph()
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace)
    for triple in graph:
        if keep(triple[0]):
            out.add(triple)
    return out


def _predicates(cross_graph: rdflib.Graph) -> frozenset[str] | None:
    """Every IRI the cross shapes name (a superset of the predicates they read), or None for "any"."""
    found = {str(o) for o in cross_graph.objects() if isinstance(o, rdflib.URIRef)}
    for constraint in set(cross_graph.subjects(SH.select, None)) | set(cross_graph.subjects(SH.ask, None)):
        text = cross_graph.value(constraint, SH.select) or cross_graph.value(constraint, SH.ask)
        iris = _sparql_iris(str(text), _prefixes(cross_graph, constraint))
        if iris is None:
            return None
        found |= iris
    return frozenset(found)


def _prefixes(graph: rdflib.Graph, constraint: Node) -> dict[str, str]:
    out: dict[str, str] = {}
    for holder in graph.objects(constraint, SH.prefixes):
        for declaration in graph.objects(holder, SH.declare):
            prefix, namespace = graph.value(declaration, SH.prefix), graph.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                out[str(prefix)] = str(namespace)
    return out


def _sparql_iris(text: str, prefixes: dict[str, str]) -> set[str] | None:
    """The IRIs a SPARQL query names; None when a triple pattern has a variable or negated predicate."""
    try:
        query = parsed(text, tuple(sorted(prefixes.items())))
    except Exception as exc:  # pyparsing raises its own exceptions
        raise ValidationError(f"a cross-article SPARQL constraint does not parse: {exc}") from exc
    iris: set[str] = set()
    for triple in sparql_triples(query.algebra):
        predicate = triple[1]
        if isinstance(predicate, Variable) or _negated(predicate):
            return None
        iris |= {str(t) for t in (triple[0], triple[2]) if isinstance(t, rdflib.URIRef)} | _path_iris(predicate)
    return iris


def _negated(predicate: object) -> bool:
    if isinstance(predicate, NegatedPath):
        return True
    return any(_negated(p) for p in _sub_paths(predicate))


def _sub_paths(path: object) -> list[object]:
    if isinstance(path, (SequencePath, AlternativePath)):
        return list(path.args)
    if isinstance(path, MulPath):
        return [path.path]
    if isinstance(path, InvPath):
        return [path.arg]
    return []


def _path_iris(path: object) -> set[str]:
    if isinstance(path, rdflib.URIRef):
        return {str(path)}
    out: set[str] = set()
    for sub in _sub_paths(path):
        out |= _path_iris(sub)
    return out
