"""The whole flow, in one place: ingest → extract → mapping → validate → write.

:func:`build` discovers the article sources, processes each one (in a process pool,
through a cache keyed by content and model), streams the quads of every article graph
and the metadata graph to a temporary file, adds the reference graph, validates and
renames the dataset into place.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from dtkg import __version__, iris, resources
from dtkg.cache import Cache
from dtkg.errors import DtkgError, IngestError, UsageError
from dtkg.extract import Extractor
from dtkg.ingest import Source, discover, read
from dtkg.mapping import Mapper
from dtkg.settings import DatasetFormat, Settings
from dtkg.store import atomic_writer, write_dataset
from dtkg.validate import (ArticleCheck, CrossArticle, ReportContext, ReportFormat, Severity, ValidationRun, Validator,
                           build_context, render_report, validate_article)


@dataclass(frozen=True)
class ArticleResult:
    """What processing one source gave: its quads as N-Quads text, or the error that stopped it."""

    source: str
    key: str
    nquads: str = ""
    check: ArticleCheck | None = None
    error: str | None = None
    cached: bool = False


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

    @property
    def conforms(self) -> bool:
        return self.validation is None or not self.validation.fails(_VIOLATION)


_VIOLATION = Severity.VIOLATION


class _Worker:
    """Per-process state: the extractor, mappings and shapes, loaded once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.extractor = Extractor(base=settings.base_iri)
        self.mapper = Mapper()
        self.validator = Validator(engine=settings.shacl_engine) if settings.validate else None
        self.builder = f"dtkg {__version__} (model {resources.model_fingerprint()})"

    def process(self, source: Source) -> ArticleResult:
        try:
            article = read(source, max_bytes=self.settings.max_article_bytes)
            extractions = self.extractor.run(article)
            quads = self.mapper.map(extractions, base=self.settings.base_iri, builder=self.builder)
        except DtkgError as exc:
            return ArticleResult(source.name, source.key, error=str(exc))
        check = validate_article(quads, validator=self.validator) if self.validator is not None else None
        text = ox.serialize(sorted(quads, key=str), format=ox.RdfFormat.N_QUADS).decode("utf-8")
        return ArticleResult(source.name, source.key, text, check)


_WORKER: _Worker | None = None


def _init_worker(settings: Settings) -> None:
    global _WORKER
    _WORKER = _Worker(settings)


def _process(source: Source) -> ArticleResult:
    assert _WORKER is not None
    return _WORKER.process(source)


def reference_quads(base: str) -> list[ox.Quad]:
    """The ontology, concept scheme and reference data, in the reference graph."""
    store = ox.Store()
    graph = ox.NamedNode(iris.reference_graph(base))
    for path in resources.reference_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base, to_graph=graph)
    return sorted(store, key=str)


def build(inputs: list[Path], *, output: Path, settings: Settings,
          progress: Callable[[ArticleResult], None] | None = None) -> BuildReport:
    """Build the dataset at ``output`` from article files and folders; see the module docstring."""
    fmt = DatasetFormat.from_path(output)
    notes: list[str] = []
    sources, bad_inputs = discover(inputs, notes=notes)
    if not sources and not bad_inputs:
        raise UsageError("no article files found in the inputs", path=", ".join(map(str, inputs)),
                         fix="pass .txt or .jsonl files, or folders holding them")
    cache: Cache[ArticleResult] = Cache(settings.cache_dir or output.parent / ".dtkg-cache", settings=settings)
    built: list[ArticleResult] = []
    failed = [ArticleResult(e.path or "?", "", error=str(e)) for e in bad_inputs]
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".nq.tmp", dir=output.parent)
    except OSError as exc:
        raise UsageError(f"cannot write beside the output: {exc.strerror}", path=str(output),
                         fix="choose an output path in a writable folder") from exc
    tmp = Path(tmp_name)
    processed = reused = 0
    checks = _Checks(settings, cache) if settings.validate else None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(ox.serialize(reference_quads(settings.base_iri), format=ox.RdfFormat.N_QUADS).decode("utf-8"))
            for result in _results(sources, settings, cache):
                if progress:
                    progress(result)
                if result.error:
                    failed.append(result)
                    continue
                out.write(result.nquads)
                if checks is not None:
                    checks.add(result)
                built.append(replace(result, nquads="", check=None))  # validation is collected in checks
                processed += not result.cached
                reused += result.cached
        if not built:
            raise IngestError("no input could be read as an article", path=", ".join(map(str, inputs)),
                              fix="see the errors above for each file")
        validation, report_path = _finish(tmp, output, fmt, checks, sources)
    finally:
        tmp.unlink(missing_ok=True)
        if checks is not None:
            checks.close()
    return BuildReport(output, report_path, tuple(built), tuple(failed), validation, processed, reused, tuple(notes))


def _results(sources: list[Source], settings: Settings, cache: Cache[ArticleResult]) -> Iterator[ArticleResult]:
    """Results in source order, streamed: cached ones from the cache, the rest from the workers."""
    pending = [s for s in sources if not cache.has(s)]
    fresh = _fresh(pending, settings)
    waiting = {s.key for s in pending}
    for source in sources:
        result = next(fresh) if source.key in waiting else cache.get(source)
        if result is None:  # an entry that vanished or does not load: process it here
            result = _Worker(settings).process(source)
        if not result.cached:
            cache.put(source, result)
        yield result


def _fresh(pending: list[Source], settings: Settings) -> Iterator[ArticleResult]:
    """Process sources in order, in a pool of worker processes when there is enough work."""
    if not pending:
        return
    if settings.workers > 1 and len(pending) > 2:
        with ProcessPoolExecutor(max_workers=min(settings.workers, len(pending)), initializer=_init_worker,
                                 initargs=(settings,)) as pool:
            yield from pool.map(_process, pending, chunksize=4)
    else:
        worker = _Worker(settings)
        for source in pending:
            yield worker.process(source)


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
        with tempfile.TemporaryDirectory(prefix=".dtkg-store-", dir=output.parent) as location:
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
        self.runs: list[ValidationRun] = []
        self.contexts: list[ReportContext] = []

    def add(self, result: ArticleResult) -> None:
        check = result.check
        if check is None:  # an entry cached by a build without validation: never, the cache key says so
            raise DtkgError(f"no validation result for {result.source}", fix="delete the cache folder")
        self.runs.append(check.run)
        self.contexts.append(check.context)
        self.cross.add(iris.article_graph(self.settings.base_iri, result.key), check.projection,
                       check.projection_digest)

    def finish(self, sources: list[Source]) -> tuple[ValidationRun, ReportContext]:
        reference = iris.reference_graph(self.settings.base_iri)
        quads = reference_quads(self.settings.base_iri)
        reference_run = self.validator.validate_graph(quads, graph=reference)
        self.runs.append(reference_run)
        self.contexts.append(build_context(_store(quads), reference_run))
        self.cross.add(reference, self.validator.projection(quads))
        cross = self.cross.finish()
        run = ValidationRun.combine([*self.runs, cross])
        by_graph = {iris.article_graph(self.settings.base_iri, s.key): s for s in sources}

        def load(slot: str) -> list[ox.Quad]:
            if slot == reference:
                return quads
            cached = self.cache.get(by_graph[slot])
            return list(ox.parse(cached.nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)) if cached else []

        return run, ReportContext.merge([*self.contexts, self.cross.report_context(run, load)])

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
