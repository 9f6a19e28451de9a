"""What is made once per state of the served data: its statistics and its dumps, kept beside the store.

For a store folder ``…/store`` (built by ``dtkg serve`` from a dataset file, or given), the
artefacts live in ``…/void/<version>/`` beside it (or, for a store folder that is not ours,
under ``.dtkg-serve/`` beside that folder, else the user's cache folder): ``manifest.json``
(statistics, dumps with their sizes and SHA-256), ``dtkg.nq.gz`` (every quad, gzip'd N-Quads)
and ``dtkg-graphs.zip`` (one Turtle file per graph, with ``index.tsv`` naming each file's graph).
``version`` is a digest of the names and sizes of the store's data files, so it changes when
the data does (an update) and not when the store is only read. Artefacts are made in a
temporary folder and renamed into place, by a background process (``python -m
dtkg.serve.artefacts``) for a store folder, so that serving never waits for them.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime, UTC
from pathlib import Path
from typing import IO, cast
from urllib.parse import quote

import pyoxigraph as ox

from dtkg.iris import meta_graph, reference_graph
from dtkg.serve.stats import Statistics, compute
from dtkg.store import PREFIXES

MANIFEST = "manifest.json"
NQUADS_DUMP = "dtkg.nq.gz"
TURTLE_DUMP = "dtkg-graphs.zip"
INDEX = "index.tsv"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Dump:
    """A file to download: its name, what it holds, its size and SHA-256."""

    name: str
    media_type: str
    compression: str | None
    package: str | None
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Artefacts:
    """The statistics and dumps of one state of the data, and when that state was made."""

    version: str
    modified: str
    statistics: Statistics
    dumps: tuple[Dump, ...]
    folder: Path

    def dump(self, name: str) -> Dump | None:
        return next((d for d in self.dumps if d.name == name), None)


def version(store_folder: Path) -> str:
    """A digest of the names and sizes of the store's data files (RocksDB tables and logs)."""
    files = sorted(
        (p.name, p.stat().st_size) for p in Path(store_folder).iterdir() if p.suffix in (".sst", ".log")
    )
    return hashlib.sha256(json.dumps([FORMAT_VERSION, files]).encode()).hexdigest()[:16]


def modified_time(store_folder: Path) -> str:
    """When the store's data last changed: the newest modification time of its data files (UTC, ISO 8601)."""
    times = [p.stat().st_mtime for p in Path(store_folder).iterdir() if p.suffix in (".sst", ".log")]
    return _iso(max(times, default=0.0))


def now() -> str:
    """The current time (UTC, ISO 8601, whole seconds)."""
    return _iso(datetime.now(tz=UTC).timestamp())


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).replace(microsecond=0).isoformat()


def root_for(store_folder: Path) -> Path:
    """Where the artefacts of a store folder live: beside it (see the module docstring)."""
    store_folder = Path(store_folder).resolve()
    if (store_folder.parent / "stamp.json").is_file():  # built by dtkg serve: its cache folder is ours
        return store_folder.parent / "void"
    beside = store_folder.parent / ".dtkg-serve" / f"{store_folder.name}.void"
    if os.access(store_folder.parent, os.W_OK):
        return beside
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dtkg" / "void"
    return cache / hashlib.sha256(str(store_folder).encode()).hexdigest()[:16]


def load(root: Path, key: str) -> Artefacts | None:
    """The artefacts made for ``key`` under ``root``, or None when there are none (yet)."""
    folder = root / key
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Artefacts(
        version=data["version"],
        modified=data["modified"],
        statistics=Statistics.from_json(data["statistics"]),
        dumps=tuple(Dump(**d) for d in data["dumps"]),
        folder=folder,
    )


def make(store: ox.Store, root: Path, key: str, *, base_iri: str, modified: str) -> Artefacts:
    """Count ``store`` and write its dumps under ``root/key`` (complete, or not at all); stale versions are removed."""
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{key}.", suffix=".tmp", dir=root))
    try:
        statistics = compute(store, featured=[meta_graph(base_iri), reference_graph(base_iri)])
        dumps = (nquads_dump(store, work / NQUADS_DUMP), turtle_dump(store, work / TURTLE_DUMP, base_iri=base_iri))
        manifest = {
            "version": key,
            "modified": modified,
            "statistics": statistics.to_json(),
            "dumps": [d.__dict__ for d in dumps],
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        target = root / key
        shutil.rmtree(target, ignore_errors=True)
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    for stale in root.iterdir():
        if stale.name != key and not stale.name.startswith("."):
            shutil.rmtree(stale, ignore_errors=True)
    made = load(root, key)
    assert made is not None
    return made


class _Hashing:
    """A binary file that counts and hashes what is written to it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


def nquads_dump(store: ox.Store, path: Path) -> Dump:
    """Every quad of the store, gzip'd N-Quads."""
    with path.open("wb") as raw:
        hashing = _Hashing(raw)
        with gzip.GzipFile(fileobj=cast(IO[bytes], hashing), mode="wb", compresslevel=6, mtime=0) as packed:
            store.dump(packed, format=ox.RdfFormat.N_QUADS)  # type: ignore[arg-type]
    return Dump(NQUADS_DUMP, "application/n-quads", "application/gzip", None, hashing.size,
                hashing.sha256.hexdigest())


def turtle_dump(store: ox.Store, path: Path, *, base_iri: str) -> Dump:
    """One Turtle file per graph in a zip, named after the graph (``graph/article/<key>.ttl``), with an index."""
    graphs = sorted(store.named_graphs(), key=lambda g: str(g))
    index: list[str] = []
    with path.open("wb") as raw:
        hashing = _Hashing(raw)
        with zipfile.ZipFile(cast(IO[bytes], hashing), "w", compression=zipfile.ZIP_DEFLATED) as packed:
            if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
                _member(store, packed, "default.ttl", ox.DefaultGraph())
                index.append("default.ttl\t")
            for graph in graphs:
                name = member_name(graph, base_iri)
                _member(store, packed, name, graph)
                index.append(f"{name}\t{graph.value if isinstance(graph, ox.NamedNode) else graph}")
            packed.writestr(INDEX, "\n".join(["file\tgraph", *index]) + "\n")
    return Dump(TURTLE_DUMP, "text/turtle", None, "application/zip", hashing.size, hashing.sha256.hexdigest())


def member_name(graph: ox.NamedNode | ox.BlankNode, base_iri: str) -> str:
    """The file of a graph in the Turtle dump: its path under the base IRI, else a digest of its name."""
    if isinstance(graph, ox.NamedNode) and graph.value.startswith(base_iri) and len(graph.value) > len(base_iri):
        return quote(graph.value[len(base_iri) :], safe="/-_.~") + ".ttl"
    return "other/" + hashlib.sha256(str(graph).encode()).hexdigest()[:16] + ".ttl"


def _member(store: ox.Store, packed: zipfile.ZipFile, name: str, graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> None:
    with packed.open(name, "w", force_zip64=True) as member:
        store.dump(member, format=ox.RdfFormat.TURTLE, from_graph=graph, prefixes=PREFIXES)


def main(argv: list[str] | None = None) -> int:
    """``python -m dtkg.serve.artefacts STORE ROOT KEY BASE_IRI MODIFIED [PARENT_PID]``: make the artefacts."""
    args = argv if argv is not None else sys.argv[1:]
    store_folder, root, key, base_iri, modified = args[:5]
    if len(args) > 5:
        from dtkg.serve.worker import die_with_parent

        die_with_parent(int(args[5]))
    try:
        store = ox.Store.read_only(store_folder)
        make(store, Path(root), key, base_iri=base_iri, modified=modified)
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"cannot make the dataset's statistics and dumps: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
