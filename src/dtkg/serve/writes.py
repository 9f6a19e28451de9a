"""The writes a token-holding client may make, as jobs carried out on the store, each in one transaction.

- :class:`UpdateJob`: a SPARQL 1.1 Update request, its protocol dataset (``using-graph-uri``,
  ``using-named-graph-uri``) written into it as ``USING`` clauses (:func:`with_dataset`);
- :class:`GraphWriteJob`: a Graph Store Protocol PUT (replace), POST (merge) or DELETE of a
  named graph or the default graph; the payload is parsed here, and the change is one SPARQL
  update built from the ``write/*.rq`` files, so that it is all written or not at all.

:func:`apply` carries one out; :class:`WriteFailed` says why it could not be, with the status.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from dtkg.serve.graphstore import Target
from dtkg.sparql_text import explain

TEMPLATES = Path(__file__).resolve().parent / "write"
CONFLICT = (
    "the update names its own dataset (USING, USING NAMED or WITH) and the request names one too "
    "(using-graph-uri, using-named-graph-uri); the SPARQL 1.1 Protocol forbids both (fix: keep one of them)"
)
PAYLOAD_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}


class WriteFailed(Exception):
    """A write that was not made: the HTTP status and the message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class UpdateJob:
    """A SPARQL Update request and its protocol dataset."""

    update: str
    using: tuple[str, ...] = ()
    using_named: tuple[str, ...] = ()


@dataclass(frozen=True)
class GraphWriteJob:
    """A Graph Store write: ``method`` PUT, POST or DELETE on ``target``; ``parts`` the payload as
    (media type, bytes) pairs (one, or one per part of a multipart/form-data body)."""

    method: str
    target: Target
    parts: tuple[tuple[str, bytes], ...] = ()


WriteJob = UpdateJob | GraphWriteJob


@dataclass(frozen=True)
class WriteResult:
    """What a write did: the HTTP status to answer (201 for a graph it created, else 204)."""

    status: int
    created: str | None = None  # the IRI of the graph created, for a Location header


def apply(store: ox.Store, job: WriteJob, *, base_iri: str) -> WriteResult:
    """Carry out ``job`` on ``store`` in one transaction; :class:`WriteFailed` if it cannot be."""
    if isinstance(job, UpdateJob):
        _update(store, with_dataset(job.update, job.using, job.using_named), base_iri)
        return WriteResult(204)
    return _graph_write(store, job)


def _update(store: ox.Store, text: str, base_iri: str | None) -> None:
    try:
        store.update(text, base_iri=base_iri)
    except SyntaxError as exc:
        raise WriteFailed(400, f"the update is not valid SPARQL 1.1 Update: {explain(text, str(exc))}") from None
    except (RuntimeError, ValueError) as exc:
        raise WriteFailed(400, f"the update failed and changed nothing: {exc}") from None


def _graph_write(store: ox.Store, job: GraphWriteJob) -> WriteResult:
    target = job.target
    if target.whole_store:
        raise WriteFailed(400, "name the graph to write with ?graph=IRI or ?default (POST alone creates a new graph)")
    existed = target.default or store.contains_named_graph(ox.NamedNode(str(target.iri)))
    if job.method == "DELETE":
        if not existed:
            raise WriteFailed(404, f"this store has no {target.describe()} to delete")
        _update(store, _render("drop-default.rq" if target.default else "drop-graph.rq", target, ""), None)
        return WriteResult(204)
    triples = payload_triples(job.parts, base=target.iri or "")
    kind = "replace" if job.method == "PUT" else "merge"
    name = f"{kind}-default.rq" if target.default else f"{kind}-graph.rq"
    _update(store, _render(name, target, triples), None)
    return WriteResult(204) if existed else WriteResult(201, created=target.iri)


def _render(name: str, target: Target, triples: str) -> str:
    template = string.Template((TEMPLATES / name).read_text(encoding="utf-8"))
    graph = str(ox.NamedNode(target.iri)) if target.iri else ""
    return template.substitute(graph=graph, triples=triples)


def payload_triples(parts: tuple[tuple[str, bytes], ...], *, base: str) -> str:
    """The payload's triples as N-Triples (a quad format's default graph only); 400/415 naming the problem."""
    triples: list[ox.Triple] = []
    for media_type, body in parts:
        fmt = PAYLOAD_TYPES.get(media_type)
        if fmt is None:
            offered = ", ".join(sorted(PAYLOAD_TYPES))
            raise WriteFailed(415, f"cannot read a payload of type {media_type or 'none'!r} (fix: send one of {offered})")
        try:
            quads = list(ox.parse(body, format=fmt, base_iri=base or None))
        except SyntaxError as exc:
            raise WriteFailed(400, f"the payload is not valid {media_type}: {exc}") from None
        named = [q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)]
        if named:
            raise WriteFailed(400, f"a graph's payload cannot hold named graphs (it names <{named[0].graph_name}>); "
                                   "send the graph's triples alone")
        triples += [q.triple for q in quads]
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode()


_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*"
    r"|(?P<open>\{)|(?P<close>\})"
    r"|(?P<word>(?<![\w:?$])(?:WHERE|USING|WITH|DELETE|INSERT)(?![\w:-]))",
    re.IGNORECASE | re.DOTALL,
)


def with_dataset(update: str, using: tuple[str, ...], using_named: tuple[str, ...]) -> str:
    """``update`` with ``USING``/``USING NAMED`` clauses for the protocol dataset before each operation's
    ``WHERE`` (a ``DELETE WHERE`` shortcut is spelled out to take them); :class:`WriteFailed` on a conflict."""
    if not using and not using_named:
        return update
    clauses = " ".join([f"USING {_iri(i)}" for i in using] + [f"USING NAMED {_iri(i)}" for i in using_named])
    out, last, depth, previous = [], 0, 0, ""
    tokens = list(_TOKENS.finditer(update))
    for index, token in enumerate(tokens):
        if token.group("open"):
            depth, previous = depth + 1, "{"
        elif token.group("close"):
            depth, previous = depth - 1, "}"
        elif token.group("word") and depth == 0:
            word = token.group("word").upper()
            if word in ("USING", "WITH"):
                raise WriteFailed(400, CONFLICT)
            if word == "WHERE" and previous == "DELETE":  # DELETE WHERE { P } → DELETE { P } USING … WHERE { P }
                pattern = _group(update, tokens, index + 1)
                out += [update[last : token.start()], f"{pattern} {clauses} WHERE "]
                last = token.end()
            elif word == "WHERE":
                out += [update[last : token.start()], f"{clauses} "]
                last = token.start()
            previous = word
    return "".join(out) + update[last:]


def _group(text: str, tokens: list[re.Match[str]], start: int) -> str:
    """The text of the ``{ … }`` group whose opening brace is ``tokens[start]``."""
    depth = 0
    for token in tokens[start:]:
        if token.group("open"):
            depth += 1
        elif token.group("close"):
            depth -= 1
            if depth == 0:
                return text[tokens[start].start() : token.end()]
    raise WriteFailed(400, "the update is not valid SPARQL 1.1 Update: a '{' is never closed")


def _iri(value: str) -> str:
    try:
        return str(ox.NamedNode(value))
    except ValueError as exc:
        raise WriteFailed(400, f"not an IRI: {value!r} ({exc})") from None
