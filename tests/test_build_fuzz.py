"""Fuzzing the build: random and mutated articles, sidecars and JSON Lines records.

Whatever the inputs, `dtkg build` never shows a traceback, names every input it did not build
(and why), builds every good input, and exits 0 when all were built, 3 when some failed.
The examples are derandomised, so a run in CI is repeatable; the slow variant tries more.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pytest

from dtkg import cli, iris

from conftest import EXAMPLES

BODIES = [p.read_text(encoding="utf-8-sig") for p in sorted(EXAMPLES.glob("*.txt"))]
SOURCE_NAME = iris.ONTOLOGY + "sourceName"
RUNS: list[int] = []  # examples run, asserted by the last test of the module

SAFE_TEXT = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs"), max_codepoint=0x1EFF),
                    min_size=1, max_size=60).map(str.strip).filter(bool)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8)
GOOD_META = st.fixed_dictionaries({}, optional={
    "title": SAFE_TEXT,
    "published": st.dates(dt.date(1990, 1, 1), dt.date(2035, 12, 31)).map(dt.date.isoformat),
    "url": st.integers(1, 10**6).map(lambda n: f"https://example.org/tin/{n}.html"),
    "author": SAFE_TEXT,
})


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    """``base`` with a few random byte edits: inserts (NULs, invalid UTF-8, quotes), deletions, cuts."""
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "cut"]))
        if op == "insert":
            data[at:at] = draw(st.sampled_from([b"\x00", b"\xff\xfe", b"\xc3", b'"', b"{", b"\n", b"\r\n", b"\xe2\x80\x9c"])
                               | st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 50))]
        elif op == "replace" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[at:]
    return bytes(data)


@dataclass
class Inputs:
    """A folder of inputs: which must be built, and every input that must be built or named."""

    good: list[str] = field(default_factory=list)  # source names that must be built
    named: dict[str, str] = field(default_factory=dict)  # source name → what a failure line must contain
    records: list[str] = field(default_factory=list)  # feed.jsonl:LINE of every record: built or named


def _text_article(draw: st.DrawFn, folder: Path, inputs: Inputs, index: int) -> None:
    body = draw(st.sampled_from(BODIES))
    path = folder / f"a{index}.txt"
    kind = draw(st.sampled_from(["good", "good+sidecar", "mutated", "random", "bad sidecar"]))
    if kind in ("good", "good+sidecar"):
        path.write_text(body, encoding="utf-8")
        if kind == "good+sidecar":
            path.with_suffix(".json").write_text(json.dumps(draw(GOOD_META), ensure_ascii=False), encoding="utf-8")
        inputs.good.append(str(path))
    elif kind == "mutated":
        path.write_bytes(draw(mutated(body.encode("utf-8"))))
    elif kind == "random":
        path.write_bytes(draw(st.binary(max_size=300)))
    else:
        path.write_text(body, encoding="utf-8")
        side = draw(JSON_VALUES.map(lambda v: json.dumps(v).encode()) | mutated(json.dumps(draw(GOOD_META)).encode()))
        path.with_suffix(".json").write_bytes(side)
    inputs.named[str(path)] = str(path)


def _feed(draw: st.DrawFn, folder: Path, inputs: Inputs) -> None:
    path = folder / "feed.jsonl"
    lines: list[bytes] = []
    kinds: list[str] = []
    for number in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["good", "mutated", "random json", "random record"]))
        record = {"id": f"r{number}", "body": draw(st.sampled_from(BODIES)), **draw(GOOD_META)}
        if kind == "good":
            line = json.dumps(record, ensure_ascii=False).encode("utf-8")
        elif kind == "mutated":
            line = draw(mutated(json.dumps(record, ensure_ascii=False).encode("utf-8")))
        elif kind == "random json":
            line = json.dumps(draw(JSON_VALUES)).encode()
        else:
            line = json.dumps({"id": draw(JSON_VALUES), "body": draw(JSON_VALUES | st.text(max_size=200)),
                               "published": draw(JSON_VALUES | st.text(max_size=12)),
                               "url": draw(JSON_VALUES | st.text(max_size=20))}).encode()
        lines.append(line.replace(b"\n", b" "))
        kinds.append(kind)
    path.write_bytes(b"\n".join(lines) + b"\n")
    for number, (line, kind) in enumerate(zip(lines, kinds), start=1):
        if kind == "good":
            inputs.good.append(f"{path}#r{number - 1}")
        if line.strip():  # a blank line is no record
            inputs.records.append(f"{path}:{number}")


def _built_names(output: Path) -> set[str]:
    if not output.exists():
        return set()
    store = ox.Store()
    store.bulk_load(path=str(output), format=ox.RdfFormat.N_QUADS)
    return {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(SOURCE_NAME), None)}


def _check(draw: st.DrawFn) -> None:
    with tempfile.TemporaryDirectory(prefix="dtkg-fuzz-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        inputs = Inputs()
        for index in range(draw(st.integers(0, 4))):
            _text_article(draw, folder, inputs, index)
        if draw(st.booleans()):
            _feed(draw, folder, inputs)
        (folder / "anchor.txt").write_text(BODIES[0], encoding="utf-8")  # one good input at least
        inputs.good.append(str(folder / "anchor.txt"))
        output = Path(tmp) / "kg.nq"
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["build", str(folder), "--output", str(output), "--workers", "1", "--no-validate",
                             "--cache", str(Path(tmp) / "cache")])
        stderr = err.getvalue()
        assert "Traceback" not in stderr and "this is a bug" not in stderr, stderr
        failed = [line for line in stderr.splitlines() if line.startswith("dtkg: failed: ")]
        built = _built_names(output)
        missing = [name for name in inputs.good if name not in built]
        assert not missing, (missing, stderr)
        for name, mark in inputs.named.items():
            if name in built:
                continue
            assert any(line.startswith(f"dtkg: failed: {mark}") or f"(metadata of {Path(mark).name})" in line
                       for line in failed), (name, stderr)
        feed = str(folder / "feed.jsonl")
        from_feed = [n for n in built if n.startswith((f"{feed}#", f"{feed}:"))]
        named_records = [r for r in inputs.records if any(line.startswith(f"dtkg: failed: {r}: ") for line in failed)]
        assert len(from_feed) + len(named_records) == len(inputs.records), (from_feed, named_records, stderr)
        assert code == (3 if failed else 0), (code, stderr)
        assert not list(Path(tmp).glob(".kg.nq.*")), "a temporary file was left behind"
        RUNS.append(1)


FAST = settings(max_examples=8, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FAST
@given(st.data())
def test_fuzzed_inputs_are_built_or_named_never_a_traceback(data: st.DataObject) -> None:
    _check(data.draw)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_many_more_fuzzed_inputs(data: st.DataObject) -> None:
    _check(data.draw)


def test_the_fuzzer_ran_its_examples() -> None:
    assert len(RUNS) >= 8  # the fast test ran every example (and the slow one more, when selected)
