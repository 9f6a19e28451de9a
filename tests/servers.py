"""Real servers for tests: a free loopback port, start, wait until it answers, stop.

Use from any test module (``tests/`` is on ``sys.path`` under pytest's default import mode)::

    from servers import oxigraph_server

    @pytest.fixture
    def oxigraph(tmp_path):
        with oxigraph_server(tmp_path / "oxigraph") as server:
            yield server

A missing ``oxigraph`` binary skips the test with the reason and the fix.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
START_ATTEMPTS = 3


@dataclass(frozen=True)
class Server:
    """A running server: its process, base URL and the log file of its output."""

    process: subprocess.Popen[bytes]
    base_url: str
    log: Path


@dataclass(frozen=True)
class OxigraphServer(Server):
    """A running ``oxigraph serve`` with its query, update and Graph Store Protocol URLs."""

    location: Path

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base_url}/update"

    @property
    def store_url(self) -> str:
        return f"{self.base_url}/store"


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def find_binary(name: str) -> Path | None:
    """``name`` next to the running Python (the venv's bin/) or else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return beside
    found = shutil.which(name)
    return Path(found) if found else None


def require_binary(name: str, fix: str) -> Path:
    """The binary's path, or skip the calling test saying what is missing and how to get it."""
    path = find_binary(name)
    if path is None:
        pytest.skip(f"`{name}` is not installed next to {sys.executable} nor on PATH ({fix})")
    return path


def wait_until_answers(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = START_TIMEOUT) -> None:
    """Poll ``url`` until it answers with any HTTP status; fail with the server's log if it dies or never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}:\n{_tail(log)}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"server did not answer {url} within {timeout}s:\n{_tail(log)}")


def stop(process: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT) -> None:
    """Terminate the process (SIGTERM), then kill it if it has not exited within ``timeout``."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def start(argv: Sequence[str], *, probe_url: str, log: Path) -> subprocess.Popen[bytes]:
    """Start ``argv`` with its output in ``log`` and return once ``probe_url`` answers (stopped if it never does)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(list(argv), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_until_answers(probe_url, process, log)
    except BaseException:
        stop(process)
        raise
    return process


@contextmanager
def running(argv: Sequence[str], *, probe_url: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``argv``, wait until ``probe_url`` answers, and stop it on exit."""
    process = start(argv, probe_url=probe_url, log=log)
    try:
        yield process
    finally:
        stop(process)


def start_oxigraph(location: Path, *, extra_args: Sequence[str] = ()) -> OxigraphServer:
    """Start ``oxigraph serve --location LOCATION`` on a free loopback port; the caller stops it.

    Retries on another port if the chosen one was taken between choosing and binding.
    """
    binary = require_binary("oxigraph", "pip install 'oxigraph>=0.5,<0.6'")
    location.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, START_ATTEMPTS + 1):
        port = free_port()
        base = f"http://{LOOPBACK}:{port}"
        argv = [str(binary), "serve", "--location", str(location), "--bind", f"{LOOPBACK}:{port}", *extra_args]
        log = location.parent / f"{location.name}.{port}.log"
        try:
            process = start(argv, probe_url=f"{base}/query", log=log)
        except RuntimeError:
            if attempt == START_ATTEMPTS:
                raise
            continue
        return OxigraphServer(process=process, base_url=base, log=log, location=location)
    raise AssertionError("unreachable")


@contextmanager
def oxigraph_server(location: Path, *, extra_args: Sequence[str] = ()) -> Iterator[OxigraphServer]:
    """A fresh ``oxigraph serve`` on a free loopback port storing in ``location``, stopped on exit."""
    server = start_oxigraph(location, extra_args=extra_args)
    try:
        yield server
    finally:
        stop(server.process)


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
