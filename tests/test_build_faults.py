"""The build under hostile input and faults: nothing lost, one bad input never stops the others,
nothing half-written left behind, no traceback on the terminal, exit codes CI can tell apart."""

from __future__ import annotations

import errno
import json
import os
import pickle
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from dtkg import cli, iris
from dtkg.pipeline import ArticleResult, BuildReport, build
from dtkg.settings import Settings
from dtkg.store import load_dataset

from conftest import BASE, EXAMPLES

XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
META = iris.ONTOLOGY


def _body(name: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8-sig")


A = "001_vnpt_quang_tri.txt"
B = "003_fpt_da_nang.txt"
C = "007_cmc_thanh_hoa.txt"


def _run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = cli.main(["build", *map(str, args), "--workers", "1", "--no-validate"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def _article_graphs(path: Path) -> set[str]:
    prefix = f"{BASE}graph/article/"
    return {g.value for g in load_dataset(path).named_graphs() if g.value.startswith(prefix)}


def _main_graphs(path: Path) -> set[str]:
    return {g for g in _article_graphs(path) if "-related-" not in g}


def _jsonl(path: Path, *records: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _failed_line(err: str, needle: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("dtkg: failed:") and needle in line]
    assert len(lines) == 1, err
    return lines[0]


# ------------------------------------------------------------------ identity: nothing merged, nothing lost

def test_two_records_with_one_id_are_neither_merged_nor_lost_on_the_cached_rebuild(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = _jsonl(tmp_path / "feed.jsonl", {"id": "x", "body": _body(A)}, {"id": "x", "body": _body(B)},
                  {"id": "X", "body": _body(C)})
    out = tmp_path / "kg.nq"
    for attempt in range(2):  # the second build comes from the cache and must say and write the same
        code, stdout, err = _run(capsys, feed, "--output", out, "--cache", tmp_path / "cache")
        assert code == 3
        line = _failed_line(err, "feed.jsonl:2")
        assert "the id 'x' was already used on line 1" in line and "fix: give each record its own id" in line
        assert f"built 2 article file(s) ({2 - 2 * attempt} processed, {2 * attempt} from cache), 1 failed" in stdout
        graphs = _main_graphs(out)
        assert len(graphs) == 2  # 'x' (line 1) and 'X' (line 3): their keys slug alike, so both got distinct ones
        store = load_dataset(out)
        names = sorted(q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(META + "sourceName"), None)
                       if "-related-" not in q.subject.value)
        assert names == [f"{feed}#X", f"{feed}#x"]


def test_a_record_without_id_and_one_whose_id_is_its_line_number_stay_apart(tmp_path: Path) -> None:
    feed = _jsonl(tmp_path / "feed.jsonl", {"id": "2", "body": _body(A)}, {"body": _body(B)})
    report = build([feed], output=tmp_path / "kg.nq", settings=Settings(workers=1, validate=False))
    assert report.failed == ()
    assert sorted(r.source for r in report.built) == [f"{feed}#2", f"{feed}:2"]
    assert len({r.key for r in report.built}) == 2 == len(_main_graphs(tmp_path / "kg.nq"))


def test_two_feeds_with_one_url_build_two_articles_and_say_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = "https://example.org/tin/1"
    one = _jsonl(tmp_path / "one.jsonl", {"id": "1", "url": url, "body": _body(A)})
    two = _jsonl(tmp_path / "two.jsonl", {"id": "2", "url": url, "body": _body(B)})
    out = tmp_path / "kg.nq"
    for attempt in range(2):
        code, stdout, err = _run(capsys, one, two, "--output", out, "--cache", tmp_path / "cache")
        assert code == 0
        assert f"built 2 article file(s) ({2 - 2 * attempt} processed, {2 * attempt} from cache), 0 failed" in stdout
        assert len(_main_graphs(out)) == 2
        assert f"dtkg: warning: 2 sources give the url {url} ({one}#1, {two}#2); each is built as an article of its own" in err


def test_cache_keys_are_not_shared_between_sources_of_one_name(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(_body(A), encoding="utf-8")
    (folder / "b.txt").write_text(_body(B), encoding="utf-8")
    settings = Settings(workers=1, validate=False, cache_dir=tmp_path / "cache")
    build([folder], output=tmp_path / "kg.nq", settings=settings)
    (folder / "a.txt").write_text(_body(C), encoding="utf-8")
    again = build([folder], output=tmp_path / "kg.nq", settings=settings)
    assert [(r.source, r.cached) for r in again.built] == [(str(folder / "a.txt"), False), (str(folder / "b.txt"), True)]
    text = {q.object.value for q in load_dataset(tmp_path / "kg.nq") if q.predicate.value == "https://schema.org/text"}
    assert any("CMC" in t for t in text)


# ------------------------------------------------------------------ one bad record never stops the others

@pytest.mark.parametrize("date", ["2025-02-30", "2025-13-45"])
@pytest.mark.parametrize("where", ["record", "sidecar"])
def test_an_impossible_date_fails_its_article_only(date: str, where: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(_body(A), encoding="utf-8")
    if where == "record":
        _jsonl(folder / "feed.jsonl", {"id": "ok", "published": "2025-08-22", "body": _body(C)},
               {"id": "bad", "published": date, "body": _body(B)})
        needle = "feed.jsonl:2"
    else:
        (folder / "bad.txt").write_text(_body(B), encoding="utf-8")
        (folder / "bad.json").write_text(json.dumps({"published": date}), encoding="utf-8")
        needle = "bad.json (metadata of bad.txt)"
    out = tmp_path / "kg.nq"
    code, stdout, err = _run(capsys, folder, "--output", out)
    assert code == 3
    line = _failed_line(err, needle)
    assert f"\"published\" '{date}' is not a real date" in line and 'fix: write it as YYYY-MM-DD' in line
    assert f"built {2 if where == 'record' else 1} article file(s)" in stdout
    dates = {q.object.value for q in load_dataset(out) if isinstance(q.object, ox.Literal) and q.object.datatype.value == XSD_DATE}
    assert "2025-08-22" in dates or where == "sidecar"
    assert date not in dates


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
def test_dtkg_validate_reports_an_ill_typed_date_instead_of_crashing(engine: str, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    feed = _jsonl(tmp_path / "feed.jsonl", {"id": "a", "title": "Tin", "published": "2025-01-01", "body": _body(A)})
    out = tmp_path / "kg.nq"
    build([feed], output=out, settings=Settings(workers=1, validate=False))
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    published = [i for i, line in enumerate(lines) if "<https://schema.org/datePublished>" in line and "/feed-a>" in line]
    assert len(published) == 1 and f'"2025-01-01"^^<{XSD_DATE}>' in lines[published[0]]
    lines[published[0]] = lines[published[0]].replace('"2025-01-01"', '"2025-02-30"')
    bad = tmp_path / "bad.nq"
    bad.write_text("".join(lines), encoding="utf-8")
    code = cli.main(["validate", str(bad), "--shacl-engine", engine])
    captured = capsys.readouterr()
    assert code == 1 and captured.err == ""
    blocks = [b for b in captured.out.split("  VIOLATION: ")[1:] if "schema:datePublished" in b]
    assert len(blocks) == 1
    assert 'property: schema:datePublished   value: "2025-02-30"' in blocks[0]
    assert "rule: dtsh:NewsArticle-datePublished (sh:DatatypeConstraintComponent)" in blocks[0]


@pytest.mark.parametrize(("sidecar", "reason"), [
    (b'{"title": "T",', "not valid JSON (Expecting property name enclosed in double quotes at line 1, column 15)"),
    (b'["title"]', "a JSON array, not an object"),
    (b'"title"', "a JSON string, not an object"),
    (b'{"title": 5}', '"title" is a JSON number, not a string'),
    (b'{"url": "www.example.org/tin 1"}', "\"url\" 'www.example.org/tin 1' is not an absolute URL"),
    (b'\xff\xfe{}', "not UTF-8 (byte 0xff at offset 0)"),
])
def test_a_bad_sidecar_fails_its_article_only(sidecar: bytes, reason: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(_body(A), encoding="utf-8")
    (folder / "bad.txt").write_text(_body(B), encoding="utf-8")
    (folder / "bad.json").write_bytes(sidecar)
    out = tmp_path / "kg.nq"
    code, _stdout, err = _run(capsys, folder, "--output", out)
    assert code == 3
    line = _failed_line(err, "bad.json")
    assert f"{folder / 'bad.json'} (metadata of bad.txt): {reason}" in line and "(fix: " in line
    assert _main_graphs(out) == {iris.article_graph(BASE, "good")}


RECORD_FIX = 'each line must be one JSON object {"id", "url", "title", "published", "body"}'


@pytest.mark.parametrize(("line", "reason", "fix"), [
    (b'{"id": "a", "body": "x" "y"}', "not valid JSON: Expecting ',' delimiter at column 25", RECORD_FIX),
    (b'{"id": "a", "body": "x"', "not valid JSON: Expecting ',' delimiter at column 24", RECORD_FIX),
    (b'[1, 2]', "the line is a JSON array, not an object", RECORD_FIX),
    (b'{"id": "a"}', 'the record has no "body"', RECORD_FIX),
    (b'{"id": "a", "body": 3}', 'the record has a "body" that is a JSON number, not a string', RECORD_FIX),
    (b'{"id": [1], "body": "x"}', 'the "id" is a JSON array',
     'give each record a string or number "id", or none (the line number is then used)'),
    (b'{"id": "a", "body": "x", "published": 2025}', '"published" is a JSON number, not a string',
     'write "published" as a string, or remove it'),
    (b'{"id": "a", "body": "x\xff"}', "the line is not UTF-8 (byte 0xff at column 23)", "save the file as UTF-8"),
])
def test_a_bad_record_is_named_by_its_line_with_one_position(line: bytes, reason: str, fix: str, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(json.dumps({"id": "ok", "body": _body(A)}, ensure_ascii=False).encode() + b"\n" + line + b"\n")
    code, _stdout, err = _run(capsys, feed, "--output", tmp_path / "kg.nq")
    assert code == 3
    assert _failed_line(err, "feed.jsonl:2") == f"dtkg: failed: {feed}:2: {reason} (fix: {fix})"
    assert len(_main_graphs(tmp_path / "kg.nq")) == 1


def test_a_file_name_with_undecodable_bytes_is_built_under_an_escaped_name(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    raw_name = os.path.join(os.fsencode(folder), b"caf\xe9.txt")
    with open(raw_name, "wb") as handle:
        handle.write(_body(A).encode("utf-8"))
    out = tmp_path / "kg.nq"
    code, stdout, _err = _run(capsys, folder, "--output", out)
    assert code == 0 and "built 1 article file(s)" in stdout
    names = [q.object.value for q in load_dataset(out).quads_for_pattern(None, ox.NamedNode(META + "sourceName"), None)]
    assert f"{folder}/caf\\xe9.txt" in names


def test_an_unreadable_file_fails_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(_body(A), encoding="utf-8")
    locked = folder / "locked.txt"
    locked.write_text(_body(B), encoding="utf-8")
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the read fail as it would for anyone else
        real = Path.read_bytes

        def read_bytes(self: Path) -> bytes:
            if self.name == "locked.txt":
                raise PermissionError(errno.EACCES, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code, _stdout, err = _run(capsys, folder, "--output", tmp_path / "kg.nq")
    assert code == 3
    assert _failed_line(err, "locked.txt") == (
        f"dtkg: failed: {locked}: cannot read the file (Permission denied) "
        "(fix: check that it exists and that you may read it)")
    assert _main_graphs(tmp_path / "kg.nq") == {iris.article_graph(BASE, "good")}


def test_any_exception_from_one_article_fails_that_article_only_and_is_logged_for_a_bug_report(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from dtkg.extract import Extractor

    real = Extractor.run

    def run(self: Extractor, article):  # type: ignore[no-untyped-def]
        if article.key == "boom":
            raise IndexError("list index out of range")
        return real(self, article)

    monkeypatch.setattr(Extractor, "run", run)
    folder = tmp_path / "in"
    folder.mkdir()
    for name, body in [("a", A), ("boom", B), ("c", C), ("d", A)]:
        (folder / f"{name}.txt").write_text(_body(body), encoding="utf-8")
    out = tmp_path / "kg.nq"
    code = cli.main(["build", str(folder), "--output", str(out), "--workers", "2", "--no-validate"])  # in the pool
    captured = capsys.readouterr()
    assert code == 3
    assert "Traceback" not in captured.err
    assert _failed_line(captured.err, "boom.txt") == (
        f"dtkg: failed: {folder / 'boom.txt'}: dtkg failed on this input (IndexError: list index out of range); "
        "this is a bug in dtkg")
    log = out.with_name("kg.nq.errors.log")
    assert f"the tracebacks are in {log}" in captured.err
    assert "Traceback (most recent call last)" in log.read_text(encoding="utf-8")
    assert len(_main_graphs(out)) == 3
    assert cli.main(["build", str(folder), "--output", str(out), "--workers", "1", "--no-validate", "--debug"]) == 3
    assert "IndexError: list index out of range" in capsys.readouterr().err  # --debug: the traceback on the terminal


def test_when_a_bug_fails_every_input_nothing_is_written_and_the_tracebacks_are_kept(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from dtkg.extract import Extractor

    def run(self: Extractor, article):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(Extractor, "run", run)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    out = tmp_path / "kg.nq"
    code, _stdout, err = _run(capsys, EXAMPLES / A, "--output", out)
    assert code == 2 and not out.exists()
    lines = err.splitlines()
    assert lines[0] == (f"dtkg: failed: {EXAMPLES / A}: dtkg failed on this input (ZeroDivisionError: division by zero); "
                        "this is a bug in dtkg")
    assert lines[1].startswith(f"dtkg: 1 input(s) hit a bug in dtkg; the tracebacks are in {tmp_path}/dtkg-bug-")
    assert lines[2] == "dtkg: error: kg.nq: no input could be built into an article (fix: see the reason given for each input)"
    log = Path(lines[1].split("the tracebacks are in ")[1].split(":")[0])
    assert "ZeroDivisionError" in log.read_text(encoding="utf-8")


# ------------------------------------------------------------------ the output and the cache

def test_an_output_path_that_is_a_folder_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "kg.nq").mkdir()
    code, _stdout, err = _run(capsys, EXAMPLES / A, "--output", tmp_path / "kg.nq")
    assert code == 2
    assert err == f"dtkg: error: {tmp_path / 'kg.nq'}: the output is a folder (fix: name a dataset file, such as {tmp_path / 'kg.nq' / 'kg.nq'})\n"


def _tmpfs(path: Path, size: str) -> bool:
    path.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True).returncode == 0


@pytest.mark.parametrize("how", ["tmpfs", "injected"])
def test_a_full_disk_is_a_clear_error_and_leaves_nothing_behind(how: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    disk = tmp_path / "disk"
    if how == "tmpfs":
        if not _tmpfs(disk, "64k"):
            pytest.skip("cannot mount a tmpfs here (not root, or no mount): the injected case covers it")
    else:
        disk.mkdir()
        real = os.fdopen

        class Full:
            def __init__(self, handle):  # type: ignore[no-untyped-def]
                self.handle = handle

            def __enter__(self):  # type: ignore[no-untyped-def]
                return self

            def __exit__(self, *exc: object) -> None:
                self.handle.close()

            def write(self, _data: object) -> int:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: Full(real(fd, *a, **k)))
    try:
        code, _stdout, err = _run(capsys, EXAMPLES / A, "--output", disk / "kg.nq", "--cache", tmp_path / "cache")
        assert code == 2
        assert err.endswith(f": the disk is full; nothing was written (fix: free some space on the disk holding {disk} "
                            "or build elsewhere with --output)\n")
        assert not (disk / "kg.nq").exists()
        assert [p.name for p in disk.iterdir() if p.name.startswith(".kg.nq")] == []
    finally:
        if how == "tmpfs":
            subprocess.run(["umount", str(disk)], check=True)


def test_garbage_cache_entries_are_ignored_and_rebuilt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in (A, B, C):
        shutil.copy(EXAMPLES / name, folder / name)
    cache, out = tmp_path / "cache", tmp_path / "kg.nq"
    assert _run(capsys, folder, "--output", out, "--cache", cache)[0] == 0
    first = sorted(out.read_text(encoding="utf-8").splitlines())
    entries = sorted(cache.rglob("*.pickle"))
    assert len(entries) == 3
    garbage = [b"garbage", pickle.dumps({"not": "a result"}), entries[2].read_bytes()[:40]]
    for entry, junk in zip(entries, garbage):
        entry.write_bytes(junk)
    code, stdout, _err = _run(capsys, folder, "--output", out, "--cache", cache)
    assert code == 0 and "(3 processed, 0 from cache)" in stdout
    assert sorted(out.read_text(encoding="utf-8").splitlines()) == first
    assert "(0 processed, 3 from cache)" in _run(capsys, folder, "--output", out, "--cache", cache)[1]


def test_an_unwritable_cache_slows_the_next_build_but_never_fails_this_one(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    code, stdout, err = _run(capsys, EXAMPLES / A, "--output", tmp_path / "kg.nq", "--cache", blocker)
    assert code == 0 and "built 1 article file(s)" in stdout
    assert f"dtkg: warning: the cache in {blocker} cannot be written" in err


# ------------------------------------------------------------------ exit codes

def _fake_report(tmp_path: Path, *, failed: int, violations: int) -> BuildReport:
    from dtkg.validate import Finding, Severity, ValidationRun

    finding = Finding(Severity.VIOLATION, "http://x/a", None, None, "bad", "http://x/s", "c", graph="http://x/g")
    built = (ArticleResult("a.txt", "a"),)
    return BuildReport(tmp_path / "kg.nq", None, built, tuple(ArticleResult(f"f{i}.txt", "", error=f"f{i}.txt: bad")
                                                              for i in range(failed)),
                       ValidationRun((finding,) * violations))


@pytest.mark.parametrize(("failed", "violations", "allow", "expected"), [
    (0, 0, False, 0), (0, 1, False, 1), (1, 0, False, 3), (1, 1, False, 3),
    (1, 0, True, 0), (1, 1, True, 1),
])
def test_the_exit_code_contract(failed: int, violations: int, allow: bool, expected: int, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import dtkg.pipeline

    monkeypatch.setattr(dtkg.pipeline, "build", lambda *a, **k: _fake_report(tmp_path, failed=failed, violations=violations))
    args = ["build", "x", "--output", str(tmp_path / "kg.nq")] + (["--allow-failures"] if allow else [])
    assert cli.main(args) == expected
    capsys.readouterr()


def test_the_exit_codes_are_in_the_help_and_the_readme(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["build", "--help"]) == 0
    help_text = capsys.readouterr().out
    readme = (EXAMPLES.parents[1] / "README.md").read_text(encoding="utf-8")
    for code in ("0", "1", "2", "3", "4"):
        assert f"\n  {code}  " in help_text
        assert f"\n| {code} |" in readme
    assert "--allow-failures" in help_text and "--allow-failures" in readme


def test_an_internal_error_outside_any_article_exits_4_without_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import dtkg.pipeline

    def broken(*_a: object, **_k: object) -> BuildReport:
        raise KeyError("oops")

    monkeypatch.setattr(dtkg.pipeline, "build", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    assert cli.main(["build", "x", "--output", str(tmp_path / "kg.nq")]) == 4
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("dtkg: internal error: KeyError: 'oops' — this is a bug in dtkg; the traceback is in ")
    log = Path(err.split("the traceback is in ")[1].split(",")[0])
    assert log.parent == tmp_path and "KeyError: 'oops'" in log.read_text(encoding="utf-8")


# ------------------------------------------------------------------ skipped inputs are reported

def test_what_an_input_folder_holds_besides_articles_is_skipped_with_the_reason(tmp_path: Path,
                                                                               capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(_body(A), encoding="utf-8")
    (folder / "loop").symlink_to(folder)
    (folder / "spin").symlink_to(folder / "spin")
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "paper.pdf").write_bytes(b"%PDF-1.7\n")
    (folder / "image.png").write_bytes(b"\x89PNG")
    (folder / ".notes.txt").write_text("private", encoding="utf-8")
    (folder / "orphan.json").write_text("{}", encoding="utf-8")
    code, stdout, err = _run(capsys, folder, "--output", tmp_path / "kg.nq")
    assert code == 0
    assert "built 1 article file(s) (1 processed, 0 from cache), 0 failed, 8 skipped" in stdout
    skipped = sorted(line for line in err.splitlines() if line.startswith("dtkg: skipped"))
    assert skipped == sorted([
        f"dtkg: skipped {folder / '.notes.txt'}: hidden (its name starts with a dot)",
        f"dtkg: skipped 2 inputs, a symbolic link that loops: {folder / 'loop'}, {folder / 'spin'}",
        f"dtkg: skipped {folder / 'gone.txt'}: a symbolic link that points nowhere",
        f"dtkg: skipped {folder / 'pipe.txt'}: not a regular file (a named pipe)",
        f"dtkg: skipped 2 inputs, not a format dtkg reads (.txt, .text, .md, .jsonl, .ndjson, .html, .htm, .xhtml, .warc, .warc.gz): "
        f"{folder / 'image.png'}, {folder / 'paper.pdf'}",
        f"dtkg: skipped {folder / 'orphan.json'}: metadata (.json) with no article file of the same name",
    ])


def test_a_folder_of_nothing_but_other_formats_is_a_usage_error_that_says_what_it_saw(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "paper.pdf").write_bytes(b"%PDF-1.7\n")
    code, _stdout, err = _run(capsys, tmp_path, "--output", tmp_path / "out" / "kg.nq")
    assert code == 2
    assert err.splitlines() == [
        f"dtkg: skipped {tmp_path / 'paper.pdf'}: not a format dtkg reads (.txt, .text, .md, .jsonl, .ndjson, .html, .htm, .xhtml, .warc, .warc.gz)",
        f"dtkg: error: {tmp_path}: no article files found in the inputs "
        "(fix: pass .txt, .md or .jsonl files, or folders holding them)"]


def test_a_build_never_reads_its_own_dataset_or_report_as_articles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text(_body(A), encoding="utf-8")
    out = tmp_path / "kg.nq"
    assert cli.main(["build", str(tmp_path), "--output", str(out), "--workers", "1", "--quiet"]) == 0
    assert out.with_name("kg.nq.validation.txt").is_file()
    assert cli.main(["build", str(tmp_path), "--output", str(out), "--workers", "1"]) == 0
    stdout = capsys.readouterr().out
    assert "built 1 article file(s)" in stdout.splitlines()[-1]


# ------------------------------------------------------------------ no leftovers

def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_temporaries_of_killed_builds_are_removed_and_those_of_running_ones_kept(tmp_path: Path) -> None:
    out = tmp_path / "out" / "kg.nq"
    out.parent.mkdir()
    dead = _dead_pid()
    alive = subprocess.Popen(["sleep", "60"])
    try:
        stale = [out.parent / f".kg.nq.{dead}.k2j4x9a1.nq.tmp", out.parent / f".kg.nq.validation.txt.{dead}.abc.tmp",
                 out.parent / f".dtkg-store-{dead}-q1w2e3"]
        kept = [out.parent / f".kg.nq.{alive.pid}.zz9y8x7w.nq.tmp", out.parent / ".kg.nq.ab12cd34.nq.tmp",
                out.parent / "notes.tmp"]
        legacy = out.parent / ".kg.nq.old0ld00.nq.tmp"
        for path in stale[:2] + kept + [legacy]:
            path.write_text("half a dataset")
        stale[2].mkdir()
        (stale[2] / "000001.sst").write_text("x")
        os.utime(legacy, (0, 0))  # a dtkg 0.1.0 temporary (no process id) hours old
        cache_entry = tmp_path / "cache" / "ab" / f".ab12.pickle.{dead}.x1y2.tmp"
        cache_entry.parent.mkdir(parents=True)
        cache_entry.write_bytes(b"half")
        build([EXAMPLES / A], output=out, settings=Settings(workers=1, validate=False, cache_dir=tmp_path / "cache"))
        assert [p.exists() for p in stale + [legacy, cache_entry]] == [False] * 5
        assert all(p.exists() for p in kept)
    finally:
        alive.kill()
        alive.wait()


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_killed_build_takes_its_workers_along_and_the_next_build_cleans_up(tmp_path: Path) -> None:
    import signal
    import sys
    import time

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(60):
        shutil.copy(EXAMPLES / (A, B, C)[i % 3], folder / f"{i:03d}.txt")
    out = tmp_path / "kg.nq"
    build_process = subprocess.Popen([sys.executable, "-m", "dtkg", "build", str(folder), "--output", str(out),
                                      "--workers", "2", "--quiet", "--no-validate"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and (len(workers) < 2 or not list(tmp_path.glob(".kg.nq.*.nq.tmp"))):
        workers = _children(build_process.pid)
        time.sleep(0.05)
    assert len(workers) >= 2, "the build never started its workers"
    os.kill(build_process.pid, signal.SIGKILL)
    build_process.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.05)
    orphans = [w for w in workers if _alive(w)]
    for orphan in orphans:  # never leave them running, even when the test fails
        os.kill(orphan, signal.SIGKILL)
    assert orphans == []
    leftovers = list(tmp_path.glob(".kg.nq.*.nq.tmp"))
    assert leftovers
    build([EXAMPLES / A], output=out, settings=Settings(workers=1, validate=False, cache_dir=tmp_path / "c2"))
    assert not any(p.exists() for p in leftovers)
