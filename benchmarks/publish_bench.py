"""Publishing N generated articles to Oxigraph server (and Virtuoso), against `oxigraph load`.

The sample articles are built once; each article's lines (its graph and its build record in
the metadata graph, in the order the build writes them) are cloned N times with the article
key renamed and the text and headline marked with the clone number, after the reference
graph, so the file has the build's layout and N distinct articles. Then, in the same run:

- reference: ``oxigraph load`` of that N-Quads file into an empty folder (wall time, size);
- first publish: ``dtkg publish`` (the command, as users run it, no index kept yet) to an
  empty ``oxigraph serve``; the ratio to the reference is the P5 goal (≤ 1.5);
- republish, unchanged: the same command again (≤ 2 s, index kept beside the dataset);
- one article changed: one clone's text edited in the file, the command again;
- sizes: both store folders once their servers are stopped, and after ``oxigraph optimize``
  (RocksDB compacts a store it opens, so the same treatment is given to both);
- Virtuoso (``--virtuoso-n``, 0 to skip): the same three runs to a fresh Virtuoso, with the
  size of its database file.

Usage: python benchmarks/publish_bench.py [--n 10000] [--virtuoso-n 2000]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from servers import find_binary, start_oxigraph, start_virtuoso, stop  # noqa: E402 (after the path set-up)

from dtkg.pipeline import build  # noqa: E402
from dtkg.settings import Settings  # noqa: E402

TEXT = (b"<https://schema.org/text>", b"<https://schema.org/headline>")


def built_samples(folder: Path) -> Path:
    """The sample articles built (without validation) into ``folder/kg.nq``."""
    out = folder / "kg.nq"
    build([ROOT / "examples" / "articles"], output=out, settings=Settings(workers=2, validate=False, cache_dir=folder / "cache"))
    return out


def article_blocks(built: Path) -> tuple[list[bytes], list[tuple[str, list[bytes]]], list[bytes]]:
    """(lines before the first article, [(article key, its graph and record lines in file order)], other lines)."""
    head: list[bytes] = []
    blocks: list[tuple[str, list[bytes]]] = []
    tail: list[bytes] = []
    for line in built.read_bytes().splitlines(keepends=True):
        graph = line[line.rfind(b" <", 0, len(line) - 3) + 1 : -3]
        if b"/graph/article/" in graph:
            key = graph.rsplit(b"/", 1)[1][:-1].decode()
            if not blocks or blocks[-1][0] != key:
                blocks.append((key, []))
            blocks[-1][1].append(line)
        elif graph.endswith(b"/graph/meta>") and blocks:
            blocks[-1][1].append(line)
        else:
            (tail if blocks else head).append(line)
    return head, blocks, tail


def generate(built: Path, n: int, out: Path) -> int:
    """Write N cloned articles in the build's layout; return the number of lines."""
    head, blocks, tail = article_blocks(built)
    lines = 0
    with out.open("wb") as handle:
        handle.writelines(head)
        lines += len(head)
        for i in range(n):
            key, block = blocks[i % len(blocks)]
            new = f"bench-{i:06d}".encode()
            for line in block:
                line = line.replace(b"/" + key.encode(), b"/" + new)
                if line.split(b" ", 2)[1] in TEXT:
                    line = line.replace(b'"@vi <', f' (bản {i})"@vi <'.encode(), 1)
                handle.write(line)
            lines += len(block)
        handle.writelines(tail)
        lines += len(tail)
    return lines


def change_one(dataset: Path) -> None:
    """Edit one clone's text in place, and its content hash in the build record, as a rebuild would."""
    data = dataset.read_bytes()
    marker = " (bản 42)\"@vi <".encode()
    record = re.compile(rb'(<[^>]*/article/bench-000042> <https://w3id.org/dtkg/ontology#contentHash> ")([0-9a-f]{8})')
    assert marker in data and record.search(data)
    data = data.replace(marker, " (bản 42, đã sửa)\"@vi <".encode(), 1)
    dataset.write_bytes(record.sub(rb"\g<1>00000000", data, count=1))


def du(path: Path) -> float:
    """MiB on disk under ``path``."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:3])} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return wall, (done.stdout.strip().splitlines() or [""])[0]


def publish_runs(
    dataset: Path, endpoint: str, extra: list[str], env: dict[str, str] | None = None, store: Path | None = None
) -> dict[str, tuple[float, str]]:
    """First publish (no index kept yet), republish unchanged, one article changed."""
    dtkg = [sys.executable, "-m", "dtkg", "publish", str(dataset), "--endpoint", endpoint, *extra]
    shutil.rmtree(dataset.parent / ".dtkg-cache", ignore_errors=True)
    runs = {"first publish": timed(dtkg, env), "republish, unchanged": timed(dtkg, env)}
    if store is not None:
        print(f"published store after the republish (server running): {du(store):.0f} MiB")
    change_one(dataset)
    runs["one article changed"] = timed(dtkg, env)
    return runs


def oxigraph_part(dataset: Path, work: Path) -> None:
    oxigraph = str(find_binary("oxigraph"))
    loaded = work / "loaded"
    load_wall, _ = timed([oxigraph, "load", "--location", str(loaded), "--file", str(dataset)])
    print(f"reference: oxigraph load: {load_wall:.1f} s, store {du(loaded):.0f} MiB")
    server = start_oxigraph(work / "published")
    try:
        runs = publish_runs(dataset, server.query_url, [], store=work / "published")
    finally:
        stop(server.process)
    for label, (wall, line) in runs.items():
        ratio = f", {wall / load_wall:.2f}× the load" if label == "first publish" else ""
        print(f"oxigraph {label}: {wall:.2f} s{ratio} — {line}")
    published = work / "published"
    print(f"sizes once the server stopped: loaded {du(loaded):.0f} MiB, published {du(published):.0f} MiB ({du(published) / du(loaded):.2f}×)")
    for folder in (loaded, published):
        timed([oxigraph, "optimize", "--location", str(folder)])
    print(f"sizes after oxigraph optimize: loaded {du(loaded):.0f} MiB, published {du(published):.0f} MiB ({du(published) / du(loaded):.2f}×)")


def virtuoso_part(dataset: Path, work: Path) -> None:
    server = start_virtuoso(work / "virtuoso")
    try:
        env = {"DTKG_BENCH_PASSWORD": server.password}
        runs = publish_runs(dataset, server.query_url, ["--user", server.user, "--password-env", "DTKG_BENCH_PASSWORD"], env)
    finally:
        server.stop()
    for label, (wall, line) in runs.items():
        print(f"virtuoso {label}: {wall:.2f} s — {line}")
    print(f"virtuoso database: {du(work / 'virtuoso'):.0f} MiB (virtuoso.db {(work / 'virtuoso' / 'virtuoso.db').stat().st_size / 2**20:.0f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="articles for Oxigraph (default 10,000)")
    parser.add_argument("--virtuoso-n", type=int, default=2_000, help="articles for Virtuoso (0: skip; default 2,000)")
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="dtkg-publish-bench-") as tmp:
        work = Path(tmp)
        built = built_samples(work / "samples")
        for n, part in ((args.n, oxigraph_part), (args.virtuoso_n, virtuoso_part)):
            if n <= 0:
                continue
            folder = work / f"{part.__name__}-{n}"
            folder.mkdir()
            dataset = folder / "kg.nq"
            lines = generate(built, n, dataset)
            print(f"{part.__name__.split('_')[0]}: {n:,} articles, {lines:,} quads, {dataset.stat().st_size / 2**20:.0f} MiB of N-Quads")
            part(dataset, folder)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
