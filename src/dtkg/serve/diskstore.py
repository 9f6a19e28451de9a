"""The on-disk Oxigraph store the query workers read: built once from a dataset file, reused while it is unchanged.

A dataset file ``out/kg.nq`` is loaded into ``out/.dtkg-serve/kg.nq/store`` beside it (or,
when that folder cannot be written, under the user's cache folder). A stamp records the
file's size and modification time and the pyoxigraph version; while they match, the store is
reused, so a restart does not reload the data. The store is built in a temporary folder and
moved into place only when complete, so a killed build leaves nothing that looks finished.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from dtkg.errors import ServeError, UsageError
from dtkg.store import rdf_format

CACHE_FOLDER = ".dtkg-serve"
STORE = "store"
STAMP = "stamp.json"
FORMAT_VERSION = 1


def disk_store(source: Path) -> Path:
    """The store folder to serve ``source`` from: the folder itself if it is one, else one built from the file."""
    source = Path(source)
    if source.is_dir():
        check_store(source)
        return source
    if not source.is_file():
        raise UsageError(
            "no such dataset file or store folder",
            path=str(source),
            fix="build a dataset first with `dtkg build INPUT --output dataset.nq`",
        )
    rdf_format(source)  # a UsageError now for an extension we cannot read
    stamp = _stamp(source)
    for cache in (source.parent / CACHE_FOLDER / source.name, _user_cache(source)):
        if _read_stamp(cache) == stamp:
            return cache / STORE
        work = _workspace(cache)
        if work is not None:
            return _build(source, work, cache, stamp)
    raise ServeError(
        "cannot write an on-disk store for this dataset beside it nor in the user's cache folder",
        path=str(source),
        fix=f"make {source.parent} writable, or serve an Oxigraph store folder instead",
    )


def check_store(folder: Path) -> None:
    """A :class:`ServeError` naming ``folder`` unless it opens as an Oxigraph store."""
    try:
        ox.Store.read_only(str(folder))
    except (OSError, ValueError) as exc:
        raise ServeError(
            f"not an Oxigraph store folder: {exc}",
            path=str(folder),
            fix="give a dataset file (.nq, .trig, .jsonld, .ttl) or a folder written by pyoxigraph.Store(path)",
        ) from exc


def _stamp(source: Path) -> dict[str, object]:
    info = source.stat()
    return {"format": FORMAT_VERSION, "pyoxigraph": ox.__version__, "size": info.st_size, "mtime_ns": info.st_mtime_ns}


def _read_stamp(cache: Path) -> object:
    try:
        return json.loads((cache / STAMP).read_text(encoding="utf-8")) if (cache / STORE).is_dir() else None
    except (OSError, ValueError):
        return None


def _user_cache(source: Path) -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dtkg" / "serve"
    key = hashlib.sha256(str(source.resolve()).encode()).hexdigest()[:16]
    return root / f"{source.name}-{key}"


def _workspace(cache: Path) -> Path | None:
    """A fresh temporary folder beside ``cache`` to build in, or None when that place cannot be written."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(cache.parent, cache.name)
        return Path(tempfile.mkdtemp(prefix=f".{cache.name}.{os.getpid()}.", suffix=".tmp", dir=cache.parent))
    except OSError:
        return None


def _build(source: Path, work: Path, cache: Path, stamp: dict[str, object]) -> Path:
    """Load ``source`` into a fresh store in ``work``, then move it to ``cache`` once complete."""
    try:
        store = ox.Store(str(work / STORE))
        try:
            store.bulk_load(path=str(source), format=rdf_format(source))
        except SyntaxError as exc:
            raise UsageError(f"not valid RDF: {exc}", path=str(source)) from exc
        except OSError as exc:
            raise ServeError(f"cannot load the dataset into an on-disk store: {exc}", path=str(source)) from exc
        store.flush()
        del store
        (work / STAMP).write_text(json.dumps(stamp), encoding="utf-8")
        shutil.rmtree(cache, ignore_errors=True)
        try:
            os.replace(work, cache)
        except OSError:
            if _read_stamp(cache) != stamp:  # unless another dtkg serve just built the same store
                raise
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return cache / STORE


def _remove_stale(folder: Path, name: str) -> None:
    """Remove temporary build folders for ``name`` whose building process is gone."""
    for candidate in folder.glob(f".{name}.*.tmp"):
        pid = candidate.name[len(name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(candidate, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
