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


def test_the_installed_wheel_builds_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--target", str(target), str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import sys, dtkg, dtkg.resources as r; "
        "assert str(r.data_root()).startswith(sys.argv[1]), r.data_root(); "
        "from dtkg.cli import main; sys.exit(main(['build', sys.argv[2], '--output', 'kg.nq', '--workers', '1', '--quiet']))"
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code, str(target), str(EXAMPLES / "000_210924e285211664.txt")],
                            cwd=elsewhere, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "kg.nq").stat().st_size > 10_000
    assert "built 1 article file(s)" in result.stdout
