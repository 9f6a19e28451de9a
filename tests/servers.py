"""Real servers for tests: a free loopback port, start, wait until it answers, stop.

Use from any test module (``tests/`` is on ``sys.path`` under pytest's default import mode)::

    from servers import oxigraph_server

    @pytest.fixture
    def oxigraph(tmp_path):
        with oxigraph_server(tmp_path / "oxigraph") as server:
            yield server

A missing ``oxigraph`` binary skips the test with the reason and the fix. A missing Virtuoso
(``virtuoso-t`` from Debian's virtuoso-opensource) fails the test, unless the machine says it
may be missing (``DTKG_ALLOW_MISSING_VIRTUOSO=1``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pyoxigraph as ox
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


def start(
    argv: Sequence[str], *, probe_url: str, log: Path, env: Mapping[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start ``argv`` with its output in ``log`` and return once ``probe_url`` answers (stopped if it never does)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(list(argv), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env={**os.environ, **env} if env else None)
    try:
        wait_until_answers(probe_url, process, log)
    except BaseException:
        stop(process)
        raise
    return process


@contextmanager
def running(
    argv: Sequence[str], *, probe_url: str, log: Path, env: Mapping[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``argv``, wait until ``probe_url`` answers, and stop it on exit."""
    process = start(argv, probe_url=probe_url, log=log, env=env)
    try:
        yield process
    finally:
        stop(process)


def start_oxigraph(location: Path, *, extra_args: Sequence[str] = (), port: int | None = None) -> OxigraphServer:
    """Start ``oxigraph serve --location LOCATION`` on a free loopback port (or ``port``); the caller stops it.

    Retries on another port if the chosen one was taken between choosing and binding.
    """
    binary = require_binary("oxigraph", "pip install 'oxigraph>=0.5,<0.6'")
    location.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, START_ATTEMPTS + 1):
        port = port or free_port()
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


# --- Virtuoso (Debian's virtuoso-opensource) -------------------------------------------------

VIRTUOSO_START_TIMEOUT = 90.0
VIRTUOSO_INI = """\
; A throwaway Virtuoso for tests, written by tests/servers.py (after Debian's default virtuoso.ini).
[Database]
DatabaseFile       = {db}/virtuoso.db
ErrorLogFile       = {db}/virtuoso.log
LockFile           = {db}/virtuoso.lck
TransactionFile    = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {db}/virtuoso-temp.db
TransactionFile    = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = 127.0.0.1:{sql_port}
DisableUnixSocket    = 1
MaxClientConnections = 10
CheckpointInterval   = 60
CaseMode             = 2
DirsAllowed          = .
NumberOfBuffers      = 10000
MaxDirtyBuffers      = 6000
ThreadsPerQuery      = 2

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {db}
MaxClientConnections = 10
ServerThreads        = 10
Charset              = UTF-8

[SPARQL]
ResultSetMaxRows           = 10000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 60
"""


def virtuoso_missing_is_allowed() -> bool:
    """Only where DTKG_ALLOW_MISSING_VIRTUOSO=1 is set may tests that need Virtuoso skip without it."""
    return os.environ.get("DTKG_ALLOW_MISSING_VIRTUOSO") == "1"


def require_virtuoso() -> Path:
    """The ``virtuoso-t`` binary; without it the test fails (CI installs it), or skips where allowed."""
    found = shutil.which("virtuoso-t")
    if found:
        return Path(found)
    message = "`virtuoso-t` is not installed (apt-get install virtuoso-opensource; .ci/run installs it)"
    if virtuoso_missing_is_allowed():
        pytest.skip(message + "; skipped because DTKG_ALLOW_MISSING_VIRTUOSO=1")
    pytest.fail(message + "; set DTKG_ALLOW_MISSING_VIRTUOSO=1 to skip these tests on a machine without it")


@dataclass
class VirtuosoServer:
    """A running Virtuoso on loopback with a throwaway database; ``dba``/``dba`` as a fresh database has.

    ``kill`` stops it the hard way (SIGKILL, as a crash would) and ``start`` brings it back on
    the same database and ports, so tests can see what a crash leaves behind.
    """

    binary: Path
    directory: Path
    http_port: int
    sql_port: int
    process: subprocess.Popen[bytes] | None = None
    user: str = "dba"
    password: str = "dba"
    own_graphs: frozenset[str] = frozenset()

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.http_port}"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/sparql"

    @property
    def update_url(self) -> str:
        return f"{self.base_url}/sparql-auth"

    @property
    def log(self) -> Path:
        return self.directory / "virtuoso.out"

    def start(self) -> None:
        ini = self.directory / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(db=self.directory, sql_port=self.sql_port, http_port=self.http_port), encoding="utf-8")
        argv = [str(self.binary), "+foreground", "+configfile", str(ini)]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=self.directory)
        try:
            wait_until_answers(self.query_url, self.process, self.log, timeout=VIRTUOSO_START_TIMEOUT)
            self._wait_for_sparql()
        except BaseException:
            self.stop()
            raise

    def _wait_for_sparql(self) -> None:
        """Virtuoso answers HTTP a moment before its SPARQL endpoint works; wait for a real answer."""
        deadline = time.monotonic() + VIRTUOSO_START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                response = httpx.post(self.query_url, data={"query": "ASK { ?s ?p ?o }"}, headers={"accept": "application/sparql-results+json"}, timeout=5)
                if response.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"Virtuoso's SPARQL endpoint did not answer within {VIRTUOSO_START_TIMEOUT}s:\n{_tail(self.log)}")

    def kill(self) -> None:
        """SIGKILL, as a crash would; the database keeps what was committed."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, timeout=30)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def update(self, text: str) -> None:
        """Run a SPARQL update as dba (for test setup and cleanup)."""
        response = httpx.post(self.update_url, data={"update": text}, auth=httpx.DigestAuth(self.user, self.password), timeout=60)
        if response.status_code != 200:
            raise RuntimeError(f"Virtuoso refused {text[:80]!r}: HTTP {response.status_code} {response.text[:300]}")

    def graphs(self) -> set[str]:
        """Every graph holding triples (Virtuoso's own included)."""
        response = httpx.post(self.query_url, data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                              headers={"accept": "application/sparql-results+json"}, timeout=60)
        response.raise_for_status()
        return {row["g"]["value"] for row in response.json()["results"]["bindings"]}


def start_virtuoso(directory: Path) -> VirtuosoServer:
    """A fresh Virtuoso with its database in ``directory`` on free loopback ports; the caller stops it."""
    binary = require_virtuoso()
    directory.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, START_ATTEMPTS + 1):
        server = VirtuosoServer(binary=binary, directory=directory, http_port=free_port(), sql_port=free_port())
        try:
            server.start()
        except RuntimeError:
            if attempt == START_ATTEMPTS:
                raise
            continue
        return server
    raise AssertionError("unreachable")


def virtuoso_quads(server: VirtuosoServer, graphs: set[str]) -> set[ox.Quad]:
    """Every quad in ``graphs`` on a Virtuoso, read back as N-Triples with CONSTRUCT (one query per graph)."""
    quads: set[ox.Quad] = set()
    for graph in sorted(graphs):
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        response = httpx.post(server.query_url, data={"query": query}, headers={"accept": "text/plain"}, timeout=60)
        response.raise_for_status()
        triples = list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
        assert len(triples) < 10_000, "Virtuoso cuts answers at 10,000 rows: read this graph in pages"
        quads |= {ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples}
    return quads


# --- a proxy that injects faults in front of a real store --------------------------------------


@dataclass
class ProxyLog:
    """One request the proxy saw: when, what, and what it answered (None: it dropped the connection)."""

    at: float
    method: str
    path: str
    status: int | None


class FaultProxy:
    """A loopback HTTP proxy in front of a real store that answers 500 when told, or kills the store.

    ``fail(n, method, path)`` decides whether the n-th request (from 1) gets a 500 instead of
    reaching the store; ``kill_at_write`` names the write (a request to one of ``write_paths``)
    during which ``kill`` is called, ``kill_delay`` seconds after the write was passed on, so
    the store dies with the request in flight; the client then sees the connection dropped,
    as it would if the store had crashed. ``basic_auth`` makes the proxy ask for a user and
    password first, as a reverse proxy in front of Oxigraph server would.
    """

    def __init__(
        self,
        upstream: str,
        *,
        write_paths: tuple[str, ...] = (),
        fail: Callable[[int, str, str], bool] | None = None,
        kill_at_write: int | None = None,
        kill: Callable[[], None] | None = None,
        kill_delay: float = 0.02,
        basic_auth: tuple[str, str] | None = None,
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.write_paths = write_paths
        self.fail = fail or (lambda n, method, path: False)
        self.kill_at_write = kill_at_write
        self.kill = kill
        self.kill_delay = kill_delay
        self.basic_auth = basic_auth
        self.log: list[ProxyLog] = []
        self.writes = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((LOOPBACK, 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self._server.server_address[1]}"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def injected(self) -> list[ProxyLog]:
        return [entry for entry in self.log if entry.status == 500]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                with proxy._lock:
                    number = len(proxy.log) + 1
                    write = self.command != "GET" and self.path.startswith(proxy.write_paths)
                    proxy.writes += write
                    kill_now = write and proxy.writes == proxy.kill_at_write
                    entry = ProxyLog(time.monotonic(), self.command, self.path, None)
                    proxy.log.append(entry)
                if proxy.basic_auth and self.headers.get("authorization") != _basic(*proxy.basic_auth):
                    entry.status = 401
                    return self._answer(401, {"www-authenticate": 'Basic realm="store"'}, b"wrong user or password")
                if proxy.fail(number, self.command, self.path):
                    entry.status = 500
                    return self._answer(500, {"content-type": "text/plain"}, b"proxy: injected failure")
                if kill_now and proxy.kill is not None:
                    threading.Timer(proxy.kill_delay, proxy.kill).start()
                headers = {k: v for k, v in self.headers.items() if k.lower() not in {"host", "content-length", "connection"}}
                try:
                    answer = httpx.request(self.command, proxy.upstream + self.path, headers=headers, content=body, timeout=120)
                except httpx.TransportError:
                    self.close_connection = True  # as a crashed store would: no answer at all
                    return None
                entry.status = answer.status_code
                skip = {"content-length", "transfer-encoding", "connection", "content-encoding"}
                return self._answer(answer.status_code, {k: v for k, v in answer.headers.items() if k.lower() not in skip}, answer.content)

            def _answer(self, status: int, headers: dict[str, str], payload: bytes) -> None:
                self.send_response(status)
                for name, value in {**headers, "content-length": str(len(payload))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_PUT = do_POST = do_DELETE = _handle

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _basic(user: str, password: str) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
