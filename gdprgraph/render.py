"""The register's data flow as one self-contained, interactive HTML page (``gdprgraph viz``).

Data subjects → data categories → processing activities → systems and recipients → providers → countries,
drawn with vis-network (the 9.1.2 bundle that pyvis ships, inlined), with a legend, kind toggles, search,
"show the flows of" pickers, validation findings on their nodes, and an optional focus on one trace.

Why not ``pyvis.Network.generate_html``: its template links Bootstrap from a CDN even with
``cdn_resources="in_line"`` and its custom popup sets ``innerHTML``. So this module takes only pyvis's
vis-network files and fills its own template (``templates/viz.html``, ``viz.js``, ``viz.css``):

- nothing is loaded from the network: every script and style is inline, and a Content-Security-Policy
  (``default-src 'none'``, scripts allowed only by their SHA-256) blocks any request and any injected script;
- register content is untrusted: it travels as JSON in a ``<script type="application/json">`` block with
  ``<``, ``>``, ``&`` and U+2028/9 escaped, and the page only ever puts it into the DOM as text
  (``textContent``; tooltips are DOM elements built from text nodes; labels are drawn on the canvas);
- the layout is computed here: fixed columns by kind (``flow``, physics off, no stabilisation at all) or
  a force layout seeded from it (``force``, stabilisation bounded, physics switched off afterwards), so
  1,000 activities draw in bounded time; labels appear as you zoom in (``drawThreshold``).

Highlighting uses one rule, :func:`flow_of`, mirrored in ``viz.js`` (a browser test checks that both agree
node by node); ``--focus`` uses :func:`gdprgraph.flows.trace_nodes`, the same trace as ``gdprgraph trace``.
This is the only module that uses pyvis.
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph

from gdprgraph.errors import GdprGraphError, UsageError

if TYPE_CHECKING:  # networkx is imported when a page is built, not at import time
    import networkx as nx

    from gdprgraph.validate import Report

LAYOUTS = ("flow", "force")
VIS_VERSION = "9.1.2"

# Display kinds in flow order. A processing location (the flow graph's "location", e.g. the EU) is drawn
# as a place, with the countries. Colours: one hue per kind; marks (special category, national
# identifier, outside the EEA, findings) override the border/background and add a glyph to the label.
KINDS: dict[str, dict[str, Any]] = {
    "subject": {"title": "Data subject", "shape": "dot", "size": 14, "column": 0,
                "color": {"background": "#4e79a7", "border": "#2f4b6e"}, "font": "#1d3557"},
    "category": {"title": "Data category", "shape": "box", "column": 1,
                 "color": {"background": "#e0f2ef", "border": "#2a9d8f"}, "font": "#163b36"},
    "activity": {"title": "Processing activity", "shape": "ellipse", "column": 2,
                 "color": {"background": "#fde8cf", "border": "#d97706"}, "font": "#4a2a00"},
    "system": {"title": "System", "shape": "hexagon", "size": 13, "column": 3,
               "color": {"background": "#9c6fc0", "border": "#5e3a7d"}, "font": "#2e1a40"},
    "recipient": {"title": "Recipient", "shape": "diamond", "size": 13, "column": 3,
                  "color": {"background": "#59a14f", "border": "#2f6b29"}, "font": "#1f3d1b"},
    "provider": {"title": "Provider", "shape": "triangle", "size": 11, "column": 4,
                 "color": {"background": "#d7a4c8", "border": "#8a4f78"}, "font": "#3b2234"},
    "country": {"title": "Country / place", "shape": "square", "size": 10, "column": 5,
                "color": {"background": "#a8b3bd", "border": "#5d6b78"}, "font": "#27313b"},
}
MARKS: dict[str, dict[str, Any]] = {
    "special": {"title": "Special category (Art. 9)", "glyph": "\u2605",
                "color": {"background": "#fbd5d5", "border": "#c0392b"}},
    "national_id": {"title": "National identification number (Art. 87)", "glyph": "\u2116",
                    "color": {"background": "#fff0b3", "border": "#b7791f"}},
    "outside_eea": {"title": "Outside the EEA", "glyph": "\u2197",
                    "color": {"background": "#e15759", "border": "#8e1b1d"}},
}
SEVERITY_STYLE: dict[str, dict[str, str]] = {
    "violation": {"title": "Violation", "glyph": "\u26a0", "color": "#d62728"},
    "warning": {"title": "Warning", "glyph": "\u26a0", "color": "#e67e00"},
    "info": {"title": "Info", "glyph": "\u2139", "color": "#1f77b4"},
}
_DISPLAY_KIND = {"location": "country"}
_COLUMN_GAP = 110          # px of room for the links between two columns' widest nodes
_WRAP = 240                # px: labels inside boxes wrap at this width
_CHAR = 7.2                # px per character of a 14 px label (estimate for the layout)
_LINE = 17                 # px per label line
_BIG = 2500                # edges: above this the page trades curves and edge drawing during drag for speed


@dataclass
class Page:
    """A rendered page and what it shows."""

    html: str
    nodes: int
    edges: int
    findings: int
    focus: list[str] = field(default_factory=list)  # IRIs highlighted on opening (``focus``/``subject``)

    def __str__(self) -> str:
        return self.html


# -- public API ----------------------------------------------------------------------------------------

def render_html(graph: Graph, **options: Any) -> str:
    """The register ``graph`` as one self-contained HTML page (a string). Options as for :func:`build_page`."""
    return build_page(graph, **options).html


def viz(
    register: "Graph | str | Path",
    output: "str | Path | None" = None,
    **options: Any,
) -> Page:
    """Render a register (a graph, or any file :func:`gdprgraph.build.load_graph` reads) and, when
    ``output`` is given, write the page there atomically. Options as for :func:`build_page`."""
    if not isinstance(register, Graph):
        from gdprgraph.build import load_graph

        register = load_graph(register)
    page = build_page(register, **options)
    if output is not None:
        from gdprgraph.files import write_atomic

        write_atomic(output, page.html)
    return page


def build_page(
    graph: Graph,
    *,
    layout: str = "flow",
    focus: str | None = None,
    subject: str | None = None,
    findings: "bool | Report" = True,
    lang: str | None = None,
    title: str | None = None,
) -> Page:
    """Build the page.

    ``layout``: ``"flow"`` (columns left to right by kind, no physics) or ``"force"`` (force-directed,
    seeded from the columns, stabilisation bounded, physics off afterwards). ``focus`` (a data-category
    term, any language or level, as for ``gdprgraph trace``) and/or ``subject`` (a data-subject term)
    open the page highlighting that trace; unknown terms raise :class:`~gdprgraph.errors.UnknownTermError`.
    ``findings``: True runs :func:`gdprgraph.validate.validate_graph` and marks each finding on its node
    (messages in ``lang`` when they exist in it, else in the register's language), False skips validation,
    a ``Report`` is used as is.
    """
    from gdprgraph.flows import flow_graph

    if layout not in LAYOUTS:
        raise UsageError(f"unknown layout {layout!r}: use one of {', '.join(LAYOUTS)}")
    flow = flow_graph(graph, lang)
    report = None
    if findings is True:
        from gdprgraph.validate import MESSAGE_LANGUAGES, validate_graph

        # the findings in the labels' language when there are messages in it, else the register's
        report = validate_graph(graph, lang=lang if lang in MESSAGE_LANGUAGES else None)
    elif findings:
        report = findings
    focus_ids, focus_label = _focus(graph, flow, focus, subject)
    data = _page_data(graph, flow, layout, report, focus_ids, focus_label, title, lang)
    html = _fill_template(data)
    return Page(html=html, nodes=len(data["nodes"]), edges=len(data["edges"]), findings=len(data["findings"]),
                focus=sorted(focus_ids))


def flow_of(flow: "nx.DiGraph", node: str) -> set[str]:
    """The nodes on the flows through ``node`` (what the page highlights when you pick or click it).

    A data category: its trace (:func:`gdprgraph.flows.trace_nodes`). A data subject: the trace of every
    category for that subject. An activity: its subjects, categories and everything downstream. A system,
    provider, recipient or place: every activity that reaches it, with those activities' subjects and
    categories, the nodes on the way to it, and what lies beyond it (e.g. its country).
    """
    import networkx as nx

    from gdprgraph.flows import trace_nodes

    kind = flow.nodes[node]["kind"]
    if kind == "category":
        return trace_nodes(flow, [node])
    if kind == "subject":
        categories = [n for n, k in flow.nodes(data="kind") if k == "category"]
        return trace_nodes(flow, categories, subject=node) | {node}

    def upstream(act: str) -> set[str]:
        cats = {c for c in flow.predecessors(act) if flow.nodes[c]["kind"] == "category"}
        return {act} | cats | set(flow.nodes[act].get("subjects", {}))

    if kind == "activity":
        return upstream(node) | nx.descendants(flow, node)
    before = nx.ancestors(flow, node)
    nodes = {node} | nx.descendants(flow, node)
    for act in (a for a in before if flow.nodes[a]["kind"] == "activity"):
        nodes |= upstream(act) | (nx.descendants(flow, act) & before)
    return nodes


# -- focus -----------------------------------------------------------------------------------------------

def _focus(graph: Graph, flow: "nx.DiGraph", term: str | None, subject: str | None) -> tuple[set[str], str | None]:
    """Node ids of the trace of ``term`` (for ``subject``), resolved exactly as ``gdprgraph trace`` does."""
    if not term and not subject:
        return set(), None
    from gdprgraph.flows import trace_nodes
    from gdprgraph.vocabulary import resolve

    if term:
        categories: list = resolve(term, graph, "personal-data")
    else:
        categories = [n for n, k in flow.nodes(data="kind") if k == "category"]
    subjects = resolve(subject, graph, "data-subject") if subject else None
    nodes = trace_nodes(flow, categories, subjects)
    if subjects is not None and nodes:
        nodes |= {str(s) for s in subjects if str(s) in flow}
    label = f"\u201c{term}\u201d" if term else "everything"
    if subject:
        label += f" for \u201c{subject}\u201d"
    return nodes, label


# -- page data -------------------------------------------------------------------------------------------

def _register_title(graph: Graph) -> str:
    from rdflib import RDF

    from gdprgraph.namespaces import DPV

    for reg in sorted(graph.subjects(RDF.type, DPV.ROPA)):
        ctrl = graph.value(reg, DPV.hasDataController)
        name = graph.value(ctrl, DPV.hasName) if ctrl is not None else None
        if name is not None:
            return f"{name}: data flows"
    return "Register: data flows"


def _page_data(
    graph: Graph,
    flow: "nx.DiGraph",
    layout: str,
    report: "Report | None",
    focus_ids: set[str],
    focus_label: str | None,
    title: str | None,
    lang: str | None,
) -> dict[str, Any]:
    positions = flow_layout(flow)
    order = sorted(flow.nodes, key=lambda n: (KINDS[_kind(flow, n)]["column"], positions[n][1], n))
    index = {n: i for i, n in enumerate(order)}

    findings: list[dict[str, Any]] = []
    by_node: dict[str, list[int]] = {}
    if report is not None:
        rank = {"violation": 0, "warning": 1, "info": 2}
        for f in sorted(report.findings, key=lambda f: (rank.get(f.severity, 3), f.label, f.rule, f.message)):
            node = index.get(f.focus)
            by_node.setdefault(f.focus, []).append(len(findings))
            findings.append({"severity": f.severity, "rule": f.rule, "article": f.article, "label": f.label,
                             "message": f.message, "hint": f.hint, "inferred": f.inferred, "node": node})

    nodes = []
    for n in order:
        attrs = flow.nodes[n]
        kind = _kind(flow, n)
        x, y = positions[n]
        item: dict[str, Any] = {"id": index[n], "iri": attrs.get("iri", n), "label": attrs.get("label") or n,
                                "kind": kind, "x": round(x), "y": round(y)}
        if attrs.get("kind") != kind:
            item["flowKind"] = attrs.get("kind")
        for mark in ("special", "national_id", "outside_eea"):
            if attrs.get(mark):
                item[mark] = True
        if attrs.get("country"):
            item["country"] = attrs["country"]
        if attrs.get("kind") == "activity":
            item["subjects"] = sorted(index[s] for s in attrs.get("subjects", {}))
            if attrs.get("section"):
                item["section"] = re.sub(r"Section$", "", _local_name(attrs["section"])).lower()
        if n in by_node:
            item["findings"] = by_node[n]
        nodes.append(item)
    edges = sorted([index[a], index[b], 1 if d.get("inferred") else 0] for a, b, d in flow.edges(data=True))

    counts = {name: 0 for name in SEVERITY_STYLE}
    for f in findings:
        counts[f["severity"]] = counts.get(f["severity"], 0) + 1
    return {
        "title": title or _register_title(graph),
        "layout": layout,
        "kinds": KINDS,
        "kindOrder": list(KINDS),
        "marks": MARKS,
        "severities": SEVERITY_STYLE,
        "validated": report is not None,
        "counts": counts,
        "nodes": nodes,
        "edges": edges,
        "findings": findings,
        "focus": {"label": focus_label, "nodes": sorted(index[n] for n in focus_ids)} if focus_label else None,
        "options": _vis_options(layout, len(nodes), len(edges)),
    }


def _kind(flow: "nx.DiGraph", node: str) -> str:
    kind = flow.nodes[node].get("kind", "country")
    return _DISPLAY_KIND.get(kind, kind)


def _local_name(iri: str) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def _vis_options(layout: str, n_nodes: int, n_edges: int) -> dict[str, Any]:
    big = n_edges > _BIG
    options: dict[str, Any] = {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "navigationButtons": False, "keyboard": False, "multiselect": False},
        "nodes": {"font": {"size": 14, "face": "Arial, Helvetica, sans-serif"},
                  "widthConstraint": {"maximum": _WRAP}, "borderWidth": 1.5, "borderWidthSelected": 3,
                  "scaling": {"label": {"enabled": False, "drawThreshold": 6, "maxVisible": 28}}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.45}}, "width": 1, "selectionWidth": 1.5,
                  "hoverWidth": 0.5, "arrowStrikethrough": False,
                  "smooth": False if big else {"enabled": True, "type": "cubicBezier",
                                               "forceDirection": "horizontal", "roundness": 0.5}},
    }
    if layout == "flow":
        options["physics"] = {"enabled": False}
    else:
        # Bounded stabilisation: the work per iteration grows with the graph, so fewer iterations for big ones.
        iterations = int(min(600, max(60, 120_000 / max(n_nodes, 1))))
        options["edges"]["smooth"] = False if big else {"enabled": True, "type": "continuous", "roundness": 0.4}
        options["physics"] = {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -6000, "centralGravity": 0.15, "springLength": 140,
                          "springConstant": 0.03, "damping": 0.4, "avoidOverlap": 0.3},
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 25, "fit": True},
            "minVelocity": 1.0,
            "timestep": 0.5,
        }
    return options


# -- layout ----------------------------------------------------------------------------------------------

def _label_width(label: str) -> float:
    return min(_WRAP, len(label) * _CHAR)


def _node_width(kind: str, label: str) -> float:
    shape = KINDS[kind]["shape"]
    if shape == "box":
        return _label_width(label) + 12
    if shape == "ellipse":  # vis-network draws an ellipse 1.5 times as wide as its label
        return 1.5 * _label_width(label)
    return max(2 * KINDS[kind].get("size", 12), _label_width(label))


def _node_height(kind: str, label: str) -> float:
    style = KINDS[kind]
    lines = max(1, math.ceil(len(label) * _CHAR / (_WRAP - 12)))
    if style["shape"] == "box":
        return lines * _LINE + 12
    if style["shape"] == "ellipse":  # vis-network draws an ellipse twice as high as its label
        return 2 * lines * _LINE + 4
    return 2 * style.get("size", 12) + lines * _LINE + 6


def flow_layout(flow: "nx.DiGraph", gap: float = 7.0) -> dict[str, tuple[float, float]]:
    """Positions for the left-to-right flow: x by kind (columns), y so that links run as straight and
    uncrossed as a few barycentre sweeps get them, with no two nodes of a column overlapping.
    Deterministic; linear in the number of links per sweep."""
    columns: dict[int, list[str]] = {}
    for node in sorted(flow.nodes, key=lambda n: ((flow.nodes[n].get("label") or "").casefold(), n)):
        columns.setdefault(KINDS[_kind(flow, node)]["column"], []).append(node)
    if not columns:
        return {}
    col_of = {n: c for c, members in columns.items() for n in members}
    neighbours = {n: sorted(set(flow.predecessors(n)) | set(flow.successors(n))) for n in flow.nodes}
    heights = {n: _node_height(_kind(flow, n), flow.nodes[n].get("label") or n) for n in flow.nodes}
    cols = sorted(columns)

    # 1. order within columns: barycentre sweeps over rank positions (normalised to 0..1)
    rank: dict[str, float] = {}

    def set_ranks(c: int) -> None:
        members = columns[c]
        for i, n in enumerate(members):
            rank[n] = (i + 0.5) / len(members)

    for c in cols:
        set_ranks(c)
    def barycentre(c: int, side: int) -> None:
        """Sort column ``c`` by the mean rank of its neighbours on one side (-1 left, +1 right)."""

        def key(n: str) -> tuple[float, str]:
            near = [rank[m] for m in neighbours[n] if (col_of[m] - c) * side > 0]
            near = near or [rank[m] for m in neighbours[n] if col_of[m] != c]
            return (sum(near) / len(near) if near else rank[n], n)

        columns[c].sort(key=key)
        set_ranks(c)

    for _ in range(4):
        for c in cols[1:]:
            barycentre(c, -1)
        for c in cols[-2::-1]:
            barycentre(c, +1)

    # 2. y: the tallest column evenly packed, the others at the mean y of their placed neighbours
    y: dict[str, float] = {}

    def pack(members: list[str], desired: dict[str, float]) -> None:
        ordered = sorted(members, key=lambda n: (desired[n], rank[n], n))
        placed: list[float] = []
        for i, n in enumerate(ordered):
            want = desired[n]
            if i:
                prev = ordered[i - 1]
                want = max(want, placed[-1] + (heights[prev] + heights[n]) / 2 + gap)
            placed.append(want)
        shift = sum(desired[n] for n in ordered) / len(ordered) - sum(placed) / len(placed)
        for n, value in zip(ordered, placed):
            y[n] = value + shift

    extent = {c: sum(heights[n] + gap for n in columns[c]) for c in cols}
    anchor = max(cols, key=lambda c: (extent[c], -c))
    top = 0.0
    for n in columns[anchor]:
        y[n] = top + heights[n] / 2
        top += heights[n] + gap
    for c in sorted((c for c in cols if c != anchor), key=lambda c: (abs(c - anchor), c)):
        desired = {}
        for n in columns[c]:
            near = [y[m] for m in neighbours[n] if m in y]
            desired[n] = sum(near) / len(near) if near else rank[n] * top
        pack(columns[c], desired)
    # two more passes: every column (the anchor too) towards its placed neighbours
    for _ in range(2):
        for c in cols:
            desired = {}
            for n in columns[c]:
                near = [y[m] for m in neighbours[n]]
                desired[n] = sum(near) / len(near) if near else y[n]
            pack(columns[c], desired)
    # x: each column as far right of the previous one as their widest nodes need, plus room for the links
    x: dict[int, float] = {}
    half = {c: max(_node_width(_kind(flow, n), flow.nodes[n].get("label") or n) for n in columns[c]) / 2 for c in cols}
    for prev, c in zip([None, *cols], cols):
        x[c] = 0.0 if prev is None else x[prev] + half[prev] + half[c] + _COLUMN_GAP
    return {n: (x[col_of[n]], y[n]) for n in flow.nodes}


# -- template --------------------------------------------------------------------------------------------

def _package_text(name: str) -> str:
    from gdprgraph.resources import package_dir

    return (package_dir("templates") / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _vis_bundle() -> tuple[str, str]:
    """(vis-network.min.js, vis-network.css) as pyvis ships them, read from disk (pyvis is not imported:
    its package pulls in IPython, and we need only these two files)."""
    import importlib.util

    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise GdprGraphError("pyvis is not installed; it provides the vis-network library the graph page embeds")
    folder = Path(list(spec.submodule_search_locations)[0]) / "templates" / "lib" / f"vis-{VIS_VERSION}"
    try:
        js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
        css = (folder / "vis-network.css").read_text(encoding="utf-8")
    except OSError as exc:
        raise GdprGraphError(f"vis-network {VIS_VERSION} is missing from the pyvis installation: {exc}") from None
    return js, css


def json_for_html(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: ``<``, ``>``, ``&`` and the JavaScript line
    separators are \\u-escaped, so no register text can close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                          ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _inline(code: str, tag: str) -> str:
    code = re.sub(r"^\s*//# sourceMappingURL=\S*\s*$", "", code, flags=re.MULTILINE)  # no .map look-up
    if re.search(rf"</{tag}", code, re.IGNORECASE) or "<!--" in code:
        raise GdprGraphError(f"cannot inline a resource that contains </{tag} or <!--")
    return code


def _sha256(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii") + "'"


def _fill_template(data: dict[str, Any]) -> str:
    from html import escape

    vis_js, vis_css = _vis_bundle()
    vis_js = _inline(vis_js, "script")
    app_js = _inline(_package_text("viz.js"), "script")
    css = _inline(vis_css + "\n" + _package_text("viz.css"), "style")
    csp = "; ".join([
        "default-src 'none'",
        f"script-src {_sha256(vis_js)} {_sha256(app_js)}",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "font-src 'none'",
        "connect-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ])
    template = string.Template(_package_text("viz.html"))
    return template.substitute(
        title=escape(data["title"]),
        csp=escape(csp),
        css=css,
        data=json_for_html(data),
        vis_js=vis_js,
        app_js=app_js,
    )
