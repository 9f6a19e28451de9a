"""The whole flow, in one place: ingest → extract → mapping → resolve → validate → write.

:func:`build` discovers the article sources, processes each one (in a process pool,
through a cache keyed by content and model), streams the quads of every article graph
and the metadata graph to a temporary file, adds the reference graph and the resolution
graph (what only the whole dataset shows: facts several articles report, conflicting
claims), validates and renames the dataset into place.

One input never stops the others: whatever goes wrong with one (a :class:`DtkgError`, or
any other exception, which is a bug and keeps its traceback for the report) fails that
input only. Temporary files carry the build's process id, so the next build removes those
a killed build left behind, and never those of a build still running.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from dtkg import __version__, iris, resources, windows
from dtkg.cache import Cache
from dtkg.errors import DtkgError, NothingBuiltError, OutputError, UsageError
from dtkg.extract import Extractor
from dtkg.ingest import Discovery, Skipped, Source, discover, read, shown
from dtkg.mapping import Mapper
from dtkg.resolve import resolve
from dtkg.settings import DatasetFormat, Settings
from dtkg.store import atomic_writer, write_dataset
from dtkg.validate import (ArticleCheck, CrossArticle, ReportContext, ReportFormat, RunTally, Severity, ValidationRun,
                           Validator, build_context, render_report, validate_article)
from dtkg.workers import die_with_parent, is_running


@dataclass(frozen=True)
class ArticleResult:
    """What processing one source gave: its quads as N-Quads text, or the error that stopped it.

    ``trace`` holds the traceback when the error was not one dtkg raises on purpose (a bug).
    """

    source: str
    key: str
    nquads: str = ""
    check: ArticleCheck | None = None
    error: str | None = None
    cached: bool = False
    notes: tuple[str, ...] = ()
    trace: str | None = None


@dataclass(frozen=True)
class BuildReport:
    output: Path
    report_path: Path | None
    built: tuple[ArticleResult, ...]
    failed: tuple[ArticleResult, ...]
    validation: ValidationRun | None = None
    processed: int = 0
    reused: int = 0
    notes: tuple[str, ...] = field(default=())
    skipped: tuple[Skipped, ...] = field(default=())

    @property
    def conforms(self) -> bool:
        return self.validation is None or not self.validation.fails(_VIOLATION)

    @property
    def bugs(self) -> tuple[ArticleResult, ...]:
        """The failures that were not the input's fault: each has a traceback to report."""
        return tuple(r for r in self.failed if r.trace)


_VIOLATION = Severity.VIOLATION
_MAX_ERROR_TEXT = 300


class _Worker:
    """Per-process state: the extractor, mappings and shapes, loaded once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.extractor = Extractor(base=settings.base_iri)
        self.mapper = Mapper()
        self.validator = Validator(engine=settings.shacl_engine) if settings.validate else None
        self.builder = f"dtkg {__version__} (model {resources.model_fingerprint()})"

    def process(self, source: Source) -> ArticleResult:
        """The result of one source; any exception fails this source only."""
        try:
            return self._process(source)
        except DtkgError as exc:
            return ArticleResult(source.name, source.key, error=str(exc))
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
            if len(reason) > _MAX_ERROR_TEXT:
                reason = reason[:_MAX_ERROR_TEXT] + "…"
            return ArticleResult(source.name, source.key,
                                 error=f"{source.name}: dtkg failed on this input ({reason}); this is a bug in dtkg",
                                 trace=traceback.format_exc())

    def _process(self, source: Source) -> ArticleResult:
        article = read(source, max_bytes=self.settings.max_article_bytes)
        extractions = windows.extract(self.extractor, article)
        quads = self.mapper.map(extractions, base=self.settings.base_iri, builder=self.builder)
        check = validate_article(quads, validator=self.validator) if self.validator is not None else None
        text = _nquads(sorted(quads, key=str))
        notes = article.notes + tuple(note for x in extractions for note in x.notes)
        return ArticleResult(source.name, source.key, text, check, notes=notes)


_WORKER: _Worker | None = None


def _init_worker(settings: Settings, parent: int) -> None:
    global _WORKER
    die_with_parent(parent)
    _WORKER = _Worker(settings)


def _process(source: Source) -> ArticleResult:
    assert _WORKER is not None
    return _WORKER.process(source)


def _nquads(quads: list[ox.Quad]) -> str:
    text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert text is not None  # serialize returns the bytes when given no output
    return text.decode("utf-8")


def reference_quads(base: str) -> list[ox.Quad]:
    """The ontology, concept scheme and reference data, in the reference graph."""
    store = ox.Store()
    graph = ox.NamedNode(iris.reference_graph(base))
    for path in resources.reference_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base, to_graph=graph)
    return sorted(store, key=str)


def build(inputs: list[Path], *, output: Path, settings: Settings,
          progress: Callable[[ArticleResult], None] | None = None) -> BuildReport:
    """Build the dataset at ``output`` from article files and folders; see the module docstring.

    Raises :class:`UsageError` for bad arguments, :class:`IngestError` when no input could be
    built (its ``details`` name each one and why) and :class:`OutputError` when the dataset
    cannot be written; nothing half-written is left behind.
    """
    fmt = DatasetFormat.from_path(output)
    if output.is_dir():
        raise UsageError("the output is a folder", path=str(output),
                         fix=f"name a dataset file, such as {output / ('kg.' + fmt.value)}")
    found = _own_files_skipped(discover(inputs), output)
    if not found.sources and not found.errors:
        raise UsageError("no article files found in the inputs", path=", ".join(shown(p) for p in inputs),
                         fix="pass .txt, .md or .jsonl files, or folders holding them",
                         details=tuple(f"skipped {s.path}: {s.reason}" for s in found.skipped[:10]))
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot write beside the output: {exc.strerror}", path=str(output),
                         fix="choose an output path in a writable folder") from exc
    remove_stale_temporaries(output)
    cache: Cache[ArticleResult] = Cache(settings.cache_dir or output.parent / ".dtkg-cache", settings=settings)
    failed = [ArticleResult(e.path or "?", "", error=str(e)) for e in found.errors]
    try:
        report = _write(list(found.sources), output, fmt, settings, cache, failed, progress)
    except OSError as exc:
        raise _output_error(exc, output) from exc
    return replace(report, notes=found.notes + report.notes + cache.notes, skipped=found.skipped)


def _write(sources: list[Source], output: Path, fmt: DatasetFormat, settings: Settings, cache: Cache[ArticleResult],
           failed: list[ArticleResult], progress: Callable[[ArticleResult], None] | None) -> BuildReport:
    """Process the sources into a temporary file, then validate it and move it into place."""
    built: list[ArticleResult] = []
    notes: list[str] = []
    processed = reused = 0
    fd, tmp_name = tempfile.mkstemp(prefix=_temporary_prefix(output), suffix=".nq.tmp", dir=output.parent)
    tmp = Path(tmp_name)
    checks = _Checks(settings, cache) if settings.validate else None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(_nquads(reference_quads(settings.base_iri)))
            for result in _results(sources, settings, cache):
                if progress:
                    progress(result)
                notes += result.notes
                if result.error:
                    failed.append(result)
                    continue
                out.write(result.nquads)
                if checks is not None:
                    checks.add(result)
                built.append(replace(result, nquads="", check=None))  # validation is collected in checks
                processed += not result.cached
                reused += result.cached
            out.flush()
            resolution = resolve(tmp, base=settings.base_iri)
            out.write(_nquads(resolution))
            if checks is not None:
                checks.add_resolution(resolution)
        if not built:
            raise NothingBuiltError("no input could be built into an article", path=output.name,
                                    fix="see the reason given for each input",
                                    details=tuple(f"failed: {r.error or r.source}" for r in failed),
                                    traces=tuple((r.source, r.trace) for r in failed if r.trace))
        validation, report_path = _finish(tmp, output, fmt, checks, sources)
    finally:
        tmp.unlink(missing_ok=True)
        if checks is not None:
            checks.close()
    return BuildReport(output, report_path, tuple(built), tuple(failed), validation, processed, reused,
                       tuple(notes))


def _own_files_skipped(found: Discovery, output: Path) -> Discovery:
    """Leave out the files a build writes (the dataset, its report), should they sit in an input folder."""
    own = {output.resolve()} | {output.resolve().with_name(output.name + s) for s in (".validation.txt", ".errors.log")}
    keep = [s for s in found.sources if s.path is None or s.path.resolve() not in own]
    dropped = [Skipped(s.name, "written by dtkg build (a dataset or its report)")
               for s in found.sources if s not in keep]
    return replace(found, sources=tuple(keep), skipped=found.skipped + tuple(dropped))


def _output_error(exc: OSError, output: Path) -> OutputError:
    where = shown(exc.filename) if isinstance(exc.filename, (str, bytes)) else str(output)
    if exc.errno == errno.ENOSPC:
        return OutputError("the disk is full; nothing was written", path=where,
                           fix=f"free some space on the disk holding {output.parent} or build elsewhere with --output")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(f"cannot write ({exc.strerror}); nothing was written", path=where,
                           fix="choose an output folder you may write to")
    return OutputError(f"cannot write the dataset ({exc.strerror or exc}); nothing was written", path=where,
                       fix="check the output folder and its disk")


def _temporary_prefix(output: Path) -> str:
    return f".{output.name}.{os.getpid()}."


_STORE_PREFIX = ".dtkg-store-"


def remove_stale_temporaries(output: Path) -> list[Path]:
    """Remove the temporary files and folders beside ``output`` that builds which are no longer
    running left behind (killed ones); return what was removed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(output.parent))
    except OSError:
        return removed
    for entry in entries:
        if not _stale(entry, output.name):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:
            continue  # another build removed it first, or it is not ours to remove
    return removed


_LEGACY_AGE = 3600.0  # temporaries of dtkg 0.1.0 builds carry no process id: stale after an hour


def _stale(entry: os.DirEntry[str], name: str) -> bool:
    ours = re.match(rf"\.{re.escape(name)}(?:\.validation\.txt)?\.(\d+)\.[^/]*\.tmp\Z"
                    rf"|{re.escape(_STORE_PREFIX)}(\d+)-.*\Z", entry.name)
    if ours:
        return not is_running(int(ours.group(1) or ours.group(2)))
    if re.match(rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}\.nq\.tmp\Z", entry.name):
        try:
            return time.time() - entry.stat(follow_symlinks=False).st_mtime > _LEGACY_AGE
        except OSError:
            return False
    return False


def _results(sources: list[Source], settings: Settings, cache: Cache[ArticleResult]) -> Iterator[ArticleResult]:
    """Results in source order, streamed: cached ones from the cache, the rest from the workers."""
    pending = [s for s in sources if not cache.has(s)]
    fresh = _fresh(pending, settings)
    waiting = {s.name for s in pending}
    local: _Worker | None = None
    for source in sources:
        result = next(fresh) if source.name in waiting else cache.get(source)
        if result is None:  # an entry that vanished or does not load (garbage): build it here
            local = local or _local_worker(settings)
            result = local.process(source)
        if not result.cached:
            cache.put(source, result)
        yield result


def _fresh(pending: list[Source], settings: Settings) -> Iterator[ArticleResult]:
    """Process sources in order, in a pool of worker processes when there is enough work."""
    if not pending:
        return
    if settings.workers > 1 and len(pending) > 2:
        pool = ProcessPoolExecutor(max_workers=min(settings.workers, len(pending)), initializer=_init_worker,
                                   initargs=(settings, os.getpid()))
        done = 0
        try:
            for result in pool.map(_process, pending, chunksize=4):
                done += 1
                yield result
        except BrokenProcessPool:
            for source in pending[done:]:
                yield ArticleResult(source.name, source.key, error=(
                    f"{source.name}: a worker process died before this input was built (killed, or out of "
                    "memory); the inputs before it were built (fix: rebuild; with --workers 1 the input at "
                    "fault fails alone)"))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    else:
        worker = _local_worker(settings)
        for source in pending:
            yield worker.process(source)


def _local_worker(settings: Settings) -> _Worker:
    """A worker in this process, kept for the next build with the same model settings (loading
    the gazetteer, mappings and shapes costs seconds; a library caller may build many times)."""
    return _kept_worker(replace(settings, workers=1, cache_dir=None, quiet=False))


@functools.lru_cache(maxsize=2)
def _kept_worker(settings: Settings) -> _Worker:
    return _Worker(settings)


def _finish(tmp: Path, output: Path, fmt: DatasetFormat, checks: "_Checks | None",
            sources: list[Source]) -> tuple[ValidationRun | None, Path | None]:
    """Validate what only the whole dataset shows, move the dataset into place, write the report."""
    validation = report = None
    if checks is not None:
        validation, context = checks.finish(sources)
        report = _write_report(output, validation, context)
    if fmt is DatasetFormat.NQUADS:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # a temporary file is private; the dataset is not
        os.replace(tmp, output)
    else:
        with tempfile.TemporaryDirectory(prefix=f"{_STORE_PREFIX}{os.getpid()}-", dir=output.parent) as location:
            store = ox.Store(location)
            store.bulk_load(path=str(tmp), format=ox.RdfFormat.N_QUADS)
            write_dataset(store, output, fmt)
            del store
    return validation, report


class _Checks:
    """Validation on the parent's side: each article's check collected as it streams by, the
    cross-article shapes fed its projection (their state kept in the cache, so a rebuild
    rechecks only what changed), then the reference graph and the cross-article run."""

    def __init__(self, settings: Settings, cache: Cache[ArticleResult]) -> None:
        self.settings = settings
        self.cache = cache
        self.validator = Validator(engine=settings.shacl_engine)
        self.cross = CrossArticle(self.validator, state_dir=cache.root / "cross-article", key=cache.salt)
        self.tally = RunTally(per_graph=False)  # findings and counts, not every graph's counts
        self.contexts: list[ReportContext] = []  # of the articles with findings
        self.resolution: list[ox.Quad] = []

    def add(self, result: ArticleResult) -> None:
        check = result.check
        if check is None:  # an entry cached by a build without validation: never, the cache key says so
            raise DtkgError(f"no validation result for {result.source}", fix="delete the cache folder")
        self.tally.add(check.run)
        if check.run.findings:
            self.contexts.append(check.context)
        self.cross.add(iris.article_graph(self.settings.base_iri, result.key), check.projection,
                       check.projection_digest)

    def add_resolution(self, quads: list[ox.Quad]) -> None:
        """The resolution graph (facts several articles report, conflicts): cross-article shapes only."""
        self.resolution = quads
        self.cross.add(iris.resolution_graph(self.settings.base_iri), self.validator.projection(quads))

    def finish(self, sources: list[Source]) -> tuple[ValidationRun, ReportContext]:
        reference = iris.reference_graph(self.settings.base_iri)
        quads = reference_quads(self.settings.base_iri)
        self.tally.add(self.validator.validate_graph(quads, graph=reference))
        self.cross.add(reference, self.validator.projection(quads))
        self.tally.add(self.cross.finish())
        run = self.tally.run()
        by_graph = {iris.article_graph(self.settings.base_iri, s.key): s for s in sources}

        def load(slot: str) -> list[ox.Quad]:
            if slot == reference:
                return quads
            if slot == iris.resolution_graph(self.settings.base_iri):
                return self.resolution
            cached = self.cache.get(by_graph[slot])
            return list(ox.parse(cached.nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)) if cached else []

        # what the articles say first, then the reference graph (labels of places and concepts they point to)
        known = build_context(_store(quads), run)
        return run, ReportContext.merge([*self.contexts, self.cross.report_context(run, load), known])

    def close(self) -> None:
        self.cross.close()


def _store(quads: list[ox.Quad]) -> ox.Store:
    store = ox.Store()
    store.extend(quads)
    return store


def _write_report(output: Path, validation: ValidationRun, context: ReportContext) -> Path:
    """The human-readable validation report, beside the dataset."""
    path = output.with_name(output.name + ".validation.txt")
    context = ReportContext.merge([context], dataset=str(output))
    with atomic_writer(path, "w") as handle:
        handle.write(render_report(validation, ReportFormat.TEXT, context=context))
    return path
