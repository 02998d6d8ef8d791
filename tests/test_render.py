"""The HTML graph page (gdprgraph.render, `gdprgraph viz`) without a browser: self-contained, escaped,
focus = the trace, layout by kind. tests/test_browser.py checks the same pages in headless Chromium."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from gdprgraph.build import build_graph, load_graph
from gdprgraph.cli import main
from gdprgraph.errors import UnknownTermError, UsageError
from gdprgraph.model import Activity, Controller, Recipient, Ref, Register, System
from gdprgraph.render import KINDS, build_page, flow_layout, flow_of, json_for_html, render_html

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "connexi" / "connexi-gdprwise-register.txt"
PACKAGE = ROOT / "gdprgraph"
# A resource reference to the network: what the before-stop hook greps for in gdprgraph/.
REMOTE_REF = re.compile(r"""(src|href)=["']?https?://""", re.IGNORECASE)
# Any attribute or CSS reference that would load something from outside the file.
REMOTE_LOAD = re.compile(r"""(\b(src|href|action|poster|data)\s*=\s*["']?\s*(https?:)?//)|(@import)|(url\(\s*["']?(https?:)?//)""",
                         re.IGNORECASE)

HOSTILE = [
    '<img src=x onerror="window.__xss=1;alert(1)">',
    "</script><script>window.__xss=2;alert(2)</script>",
    "<svg onload=alert(3)>",
    '"><iframe src="javascript:alert(4)"></iframe>',
    "${title} $$ {{7*7}} <!-- -->",
    "&lt;b&gt;not bold&lt;/b&gt; \u2028 line",
]


def hostile_register() -> Register:
    """Every label a person sees is an attack string (controller, activities, categories, subjects,
    purposes, systems, providers, recipients, countries)."""
    h = HOSTILE
    systems = (
        System(h[0], provider=h[1], country=h[2], type="Public cloud"),
        System(h[3], provider="Plain provider", country="Belgium"),
    )
    activities = (
        Activity(title=h[0], section="clients", purposes=(h[1],), data_subjects=(Ref(h[2]),),
                 categories=(h[3], h[4], "Home address"), legal_bases=("Contract",),
                 recipients=(Recipient(h[5], h[0]),), systems=(Ref(h[0]), Ref(h[3], inferred=True)),
                 location="EU"),
        Activity(title=h[4], section="employees", purposes=("Payroll",), data_subjects=(Ref("Staff"), Ref(h[5], inferred=True)),
                 categories=(h[0], h[1], h[2]), legal_bases=("Legal obligation",),
                 recipients=(Recipient(h[1], "United States"),), systems=(Ref(h[3]),)),
    )
    return Register(controller=Controller(name=h[1], country="Belgium"), activities=activities, systems=systems,
                    language="en")


@pytest.fixture(scope="module")
def seed():
    return load_graph(SEED)


@pytest.fixture(scope="module")
def seed_page(seed):
    return build_page(seed)


def elements(html: str, tags=("script", "img", "svg", "iframe", "object", "embed", "link", "style")) -> dict:
    """Start tags the way a browser's tokenizer sees them (script and style content is not markup)."""
    from html.parser import HTMLParser

    found: dict[str, int] = {}

    class Counter(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in tags and tag not in ("link", "style"):
                found[tag] = found.get(tag, 0) + 1
            if any(name.startswith("on") for name, _ in attrs):
                found["on*"] = found.get("on*", 0) + 1

    Counter().feed(html)
    return found


def page_data(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="gdprgraph-data">(.*?)</script>', html, re.S)
    assert found, "no data block"
    return json.loads(found.group(1))


# -- self-contained ------------------------------------------------------------------------------------

def test_page_loads_nothing_from_the_network(seed_page):
    html = seed_page.html
    assert not REMOTE_REF.search(html)
    assert not REMOTE_LOAD.search(html)
    assert "<link rel=\"stylesheet\"" not in html and "bootstrap" not in html.lower()
    # every script is inline; the only link is the empty data: favicon (stops a favicon request)
    assert not re.search(r"<script[^>]*\bsrc=", html, re.I)
    assert re.findall(r"<link[^>]*>", html) == ['<link rel="icon" href="data:,">']
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src &#x27;none&#x27;" in csp and "connect-src &#x27;none&#x27;" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0]


def test_no_package_file_references_a_remote_resource():
    """The before-stop hook's check: nothing under gdprgraph/ names an http(s) src= or href=."""
    offenders = [str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*") if p.is_file() and p.suffix != ".pyc"
                 and REMOTE_REF.search(p.read_text(encoding="utf-8", errors="replace"))]
    assert offenders == []


def test_page_is_deterministic(seed, seed_page):
    assert build_page(seed).html == seed_page.html


# -- escaping --------------------------------------------------------------------------------------------

def test_json_for_html_escapes_markup():
    text = json_for_html({"label": "</script><b>&\u2028\u2029"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"label": "</script><b>&\u2028\u2029"}


def test_hostile_labels_stay_data():
    page = build_page(build_graph(hostile_register()))
    html = page.html
    # the data block and our two scripts, nothing else: no label opened or closed a script element
    assert html.lower().count("</script") == 3
    assert elements(html) == {"script": 3}
    block = re.search(r'id="gdprgraph-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    head = html.split('<script type="application/json"', 1)[0]  # all markup outside the scripts
    for needle in ("<img", "<svg", "<iframe", "onerror", "onload", "javascript:"):
        assert needle not in head.lower(), needle
    data = page_data(html)
    labels = {n["label"] for n in data["nodes"]}
    assert set(HOSTILE) <= labels | {data["title"].removesuffix(": data flows")}
    assert data["title"] == HOSTILE[1] + ": data flows"
    assert "<title>&lt;/script&gt;&lt;script&gt;" in html  # the title element holds escaped text


def test_viz_js_never_parses_html():
    js = (PACKAGE / "templates" / "viz.js").read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/", "", js, flags=re.S)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                 "setAttribute(\"on", "DOMParser", "createContextualFragment"):
        assert sink not in code, sink


# -- content ---------------------------------------------------------------------------------------------

def test_every_flow_node_and_link_is_drawn(seed, seed_page):
    from gdprgraph.flows import flow_graph

    flow = flow_graph(seed)
    data = page_data(seed_page.html)
    assert seed_page.nodes == len(data["nodes"]) == flow.number_of_nodes()
    assert seed_page.edges == len(data["edges"]) == flow.number_of_edges()
    assert {n["iri"] for n in data["nodes"]} == set(flow.nodes)
    kinds = {n["kind"] for n in data["nodes"]}
    assert kinds == set(KINDS)  # the seed has every kind: subject ... country
    inferred = sum(1 for *_, d in flow.edges(data="inferred") if d)
    assert sum(e[2] for e in data["edges"]) == inferred > 0
    assert any(n.get("special") for n in data["nodes"]) and any(n.get("national_id") for n in data["nodes"])


def test_findings_sit_on_their_nodes(seed, seed_page):
    from gdprgraph.validate import validate_graph

    report = validate_graph(seed)
    data = page_data(seed_page.html)
    assert len(data["findings"]) == len(report.findings) == seed_page.findings > 0
    by_iri = {n["iri"]: n for n in data["nodes"]}
    for finding in report.findings:
        node = by_iri.get(finding.focus)
        if node is not None:
            assert any(data["findings"][i]["message"] == finding.message for i in node["findings"])
    assert data["counts"] == report.counts


def test_public_api_exports_the_page():
    import gdprgraph

    assert gdprgraph.render_html is render_html
    assert callable(gdprgraph.viz) and callable(gdprgraph.validate_graph) and callable(gdprgraph.trace)


def test_no_findings_skips_validation(seed):
    data = page_data(render_html(seed, findings=False))
    assert data["validated"] is False and data["findings"] == []
    assert not any("findings" in n for n in data["nodes"])


@pytest.mark.parametrize("term, subject", [("home address", "Clients"), ("thuisadres", None), ("health", None)])
def test_focus_is_the_trace(seed, term, subject):
    from gdprgraph.dataflow import trace

    page = build_page(seed, focus=term, subject=subject, findings=False)
    result = trace(seed, term, subject)
    data = page_data(page.html)
    kinds = {n["iri"]: n.get("flowKind", n["kind"]) for n in data["nodes"]}
    focused = set(page.focus)
    assert {i for i in focused if kinds[i] == "activity"} == {a["iri"] for a in result["activities"]}
    assert {i for i in focused if kinds[i] == "system"} == {s["iri"] for s in result["systems"]}
    assert {i for i in focused if kinds[i] == "recipient"} == {r["iri"] for r in result["recipients"]}
    assert data["focus"]["nodes"] == sorted(n["id"] for n in data["nodes"] if n["iri"] in focused)


def test_focus_on_an_unknown_term_names_it(seed):
    with pytest.raises(UnknownTermError):
        build_page(seed, focus="xyzzy unicorn", findings=False)


def test_unknown_layout_is_refused(seed):
    with pytest.raises(UsageError):
        build_page(seed, layout="circle", findings=False)


def test_force_layout_bounds_stabilisation(seed):
    options = page_data(render_html(seed, layout="force", findings=False))["options"]
    assert options["physics"]["enabled"] is True
    assert 0 < options["physics"]["stabilization"]["iterations"] <= 600
    flow_options = page_data(render_html(seed, findings=False))["options"]
    assert flow_options["physics"] == {"enabled": False}
    assert flow_options["nodes"]["scaling"]["label"]["drawThreshold"] > 0  # labels appear on zoom


def test_flow_layout_columns_by_kind_without_overlap(seed):
    from gdprgraph.flows import flow_graph
    from gdprgraph.render import _kind, _node_height

    flow = flow_graph(seed)
    pos = flow_layout(flow)
    assert pos == flow_layout(flow)  # deterministic
    x_of_column: dict[int, set[float]] = {}
    columns: dict[float, list[str]] = {}
    for node, (x, _y) in pos.items():
        x_of_column.setdefault(KINDS[_kind(flow, node)]["column"], set()).add(x)
        columns.setdefault(x, []).append(node)
    # one x per column, columns left to right in flow order: subjects ... countries
    assert all(len(xs) == 1 for xs in x_of_column.values())
    xs = [next(iter(x_of_column[c])) for c in sorted(x_of_column)]
    assert xs == sorted(xs) and len(set(xs)) == len(xs) == 6
    for members in columns.values():
        members.sort(key=lambda n: pos[n][1])
        for a, b in zip(members, members[1:]):
            label_a, label_b = flow.nodes[a]["label"], flow.nodes[b]["label"]
            room = (_node_height(_kind(flow, a), label_a) + _node_height(_kind(flow, b), label_b)) / 2
            assert pos[b][1] - pos[a][1] >= room - 0.01


def test_flow_of_a_category_is_its_trace(seed):
    from gdprgraph.flows import flow_graph, trace_nodes

    flow = flow_graph(seed)
    for node, kind in flow.nodes(data="kind"):
        if kind == "category":
            assert flow_of(flow, node) == trace_nodes(flow, [node])
        assert node in flow_of(flow, node)


def test_flow_of_a_system_is_its_impact(seed):
    """Picking Hubspot highlights the activities `gdprgraph impact Hubspot` lists."""
    from gdprgraph.dataflow import impact
    from gdprgraph.flows import flow_graph

    flow = flow_graph(seed)
    hubspot = next(n for n, d in flow.nodes(data=True) if d["kind"] == "system" and d["label"] == "Hubspot")
    acts = {n for n in flow_of(flow, hubspot) if flow.nodes[n]["kind"] == "activity"}
    assert acts == {a["iri"] for a in impact(seed, "Hubspot")["activities"]}


def test_empty_register_renders(tmp_path):
    graph = build_graph(Register(controller=Controller(name="Empty BV")))
    page = build_page(graph, findings=False)
    assert page.nodes == 0 and "Empty BV" in page.html


# -- command line ----------------------------------------------------------------------------------------

def test_viz_command_writes_one_file(tmp_path):
    out = tmp_path / "graph.html"
    result = CliRunner().invoke(main, ["viz", str(SEED), "-o", str(out), "--focus", "home address",
                                       "--subject", "Clients"])
    assert result.exit_code == 0, result.output
    assert out.is_file() and list(tmp_path.iterdir()) == [out]  # no lib/ folder, nothing else
    assert "wrote" in result.output
    assert page_data(out.read_text(encoding="utf-8"))["focus"]["nodes"]


def test_viz_command_options(tmp_path):
    out = tmp_path / "g.html"
    runner = CliRunner()
    result = runner.invoke(main, ["viz", str(SEED), "-o", str(out), "--layout", "force", "--no-findings"])
    assert result.exit_code == 0, result.output
    data = page_data(out.read_text(encoding="utf-8"))
    assert data["layout"] == "force" and data["validated"] is False
    bad = runner.invoke(main, ["viz", str(SEED), "-o", str(out), "--layout", "circle"])
    assert bad.exit_code == 2


def test_viz_command_unknown_focus_exits_2(tmp_path):
    out = tmp_path / "g.html"
    result = CliRunner().invoke(main, ["viz", str(SEED), "-o", str(out), "--focus", "xyzzy unicorn"])
    assert result.exit_code == 2
    assert "unknown" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_viz_command_missing_register_exits_2(tmp_path):
    result = CliRunner().invoke(main, ["viz", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "g.html")])
    assert result.exit_code == 2 and "no such file" in result.output


def test_trace_html_writes_the_focused_page(tmp_path):
    out = tmp_path / "trace.html"
    result = CliRunner().invoke(main, ["trace", "home address", str(SEED), "--subject", "Clients", "--html", str(out),
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    data = page_data(out.read_text(encoding="utf-8"))
    focused = {data["nodes"][i]["iri"] for i in data["focus"]["nodes"]}
    assert {a["iri"] for a in answer["activities"]} <= focused
    assert {s["iri"] for s in answer["systems"]} | {r["iri"] for r in answer["recipients"]} <= focused
