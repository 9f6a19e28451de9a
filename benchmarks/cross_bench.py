"""The cross-article step alone at scale: cold, then one article changed, and its peak memory.

    python benchmarks/cross_bench.py --articles DIR --cache CACHE --n 100000

Reads every article's projection from a build's cache (``dtkg build DIR --cache CACHE``
made it), clones them up to ``N`` articles (article IRIs renamed, so clones share places,
organisations and concepts as real articles do), and runs :class:`CrossArticle` with an
on-disk state: cold, then with one article's projection changed. Prints wall and CPU
seconds, focus nodes checked and the peak RSS of this process.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from dtkg import iris
from dtkg.cache import Cache
from dtkg.ingest import discover
from dtkg.pipeline import reference_quads
from dtkg.settings import DEFAULT_BASE, Settings
from dtkg.validate import CrossArticle, Validator

_CHANGE = b"<urn:x:changed> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/Person> .\n"


def projections(articles: Path, cache: Path) -> list[tuple[str, bytes]]:
    entries = Cache(cache, settings=Settings())
    found = []
    for source in discover([articles]).sources:
        result = entries.get(source)
        if result is not None and result.check is not None:
            found.append((iris.article_graph(DEFAULT_BASE, result.key), result.check.projection))
    return found


def clones(base: list[tuple[str, bytes]], n: int) -> Iterator[tuple[str, bytes]]:
    for i in range(n):
        slot, projection = base[i % len(base)]
        round_ = i // len(base)
        if round_:
            projection = projection.replace(b"/article/", f"/article/c{round_}-".encode())
            slot = slot.replace("/graph/article/", f"/graph/article/c{round_}-")
        yield slot, projection


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=Path, required=True)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args(argv)
    base = projections(args.articles, args.cache)
    validator = Validator()
    reference = validator.projection(reference_quads(DEFAULT_BASE))
    with tempfile.TemporaryDirectory() as state:
        for label, change in (("cold", False), ("one changed", True)):
            wall, cpu = time.perf_counter(), time.process_time()
            cross = CrossArticle(validator, state_dir=Path(state), key="bench")
            for i, (slot, projection) in enumerate(clones(base, args.n)):
                cross.add(slot, projection + _CHANGE if change and i == 99 else projection)
            cross.add(iris.reference_graph(DEFAULT_BASE), reference)
            run = cross.finish()
            checked = cross.stats.rechecked if cross.stats else -1
            cross.close()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"n={args.n} {label}: {time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU, "
                  f"{checked} focus nodes checked, {len(run.findings)} findings, peak RSS {peak:.0f} MiB", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
