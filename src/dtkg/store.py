"""Reading and writing RDF datasets (N-Quads, TriG, JSON-LD) with pyoxigraph."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from collections.abc import Iterator

import pyoxigraph as ox

from dtkg.errors import UsageError
from dtkg.settings import DatasetFormat

OX_FORMATS = {
    DatasetFormat.NQUADS: ox.RdfFormat.N_QUADS,
    DatasetFormat.TRIG: ox.RdfFormat.TRIG,
    DatasetFormat.JSONLD: ox.RdfFormat.JSON_LD,
}

READABLE = {
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json": ox.RdfFormat.JSON_LD,
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdf": ox.RdfFormat.RDF_XML,
    "owl": ox.RdfFormat.RDF_XML,
}


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format a file's extension names, or a :class:`UsageError` listing the choices."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in READABLE:
        raise UsageError(
            f"cannot tell the RDF format of {path.name!r} from its extension",
            path=str(path),
            fix="use one of " + ", ".join("." + s for s in sorted(READABLE)),
        )
    return READABLE[suffix]


def load_dataset(path: Path, *, store: ox.Store | None = None) -> ox.Store:
    """Load an RDF file into a (new, in-memory) store; syntax errors name the file and line."""
    path = Path(path)
    if not path.is_file():
        raise UsageError("no such dataset file", path=str(path), fix="build one with `dtkg build`")
    store = store if store is not None else ox.Store()
    try:
        store.bulk_load(path=str(path), format=rdf_format(path))
    except SyntaxError as exc:
        raise UsageError(f"not valid RDF: {exc}", path=str(path)) from exc
    return store


@contextmanager
def atomic_writer(path: Path, mode: str = "wb", *, durable: bool = True) -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place only on success.

    ``durable=False`` skips the fsync: for files whose loss after a crash is harmless (a
    cache entry that is gone or empty is a miss), where a sync per file would cost more
    than the work the file saves.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8") as handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_dataset(store: ox.Store, path: Path, fmt: DatasetFormat) -> None:
    """Dump a whole store to ``path`` atomically, streaming (N-Quads in the store's deterministic order)."""
    with atomic_writer(path) as handle:
        if fmt is DatasetFormat.NQUADS:
            store.dump(handle, format=ox.RdfFormat.N_QUADS)
        else:
            store.dump(handle, format=OX_FORMATS[fmt], prefixes=PREFIXES)


PREFIXES = {
    "dtkg": "https://w3id.org/dtkg/ontology#",
    "dtc": "https://w3id.org/dtkg/concept/",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "oa": "http://www.w3.org/ns/oa#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
