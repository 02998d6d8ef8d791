"""The data flow of a register, read from the graph: data subject → data category → activity →
system / recipient → provider → country.

Everything here is read through a few bundled queries: ``activity-links.rq`` (what an activity links
to), ``inferred-links.rq`` (which of those links the importer guessed) and ``node-details.rq`` (names,
providers, countries); Oxigraph and SPARQL servers answer the first two at once as one aggregated row per
activity (``activity-link-lists.rq``), which the engine builds much faster than Python reads link rows. ``trace``, ``subject``, ``impact`` (gdprgraph.dataflow) and the networkx projection
(:func:`flow_graph`, used by the HTML graph) all go through :func:`read_flows`, so they cannot disagree
about which activity links to what, nor about which links are inferred.

- :func:`read_flows` reads the activities selected by anchors (e.g. those processing some categories):
  cost proportional to the answer, not to the register.
- :func:`flow_graph` projects the whole register into a ``networkx.DiGraph``; :func:`trace_nodes` picks
  the nodes on a trace from it.
- :func:`select` runs a bundled query for many parameter sets: on rdflib's in-memory store the prepared
  query once per set (``initBindings``); on Oxigraph (the default engine, gdprgraph.stores) or a SPARQL
  server one query with the sets as a ``VALUES`` block of the terms' own N-Triples forms. User text
  never reaches a query: it is resolved to register nodes in Python first.

EEA membership and the special-category / national-identifier flags come from the vocabulary
(``skos:broader*`` in Python over the cached vocabulary graph), not from the register.
"""
from __future__ import annotations

import functools
import gc
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, TypeVar

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from gdprgraph.namespaces import DPV, GGNS, LOC
from gdprgraph.stores import evaluates_text

if TYPE_CHECKING:  # networkx is imported when a flow graph is built, not at import time
    import networkx as nx

T = TypeVar("T")

SPECIAL_CATEGORY = DPV.SpecialCategoryPersonalData
NATIONAL_ID = URIRef(GGNS + "NationalIdentificationNumber")

# Node kinds of the flow graph, in flow order.
KINDS = ("subject", "category", "activity", "system", "recipient", "provider", "country", "location")
# Link kinds of activity-links.rq that point at other nodes of the flow → node kind of the target.
NODE_KINDS = {
    "subject": "subject",
    "category": "category",
    "system": "system",
    "recipient": "recipient",
    "third-country": "country",
    "location": "location",
}


# -- building large answers ---------------------------------------------------------------------------

def collector_paused(func: Callable[..., T]) -> Callable[..., T]:
    """Run ``func`` with the cyclic garbage collector paused (unless the caller paused it already).

    An answer of a few thousand activities is ~100,000 new dicts, lists and tuples, none of them garbage:
    Python would run ~230 collections while it is built, each walking the young objects again and now and
    then the whole heap (the vocabulary, the modules, the register's terms). Paused, they are walked once
    after the call: a 1,831-activity trace followed by other work takes ~90 ms less per call (measured
    with the work after the call included, not only inside it).
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        if not gc.isenabled():
            return func(*args, **kwargs)
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            gc.enable()

    return wrapper


# -- running bundled queries --------------------------------------------------------------------------

def _with_values(text: str, bindings: list[dict[str, Node]]) -> str:
    """The query text with the parameter sets as one VALUES block opening its WHERE clause (every bundled
    query has exactly one ``WHERE {``). Terms are written with ``n3()``: rdflib refuses to write an IRI
    that could break out of ``<...>``, so no text of the caller is ever spliced in."""
    names = sorted({k for b in bindings for k in b})
    if not names:
        return text
    table = " ".join("(" + " ".join(b[n].n3() if n in b else "UNDEF" for n in names) + ")" for b in bindings)
    values = "VALUES (" + " ".join("?" + n for n in names) + ") { " + table + " }"
    return text.replace("WHERE {", "WHERE {\n  " + values, 1)


def select(graph: Graph, name: str, bindings: Iterable[Mapping[str, Node]]) -> list[tuple]:
    """Rows (tuples of rdflib terms in the query's SELECT order) of bundled query ``name``, for every
    set of parameter bindings (the union of the answers).

    rdflib's memory store: the prepared query once per set, with ``initBindings``. Oxigraph (oxrdflib) and
    SPARQL servers: one query for all sets, given as a VALUES block (pyoxigraph's own ``substitutions``
    are applied after evaluation, ~10x slower on these queries; one request instead of one per set).
    """
    from gdprgraph.query import prepared, query_text
    from gdprgraph.stores import UnionGraph, _ox_graph_name, from_oxigraph, is_endpoint, is_oxigraph

    bindings = [dict(b) for b in bindings]
    if not bindings:
        return []
    if is_oxigraph(graph) and any(isinstance(v, BNode) for b in bindings for v in b.values()):
        # A blank node of the store cannot be written in query text (``_:b`` there is a fresh variable, and
        # VALUES refuses it): those sets go through rdflib's evaluator over the same store, the rest as below.
        blank = [b for b in bindings if any(isinstance(v, BNode) for v in b.values())]
        named = [b for b in bindings if b not in blank]
        query = prepared(name)
        rows = select(graph, name, named) if named else []
        for init in blank:
            rows.extend(tuple(row) for row in graph.query(query, initBindings=init))
        return rows
    if is_oxigraph(graph):
        text = _with_values(query_text(name), bindings)
        if isinstance(graph, UnionGraph) or getattr(graph, "default_union", False):
            result = graph.store._inner.query(text, use_default_graph_as_union=True)
        else:
            result = graph.store._inner.query(text, default_graph=_ox_graph_name(graph))
        return [tuple(map(from_oxigraph, solution)) for solution in result]
    if is_endpoint(graph):
        return [tuple(row) for row in graph.query(_with_values(query_text(name), bindings))]
    query = prepared(name)
    rows: list[tuple] = []
    for init in bindings:
        rows.extend(tuple(row) for row in graph.query(query, initBindings=init))
    return rows


# -- records ------------------------------------------------------------------------------------------

@dataclass
class NodeInfo:
    """A node an activity links to: its labels (all languages), and for systems/recipients where it is."""

    iri: Node
    kind: str
    labels: set[Literal] = field(default_factory=set)
    provider: URIRef | None = None
    country: URIRef | None = None
    country_inferred: bool = False  # the importer guessed the country (e.g. a provider's headquarters)
    duration: str | None = None  # retention rules: "P2Y", or the local name of the duration kind


@dataclass
class ActivityFlow:
    """One processing activity: ``links[kind][target] = inferred`` (kinds of activity-links.rq)."""

    iri: URIRef
    labels: set[Literal] = field(default_factory=set)
    section: URIRef | None = None
    links: dict[str, dict[Node, bool]] = field(default_factory=dict)
    anchors: set[URIRef] = field(default_factory=set)  # which of the requested anchors selected it

    def targets(self, kind: str) -> dict[Node, bool]:
        return self.links.get(kind, {})


@dataclass
class Flows:
    """Activities and every node they link to (plus providers and countries), with labels."""

    activities: dict[URIRef, ActivityFlow] = field(default_factory=dict)
    nodes: dict[Node, NodeInfo] = field(default_factory=dict)
    _labels: dict[tuple[Node, str | None], str | None] = field(default_factory=dict, repr=False)

    def node(self, iri: Node, kind: str) -> NodeInfo:
        info = self.nodes.get(iri)
        if info is None:
            info = self.nodes[iri] = NodeInfo(iri, kind)
        return info

    def label(self, iri: Node | None, lang: str | None = None) -> str | None:
        """The node's label in ``lang`` (else any), or the vocabulary's label for a DPV concept."""
        if iri is None:
            return None
        key = (iri, lang)
        if key not in self._labels:
            record = self.activities.get(iri)
            labels = record.labels if record is not None else self.nodes[iri].labels if iri in self.nodes else ()
            self._labels[key] = pick_label(labels, lang) or place_label(iri, lang)
        return self._labels[key]


def pick_label(labels: Iterable[Literal], lang: str | None = None) -> str | None:
    """One label: the requested language, else the first in a stable order (tagged before plain)."""
    ordered = sorted(labels, key=lambda l: (l.language is None, l.language or "", str(l)))
    if lang:
        for label in ordered:
            if label.language == lang:
                return str(label)
    return str(ordered[0]) if ordered else None


def place_label(iri: Node, lang: str | None = None) -> str:
    """A label for a node the register does not label (a DPV place, a legal basis): the vocabulary's."""
    from gdprgraph.vocabulary import label_of

    return label_of(iri, lang or "en") if isinstance(iri, URIRef) else str(iri)


def country_code(country: Node | None) -> str | None:
    """ISO 3166-1 alpha-2 code of a loc: country IRI (loc:BE → "BE"), else None."""
    if country is None or not str(country).startswith(str(LOC)):
        return None
    local = str(country)[len(str(LOC)) :]
    return local if re.fullmatch(r"[A-Z]{2}", local) else None


@lru_cache(maxsize=4096)
def eea_status(place: Node) -> bool | None:
    """True inside the EEA (``skos:broader* loc:EEA``, or the EU), False for a place the vocabulary knows
    outside it (loc:US, gg:OutsideEU), None when the vocabulary does not know the place."""
    from gdprgraph.vocabulary import broader_closure, describes

    if place in (LOC.EEA, LOC.EU):
        return True
    ancestors = broader_closure(place)
    if LOC.EEA in ancestors or LOC.EU in ancestors:
        return True
    if ancestors or (isinstance(place, URIRef) and describes(place)):
        return False
    return None


def category_flags(graph: Graph) -> dict[URIRef, tuple[bool, bool]]:
    """Register category → (special category, national identification number): ``skos:broader+``
    reaches dpv:SpecialCategoryPersonalData / gg:NationalIdentificationNumber (register + vocabulary)."""
    from gdprgraph.vocabulary import register_concepts

    return {
        concept: (SPECIAL_CATEGORY in ancestors, NATIONAL_ID in ancestors)
        for concept, (_labels, ancestors) in register_concepts(graph, "personal-data").items()
    }


# -- reading ------------------------------------------------------------------------------------------

def read_flows(
    graph: Graph,
    via: URIRef,
    anchors: Iterable[Node],
    flows: Flows | None = None,
    details: bool | Iterable[str] = True,
    extras: bool = False,
    skip: URIRef | None = None,
) -> Flows:
    """The activities selected by ``?act via anchor`` (for each anchor) with their links
    (activity-links.rq), which of the links are inferred (inferred-links.rq) (on Oxigraph and SPARQL
    servers both at once, one row per activity: activity-link-lists.rq), with ``extras`` also their
    purposes, legal bases, retention rules and measures (activity-details.rq), and with ``details`` the
    names and places of the linked nodes (node-details.rq; ``details`` may name the link kinds that need
    them, default all).

    ``via=RDF.type, anchors=[DPV.Process]`` reads the whole register. Merges into ``flows`` when given.
    ``skip`` names a link predicate the caller does not need (trace: dpv:hasPersonalData, beyond the anchors
    themselves); the engines that read aggregated rows then leave those links out, rdflib reads them anyway.
    """
    flows = flows if flows is not None else Flows()
    sets = [{"via": via, "anchor": anchor} for anchor in anchors]
    if not (evaluates_text(graph) and _read_link_lists(graph, sets, flows, skip)):
        _read_link_rows(graph, sets, flows)
    if extras:
        for act, kind, target, _anchor in select(graph, "activity-details", sets):
            record = flows.activities.get(act)
            if record is not None:
                _add_link(flows, record, str(kind), target)
    flows._labels.clear()
    if details is True:
        read_details(graph, flows)
    elif details:
        kinds = set(details)
        read_details(graph, flows, [n for n, info in flows.nodes.items() if info.kind in kinds])
    return flows


def _add_link(flows: Flows, record: ActivityFlow, kind: str, target: Node) -> None:
    record.links.setdefault(kind, {}).setdefault(target, False)
    if target not in flows.nodes:
        flows.nodes[target] = NodeInfo(target, NODE_KINDS.get(kind, kind))


def _read_link_rows(graph: Graph, sets: list[dict[str, Node]], flows: Flows) -> None:
    """Activities and links one row per link (activity-links.rq, inferred-links.rq): the reference reader,
    and the one for registers whose links point at blank nodes or literals."""
    typed: set[URIRef] = set()
    fresh: dict[URIRef, ActivityFlow] = {}
    for act, kind, target, anchor in select(graph, "activity-links", sets):
        kind = str(kind)
        record = flows.activities.get(act) or fresh.get(act)
        if record is None:
            record = fresh[act] = ActivityFlow(act)
        record.anchors.add(anchor)
        if kind == "type":
            if target == DPV.Process:
                typed.add(act)
        elif kind == "label":
            if isinstance(target, Literal):
                record.labels.add(target)
        elif kind == "section":
            record.section = target
        else:
            _add_link(flows, record, kind, target)
    # Only dpv:Process nodes are activities (a node can match `?act via anchor` without being one).
    for act, record in fresh.items():
        if act in typed:
            flows.activities[act] = record
    for act, predicate, target in select(graph, "inferred-links", sets):
        record = flows.activities.get(act)
        kind = _PREDICATE_KINDS.get(predicate)
        if record is not None and kind is not None and target in record.targets(kind):
            record.links[kind][target] = True


# token of activity-link-lists.rq → its rdflib term (URIRef, or Literal for a label), reused across reads
_TOKEN_TERMS: dict[str, Node] = {}
# one-letter link codes of activity-link-lists.rq → link kinds of activity-links.rq
_LINK_CODES = {"s": "subject", "c": "category", "y": "system", "r": "recipient", "t": "third-country", "o": "location"}


def _read_link_lists(graph: Graph, sets: list[dict[str, Node]], flows: Flows, skip: URIRef | None = None) -> bool:
    """Activities and links one row per activity (activity-link-lists.rq): what :func:`_read_link_rows`
    reads, with the engine doing the per-link work (Oxigraph answers a 1,831-activity trace ~3x faster
    this way, and Python turns 1,831 rows into records instead of 33,000). False, having read nothing into
    ``flows``, when a link points at a blank node or a literal (the text form cannot carry those). With
    ``skip``, links by that predicate are not read, except each activity's link to its anchor."""
    from urllib.parse import unquote

    rows = select(graph, "activity-link-lists", [{**s, "without": skip} for s in sets] if skip is not None else sets)
    anchor_kind = _PREDICATE_KINDS.get(sets[0]["via"]) if skip is not None and sets else None
    if anchor_kind is not None and _PREDICATE_KINDS.get(skip) != anchor_kind:
        anchor_kind = None  # the anchor links are read with the others
    terms = _TOKEN_TERMS
    if len(terms) > 200_000:
        terms.clear()

    def term(token: str) -> Node:
        """The IRI or label a token names (memoised: answers repeat the same few thousand)."""
        found = terms.get(token)
        if found is None:
            if token[0] == "L":
                lang, _, text = token[1:].partition("@")
                found = Literal(unquote(text), lang=lang or None)
            else:
                found = URIRef(token[2:] if token[0] == "i" else token[1:])
            terms[token] = found
        return found

    parsed: list[tuple[URIRef, Node, list[str]]] = []
    for act, anchor, links in rows:
        tokens = str(links).split(" ") if links is not None else []
        if "!" in tokens:
            return False
        parsed.append((act, anchor, tokens))
    nodes = flows.nodes
    fresh: dict[URIRef, ActivityFlow] = {}
    typed: set[URIRef] = set()
    for act, anchor, tokens in parsed:
        record = flows.activities.get(act) or fresh.get(act)
        if record is None:
            record = fresh[act] = ActivityFlow(act)
        record.anchors.add(anchor)
        if anchor_kind is not None:
            _add_link(flows, record, anchor_kind, anchor)  # `?act via anchor` is itself one of the skipped links
        links = record.links
        sections: list[URIRef] = []
        inferred: list[str] = []
        for token in tokens:
            code = token[:1]
            kind = _LINK_CODES.get(code)
            if kind is not None:
                target = term(token)
                targets = links.get(kind)
                if targets is None:
                    targets = links[kind] = {}
                if target not in targets:
                    targets[target] = False
                if target not in nodes:
                    nodes[target] = NodeInfo(target, NODE_KINDS[kind])
            elif code == "L":
                record.labels.add(term(token))
            elif code == "P":
                typed.add(act)
            elif code == "g":
                sections.append(term(token))
            elif code == "i":
                inferred.append(token)
        if sections:  # as activity-links.rq's ORDER BY leaves it: the last section in SPARQL order
            record.section = max(sections, key=str)
        for token in inferred:
            targets = links.get(_LINK_CODES.get(token[1:2], ""), {})
            target = term(token)
            if target in targets:
                targets[target] = True
    for act, record in fresh.items():
        if act in typed:
            flows.activities[act] = record
    return True


_PREDICATE_KINDS = {
    DPV.hasDataSubject: "subject",
    DPV.hasPersonalData: "category",
    DPV.isImplementedUsingTechnology: "system",
    DPV.hasRecipient: "recipient",
    DPV.hasThirdCountry: "third-country",
    DPV.hasLocation: "location",
}


def read_details(graph: Graph, flows: Flows, nodes: Iterable[Node] | None = None) -> None:
    """Labels of the nodes in ``flows`` (or ``nodes``), systems' providers and countries (node-details.rq),
    and which of those countries the importer inferred (inferred-countries.rq)."""
    wanted = [n for n in (flows.nodes if nodes is None else nodes) if isinstance(n, (URIRef, BNode))]
    wanted = [n for n in wanted if n in flows.nodes and flows.nodes[n].kind not in ("country", "location")]
    flows._labels.clear()
    guessed = set(select(graph, "inferred-countries", [{}])) if wanted else set()
    for node, label, provider, provider_label, provider_country, country, duration in select(
        graph, "node-details", [{"node": n} for n in sorted(wanted, key=str)]
    ):
        info = flows.nodes[node]
        if duration is not None:
            info.duration = str(duration) if isinstance(duration, Literal) else re.split(r"[#/]", str(duration))[-1]
        if label is not None:
            info.labels.add(label)
        if country is not None:
            info.country = country
            info.country_inferred = (node, country) in guessed
        if provider is not None:
            info.provider = provider
            vendor = flows.node(provider, "provider")
            if provider_label is not None:
                vendor.labels.add(provider_label)
            if provider_country is not None:
                vendor.country = provider_country
                vendor.country_inferred = (provider, provider_country) in guessed


# -- the networkx projection --------------------------------------------------------------------------

def flow_graph(graph: Graph, lang: str | None = None) -> "nx.DiGraph":
    """The whole register as a ``networkx.DiGraph`` of its data flow.

    Node ids are IRI strings. Node attributes: ``kind`` (one of :data:`KINDS`), ``label``, ``iri``,
    ``special`` and ``national_id`` (categories), ``outside_eea`` (countries outside the EEA, and the
    recipients / providers / systems / activities that reach one), ``country`` (ISO code or None),
    ``section`` (activities: the gg: section IRI or None) and ``subjects`` (activities:
    ``{subject id: inferred}``).
    Edges: subject → category (attribute ``activities``: ``{activity id: inferred}``), category →
    activity, activity → system / recipient / country / location, system → provider, provider →
    country, recipient → country. Every edge has ``inferred`` (True when only the importer's guess
    supports it).
    """
    return project(graph, read_flows(graph, RDF.type, [DPV.Process]), lang)


def project(graph: Graph, flows: Flows, lang: str | None = None) -> "nx.DiGraph":
    """A :class:`Flows` record set as a networkx graph (see :func:`flow_graph`)."""
    import networkx as nx

    flow = nx.DiGraph()
    flags = category_flags(graph)

    def add_node(iri: Node, kind: str) -> str:
        node_id = str(iri)
        if node_id not in flow:
            attrs = dict(kind=kind, iri=node_id, label=flows.label(iri, lang), special=False,
                         national_id=False, outside_eea=False, country=None)
            if kind == "category":
                attrs["special"], attrs["national_id"] = flags.get(iri, (False, False))
            if kind in ("country", "location"):
                attrs["outside_eea"] = eea_status(iri) is False
                attrs["country"] = country_code(iri)
            flow.add_node(node_id, **attrs)
        return node_id

    def add_place(owner: str, place: Node | None, inferred: bool = False) -> None:
        if place is None:
            return
        place_id = add_node(place, "country")
        flow.add_edge(owner, place_id, inferred=inferred)
        flow.nodes[owner]["country"] = country_code(place)
        if flow.nodes[place_id]["outside_eea"]:
            flow.nodes[owner]["outside_eea"] = True

    for act, record in sorted(flows.activities.items(), key=lambda x: str(x[0])):
        a = add_node(act, "activity")
        flow.nodes[a]["section"] = str(record.section) if record.section else None
        subjects = {add_node(s, "subject"): i for s, i in sorted(record.targets("subject").items(), key=lambda x: str(x[0]))}
        flow.nodes[a]["subjects"] = subjects
        for cat, inferred in sorted(record.targets("category").items(), key=lambda x: str(x[0])):
            c = add_node(cat, "category")
            flow.add_edge(c, a, inferred=inferred)
            for s, s_inferred in subjects.items():
                if not flow.has_edge(s, c):
                    flow.add_edge(s, c, activities={}, inferred=True)
                edge = flow.edges[s, c]
                # setdefault: the edge may exist already as another kind (a node that is both a data subject
                # and a data category or activity, in hand-written RDF)
                edge.setdefault("activities", {})[a] = s_inferred
                edge["inferred"] = all(edge["activities"].values())
        for kind in ("system", "recipient"):
            for target, inferred in sorted(record.targets(kind).items(), key=lambda x: str(x[0])):
                t = add_node(target, kind)
                flow.add_edge(a, t, inferred=inferred)
                info = flows.nodes[target]
                if kind == "system" and info.provider is not None:
                    p = add_node(info.provider, "provider")
                    flow.add_edge(t, p, inferred=False)
                    vendor = flows.nodes[info.provider]
                    add_place(p, vendor.country, vendor.country_inferred)
                    if flow.nodes[p]["outside_eea"]:
                        flow.nodes[t]["outside_eea"] = True
                elif kind == "recipient":
                    add_place(t, info.country, info.country_inferred)
                if flow.nodes[t]["outside_eea"]:
                    flow.nodes[a]["outside_eea"] = True
        for kind in ("third-country", "location"):
            for place, inferred in sorted(record.targets(kind).items(), key=lambda x: str(x[0])):
                p = add_node(place, NODE_KINDS[kind])
                flow.add_edge(a, p, inferred=inferred)
                if flow.nodes[p]["outside_eea"]:
                    flow.nodes[a]["outside_eea"] = True
    return flow


def _as_ids(values: Iterable | str | URIRef | None) -> set[str] | None:
    if values is None:
        return None
    if isinstance(values, (str, URIRef)):
        return {str(values)}
    return {str(v) for v in values}


def trace_nodes(
    flow: "nx.DiGraph",
    categories: Iterable[URIRef | str],
    subject: Iterable[URIRef | str] | URIRef | str | None = None,
) -> set[str]:
    """Node ids on the trace of ``categories`` (register category IRIs, e.g. from
    :func:`gdprgraph.vocabulary.resolve`), optionally only through activities about ``subject`` (one or
    more subject IRIs; inferred subject links count). The set holds the categories that reach a kept
    activity, the kept activities, their subjects (only the wanted ones when ``subject`` is given), and
    everything downstream of the activities: systems, providers, recipients, countries, locations."""
    import networkx as nx

    wanted_subjects = _as_ids(subject)
    nodes: set[str] = set()
    for cat in sorted(_as_ids(categories) or ()):
        if cat not in flow:
            continue
        for act in flow.successors(cat):
            if flow.nodes[act].get("kind") != "activity":
                continue
            act_subjects = set(flow.nodes[act].get("subjects", {}))
            if wanted_subjects is not None:
                act_subjects &= wanted_subjects
                if not act_subjects:
                    continue
            nodes.update((cat, act), act_subjects)
            nodes.update(nx.descendants(flow, act))
    return nodes
