"""Search on N generated entities: building the catalogue from the store, then answering searches.

A store of N entities is generated (people with posts at organisations, organisations,
places; Vietnamese names drawn from syllable lists, so many share words as real names do),
one named graph per 100 entities. Then:

- build: the four catalogue queries run over the store as one page job (SPARQL JSON written,
  read back) and the catalogue (labels, kinds, folded-word index) is built, with peak RSS;
- search: a mix of queries (whole names without diacritics, prefixes of one to three words,
  type filters, misses) answered by :meth:`Catalog.search`, median and 95th percentile;
- reference: the same queries answered by a linear scan over every folded name (substring
  test), in the same run; the ratio shows what the word index buys.

Usage: python benchmarks/search_bench.py [--n 100000] [--queries 400]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dtkg.serve.web.catalog import Catalog, Kind  # noqa: E402
from dtkg.serve.web.fold import fold  # noqa: E402
from dtkg.serve.web.queries import QueriesJob, run_queries  # noqa: E402

BASE = "http://127.0.0.1:8000/id/"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
NAME = ox.NamedNode(SCHEMA + "name")
MENTIONS = ox.NamedNode(SCHEMA + "mentions")
FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh Đoàn Lại".split()
MIDDLE = "Văn Thị Đức Minh Quốc Thanh Hữu Ngọc Thu Hải Xuân Đình Công Bảo Gia".split()
GIVEN = ("An Bình Cường Dũng Giang Hà Hải Hạnh Hiếu Hòa Hùng Hưng Khoa Lan Linh Long Mai Nam Nga Ngân Nhật Phong "
         "Phúc Quân Quang Sơn Tâm Thảo Thắng Thủy Tiến Trang Trung Tú Tuấn Vân Việt Yến").split()
ORG_KIND = ["Công ty Cổ phần", "Tập đoàn", "Sở Thông tin và Truyền thông", "Trường Đại học", "Bệnh viện", "UBND"]
PLACE = ("Hà Nội Hải Phòng Đà Nẵng Cần Thơ Nam Định Ninh Bình Thanh Hóa Nghệ An Quảng Trị Quảng Ngãi Phú Thọ "
         "Lào Cai Tuyên Quang Đắk Lắk Gia Lai Bình Dương Đồng Nai Long An Cà Mau Bến Tre").split()


def generate(n: int, rng: random.Random) -> ox.Store:
    """A store of ``n`` entities: ~60 % people with a post, ~30 % organisations, ~10 % places."""
    quads: list[ox.Quad] = []
    orgs: list[ox.NamedNode] = []
    for i in range(n):
        graph = ox.NamedNode(f"{BASE}graph/article/g{i // 100}")
        article = ox.NamedNode(f"{BASE}article/g{i // 100}")
        roll = i % 10
        if roll < 3 or not orgs:
            node = ox.NamedNode(f"{BASE}org/o{i}")
            name = f"{rng.choice(ORG_KIND)} {rng.choice(PLACE)} {rng.choice(PLACE)} {i}"
            kind = SCHEMA + "Organization"
            orgs.append(node)
        elif roll == 3:
            node = ox.NamedNode(f"{BASE}place/p{i}")
            name = f"{rng.choice(['Xã', 'Phường', 'Huyện'])} {rng.choice(PLACE)} {rng.choice(GIVEN)}"
            kind = SCHEMA + "Place"
        else:
            node = ox.NamedNode(f"{BASE}person/q{i}")
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            kind = SCHEMA + "Person"
            membership = ox.NamedNode(f"{BASE}article/g{i // 100}/membership/{i}")
            quads += [ox.Quad(membership, ox.NamedNode(ORG + "member"), node, graph),
                      ox.Quad(membership, ox.NamedNode(ORG + "organization"), rng.choice(orgs), graph)]
        quads += [ox.Quad(node, RDF_TYPE, ox.NamedNode(kind), graph),
                  ox.Quad(node, NAME, ox.Literal(name, language="vi"), graph),
                  ox.Quad(article, MENTIONS, node, graph)]
    store = ox.Store()
    store.extend(quads)
    return store


def queries(catalog: Catalog, count: int, rng: random.Random) -> list[tuple[str, list[Kind]]]:
    """Whole names folded, one- to three-word prefixes, type-filtered ones, and misses."""
    names = [e.name() or "" for e in list(catalog.entries.values())[:50_000] if e.kind is not None]
    found: list[tuple[str, list[Kind]]] = []
    for i in range(count):
        words = fold(rng.choice(names)).split()
        shape = i % 5
        if shape == 0:
            found.append((" ".join(words), []))
        elif shape == 1:
            found.append((words[0][:3], []))
        elif shape == 2:
            found.append((" ".join(words[:2]) + " " + words[-1][:2] if len(words) > 2 else words[0], []))
        elif shape == 3:
            found.append((words[0], [Kind.PERSON]))
        else:
            found.append((f"zzz{i} khong co", []))
    return found


def linear(names: list[tuple[str, int]], query: str) -> list[int]:
    """The reference: every name scanned for the folded query."""
    wanted = fold(query)
    return [entry for folded, entry in names if wanted in folded][:20]


def timed(call, items):  # type: ignore[no-untyped-def]
    times = []
    for item in items:
        start = time.perf_counter()
        call(item)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    rng = random.Random(12)
    start = time.perf_counter()
    store = generate(args.n, rng)
    generated = time.perf_counter() - start
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    body = run_queries(store, QueriesJob(Catalog.QUERIES), base_iri=BASE)
    queried = time.perf_counter() - start
    start = time.perf_counter()
    catalog = Catalog.from_answer(body)
    built = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    asked = queries(catalog, args.queries, rng)
    indexed = timed(lambda q: catalog.search(q[0], kinds=q[1]), asked)
    names = [(fold(e.name() or ""), i) for i, e in enumerate(catalog.entries.values()) if e.kind is not None]
    scanned = timed(lambda q: linear(names, q[0]), asked)
    hits = sum(1 for q in asked if catalog.search(q[0], kinds=q[1]))

    def ms(values: list[float], q: float) -> float:
        return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if q != 50 else statistics.median(values) * 1000

    print(f"entities: {len(catalog):,} in the catalogue ({args.n:,} generated in {generated:.1f} s, {len(store):,} quads)")
    print(f"catalogue queries (SPARQL → JSON): {queried:.2f} s, {len(body) / 1e6:.1f} MB; decode + build: {built:.2f} s")
    print(f"peak RSS: {rss_before / 1024:.0f} MiB before, {rss_after / 1024:.0f} MiB after the catalogue")
    print(f"search ({len(asked)} queries, {hits} with results): median {ms(indexed, 50):.2f} ms, "
          f"p95 {ms(indexed, 95):.2f} ms, max {max(indexed) * 1000:.1f} ms")
    print(f"reference, linear scan of folded names: median {ms(scanned, 50):.2f} ms, p95 {ms(scanned, 95):.2f} ms")
    print(f"ratio (reference / index): median {statistics.median(scanned) / statistics.median(indexed):.1f}×")


if __name__ == "__main__":
    main()
