"""One error hierarchy: :class:`DtkgError` and a subclass per pipeline stage.

The library raises these and never prints or exits; the CLI maps them to exit codes.
Every message names the file, line or IRI at fault and, where there is one, the fix.
"""

from __future__ import annotations


class DtkgError(Exception):
    """Base class of every error dtkg raises on purpose."""

    def __init__(self, message: str, *, path: str | None = None, fix: str | None = None,
                 details: tuple[str, ...] = ()) -> None:
        self.path = path
        self.fix = fix
        self.details = details  # one line per input at fault, when the error sums up several
        text = f"{path}: {message}" if path else message
        if fix:
            text = f"{text} (fix: {fix})"
        super().__init__(text)
        self.message = message


class UsageError(DtkgError):
    """The command line or settings are wrong."""


class IngestError(DtkgError):
    """An input file cannot be read as an article."""


class NothingBuiltError(IngestError):
    """No input could be built: ``details`` says why for each; ``traces`` holds (input, traceback)
    for those that hit a bug in dtkg, for a bug report."""

    def __init__(self, message: str, *, path: str | None = None, fix: str | None = None,
                 details: tuple[str, ...] = (), traces: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(message, path=path, fix=fix, details=details)
        self.traces = traces


class ExtractError(DtkgError):
    """Extraction failed on an article."""


class MappingError(DtkgError):
    """A mapping file is broken or produced invalid RDF."""


class ResolveError(DtkgError):
    """A cross-article resolution query is broken."""


class ValidationError(DtkgError):
    """Shapes or data cannot be read for validation (not: the data does not conform)."""


class OutputError(DtkgError):
    """The dataset, its report or a temporary file cannot be written (a full disk, a folder in the way)."""


class PublishError(DtkgError):
    """Publishing to an external SPARQL store failed."""


class ServeError(DtkgError):
    """The embedded endpoint cannot start or answer."""
