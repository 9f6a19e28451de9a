"""The ontology file, read once, as the terms its documentation page lists.

Everything on the page comes from the file: each class and property with its Vietnamese
and English labels and definitions, its superclasses or superproperties, domain and range.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from dtkg.errors import ServeError
from dtkg.serve.views import TermView, Viewer

ONTOLOGY_FILE = "dtkg.ttl"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"

KINDS = {
    f"{OWL}Class": "class",
    f"{RDFS}Class": "class",
    f"{OWL}ObjectProperty": "object property",
    f"{OWL}DatatypeProperty": "datatype property",
    f"{OWL}AnnotationProperty": "annotation property",
    f"{RDF}Property": "property",
}
FLAGS = {
    f"{OWL}FunctionalProperty": "functional",
    f"{OWL}TransitiveProperty": "transitive",
    f"{OWL}SymmetricProperty": "symmetric",
}

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Index = dict[str, dict[str, list[Term]]]


@dataclass(frozen=True)
class TermDoc:
    """One class or property as documented: labels and definitions by language, and its links."""

    iri: str
    anchor: str
    kind: str
    labels: dict[str, str]
    definitions: dict[str, str]
    flags: tuple[str, ...] = ()
    parents: tuple[TermView, ...] = ()
    domain: tuple[TermView, ...] = ()
    range: tuple[TermView, ...] = ()


@dataclass(frozen=True)
class OntologyDoc:
    """The ontology's own metadata and its terms, classes first, each list sorted by local name."""

    iri: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    version: str | None
    classes: list[TermDoc] = field(default_factory=list)
    properties: list[TermDoc] = field(default_factory=list)


def ontology_path(ontology_dir: Path) -> Path:
    """The ontology file in ``ontology_dir``."""
    return ontology_dir / ONTOLOGY_FILE


def read_triples(path: Path) -> list[ox.Triple]:
    """The ontology's triples; a missing or broken file is a :class:`ServeError` naming it."""
    try:
        return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    except (OSError, SyntaxError) as exc:
        raise ServeError(f"cannot read the ontology: {exc}", path=str(path)) from exc


def index(triples: list[ox.Triple]) -> Index:
    """subject IRI → predicate IRI → objects."""
    out: Index = defaultdict(lambda: defaultdict(list))
    for triple in triples:
        if isinstance(triple.subject, ox.NamedNode):
            out[triple.subject.value][triple.predicate.value].append(triple.object)
    return out


def by_language(objects: list[Term]) -> dict[str, str]:
    """Literal values keyed by language tag ('' for none), the first of each language kept."""
    out: dict[str, str] = {}
    for obj in objects:
        if isinstance(obj, ox.Literal):
            out.setdefault(obj.language or "", obj.value)
    return out


def read_ontology(path: Path, viewer: Viewer) -> OntologyDoc:
    """The documentation model of the ontology file at ``path``."""
    idx = index(read_triples(path))
    root = next((s for s, po in idx.items() if ox.NamedNode(f"{OWL}Ontology") in po.get(f"{RDF}type", [])), "")
    terms = [term_doc(iri, idx, viewer) for iri in sorted(idx) if iri != root]
    documented = [t for t in terms if t is not None]
    meta = idx.get(root, {})
    version = by_language(meta.get(f"{OWL}versionInfo", [])).get("")
    return OntologyDoc(
        iri=root,
        titles=by_language(meta.get(f"{DCTERMS}title", [])),
        descriptions=by_language(meta.get(f"{DCTERMS}description", [])),
        version=version,
        classes=sorted((t for t in documented if t.kind == "class"), key=lambda t: t.anchor),
        properties=sorted((t for t in documented if t.kind != "class"), key=lambda t: t.anchor),
    )


def term_doc(iri: str, idx: Index, viewer: Viewer) -> TermDoc | None:
    """One class or property, or None for a subject that is neither."""
    po = idx[iri]
    types = [t.value for t in po.get(f"{RDF}type", []) if isinstance(t, ox.NamedNode)]
    kind = next((KINDS[t] for t in types if t in KINDS), None)
    if kind is None:
        return None
    links = [viewer.term(o) for p in (f"{RDFS}subClassOf", f"{RDFS}subPropertyOf") for o in po.get(p, [])]
    return TermDoc(
        iri=iri,
        anchor=_local_name(iri),
        kind=kind,
        labels=by_language(po.get(f"{RDFS}label", []) + po.get(f"{SKOS}prefLabel", [])),
        definitions=by_language(po.get(f"{SKOS}definition", []) + po.get(f"{RDFS}comment", [])),
        flags=tuple(FLAGS[t] for t in types if t in FLAGS),
        parents=tuple(links),
        domain=tuple(viewer.term(o) for o in po.get(f"{RDFS}domain", [])),
        range=tuple(viewer.term(o) for o in po.get(f"{RDFS}range", [])),
    )


def _local_name(iri: str) -> str:
    """What follows the last '#' or '/' of an IRI."""
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1] or iri
    return iri
