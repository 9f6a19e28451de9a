"""dtkg as installed: the wheel carries ontology, mappings, shapes and queries, and works from any folder."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True)
    wheels = list(out.glob("dtkg-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_the_wheel_carries_the_rdf_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ["dtkg/_data/ontology/dtkg.ttl", "dtkg/_data/ontology/concepts.ttl",
                     "dtkg/_data/ontology/reference/units.ttl", "dtkg/_data/ontology/cq/agreements.rq",
                     "dtkg/_data/mappings/context.jsonld", "dtkg/_data/mappings/03-agreements.rq",
                     "dtkg/extract/gazetteer.rq", "dtkg/extract/data/surnames.txt",
                     "dtkg/extract/data/vocabulary.toml", "dtkg/extract/data/org_heads.tsv",
                     "dtkg/serve/service-description.ttl", "dtkg/_data/ontology/cq/posts-over-time.rq",
                     "dtkg/_data/ontology/cq/conflicts.rq", "dtkg/_data/ontology/reference/wikidata.ttl",
                     "dtkg/_data/mappings/resolution/20-conflicts.rq", "dtkg/extract/data/tenure.toml",
                     "dtkg/extract/data/localities.txt"]:
        assert required in names, required
    assert any(n.startswith("dtkg/_data/shapes/") and n.endswith(".ttl") for n in names)
    assert len([n for n in names if n.startswith("dtkg/_data/ontology/cq/") and n.endswith(".rq")]) == 13


def test_the_wheel_carries_the_web_assets(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ["dtkg/serve/static/dtkg.css", "dtkg/serve/static/query.js", "dtkg/serve/web/messages.toml",
                     "dtkg/serve/templates/web/article.html", "dtkg/serve/queries/catalog-labels.rq",
                     "dtkg/serve/static/vendor/yasgui/yasgui.min.js", "dtkg/serve/static/vendor/yasgui/LICENSE.txt"]:
        assert required in names, required  # YASGUI is git-ignored, vendored by make setup, and still shipped


def test_the_wheel_carries_its_licence_and_its_real_dependencies(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    assert "dtkg-0.1.0.dist-info/licenses/LICENSE" in names
    assert "Apache License" in archive.read("dtkg-0.1.0.dist-info/licenses/LICENSE").decode()
    metadata = archive.read("dtkg-0.1.0.dist-info/METADATA").decode()
    required = {line.split(":", 1)[1].split(";")[0].strip().split(">")[0].split("<")[0].split("=")[0].strip().lower()
                for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line}
    assert {"httpx", "pyoxigraph", "rdflib", "pyshacl", "starlette", "uvicorn"} <= required  # dtkg publish needs httpx


@pytest.fixture(scope="module")
def fresh_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment, with nothing in it but the wheel and the dependencies pip resolves for it."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    installed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-3000:]
    return venv


def test_the_installed_wheel_builds_and_queries_from_another_folder(fresh_venv: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PATH": f"{fresh_venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)}
    python = str(fresh_venv / "bin" / "python")
    where = subprocess.run([python, "-c", "import dtkg.resources as r, httpx, dtkg.publish; print(r.cq_dir())"],
                           cwd=elsewhere, env=env, capture_output=True, text=True)
    assert where.returncode == 0, where.stderr
    cq = Path(where.stdout.strip())
    assert cq.is_relative_to(fresh_venv) and (cq / "agreements.rq").is_file()
    built = subprocess.run([str(fresh_venv / "bin" / "dtkg"), "build", str(EXAMPLES / "004_viettel_quang_ngai.txt"),
                            "--output", "kg.nq", "--workers", "1", "--quiet"],
                           cwd=elsewhere, env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert "built 1 article file(s)" in built.stdout and (elsewhere / "kg.nq").stat().st_size > 10_000
    answered = subprocess.run([str(fresh_venv / "bin" / "dtkg"), "query", str(cq / "agreements.rq"), "kg.nq",
                               "--format", "csv"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert answered.returncode == 0, answered.stderr
    rows = answered.stdout.splitlines()
    assert len(rows) >= 2 and any("Viettel" in row for row in rows[1:])
