"""The build cache: one entry per source, keyed by its bytes, its name and the model.

An entry is valid only for the same raw bytes, source name, article key, base IRI and
model fingerprint (ontology, mappings, shapes and code); anything else is a miss.
Entries are written atomically, so an interrupted build never leaves a corrupt one.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from dtkg import resources
from dtkg.settings import Settings
from dtkg.store import atomic_writer

if TYPE_CHECKING:
    from dtkg.ingest import Source


class Entry(Protocol):
    """What the cache keeps: a frozen dataclass that says whether it failed and whether it came from the cache."""

    error: str | None
    cached: bool


E = TypeVar("E", bound=Entry)


class Cache(Generic[E]):
    def __init__(self, root: Path, *, settings: Settings) -> None:
        self.root = root
        self.salt = json.dumps([resources.model_fingerprint(), settings.base_iri, settings.validate, settings.shacl_engine.value,
                                settings.max_article_bytes])
        self._keys: dict[str, str] = {}

    def _key(self, source: "Source") -> str | None:
        if source.name in self._keys:
            return self._keys[source.name]
        try:
            raw = source.data if source.data is not None else source.path.read_bytes()  # type: ignore[union-attr]
        except OSError:
            return None
        digest = hashlib.sha256()
        for part in (self.salt, source.name, source.key, json.dumps(source.meta, sort_keys=True)):
            digest.update(part.encode())
            digest.update(b"\0")
        digest.update(raw)
        key = digest.hexdigest()
        self._keys[source.name] = key
        return key

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pickle"

    def has(self, source: "Source") -> bool:
        """Whether an entry exists for the source (without loading it)."""
        key = self._key(source)
        return key is not None and self._path(key).is_file()

    def get(self, source: "Source") -> E | None:
        key = self._key(source)
        if key is None:
            return None
        path = self._path(key)
        try:
            with path.open("rb") as handle:
                result = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            return None
        return replace(result, cached=True)  # type: ignore[type-var]

    def put(self, source: "Source", result: E) -> None:
        key = self._key(source)
        if key is None or result.error:
            return
        path = self._path(key)
        with atomic_writer(path) as handle:
            pickle.dump(result, handle)
