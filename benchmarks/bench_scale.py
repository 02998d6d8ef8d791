#!/usr/bin/env python3
"""Scale benchmark: synthetic registers of 100 to 30,000 activities on each engine, one table.

Usage (from the repository root):
    python benchmarks/bench_scale.py [--sizes 100,1000,10000,30000] [--engines oxigraph,rdflib]
                                     [--skip-validate] [--skip-render] [--repeat 3] [--data DIR]
                                     [--all-commands]

For each size the register is generated once (gdprgraph.model + build_graph, seed 42) and written as
Turtle and N-Triples under --data (reused by later runs). Every measurement runs in a fresh process, so
that ``ru_maxrss`` is that measurement's own peak. Columns:

- import .nt / .ttl: ``load_graph(file, engine)`` (parse + load), seconds;
- B/triple: resident memory after the load (after gc) minus before (the vocabulary and the engine's code
  already loaded), per triple;
- trace query: ``dataflow.trace(graph, "home address")`` warm median of --repeat runs after a cold one, ms;
- trace CLI: the whole ``gdprgraph trace "home address" FILE.nt --engine E --format json`` call in a new
  process (interpreter start, parse, vocabulary, query, JSON), median of --repeat (1 at 30,000);
- store: ``gdprgraph import FILE.nt --store DIR`` once (s), then the whole ``gdprgraph trace … --store DIR``
  call (s, median); the persistent store is Oxigraph whatever the engine, so it is shown on that row only;
- validate: ``validate_graph(graph)`` with the full rule catalogue (after the load), seconds;
- render: ``render.build_page(graph, findings=False)`` (the offline HTML page), seconds;
- peak MB: the highest ``ru_maxrss`` of this size and engine's processes (CLI calls included).
"x rdflib" columns are rdflib-memory time / this engine's time, measured in the same run.
--all-commands also runs every register command on the largest size from a store and reports its exit
code, wall time and peak memory (the "30,000 activities without running out of memory" check).
"""
from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATOR_VERSION = 2  # bump when the generator changes: cached files are regenerated
TERM = "home address"
HEAVY_TRIPLES = 500_000  # above this, whole-CLI timings run once instead of --repeat times


# -- the synthetic register --------------------------------------------------------------------------------

SUBJECTS = [
    "Clients", "Employees", "Job applicants", "Prospects", "Supplier contacts", "Website visitors",
    "Subscribers", "Temporary agency workers", "Patients", "Students", "Visitors", "Consumers",
]
EEA = ["Belgium", "Netherlands", "Germany", "France", "Ireland", "Luxembourg", "Spain", "Italy", "Norway"]
OUTSIDE = ["United States", "India", "Japan", "Brazil"]
BASES = ["Contract", "Legitimate interests", "Legal obligation", "Consent"]
MEASURES = ["Encryption", "Access control", "Pseudonymisation", "Backups", "Logging", "Staff training"]


def _category_pool() -> tuple[list[str], set[str]]:
    """English labels of the DPV personal-data concepts the vocabulary knows (a 3-7 level skos:broader
    hierarchy under dpv:PersonalData), without criminal data; and which of them are special categories."""
    from rdflib import SKOS, URIRef

    from gdprgraph.namespaces import DPV, PD
    from gdprgraph.vocabulary import broader_closure, vocabulary_graph

    graph = vocabulary_graph()
    labels, special = [], set()
    for concept in sorted({s for s in graph.subjects(SKOS.broader, None) if str(s).startswith(str(PD))}):
        ancestors = broader_closure(URIRef(concept)) | {concept}
        if PD.Criminal in ancestors:
            continue
        for label in graph.objects(concept, SKOS.prefLabel):
            if getattr(label, "language", None) in (None, "en"):
                labels.append(str(label))
                if DPV.SpecialCategoryPersonalData in ancestors:
                    special.add(str(label))
    return sorted(set(labels)), special


# Register-style labels the vocabulary maps (bench_trace.py's pool starts with them).
MAPPED = [
    "Home address", "Private address", "Business address", "Work email address", "Personal email address",
    "Name", "Telephone number", "Mobile phone number", "Bank account", "Date of birth", "Nationality",
    "Gender", "Days of sick leave", "Health data", "National register number", "Identity card", "Salary",
    "CV", "Job title", "IP address", "Payment history", "VAT number", "Signature", "Marital status",
    "Family composition", "Place of birth", "Photo", "Criminal record", "Trade union membership", "Religion",
    "Biometric data", "Cookies", "Location data", "Login credentials", "Customer account",
    "Purchase history", "Attendance at work", "Correspondence", "Licence plate", "Workplace",
]


def synthetic_register(n: int, seed: int = 42, category_pool: int | None = None):
    """A register of ``n`` activities shaped like a real one, with a few defects (about 2-5 % each).

    ``category_pool``: None (this benchmark) draws each activity's 2-10 categories from every personal-data
    label the vocabulary knows, 1 % from 50 custom labels; a number N draws them uniformly from N labels,
    the 40 of :data:`MAPPED` and N - 40 custom (unmapped) ones (bench_trace.py: 500). Either way about 15 %
    of the activities also hold a home address.
    """
    from gdprgraph.model import Activity, Controller, Recipient, Ref, Register, Retention, System

    rnd = random.Random(seed)
    if category_pool is None:
        pool, special = _category_pool()
        custom = [f"Custom field {i} ({rnd.choice(['HR', 'Sales', 'IT', 'Finance', 'Ops'])})" for i in range(50)]
        if "Home Address" not in pool:
            pool.append("Home address")
    else:
        custom = [f"Custom field {i} ({rnd.choice(['HR', 'Sales', 'IT', 'Finance', 'Ops'])})"
                  for i in range(max(0, category_pool - len(MAPPED)))]
        pool, special = (MAPPED + custom)[:category_pool], {"Days of sick leave", "Health data", "Trade union membership",
                                                            "Religion", "Biometric data"}
    n_sys, n_prov, n_rec = max(5, n // 5), max(3, n // 20), max(3, n // 10)

    def country() -> str:
        return rnd.choice(OUTSIDE) if rnd.random() < 0.2 else rnd.choice(EEA)

    providers = [(f"Provider {i}", country()) for i in range(n_prov)]
    systems = []
    for i in range(n_sys):
        name, where = rnd.choice(providers)
        systems.append(System(f"System {i}", type=rnd.choice(["Public cloud", "Private cloud", "Other"]),
                              provider=name, country=where))
    provider_country = dict(providers)
    recipients = [Recipient(f"Recipient {i}", country()) for i in range(n_rec)]
    activities = []
    for i in range(n):
        k = rnd.randint(2, 10)
        if category_pool is None:
            cats = {rnd.choice(custom) if rnd.random() < 0.01 else rnd.choice(pool) for _ in range(k)}
        else:
            cats = set(rnd.sample(pool, min(k, len(pool))))
        if rnd.random() < 0.15:
            cats.add("Home address")
        chosen_recipients = tuple(rnd.sample(recipients, rnd.randint(0, 3)))
        chosen_systems = rnd.sample(systems, rnd.randint(1, 5))
        outside = sorted({r.country for r in chosen_recipients if r.country in OUTSIDE}
                         | {provider_country[s.provider] for s in chosen_systems
                            if provider_country[s.provider] in OUTSIDE})
        basis = rnd.choice(BASES)
        bases = [basis]
        if cats & special and rnd.random() < 0.97:
            bases.append("Art. 9(2)(b)")
        defect = rnd.random()
        activities.append(Activity(
            title=f"Processing activity {i}",
            section=rnd.choice(["clients", "employees", "suppliers"]),
            purposes=() if defect < 0.02 else (f"Purpose {rnd.randrange(60)}",),
            data_subjects=tuple(Ref(s, inferred=rnd.random() < 0.1) for s in rnd.sample(SUBJECTS, rnd.randint(1, 3))),
            categories=tuple(sorted(cats)),
            legal_bases=tuple(bases),
            legitimate_interest_assessment="LIA 2024" if basis == "Legitimate interests" and rnd.random() < 0.95 else None,
            retention=None if 0.02 <= defect < 0.04 else (
                Retention(f"{rnd.randint(1, 10)} years after the end of the contract", f"P{rnd.randint(1, 10)}Y")
                if rnd.random() < 0.95 else Retention("As long as necessary")),
            measures=tuple(rnd.sample(MEASURES, rnd.randint(1, 3))) if defect >= 0.06 else (),
            recipients=chosen_recipients,
            no_recipients=not chosen_recipients and defect >= 0.04,
            location="outside-EU" if outside else "EU",
            third_countries=tuple(outside),
            transfer_safeguards=("eu-gdpr:A46-2-c",) if outside and rnd.random() < 0.97 else (),
            systems=tuple(Ref(s.name, inferred=rnd.random() < 0.33) for s in chosen_systems),
        ))
    return Register(controller=Controller("Synthetica NV", country="Belgium", contact_email="privacy@synthetica.example"),
                    activities=tuple(activities), systems=tuple(systems), language="en", date="2025-01-31")


def register_files(n: int, folder: Path) -> tuple[Path, Path]:
    """(.ttl, .nt) of the ``n``-activity register, generated once per generator version."""
    ttl, nt = folder / f"register-{n}-v{GENERATOR_VERSION}.ttl", folder / f"register-{n}-v{GENERATOR_VERSION}.nt"
    if not (ttl.exists() and nt.exists()):
        folder.mkdir(parents=True, exist_ok=True)
        _child("generate", n, nt.parent)
    return ttl, nt


# -- measurements (each in its own process) ----------------------------------------------------------------


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def task_generate(n: int, folder: str) -> dict:
    import pyoxigraph as ox

    from gdprgraph.build import build_graph
    from gdprgraph.stores import ntriples, to_engine

    graph = to_engine(build_graph(synthetic_register(n)), "oxigraph")
    folder = Path(folder)
    nt = ntriples(graph)
    (folder / f"register-{n}-v{GENERATOR_VERSION}.nt").write_bytes(nt)
    store = ox.Store()
    store.load(input=nt, format=ox.RdfFormat.N_TRIPLES)
    from gdprgraph.namespaces import PREFIXES

    turtle = store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
                        prefixes={k: str(v) for k, v in PREFIXES.items()})
    (folder / f"register-{n}-v{GENERATOR_VERSION}.ttl").write_bytes(turtle)
    return {"triples": len(store)}


def task_load(path: str, engine: str, repeat: int, render: bool) -> dict:
    """Parse + load, memory per triple, then the trace query (cold, warm) and the HTML page."""
    import gc

    from gdprgraph.build import load_graph
    from gdprgraph.dataflow import trace
    from gdprgraph.stores import new_graph, triple_count
    from gdprgraph.vocabulary import vocabulary_graph

    vocabulary_graph()  # loaded by any command; not part of the register's memory
    new_graph(engine)  # nor is the engine's own code (pyoxigraph + oxrdflib: ~20 MB, the same at any size)
    gc.collect()
    before = _rss_mb()
    start = time.perf_counter()
    graph = load_graph(path, engine=engine)
    load_s = time.perf_counter() - start
    gc.collect()
    after = _rss_mb()  # before counting: a count query's buffers are not the register's memory
    triples = triple_count(graph)
    out = {"triples": triples, "load_s": load_s, "bytes_per_triple": (after - before) * 2**20 / triples}
    if path.endswith(".nt"):
        start = time.perf_counter()
        result = trace(graph, TERM)
        out["trace_cold_ms"] = (time.perf_counter() - start) * 1000
        warm = []
        for _ in range(repeat):
            start = time.perf_counter()
            trace(graph, TERM)
            warm.append((time.perf_counter() - start) * 1000)
        out["trace_ms"] = statistics.median(warm)
        out["trace_activities"] = len(result["activities"])
        if render:
            try:
                from gdprgraph.render import build_page
            except ImportError:
                out["render_s"] = None
            else:
                start = time.perf_counter()
                page = build_page(graph, findings=False)
                out["render_s"] = time.perf_counter() - start
                out["render_nodes"] = page.nodes
    out["peak_mb"] = _peak_mb()
    return out


def task_validate(path: str, engine: str) -> dict:
    from gdprgraph.build import load_graph
    from gdprgraph.validate import rules, validate_graph
    from gdprgraph.vocabulary import vocabulary_graph

    vocabulary_graph()
    rules()
    graph = load_graph(path, engine=engine)
    start = time.perf_counter()
    report = validate_graph(graph)
    return {"validate_s": time.perf_counter() - start, "counts": report.counts, "peak_mb": _peak_mb()}


def _child(task: str, *args) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, __file__, "--child", task, *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"bench_scale: child {task} {args} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cli(args: list[str]) -> tuple[float, float, int]:
    """(wall seconds, peak MB, exit code) of one whole `gdprgraph ARGS` call in a new process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with tempfile.NamedTemporaryFile(suffix=".json") as peak:
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, __file__, "--cli-peak", peak.name, "--", *args],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
        wall = time.perf_counter() - start
        data = Path(peak.name).read_text() or "{}"
    if proc.returncode not in (0, 1):
        raise SystemExit(f"bench_scale: `gdprgraph {' '.join(args)}` exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    return wall, json.loads(data).get("peak_mb", 0.0), proc.returncode


def _run_cli_with_peak(peak_file: str, args: list[str]) -> None:
    """Run gdprgraph's CLI in this process and write its ru_maxrss at exit (the parent times the call)."""
    import atexit

    atexit.register(lambda: Path(peak_file).write_text(json.dumps({"peak_mb": _peak_mb()})))
    from gdprgraph.cli import main as gdprgraph_main

    gdprgraph_main(args, prog_name="gdprgraph")


# -- the table ---------------------------------------------------------------------------------------------


def _fmt(value, spec: str, width: int) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}{spec}}"


def _ratio(base, value) -> str:
    if base is None or not value:
        return f"{'-':>6}"
    return f"{base / value:>5.1f}x"


def measure(n: int, engine: str, ttl: Path, nt: Path, opts: dict) -> dict:
    row = {"size": n, "engine": engine}
    loaded = _child("load", nt, engine, opts["repeat"], int(not opts["skip_render"]))
    row.update(loaded)
    row["import_ttl_s"] = _child("load", ttl, engine, 1, 0)["load_s"]
    peaks = [loaded["peak_mb"]]
    repeat = 1 if loaded["triples"] > HEAVY_TRIPLES else opts["repeat"]
    calls = [cli(["trace", TERM, str(nt), "--engine", engine, "--format", "json"]) for _ in range(repeat)]
    row["trace_cli_s"] = statistics.median(c[0] for c in calls)
    peaks += [c[1] for c in calls]
    if engine == "oxigraph":
        store = Path(opts["data"]) / f"store-{n}-v{GENERATOR_VERSION}"
        if store.exists():
            import shutil

            shutil.rmtree(store)
        wall, peak, _code = cli(["import", str(nt), "--store", str(store)])
        row["store_import_s"], peaks = wall, peaks + [peak]
        calls = [cli(["trace", TERM, "--store", str(store), "--format", "json"]) for _ in range(max(3, opts["repeat"]))]
        row["trace_store_s"] = statistics.median(c[0] for c in calls)
        peaks += [c[1] for c in calls]
        row["store"] = str(store)
    if not opts["skip_validate"]:
        validated = _child("validate", nt, engine)
        row["validate_s"], row["findings"] = validated["validate_s"], validated["counts"]
        peaks.append(validated["peak_mb"])
    row["peak_mb"] = max(peaks)
    return row


def print_table(rows: list[dict]) -> None:
    head = (f"{'size':>6} {'engine':<8} {'triples':>9} | {'import nt':>9} {'x rdflib':>6} {'ttl':>6} {'x rdflib':>6} "
            f"{'B/trip':>6} | {'trace ms':>8} {'x rdflib':>6} {'CLI s':>6} | {'store imp':>9} {'CLI s':>6} | "
            f"{'validate':>8} {'x rdflib':>6} | {'render':>6} | {'peak MB':>7}")
    print(head)
    print("-" * len(head))
    base = {r["size"]: r for r in rows if r["engine"] == "rdflib"}
    for r in rows:
        b = base.get(r["size"], {})
        print(f"{r['size']:>6} {r['engine']:<8} {r['triples']:>9,} | {r['load_s']:>9.2f} {_ratio(b.get('load_s'), r['load_s'])} "
              f"{r['import_ttl_s']:>6.2f} {_ratio(b.get('import_ttl_s'), r['import_ttl_s'])} {r['bytes_per_triple']:>6.0f} | "
              f"{r['trace_ms']:>8.1f} {_ratio(b.get('trace_ms'), r['trace_ms'])} {r['trace_cli_s']:>6.2f} | "
              f"{_fmt(r.get('store_import_s'), '.2f', 9)} {_fmt(r.get('trace_store_s'), '.2f', 6)} | "
              f"{_fmt(r.get('validate_s'), '.2f', 8)} {_ratio(b.get('validate_s'), r.get('validate_s'))} | "
              f"{_fmt(r.get('render_s'), '.2f', 6)} | {r['peak_mb']:>7.0f}")
    print()
    for r in rows:
        if r.get("findings"):
            f = r["findings"]
            print(f"findings at {r['size']:,} ({r['engine']}): {f['violation']} violations, {f['warning']} warnings, "
                  f"{f['info']} info; trace {TERM!r}: {r['trace_activities']} activities (cold {r['trace_cold_ms']:.0f} ms)")


def all_commands(row: dict, tmp: Path) -> None:
    """Every register command on one size from its store: exit code, wall time, peak memory."""
    store = row["store"]
    query = tmp / "count.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n")
    commands = [
        ["info", "--store", store, "--format", "json"],
        ["validate", "--store", store, "--format", "json"],
        ["trace", TERM, "--store", store, "--format", "json"],
        ["subject", "Clients", "--store", store, "--format", "json"],
        ["impact", "Provider 1", "--store", store, "--format", "json"],
        ["query", str(query), "--store", store, "--format", "json"],
        ["export", "--store", store, "-o", str(tmp / "export.nt")],
        ["viz", "--store", store, "-o", str(tmp / "graph.html"), "--no-findings"],
        ["report", "--store", store, "-o", str(tmp / "report.html"), "--date", "2025-01-31"],
    ]
    print(f"\nevery command on {row['size']:,} activities ({row['triples']:,} triples) from a store:")
    for args in commands:
        wall, peak, code = cli(args)
        print(f"  gdprgraph {args[0]:<9} exit {code}  {wall:7.2f} s  peak {peak:6.0f} MB")


def main() -> None:
    argv = sys.argv[1:]
    if {"-h", "--help"} & set(argv):
        print(__doc__)
        raise SystemExit(0)
    if argv[:1] == ["--cli-peak"]:
        _run_cli_with_peak(argv[1], argv[3:])
        return
    if argv[:1] == ["--child"]:
        task, args = argv[1], argv[2:]
        sys.path.insert(0, str(ROOT))
        if task == "generate":
            out = task_generate(int(args[0]), args[1])
        elif task == "load":
            out = task_load(args[0], args[1], int(args[2]), bool(int(args[3])))
        else:
            out = task_validate(args[0], args[1])
        print(json.dumps(out))
        return

    def option(name: str, default):
        return argv[argv.index(name) + 1] if name in argv else default

    sizes = [int(s) for s in option("--sizes", "100,1000,10000,30000").split(",")]
    engines = option("--engines", "oxigraph,rdflib").split(",")
    opts = {
        "repeat": int(option("--repeat", "3")),
        "skip_validate": "--skip-validate" in argv,
        "skip_render": "--skip-render" in argv,
        "data": option("--data", str(Path(tempfile.gettempdir()) / "gdprgraph-bench")),
    }
    unknown = set(engines) - {"oxigraph", "rdflib"}
    if unknown:
        raise SystemExit(f"bench_scale: unknown engine(s) {', '.join(sorted(unknown))}")
    rows = []
    for n in sizes:
        ttl, nt = register_files(n, Path(opts["data"]))
        for engine in sorted(engines, key=lambda e: e != "rdflib"):  # the baseline first
            rows.append(measure(n, engine, ttl, nt, opts))
            print(f"  measured {n:,} activities on {engine}", file=sys.stderr, flush=True)
    print_table(rows)
    if "--all-commands" in argv:
        biggest = max((r for r in rows if r["engine"] == "oxigraph"), key=lambda r: r["size"], default=None)
        if biggest is None:
            raise SystemExit("bench_scale: --all-commands needs the oxigraph engine")
        with tempfile.TemporaryDirectory() as tmp:
            all_commands(biggest, Path(tmp))


if __name__ == "__main__":
    main()
