"""dtkg: a knowledge-graph publisher for Vietnamese news about digital transformation.

The public surface is small: :func:`build` turns article files into an RDF dataset,
:class:`Settings` configures it, and :class:`DtkgError` (with one subclass per stage)
is what goes wrong. Everything else is reachable through the stage modules.
"""

from __future__ import annotations

__version__ = "0.1.0"

from dtkg.errors import (
    DtkgError,
    ExtractError,
    IngestError,
    MappingError,
    NothingBuiltError,
    OutputError,
    PublishError,
    ServeError,
    UsageError,
    ValidationError,
)
from dtkg.settings import DatasetFormat, Settings

__all__ = [
    "DatasetFormat",
    "DtkgError",
    "ExtractError",
    "IngestError",
    "MappingError",
    "NothingBuiltError",
    "OutputError",
    "PublishError",
    "ServeError",
    "Settings",
    "UsageError",
    "ValidationError",
    "__version__",
    "build",
]


def build(*args, **kwargs):  # type: ignore[no-untyped-def]
    """Build a dataset from article files; see :func:`dtkg.pipeline.build`."""
    from dtkg.pipeline import build as _build

    return _build(*args, **kwargs)
