"""The spine end to end: build, determinism, incremental rebuilds, bad input, provenance."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from dtkg import cli, iris
from dtkg.pipeline import BuildReport, build
from dtkg.settings import Settings
from dtkg.store import load_dataset

from conftest import BASE, EXAMPLES

OA = "http://www.w3.org/ns/oa#"
SCHEMA = "https://schema.org/"


def _sorted_nquads(path: Path) -> list[str]:
    return sorted(line for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def test_samples_build_into_one_graph_per_article_plus_meta_and_reference(samples: BuildReport, sample_store: ox.Store) -> None:
    articles = sorted(p.stem for p in EXAMPLES.glob("*.txt"))
    assert len(samples.built) == len(articles) == 8
    assert samples.failed == ()
    graphs = {g.value for g in sample_store.named_graphs()}
    expected = {iris.article_graph(BASE, iris.article_key(a)) for a in articles}
    assert expected <= graphs
    assert graphs - expected == {iris.meta_graph(BASE), iris.reference_graph(BASE)}


def test_rebuilding_gives_identical_sorted_nquads(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "kg.nq", tmp_path / "b" / "kg.nq"
    build([EXAMPLES], output=first, settings=Settings(workers=1, validate=False))
    build([EXAMPLES], output=second, settings=Settings(workers=2, validate=False))
    assert _sorted_nquads(first) == _sorted_nquads(second)


def test_touching_one_article_rebuilds_only_that_one(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    shutil.copytree(EXAMPLES, folder)
    settings = Settings(workers=1, validate=False, cache_dir=tmp_path / "cache")
    out = tmp_path / "kg.nq"
    first = build([folder], output=out, settings=settings)
    assert (first.processed, first.reused) == (8, 0)
    again = build([folder], output=out, settings=settings)
    assert (again.processed, again.reused) == (0, 8)
    target = folder / "003_fpt_da_nang.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nThêm một câu về Đà Nẵng.\n", encoding="utf-8")
    third = build([folder], output=out, settings=settings)
    assert (third.processed, third.reused) == (1, 7)
    assert [r.source for r in third.built if not r.cached] == [str(target)]


def test_every_evidence_string_equals_the_article_text_at_its_offsets(sample_store: ox.Store) -> None:
    query = f"""
        SELECT ?text ?exact ?start ?end WHERE {{ GRAPH ?g {{
          ?span <{OA}hasSource> ?article ; <{OA}hasSelector> ?q , ?p .
          ?q <{OA}exact> ?exact . ?p <{OA}start> ?start ; <{OA}end> ?end .
          ?article <{SCHEMA}text> ?text . }} }}"""
    rows = list(sample_store.query(query))  # type: ignore[arg-type]
    assert len(rows) > 50
    for row in rows:
        text, start, end = row["text"].value, int(row["start"].value), int(row["end"].value)
        assert text[start:end] == row["exact"].value


def test_article_graphs_hold_no_timestamps_and_meta_records_source_hash_version(sample_store: ox.Store) -> None:
    meta = ox.NamedNode(iris.meta_graph(BASE))
    dtkg = iris.ONTOLOGY
    seed = ox.NamedNode(iris.article(BASE, iris.article_key("000_210924e285211664")))
    values = {q.predicate.value: q.object.value for q in sample_store.quads_for_pattern(seed, None, None, meta)}
    assert values[dtkg + "sourceName"].endswith("examples/articles/000_210924e285211664.txt")
    assert len(values[dtkg + "contentHash"]) == 64
    assert values[dtkg + "builtWith"].startswith("dtkg 0.1.0 (model ")
    assert values[dtkg + "sourceEncoding"] == "utf-8"
    datetimes = [q for q in sample_store if isinstance(q.object, ox.Literal)
                 and q.object.datatype.value.endswith("#dateTime")]
    assert datetimes == []


def _bad_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(EXAMPLES / "000_210924e285211664.txt", folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 8)
    (folder / "undecodable.txt").write_bytes(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 100)
    with (folder / "huge.txt").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    return folder


def test_bad_input_is_reported_per_file_and_the_good_article_is_built(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _bad_folder(tmp_path)
    out = tmp_path / "kg.nq"
    code = cli.main(["build", str(folder), "--output", str(out), "--workers", "1", "--quiet"])
    err = capsys.readouterr().err
    assert code == 3  # some inputs failed, the others were built
    assert out.is_file()
    for name, reason in [("empty.txt", "empty"), ("binary.txt", "binary"),
                         ("undecodable.txt", "no supported encoding"), ("huge.txt", "is 50.0 MiB, over the 20 MiB limit")]:
        line = next(line for line in err.splitlines() if name in line)
        assert reason in line and "fix:" in line
    store = load_dataset(out)
    graphs = {g.value for g in store.named_graphs()}
    assert iris.article_graph(BASE, "good") in graphs
    assert not list(tmp_path.glob(".kg.nq.*"))  # no temporary file left behind


def test_no_readable_input_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    out = tmp_path / "kg.nq"
    assert cli.main(["build", str(folder), "--output", str(out), "--quiet"]) == 2
    assert not out.exists()


@pytest.mark.parametrize("args", [
    ["build", "examples/articles", "--output", "x.ttl"],
    ["build", "no/such/folder", "--output", "x.nq"],
    ["frobnicate"],
])
def test_bad_usage_exits_2(args: list[str], tmp_path: Path) -> None:
    assert cli.main(args) == 2


@pytest.mark.parametrize("fmt", ["trig", "jsonld"])
def test_other_dataset_formats_hold_the_same_quads(fmt: str, samples: BuildReport, tmp_path: Path) -> None:
    out = tmp_path / f"kg.{fmt}"
    build([EXAMPLES], output=out, settings=Settings(workers=1, validate=False, cache_dir=samples.output.parent / "cache2"))
    assert set(load_dataset(out)) == set(load_dataset(samples.output))


@pytest.mark.parametrize("command", ["build", "validate", "serve", "query", "publish", "docs"])
def test_every_command_explains_itself_with_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([command, "--help"]) == 0
    assert "example:" in capsys.readouterr().out


def test_the_opinion_piece_yields_no_agreement(sample_store: ox.Store) -> None:
    query = f"""SELECT ?a WHERE {{ GRAPH <{iris.article_graph(BASE, iris.article_key('005_nghi_quyet_57_goc_nhin'))}> {{
                 ?a a <https://w3id.org/dtkg/ontology#CooperationAgreement> }} }}"""
    assert list(sample_store.query(query)) == []  # type: ignore[arg-type]


HOSTILE = (
    'Tin <script>alert("x")</script> về "chuyển đổi số"\n\n'
    'Ông Nguyễn Văn <b>An</b> \\" > nói: “Xin chào <img src=x> & "nháy" \\n”.\n\n'
    "Tập đoàn Viettel }} ]] @prefix và UBND tỉnh Lào Cai ký thỏa thuận hợp tác giai đoạn 2025 - 2030. "
    "Giá trị 1e309% và ký tự \u202e\u0000 lạ.\n"
)


def test_hostile_strings_build_into_a_dataset_that_parses(tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "x.txt").write_text(HOSTILE.replace("\u0000", ""), encoding="utf-8")
    out = tmp_path / "kg.nq"
    report = build([folder], output=out, settings=Settings(workers=1, cache_dir=tmp_path / "c"))
    assert report.failed == ()
    store = load_dataset(out)
    texts = [q.object.value for q in store if q.predicate.value == SCHEMA + "text"]
    assert any("<script>" in t for t in texts)
    assert all(not q.subject.value.count(" ") for q in store if isinstance(q.subject, ox.NamedNode))


def test_all_evaluation_sets_build_without_violations(tmp_path: Path) -> None:
    folders = [EXAMPLES, EXAMPLES.parents[1] / "tests" / "dev" / "articles", EXAMPLES.parents[1] / "tests" / "heldout" / "articles"]
    report = build(folders, output=tmp_path / "kg.nq", settings=Settings(workers=2, cache_dir=tmp_path / "c"))
    assert len(report.built) == 26 and report.failed == ()
    assert report.validation is not None
    violations = [f for f in report.validation.findings if f.severity.name == "VIOLATION"]
    assert violations == []
