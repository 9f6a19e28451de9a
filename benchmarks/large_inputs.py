"""Build time against article size: one article from 100 KB to 10 MB, time per MB.

    python benchmarks/large_inputs.py [--sizes 0.1,0.3,1,3,10] [--validate-up-to 1] [--kinds txt,jsonl]

Each input is one article: the bundled sample articles, written out one after another as a
single line (a page that lost its line breaks, the hostile case of issue 10) in a .txt file, or
as the body of one JSON Lines record. Each size is built by `dtkg.pipeline.build` (one worker)
in a fresh process with an empty cache, without validation (ingest, extraction, mapping,
writing) and, up to --validate-up-to MB, with it. Measured in the same run: the floor, the
build of a 1 KB article (loading the model, writing the reference graph), which every build
pays once whatever its size; and the reference, the 100 KB build. The time per MB is
(time − floor) / size, and the ratio is that over the reference's, so 1.0 means linear.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"
MB = 1024 * 1024

_CHILD = """
import resource, sys, time
from pathlib import Path
from dtkg.pipeline import build
from dtkg.settings import Settings
start = time.perf_counter()
report = build([Path(sys.argv[1])], output=Path(sys.argv[2]),
               settings=Settings(workers=1, validate=sys.argv[3] == "1", cache_dir=Path(sys.argv[4])))
assert len(report.built) == 1 and not report.failed, report.failed
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, len(report.notes))
"""


def _text(size: int) -> str:
    """About ``size`` bytes of article text on one line, from the bundled samples in turn."""
    samples = [" ".join(p.read_text(encoding="utf-8-sig").replace("{keywords}", "").split())
               for p in sorted(EXAMPLES.glob("*.txt"))]
    parts: list[str] = []
    total = 0
    while total < size:
        sample = samples[len(parts) % len(samples)]
        parts.append(sample)
        total += len(sample.encode("utf-8")) + 1
    return " ".join(parts)  # a little over size; the exact size is reported


def _input(folder: Path, kind: str, size: int) -> Path:
    text = _text(size)
    if kind == "jsonl":
        path = folder / f"feed-{size}.jsonl"
        path.write_text(json.dumps({"id": "big", "body": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        path = folder / f"page-{size}.txt"
        path.write_text(text, encoding="utf-8")
    return path


def _run(path: Path, folder: Path, *, validate: bool) -> tuple[float, float, float]:
    """Seconds inside build(), peak resident MB of the process, and wall seconds of the process."""
    cache = Path(tempfile.mkdtemp(dir=folder))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(folder / "kg.nq"), "1" if validate else "0",
                           str(cache)], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    seconds, peak, _notes = done.stdout.split()
    return float(seconds), float(peak), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="0.1,0.3,1,3,10", help="article sizes in MB (the first is the reference)")
    parser.add_argument("--kinds", default="txt,jsonl")
    parser.add_argument("--validate-up-to", type=float, default=1.0, help="also build with validation up to this size (MB)")
    args = parser.parse_args()
    sizes = [int(float(s) * MB) for s in args.sizes.split(",")]
    print("| input | size | validation | build s | floor s | s per MB above the floor | ratio to the first size | peak RSS MB |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="dtkg-large-") as tmp:
        folder = Path(tmp)
        for kind in args.kinds.split(","):
            for validate in (False, True):
                floor = _run(_input(folder, kind, 1024), folder, validate=validate)[0]
                reference = None
                for size in sizes:
                    if validate and size > args.validate_up_to * MB:
                        continue
                    path = _input(folder, kind, size)
                    seconds, peak, _wall = _run(path, folder, validate=validate)
                    per_mb = (seconds - floor) / (path.stat().st_size / MB)
                    reference = reference or per_mb
                    print(f"| {kind} | {path.stat().st_size / MB:.2f} MB | {'on' if validate else 'off'} | {seconds:.1f} | "
                          f"{floor:.1f} | {per_mb:.1f} | {per_mb / reference:.2f} | {peak:.0f} |", flush=True)
                    path.unlink()


if __name__ == "__main__":
    main()
