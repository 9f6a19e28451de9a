"""Running SPARQL query files against a dataset, and printing their answers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox

from dtkg.errors import UsageError
from dtkg.store import load_dataset

Row = dict[str, str]


def run_query_file(query_path: Path, dataset: Path) -> tuple[list[str], list[Row]]:
    """Variables and rows of a SELECT query file run over a dataset (default graph = union)."""
    try:
        text = query_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read the query: {exc.strerror}", path=str(query_path)) from exc
    store = load_dataset(dataset)
    try:
        result = store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise UsageError(f"the query does not parse: {exc}", path=str(query_path)) from exc
    if not isinstance(result, ox.QuerySolutions):
        raise UsageError("only SELECT queries can be printed as a table", path=str(query_path),
                         fix="use `dtkg serve` for CONSTRUCT/DESCRIBE")
    variables = [v.value for v in result.variables]
    rows = [{name: (s[name].value if s[name] is not None else "") for name in variables} for s in result]
    return variables, rows


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
