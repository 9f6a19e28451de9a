"""Resolve: what only the whole dataset shows, after every article graph is built.

Facts that several articles report (the same agreement: same parties, same signing date
or overlapping periods; the same target: same subject and description) get one node in
the resolution graph that links each article's report, and claims that disagree (an
agreement's period or signing date, a target's year, a person's post in an organisation
on the same day) get a ``dtkg:Conflict`` naming both reports and both articles. Each
report stays where it was read: a node in its article's graph, with its value and
evidence, so every disputed value keeps its provenance without reification.

Matching and conflicts are SPARQL (``mappings/resolution/*.rq``); this module only groups
the matched pairs into facts and names them (:mod:`dtkg.iris`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from dtkg import iris, resources
from dtkg.errors import ResolveError

__all__ = ["resolve"]

_DTKG = iris.ONTOLOGY
_SKIPPED = frozenset({  # the bulk of a dataset that no resolution query reads
    "https://schema.org/text", "http://www.w3.org/ns/oa#hasSelector", "http://www.w3.org/ns/oa#hasSource",
    "http://www.w3.org/ns/oa#exact", "http://www.w3.org/ns/oa#start", "http://www.w3.org/ns/oa#end",
    _DTKG + "evidence", _DTKG + "confidence", _DTKG + "commitment", _DTKG + "scope",
})


def _queries() -> Path:
    return resources.mappings_dir() / "resolution"


def _load(dataset: Path) -> ox.Store:
    """The parts of a streamed N-Quads dataset that the resolution queries read."""
    store = ox.Store()
    batch: list[ox.Quad] = []
    for quad in ox.parse(path=str(dataset), format=ox.RdfFormat.N_QUADS):
        if quad.predicate.value not in _SKIPPED:
            batch.append(quad)
            if len(batch) >= 50_000:
                store.extend(batch)
                batch = []
    store.extend(batch)
    return store


def _run(store: ox.Store, name: str, graph: ox.NamedNode) -> Iterable[object]:
    path = _queries() / name
    text = path.read_text(encoding="utf-8")
    bound = {ox.Variable("resolution"): graph} if "?resolution" in text else None
    try:
        return store.query(text, use_default_graph_as_union=True, substitutions=bound)  # type: ignore[arg-type, return-value]
    except (SyntaxError, OSError, RuntimeError) as exc:
        raise ResolveError(f"resolution query failed: {exc}", path=str(path)) from exc


def _groups(pairs: list[tuple[str, str, str]]) -> dict[str, list[str]]:
    """Reports joined by the pairs, transitively → their sorted reports, keyed by the smallest
    key the pairs give for the group."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    keys: dict[str, str] = {}
    for a, b, key in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
        keys[a] = min(keys.get(a, key), key)
        keys[b] = min(keys.get(b, key), key)
    groups: dict[str, list[str]] = {}
    for report in parent:
        groups.setdefault(root(report), []).append(report)
    return {min(keys[r] for r in members): sorted(members) for members in groups.values()}


def _links(store: ox.Store, graph: ox.NamedNode, base: str, kind: str, query: str, shared: str) -> list[ox.Quad]:
    """``dtkg:report`` links from a minted node to each report of one fact."""
    pairs = []
    for row in _run(store, query, graph):
        a, b = row["a"].value, row["b"].value  # type: ignore[index]
        parties = sorted(p.object.value for p in store.quads_for_pattern(ox.NamedNode(a), ox.NamedNode(_DTKG + shared), None))  # type: ignore[union-attr]
        key = row["key"].value if row["key"] is not None else ""  # type: ignore[index]
        pairs.append((a, b, " ".join(parties + [key])))
    out = []
    for key, reports in _groups(pairs).items():
        fact = ox.NamedNode(iris.resolved(base, kind, key))
        out += [ox.Quad(fact, ox.NamedNode(_DTKG + "report"), ox.NamedNode(r), graph) for r in reports]
    return out


def resolve(dataset: Path, *, base: str) -> list[ox.Quad]:
    """The resolution graph of a dataset streamed as N-Quads: facts several articles report
    and the conflicts between their claims, sorted."""
    store = _load(dataset)
    graph = ox.NamedNode(iris.resolution_graph(base))
    links = (_links(store, graph, base, "agreement", "same-agreement.rq", "party")
             + _links(store, graph, base, "target", "same-target.rq", "targetSubject"))
    store.extend(links)
    out: set[ox.Quad] = set(links)
    for name in ("10-reported.rq", "20-conflicts.rq"):
        for triple in _run(store, name, graph):
            out.add(ox.Quad(triple.subject, triple.predicate, triple.object, graph))  # type: ignore[attr-defined]
        store.extend(out)
    return sorted(out, key=str)
