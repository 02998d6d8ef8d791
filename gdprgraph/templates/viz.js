/* gdprgraph viz page. Register content is untrusted: it is read from a JSON data block and put into the
   page as text only (textContent, DOM text nodes, canvas labels). Nothing here uses innerHTML,
   insertAdjacentHTML, document.write or eval, and nothing is fetched. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("gdprgraph-data").textContent);
  var KINDS = data.kinds, MARKS = data.marks, SEV = data.severities;
  var SEV_ORDER = ["violation", "warning", "info"];
  var nodes = data.nodes;
  var n = nodes.length;
  var succ = [], pred = [];
  var i;
  for (i = 0; i < n; i++) { succ.push([]); pred.push([]); }
  data.edges.forEach(function (e) { succ[e[0]].push(e[1]); pred[e[1]].push(e[0]); });
  var byIri = {};
  nodes.forEach(function (node) { byIri[node.iri] = node.id; });

  /* -- DOM helpers: text only ------------------------------------------------------------------ */
  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function add(parent, child) { parent.appendChild(child); return child; }
  function byId(id) { return document.getElementById(id); }

  /* -- node and edge styles ------------------------------------------------------------------------ */
  function flowKind(node) { return node.flowKind || node.kind; }
  function worstSeverity(node) {
    var worst = null;
    (node.findings || []).forEach(function (f) {
      var s = data.findings[f].severity;
      if (worst === null || SEV_ORDER.indexOf(s) < SEV_ORDER.indexOf(worst)) { worst = s; }
    });
    return worst;
  }
  var PLACES = { country: true, recipient: true, provider: true };  // where data lands: outside-EEA glyph
  function marks(node) {
    return ["special", "national_id", "outside_eea"].filter(function (m) {
      return node[m] && (m !== "outside_eea" || PLACES[node.kind]);
    });
  }
  function displayLabel(node) {
    var label = node.label;
    var sev = worstSeverity(node);
    if (sev) { label = SEV[sev].glyph + " " + label; }
    var glyphs = marks(node).map(function (m) { return MARKS[m].glyph; }).join("");
    return glyphs ? label + " " + glyphs : label;
  }
  function tooltip(node) {
    var tip = el("div", "tip");
    add(tip, el("div", "tip-title", node.label));
    var kind = KINDS[node.kind].title;
    if (node.flowKind === "location") { kind = "Processing location"; }
    if (node.country) { kind += " \u00b7 " + node.country; }
    if (node.section) { kind += " \u00b7 section " + node.section; }
    add(tip, el("div", "tip-kind", kind));
    marks(node).forEach(function (m) { add(tip, el("div", "tip-mark", MARKS[m].glyph + " " + MARKS[m].title)); });
    if (node.outside_eea && !PLACES[node.kind]) {
      add(tip, el("div", "tip-mark", MARKS.outside_eea.glyph + " Its data reaches a country outside the EEA"));
    }
    if (flowKind(node) === "activity" && node.subjects && node.subjects.length) {
      add(tip, el("div", "tip-line", "Data subjects: " + node.subjects.map(function (s) { return nodes[s].label; }).join(", ")));
    }
    (node.findings || []).forEach(function (f) {
      var finding = data.findings[f];
      var box = add(tip, el("div", "tip-finding"));
      var head = [SEV[finding.severity].title, finding.article, finding.rule].filter(Boolean).join(" \u00b7 ");
      var sev = add(box, el("div", "sev", SEV[finding.severity].glyph + " " + head));
      sev.style.color = SEV[finding.severity].color;
      add(box, el("div", "tip-message", finding.message));
      if (finding.hint) { add(box, el("div", "tip-hint", "Fix: " + finding.hint)); }
      if (finding.inferred) { add(box, el("div", "tip-hint", "(rests on a link the importer inferred)")); }
    });
    add(tip, el("div", "tip-iri", node.iri));
    return tip;
  }
  var DIM_NODE = { background: "#f2f4f6", border: "#d8dde2" };
  function nodeStyle(node) {
    var kind = KINDS[node.kind];
    var color = { background: kind.color.background, border: kind.color.border };
    if (node.special) { color = { background: MARKS.special.color.background, border: MARKS.special.color.border }; }
    else if (node.national_id) { color = { background: MARKS.national_id.color.background, border: MARKS.national_id.color.border }; }
    else if (node.outside_eea && node.kind === "country") {
      color = { background: MARKS.outside_eea.color.background, border: MARKS.outside_eea.color.border };
    }
    var width = (node.special || node.national_id) ? 2.5 : 1.5;
    var sev = worstSeverity(node);
    if (sev) { color.border = SEV[sev].color; width = 3.5; }
    var normal = {
      color: { background: color.background, border: color.border,
               highlight: { background: color.background, border: "#111827" },
               hover: { background: color.background, border: "#111827" } },
      font: { color: kind.font }, borderWidth: width
    };
    var dim = {
      color: { background: DIM_NODE.background, border: DIM_NODE.border,
               highlight: { background: color.background, border: "#111827" },
               hover: { background: color.background, border: "#111827" } },
      font: { color: "#c3cad1" }, borderWidth: 1
    };
    return { normal: normal, dim: dim };
  }
  var styles = nodes.map(nodeStyle);

  var EDGE = { color: "#8995a3", highlight: "#1f2933", hover: "#1f2933", opacity: 0.6 };
  var EDGE_ON = { color: "#3e4c59", highlight: "#111827", hover: "#111827", opacity: 1 };
  var EDGE_DIM = { color: "#dfe3e8", highlight: "#1f2933", hover: "#1f2933", opacity: 0.2 };

  function edgeTitle(e) {
    var tip = el("div", "tip");
    add(tip, el("div", "tip-title", nodes[e[0]].label + " \u2192 " + nodes[e[1]].label));
    add(tip, el("div", "tip-kind", e[2] ? "Inferred link (guessed by the importer, not stated in the register)"
                                        : "Stated in the register"));
    return tip;
  }

  /* -- state ----------------------------------------------------------------------------------------- */
  var highlightSet = null;      // Set of node ids, or null for "everything"
  var hiddenKinds = {};

  function visNode(node) {
    var kind = KINDS[node.kind];
    var dim = highlightSet !== null && !highlightSet.has(node.id);
    var style = dim ? styles[node.id].dim : styles[node.id].normal;
    var item = {
      id: node.id, label: displayLabel(node), shape: kind.shape, x: node.x, y: node.y,
      color: style.color, font: style.font, borderWidth: style.borderWidth,
      hidden: !!hiddenKinds[node.kind]
    };
    if (kind.size) { item.size = kind.size; }
    return item;
  }
  function edgeStyle(index) {
    var e = data.edges[index];
    if (highlightSet === null) { return { id: index, color: EDGE, width: 1 }; }
    var on = highlightSet.has(e[0]) && highlightSet.has(e[1]);
    return { id: index, color: on ? EDGE_ON : EDGE_DIM, width: on ? 1.8 : 1 };
  }

  var nodeSet = new vis.DataSet(nodes.map(function (node) {
    var item = visNode(node);
    item.title = tooltip(node);
    return item;
  }));
  var edgeSet = new vis.DataSet(data.edges.map(function (e, index) {
    var item = edgeStyle(index);
    item.from = e[0];
    item.to = e[1];
    item.dashes = e[2] ? [6, 5] : false;
    item.title = edgeTitle(e);
    return item;
  }));

  /* Update only what changed: on 1,000 activities a full update of every node and link costs a second. */
  var shownState = nodes.map(function () { return "normal"; });
  var edgeState = data.edges.map(function () { return "normal"; });
  function restyle() {
    var nodeUpdates = [], edgeUpdates = [];
    nodes.forEach(function (node) {
      var state = (hiddenKinds[node.kind] ? "hidden:" : "") +
        (highlightSet !== null && !highlightSet.has(node.id) ? "dim" : "normal");
      if (state !== shownState[node.id]) {
        shownState[node.id] = state;
        var item = visNode(node);
        delete item.x; delete item.y;   // keep where the user dragged them
        nodeUpdates.push(item);
      }
    });
    data.edges.forEach(function (e, index) {
      var state = highlightSet === null ? "normal" : (highlightSet.has(e[0]) && highlightSet.has(e[1]) ? "on" : "dim");
      if (state !== edgeState[index]) {
        edgeState[index] = state;
        edgeUpdates.push(edgeStyle(index));
      }
    });
    if (nodeUpdates.length) { nodeSet.update(nodeUpdates); }
    if (edgeUpdates.length) { edgeSet.update(edgeUpdates); }
  }

  /* -- flows (mirrors gdprgraph.render.flow_of and gdprgraph.flows.trace_nodes) ------------------ */
  function walk(start, next) {
    var seen = new Set(), stack = [start];
    while (stack.length) {
      next[stack.pop()].forEach(function (m) { if (!seen.has(m)) { seen.add(m); stack.push(m); } });
    }
    return seen;
  }
  function traceCategories(categories, subject) {
    var out = new Set();
    categories.forEach(function (c) {
      succ[c].forEach(function (a) {
        if (flowKind(nodes[a]) !== "activity") { return; }
        var subjects = nodes[a].subjects || [];
        if (subject !== undefined) {
          if (subjects.indexOf(subject) < 0) { return; }
          subjects = [subject];
        }
        out.add(c); out.add(a);
        subjects.forEach(function (s) { out.add(s); });
        walk(a, succ).forEach(function (d) { out.add(d); });
      });
    });
    return out;
  }
  function upstream(act, out) {
    out.add(act);
    pred[act].forEach(function (c) { if (flowKind(nodes[c]) === "category") { out.add(c); } });
    (nodes[act].subjects || []).forEach(function (s) { out.add(s); });
  }
  function flowOf(id) {
    var kind = flowKind(nodes[id]);
    if (kind === "category") { return traceCategories([id]); }
    if (kind === "subject") {
      var cats = nodes.filter(function (x) { return flowKind(x) === "category"; }).map(function (x) { return x.id; });
      var set = traceCategories(cats, id);
      set.add(id);
      return set;
    }
    var out = new Set();
    if (kind === "activity") {
      upstream(id, out);
      walk(id, succ).forEach(function (d) { out.add(d); });
      return out;
    }
    var before = walk(id, pred);
    out.add(id);
    walk(id, succ).forEach(function (d) { out.add(d); });
    before.forEach(function (a) {
      if (flowKind(nodes[a]) !== "activity") { return; }
      upstream(a, out);
      walk(a, succ).forEach(function (d) { if (before.has(d)) { out.add(d); } });
    });
    return out;
  }

  /* -- the network ---------------------------------------------------------------------------------- */
  var container = byId("graph");
  var network = new vis.Network(container, { nodes: nodeSet, edges: edgeSet }, data.options);

  function visibleIds(ids) {
    return ids.filter(function (id) { return !hiddenKinds[nodes[id].kind]; });
  }
  function fitTo(ids) {
    var shown = ids ? visibleIds(ids) : null;
    if (shown && shown.length) { network.fit({ nodes: shown, animation: false }); }
    else { network.fit({ animation: false }); }
  }
  function highlight(set, fit) {
    highlightSet = set ? new Set(set) : null;
    restyle();
    if (fit) { fitTo(highlightSet ? Array.from(highlightSet) : null); }
  }
  function showFlows(id, fit) {
    highlight(flowOf(id), fit);
    network.selectNodes([id]);
    setStatus("Flows of \u201c" + nodes[id].label + "\u201d: " + highlightSet.size + " nodes.");
  }
  function reset() {
    highlight(null, true);
    network.unselectAll();
    byId("pick").value = "";
    byId("search").value = "";
    setStatus("");
  }
  function setStatus(text) { byId("search-status").textContent = text; }

  /* -- controls ------------------------------------------------------------------------------------- */
  function normalize(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }
  function sortedByLabel(list) {
    return list.slice().sort(function (a, b) { return a.label.localeCompare(b.label); });
  }
  function search() {
    var query = normalize(byId("search").value);
    if (!query) { reset(); return; }
    var matches = nodes.filter(function (node) { return normalize(node.label).indexOf(query) >= 0; });
    if (!matches.length) { setStatus("No node matches \u201c" + byId("search").value + "\u201d."); return; }
    var set = new Set();
    matches.forEach(function (m) { flowOf(m.id).forEach(function (x) { set.add(x); }); });
    highlight(set, false);
    var ids = matches.map(function (m) { return m.id; });
    network.selectNodes(visibleIds(ids));
    fitTo(ids);
    setStatus(matches.length + (matches.length === 1 ? " node matches" : " nodes match") +
              " \u201c" + byId("search").value + "\u201d; their flows are highlighted.");
  }

  var datalist = byId("search-labels");
  var seenLabels = new Set();
  sortedByLabel(nodes).forEach(function (node) {
    if (seenLabels.has(node.label)) { return; }
    seenLabels.add(node.label);
    var option = el("option");
    option.value = node.label;
    datalist.appendChild(option);
  });
  byId("search").addEventListener("keydown", function (event) { if (event.key === "Enter") { search(); } });
  byId("search").addEventListener("change", search);

  var pick = byId("pick");
  [["category", "Data categories"], ["subject", "Data subjects"], ["recipient", "Recipients"], ["system", "Systems"]]
    .forEach(function (pair) {
      var members = nodes.filter(function (node) { return flowKind(node) === pair[0]; });
      if (!members.length) { return; }
      var group = el("optgroup");
      group.label = pair[1];
      sortedByLabel(members).forEach(function (node) {
        var option = el("option", null, node.label);
        option.value = String(node.id);
        group.appendChild(option);
      });
      pick.appendChild(group);
    });
  pick.addEventListener("change", function () {
    if (pick.value === "") { reset(); } else { showFlows(Number(pick.value), true); }
  });
  byId("reset").addEventListener("click", reset);
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") { reset(); } });
  network.on("click", function (params) {
    if (params.nodes.length) { showFlows(params.nodes[0], false); }
  });

  /* legend: kinds (with toggles and counts), marks, link styles */
  var counts = {};
  nodes.forEach(function (node) { counts[node.kind] = (counts[node.kind] || 0) + 1; });
  var legend = byId("legend-kinds");
  data.kindOrder.forEach(function (kind) {
    var item = add(legend, el("li"));
    item.dataset.kind = kind;
    var label = add(item, el("label"));
    var box = add(label, el("input"));
    box.type = "checkbox";
    box.checked = true;
    box.dataset.kind = kind;
    box.addEventListener("change", function () {
      hiddenKinds[kind] = !box.checked;
      restyle();
    });
    var swatch = add(label, el("span", "swatch " + KINDS[kind].shape));
    swatch.style.background = KINDS[kind].color.background;
    swatch.style.borderColor = KINDS[kind].color.border;
    add(label, el("span", null, KINDS[kind].title));
    add(label, el("span", "count", "(" + (counts[kind] || 0) + ")"));
  });
  var markList = byId("legend-marks");
  Object.keys(MARKS).forEach(function (mark) {
    var item = add(markList, el("li"));
    var glyph = add(item, el("span", "glyph", MARKS[mark].glyph));
    glyph.style.color = MARKS[mark].color.border;
    add(item, el("span", null, MARKS[mark].title));
  });
  SEV_ORDER.forEach(function (sev) {
    var item = add(markList, el("li"));
    var glyph = add(item, el("span", "glyph", SEV[sev].glyph));
    glyph.style.color = SEV[sev].color;
    add(item, el("span", null, SEV[sev].title + " on the node (hover for the messages)"));
  });
  [["line", "Stated link"], ["line dashed", "Inferred link (guessed by the importer)"]].forEach(function (pair) {
    var item = add(markList, el("li"));
    add(item, el("span", "swatch " + pair[0]));
    add(item, el("span", null, pair[1]));
  });

  /* summary, findings */
  var inferred = data.edges.filter(function (e) { return e[2]; }).length;
  byId("summary").textContent = n + " nodes \u00b7 " + data.edges.length + " links (" + inferred +
    " inferred) \u00b7 " + (data.validated ? data.findings.length + " findings" : "not validated") +
    " \u00b7 " + data.layout + " layout";
  var list = byId("findings");
  if (!data.validated) {
    byId("findings-summary").textContent = "Validation skipped (--no-findings).";
  } else {
    byId("findings-summary").textContent = SEV_ORDER.map(function (s) {
      return (data.counts[s] || 0) + " " + SEV[s].title.toLowerCase() + ((data.counts[s] || 0) === 1 ? "" : "s");
    }).join(", ") + (data.findings.length ? ". Click one to find it." : ": nothing to report.");
    data.findings.forEach(function (finding) {
      var item = add(list, el("li"));
      item.style.borderLeftColor = SEV[finding.severity].color;
      var sev = add(item, el("span", "sev", SEV[finding.severity].glyph + " " + SEV[finding.severity].title));
      sev.style.color = SEV[finding.severity].color;
      add(item, el("span", null, " " + [finding.article, finding.rule].filter(Boolean).join(" \u00b7 ")));
      add(item, el("span", "where", finding.node === null ? finding.label + " (register)" : finding.label));
      add(item, el("span", "msg", finding.message));
      if (finding.node !== null) {
        item.addEventListener("click", function () {
          showFlows(finding.node, false);
          network.focus(finding.node, { scale: 1.1, animation: false });
        });
      }
    });
  }

  /* focus given on the command line (--focus / --subject) */
  var focusIds = null;
  if (data.focus) {
    focusIds = data.focus.nodes;
    highlightSet = new Set(focusIds);
    restyle();
    var banner = byId("focus-banner");
    banner.hidden = false;
    add(banner, el("span", null, "Focused on the trace of " + data.focus.label + ": " + focusIds.length +
                   " nodes highlighted. "));
    var clear = add(banner, el("button", null, "Show everything"));
    clear.type = "button";
    clear.addEventListener("click", reset);
  }

  /* -- stable drawing: flow = first fitted frame; force = bounded stabilisation, then physics off ---- */
  var api = {
    network: network, data: data, stable: false, timing: {},
    flowOf: function (iri) { return Array.from(flowOf(byIri[iri])).map(function (id) { return nodes[id].iri; }).sort(); },
    highlighted: function () {
      return highlightSet === null ? null : Array.from(highlightSet).map(function (id) { return nodes[id].iri; }).sort();
    },
    showFlows: function (iri) { showFlows(byIri[iri], true); },
    search: function (text) { byId("search").value = text; search(); },
    reset: reset,
    idOf: function (iri) { return byIri[iri]; }
  };
  window.gdprgraph = api;

  function markStable() {
    if (api.stable) { return; }
    api.stable = true;
    api.timing.stableMs = performance.now();
    document.body.dataset.state = "stable";
  }
  function afterLayout() {
    fitTo(focusIds);
    network.once("afterDrawing", function () {
      fitTo(focusIds);           // label sizes are known after the first frame: fit again, exactly
      network.once("afterDrawing", markStable);
      network.redraw();
    });
  }
  if (!n) {
    markStable();
  } else if (data.options.physics && data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      api.timing.stabilisedMs = performance.now();
      afterLayout();
    });
  } else {
    afterLayout();
  }
})();
