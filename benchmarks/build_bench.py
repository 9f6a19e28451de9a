"""End-to-end build benchmark on a generated corpus: P1 (cold), P2 (memory), P3 (one article changed).

    python benchmarks/build_bench.py --n 10000 [--workers 2] [--no-validate] [--stages 400]
                                     [--python PY --pythonpath SRC]   # another checkout, for "before"

1. ``benchmarks/corpus.py`` writes N articles (seed 7) to a temporary folder.
2. ``dtkg build`` runs as a child process: cold (empty cache), warm (nothing changed),
   and after one article changed; wall time, articles/s and the peak RSS of the build
   and its workers (GNU time).
3. The physical floor, in this process: read every article file, decode it, NFC-normalise
   it, run a handful of regular expressions (dates, numbers, capitalised names, quotes,
   sentence ends) and write the built dataset's bytes (as much N-Quads as the build wrote),
   one article's share at a time.
4. Stages (``--stages K`` articles, one process): ingest, extract, map, validate per
   article, N-Quads serialisation and writing, per article; the cross-article shapes on
   the whole corpus's projections (read from the cold build's cache), cold and after one
   article changed.

Prints one line per measurement and, last, a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import mmap
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus  # noqa: E402

_FLOOR_PATTERNS = [re.compile(p) for p in (
    r"\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b", r"\d+(?:[.,]\d+)*\s*%?", r"(?:[A-ZĐ][\w]+\s){1,4}[A-ZĐ][\w]+",
    r"[“\"][^”\"]{10,}[”\"]", r"[.!?]\s+")]


def run_build(folder: Path, out: Path, cache: Path, *, python: str, pythonpath: str | None, workers: int,
              validate: bool) -> dict[str, float]:
    """``dtkg build`` in a child process: wall seconds and peak RSS (MiB) of it and its workers.

    GNU time starts the build, so that the peak RSS is the build's own (a child forked
    straight from this process would count this process's pages until it execs).
    """
    cmd = [python, "-m", "dtkg", "build", str(folder), "--output", str(out), "--cache", str(cache),
           "--workers", str(workers), "-q"] + ([] if validate else ["--no-validate"])
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    with tempfile.TemporaryFile() as out_log, tempfile.TemporaryFile() as err_log, \
            tempfile.NamedTemporaryFile("r") as timing:  # files, never a pipe that fills up
        start = time.perf_counter()
        status = subprocess.call(["/usr/bin/time", "-o", timing.name, "-f", "%M %U %S", *cmd], env=env,
                                 stdout=out_log, stderr=err_log, cwd=tempfile.gettempdir())
        wall = time.perf_counter() - start
        out_log.seek(0)
        err_log.seek(0)
        stdout, stderr = out_log.read().decode(), err_log.read().decode()
        peak_kib, user, system = timing.read().split()[-3:]
    if not out.exists():
        raise SystemExit(f"build failed ({status}):\n{stdout}\n{stderr[-3000:]}")
    return {"wall_s": wall, "peak_mib": int(peak_kib) / 1024, "cpu_s": float(user) + float(system),
            "summary": stdout.strip().splitlines()[-1] if stdout.strip() else ""}  # type: ignore[dict-item]


def floor(folder: Path, dataset: Path, scratch: Path) -> float:
    """Seconds to read, decode, NFC-normalise and scan every article and write the dataset's bytes."""
    files = sorted(p for p in folder.iterdir() if p.suffix in {".txt", ".html"})
    size = dataset.stat().st_size
    share = size // max(1, len(files)) + 1
    with dataset.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        data[:]  # the dataset's bytes stand for quads already made: page them in before timing
        start = time.perf_counter()
        with (scratch / "floor.nq").open("wb") as out:
            for i, path in enumerate(files):
                text = unicodedata.normalize("NFC", path.read_bytes().decode("utf-8", errors="replace"))
                for pattern in _FLOOR_PATTERNS:
                    for _ in pattern.finditer(text):
                        pass
                out.write(data[i * share:(i + 1) * share])
            out.flush()
            os.fsync(out.fileno())
        return time.perf_counter() - start


def change_one(folder: Path) -> None:
    """Change one article's text (the 100th, or the first) the way an editor would."""
    files = sorted(p for p in folder.iterdir() if p.suffix == ".txt")
    path = files[min(99, len(files) - 1)]
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b"\n\n", "\n\nBài viết đã được cập nhật.\n\n".encode(), 1)
                     if raw.startswith(b"\xef\xbb\xbf") or _utf8(raw) else raw + b"\r\n")


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def stages(folder: Path, cache: Path, k: int, workers_note: str) -> dict[str, float]:
    """Per-stage CPU milliseconds per article on ``k`` articles in this process, and the cross-article step."""
    import pyoxigraph as ox

    from dtkg import __version__, resources
    from dtkg.extract import Extractor
    from dtkg.ingest import discover, read
    from dtkg.mapping import Mapper
    from dtkg.settings import DEFAULT_BASE
    from dtkg.validate import Validator, validate_article

    sources = list(discover([folder]).sources)
    sample = sources[:: max(1, len(sources) // k)][:k]
    extractor, mapper, validator = Extractor(base=DEFAULT_BASE), Mapper(), Validator()
    builder = f"dtkg {__version__} (model {resources.model_fingerprint()})"
    times: dict[str, list[float]] = {s: [] for s in ("ingest", "extract", "map", "validate", "write")}
    with tempfile.TemporaryFile("w", encoding="utf-8") as sink:
        clock = time.process_time  # CPU time: what a stage costs, whatever else the machine runs
        for source in sample:
            t0 = clock()
            article = read(source, max_bytes=10**8)
            t1 = clock()
            extractions = extractor.run(article)
            t2 = clock()
            quads = mapper.map(extractions, base=DEFAULT_BASE, builder=builder)
            t3 = clock()
            validate_article(quads, validator=validator)
            t4 = clock()
            sink.write(ox.serialize(sorted(quads, key=str), format=ox.RdfFormat.N_QUADS).decode("utf-8"))
            t5 = clock()
            for name, spent in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
                times[name].append(spent)
    out = {f"{name}_ms": 1000 * statistics.fmean(values) for name, values in times.items()}
    out.update(_cross(cache, sources, validator))
    return out


def _cross(cache: Path, sources: list, validator) -> dict[str, float]:  # type: ignore[no-untyped-def,type-arg]
    """The cross-article step on every article's projection, read from the cold build's cache."""
    from dtkg import iris
    from dtkg.cache import Cache
    from dtkg.pipeline import reference_quads
    from dtkg.settings import DEFAULT_BASE, Settings
    from dtkg.validate import CrossArticle

    entries = Cache(cache, settings=Settings())  # the build's own cache key
    projections = []
    for source in sources:
        result = entries.get(source)
        if result is not None and result.check is not None:
            projections.append((iris.article_graph(DEFAULT_BASE, result.key), result.check.projection))
    reference = validator.projection(reference_quads(DEFAULT_BASE))
    with tempfile.TemporaryDirectory() as state:
        timings = {}
        for label, changed in (("cross_cold_s", False), ("cross_one_changed_s", True)):
            start, cpu = time.perf_counter(), time.process_time()
            cross = CrossArticle(validator, state_dir=Path(state), key="bench")
            for i, (slot, projection) in enumerate(projections):
                if changed and i == min(99, len(projections) - 1):
                    projection = projection + b"<urn:x:changed> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/Person> .\n"
                cross.add(slot, projection)
            cross.add(iris.reference_graph(DEFAULT_BASE), reference)
            run = cross.finish()
            timings[label] = time.perf_counter() - start
            timings[label.replace("_s", "_cpu_s")] = time.process_time() - cpu
            timings[label.replace("_s", "_rechecked")] = cross.stats.rechecked if cross.stats else -1
            timings["cross_findings"] = len(run.findings)
            cross.close()
    timings["cross_articles"] = len(projections)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-validate", action="store_true")
    parser.add_argument("--stages", type=int, default=400, help="articles for the per-stage breakdown (0: skip)")
    parser.add_argument("--python", default=sys.executable, help="the Python that runs dtkg")
    parser.add_argument("--pythonpath", default=None, help="PYTHONPATH for it (another checkout's src)")
    parser.add_argument("--skip-warm", action="store_true", help="only the cold build")
    parser.add_argument("--keep", type=Path, default=None, help="work here instead of a temporary folder")
    args = parser.parse_args(argv)
    validate = not args.no_validate
    summary: dict[str, object] = {"n": args.n, "workers": args.workers, "validate": validate,
                                  "load_before": os.getloadavg()}
    work = args.keep or Path(tempfile.mkdtemp(prefix="dtkg-bench-"))
    folder, out, cache = work / "articles", work / "out" / "kg.nq", work / "cache"
    try:
        if not folder.exists():
            write_corpus(args.n, folder, seed=7)
        print(f"corpus: {args.n} articles in {folder}; load average {os.getloadavg()}", flush=True)
        cold = run_build(folder, out, cache, python=args.python, pythonpath=args.pythonpath, workers=args.workers,
                         validate=validate)
        summary["cold"] = cold
        print(f"cold:        {cold['wall_s']:.1f} s wall, {args.n / cold['wall_s']:.1f} articles/s, "
              f"peak RSS {cold['peak_mib']:.0f} MiB, {cold['cpu_s']:.0f} s CPU  [{cold['summary']}]", flush=True)
        base = floor(folder, out, work)
        summary["floor_s"] = base
        summary["ratio"] = cold["wall_s"] / base
        print(f"floor:       {base:.2f} s (read, NFC, regexes, write {out.stat().st_size / 2**20:.0f} MiB); "
              f"cold / floor = {cold['wall_s'] / base:.1f}", flush=True)
        if not args.skip_warm:
            warm = run_build(folder, out, cache, python=args.python, pythonpath=args.pythonpath,
                             workers=args.workers, validate=validate)
            change_one(folder)
            changed = run_build(folder, out, cache, python=args.python, pythonpath=args.pythonpath,
                                workers=args.workers, validate=validate)
            summary.update(warm=warm, one_changed=changed)
            for label, r in (("warm", warm), ("one changed", changed)):
                print(f"{label + ':':12s} {r['wall_s']:.2f} s wall, {r['cpu_s']:.2f} s CPU, peak RSS "
                      f"{r['peak_mib']:.0f} MiB  [{r['summary']}]", flush=True)
        if args.stages and validate and args.pythonpath is None:
            st = stages(folder, cache, args.stages, "")
            summary["stages"] = st
            print("stages (CPU ms per article, one process): " + ", ".join(
                f"{k[:-3]} {v:.1f}" for k, v in st.items() if k.endswith("_ms")), flush=True)
            print(f"cross-article on {st['cross_articles']} projections: cold {st['cross_cold_s']:.2f} s wall "
                  f"{st['cross_cold_cpu_s']:.2f} s CPU ({st['cross_cold_rechecked']} focus nodes), one changed "
                  f"{st['cross_one_changed_s']:.2f} s wall {st['cross_one_changed_cpu_s']:.2f} s CPU "
                  f"({st['cross_one_changed_rechecked']} rechecked)", flush=True)
        summary["load_after"] = os.getloadavg()
        print(json.dumps(summary, default=str))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
