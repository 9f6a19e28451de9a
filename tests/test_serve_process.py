"""`dtkg serve` as a real process under hostile requests: it answers clearly, stops runaway work, and goes on.

Each test starts `dtkg serve` on a free loopback port over a copy of tests/data/serve/small.trig
(30 quads) with a short --query-timeout, and watches the process tree (the server and its
query workers) with psutil.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from servers import LOOPBACK, Server, free_port, start, stop

pytestmark = pytest.mark.server

SMALL = Path(__file__).resolve().parent / "data" / "serve" / "small.trig"
TIMEOUT = 2.0
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# 30^7 (about 2e10) combinations to count: hours of work without a time limit
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r . ?s ?t ?u }"
# every solution of six patterns kept and sorted: memory grows until something stops it
HUNGRY = (
    "SELECT DISTINCT ?a ?b ?c ?d ?e ?f ?g ?h ?i ?j ?k ?l ?m ?n1 ?o ?p ?q ?r "
    "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r } ORDER BY ?a"
)
TIMED_OUT = (
    "the query ran longer than this endpoint's limit of 2 s per query and was stopped "
    "(fix: make it more selective, e.g. bind more variables or add LIMIT; "
    "whoever runs the server can raise the limit with `dtkg serve --query-timeout SECONDS`)\n"
)
TOO_DEEP = (
    "the query is not valid SPARQL 1.1 here: line 1, column {column}: the query nests brackets or '!' more than "
    "128 deep, more than dtkg's SPARQL parser takes (fix: write the query with less nesting; "
    "no real query needs this many levels)\n"
)


def serve(tmp_path: Path, *extra: str) -> Server:
    """`dtkg serve` over a copy of small.trig on a free port; the caller stops it."""
    dataset = tmp_path / SMALL.name
    if not dataset.exists():
        shutil.copy(SMALL, dataset)
    port = free_port()
    argv = [sys.executable, "-m", "dtkg", "serve", str(dataset), "--host", LOOPBACK, "--port", str(port),
            "--query-timeout", str(TIMEOUT), *extra]
    log = tmp_path / f"serve-{port}.log"
    process = start(argv, probe_url=f"http://{LOOPBACK}:{port}/sparql", log=log)
    return Server(process, f"http://{LOOPBACK}:{port}", log)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = serve(tmp_path_factory.mktemp("served"))
    try:
        yield server
    finally:
        stop(server.process)


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by the process and its living descendants."""
    total = 0.0
    root = psutil.Process(pid)
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def idle_cpu(pid: int, *, window: float = 1.0) -> float:
    """CPU seconds the process tree uses during the next ``window`` seconds."""
    before = tree_cpu(pid)
    time.sleep(window)
    return tree_cpu(pid) - before


def count(server: Server) -> str:
    response = httpx.get(f"{server.base_url}/sparql", params={"query": COUNT}, timeout=10)
    assert response.status_code == 200, response.text
    return str(response.json()["results"]["bindings"][0]["n"]["value"])


def in_background(call: Callable[[], httpx.Response]) -> tuple[threading.Thread, dict[str, object]]:
    """Run ``call`` on a thread; its response (or exception) lands in the returned dict."""
    outcome: dict[str, object] = {}

    def target() -> None:
        started = time.monotonic()
        try:
            outcome["response"] = call()
        except httpx.HTTPError as exc:
            outcome["error"] = exc
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, outcome


# ---------------------------------------------------------------- nested queries


NESTED = {
    "braces": ("SELECT * " + "{" * 2500 + "}" * 2500, 138),
    "parentheses": ("SELECT * { FILTER(" + "(" * 10000 + "1" + ")" * 10000 + ") }", 145),
    "bangs": ("SELECT * { FILTER(" + "!" * 10000 + "true) }", 145),
}


@pytest.mark.parametrize("name", sorted(NESTED))
def test_deeply_nested_queries_get_400_and_the_server_goes_on(served: Server, name: str) -> None:
    query, column = NESTED[name]
    get = httpx.get(f"{served.base_url}/sparql", params={"query": query}, timeout=10)
    form = httpx.post(f"{served.base_url}/sparql", data={"query": query}, timeout=10)
    direct = httpx.post(f"{served.base_url}/sparql", content=query.encode(),
                        headers={"content-type": "application/sparql-query"}, timeout=10)
    for response in (get, form, direct):
        assert response.status_code == 400
        assert response.text == TOO_DEEP.format(column=column)
    assert served.process.poll() is None
    assert count(served) == "30"


def test_a_query_that_crashes_its_worker_gets_500_and_the_server_goes_on(served: Server) -> None:
    # flat, not nested: 10,000 UNION branches overflow the evaluator's stack, not the parser's
    query = "SELECT * { " + " UNION ".join(["{ ?s ?p ?o }"] * 10000) + " }"
    response = httpx.post(f"{served.base_url}/sparql", data={"query": query}, timeout=30)
    assert response.status_code == 500
    assert response.text == (
        "the query crashed the process evaluating it (it was killed by SIGSEGV, most likely a stack overflow on "
        "a very long or deeply nested query); the server goes on with a fresh one (fix: split the query into "
        "simpler ones)\n"
    )
    assert served.process.poll() is None
    assert count(served) == "30"


# ---------------------------------------------------------------- runaway queries


def test_a_runaway_query_is_stopped_at_the_deadline_while_others_are_answered(served: Server) -> None:
    thread, outcome = in_background(
        lambda: httpx.get(f"{served.base_url}/sparql", params={"query": RUNAWAY}, timeout=30)
    )
    time.sleep(0.5)
    assert count(served) == "30"  # another worker answers meanwhile
    page = httpx.get(f"{served.base_url}/id/org/vnpt", headers={"accept": "text/turtle"}, timeout=10)
    assert page.status_code == 200
    thread.join(timeout=30)
    response = outcome["response"]
    assert isinstance(response, httpx.Response)
    assert (response.status_code, response.text) == (503, TIMED_OUT)
    assert TIMEOUT <= float(outcome["seconds"]) < TIMEOUT + 2  # type: ignore[arg-type]
    time.sleep(1.0)  # within a second of the deadline (a fresh worker starting in its place included) …
    assert idle_cpu(served.process.pid, window=1.0) < 0.2  # … the work has stopped
    assert count(served) == "30"


def test_a_runaway_query_whose_client_left_stops_too(served: Server) -> None:
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{served.base_url}/sparql", params={"query": RUNAWAY}, timeout=0.5)
    time.sleep(max(0.0, started + TIMEOUT + 1.0 - time.monotonic()))  # a second after the deadline at the latest
    assert idle_cpu(served.process.pid, window=1.0) < 0.2
    assert count(served) == "30"


def test_a_query_over_the_memory_cap_is_stopped(tmp_path: Path) -> None:
    server = serve(tmp_path, "--query-memory-mb", "200", "--query-timeout", "60")
    try:
        response = httpx.get(f"{server.base_url}/sparql", params={"query": HUNGRY}, timeout=60)
        assert response.status_code == 503
        assert response.text == (
            "the query needed more memory than this endpoint's limit of 200 MiB per query and was stopped "
            "(fix: make it more selective, e.g. bind more variables or add LIMIT; "
            "whoever runs the server can raise the limit with `dtkg serve --query-memory-mb MB`)\n"
        )
        assert count(server) == "30"
    finally:
        stop(server.process)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_server_stops_promptly_while_a_query_runs(tmp_path: Path, signum: signal.Signals) -> None:
    server = serve(tmp_path, "--query-timeout", "60")
    workers = live_workers(server)
    thread, outcome = in_background(
        lambda: httpx.get(f"{server.base_url}/sparql", params={"query": RUNAWAY}, timeout=30)
    )
    time.sleep(0.7)
    stopping = time.monotonic()
    server.process.send_signal(signum)
    try:
        code = server.process.wait(timeout=5)
    finally:
        stop(server.process)
    assert time.monotonic() - stopping < 3
    assert code == (-signal.SIGTERM if signum == signal.SIGTERM else 130)
    thread.join(timeout=10)
    response = outcome.get("response")
    assert isinstance(response, httpx.Response)
    assert response.status_code == 503
    assert response.text.startswith("the server is stopping, so the query was stopped")
    time.sleep(0.2)
    assert not [w.pid for w in workers if w.is_running() and w.status() != psutil.STATUS_ZOMBIE]
    assert "Traceback" not in server.log.read_text(encoding="utf-8")


# ---------------------------------------------------------------- long answers


def test_a_long_answer_is_streamed_whole(served: Server) -> None:
    query = "SELECT ?a ?d ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 27,000 rows, over 1 MiB of JSON
    response = httpx.get(f"{served.base_url}/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 200
    assert response.headers["transfer-encoding"] == "chunked" and "content-length" not in response.headers
    assert len(response.content) > 1024 * 1024
    assert len(response.json()["results"]["bindings"]) == 27000


def test_a_streamed_answer_cut_at_the_deadline_cannot_pass_for_a_whole_one(served: Server) -> None:
    query = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"  # 729 million rows
    started = time.monotonic()
    with pytest.raises(httpx.RemoteProtocolError):  # no end of the chunked body: the client knows it was cut
        with httpx.stream("GET", f"{served.base_url}/sparql", params={"query": query}, timeout=30) as response:
            assert response.status_code == 200
            for _ in response.iter_bytes():
                pass
    assert time.monotonic() - started < TIMEOUT + 2
    time.sleep(max(0.0, started + TIMEOUT + 1.0 - time.monotonic()))
    assert idle_cpu(served.process.pid, window=1.0) < 0.2
    assert count(served) == "30"
    live_workers(served)  # the killed worker was replaced


# ---------------------------------------------------------------- request size


def raw_request(base_url: str, head: bytes, body_part: bytes) -> bytes:
    """Send ``head`` and part of a body over a raw socket; what the server answers before the rest is sent."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head + body_part)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_an_oversized_body_is_413_before_it_is_read(served: Server) -> None:
    head = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 104857600\r\n\r\n")
    answer = raw_request(served.base_url, head, b"#" * 65536)  # the server answers after 64 KiB of 100 MiB
    status, _, rest = answer.partition(b"\r\n")
    assert status == b"HTTP/1.1 413 Request Entity Too Large"
    assert rest.endswith(
        b"the request body is larger than this endpoint's limit of 1048576 bytes (fix: send a shorter query; "
        b"whoever runs the server can raise the limit with `dtkg serve --max-request-bytes N`)\n"
    )
    assert b"connection: close" in rest.lower()
    assert count(served) == "30"


def test_an_oversized_chunked_body_is_413(served: Server) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):  # 2.5 MiB in all, no Content-Length
            yield b"#" * 65536

    try:
        response = httpx.post(f"{served.base_url}/sparql", content=chunks(),
                              headers={"content-type": "application/sparql-query"}, timeout=10)
    except httpx.TransportError:  # the server may close before the client has sent everything
        pytest.fail("the server closed the connection without answering 413")
    assert response.status_code == 413
    assert "limit of 1048576 bytes" in response.text


# ---------------------------------------------------------------- starting up


def test_serving_is_announced_only_once_it_listens(tmp_path: Path) -> None:
    dataset = tmp_path / SMALL.name
    shutil.copy(SMALL, dataset)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "dtkg", "serve", str(dataset), "--host", LOOPBACK, "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stderr is not None
        line = ""
        while "serving" not in line:
            line = process.stderr.readline()
            assert line, "dtkg serve ended without announcing it serves"
        assert line == (f"dtkg: serving {dataset} at http://{LOOPBACK}:{port}/ "
                        f"(SPARQL at http://{LOOPBACK}:{port}/sparql); Ctrl-C stops\n")
        # the moment it says so, it answers
        assert httpx.get(f"http://{LOOPBACK}:{port}/sparql", params={"query": COUNT}, timeout=10).status_code == 200
    finally:
        stop(process)
        if process.stderr is not None:
            process.stderr.close()


def dtkg_serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dtkg", "serve", *args], capture_output=True, text=True, timeout=60)


def test_a_missing_dataset_is_one_clear_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope.nq"
    result = dtkg_serve(str(missing), "--port", str(free_port()))
    assert result.returncode == 2
    assert result.stderr == (
        f"dtkg: error: {missing}: no such dataset file or store folder "
        "(fix: build a dataset first with `dtkg build INPUT --output dataset.nq`)\n"
    )


def test_a_busy_port_is_one_clear_line(tmp_path: Path) -> None:
    dataset = tmp_path / SMALL.name
    shutil.copy(SMALL, dataset)
    with socket.socket() as busy:
        busy.bind((LOOPBACK, 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = dtkg_serve(str(dataset), "--host", LOOPBACK, "--port", str(port))
    assert result.returncode == 2
    assert result.stderr == (
        f"dtkg: error: cannot listen on {LOOPBACK}:{port}: Address already in use "
        "(fix: choose another --host or --port)\n"
    )


def live_workers(server: Server, *, expected: int = 2, within: float = 20.0) -> list[psutil.Process]:
    """The server's worker processes (zombies not counted), once there are ``expected`` of them."""
    deadline = time.monotonic() + within
    while True:
        workers = [p for p in psutil.Process(server.process.pid).children() if p.status() != psutil.STATUS_ZOMBIE]
        if len(workers) == expected:
            return workers
        assert time.monotonic() < deadline, f"{len(workers)} workers, not {expected}"
        time.sleep(0.1)


def test_a_worker_killed_while_idle_is_replaced_without_failing_a_query(served: Server) -> None:
    workers = live_workers(served)
    for worker in workers:
        worker.kill()  # as the kernel's OOM killer, or an operator, might
    assert count(served) == "30"
    assert not {w.pid for w in workers} & {w.pid for w in live_workers(served)}  # both replaced
