"""``dtkg validate``: validate any RDF dataset with dtkg's (or given) shapes and report for people or CI.

Every named graph is validated on its own with the per-graph shapes (so is the default
graph, when it has triples); the cross-article shapes run once on the union. A shapes
graph that targets nothing in the data is an error, not a pass.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from dtkg.errors import UsageError, ValidationError
from dtkg.settings import ShaclEngine
from dtkg.store import rdf_format
from dtkg.validate import ReportFormat, Severity, ValidationRun, Validator, build_context, render_report, validate_dataset


def run_validate(dataset: Path, *, shapes: Path | None, fmt: str, fail_on: str,
                 engine: ShaclEngine = ShaclEngine.TURBO) -> tuple[str, bool]:
    """The report text and whether something at or above ``fail_on`` was found.

    Raises :class:`UsageError` or :class:`ValidationError` (naming the file, and the line
    for syntax errors) when the dataset or the shapes cannot be read, or when the shapes
    target nothing in the data.
    """
    report_format = ReportFormat.parse(fmt)
    threshold = _threshold(fail_on)
    validator = Validator(shapes, engine=engine)
    store = load(Path(dataset))
    run = validate_dataset(store, validator)
    _guard_nothing_checked(run, Path(dataset), validator)
    context = build_context(store, run, dataset=str(dataset))
    return render_report(run, report_format, context=context, threshold=threshold), run.fails(threshold)


def load(path: Path) -> ox.Store:
    """An RDF file (N-Quads, TriG, Turtle, N-Triples, JSON-LD, RDF/XML) in a new store.

    Relative IRIs resolve against the file's own URI. Errors name the file, and the line
    and column for syntax errors.
    """
    if not path.is_file():
        raise UsageError("no such dataset file", path=str(path), fix="pass an .nq, .trig, .ttl or .jsonld file")
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=rdf_format(path), base_iri=path.resolve().as_uri())
    except SyntaxError as exc:
        where = f"line {exc.lineno}, column {exc.offset}" if exc.lineno else "an unknown position"
        raise ValidationError(f"not valid RDF at {where}: {exc.msg}", path=str(path)) from exc
    except (OSError, ValueError) as exc:
        raise ValidationError(f"cannot read the dataset: {exc}", path=str(path)) from exc
    return store


def _threshold(fail_on: str) -> Severity:
    try:
        return Severity[fail_on.upper()]
    except KeyError as exc:
        raise UsageError(f"unknown --fail-on level {fail_on!r}", fix="use violation, warning or info") from exc


def _guard_nothing_checked(run: ValidationRun, dataset: Path, validator: Validator) -> None:
    """Refuse to pass when no shape targeted any node: nothing was checked."""
    if sum(run.targeted.values()) == 0:
        raise ValidationError(
            f"the shapes in {validator.shapes_dir} target nothing in this data ({run.graphs} graph(s)), "
            "so nothing was checked",
            path=str(dataset),
            fix="check that the data uses the classes and properties the shapes target, or pass the right --shapes",
        )
