#!/usr/bin/env python3
"""HTML graph benchmark: page size and time to a stable drawing in headless Chromium.

Usage: python benchmarks/bench_viz.py [--sizes 100,1000] [--repeat 3] [--no-findings]

For the seed (data/connexi) and synthetic registers (tests/test_browser.py's ``synthetic_register``: 2-8
categories, 1-3 subjects, 1-4 systems and 0-3 recipients per activity) prints: flow-graph nodes and links,
findings, seconds to build the page in Python (validation counted apart), the HTML size, and the time
from navigation to a stable drawing (the page's ``data-state="stable"``: for ``flow`` the first fitted
frame, physics off from the start; for ``force`` the bounded stabilisation plus physics off and a redraw),
median of --repeat page loads. Chromium: /usr/bin/chromium, software rendering (--disable-gpu).
Run from the repository root.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def stable_seconds(browser, path: Path, repeat: int) -> tuple[float, float]:
    """(median wall seconds from navigation to a stable drawing, median in-page ms to stable)."""
    walls, inside = [], []
    for _ in range(repeat):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
        start = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_selector('body[data-state="stable"]', state="attached", timeout=300_000)
        walls.append(time.perf_counter() - start)
        inside.append(page.evaluate("() => gdprgraph.timing.stableMs"))
        page.close()
    return statistics.median(walls), statistics.median(inside)


def main() -> None:
    from playwright.sync_api import sync_playwright

    from gdprgraph.build import build_graph, load_graph
    from gdprgraph.render import build_page
    from gdprgraph.validate import validate_graph
    from test_browser import synthetic_register

    sizes = [100, 1000]
    if "--sizes" in sys.argv:
        sizes = [int(s) for s in sys.argv[sys.argv.index("--sizes") + 1].split(",")]
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    with_findings = "--no-findings" not in sys.argv

    registers = [("seed (Connexi)", lambda: load_graph(ROOT / "data/connexi/connexi-gdprwise-register.txt"))]
    registers += [(f"synthetic {n}", lambda n=n: build_graph(synthetic_register(n))) for n in sizes]
    header = (f"{'register':<16} {'nodes':>6} {'links':>6} {'findings':>8} {'validate s':>10} {'page s':>7} "
              f"{'HTML KB':>8} {'flow: stable s':>14} {'(in page ms)':>12} {'force: stable s':>15}")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for name, make in registers:
            graph = make()
            report, validate_s = None, 0.0
            if with_findings:
                start = time.perf_counter()
                report = validate_graph(graph)
                validate_s = time.perf_counter() - start
            start = time.perf_counter()
            page = build_page(graph, findings=report if report is not None else False)
            page_s = time.perf_counter() - start
            flow_file = Path(tmp) / "flow.html"
            flow_file.write_text(page.html, encoding="utf-8")
            force_file = Path(tmp) / "force.html"
            force_file.write_text(build_page(graph, layout="force", findings=report or False).html, encoding="utf-8")
            flow_wall, flow_inside = stable_seconds(browser, flow_file, repeat)
            force_wall, _ = stable_seconds(browser, force_file, repeat)
            print(f"{name:<16} {page.nodes:>6} {page.edges:>6} {page.findings:>8} {validate_s:>10.2f} {page_s:>7.2f} "
                  f"{len(page.html.encode('utf-8')) / 1024:>8.0f} {flow_wall:>14.2f} {flow_inside:>12.0f} "
                  f"{force_wall:>15.2f}")
        browser.close()


if __name__ == "__main__":
    if {"-h", "--help"} & set(sys.argv[1:]):
        print(__doc__)
        raise SystemExit(0)
    main()
