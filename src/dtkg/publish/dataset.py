"""The graphs of a dataset file as byte ranges of N-Quads, each with its SHA-256 and size.

A dataset written by ``dtkg build`` is N-Quads with one line per quad and single spaces
between terms: :func:`index_dataset` reads such a file once, line by line, without parsing
RDF, and records the byte ranges each graph's lines occupy. Any other file (TriG, JSON-LD,
N-Quads laid out otherwise) is first rewritten into that form with pyoxigraph in a
temporary folder. The index of a file is kept in a cache folder, keyed by the
file's path, size and modification time, so publishing the same file again reads nothing (kept in ``.dtkg-cache`` beside the
dataset unless told otherwise).

The digest of a graph is the SHA-256 of its N-Quads lines as read (so the same file always
gives the same digests; a reordered file costs a resend, never a wrong skip).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from dtkg import iris
from dtkg.errors import UsageError
from dtkg.publish.report import DEFAULT_GRAPH
from dtkg.store import atomic_writer, load_dataset

INDEX_VERSION = 1


class _NotCanonical(Exception):
    """The file is not N-Quads laid out as ``dtkg build`` writes it (a line number and why)."""


@dataclass(frozen=True, kw_only=True)
class GraphEntry:
    """One graph of the dataset: where its N-Quads lines are, their SHA-256 and the triple count."""

    graph: str
    digest: str
    triples: int
    ranges: tuple[tuple[int, int], ...]
    has_blank_nodes: bool = False

    @property
    def is_default(self) -> bool:
        return self.graph == DEFAULT_GRAPH


@dataclass(frozen=True, kw_only=True)
class DatasetIndex:
    """The graphs of one N-Quads file (the dataset, or its canonical rewrite), by first appearance."""

    path: Path
    graphs: tuple[GraphEntry, ...]
    base: str

    def read(self, entry: GraphEntry) -> bytes:
        """The N-Quads lines of one graph, in file order."""
        with self.path.open("rb") as handle:
            return b"".join(_read_range(handle, start, length) for start, length in entry.ranges)

    def by_name(self) -> dict[str, GraphEntry]:
        return {entry.graph: entry for entry in self.graphs}


def _read_range(handle: BinaryIO, start: int, length: int) -> bytes:
    handle.seek(start)
    return handle.read(length)


def index_dataset(dataset: Path, *, work_dir: Path, cache_dir: Path | bool | None) -> DatasetIndex:
    """The index of ``dataset``: from the cache when the file is unchanged, else by reading it.

    ``cache_dir`` True keeps the index in ``.dtkg-cache`` beside the dataset; None or False keeps none.
    """
    dataset = Path(dataset)
    if not dataset.is_file():
        raise UsageError("no such dataset file", path=str(dataset), fix="build one with `dtkg build`")
    if cache_dir is True:
        cache_dir = dataset.parent / ".dtkg-cache"
    if cache_dir is False:
        cache_dir = None
    key = _file_key(dataset)
    cached = _read_cache(cache_dir, key) if cache_dir is not None else None
    if cached is not None:
        return cached
    index = _index_file(dataset, work_dir)
    if cache_dir is not None and index.path == dataset:
        _write_cache(cache_dir, key, index)
    return index


_INTEGRAL_DECIMAL = re.compile(rb'"([+-]?[0-9]+)"\^\^<http://www\.w3\.org/2001/XMLSchema#decimal> \.$')


def ntriples(entry: GraphEntry, nquads: bytes, *, decimal_point: bool = False) -> list[bytes]:
    """The graph's lines as N-Triples lines (the graph term dropped), without line ends.

    ``decimal_point`` writes ``"30"^^xsd:decimal`` as ``"30.0"^^xsd:decimal`` (same value).
    """
    lines = nquads.splitlines()
    if not entry.is_default:
        cut = len(b" <" + entry.graph.encode("utf-8") + b"> .")
        lines = [line[:-cut] + b" ." for line in lines]
    if decimal_point:
        lines = [_INTEGRAL_DECIMAL.sub(rb'"\1.0"^^<http://www.w3.org/2001/XMLSchema#decimal> .', line) for line in lines]
    return lines


# --- reading -------------------------------------------------------------------------------


def _index_file(dataset: Path, work_dir: Path) -> DatasetIndex:
    """Scan the file if it is N-Quads in dtkg's layout, else rewrite it into that layout first."""
    if dataset.suffix.lower() == ".nq":
        try:
            return _scan(dataset)
        except _NotCanonical:
            pass
    canonical = work_dir / "dataset.nq"
    store = load_dataset(dataset)
    with canonical.open("wb") as handle:
        store.dump(handle, format=ox.RdfFormat.N_QUADS)
    del store
    try:
        return _scan(canonical)
    except _NotCanonical as exc:  # pragma: no cover - pyoxigraph always writes the canonical layout
        raise UsageError(f"cannot index the dataset: {exc}", path=str(dataset)) from None


class _Graph:
    """A graph being read: its running digest, line count and byte ranges."""

    __slots__ = ("blank", "digest", "lines", "ranges")

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.lines = 0
        self.ranges: list[list[int]] = []
        self.blank = False


BLOCK = 1 << 24
NEWLINE = b"\n"


def _scan(path: Path) -> DatasetIndex:
    """One pass over the file in large blocks: each graph's byte ranges, digest and count.

    Raises :class:`_NotCanonical` if a line is not in dtkg's layout.
    """
    graphs: dict[bytes, _Graph] = {}
    offset = lines = 0
    carry = b""
    try:
        with path.open("rb") as handle:
            while True:
                block = handle.read(BLOCK)
                buf = carry + block
                if not buf:
                    break
                cut = len(buf) if not block else buf.rfind(b"\n") + 1
                if cut == 0:
                    carry = buf
                    continue
                buf, carry = buf[:cut], buf[cut:]
                if not buf.endswith(b"\n"):
                    raise _NotCanonical(f"line {lines + buf.count(NEWLINE) + 1} has no line end")
                _scan_block(buf, offset, lines, graphs)
                offset += len(buf)
                lines += buf.count(b"\n")
    except OSError as exc:
        raise UsageError(f"cannot read the dataset: {exc.strerror or exc}", path=str(path)) from None
    entries = [_entry(term, graph) for term, graph in graphs.items()]
    return DatasetIndex(path=path, graphs=tuple(entries), base=_base(entries, path))


def _scan_block(buf: bytes, offset: int, lines: int, graphs: dict[bytes, _Graph]) -> None:
    """Read the runs of lines of one graph in a block of whole lines (the hot loop of indexing)."""
    pos, size = 0, len(buf)
    while pos < size:
        end = buf.find(b"\n", pos) + 1
        try:
            term = _graph_term(buf[pos:end])
        except _NotCanonical as exc:
            raise _NotCanonical(f"line {lines + buf.count(NEWLINE, 0, pos) + 1}: {exc}") from None
        run_end, count = end, 1
        if term:
            suffix = b" " + term + b" .\n"
            tail = len(suffix)
            while run_end < size:
                nxt = buf.find(b"\n", run_end) + 1
                if not buf.endswith(suffix, run_end, nxt):
                    break
                space = buf.find(b" ", run_end, nxt)
                if buf.find(b" ", space + 1, nxt - tail) < 0:  # only two terms before the graph's: a triple
                    break
                run_end, count = nxt, count + 1
        graph = graphs.setdefault(term, _Graph())
        graph.digest.update(memoryview(buf)[pos:run_end])
        graph.lines += count
        if graph.ranges and graph.ranges[-1][0] + graph.ranges[-1][1] == offset + pos:
            graph.ranges[-1][1] += run_end - pos
        else:
            graph.ranges.append([offset + pos, run_end - pos])
        if not graph.blank and buf.find(b"_:", pos, run_end) >= 0:
            graph.blank = True
        pos = run_end


def _entry(term: bytes, graph: _Graph) -> GraphEntry:
    name = DEFAULT_GRAPH if term == b"" else term[1:-1].decode("utf-8")
    ranges = tuple((start, length) for start, length in graph.ranges)
    return GraphEntry(graph=name, digest=graph.digest.hexdigest(), triples=graph.lines, ranges=ranges, has_blank_nodes=graph.blank)


def _graph_term(line: bytes) -> bytes:
    """The graph term of one canonical N-Quads line (``b""`` for the default graph).

    Canonical: subject, predicate, object and graph separated by single spaces, the line
    ending in `` .\\n``. IRIs hold no space, quote or ``<``; a literal is quoted, so a
    `` <`` after its closing quote starts the graph term.
    """
    if not line.endswith(b" .\n") or line[:1] not in (b"<", b"_"):
        raise _NotCanonical("not a quad line in dtkg's layout")
    subject_end = line.find(b" ")
    predicate_end = line.find(b" ", subject_end + 1)
    if subject_end < 0 or predicate_end < 0 or line[subject_end + 1 : subject_end + 2] != b"<":
        raise _NotCanonical("cannot find the predicate")
    body = line[predicate_end + 1 : -3]
    if body.endswith(b">"):
        cut = body.rfind(b" <")
        if cut > 0 and b'"' not in body[cut:]:
            return body[cut + 1 :]
        return b""
    cut = body.rfind(b" _:")
    if cut > 0 and b'"' not in body[cut:]:
        raise _NotCanonical("a blank node names a graph")
    return b""


def _base(entries: list[GraphEntry], path: Path) -> str:
    """The base IRI the dataset was built with, read off its meta or reference graph."""
    for entry in entries:
        base = iris.dataset_base(entry.graph)
        if base is not None:
            return base
    raise UsageError(
        "the dataset has neither a …/graph/meta nor a …/graph/reference graph, so it was not built by dtkg",
        path=str(path),
        fix="publish a dataset written by `dtkg build`",
    )


# --- the cache of indexes ------------------------------------------------------------------


def _file_key(path: Path) -> dict[str, object]:
    stat = path.stat()
    return {"version": INDEX_VERSION, "path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "inode": stat.st_ino}


def _cache_file(cache_dir: Path, key: dict[str, object]) -> Path:
    name = hashlib.sha256(str(key["path"]).encode("utf-8")).hexdigest()[:32]
    return cache_dir / f"publish-index-{name}.json"


def _read_cache(cache_dir: Path, key: dict[str, object]) -> DatasetIndex | None:
    """The cached index if it was made from this very file (same size, time and inode), else None."""
    try:
        data = json.loads(_cache_file(cache_dir, key).read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        graphs = tuple(
            GraphEntry(**{**row, "ranges": tuple((int(a), int(b)) for a, b in row["ranges"])}) for row in data["graphs"]
        )
        return DatasetIndex(path=Path(str(key["path"])), graphs=graphs, base=str(data["base"]))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _write_cache(cache_dir: Path, key: dict[str, object], index: DatasetIndex) -> None:
    """Keep the index for the next run; a cache that cannot be written is only a lost speed-up."""
    rows = [entry.__dict__ for entry in index.graphs]
    try:
        with atomic_writer(_cache_file(cache_dir, key), "w") as handle:
            json.dump({"key": key, "base": index.base, "graphs": rows}, handle, ensure_ascii=False)
    except OSError:
        pass


def batches(entries: list[GraphEntry], *, max_triples: int) -> Iterator[list[GraphEntry]]:
    """Consecutive groups of entries of at most ``max_triples`` triples (a larger graph goes alone)."""
    batch: list[GraphEntry] = []
    size = 0
    for entry in entries:
        if batch and size + entry.triples > max_triples:
            yield batch
            batch, size = [], 0
        batch.append(entry)
        size += entry.triples
    if batch:
        yield batch
