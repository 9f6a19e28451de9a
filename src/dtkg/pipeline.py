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
from dtkg.validate import Finding, Severity, ValidationRun, Validator
from dtkg.validate.context import build_context
from dtkg.validate.engine import graph_name, graph_quads
from dtkg.validate.report import ReportFormat, render


@dataclass(frozen=True)
class ArticleResult:
    """What processing one source gave: its quads as N-Quads text, or the error that stopped it."""

    source: str
    key: str
    nquads: str = ""
    findings: tuple[Finding, ...] = ()
    targeted: tuple[tuple[str, int], ...] = ()
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
        findings: tuple[Finding, ...] = ()
        targeted: tuple[tuple[str, int], ...] = ()
        if self.validator is not None:
            graph = iris.article_graph(self.settings.base_iri, source.key)
            run = self.validator.validate_graph([q for q in quads if q.graph_name.value == graph], graph=graph)
            findings, targeted = run.findings, tuple(sorted(run.targeted.items()))
        text = ox.serialize(sorted(quads, key=str), format=ox.RdfFormat.N_QUADS).decode("utf-8")
        return ArticleResult(source.name, source.key, text, findings, targeted)


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
    cache = Cache(settings.cache_dir or output.parent / ".dtkg-cache", settings=settings)
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
                built.append(replace(result, nquads=""))  # keep the findings, not the text
                processed += not result.cached
                reused += result.cached
        if not built:
            raise IngestError("no input could be read as an article", path=", ".join(map(str, inputs)),
                              fix="see the errors above for each file")
        validation, report_path = _finish(tmp, output, fmt, settings, built)
    finally:
        tmp.unlink(missing_ok=True)
    return BuildReport(output, report_path, tuple(built), tuple(failed), validation, processed, reused, tuple(notes))


def _results(sources: list[Source], settings: Settings, cache: Cache) -> Iterator[ArticleResult]:
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


def _finish(tmp: Path, output: Path, fmt: DatasetFormat, settings: Settings,
            built: list[ArticleResult]) -> tuple[ValidationRun | None, Path | None]:
    """Validate what only the whole dataset shows, move the dataset into place, write the report.

    N-Quads are moved into place as streamed; validation reads only the working set it needs
    (metadata and reference graphs, types, labels, evidence and what the cross-article shapes
    name), so memory follows that working set, not the number of articles.
    """
    validation = report = None
    if settings.validate:
        validator = Validator(engine=settings.shacl_engine)
        working = _working_set(tmp, validator, settings)
        validation = _validate_whole(working, validator, settings, built)
        report = _write_report(output, working, validation)
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


_WORKING_PREDICATES = frozenset({
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/2000/01/rdf-schema#subClassOf",
    "https://schema.org/name", "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel", "https://schema.org/headline",
    iris.ONTOLOGY + "evidence", iris.ONTOLOGY + "teaserOf", iris.ONTOLOGY + "sourceName", iris.ONTOLOGY + "articleGraph",
    "http://www.w3.org/ns/oa#hasSelector", "http://www.w3.org/ns/oa#hasSource", "http://www.w3.org/ns/oa#exact",
    "http://www.w3.org/ns/oa#start", "http://www.w3.org/ns/oa#end",
})


def _working_set(tmp: Path, validator: Validator, settings: Settings) -> ox.Store:
    """The part of the streamed dataset that whole-dataset validation and its report read."""
    cross = validator.shapes.cross_predicates
    keep_graphs = {iris.meta_graph(settings.base_iri), iris.reference_graph(settings.base_iri)}
    store = ox.Store()
    if cross is None:
        store.bulk_load(path=str(tmp), format=ox.RdfFormat.N_QUADS)
        return store
    wanted = _WORKING_PREDICATES | set(cross)
    batch: list[ox.Quad] = []
    for quad in ox.parse(path=str(tmp), format=ox.RdfFormat.N_QUADS):
        if quad.predicate.value in wanted or quad.graph_name.value in keep_graphs:
            batch.append(quad)
            if len(batch) >= 50_000:
                store.extend(batch)
                batch = []
    store.extend(batch)
    return store


def _validate_whole(store: ox.Store, validator: Validator, settings: Settings, built: list[ArticleResult]) -> ValidationRun:
    """Article graphs were validated in the workers; here the metadata and reference graphs, and
    the cross-article shapes over the union."""
    runs = [ValidationRun(r.findings, dict(r.targeted)) for r in built]
    for name in (iris.meta_graph(settings.base_iri), iris.reference_graph(settings.base_iri)):
        graph = ox.NamedNode(name)
        runs.append(validator.validate_graph(graph_quads(store, graph), graph=graph_name(graph)))
    runs.append(validator.validate_cross(store))
    return ValidationRun.combine(runs)


def _write_report(output: Path, store: ox.Store, validation: ValidationRun) -> Path:
    """The human-readable validation report, beside the dataset."""
    path = output.with_name(output.name + ".validation.txt")
    context = build_context(store, validation, dataset=str(output))
    with atomic_writer(path, "w") as handle:
        handle.write(render(validation, ReportFormat.TEXT, context=context))
    return path
