"""Running SPARQL query files against a dataset, and printing their answers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox

from dtkg.errors import UsageError
from dtkg.sparql_text import explain, has_dataset_clause, nesting_problem
from dtkg.store import READABLE, load_dataset

READABLE_SUFFIXES = tuple("." + suffix for suffix in READABLE)

Row = dict[str, str]


QUERY_SUFFIXES = (".rq", ".sparql", ".rqx")


def run_query_file(query_path: Path, dataset: Path) -> tuple[list[str], list[Row]]:
    """Variables and rows of a SELECT query file run over a dataset (default graph = union, unless FROM says otherwise)."""
    query_path, dataset = Path(query_path), Path(dataset)
    text = read_query(query_path, dataset)
    problem = nesting_problem(text)
    if problem is not None:
        raise UsageError(problem.message, path=_where(query_path, problem.line, problem.column), fix=problem.fix)
    check_syntax(text, query_path)
    store = load_dataset(dataset)
    result = store.query(text, use_default_graph_as_union=not has_dataset_clause(text))
    if not isinstance(result, ox.QuerySolutions):
        raise UsageError("only SELECT queries can be printed as a table", path=str(query_path),
                         fix="use `dtkg serve` for ASK, CONSTRUCT and DESCRIBE")
    variables = [v.value for v in result.variables]
    rows = [{name: (s[name].value if s[name] is not None else "") for name in variables} for s in result]
    return variables, rows


def read_query(query_path: Path, dataset: Path) -> str:
    """The query file's text; the arguments given the wrong way round, or a missing file, say the fix."""
    if query_path.suffix.lower() in READABLE_SUFFIXES and dataset.suffix.lower() in QUERY_SUFFIXES:
        raise UsageError(
            "the arguments are the wrong way round: the query file comes first, then the dataset",
            path=str(query_path),
            fix=f"dtkg query {dataset} {query_path}",
        )
    if query_path.suffix.lower() in READABLE_SUFFIXES:
        raise UsageError(
            "this is a dataset, not a query file",
            path=str(query_path),
            fix="give a SPARQL query file first, then the dataset: dtkg query QUERY.rq DATASET",
        )
    if not query_path.exists():
        raise UsageError(
            "no such query file",
            path=str(query_path),
            fix="give the path of a SPARQL query file, for example examples/queries/agreement-partners.rq",
        )
    try:
        return query_path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"the query file is not UTF-8 text (byte {exc.start})", path=str(query_path),
                         fix="save it as UTF-8") from None
    except OSError as exc:
        raise UsageError(f"cannot read the query: {exc.strerror}", path=str(query_path)) from exc


def check_syntax(text: str, query_path: Path) -> None:
    """A :class:`UsageError` saying what is wrong, where and the fix, unless ``text`` parses as a query."""
    try:
        ox.Store().query(text)
    except SyntaxError as exc:
        problem = explain(text, str(exc))
        raise UsageError(
            f"not a valid SPARQL 1.1 query: {problem.message}",
            path=_where(query_path, problem.line, problem.column),
            fix=problem.fix,
        ) from None


def _where(path: Path, line: int | None, column: int | None) -> str:
    """``path:line:column`` (or just the path when the position is unknown)."""
    return f"{path}:{line}:{column}" if line is not None else str(path)


def format_results(variables: list[str], rows: list[Row], fmt: str) -> str:
    """Rows as a readable table, CSV, TSV or JSON."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=variables, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()
    widths = {v: min(60, max([len(v)] + [len(r[v]) for r in rows])) for v in variables}
    line = " | ".join(v.ljust(widths[v]) for v in variables)
    out = [line, "-+-".join("-" * widths[v] for v in variables)]
    for r in rows:
        out.append(" | ".join(_cut(r[v], widths[v]).ljust(widths[v]) for v in variables))
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _cut(value: str, width: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[: width - 1] + "…"
