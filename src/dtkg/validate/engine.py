"""One graph validated with shapes compiled once, on either engine, read back as findings.

:class:`Validator` loads a shapes folder, splits it into per-graph and cross-article
shapes and compiles both once for the chosen engine. Data is a pyoxigraph store (or
quads/triples): graph names are dropped, the ontology's class axioms added, and the
engine's report read back into :class:`~dtkg.validate.results.Finding` records that do
not depend on the engine. How many focus nodes each node shape targeted is counted here,
on the same store, the same way for both engines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, SH, XSD

from dtkg import resources
from dtkg.settings import ShaclEngine
from dtkg.validate.engines import Program, compile_program
from dtkg.validate.results import DEFAULT_GRAPH, WHOLE_DATASET, Finding, Severity, ValidationRun
from dtkg.validate.shapes import ShapeSet, load_shapes

_TYPE = ox.NamedNode(str(RDF.type))
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))
Data = ox.Store | Iterable[ox.Quad | ox.Triple]


@dataclass(frozen=True)
class _Target:
    """What one node shape targets (SHACL §2.1.3), as pyoxigraph terms."""

    key: str
    nodes: tuple[ox.NamedNode | ox.BlankNode | ox.Literal, ...]
    classes: tuple[ox.NamedNode, ...]
    subjects_of: tuple[ox.NamedNode, ...]
    objects_of: tuple[ox.NamedNode, ...]


@dataclass
class _Compiled:
    """One shapes graph compiled for one engine, with what reading its reports needs."""

    program: Program
    targets: tuple[_Target, ...]
    parents: dict[rdflib.term.Node, rdflib.term.Node]
    templates: dict[rdflib.term.Node, list[tuple[re.Pattern[str], str]]] = field(default_factory=dict)

    @classmethod
    def of(cls, shapes: rdflib.Graph, engine: ShaclEngine) -> "_Compiled":
        program = compile_program(shapes, engine)
        graph = program.shapes
        node_shapes = set(graph.subjects(RDF.type, SH.NodeShape)) | _targeting(graph)
        targets = tuple(sorted((_target(graph, s) for s in node_shapes), key=lambda t: t.key))
        parents = {p: s for s, p in graph.subject_objects(SH.property)}
        return cls(program, targets, parents)

    @property
    def graph(self) -> rdflib.Graph:
        return self.program.shapes

    def is_empty(self) -> bool:
        return not self.targets


class Validator:
    """Shapes loaded and compiled once for one engine; validate many graphs with them."""

    def __init__(self, shapes_dir: Path | None = None, *, engine: ShaclEngine = ShaclEngine.TURBO,
                 ontology: bool = True) -> None:
        self.shapes_dir = Path(shapes_dir) if shapes_dir is not None else resources.shapes_dir()
        self.engine = engine
        self.shapes: ShapeSet = load_shapes(self.shapes_dir)
        self.cross = self.shapes.cross
        self.local_shapes = self.shapes.local_graph
        self.cross_shapes = self.shapes.cross_graph
        self._local = _Compiled.of(self.local_shapes, engine)
        self._cross = _Compiled.of(self.cross_shapes, engine)
        self.class_axioms: tuple[ox.Quad, ...] = _class_axioms(ontology)
        self._relevant_types = _relevant_types(self.shapes, [*self.class_axioms, *_reference_hierarchy()])

    def validate_graph(self, data: Data, *, graph: str | None = None) -> ValidationRun:
        """Validate one graph (an article's, or any) with the per-graph shapes."""
        return self._validate(self._local, data, graph=graph, key=graph or DEFAULT_GRAPH)

    def validate_union(self, data: Data) -> ValidationRun:
        """Run the cross-article shapes once on ``data`` (the union of all its graphs).

        A store given is used as it is, the class axioms added to it: pass one whose
        triples are all in the default graph.
        """
        return self._validate(self._cross, data, graph=None, key=WHOLE_DATASET)

    def _validate(self, compiled: _Compiled, data: Data, *, graph: str | None, key: str) -> ValidationRun:
        if compiled.is_empty():
            return ValidationRun()
        if isinstance(data, ox.Store) and compiled is self._cross:
            work = data
            work.extend(self.class_axioms)
        else:
            work = self.working_store(data)
        report = compiled.program.run(work)
        targeted = _targets(compiled.targets, work)
        return ValidationRun(_findings(report, compiled, graph), targeted, {key: targeted})

    def working_store(self, data: Data) -> ox.Store:
        """The data's triples in the default graph of a new store, with the class axioms."""
        store = ox.Store()
        quads = data if not isinstance(data, ox.Store) else iter(data)
        store.extend(_in_default_graph(quads))
        store.extend(self.class_axioms)
        return store

    @property
    def cross_reach(self) -> int | None:
        """How far from a focus node the cross-article shapes read (see :mod:`dtkg.validate.reach`)."""
        return self.shapes.cross_reach

    @property
    def cross_targets(self) -> tuple[_Target, ...]:
        return self._cross.targets

    def projection(self, data: Data, *, narrow: bool = True) -> bytes:
        """What the cross-article shapes can see of ``data``: sorted N-Triples, blank nodes skolemised.

        Every ``rdfs:subClassOf`` triple, the ``rdf:type`` triples and those whose predicate
        a cross shape names; everything when a shape's SPARQL has a variable predicate.
        ``narrow`` keeps only the types the cross shapes can ask about (the classes they
        name and their subclasses in the ontology, the reference data and the shapes'
        support files), unless the data brings subclass axioms of its own; pass
        ``narrow=False`` for data whose other graphs might. Blank nodes become
        ``urn:dtkg:blank:…`` IRIs so that findings about them can be told apart across
        articles (:func:`unskolemise` turns them back).
        """
        predicates = self.shapes.cross_predicates
        wanted = None if predicates is None else predicates | {str(RDF.type), str(RDFS.subClassOf)}
        quads = list(data if not isinstance(data, ox.Store) else iter(data))
        types = self._relevant_types if narrow and not any(q.predicate == _SUBCLASS for q in quads) else None
        triples = {ox.Triple(_skolem(q.subject), q.predicate, _skolem(q.object)) for q in quads
                   if (wanted is None or q.predicate.value in wanted)
                   and (types is None or q.predicate != _TYPE or q.object.value in types)}
        return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES)  # type: ignore[return-value]

    def validate_cross(self, store: ox.Store) -> ValidationRun:
        """The cross-article shapes once on the union of all graphs of ``store``."""
        if self._cross.is_empty():
            return ValidationRun()
        triples = ox.parse(self.projection(store, narrow=False), format=ox.RdfFormat.N_TRIPLES)
        return unskolemise(self.validate_union(triples))


SKOLEM = "urn:dtkg:blank:"


def _skolem(term: ox.Term) -> ox.Term:  # type: ignore[name-defined]
    return ox.NamedNode(SKOLEM + term.value) if isinstance(term, ox.BlankNode) else term


def unskolemise(run: ValidationRun) -> ValidationRun:
    """Findings about skolemised blank nodes (see :meth:`Validator.projection`) about blank nodes again."""
    if not any(f.focus.startswith(SKOLEM) or (f.value or "").startswith(SKOLEM) for f in run.findings):
        return run
    return replace(run, findings=tuple(_unskolem_finding(f) for f in run.findings))


def _unskolem_finding(f: Finding) -> Finding:
    if f.focus.startswith(SKOLEM):
        f = replace(f, focus=f.focus[len(SKOLEM):], focus_is_iri=False)
    if f.value_is_iri and f.value and f.value.startswith(SKOLEM):
        f = replace(f, value=f.value[len(SKOLEM):], value_is_iri=False, value_nt="_:" + f.value[len(SKOLEM):])
    return f


def _in_default_graph(quads: Iterable[ox.Quad | ox.Triple]) -> Iterator[ox.Quad]:
    for q in quads:
        yield ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())


def _class_axioms(ontology: bool) -> tuple[ox.Quad, ...]:
    """The rdfs:subClassOf triples of the ontology and of ``shapes/support/*.ttl``."""
    if not ontology:
        return ()
    store = ox.Store()
    files = [resources.ontology_dir() / "dtkg.ttl", *sorted((resources.shapes_dir() / "support").glob("*.ttl"))]
    for path in files:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    return tuple(sorted(store.quads_for_pattern(None, _SUBCLASS, None, None), key=str))


def _reference_hierarchy() -> list[ox.Quad]:
    """The rdfs:subClassOf triples of the reference data every build carries."""
    store = ox.Store()
    for path in resources.reference_files():  # classes have absolute IRIs; the base only places data
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri="urn:dtkg:reference/",
                   to_graph=ox.DefaultGraph())
    return list(store.quads_for_pattern(None, _SUBCLASS, None, None))


def _relevant_types(shapes: ShapeSet, hierarchy: list[ox.Quad]) -> frozenset[str] | None:
    """The classes the cross-article shapes can ask about: those they name in sh:class and in
    targets, and every subclass of them; None (all of them) when a shape reads rdf:type itself."""
    if shapes.cross_predicates is None or str(RDF.type) in shapes.cross_predicates:
        return None
    graph = shapes.cross_graph
    named = {str(o) for o in graph.objects(None, SH["class"])} | {str(o) for o in graph.objects(None, SH.targetClass)}
    named |= {str(s) for s in graph.subjects(RDF.type, RDFS.Class)}
    below: dict[str, set[str]] = {}
    for quad in hierarchy:
        below.setdefault(quad.object.value, set()).add(quad.subject.value)  # type: ignore[union-attr]
    found, todo = set(named), list(named)
    while todo:
        for sub in below.get(todo.pop(), ()):
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return frozenset(found)


# ---------------------------------------------------------------- targets


def _targeting(shapes: rdflib.Graph) -> set[rdflib.term.Node]:
    """Shapes that declare a target, typed sh:NodeShape or not."""
    found: set[rdflib.term.Node] = set()
    for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        found |= set(shapes.subjects(predicate, None))
    return found


def _target(shapes: rdflib.Graph, shape: rdflib.term.Node) -> _Target:
    classes = [c for c in shapes.objects(shape, SH.targetClass) if isinstance(c, rdflib.URIRef)]
    if (shape, RDF.type, RDFS.Class) in shapes and isinstance(shape, rdflib.URIRef):
        classes.append(shape)  # an implicit class target (SHACL §2.1.3.3)
    return _Target(
        key=shape_key(shapes, shape),
        nodes=tuple(t for t in (_ox_term(n) for n in shapes.objects(shape, SH.targetNode)) if t is not None),
        classes=tuple(ox.NamedNode(str(c)) for c in sorted(set(classes))),
        subjects_of=tuple(ox.NamedNode(str(p)) for p in shapes.objects(shape, SH.targetSubjectsOf)),
        objects_of=tuple(ox.NamedNode(str(p)) for p in shapes.objects(shape, SH.targetObjectsOf)),
    )


def _ox_term(node: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
    if isinstance(node, rdflib.URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, rdflib.Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or XSD.string)))
    return None  # a blank node in the shapes graph names nothing in the data


def _targets(targets: tuple[_Target, ...], data: ox.Store) -> dict[str, int]:
    """How many focus nodes each node shape's targets select in the data."""
    return {t.key: len(focus_nodes(t, data)) for t in targets}


def focus_nodes(target: _Target, data: ox.Store, *, graph: ox.DefaultGraph | None = None,
                ) -> set[ox.NamedNode | ox.BlankNode | ox.Literal]:
    """The focus nodes a node shape's targets select in ``data`` (in ``graph``, or in any graph)."""
    nodes: set[ox.NamedNode | ox.BlankNode | ox.Literal] = set(target.nodes)  # whether or not the data has them
    for cls in target.classes:
        for sub in subclasses(data, cls, graph=graph):
            nodes.update(q.subject for q in data.quads_for_pattern(None, _TYPE, sub, graph))  # type: ignore[misc]
    for predicate in target.subjects_of:
        nodes.update(q.subject for q in data.quads_for_pattern(None, predicate, None, graph))  # type: ignore[misc]
    for predicate in target.objects_of:
        nodes.update(q.object for q in data.quads_for_pattern(None, predicate, None, graph))  # type: ignore[misc]
    return nodes


def subclasses(data: ox.Store, cls: ox.NamedNode, *, graph: ox.DefaultGraph | None = None,
               ) -> set[ox.NamedNode | ox.BlankNode]:
    """``cls`` and everything that is an rdfs:subClassOf it, transitively, in ``data``."""
    seen: set[ox.NamedNode | ox.BlankNode] = {cls}
    todo = [cls]
    while todo:
        for q in data.quads_for_pattern(None, _SUBCLASS, todo.pop(), graph):
            if q.subject not in seen and not isinstance(q.subject, ox.Triple):
                seen.add(q.subject)
                todo.append(q.subject)  # type: ignore[arg-type]
    return seen


# ---------------------------------------------------------------- reading reports


def _findings(report: rdflib.Graph, compiled: _Compiled, graph: str | None) -> tuple[Finding, ...]:
    out = [_finding(report, r, compiled, graph) for r in report.subjects(RDF.type, SH.ValidationResult)]
    return tuple(sorted(out, key=Finding.sort_key))


def _finding(report: rdflib.Graph, result: rdflib.term.Node, compiled: _Compiled, graph: str | None) -> Finding:
    value = report.value(result, SH.value)
    path = report.value(result, SH.resultPath)
    source = report.value(result, SH.sourceShape)
    focus = report.value(result, SH.focusNode)
    (english, english_lang), vietnamese = _messages(report, result, _templates(compiled, source))
    return Finding(
        severity=Severity.from_iri(report.value(result, SH.resultSeverity)),
        focus=str(focus),
        path=str(path) if isinstance(path, rdflib.URIRef) else (None if path is None else "(complex path)"),
        value=None if value is None else str(value),
        message=english,
        shape=shape_key(compiled.graph, source),
        component=str(report.value(result, SH.sourceConstraintComponent)),
        graph=graph,
        node_shape=_node_shape(compiled, source),
        message_vi=vietnamese,
        value_is_iri=isinstance(value, rdflib.URIRef),
        value_nt=None if value is None else term_nt(value),
        focus_is_iri=isinstance(focus, rdflib.URIRef),
        message_lang=english_lang,
    )


def term_nt(term: rdflib.term.Node) -> str:
    """A term in N-Triples, as pyoxigraph writes it (``"x"^^xsd:string`` as ``"x"``)."""
    if isinstance(term, rdflib.URIRef):
        return str(ox.NamedNode(str(term)))
    if isinstance(term, rdflib.Literal):
        converted = _ox_term(term)
        return str(converted)
    return f"_:{term}"


def _messages(report: rdflib.Graph, result: rdflib.term.Node,
              templates: list[tuple[re.Pattern[str], str]]) -> tuple[tuple[str, str | None], str | None]:
    """The English (or untagged) message with its language, and the Vietnamese one, if any.

    pySHACL drops the language tag of a SPARQL constraint's message when it fills in
    ``{?var}``; the language is recovered by matching the shape's message templates.
    """
    by_lang: dict[str, str] = {}
    for message in sorted(report.objects(result, SH.resultMessage), key=str):
        language = getattr(message, "language", None) or _language_of(str(message), templates)
        by_lang.setdefault(language, str(message))
    for language in ("en", "", *sorted(by_lang)):
        if language in by_lang:
            return (by_lang[language], language or None), by_lang.get("vi")
    return ("", None), None


def _templates(compiled: _Compiled, shape: rdflib.term.Node | None) -> list[tuple[re.Pattern[str], str]]:
    """The shape's (and its SPARQL constraints') messages as patterns, with their languages."""
    if shape is None:
        return []
    if shape not in compiled.templates:
        shapes = compiled.graph
        out = []
        for holder in [shape, *shapes.objects(shape, SH.sparql)]:
            for message in shapes.objects(holder, SH.message):
                pattern = re.sub(r"\\\{\\?[?$]\w+\\\}", ".*", re.escape(str(message)))
                out.append((re.compile(pattern, re.DOTALL), getattr(message, "language", None) or ""))
        compiled.templates[shape] = out
    return compiled.templates[shape]


def _language_of(message: str, templates: list[tuple[re.Pattern[str], str]]) -> str:
    for pattern, language in templates:
        if pattern.fullmatch(message):
            return language
    return ""


def shape_key(shapes: rdflib.Graph, shape: rdflib.term.Node | None) -> str:
    """A stable id for a shape: its IRI, or for a blank node its parent's IRI and its path."""
    if shape is None:
        return ""
    if isinstance(shape, rdflib.URIRef):
        return str(shape)
    parent = shapes.value(None, SH.property, shape)
    path = shapes.value(shape, SH.path)
    where = str(parent) if isinstance(parent, rdflib.URIRef) else "_"
    return f"{where}/{path if isinstance(path, rdflib.URIRef) else 'property'}"


def _node_shape(compiled: _Compiled, shape: rdflib.term.Node | None) -> str | None:
    if shape is None:
        return None
    parent = compiled.parents.get(shape)
    return shape_key(compiled.graph, parent if parent is not None else shape)
