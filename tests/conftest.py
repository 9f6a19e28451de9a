"""Shared fixtures: paths, and the sample articles built once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dtkg.pipeline import BuildReport, build
from dtkg.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
BASE = "http://127.0.0.1:8000/id/"


def shared_dir() -> Path | None:
    """The steering repo's shared/ folder (../shared), if present."""
    candidate = Path(os.environ.get("DTKG_SHARED", ROOT.parent / "shared"))
    return candidate if candidate.is_dir() else None


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> BuildReport:
    """The bundled samples, built once (validated) into a temporary folder."""
    out = tmp_path_factory.mktemp("samples") / "kg.nq"
    return build([EXAMPLES], output=out, settings=Settings(workers=2, cache_dir=out.parent / "cache"))


@pytest.fixture(scope="session")
def sample_store(samples: BuildReport):  # type: ignore[no-untyped-def]
    from dtkg.store import load_dataset

    return load_dataset(samples.output)


@pytest.fixture(scope="session")
def virtuoso_session(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One Virtuoso for the whole session (it takes seconds to start), stopped at the end."""
    from servers import start_virtuoso

    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    server.own_graphs = frozenset(server.graphs())
    yield server
    server.stop()


@pytest.fixture
def virtuoso(virtuoso_session):  # type: ignore[no-untyped-def]
    """The session's Virtuoso holding only its own graphs (started again if a test killed it)."""
    if not virtuoso_session.running:
        virtuoso_session.start()
    for graph in sorted(virtuoso_session.graphs() - virtuoso_session.own_graphs):
        virtuoso_session.update(f"DROP SILENT GRAPH <{graph}>")
    return virtuoso_session
