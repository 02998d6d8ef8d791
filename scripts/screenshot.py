#!/usr/bin/env python3
"""Screenshot of the real `gdprgraph viz` page in headless Chromium (Playwright for Python).

Usage: python scripts/screenshot.py [REGISTER] [-o docs/connexi-graph.png] [--focus TERM] [--subject S]
                                    [--layout flow|force] [--size 1600x1000] [--scale 1.5]

Defaults: the seed register (data/connexi/connexi-gdprwise-register.txt) to docs/connexi-graph.png. The page
is written to a temporary file, opened from disk with every non-file request blocked, and captured once
its drawing is stable. Needs /usr/bin/chromium (apt-get install chromium) and `pip install playwright`.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("register", nargs="?", default=str(ROOT / "data/connexi/connexi-gdprwise-register.txt"))
    parser.add_argument("-o", "--output", default=str(ROOT / "docs/connexi-graph.png"))
    parser.add_argument("--focus")
    parser.add_argument("--subject")
    parser.add_argument("--layout", default="flow", choices=["flow", "force"])
    parser.add_argument("--size", default="1600x1000", help="viewport WIDTHxHEIGHT in CSS pixels")
    parser.add_argument("--scale", type=float, default=1.5, help="device pixel ratio of the capture")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from gdprgraph.render import viz

    width, height = (int(v) for v in args.size.lower().split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "graph.html"
        page = viz(args.register, page_file, layout=args.layout, focus=args.focus, subject=args.subject)
        outside: list[str] = []
        problems: list[str] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(viewport={"width": width, "height": height},
                                          device_scale_factor=args.scale)

            def route(route):
                if route.request.url.startswith(("file:", "data:")):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            context.route("**/*", route)
            tab = context.new_page()
            tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            tab.on("pageerror", lambda e: problems.append(str(e)))
            tab.goto(page_file.as_uri())
            tab.wait_for_selector('body[data-state="stable"]', state="attached", timeout=120_000)
            tab.screenshot(path=args.output)
            browser.close()
    if outside or problems:
        print(f"screenshot: requests outside the file: {outside}; console errors: {problems}", file=sys.stderr)
        return 1
    print(f"wrote {args.output} ({page.nodes} nodes, {page.edges} links, {page.findings} findings)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
