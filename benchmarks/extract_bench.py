"""Extraction and mapping speed per article, in one process.

    python benchmarks/extract_bench.py [--repeat 30] [FOLDER ...]

For every article of the given folders (default: the bundled samples), times reading,
extraction and mapping separately (median of ``--repeat`` runs after one warm-up; CPU time of
this process, so that other load on a shared machine inflates the numbers less), and
reports the median over articles of extract + map. The reference is reading the same
article (decode, normalise, split sentences), measured in the same run, so the ratio
extract+map / read says how the rules compare with the floor of touching the text.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from dtkg.extract import Extractor
from dtkg.ingest import Source, read
from dtkg.mapping import Mapper
from dtkg.settings import DEFAULT_BASE

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


def _median_ms(run, repeat: int) -> float:  # type: ignore[no-untyped-def]
    run()
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*", type=Path, default=[EXAMPLES])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    start = time.perf_counter()
    extractor, mapper = Extractor(base=DEFAULT_BASE), Mapper()
    print(f"setup (gazetteer, mappings): {(time.perf_counter() - start) * 1000:.0f} ms")
    rows = []
    for folder in args.folders:
        for path in sorted(folder.glob("*.txt")):
            source = Source(name=path.name, key=path.stem, path=path)
            article = read(source, max_bytes=10**8)
            extractions = extractor.run(article)
            t_read = _median_ms(lambda source=source: read(source, max_bytes=10**8), args.repeat)
            t_extract = _median_ms(lambda article=article: extractor.run(article), args.repeat)
            t_map = _median_ms(lambda extractions=extractions: mapper.map(extractions, base=DEFAULT_BASE, builder="bench"),
                               args.repeat)
            rows.append((path.name, len(article.text), t_read, t_extract, t_map))
    print(f"{'article':44s} {'chars':>6s} {'read':>7s} {'extract':>8s} {'map':>7s} {'ext+map':>8s}")
    for name, chars, r, e, m in rows:
        print(f"{name[:44]:44s} {chars:6d} {r:7.2f} {e:8.2f} {m:7.2f} {e + m:8.2f}")
    med = statistics.median(e + m for _, _, _, e, m in rows)
    read_med = statistics.median(r for _, _, r, _, _ in rows)
    print(f"median over {len(rows)} articles: extract+map {med:.2f} ms, read {read_med:.2f} ms, "
          f"ratio extract+map/read {med / read_med:.1f}")


if __name__ == "__main__":
    main()
