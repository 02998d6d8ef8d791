#!/usr/bin/env python3
"""Validation benchmark: synthetic registers of growing size through ``validate_graph``.

Usage: python benchmarks/bench_validate.py [--sizes 100,1000,10000] [--repeat 1]
Each size runs in a fresh process (so peak RSS is that size's own). Prints a table: register triples,
seconds to build the graph, seconds to validate (median of --repeat runs, vocabulary and shapes already
loaded; wall clock and CPU time, which is steadier on a busy machine), peak RSS, and the findings by
severity. Run from the repository root with gdprgraph installed.

The registers are built with gdprgraph.model + build_graph: activities with 2-6 categories (about one in
eight with special-category data, some with a national number), recipients in and outside the EEA,
systems whose providers are in the US or Ireland, some linked by inference, and a few defects (no
purpose, no retention, unknown recipients, legitimate interests without a balancing test).
"""
from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CATEGORIES = [
    "pd:Name", "pd:EmailAddress", "pd:TelephoneNumber", "pd:HomeLocation", "pd:BankAccount", "pd:Age",
    "pd:JobTitle", "pd:Salary", "pd:IPAddress", "pd:Picture", "pd:Gender", "pd:Nationality",
]
SPECIAL = ["pd:Health", "pd:TradeUnionMembership", "pd:Religion", "pd:Biometric"]
COUNTRIES = ["BE", "BE", "NL", "FR", "DE", "IE", "US", "IN"]


def make_register(n: int, seed: int = 42):
    from gdprgraph.model import Activity, Controller, Recipient, Ref, Register, Retention, System

    rnd = random.Random(seed)
    recipients = [Recipient(f"Recipient {i}", rnd.choice(COUNTRIES)) for i in range(max(10, n // 10))]
    systems = [
        System(f"System {i}", type="Public cloud", provider=f"Provider {i % 15}",
               country="US" if i % 3 == 0 else "IE", sections=("client-systems",))
        for i in range(max(20, n // 5))
    ]
    activities = []
    for i in range(n):
        categories = rnd.sample(CATEGORIES, rnd.randint(2, 5))
        special = rnd.random() < 0.12
        if special:
            categories.append(rnd.choice(SPECIAL))
        if rnd.random() < 0.03:
            categories.append("Rijksregisternummer")
        legitimate = rnd.random() < 0.2
        bases = ["Art. 6(1)(f)" if legitimate else rnd.choice(["Art. 6(1)(b)", "Art. 6(1)(c)", "Art. 6(1)(a)"])]
        if special and rnd.random() < 0.8:
            bases.append("Art. 9(2)(b)")
        chosen = rnd.sample(recipients, rnd.randint(0, 3))
        if any(r.country in ("US", "IN") for r in chosen) and rnd.random() < 0.7:
            bases.append("eu-gdpr:A46-2-c")
        defect = rnd.random()
        activities.append(
            Activity(
                title=f"Activity {i:05d}",
                section="clients",
                purposes=() if defect < 0.02 else (f"Purpose {i % 60}",),
                data_subjects=(Ref(rnd.choice(["Clients", "Staff", "Prospects"]), inferred=rnd.random() < 0.1),),
                categories=tuple(categories),
                legal_bases=tuple(bases),
                legitimate_interest_assessment="LIA 2024" if legitimate and rnd.random() < 0.5 else None,
                retention=None if 0.02 <= defect < 0.04 else (
                    Retention("5 jaar na einde contract", "P5Y") if rnd.random() < 0.6
                    else Retention("Vanaf beëindiging contract, gedurende de verjaringstermijn")),
                measures=("Versleuteling", "Toegangsbeheer"),
                recipients=tuple(chosen),
                no_recipients=not chosen and defect >= 0.06,
                location="EU" if rnd.random() < 0.8 else None,
                systems=tuple(Ref(s.name, inferred=rnd.random() < 0.5) for s in rnd.sample(systems, rnd.randint(1, 3))),
            )
        )
    controller = Controller(name="Synthetic NV", country="BE", contact_email="privacy@synthetic.example")
    return Register(controller=controller, activities=tuple(activities), systems=tuple(systems), language="nl")


def run_size(n: int, repeat: int) -> dict:
    """In this process: build and validate a register of ``n`` activities."""
    import resource
    import time

    from gdprgraph.build import build_graph
    from gdprgraph.validate import rules, validate_graph
    from gdprgraph.vocabulary import vocabulary_graph

    vocabulary_graph()
    rules()
    register = make_register(n)
    start = time.perf_counter()
    graph = build_graph(register)
    build_s = time.perf_counter() - start
    times, cpu_times, report = [], [], None
    for _ in range(repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        report = validate_graph(graph)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    return {
        "activities": n,
        "triples": len(graph),
        "build_s": build_s,
        "validate_s": statistics.median(times),
        "validate_cpu_s": statistics.median(cpu_times),
        "peak_mb": peak,
        "counts": report.counts,
    }


def main() -> None:
    if "--child" in sys.argv:
        n = int(sys.argv[sys.argv.index("--child") + 1])
        repeat = int(sys.argv[sys.argv.index("--repeat") + 1])
        print(json.dumps(run_size(n, repeat)))
        return
    sizes = [100, 1000]
    if "--sizes" in sys.argv:
        sizes = [int(s) for s in sys.argv[sys.argv.index("--sizes") + 1].split(",")]
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 1
    header = (
        f"{'activities':>10} {'triples':>9} {'build s':>8} {'validate s':>10} {'cpu s':>7} {'s/1k act':>8} "
        f"{'peak MB':>8}  findings (violation/warning/info)"
    )
    print(header)
    print("-" * len(header))
    for n in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(n), "--repeat", str(repeat)],
            capture_output=True, text=True, check=True, cwd=ROOT,
        ).stdout
        row = json.loads(out.strip().splitlines()[-1])
        c = row["counts"]
        print(
            f"{row['activities']:>10} {row['triples']:>9} {row['build_s']:>8.2f} {row['validate_s']:>10.2f} "
            f"{row['validate_cpu_s']:>7.2f} "
            f"{row['validate_s'] / row['activities'] * 1000:>8.2f} {row['peak_mb']:>8.0f}  "
            f"{c['violation']}/{c['warning']}/{c['info']}"
        )


if __name__ == "__main__":
    if {"-h", "--help"} & set(sys.argv[1:]):
        print(__doc__)
        raise SystemExit(0)
    main()
