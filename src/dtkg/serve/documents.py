"""Documents about things: which IRI a request path names, and the RDF document describing it.

The policy (docs/iri-policy.md): a data IRI (``/id/org/vnpt``) names a thing; a request for it
answers 200 with a description negotiated on Accept, and says which document that was
(``Content-Location: /id/org/vnpt.ttl``) and where the others are (``Link``). The IRI plus a
file suffix (``.ttl``, ``.nt``, ``.nq``, ``.trig``, ``.jsonld``, ``.rdf``, ``.html``) names one
document, in one format, whatever the Accept header says.

Every RDF document is an RDF dataset whose default graph is the union of its named graphs,
as the SPARQL endpoint's is: triple formats (Turtle, N-Triples, RDF/XML) carry that default
graph; quad formats (N-Quads, TriG, JSON-LD) carry it and every statement again in the named
graph it comes from. So a client reading only default graphs (rdflib's ``Graph``, Comunica)
gets the same triples from every format, and one reading datasets also gets the graph names.

Long documents come in pages of ``page_size`` statements: ``?page=2`` and on, announced by
``Link: <…?page=2>; rel="next"`` (and ``first``/``prev``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox

from dtkg.serve import formats
from dtkg.serve.formats import Representation

EXPOSED = "Content-Location, Link, Location"


@dataclass(frozen=True)
class Candidate:
    """An IRI a request path may name, the path of the thing, and the suffix that named a document (if any)."""

    iri: str
    path: str
    suffix: str | None = None

    @property
    def representation(self) -> Representation | None:
        """The representation the suffix names, or None when the request is negotiated."""
        return formats.SUFFIXES[self.suffix] if self.suffix else None


def candidates(raw_path: str, iris_for: Callable[[str], list[str]]) -> list[Candidate]:
    """What a request path may name: the IRIs ``iris_for`` maps it to, first; then, when it ends in a
    known suffix, the IRIs of the path without it, each as the thing a document of that format describes."""
    found = [Candidate(iri, raw_path) for iri in iris_for(raw_path)]
    for suffix in formats.SUFFIXES:
        thing = raw_path[: -len(suffix)]
        if raw_path.endswith(suffix) and not thing.endswith("/"):
            found += [Candidate(iri, thing, suffix) for iri in iris_for(thing)]
    return found


def document_path(thing: str, representation: Representation, page: int) -> str:
    """The path of the document describing the thing at ``thing`` in ``representation``, page ``page``."""
    path = thing + formats.suffix_of(representation)
    return f"{path}?{urlencode({'page': page})}" if page > 1 else path


def headers(
    candidate: Candidate, representation: Representation, *, page: int, more: bool, params: dict[str, str]
) -> tuple[tuple[str, str], ...]:
    """Content-Location, Link (describedby/describes, alternates, pages), Vary and the CORS exposure."""
    thing = candidate.path
    here = document_path(thing, representation, page)
    links = []
    if candidate.suffix is None:
        document = formats.SUFFIXES[formats.suffix_of(representation)]
        links.append(f'<{here}>; rel="describedby"; type="{document.media_type}"')
    else:
        links.append(f'<{thing}>; rel="describes"')
    for suffix, other in formats.SUFFIXES.items():
        if other.media_type != representation.media_type and not (other.rdf and other.rdf is representation.rdf):
            links.append(f'<{thing}{suffix}>; rel="alternate"; type="{other.media_type}"')
    request_path = thing + (candidate.suffix or "")
    for rel, number in (("first", 1), ("prev", page - 1), ("next", page + 1)):
        if (rel == "next" and more) or (rel != "next" and page > 1 and number >= 1):
            links.append(f'<{_paged(request_path, params, number)}>; rel="{rel}"')
    out = [("Content-Location", here), ("Link", ", ".join(links)), ("Access-Control-Expose-Headers", EXPOSED)]
    if candidate.suffix is None:
        out.append(("Vary", "Accept"))
    return tuple(out)


def _paged(path: str, params: dict[str, str], page: int) -> str:
    kept = {k: v for k, v in params.items() if k != "page"}
    if page > 1:
        kept["page"] = str(page)
    return f"{path}?{urlencode(kept)}" if kept else path


def write(quads: Sequence[ox.Quad], representation: Representation, *, prefixes: dict[str, str]) -> bytes:
    """The quads as an RDF document: triples merged for triple formats; for quad formats, the merged
    triples in the default graph and each quad again in its named graph (grouped by graph)."""
    assert representation.rdf is not None
    triples = list(dict.fromkeys(q.triple for q in quads))
    if not representation.rdf.supports_datasets:
        return ox.serialize(triples, format=representation.rdf, prefixes=prefixes) or b""
    graphs: dict[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, list[ox.Quad]] = {}
    for quad in dict.fromkeys(quads):
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            graphs.setdefault(quad.graph_name, []).append(quad)
    merged = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    named = [q for group in graphs.values() for q in group]
    return ox.serialize(merged + named, format=representation.rdf, prefixes=prefixes) or b""
