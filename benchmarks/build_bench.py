"""Build throughput and memory: `dtkg build` on N copies of the sample articles.

    python benchmarks/build_bench.py [--n 200] [--workers 2] [--no-validate]

Reports, for a cold build (empty cache), a warm rebuild (everything cached) and a rebuild
after one article changed: wall time, articles per second, and the peak resident memory of
the build process and its workers. The reference run is extraction+mapping of one sample
article repeated in this process, so the ratios say how much the pool, the cache, the
validation and the final dataset write add.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from dtkg.extract import Extractor
from dtkg.ingest import Source, read
from dtkg.mapping import Mapper
from dtkg.pipeline import build
from dtkg.settings import DEFAULT_BASE, Settings

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


def _copies(folder: Path, n: int) -> None:
    samples = sorted(EXAMPLES.glob("*.txt"))
    for i in range(n):
        sample = samples[i % len(samples)]
        text = sample.read_text(encoding="utf-8-sig")
        (folder / f"{i:05d}_{sample.name}").write_text(text + f"\n\nBản sao {i}.\n", encoding="utf-8")


def _reference(repeat: int = 20) -> float:
    extractor, mapper = Extractor(base=DEFAULT_BASE), Mapper()
    source = Source(name="ref.txt", key="ref", path=EXAMPLES / "000_210924e285211664.txt")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        article = read(source, max_bytes=10**8)
        mapper.map(extractor.run(article), base=DEFAULT_BASE, builder="bench")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-validate", action="store_true")
    args = parser.parse_args()
    reference = _reference()
    print(f"reference: extract+map one article in-process: {reference * 1000:.1f} ms (median of 20)")
    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "articles", Path(tmp) / "out" / "kg.nq"
        folder.mkdir()
        _copies(folder, args.n)
        settings = Settings(workers=args.workers, validate=not args.no_validate, cache_dir=Path(tmp) / "cache")
        for label in ("cold", "warm", "one changed"):
            if label == "one changed":
                first = sorted(folder.glob("*.txt"))[0]
                first.write_text(first.read_text(encoding="utf-8") + "\nThêm.\n", encoding="utf-8")
            start = time.perf_counter()
            report = build([folder], output=out, settings=settings)
            wall = time.perf_counter() - start
            per = wall / args.n
            print(f"{label:12s} n={args.n} processed={report.processed} reused={report.reused} wall={wall:.1f}s "
                  f"({args.n / wall:.1f} articles/s, {per * 1000:.1f} ms/article, ratio to reference {per / reference:.2f}) "
                  f"output={out.stat().st_size / 2**20:.1f} MiB peak RSS={_peak_mb():.0f} MiB")
        shutil.rmtree(Path(tmp) / "cache", ignore_errors=True)


if __name__ == "__main__":
    main()
