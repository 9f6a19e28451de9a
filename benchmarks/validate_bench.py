"""Validation speed on N generated articles: per-article (per graph) and cross-article apart.

The samples are built once; the largest article graph (and its build record) is cloned
N times with every IRI under the article renamed, so each clone is its own article that
shares the entities (organisations, places, people) of the original, as real articles
share them. Then:

- per-article: one :class:`Validator` (shapes compiled once) validates every clone graph
  on its own, including the pyoxigraph → rdflib conversion, in ``--workers`` processes;
- cross-article: the cross-article shapes run once on the union of all clones, the
  metadata and the reference graph (only the triples they can see are converted);
- reference: the same article graph validated 100 times in the same process, the ratio
  per-article / reference showing whether validation slows down as N grows.

Usage: python benchmarks/validate_bench.py [--n 10000] [--workers 2] [--engine turbo|pyshacl]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dtkg.pipeline import build  # noqa: E402
from dtkg.settings import Settings, ShaclEngine  # noqa: E402
from dtkg.validate import Validator  # noqa: E402


def built_sample(folder: Path) -> ox.Store:
    """The sample articles, built into a store."""
    output = folder / "kg.nq"
    build([ROOT / "examples" / "articles"], output=output, settings=Settings(cache_dir=folder / "cache"))
    store = ox.Store()
    store.bulk_load(path=str(output), format=ox.RdfFormat.N_QUADS)
    return store


def template(store: ox.Store) -> tuple[str, str, str, str]:
    """The largest article graph: its N-Triples, its metadata N-Triples, its key and its graph IRI."""
    graphs = [g for g in store.named_graphs() if "/graph/article/" in g.value]
    graph = max(graphs, key=lambda g: len(list(store.quads_for_pattern(None, None, None, g))))
    key = graph.value.rsplit("/", 1)[-1]
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)]
    meta_graph = ox.NamedNode(graph.value.replace(f"graph/article/{key}", "graph/meta"))
    meta = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, meta_graph)
            if key in str(q.subject) or key in str(q.object)]
    return _nt(triples), _nt(meta), key, graph.value


def _nt(triples: list[ox.Triple]) -> str:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def clone(text: str, key: str, i: int) -> str:
    """The template with its article key renamed: article/KEY… → article/bench-i…, graph too."""
    return text.replace(f"/{key}", f"/bench-{i:06d}")


def _validate_chunk(args: tuple[str, str, list[int], str]) -> tuple[float, int, int]:
    """Validate clones in one process: CPU seconds spent, graphs validated, findings."""
    text, key, ids, engine = args
    validator = Validator(engine=ShaclEngine(engine))
    findings = 0
    start = time.process_time()
    for i in ids:
        quads = ox.parse(clone(text, key, i).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        findings += len(validator.validate_graph(quads, graph=str(i)).findings)
    return time.process_time() - start, len(ids), findings


def per_article(text: str, key: str, n: int, workers: int, engine: str) -> dict[str, float]:
    """Wall time and per-article cost of validating n clones, each on its own."""
    chunks = [(text, key, list(range(w, n, workers)), engine) for w in range(workers)]
    start = time.perf_counter()
    if workers == 1:
        results = [_validate_chunk(chunks[0])]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_validate_chunk, chunks))
    wall = time.perf_counter() - start
    cpu = sum(r[0] for r in results)
    return {"wall_s": wall, "cpu_s": cpu, "ms_per_article_cpu": 1000 * cpu / n,
            "ms_per_article_wall": 1000 * wall / n, "findings": sum(r[2] for r in results)}


def cross_article(store: ox.Store, text: str, meta: str, key: str, graph: str, n: int, engine: str) -> dict[str, float]:
    """The cross-article shapes once on the union of n clones, metadata and reference graph."""
    union = ox.Store()
    reference = [q for q in store if "/graph/article/" not in q.graph_name.value and "/graph/meta" not in q.graph_name.value]
    union.extend(reference)
    meta_graph = ox.NamedNode(graph.replace(f"graph/article/{key}", "graph/meta"))
    for i in range(n):
        name = ox.NamedNode(clone(graph, key, i))
        union.extend(ox.Quad(t.subject, t.predicate, t.object, name)
                     for t in ox.parse(clone(text, key, i).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
        union.extend(ox.Quad(t.subject, t.predicate, t.object, meta_graph)
                     for t in ox.parse(clone(meta, key, i).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    validator = Validator(engine=ShaclEngine(engine))
    start = time.perf_counter()
    projected = validator.projection(union).count(b"\n")
    project_s = time.perf_counter() - start
    run = validator.validate_cross(union)
    total = time.perf_counter() - start
    return {"quads": len(union), "projected_quads": projected, "projection_s": project_s, "total_s": total,
            "findings": len(run.findings), "focus_nodes": sum(run.targeted.values())}


def reference_run(text: str, engine: str, repeats: int = 100) -> dict[str, float]:
    """One article graph validated ``repeats`` times: the in-process baseline (CPU time)."""
    validator = Validator(engine=ShaclEngine(engine))
    data = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    validator.validate_graph(data)
    times = []
    for _ in range(repeats):
        start = time.process_time()
        validator.validate_graph(data)
        times.append(time.process_time() - start)
    return {"ms_median": 1000 * statistics.median(times), "ms_mean": 1000 * statistics.fmean(times)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="generated articles (default 10000)")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1), help="processes for per-article")
    parser.add_argument("--cross-n", type=int, default=None, help="articles for the cross-article run (default --n)")
    parser.add_argument("--engine", default="turbo", choices=["turbo", "pyshacl"])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = built_sample(Path(tmp))
    text, meta, key, graph = template(store)
    triples = text.count("\n")
    print(f"template: {key}, {triples} triples per article graph; N={args.n}, workers={args.workers}")
    ref = reference_run(text, args.engine)
    print(f"reference: one article graph validated 100 times: {ref['ms_median']:.1f} ms median, {ref['ms_mean']:.1f} ms mean")
    local = per_article(text, key, args.n, args.workers, args.engine)
    print(f"per-article: {args.n} graphs in {local['wall_s']:.1f} s wall ({local['cpu_s']:.1f} s CPU): "
          f"{local['ms_per_article_cpu']:.1f} ms CPU per article, {local['ms_per_article_wall']:.1f} ms wall per article; "
          f"ratio to reference {local['ms_per_article_cpu'] / ref['ms_mean']:.2f}; findings {local['findings']}")
    cross = cross_article(store, text, meta, key, graph, args.cross_n or args.n, args.engine)
    print(f"cross-article: {cross['quads']} quads, {cross['projected_quads']} projected "
          f"({cross['projection_s']:.1f} s), validated in {cross['total_s']:.1f} s total; "
          f"{cross['focus_nodes']} focus nodes, {cross['findings']} findings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
