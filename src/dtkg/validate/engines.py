"""The two SHACL engines behind one call, through their public APIs only.

- ``turbo``: pyshacl-turbo (native). Shapes are compiled once with
  :func:`pyshacl_turbo.compile_shapes`; data is handed over as a pyoxigraph store, which
  it reads natively (no rdflib graph per article). pyoxigraph writes ``"vi"^^xsd:string``
  as ``"vi"`` (the same RDF 1.1 term) and turbo reads a store's simple literals as
  ``"vi"^^xsd:string``; shapes parsed by rdflib keep ``"vi"`` datatype-less, and turbo
  then tells the two apart (a false ``sh:in`` result). So the shapes' simple literals are
  given to turbo as ``xsd:string`` literals too, and both sides agree
  (``tests/test_shapes.py`` checks this input path). The shapes graph carries no prefix
  bindings: turbo copies them into every report, which costs more than small graphs'
  validation.
- ``pyshacl``: pySHACL, the reference, with :func:`pyshacl.validate` on an rdflib copy of
  the data whose SPARQL queries are parsed once per process.

Both return the standard SHACL validation report as an rdflib graph, together with the
shapes graph as the engine sees it (a report's ``sh:sourceShape`` blank nodes live there).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH, XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query

from dtkg.errors import ValidationError
from dtkg.settings import ShaclEngine

_LOG = logging.getLogger("dtkg.validate")


@dataclass(frozen=True)
class Program:
    """Shapes compiled once for one engine: ``run(data)`` gives the SHACL report graph."""

    engine: ShaclEngine
    shapes: rdflib.Graph
    run: Callable[[ox.Store], rdflib.Graph]


def compile_program(shapes: rdflib.Graph, engine: ShaclEngine) -> Program:
    """Compile a shapes graph for ``engine``."""
    if engine is ShaclEngine.TURBO:
        return _turbo(shapes)
    return _pyshacl(shapes)


def _turbo(shapes: rdflib.Graph) -> Program:
    import pyshacl_turbo

    typed = rdflib.Graph(bind_namespaces="none")
    for s, p, o in shapes:
        if isinstance(o, rdflib.Literal) and o.datatype is None and not o.language:
            o = rdflib.Literal(str(o), datatype=XSD.string)
        typed.add((s, p, o))
    try:
        program = pyshacl_turbo.compile_shapes(typed)
    except (RuntimeError, ValueError) as exc:
        raise ValidationError(f"pyshacl-turbo cannot compile the shapes: {exc}",
                              fix="check the shapes with --shacl-engine pyshacl") from exc

    def run(data: ox.Store) -> rdflib.Graph:
        _conforms, report, text = program.validate(data, allow_infos=True, allow_warnings=True)
        if not isinstance(report, rdflib.Graph):
            raise ValidationError(f"pyshacl-turbo failed: {text}")
        return report

    return Program(ShaclEngine.TURBO, program.graph, run)


def _pyshacl(shapes: rdflib.Graph) -> Program:
    import pyshacl

    def run(data: ox.Store) -> rdflib.Graph:
        work = _CachingGraph()
        work.parse(data=data.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt")
        ill_typed = _plain_ill_typed(work)
        _conforms, report, text = pyshacl.validate(
            work, shacl_graph=shapes, inference="none", advanced=False, inplace=True,
            allow_infos=True, allow_warnings=True, abort_on_first=False)
        if not isinstance(report, rdflib.Graph):
            raise ValidationError(f"pySHACL failed: {text}")
        for result, value in list(report.subject_objects(SH.value)) if ill_typed else ():
            if isinstance(value, rdflib.Literal) and value in ill_typed:
                report.set((result, SH.value, ill_typed[value]))
        return report

    return Program(ShaclEngine.PYSHACL, shapes, run)


def _plain_ill_typed(graph: rdflib.Graph) -> dict[rdflib.Literal, rdflib.Literal]:
    """Ill-typed literals ("2025-02-30"^^xsd:date) as the strings they are, so that rdflib's SPARQL
    does not fail on them inside SHACL-SPARQL constraints (sh:datatype still reports them);
    returns each stand-in with the literal it replaced, to put back into the report."""
    bad = [(s, p, o) for s, p, o in graph if isinstance(o, rdflib.Literal) and o.ill_typed]
    originals: dict[rdflib.Literal, rdflib.Literal] = {}
    for s, p, o in bad:
        plain = rdflib.Literal(str(o))
        originals[plain] = o
        graph.remove((s, p, o))
        graph.add((s, p, plain))
    return originals


class _CachingGraph(rdflib.Graph):
    """An rdflib graph that parses each SPARQL query text once per process.

    pySHACL evaluates a SHACL-SPARQL constraint once per focus node with the same text
    (``$this`` pre-bound); rdflib would parse it every time, which costs more than the
    evaluation.
    """

    def query(self, query_object, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@functools.lru_cache(maxsize=256)
def _prepared(text: str) -> Query:
    return prepareQuery(text)
