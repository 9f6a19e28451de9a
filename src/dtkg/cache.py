"""The build cache: one entry per source, keyed by its bytes, its name and the model.

An entry is valid only for the same raw bytes, source name, article key, metadata, base
IRI and model fingerprint (ontology, mappings, shapes and code); anything else is a miss.
Entries are written atomically, so an interrupted build never leaves a corrupt one; an entry
that does not load anyway (a garbage file) is ignored and rebuilt. A cache that cannot be
written slows the next build down but never fails this one: it leaves a note.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
from dataclasses import is_dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from dtkg import resources
from dtkg.settings import Settings
from dtkg.store import atomic_writer
from dtkg.workers import is_running

if TYPE_CHECKING:
    from dtkg.ingest import Source


class Entry(Protocol):
    """What the cache keeps: a frozen dataclass that says whether it failed and whether it came from the cache."""

    @property
    def error(self) -> str | None: ...

    @property
    def cached(self) -> bool: ...


E = TypeVar("E", bound=Entry)


class Cache(Generic[E]):
    def __init__(self, root: Path, *, settings: Settings) -> None:
        self.root = root
        self.salt = json.dumps([resources.model_fingerprint(), settings.base_iri, settings.validate, settings.shacl_engine.value,
                                settings.max_article_bytes])
        self._keys: dict[tuple[str, str], str] = {}
        self._notes: list[str] = []
        self._remove_stale_temporaries()

    @property
    def notes(self) -> tuple[str, ...]:
        """What went wrong with the cache (it could not be written), for the build report."""
        return tuple(self._notes)

    def _key(self, source: "Source") -> str | None:
        identity = (source.name, source.key)
        if identity in self._keys:
            return self._keys[identity]
        try:
            raw = source.data if source.data is not None else source.path.read_bytes()  # type: ignore[union-attr]
        except OSError:
            return None
        digest = hashlib.sha256()
        for part in (self.salt, source.name, source.key, json.dumps(source.meta, sort_keys=True)):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        digest.update(raw)
        key = digest.hexdigest()
        self._keys[identity] = key
        return key

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pickle"

    def has(self, source: "Source") -> bool:
        """Whether an entry exists for the source (without loading it)."""
        key = self._key(source)
        return key is not None and self._path(key).is_file()

    def get(self, source: "Source") -> E | None:
        """The cached result of the source, or None when there is none or it does not load."""
        key = self._key(source)
        if key is None:
            return None
        try:
            with self._path(key).open("rb") as handle:
                result = pickle.load(handle)
        except Exception:
            return None
        if isinstance(result, type) or not is_dataclass(result) or (getattr(result, "source", None), getattr(result, "key", None)) != (
                source.name, source.key):
            return None  # not an entry of this source (a garbage file that happens to unpickle)
        entry: Any = result
        return cast(E, replace(entry, cached=True))

    def put(self, source: "Source", result: E) -> None:
        key = self._key(source)
        if key is None or result.error or self._notes:
            return
        try:
            with atomic_writer(self._path(key), durable=False) as handle:  # an entry lost in a crash is a miss
                pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:
            self._notes.append(f"the cache in {self.root} cannot be written ({exc.strerror or exc}); "
                               "the next build will redo this one's work")

    def _remove_stale_temporaries(self) -> None:
        """Remove half-written entries that killed builds left behind."""
        pattern = re.compile(r"\..*\.pickle\.(\d+)\.[^/]*\.tmp\Z")
        try:
            folders = [e.path for e in os.scandir(self.root) if e.is_dir(follow_symlinks=False)]
        except OSError:
            return
        for folder in folders:
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                m = pattern.match(entry.name)
                if m and not is_running(int(m.group(1))):
                    try:
                        os.unlink(entry.path)
                    except OSError:
                        continue
