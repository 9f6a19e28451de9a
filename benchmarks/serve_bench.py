"""Query latency of the endpoint: worker processes (what `dtkg serve` does) against in-process evaluation.

    python benchmarks/serve_bench.py [--dataset out/kg.nq] [--rounds 30] [-- DTKG_SERVE_OPTIONS…]

Starts two servers on loopback over the same dataset, in the same run:

- reference ("before"): the app over an in-memory store, each query evaluated on a thread
  of the serving process (as `dtkg serve` did before query workers; no time limit possible);
- workers ("after"): `dtkg serve`, each query sent to a worker process over the on-disk store
  and its results streamed back through a pipe.

Each competency query (ontology/cq/*.rq) is sent ``--rounds`` times to each server, the two
alternating, over a kept-alive HTTP connection (SPARQL JSON results). Reports the median (p50)
and 90th percentile per query, and the ratio of the medians; and, less sensitive to other load
on the machine, the CPU time each server (with its workers) spent per query. Without
``--dataset`` the sample articles are built first.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
QUERIES = sorted((ROOT / "ontology" / "cq").glob("*.rq"))
BASE = "http://127.0.0.1:8000/id/"
REFERENCE = """
import sys, uvicorn
from pathlib import Path
from dtkg.serve import create_app, open_store
from dtkg.serve.source import bind
app = create_app(open_store(Path(sys.argv[1])), base_iri=sys.argv[3])
uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[bind("127.0.0.1", int(sys.argv[2]))])
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(argv: list[str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/sparql", timeout=2)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"server {argv} did not start")


def timed(client: httpx.Client, url: str, query: str) -> float:
    started = time.perf_counter()
    response = client.post(url, data={"query": query}, headers={"accept": "application/sparql-results+json"})
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}: {response.text[:300]}")
    return elapsed


def p90(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.9) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("serve_args", nargs="*", help="more `dtkg serve` options (after --)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dtkg-serve-bench-"))
    try:
        dataset = args.dataset
        if dataset is None:
            dataset = work / "kg.nq"
            subprocess.run([sys.executable, "-m", "dtkg", "build", str(ROOT / "examples" / "articles"),
                            "--output", str(dataset), "--no-validate", "-q"], check=True)
        else:
            shutil.copy(dataset, work / dataset.name)  # the on-disk store is built beside the copy
            dataset = work / dataset.name
        ref_port, work_port = free_port(), free_port()
        serve = [sys.executable, "-m", "dtkg", "serve", str(dataset), "--port", str(work_port), *args.serve_args]
        servers = [
            start([sys.executable, "-c", REFERENCE, str(dataset), str(ref_port), BASE], ref_port),
            start(serve, work_port),
        ]
        try:
            print(" ".join(["dtkg", *serve[3:]]).replace(str(dataset), dataset.name))
            cpu = [tree_cpu(server.pid) for server in servers]
            queries = run(dataset, f"http://127.0.0.1:{ref_port}/sparql", f"http://127.0.0.1:{work_port}/sparql",
                          args.rounds)
            ref_cpu, work_cpu = (tree_cpu(server.pid) - before for server, before in zip(servers, cpu))
            print(f"CPU per query (server and its workers): in-process {ref_cpu / queries * 1e3:.2f} ms, "
                  f"workers {work_cpu / queries * 1e3:.2f} ms, ratio {work_cpu / ref_cpu:.2f}")
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=10)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def tree_cpu(pid: int) -> float:
    """CPU seconds used by a process and its living children."""
    root = psutil.Process(pid)
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def run(dataset: Path, reference: str, workers: str, rounds: int) -> int:
    """Time every query on both servers; how many queries each server answered."""
    print(f"dataset: {dataset.name}, {dataset.stat().st_size / 1e6:.1f} MB; {len(QUERIES)} queries × {rounds} rounds")
    print("| query | in-process p50 | workers p50 | ratio | in-process p90 | workers p90 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    all_ref: list[float] = []
    all_work: list[float] = []
    with httpx.Client(timeout=60) as client:
        for path in QUERIES:
            query = path.read_text(encoding="utf-8")
            timed(client, reference, query), timed(client, workers, query)  # warm both
            ref, wrk = [], []
            for _ in range(rounds):
                ref.append(timed(client, reference, query))
                wrk.append(timed(client, workers, query))
            all_ref += ref
            all_work += wrk
            r50, w50 = statistics.median(ref), statistics.median(wrk)
            print(f"| {path.stem} | {r50 * 1e3:.1f} ms | {w50 * 1e3:.1f} ms | {w50 / r50:.2f} | "
                  f"{p90(ref) * 1e3:.1f} ms | {p90(wrk) * 1e3:.1f} ms |")
    r50, w50 = statistics.median(all_ref), statistics.median(all_work)
    print(f"| **all** | **{r50 * 1e3:.1f} ms** | **{w50 * 1e3:.1f} ms** | **{w50 / r50:.2f}** | "
          f"{p90(all_ref) * 1e3:.1f} ms | {p90(all_work) * 1e3:.1f} ms |")
    return len(QUERIES) * (rounds + 1)


if __name__ == "__main__":
    main()
