"""SHACL validation of a register: ``validate_graph(graph) → Report(conforms, findings, graph)``.

The rules are data (``shapes/*.ttl``): each rule is one named shape with ``sh:name`` (the public rule id),
``sh:severity``, an ``sh:message`` citing the article, ``ggsh:article`` and ``ggsh:hint``, the texts once per
language (``MESSAGE_LANGUAGES``: English and Dutch). Constraints are
SHACL Core; rules that apply to some activities only pick them with a SPARQL-based target (one query per
rule). Validation runs on the union of the register and the vocabulary (pyshacl's ``ont_graph`` does not
carry DPV's punned types), with no inference and no network. Findings point at the activity (or the
controller); this module makes each message specific (the category, recipient, provider or country
involved) and says when a finding rests on a link the importer inferred, in the register's language (or the
one asked for): the phrases it composes are in ``_PHRASES``, one table per language.

This is the only module that imports pyshacl.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Callable, Iterable

from rdflib import RDF, RDFS, SKOS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from gdprgraph.errors import GdprGraphError
from gdprgraph.namespaces import DPV, GG, LOC, PD, PREFIXES, TECH, bind_prefixes

log = logging.getLogger(__name__)

SH = Namespace("http://www.w3.org/ns/shacl#")
GGSH = Namespace("https://w3id.org/gdprgraph/shapes#")
GGO = PREFIXES["gg"]  # open namespace: terms of ontology/gdprgraph.ttl not (yet) listed in namespaces.GG

SEVERITIES = ("violation", "warning", "info")
_SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
_RANK = {name: n for n, name in enumerate(SEVERITIES)}

_SPECIAL = DPV.SpecialCategoryPersonalData
_CRIMINAL = frozenset({PD.Criminal})  # pd:CriminalConviction, -Offence, -Charge, -Pardon are skos:broader it
_NATIONAL_ID = GGO.NationalIdentificationNumber
_INSIDE = frozenset({LOC.EEA, LOC.EU})
_RECIPIENT_PROPS = (DPV.hasRecipient, DPV.hasDataProcessor)
_LABEL_PROPS = (RDFS.label, SKOS.prefLabel, DPV.hasName)
_KIND_NAMES = {  # the type of an unmapped term → its key in _PHRASES["kinds"]
    DPV.PersonalData: "data category",
    DPV.DataSubject: "data subject",
    DPV.HumanSubject: "data subject",
    DPV.LegalBasis: "legal basis",
    DPV.Country: "country",
    TECH.ProvisionMethod: "system type",
}
_SECTION_NAMES = {GG.ClientSystemSection: "client", GG.EmployeeSystemSection: "employee"}  # → _PHRASES["sections"]

# The languages of the messages, descriptions and hints (each rule shape has them @en and @nl).
MESSAGE_LANGUAGES = ("en", "nl")

# The fragments the composers below add to a rule's message (the category, party, country, provenance).
# Translate here, not in the composers; every language has every key (tests/test_validate.py checks).
_PHRASES: dict[str, dict] = {
    "en": {
        "no_name": "no name",
        "no_contact": "no contact details",
        "and": " and ",
        "recipient": 'recipient "{recipient}"',
        "provider": 'provider "{provider}" of system "{system}"',
        "located": "{parties} in {country}",
        "third_country": "third country {country}",
        "inferred": "(inferred link)",
        "inferred_section": "(inferred link: system listed for the {sections} section)",
        "inferred_sections": "(inferred link: system listed for the {sections} sections)",
        "inferred_register": "(inferred link: system listed for the register, not for this activity)",
        "inferred_subject": "(inferred link: data subject guessed from the data categories)",
        "term": '{kind} "{label}"',
        "sections": {"client": "client", "employee": "employee"},
        "kinds": {"data category": "data category", "data subject": "data subject", "legal basis": "legal basis",
                  "country": "country", "system type": "system type", "label": "label"},
        "unnamed": "(unnamed)",
    },
    "nl": {
        "no_name": "geen naam",
        "no_contact": "geen contactgegevens",
        "and": " en ",
        "recipient": 'ontvanger "{recipient}"',
        "provider": 'leverancier "{provider}" van systeem "{system}"',
        # "(land: …)", not "in …": Dutch country names differ in their article (in België, in de Verenigde
        # Staten, in het Verenigd Koninkrijk) and the names come from the vocabulary without one
        "located": "{parties} (land: {country})",
        "third_country": "derde land: {country}",
        "inferred": "(afgeleid verband)",
        "inferred_section": "(afgeleid verband: systeem vermeld bij de systemen voor {sections})",
        "inferred_sections": "(afgeleid verband: systeem vermeld bij de systemen voor {sections})",
        "inferred_register": "(afgeleid verband: systeem vermeld voor het hele register, niet voor deze "
                             "verwerkingsactiviteit)",
        "inferred_subject": "(afgeleid verband: categorie van betrokkenen afgeleid uit de categorieën van "
                            "persoonsgegevens)",
        "term": '{kind} "{label}"',
        "sections": {"client": "klantgegevens", "employee": "medewerkersgegevens"},
        "kinds": {"data category": "categorie van persoonsgegevens", "data subject": "categorie van betrokkenen",
                  "legal basis": "grondslag", "country": "land", "system type": "type systeem", "label": "term"},
        "unnamed": "(zonder naam)",
    },
}


def message_language(lang: str | None, register_language: str | None) -> str:
    """The language of the findings: ``lang`` when given ("en", "nl"), else the register's language
    (``dct:language``, "nl-BE" counts as "nl") when the messages exist in it, else English."""
    if lang is not None:
        if lang not in MESSAGE_LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(MESSAGE_LANGUAGES)} (or None), not {lang!r}")
        return lang
    primary = (register_language or "").split("-")[0].lower()
    return primary if primary in MESSAGE_LANGUAGES else "en"
_SYSTEM_SECTION = {GG.ClientSection: GG.ClientSystemSection, GG.EmployeeSection: GG.EmployeeSystemSection}


# -- the catalogue ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One rule of the catalogue, read from its shape."""

    id: str
    article: str | None
    severity: str
    description: str
    message: str
    hint: str
    shape: str
    order: int

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k != "order"}


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """All shapes files, parsed once per process."""
    from gdprgraph.resources import shape_files

    graph = Graph()
    files = shape_files()
    if not files:
        raise GdprGraphError("no SHACL shapes found (shapes/*.ttl is missing from this installation)")
    for path in files:
        graph.parse(path, format="turtle")
    bind_prefixes(graph)
    graph.bind("sh", SH)
    graph.bind("ggsh", GGSH)
    return graph


def _text(graph: Graph, shape, prop, lang: str) -> str:
    """The shape's ``prop`` in ``lang``, else in English, else "" (a rule is never left without text)."""
    texts = {(o.language if isinstance(o, Literal) else None): str(o) for o in graph.objects(shape, prop)}
    for want in (lang, "en", None):
        if want in texts:
            return texts[want]
    return ""


@lru_cache(maxsize=None)  # one entry per language (and per call spelling)
def rules(lang: str = "en") -> tuple[Rule, ...]:
    """The rule catalogue in its documented order, its texts (description, message, hint) in ``lang``."""
    if lang not in MESSAGE_LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(MESSAGE_LANGUAGES)}, not {lang!r}")
    graph = shapes_graph()
    found = []
    for shape, name in graph.subject_objects(SH.name):
        if not isinstance(shape, URIRef) or (shape, SH.severity, None) not in graph:
            continue  # sh:name on a nested property shape is a display name, not a rule
        article = graph.value(shape, GGSH.article)
        order = graph.value(shape, SH.order)
        found.append(
            Rule(
                id=str(name),
                article=str(article) if article is not None else None,
                severity=_SEVERITY[graph.value(shape, SH.severity)],
                description=_text(graph, shape, SH.description, lang),
                message=_text(graph, shape, SH.message, lang),
                hint=_text(graph, shape, GGSH.hint, lang),
                shape=str(shape),
                order=int(order.toPython()) if order is not None else 999,
            )
        )
    return tuple(sorted(found, key=lambda r: (r.order, r.id)))


def _rule_for(shape, by_shape: dict[URIRef, Rule]) -> Rule | None:
    """The rule a result's source shape belongs to (the shape itself, or a rule that contains it)."""
    graph = shapes_graph()
    seen = set()
    todo = [shape]
    while todo:
        node = todo.pop()
        if node in by_shape:
            return by_shape[node]
        if node in seen:
            continue
        seen.add(node)
        todo.extend(graph.subjects(None, node))
    return None


# -- the report ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    severity: str
    rule: str
    article: str | None
    focus: str
    label: str
    message: str
    hint: str
    inferred: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    conforms: bool
    findings: list[Finding]
    graph: Graph
    lang: str = "en"  # the language of the messages and hints

    @property
    def counts(self) -> dict[str, int]:
        counts = {name: 0 for name in SEVERITIES}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def fails(self, fail_on: str = "violation") -> bool:
        """True when a finding is at or above ``fail_on`` ("violation" or "warning")."""
        if fail_on not in ("violation", "warning", "info"):
            raise ValueError(f"fail_on must be violation, warning or info, not {fail_on!r}")
        return any(_RANK[f.severity] <= _RANK[fail_on] for f in self.findings)

    def as_dict(self) -> dict:
        return {
            "conforms": self.conforms,
            "counts": self.counts,
            "findings": [f.as_dict() for f in self.findings],
        }


VALIDATORS = ("auto", "fast", "pyshacl")


def validate_graph(graph: Graph, vocabulary: Graph | None = None, validator: str = "auto",
                   lang: str | None = None) -> Report:
    """Check a register graph against the rule catalogue (register + vocabulary, no inference, offline).

    ``validator``: "fast" evaluates the shapes with gdprgraph.shacl_fast on an Oxigraph store (memoised
    look-ups and helper-shape answers instead of pySHACL's per-node generic calls); "pyshacl" is the
    reference SHACL engine; "auto" picks "fast" for Oxigraph and endpoint graphs and "pyshacl" for
    rdflib's memory store (the reference the tests compare against). Rules using a construct the fast
    evaluator does not cover run on pySHACL either way; findings are identical.

    ``lang``: the language of the messages and hints, "en" or "nl"; None: the register's language
    (``dct:language``) when the messages exist in it, else English. The SHACL report graph carries the
    messages in that language, language-tagged.
    """
    from gdprgraph.stores import is_oxigraph, local_copy

    if validator not in VALIDATORS:
        raise ValueError(f"validator must be one of {', '.join(VALIDATORS)}, not {validator!r}")
    if lang is not None:
        message_language(lang, None)  # a bad value fails before the work
    graph = local_copy(graph)  # a SPARQL endpoint's register: fetched once, then validated as on Oxigraph
    if vocabulary is None:
        from gdprgraph.vocabulary import vocabulary_graph

        vocabulary = vocabulary_graph()
    if validator == "auto":
        validator = "fast" if is_oxigraph(graph) else "pyshacl"
    if validator == "fast" or is_oxigraph(graph):
        # a native store of register + vocabulary (pySHACL's SPARQL-based targets run natively there too)
        data, store = _oxigraph_data(graph, vocabulary)
    else:
        data = Graph()
        data += graph
        data += vocabulary
        store = data
    if validator == "fast":
        results = _fast_results(store)
    else:
        results = _pyshacl_results(store, shapes_graph())
    bind_prefixes(results)
    results.bind("sh", SH)
    ctx = _Context(data, lang, vocabulary)
    findings = _findings(ctx, results)
    conforms = not any(f.severity == "violation" for f in findings)
    return Report(conforms=conforms, findings=findings, graph=results, lang=ctx.message_lang)


def holds_register(graph: Graph) -> bool:
    """True when the graph has an activity, a register node or a controller: a graph without any (a FOAF
    file, a vocabulary) would otherwise "conform" to every rule, which reads as a clean bill of health."""
    from gdprgraph.query import run_query

    return bool(run_query(graph, "register-nodes"))


def _pyshacl_results(target, shapes: Graph) -> Graph:
    import pyshacl

    # advanced: the SPARQL-based targets (sh:SPARQLTarget) of the conditional rules; inplace: ``target`` is
    # already our own copy, so pyshacl need not clone it again (it adds nothing: there are no sh:rule).
    _conforms, results, _text = pyshacl.validate(
        target,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        inplace=True,
        allow_warnings=True,
        abort_on_first=False,
        meta_shacl=False,
        do_owl_imports=False,
        js=False,
    )
    return results


# -- the fast validator ------------------------------------------------------------------------------------


def _fast_results(store) -> Graph:
    """Every rule the fast evaluator covers, as a SHACL validation report; the rest on pySHACL."""
    from gdprgraph.shacl_fast import Evaluator, Unsupported, copy_node

    shapes = shapes_graph()
    evaluator = Evaluator(shapes, store)
    runs, left = [], []
    for rule in rules():
        try:
            runs.append(evaluator.check_rule(URIRef(rule.shape)))
        except Unsupported as why:
            log.info("rule %s runs on pySHACL (%s)", rule.id, why)
            left.append(URIRef(rule.shape))
    results = Graph()
    report = BNode()
    results.add((report, RDF.type, SH.ValidationReport))
    conforms = True
    per_shape: dict = {}  # source shape → (severity, messages, path copied once into the report)
    for run in runs:
        for found in run():
            if found.source_shape not in per_shape:
                path = copy_node(shapes, found.path, results) if found.path is not None else None
                per_shape[found.source_shape] = (shapes.value(found.source_shape, SH.severity) or SH.Violation,
                                                 list(shapes.objects(found.source_shape, SH.message)), path)
            severity, messages, path = per_shape[found.source_shape]
            conforms = conforms and severity != SH.Violation
            result = BNode()
            results.add((report, SH.result, result))
            results.add((result, RDF.type, SH.ValidationResult))
            results.add((result, SH.focusNode, found.focus))
            results.add((result, SH.resultSeverity, severity))
            results.add((result, SH.sourceShape, found.source_shape))
            results.add((result, SH.sourceConstraintComponent, found.component))
            if path is not None:
                results.add((result, SH.resultPath, path))
            if found.value is not None:
                results.add((result, SH.value, found.value))
            for message in messages:
                results.add((result, SH.resultMessage, message))
    results.add((report, SH.conforms, Literal(conforms)))
    if left:  # pySHACL for the others, with the rules done here switched off
        others = Graph()
        others += shapes
        for rule in rules():
            if URIRef(rule.shape) not in left:
                others.add((URIRef(rule.shape), SH.deactivated, Literal(True)))
        _merge_results(results, _pyshacl_results(store, others))
    return results


def _merge_results(results: Graph, more: Graph) -> None:
    report = results.value(predicate=RDF.type, object=SH.ValidationReport)
    other = more.value(predicate=RDF.type, object=SH.ValidationReport)
    for result in more.objects(other, SH.result):
        results.add((report, SH.result, result))
    for triple in more:
        if triple[0] != other:
            results.add(triple)
    if more.value(other, SH.conforms) == Literal(False):
        results.set((report, SH.conforms, Literal(False)))


def pyshacl_oxigraph_shim() -> None:
    """Keep pyshacl linear on an Oxigraph data graph (pyshacl 0.40.1).

    pyshacl builds every validation result with ``datagraph or sg`` (constraints/constraint_component.py,
    ``make_v_result``). ``OxigraphDataGraph`` has no ``__bool__``, so Python falls back to ``__len__``, a
    ``COUNT(DISTINCT …)`` over the whole store, once per result: O(results × triples), 22.6 s instead of
    1.2 s at 1,000 activities and killed after 300 s at 10,000 (measured: perf-anchors.md §3, "pyshacl
    0.40.1 + Oxigraph blows up quadratically"). A data graph is never empty here, so it is always true.
    Remove when pyshacl defines ``__bool__`` (tests/test_validate_scale.py fails loudly if the class moves).
    """
    from pyshacl.graph_abstraction import OxigraphDataGraph

    if "__bool__" not in OxigraphDataGraph.__dict__:
        OxigraphDataGraph.__bool__ = lambda self: True  # type: ignore[attr-defined]
    # A literal where a node is expected (``dpv:hasRecipient "Acme"``) becomes a focus node of the nested
    # shapes; ``triples`` and ``__contains__`` answer nothing for a literal subject, but ``objects`` and
    # ``predicate_objects`` hand it to Oxigraph, which raises TypeError. A literal has no outgoing triples.
    for name in ("objects", "predicate_objects"):
        method = OxigraphDataGraph.__dict__.get(name)
        if method is not None and not getattr(method, "_gdprgraph_literal_subjects", False):
            setattr(OxigraphDataGraph, name, _no_literal_subjects(method))


def _no_literal_subjects(method: Callable) -> Callable:
    def wrapper(self, subject, *args, **kwargs):
        if isinstance(subject, Literal):
            return iter(())
        return method(self, subject, *args, **kwargs)

    wrapper._gdprgraph_literal_subjects = True  # type: ignore[attr-defined]
    return wrapper


@lru_cache(maxsize=4)
def _vocabulary_ntriples(vocabulary: Graph) -> bytes:
    return vocabulary.serialize(format="nt", encoding="utf-8")


def _oxigraph_data(graph: Graph, vocabulary: Graph):
    """(rdflib view, pyoxigraph store) of register + vocabulary in a fresh in-memory Oxigraph store."""
    import pyoxigraph as ox
    from oxrdflib import OxigraphStore
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from gdprgraph.stores import ntriples

    pyshacl_oxigraph_shim()
    store = ox.Store()
    store.load(input=ntriples(graph), format=ox.RdfFormat.N_TRIPLES)
    store.load(input=_vocabulary_ntriples(vocabulary), format=ox.RdfFormat.N_TRIPLES)
    return Graph(store=OxigraphStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID), store


def _findings(ctx: _Context, results: Graph) -> list[Finding]:
    data = ctx.graph
    by_shape = {URIRef(rule.shape): rule for rule in rules(ctx.message_lang)}
    keyed = []
    for result in results.objects(None, SH.result):  # top-level results (not their sh:detail)
        focus = results.value(result, SH.focusNode)
        shape = results.value(result, SH.sourceShape)
        value = results.value(result, SH.value)
        rule = _rule_for(shape, by_shape)
        if rule is None:  # a shape someone added without sh:name: still report it
            log.warning("validation result from a shape without a rule id: %s", shape)
            rule = Rule(str(shape), None, "violation", "", "", "", str(shape), 999)
        severity = _SEVERITY.get(results.value(result, SH.resultSeverity), rule.severity)
        composer = _COMPOSERS.get(rule.id)
        evidence = composer(ctx, focus, value) if composer else []
        message = rule.message or _message_in(results, result, ctx.message_lang) or rule.id
        if evidence:
            message += ": " + "; ".join(e.text for e in evidence)
        inferred = bool(evidence) and all(e.inferred for e in evidence)
        results.set((result, SH.resultMessage, Literal(message, lang=ctx.message_lang)))
        finding = Finding(
            severity=severity,
            rule=rule.id,
            article=rule.article,
            focus=str(focus),
            label=ctx.label(focus),
            message=message,
            hint=rule.hint,
            inferred=inferred,
        )
        is_activity = (focus, RDF.type, DPV.Process) in data
        keyed.append(((int(is_activity), finding.label.casefold(), finding.focus, _RANK[severity], rule.id, message), finding))
    return [finding for _, finding in sorted(keyed, key=lambda item: item[0])]


def _message_in(results: Graph, result, lang: str) -> str | None:
    """The engine's sh:resultMessage in ``lang``, else in English, else any (a shape without a rule id)."""
    texts = {(m.language if isinstance(m, Literal) else None): str(m) for m in results.objects(result, SH.resultMessage)}
    for want in (lang, "en", None):
        if want in texts:
            return texts[want]
    return next(iter(texts.values()), None)


# -- specific messages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Evidence:
    text: str
    inferred: bool = False


class _Context:
    """Look-ups on the validated graph for composing messages (memoised broader closures).

    ``lang`` is the register's language (labels are read in it first); ``message_lang`` the language of the
    messages (see :func:`message_language`), ``say`` its phrase table."""

    def __init__(self, graph: Graph, lang: str | None = None, vocabulary: Graph | None = None) -> None:
        self.graph = graph
        self.vocabulary = vocabulary if vocabulary is not None else graph
        self._closures: dict = {}
        self._inferred: dict = {}
        languages = [str(lang) for lang in graph.objects(None, DCTERMS.language)]
        self.lang = languages[0] if len(languages) == 1 else None
        self.message_lang = message_language(lang, self.lang)
        self.say = _PHRASES[self.message_lang]

    def inferred_links_of(self, act) -> set:
        """{(predicate, object)} of the links from ``act`` the importer inferred (gg:InferredLink statements);
        looked up per activity with a finding, not for the whole register (1.3 s at 10,000 activities)."""
        if act not in self._inferred:
            g = self.graph
            self._inferred[act] = {
                (g.value(stmt, RDF.predicate), g.value(stmt, RDF.object))
                for stmt in g.subjects(RDF.subject, act) if (stmt, RDF.type, GG.InferredLink) in g
            }
        return self._inferred[act]

    def closure(self, node) -> frozenset:
        """The node and everything it is skos:broader* of."""
        if node not in self._closures:
            self._closures[node] = frozenset(self.graph.transitive_objects(node, SKOS.broader))
        return self._closures[node]

    def label(self, node) -> str:
        if isinstance(node, Literal):
            return str(node)
        # sorted: with two labels in one language, the same one on every engine (store order differs)
        candidates = [o for p in _LABEL_PROPS for o in sorted(self.graph.objects(node, p), key=str)
                      if isinstance(o, Literal)]
        for want in (self.lang, "en", None):  # None: any language
            for literal in candidates:
                if want is None or (literal.language or "") == want:
                    return str(literal)
        if isinstance(node, BNode):
            return self.say["unnamed"]
        return str(node).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def country_name(self, country) -> str:
        """The country's name in the message language: its own label in that language, else the vocabulary's
        first label for it in that language (the name the report shows), else :meth:`label`. English
        messages use :meth:`label` as they always did (DPV's English names)."""
        want = self.message_lang
        if want != "en" and not isinstance(country, Literal):
            own = sorted(str(o) for p in _LABEL_PROPS for o in self.graph.objects(country, p)
                         if isinstance(o, Literal) and o.language == want)
            if own:
                return own[0]
            for label in self.vocabulary.objects(country, GG.matchLabel):  # in file order, like the report
                if isinstance(label, Literal) and label.language == want:
                    return str(label)
        return self.label(country)

    def outside_eea(self, country) -> bool:
        return not (self.closure(country) & _INSIDE) and (country, GG.unmapped, Literal(True)) not in self.graph

    def inferred_note(self, act, prop, node) -> str | None:
        """' (inferred link: …)' when the importer inferred the link act → node, else None."""
        if (prop, node) not in self.inferred_links_of(act):
            return None
        if prop == DPV.isImplementedUsingTechnology:
            listed = set(self.graph.objects(node, GG.section))
            own = {_SYSTEM_SECTION.get(s) for s in self.graph.objects(act, GG.section)} & listed
            names = self.say["sections"]
            sections = sorted(names[_SECTION_NAMES[s]] if s in _SECTION_NAMES else self.label(s) for s in (own or listed))
            if sections:
                key = "inferred_sections" if len(sections) > 1 else "inferred_section"
                return self.say[key].format(sections=self.say["and"].join(sections))
            return self.say["inferred_register"]
        if prop == DPV.hasDataSubject:
            return self.say["inferred_subject"]
        return self.say["inferred"]

    def categories_under(self, act, roots: Iterable) -> list[_Evidence]:
        """Categories of ``act`` that are (skos:broader*) under one of ``roots``, named with their DPV type."""
        roots = frozenset(roots)
        found = []
        for cat in self.graph.objects(act, DPV.hasPersonalData):
            closure = self.closure(cat)
            if not closure & roots:
                continue
            # name the DPV concept(s) the register's category maps to, when that is not the root itself
            kinds = sorted(
                {self.label(k) for k in self.graph.objects(cat, SKOS.broader) if k not in roots and self.closure(k) & roots}
            )
            text = f'"{self.label(cat)}"' + (f" ({', '.join(kinds)})" if kinds else "")
            found.append(_Evidence(text, False))
        return sorted(found, key=lambda e: e.text.casefold())

    def outside_parties(self, act, third_countries: bool) -> list[_Evidence]:
        """Recipients, system providers (and, if asked, named third countries) outside the EEA, grouped by
        country and provenance: 'recipient "X", provider "Y" of system "Z" in United States (inferred link: …)'."""
        g = self.graph
        items: set[tuple[str, str, str | None]] = set()  # (party, country, inferred note)
        for prop in _RECIPIENT_PROPS:
            for recipient in g.objects(act, prop):
                for country in g.objects(recipient, DPV.hasCountry):
                    if self.outside_eea(country):
                        note = self.inferred_note(act, prop, recipient)
                        party = self.say["recipient"].format(recipient=self.label(recipient))
                        items.add((party, self.country_name(country), note))
        for system in g.objects(act, DPV.isImplementedUsingTechnology):
            for provider in g.objects(system, TECH.hasProvider):
                for country in g.objects(provider, DPV.hasCountry):
                    if self.outside_eea(country):
                        note = self.inferred_note(act, DPV.isImplementedUsingTechnology, system)
                        party = self.say["provider"].format(provider=self.label(provider), system=self.label(system))
                        items.add((party, self.country_name(country), note))
        groups: dict[tuple[str, str | None], list[str]] = {}
        for party, country, note in items:
            groups.setdefault((country, note), []).append(party)
        found = []
        for (country, note), parties in groups.items():
            text = self.say["located"].format(parties=", ".join(sorted(parties, key=str.casefold)), country=country)
            found.append(_Evidence(text + (f" {note}" if note else ""), note is not None))
        if third_countries:
            for country in set(g.objects(act, DPV.hasThirdCountry)):
                if self.outside_eea(country):
                    found.append(_Evidence(self.say["third_country"].format(country=self.country_name(country))))
        return sorted(found, key=lambda e: (e.inferred, e.text.casefold()))


def _controller_identity(ctx: _Context, focus, _value) -> list[_Evidence]:
    g = ctx.graph
    missing = []
    if not any((focus, p, None) in g for p in (DPV.hasName, RDFS.label)):
        missing.append(ctx.say["no_name"])
    if not any((focus, p, None) in g for p in (DPV.hasContact, DPV.hasAddress, GG.privacyContact, DPV.hasDataProtectionOfficer)):
        missing.append(ctx.say["no_contact"])
    return [_Evidence(ctx.say["and"].join(missing))] if missing else []


def _retention_texts(ctx: _Context, focus, _value) -> list[_Evidence]:
    texts = sorted({f'"{ctx.label(r)}"' for r in ctx.graph.objects(focus, DPV.hasStorageCondition)})
    return [_Evidence(t) for t in texts]


def _unmapped(ctx: _Context, focus, value) -> list[_Evidence]:
    if value is None:
        return []
    kinds = sorted({_KIND_NAMES[t] for t in ctx.graph.objects(value, RDF.type) if t in _KIND_NAMES})
    text = ctx.say["term"].format(kind=ctx.say["kinds"][kinds[0] if kinds else "label"], label=ctx.label(value))
    notes = {ctx.inferred_note(focus, p, value) for p in (DPV.hasDataSubject, DPV.hasPersonalData)} - {None}
    note = next(iter(notes), None)
    return [_Evidence(text + (f" {note}" if note else ""), note is not None)]


def _quoted_value(_ctx: _Context, _focus, value) -> list[_Evidence]:
    return [_Evidence(f'"{value}"')] if value is not None else []


_COMPOSERS: dict[str, Callable[[_Context, object, object], list[_Evidence]]] = {
    "controller-identity": _controller_identity,
    "purpose-looks-like-retention": _quoted_value,
    "special-category-condition": lambda ctx, act, _v: ctx.categories_under(act, {_SPECIAL}),
    "criminal-data-basis": lambda ctx, act, _v: ctx.categories_under(act, _CRIMINAL),
    "national-identification-number": lambda ctx, act, _v: ctx.categories_under(act, {_NATIONAL_ID}),
    "transfer-safeguard": lambda ctx, act, _v: ctx.outside_parties(act, third_countries=True),
    "location-contradiction": lambda ctx, act, _v: ctx.outside_parties(act, third_countries=False),
    "retention-unquantified": _retention_texts,
    "unmapped-term": _unmapped,
}
