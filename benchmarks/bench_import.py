#!/usr/bin/env python3
"""Import benchmark (issue 2): CLI start-up, the seed, and synthetic GDPRWise exports.

Usage: python benchmarks/bench_import.py [--sizes 100,1000] [--repeat 3]
Prints a table of median wall times (seconds); CLI start-up is measured separately so the
import figures show the library's own cost. Run from the repository root with gdprgraph installed.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from synth_gdprwise import generate  # noqa: E402


def median_time(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_fresh_process(code: str) -> float:
    """Seconds reported by a child process (so caches of one run do not help the next)."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    sizes = [100, 1000]
    if "--sizes" in sys.argv:
        sizes = [int(s) for s in sys.argv[sys.argv.index("--sizes") + 1].split(",")]
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    exe = [sys.executable, "-m", "gdprgraph"]
    rows = []
    rows.append(("CLI --help (start-up)", "", median_time(lambda: subprocess.run(exe + ["--help"], capture_output=True, check=True), repeat)))
    cold = "import time; t=time.perf_counter(); import gdprgraph.vocabulary as v; v.vocabulary_graph(); v._label_index(); print(time.perf_counter()-t)"
    rows.append(("vocabulary load (fresh process)", "", statistics.median(in_fresh_process(cold) for _ in range(repeat))))
    seed = ROOT / "data" / "connexi" / "connexi-gdprwise-register.txt"
    with tempfile.TemporaryDirectory() as tmp:
        inputs = [("seed (Connexi)", seed)]
        for n in sizes:
            path = Path(tmp) / f"synth-{n}.txt"
            path.write_text(generate(n), encoding="utf-8")
            inputs.append((f"synthetic {n} activities", path))
        for name, path in inputs:
            code = (
                "import time; from gdprgraph.vocabulary import vocabulary_graph, _label_index; "
                "vocabulary_graph(); _label_index(); "
                "from gdprgraph.readers import read_register; from gdprgraph.build import build_graph; "
                f"t=time.perf_counter(); r=read_register({str(path)!r}); g=build_graph(r); "
                "print(len(r.activities), len(g)); print(time.perf_counter()-t)"
            )
            lib = statistics.median(in_fresh_process(code) for _ in range(repeat))
            out = Path(tmp) / "out.ttl"
            cli = median_time(lambda: subprocess.run(exe + ["import", str(path), "-o", str(out)], capture_output=True, check=True), repeat)
            triples = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split()[1]
            rows.append((f"{name}: parse+build (library)", triples, lib))
            rows.append((f"{name}: whole `gdprgraph import` call", "", cli))
    width = max(len(r[0]) for r in rows)
    print(f"{'what'.ljust(width)}  {'triples':>8}  {'seconds':>8}")
    for what, triples, seconds in rows:
        print(f"{what.ljust(width)}  {str(triples):>8}  {seconds:8.3f}")


if __name__ == "__main__":
    if {"-h", "--help"} & set(sys.argv[1:]):
        print(__doc__)
        raise SystemExit(0)
    main()
