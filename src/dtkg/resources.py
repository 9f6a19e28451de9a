"""Where the RDF files that ship with dtkg live: ontology, mappings, shapes, queries.

In an installed wheel they sit in ``dtkg/_data``; in a checkout, at the project root.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from dtkg.errors import DtkgError

_PACKAGED = Path(__file__).resolve().parent / "_data"
_CHECKOUT = Path(__file__).resolve().parents[2]


@cache
def data_root() -> Path:
    """The folder holding ``ontology/``, ``mappings/`` and ``shapes/``."""
    for root in (_PACKAGED, _CHECKOUT):
        if (root / "ontology").is_dir() and (root / "mappings").is_dir():
            return root
    raise DtkgError(
        "dtkg's data files (ontology/, mappings/, shapes/) are missing from the installation",
        fix="reinstall dtkg from a wheel or run it from a checkout",
    )


def ontology_dir() -> Path:
    return data_root() / "ontology"


def mappings_dir() -> Path:
    return data_root() / "mappings"


def shapes_dir() -> Path:
    return data_root() / "shapes"


def cq_dir() -> Path:
    return ontology_dir() / "cq"


def reference_files() -> list[Path]:
    """Turtle files loaded into every build's reference graph, in a fixed order."""
    root = ontology_dir()
    return sorted(root.glob("*.ttl")) + sorted((root / "reference").glob("*.ttl"))


@cache
def model_fingerprint() -> str:
    """A hash of ontology, mappings, shapes and code: a cache built under another one is stale."""
    from dtkg import __version__

    digest = hashlib.sha256(__version__.encode())
    code_root = Path(__file__).resolve().parent
    files = [p for p in sorted(data_root().rglob("*")) if p.is_file() and p.suffix in {".ttl", ".rq", ".jsonld", ".json"}]
    files += [p for p in sorted(code_root.rglob("*")) if p.is_file() and "_data" not in p.parts
              and "__pycache__" not in p.parts and p.suffix in {".py", ".rq", ".toml", ".tsv", ".txt", ".json"}]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
