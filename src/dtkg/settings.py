"""The one frozen settings object, built at the edge (CLI or caller) and passed down."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from collections.abc import Mapping
from pathlib import Path

from dtkg.errors import UsageError

DEFAULT_BASE = "http://127.0.0.1:8000/id/"


class DatasetFormat(enum.Enum):
    """RDF dataset serialisations dtkg writes and reads."""

    NQUADS = "nq"
    TRIG = "trig"
    JSONLD = "jsonld"

    @classmethod
    def from_path(cls, path: Path | str) -> "DatasetFormat":
        """The format named by a file's extension, or a :class:`UsageError` naming the choices."""
        suffix = Path(path).suffix.lower().lstrip(".")
        aliases = {"nq": cls.NQUADS, "nquads": cls.NQUADS, "trig": cls.TRIG, "jsonld": cls.JSONLD, "json": cls.JSONLD}
        if suffix not in aliases:
            raise UsageError(
                f"cannot tell the dataset format from the extension {suffix!r}",
                path=str(path),
                fix="name the output with .nq, .trig or .jsonld",
            )
        return aliases[suffix]


class ShaclEngine(enum.Enum):
    """The SHACL engine that runs the shapes: pyshacl-turbo (native, the default) or pySHACL (the reference)."""

    TURBO = "turbo"
    PYSHACL = "pyshacl"

    @classmethod
    def parse(cls, name: str) -> "ShaclEngine":
        """``"turbo"``/``"pyshacl"`` → the engine, or a :class:`UsageError` naming the choices."""
        try:
            return cls(name.lower())
        except ValueError as exc:
            raise UsageError(f"unknown SHACL engine {name!r}", fix="use turbo or pyshacl") from exc


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything a build needs to know that is not an input file."""

    base_iri: str = DEFAULT_BASE
    workers: int = field(default_factory=lambda: max(1, min(4, os.cpu_count() or 1)))
    cache_dir: Path | None = None
    max_article_bytes: int = 20 * 1024 * 1024
    validate: bool = True
    shacl_engine: ShaclEngine = ShaclEngine.TURBO
    quiet: bool = False

    def __post_init__(self) -> None:
        if not self.base_iri.startswith(("http://", "https://")) or not self.base_iri.endswith(("/", "#")):
            raise UsageError(
                f"base IRI {self.base_iri!r} must be an http(s) IRI ending in '/' or '#'",
                fix="for example --base https://example.org/kg/",
            )
        if self.workers < 1:
            raise UsageError(f"workers must be at least 1, not {self.workers}")


@dataclass(frozen=True, kw_only=True)
class ServeSettings:
    """How ``dtkg serve`` guards itself (time and memory per query, request size, query worker processes)
    and how many statements a page of a linked-data document holds."""

    query_timeout: float = 30.0
    query_memory_mb: int = 1024
    max_request_bytes: int = 1024 * 1024
    query_workers: int = 2
    in_memory_up_to: int = 200_000
    page_size: int = 10_000
    license: str | None = None  # the dataset's licence IRI, for its VoID description
    update_token: str | None = field(default=None, repr=False)  # writes allowed to requests bearing it

    def __post_init__(self) -> None:
        checks = (
            (self.query_timeout > 0, "--query-timeout must be more than 0 seconds", self.query_timeout, "30"),
            (self.query_memory_mb >= 64, "--query-memory-mb must be at least 64", self.query_memory_mb, "1024"),
            (self.max_request_bytes >= 1024, "--max-request-bytes must be at least 1024", self.max_request_bytes,
             "1048576"),
            (self.query_workers >= 1, "--query-workers must be at least 1", self.query_workers, "2"),
            (self.in_memory_up_to >= 0, "--in-memory-up-to must be 0 or more", self.in_memory_up_to, "200000"),
            (self.page_size >= 1, "--page-size must be at least 1", self.page_size, "10000"),
        )
        for ok, rule, value, example in checks:
            if not ok:
                option = str(rule).split()[0]
                raise UsageError(f"{rule}, not {value}", fix=f"for example {option} {example}")
        if self.update_token is not None:
            check_token(self.update_token)


TOKEN_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=")
TOKEN_FIX = "make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


def check_token(token: str) -> None:
    """A :class:`UsageError` (never showing the token) unless it is a usable bearer token: 16 or more
    characters of the RFC 6750 token alphabet."""
    if len(token) < 16:
        raise UsageError(f"the update token must be at least 16 characters long, not {len(token)}", fix=TOKEN_FIX)
    if not set(token) <= TOKEN_CHARACTERS:
        raise UsageError("the update token may hold only letters, digits and - . _ ~ + / =", fix=TOKEN_FIX)


def read_update_token(environ: Mapping[str, str], token_file: Path | None) -> str | None:
    """The update token: the file's first line if a file is named, else ``DTKG_UPDATE_TOKEN``, else None."""
    if token_file is not None:
        try:
            lines = token_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read the update token file: {exc}", path=str(token_file),
                             fix="give a readable file holding the token on its first line") from exc
        token = lines[0].strip() if lines else ""
        if not token:
            raise UsageError("the update token file is empty", path=str(token_file), fix=TOKEN_FIX)
        return token
    token = environ.get("DTKG_UPDATE_TOKEN", "").strip()
    return token or None
