"""`dtkg query`: answers, and messages a person can act on (what is wrong, where, the fix)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dtkg import cli

SMALL = Path(__file__).resolve().parent / "data" / "serve" / "small.trig"
ID = "http://127.0.0.1:8000/id/"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["query", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def query_file(tmp_path: Path, text: str, name: str = "q.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_select_prints_its_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    q = query_file(tmp_path, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert run(capsys, str(q), str(SMALL), "--format", "csv") == (0, "n\n30\n", "")


def test_from_is_honoured(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    q = query_file(tmp_path, f"SELECT (COUNT(*) AS ?n) FROM <{ID}graph/meta> WHERE {{ ?s ?p ?o }}")
    assert run(capsys, str(q), str(SMALL), "--format", "csv") == (0, "n\n4\n", "")


def test_arguments_the_wrong_way_round_are_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    q = query_file(tmp_path, "SELECT * WHERE { ?s ?p ?o }", "agreements.rq")
    assert run(capsys, str(SMALL), str(q)) == (
        2,
        "",
        f"dtkg: error: {SMALL}: the arguments are the wrong way round: the query file comes first, then the "
        f"dataset (fix: dtkg query {q} {SMALL})\n",
    )


def test_a_dataset_given_as_the_query_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, str(SMALL), str(SMALL)) == (
        2,
        "",
        f"dtkg: error: {SMALL}: this is a dataset, not a query file "
        "(fix: give a SPARQL query file first, then the dataset: dtkg query QUERY.rq DATASET)\n",
    )


def test_a_missing_query_file_names_the_path_and_the_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.rq"
    assert run(capsys, str(missing), str(SMALL)) == (
        2,
        "",
        f"dtkg: error: {missing}: no such query file "
        "(fix: give the path of a SPARQL query file, for example examples/queries/agreement-partners.rq)\n",
    )


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            "SELECT ?o WHERE {\n  ?s dtkg:party ?o\n}",
            ":2:6",
            "the prefix 'dtkg:' is not declared "
            "(fix: add the line `PREFIX dtkg: <https://w3id.org/dtkg/ontology#>` at the top of the query)",
        ),
        ("", "", "the query is empty (fix: write a SELECT, ASK, CONSTRUCT or DESCRIBE query)"),
        (
            "PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ?p ?o }",
            ":2:1",
            "this is a SPARQL Update (DELETE …), not a query; dtkg only answers queries (fix: use a SELECT, ASK, "
            "CONSTRUCT or DESCRIBE query; dtkg's data changes only by rebuilding it with `dtkg build`)",
        ),
        (
            "SELECT ?s WHERE { ?s ?p ?o ",
            ":1:17",
            "the '{' opened here is never closed (fix: add the missing '}')",
        ),
        (
            "SELECT * " + "{" * 300 + "}" * 300,
            ":1:138",
            "the query nests brackets or '!' more than 128 deep, more than dtkg's SPARQL parser takes "
            "(fix: write the query with less nesting; no real query needs this many levels)",
        ),
    ],
)
def test_syntax_errors_say_what_where_and_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, where: str, message: str
) -> None:
    q = query_file(tmp_path, text)
    code, out, err = run(capsys, str(q), str(SMALL))
    prefix = "" if "nests" in message else "not a valid SPARQL 1.1 query: "
    assert (code, out, err) == (2, "", f"dtkg: error: {q}{where}: {prefix}{message}\n")
