"""The cross-article shapes over many articles, rechecking only what a change can affect.

:class:`CrossArticle` collects each article's *projection* (what the cross-article shapes
can see of it, :meth:`Validator.projection`) under a slot name, and :meth:`finish` gives
the cross-article run over the union of all projections. The projections live in a
pyoxigraph store (on disk when a state folder is given, so memory does not follow the
number of articles): each slot in its own named graph, their union in the default
graph. Focus nodes are checked in batches, each on the part of the union its shapes can
read: the triples of the nodes within the shapes' reach (:mod:`dtkg.validate.reach`),
plus every ``rdfs:subClassOf`` triple.

With a state folder, the store, each slot's digest and the last results are kept between
runs. The next run then rechecks only the focus nodes a changed, added or removed slot can
affect: those within ``reach - 1`` hops before the subject of a triple that entered or left
the union (and the objects of such triples, for ``sh:targetObjectsOf``). Every other
result, and every other focus-node count, is carried over, so the run equals a cold one.
When the state is missing, stale (another model, engine or base) or was left by an
interrupted run, when too much changed, or when the reach is unknown, everything is
checked again.
"""

from __future__ import annotations

import hashlib
import pickle
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from dtkg.store import atomic_writer
from dtkg.validate.context import ReportContext, build_context
from dtkg.validate.engine import _TYPE, SKOLEM, _Target, Validator, focus_nodes, subclasses, unskolemise
from dtkg.validate.results import WHOLE_DATASET, Finding, ValidationRun

_SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
_MARK = ox.NamedNode("urn:dtkg:cross-article-state")
_UNION = ox.DefaultGraph()  # the union of all slots, kept beside them  # a quad in the store naming the state it belongs to
_STATE_VERSION = 1
_BATCH = 2000  # focus nodes validated together
_BUFFER_BYTES = 64 * 2**20  # changed projections held before falling back to a full recheck
Term = ox.NamedNode | ox.BlankNode | ox.Literal
Triple = tuple[Term, ox.NamedNode, Term]


@dataclass
class _State:
    """What is kept between runs beside the store."""

    key: str
    token: str = ""
    digests: dict[str, str] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    targeted: dict[str, int] = field(default_factory=dict)
    version: int = _STATE_VERSION


@dataclass(frozen=True)
class CrossStats:
    """What the last :meth:`CrossArticle.finish` did, for benchmarks and tests."""

    mode: str  # "cold", "incremental" or "full"
    slots: int
    changed: int
    rechecked: int


class CrossArticle:
    """Cross-article validation over articles' projections; see the module docstring."""

    def __init__(self, validator: Validator, *, state_dir: Path | None = None, key: str = "") -> None:
        self.validator = validator
        self.key = f"{key}|{validator.engine.value}|{validator.shapes_dir}"
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._dir = Path(state_dir) if state_dir is not None else None
        old = self._load_state()
        self.store = self._open_store(old)
        self._cold = old is None or not self._marked(old.token)
        if self._cold and next(iter(self.store), None) is not None:
            self.store = self._open_store(None)
        self._full = self._cold or validator.cross_reach is None
        self._old = old if old is not None and not self._cold else _State(self.key)
        self._new_digests: dict[str, str] = {}
        self._pending: dict[str, bytes] = {}
        self._pending_bytes = 0
        self._batch: list[bytes] = []
        self._batch_bytes = 0
        self.stats: CrossStats | None = None

    # ---------------------------------------------------------------- feeding

    def add(self, slot: str, projection: bytes, digest: str | None = None) -> None:
        """The projection of one article (or of the reference graph), under a slot name (an IRI)."""
        digest = digest or hashlib.sha256(projection).hexdigest()
        if slot in self._new_digests:
            raise ValueError(f"slot {slot} given twice")
        self._new_digests[slot] = digest
        if self._cold:
            self._write(slot, projection)
        elif self._old.digests.get(slot) != digest:
            self._pending[slot] = projection
            self._pending_bytes += len(projection)
            if self._pending_bytes > _BUFFER_BYTES:
                self._go_full()

    def _write(self, slot: str, projection: bytes) -> None:
        """A new slot (cold runs): its triples in its graph and in the union."""
        # N-Triples to N-Quads in the slot's graph: a line's only " .\n" is its end (literals escape newlines)
        self._batch.append(projection.replace(b" .\n", b" <" + slot.encode("utf-8") + b"> .\n"))
        self._batch.append(projection)  # N-Triples lines are N-Quads in the default graph
        self._batch_bytes += 2 * len(projection)
        if self._batch_bytes >= 16 * 2**20:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            self.store.bulk_load(b"".join(self._batch), format=ox.RdfFormat.N_QUADS)
            self._batch, self._batch_bytes = [], 0

    def _go_full(self) -> None:
        """Too much changed to track: apply what is pending and recheck everything at the end."""
        self._full = True
        self._forget_state()
        for slot, projection in self._pending.items():
            self._replace(slot, set(_triples(projection)))
        self._pending, self._pending_bytes = {}, 0

    # ---------------------------------------------------------------- finishing

    def finish(self) -> ValidationRun:
        """The cross-article run over every slot given since construction."""
        if self.validator.cross_targets == ():
            return ValidationRun()
        removed = [s for s in self._old.digests if s not in self._new_digests] if not self._cold else []
        self._forget_state()
        if self._full:
            self._flush()
            for slot in removed:
                self._replace(slot, set())
            for slot, projection in self._pending.items():
                self._replace(slot, set(_triples(projection)))
            run = self._check_everything()
        else:
            run = self._check_changes(removed)
        self._save_state(run)
        return run

    def _check_everything(self) -> ValidationRun:
        focus: set[Term] = set()
        targeted: dict[str, int] = {}
        for target in self.validator.cross_targets:
            nodes = focus_nodes(target, self.store, graph=_UNION)
            targeted[target.key] = len(nodes)
            focus |= nodes
        findings = self._validate(focus)
        self.stats = CrossStats("cold" if self._cold else "full", len(self._new_digests), 0, len(focus))
        return ValidationRun(findings, targeted, {WHOLE_DATASET: targeted})

    def _check_changes(self, removed: list[str]) -> ValidationRun:
        old_parts = {slot: set(self._slot_triples(slot)) for slot in [*self._pending, *removed]}
        new_parts = {slot: set(_triples(projection)) for slot, projection in self._pending.items()}
        added, gone = self._union_changes(old_parts, new_parts)
        if any(t[1] == _SUBCLASS for t in added | gone):  # the class hierarchy changed: everything may
            self._apply(old_parts, new_parts, added, gone)
            return self._check_everything()
        candidates = self._affected(added | gone, added)
        classes = self._class_index()
        before = {t.key: sum(_member(t, c, self.store, classes) for c in candidates) for t in self.validator.cross_targets}
        self._apply(old_parts, new_parts, added, gone)
        targeted = {}
        focus: set[Term] = set()
        for target in self.validator.cross_targets:
            members = {c for c in candidates if _member(target, c, self.store, classes)}
            targeted[target.key] = self._old.targeted.get(target.key, 0) - before[target.key] + len(members)
            focus |= members
        names = {_name(c) for c in candidates}
        kept = tuple(f for f in self._old.findings if _focus_key(f) not in names)
        findings = tuple(sorted(kept + self._validate(focus), key=Finding.sort_key))
        self.stats = CrossStats("incremental", len(self._new_digests), len(old_parts), len(focus))
        return ValidationRun(findings, targeted, {WHOLE_DATASET: targeted})

    def _apply(self, old_parts: dict[str, set[Triple]], new_parts: dict[str, set[Triple]],
               added: set[Triple], gone: set[Triple]) -> None:
        """The changed slots' new triples in their graphs, and the union's changes."""
        for slot in old_parts:
            graph = ox.NamedNode(slot)
            self.store.remove_graph(graph)
            self.store.extend(ox.Quad(s, p, o, graph) for s, p, o in new_parts.get(slot, ()))  # type: ignore[arg-type]
        for s_, p_, o_ in gone:
            self.store.remove(ox.Quad(s_, p_, o_))  # type: ignore[arg-type]
        self.store.extend(ox.Quad(s_, p_, o_) for s_, p_, o_ in added)  # type: ignore[arg-type]

    def _replace(self, slot: str, triples: set[Triple]) -> None:
        """One slot's triples replaced, the union kept right (full rechecks)."""
        old = {slot: set(self._slot_triples(slot))}
        new = {slot: triples} if triples else {}
        added, gone = self._union_changes(old, new)
        self._apply(old, new, added, gone)

    def _union_changes(self, old_parts: dict[str, set[Triple]],
                       new_parts: dict[str, set[Triple]]) -> tuple[set[Triple], set[Triple]]:
        """Triples that enter and that leave the union (not merely move between slots)."""
        changed = {ox.NamedNode(s) for s in old_parts}
        new_union = set().union(*new_parts.values()) if new_parts else set()
        added: set[Triple] = set()
        gone: set[Triple] = set()
        for slot in old_parts:
            before, after = old_parts[slot], new_parts.get(slot, set())
            for triple in after - before:
                if not self._in_store(triple):
                    added.add(triple)
            for triple in before - after:
                if triple not in new_union and not self._in_store(triple, besides=changed):
                    gone.add(triple)
        return added, gone

    def _in_store(self, triple: Triple, *, besides: set[ox.NamedNode] | None = None) -> bool:
        """Whether a slot (other than ``besides``) has the triple."""
        for quad in self.store.quads_for_pattern(*triple, None):  # type: ignore[arg-type]
            if quad.graph_name != _UNION and (besides is None or quad.graph_name not in besides):
                return True
        return False

    def _affected(self, changes: set[Triple], added: set[Triple]) -> set[Term]:
        """Focus nodes whose results the changed triples can alter (see the module docstring)."""
        objects_of = {p for t in self.validator.cross_targets for p in t.objects_of}
        seeds: set[Term] = {s for s, _p, _o in changes}
        seeds |= {o for _s, p, o in changes if p in objects_of}
        hops = max((self.validator.cross_reach or 1) - 1, 0)
        found, frontier = set(seeds), set(seeds)
        extra: dict[Term, set[Term]] = {}
        for s, _p, o in added:  # edges of the new union that the store does not have yet
            extra.setdefault(o, set()).add(s)
        for _ in range(hops):
            nxt: set[Term] = set()
            for node in frontier:
                nxt.update(q.subject for q in self.store.quads_for_pattern(None, None, node, _UNION))  # type: ignore[misc]
                nxt |= extra.get(node, set())
            frontier = nxt - found
            found |= frontier
        return found

    def _validate(self, focus: set[Term]) -> tuple[Finding, ...]:
        """Findings about ``focus`` nodes, in batches, each on the part of the union its shapes can read."""
        nodes = sorted(focus, key=str)
        hierarchy = list(self.store.quads_for_pattern(None, _SUBCLASS, None, _UNION))
        findings: list[Finding] = []
        for start in range(0, len(nodes), _BATCH):
            batch = nodes[start:start + _BATCH]
            data = ox.Store()
            data.extend(self._closure(batch))
            data.extend(hierarchy)
            run = self.validator.validate_union(data)
            wanted = {_name(n) for n in batch}
            findings += [f for f in run.findings if f.focus in wanted]
        return unskolemise(ValidationRun(tuple(findings))).findings

    def _closure(self, batch: list[Term]) -> Iterator[ox.Quad]:
        """The union's triples of the nodes within reach of ``batch`` (reach levels of subjects)."""
        levels = self.validator.cross_reach
        if levels is None:
            yield from self.store.quads_for_pattern(None, None, None, _UNION)
            return
        frontier = {n for n in batch if not isinstance(n, ox.Literal)}
        seen = set(frontier)
        for level in range(levels):
            nxt: set[Term] = set()
            for node in frontier:
                for quad in self.store.quads_for_pattern(node, None, None, _UNION):
                    yield quad
                    if level + 1 < levels and not isinstance(quad.object, ox.Literal) and quad.object not in seen:
                        nxt.add(quad.object)  # type: ignore[arg-type]
            seen |= nxt  # type: ignore[arg-type]
            frontier = nxt  # type: ignore[assignment]

    def _slot_triples(self, slot: str) -> Iterator[Triple]:
        for quad in self.store.quads_for_pattern(None, None, None, ox.NamedNode(slot)):
            yield quad.subject, quad.predicate, quad.object  # type: ignore[misc]

    def _class_index(self) -> dict[ox.NamedNode, set[Term]]:
        return {cls: subclasses(self.store, cls, graph=_UNION) for t in self.validator.cross_targets for cls in t.classes}  # type: ignore[misc]

    # ---------------------------------------------------------------- the state folder

    def _open_store(self, old: _State | None) -> ox.Store:
        """The state's store (emptied when there is no state to go with it), or an in-memory one."""
        if self._dir is None:
            return ox.Store()
        path = self._dir / "store"
        if old is None and path.exists():
            if hasattr(self, "store"):
                del self.store
            shutil.rmtree(path)
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
            return ox.Store(str(path))
        except OSError:  # locked by another build, or unwritable: work without a state this time
            self._dir = None
            self._tmp = tempfile.TemporaryDirectory(prefix="dtkg-cross-")
            return ox.Store(self._tmp.name)

    def _marked(self, token: str) -> bool:
        return self._dir is not None and ox.Quad(_MARK, _MARK, ox.Literal(token), _MARK) in self.store

    def _load_state(self) -> _State | None:
        if self._dir is None:
            return None
        try:
            with (self._dir / "state.pickle").open("rb") as handle:
                state = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        if not isinstance(state, _State) or state.version != _STATE_VERSION or state.key != self.key:
            return None
        return state

    def _forget_state(self) -> None:
        """From here on the store changes: a run interrupted before :meth:`_save_state` leaves no state."""
        if self._dir is not None:
            (self._dir / "state.pickle").unlink(missing_ok=True)
            self.store.remove_graph(_MARK)

    def _save_state(self, run: ValidationRun) -> None:
        if self._dir is None:
            return
        token = uuid.uuid4().hex
        self.store.add(ox.Quad(_MARK, _MARK, ox.Literal(token), _MARK))
        state = _State(self.key, token, dict(self._new_digests), run.findings, dict(run.targeted))
        with atomic_writer(self._dir / "state.pickle") as handle:
            pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)

    def report_context(self, run: ValidationRun, load: Callable[[str], Iterable[ox.Quad]]) -> ReportContext:
        """What reporting ``run``'s cross-article findings needs, from the slots that describe their nodes.

        ``load(slot)`` gives the full quads behind a slot (an article's graphs, the
        reference graph); only the slots whose projection has a finding's focus node or
        value as a subject are loaded.
        """
        cross = [f for f in run.findings if f.graph is None]
        nodes = {_focus_key(f) for f in cross} | {f.value for f in cross if f.value_is_iri and f.value}
        slots: set[str] = set()
        for name in nodes:
            try:
                node = ox.NamedNode(name)
            except ValueError:
                continue
            slots |= {q.graph_name.value for q in self.store.quads_for_pattern(node, None, None, None)  # type: ignore[union-attr]
                      if q.graph_name not in (_MARK, _UNION)}
        if not slots:
            return ReportContext()
        store = ox.Store()
        for slot in sorted(slots):
            store.extend(load(slot))
        return build_context(store, ValidationRun(tuple(cross)))

    def close(self) -> None:
        """Let go of the store (and of a temporary one)."""
        del self.store
        if self._tmp is not None:
            self._tmp.cleanup()


def _triples(projection: bytes) -> Iterable[Triple]:
    for t in ox.parse(projection, format=ox.RdfFormat.N_TRIPLES):
        yield t.subject, t.predicate, t.object


def _name(term: Term) -> str:
    return term.value


def _focus_key(finding: Finding) -> str:
    """A finding's focus node as :func:`_name` writes it (blank nodes skolemised)."""
    return finding.focus if finding.focus_is_iri else SKOLEM + finding.focus


def _member(target: _Target, node: Term, store: ox.Store, classes: dict[ox.NamedNode, set[Term]]) -> bool:
    """Whether ``node`` is a focus node of ``target`` in ``store``."""
    if node in target.nodes:
        return True
    if not isinstance(node, ox.Literal):
        if target.classes:
            types = {q.object for q in store.quads_for_pattern(node, _TYPE, None, _UNION)}
            if any(types & classes[cls] for cls in target.classes):
                return True
        for predicate in target.subjects_of:
            if next(iter(store.quads_for_pattern(node, predicate, None, _UNION)), None) is not None:
                return True
    for predicate in target.objects_of:
        if next(iter(store.quads_for_pattern(None, predicate, node, _UNION)), None) is not None:
            return True
    return False
