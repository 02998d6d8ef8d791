#!/usr/bin/env python3
"""Trace benchmark: latency of `trace` on synthetic registers built with gdprgraph.model + build_graph.

Usage: python benchmarks/bench_trace.py [--sizes 1000,10000] [--repeat 5] [--no-cli]   (from the repository root)

Each register is bench_scale.py's synthetic register (deterministic, seed 42) with the data categories
drawn uniformly from 500 labels (40 the vocabulary maps: home address, sick leave, national register
number, ...; 460 custom, unmapped): 2-10 per activity, about 15 % with a home address, 1-3 data subjects,
1-5 systems (N/5 systems, N/20 providers), 0-3 recipients (N/10), about 20 % of providers and recipients
outside the EEA, about a third of the system links inferred, a few defects. Prints, per size:

- trace (query only): `gdprgraph.dataflow.trace(graph, term)` after load, warm median of --repeat runs
  (the first run, which prepares the query, is shown as "cold");
- naive baseline: the term's DPV concepts (vocabulary.map_label), each bound in one unprepared rdflib
  query (benchmarks/naive-trace.rq, parsed on every call) with `skos:broader*` evaluated over the
  register + vocabulary union, i.e. what one would write without gdprgraph's resolve + bound queries;
- the ratio baseline / trace;
- CLI: the whole `gdprgraph trace TERM register.ttl --format json` in a subprocess (parse + vocabulary +
  query + output), median of 3.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scale import synthetic_register as _scale_register  # noqa: E402  (one generator for both benchmarks)

CATEGORY_POOL = 500  # 40 mapped labels + 460 custom ones


def synthetic_register(n: int, seed: int = 42):
    """bench_scale's synthetic register, categories drawn uniformly from a pool of 500 labels."""
    return _scale_register(n, seed, category_pool=CATEGORY_POOL)


TERMS = ("home address", "health")


def median(values: list[float]) -> float:
    return statistics.median(values)


def timed(func, repeat: int) -> tuple[float, float, object]:
    """(first call, median of the next ``repeat`` calls) in ms, and the last result."""
    start = time.perf_counter()
    result = func()
    cold = (time.perf_counter() - start) * 1000
    warm = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        warm.append((time.perf_counter() - start) * 1000)
    return cold, median(warm), result


def naive_baseline(graph, term: str, repeat: int, limit_s: float) -> tuple[float, int]:
    """The naive way, median ms and rows: the term's DPV concepts (map_label) each bound in one unprepared
    rdflib query (parsed on every call) with skos:broader* over the register + vocabulary union."""
    from rdflib import Graph

    from gdprgraph.vocabulary import map_label, vocabulary_graph

    union = Graph()
    for triple in graph:
        union.add(triple)
    for triple in vocabulary_graph():
        union.add(triple)
    text = (ROOT / "benchmarks" / "naive-trace.rq").read_text(encoding="utf-8")
    concepts = map_label(term, "personal-data")
    times, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = sum(len(list(union.query(text, initBindings={"concept": c}))) for c in concepts)
        times.append((time.perf_counter() - start) * 1000)
        if sum(times) > limit_s * 1000:
            break
    return median(times), rows


def cli_seconds(path: Path, term: str, engine: str, runs: int = 3) -> float:
    env = dict(__import__("os").environ, PYTHONPATH=str(ROOT))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "gdprgraph", "trace", term, str(path), "--format", "json",
                        "--engine", engine], cwd=ROOT, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return median(times)


def main() -> None:
    from gdprgraph.build import build_graph
    from gdprgraph.dataflow import trace
    from gdprgraph.stores import to_engine
    from gdprgraph.vocabulary import vocabulary_graph

    args = sys.argv[1:]
    sizes = [int(s) for s in args[args.index("--sizes") + 1].split(",")] if "--sizes" in args else [1000, 10000]
    repeat = int(args[args.index("--repeat") + 1]) if "--repeat" in args else 5
    vocabulary_graph()  # parsed once per process, not part of a query
    print(f"{'size':>6} {'triples':>8} {'term':<13} {'engine':<8} {'acts':>5} {'cold ms':>8} {'warm ms':>8} "
          f"{'naive ms':>9} {'naive/warm':>10} {'CLI s':>6}")
    for n in sizes:
        memory = build_graph(synthetic_register(n))
        engines = {"rdflib": memory, "oxigraph": to_engine(memory, "oxigraph")}
        with tempfile.TemporaryDirectory() as folder:
            ttl = Path(folder) / f"synthetic-{n}.ttl"
            ttl.write_text(memory.serialize(format="turtle"), encoding="utf-8")
            for term in TERMS:
                naive, naive_rows = naive_baseline(memory, term, 3, limit_s=60)
                for engine, graph in engines.items():
                    cold, warm, result = timed(lambda: trace(graph, term), repeat)
                    cli = cli_seconds(ttl, term, engine) if "--no-cli" not in args else float("nan")
                    print(f"{n:>6} {len(memory):>8} {term:<13} {engine:<8} {len(result['activities']):>5} "
                          f"{cold:>8.1f} {warm:>8.1f} {naive:>9.1f} {naive / warm:>9.1f}x {cli:>6.2f}",
                          flush=True)
            print(f"       (naive baseline: {naive_rows} rows for {term!r}; rdflib memory store, register + vocabulary)")


if __name__ == "__main__":
    if {"-h", "--help"} & set(sys.argv[1:]):
        print(__doc__)
        raise SystemExit(0)
    main()
