"""A fast evaluator for the SHACL Core subset our rule catalogue uses, run on a pyoxigraph store.

Why: pySHACL evaluates each constraint for each focus node through generic graph calls (~4 ms per activity
for 19 rules: 42 s at 10,000 activities). Translating the shapes into SPARQL was tried and rejected:
Oxigraph plans EXISTS without the outer bindings, and its in-memory store scans a node's whole triple list
on every look-up, so joins through the register node or a popular legal basis went quadratic (3 s for one
rule at 10,000 activities). Here every look-up ``(node, predicate)`` is asked of the store once and
memoised, and so is every ``(helper shape, node)`` answer: the skos:broader closure of a legal basis or a
country is computed once, not once per activity.

The shapes stay the single source of truth: nothing here knows a rule. A shape using a construct not listed
in ``_KNOWN`` raises ``Unsupported`` when compiled and that rule runs on pySHACL instead, so a new rule is
never silently mis-checked. SPARQL-based targets (sh:SPARQLTarget) are run on the store as written, with
their sh:prefixes passed as the query's prefixes. tests/test_shacl_fast.py checks that both evaluators give
identical findings on every register we have and on small shapes exercising each construct.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from gdprgraph.stores import from_oxigraph

SH = Namespace("http://www.w3.org/ns/shacl#")
_TRUE = Literal(True)

_KNOWN = {
    SH.path, SH.minCount, SH.maxCount, SH.hasValue, SH.qualifiedValueShape, SH.qualifiedMinCount,
    SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint, SH.pattern, SH.flags, SH["in"], SH["class"],
    SH.datatype, SH.nodeKind, SH.node, SH["not"], SH["and"], SH["or"], SH.xone, SH.property, SH.deactivated,
    # not constraints: targets, descriptions, result annotations
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, SH.name,
    SH.description, SH.message, SH.severity, SH.order, SH.group, SH.defaultValue,
}
# pySHACL 0.40.1 honours only these two (it ignores "s", "x", "q"): any other flag is refused
_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE}


class Unsupported(Exception):
    """A SHACL construct this evaluator does not cover (the rule then runs on pySHACL)."""


@dataclass(frozen=True)
class Result:
    """One validation result, as pySHACL reports it (terms are rdflib terms)."""

    focus: object
    source_shape: object
    component: URIRef
    path: object | None
    value: object | None


@dataclass
class _Shape:
    deactivated: bool
    path: Callable[[object], frozenset] | None  # a property shape's path; None for a node shape
    checks: list  # (component, node → bool): on the focus (node shape) or on each value (property shape)
    properties: list  # a node shape's sh:property shapes
    min_count: list[int]
    max_count: list[int]
    has_value: list  # a property shape's sh:hasValue terms
    qualified: object | None
    qualified_min: list[int]
    qualified_max: list[int]


# -- the data: memoised look-ups on a pyoxigraph store --------------------------------------------------------


class _Data:
    def __init__(self, store) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self.store = store
        self._out: dict = {}
        self._in: dict = {}
        self._literals: dict = {}
        self._plain = (ox.NamedNode(str(XSD.string)), ox.NamedNode(str(RDF.langString)))

    def objects(self, subject, predicate) -> tuple:
        key = (subject, predicate)
        found = self._out.get(key)
        if found is None:
            if isinstance(subject, self.ox.Literal):
                found = ()
            else:
                found = tuple({q.object: None for q in self.store.quads_for_pattern(subject, predicate, None)})
                if any(isinstance(o, self.ox.Literal) for o in found):
                    found = tuple(dict.fromkeys(self.as_pyshacl_sees(o) for o in found))
            self._out[key] = found
        return found

    def as_pyshacl_sees(self, node):
        """A typed literal in the lexical form rdflib gives it, which is what pySHACL compares and matches.

        Oxigraph keeps its own canonical forms ("2020-01-01T00:00:00Z", "1"^^xsd:float, " x "^^xsd:token);
        pySHACL reads the same store through rdflib, which normalises again ("…+00:00", "1.0", "x"): sh:in,
        sh:hasValue and sh:pattern would otherwise see another term than pySHACL does."""
        if not isinstance(node, self.ox.Literal):
            return node
        found = self._literals.get(node)
        if found is None:
            found = node if node.datatype in self._plain else self.term(from_oxigraph(node))
            self._literals[node] = found
        return found

    def subjects(self, predicate, obj) -> tuple:
        key = (predicate, obj)
        found = self._in.get(key)
        if found is None:
            found = tuple({q.subject: None for q in self.store.quads_for_pattern(None, predicate, obj)})
            self._in[key] = found
        return found

    def term(self, node):
        """An rdflib term of the shapes graph as a pyoxigraph term."""
        ox = self.ox
        if isinstance(node, URIRef):
            return ox.NamedNode(str(node))
        if isinstance(node, Literal):
            if node.language:
                return ox.Literal(str(node), language=node.language)
            if node.datatype == XSD.string:  # not "x" for rdflib (so pySHACL), the same term in Oxigraph
                raise Unsupported(f"explicit xsd:string literal {node.n3()} in the shapes")
            if node.datatype:
                return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
            return ox.Literal(str(node))
        raise Unsupported(f"blank node {node} used as a value")


# -- compiling shapes into Python functions ------------------------------------------------------------------

Path = Callable[[object], frozenset]


class Evaluator:
    """Compiles shapes on first use; answers are memoised per (shape, node) for the life of the evaluator."""

    def __init__(self, shapes: Graph, store) -> None:
        self.g = shapes
        self.data = _Data(store)
        self._conforms: dict = {}
        self._compiled: dict = {}
        self._paths: dict = {}
        self.rdf_type = self.data.term(RDF.type)
        self.subclass_of = self.data.term(RDFS.subClassOf)

    def list(self, node) -> list:
        return list(Collection(self.g, node))

    # paths ---------------------------------------------------------------------------------------------

    def path(self, node) -> Path:
        if node not in self._paths:
            self._paths[node] = self._compile_path(node)
        return self._paths[node]

    def _compile_path(self, node) -> Path:
        g, data = self.g, self.data
        if isinstance(node, URIRef):
            predicate = data.term(node)
            return lambda n: frozenset(data.objects(n, predicate))
        if (node, RDF.first, None) in g:
            if len(self.list(node)) < 2:  # pySHACL raises on a one-step sequence (or returns the step, nested)
                raise Unsupported(f"sequence path {node} of fewer than two steps")
            steps = [self.path(step) for step in self.list(node)]

            def sequence(n):
                current = frozenset((n,))
                for step in steps:
                    current = frozenset(x for c in current for x in step(c))
                return current
            return sequence
        alternatives = g.value(node, SH.alternativePath)
        if alternatives is not None:
            if len(self.list(alternatives)) < 2:  # pySHACL raises
                raise Unsupported(f"alternative path {node} of fewer than two paths")
            options = [self.path(alt) for alt in self.list(alternatives)]
            return lambda n: frozenset(x for option in options for x in option(n))
        inverse = g.value(node, SH.inversePath)
        if isinstance(inverse, URIRef):
            predicate = data.term(inverse)
            return lambda n: frozenset(data.subjects(predicate, n))
        for prop, zero in ((SH.zeroOrMorePath, True), (SH.oneOrMorePath, False)):
            inner = g.value(node, prop)
            if inner is not None:
                return self._closure(self.path(inner), zero)
        inner = g.value(node, SH.zeroOrOnePath)
        if inner is not None:
            step = self.path(inner)
            return lambda n: frozenset((n,)) | step(n)
        raise Unsupported(f"path {node}")

    @staticmethod
    def _closure(step: Path, zero: bool) -> Path:
        memo: dict = {}

        def closure(n):
            if n not in memo:
                seen = set()
                todo = list(step(n))
                while todo:
                    x = todo.pop()
                    if x not in seen:
                        seen.add(x)
                        todo.extend(step(x))
                memo[n] = frozenset(seen)
            return memo[n] | {n} if zero else memo[n]
        return closure

    # node-level constraints ------------------------------------------------------------------------------

    def conforms(self, shape, node) -> bool:
        key = (shape, node)
        answer = self._conforms.get(key)
        if answer is None:
            answer = not any(True for _ in self.failures(shape, node))
            self._conforms[key] = answer
        return answer

    def failures(self, shape, focus) -> Iterator[tuple[object, URIRef, object | None]]:
        """(source shape, component, value or None) for each way ``focus`` breaks ``shape``."""
        compiled = self.compiled(shape)
        if compiled.deactivated:
            return
        if compiled.path is not None:
            for component, value in self.property_failures(compiled, focus):
                yield shape, component, value
            return
        for component, check in compiled.checks:
            if not check(focus):
                # pySHACL reports a node shape's sh:hasValue failure without sh:value
                yield shape, component, None if component == SH.HasValueConstraintComponent else focus
        for prop in compiled.properties:
            yield from self.failures(prop, focus)

    def compiled(self, shape) -> "_Shape":
        """The shape's parameters read once from the shapes graph (reading rdflib per node cost 80 %)."""
        found = self._compiled.get(shape)
        if found is None:
            g = self.g
            self._check_known(shape)
            path = self._single(shape, SH.path)
            qualified = self._single(shape, SH.qualifiedValueShape)
            if qualified is not None and (shape, SH.qualifiedValueShapesDisjoint, _TRUE) in g:
                raise Unsupported("sh:qualifiedValueShapesDisjoint")
            counts = (SH.minCount, SH.maxCount, SH.qualifiedMinCount, SH.qualifiedMaxCount)
            for prop in counts:
                self._single(shape, prop)
            if path is None and any((shape, prop, None) in g for prop in counts + (SH.qualifiedValueShape,)):
                raise Unsupported(f"counting constraint on node shape {shape}")  # pySHACL refuses the shape
            if path is not None and (shape, SH.property, None) in g:
                # pySHACL validates each value node against it, with the value as the result's focus node
                raise Unsupported(f"sh:property on property shape {shape}")
            deactivated = self._single(shape, SH.deactivated)
            if deactivated is not None and not (isinstance(deactivated, Literal)
                                                and deactivated.datatype == XSD.boolean):
                raise Unsupported(f"sh:deactivated {deactivated!r}")  # pySHACL: bool(value), "false" is true
            found = _Shape(
                deactivated=deactivated is not None and bool(deactivated.value),
                path=self.path(path) if path is not None else None,
                checks=[(c, f) for c, f in self._compile_node_checks(shape)
                        if path is None or c != SH.HasValueConstraintComponent],
                properties=list(g.objects(shape, SH.property)) if path is None else [],
                min_count=[int(c) for c in g.objects(shape, SH.minCount)],
                max_count=[int(c) for c in g.objects(shape, SH.maxCount)],
                has_value=[self.data.term(v) for v in g.objects(shape, SH.hasValue)] if path is not None else [],
                qualified=qualified,
                qualified_min=[int(c) for c in g.objects(shape, SH.qualifiedMinCount)],
                qualified_max=[int(c) for c in g.objects(shape, SH.qualifiedMaxCount)],
            )
            self._compiled[shape] = found
        return found

    def _compile_node_checks(self, shape) -> Iterator[tuple[URIRef, Callable[[object], bool]]]:
        g, data, ox = self.g, self.data, self.data.ox
        for pattern in g.objects(shape, SH.pattern):
            flags = 0
            for letter in str(self._single(shape, SH.flags) or ""):
                if letter not in _FLAGS:
                    raise Unsupported(f"sh:flags {letter!r}")
                flags |= _FLAGS[letter]
            try:
                regex = re.compile(str(pattern), flags)
            except re.error as why:
                raise Unsupported(f"sh:pattern {str(pattern)!r}: {why}") from why
            yield SH.PatternConstraintComponent, lambda n, r=regex: (
                not isinstance(n, ox.BlankNode) and r.search(n.value) is not None)
        for members in g.objects(shape, SH["in"]):
            allowed = frozenset(data.term(m) for m in self.list(members))
            yield SH.InConstraintComponent, lambda n, a=allowed: n in a
        for cls in g.objects(shape, SH["class"]):
            wanted = data.term(cls)
            superclasses = self._closure(lambda c: frozenset(data.objects(c, self.subclass_of)), True)
            yield SH.ClassConstraintComponent, lambda n, w=wanted, sup=superclasses: any(
                w in sup(t) for t in data.objects(n, self.rdf_type))
        for datatype in g.objects(shape, SH.datatype):
            wanted = data.term(datatype)
            if str(datatype) not in (str(RDF.langString), "http://www.w3.org/2001/XMLSchema#string"):
                raise Unsupported("sh:datatype other than xsd:string / rdf:langString")  # (lexical checks)
            yield SH.DatatypeConstraintComponent, lambda n, w=wanted: isinstance(n, ox.Literal) and n.datatype == w
        for kind in g.objects(shape, SH.nodeKind):
            yield SH.NodeKindConstraintComponent, self._node_kind(kind)
        if g.value(shape, SH.path) is None:
            for value in g.objects(shape, SH.hasValue):
                yield SH.HasValueConstraintComponent, lambda n, v=data.term(value): n == v
        for node in g.objects(shape, SH.node):
            yield SH.NodeConstraintComponent, lambda n, s=node: self.conforms(s, n)
        for negated in g.objects(shape, SH["not"]):
            yield SH.NotConstraintComponent, lambda n, s=negated: not self.conforms(s, n)
        for prop in (SH["and"], SH["or"], SH.xone):
            if any(not self.list(members) for members in g.objects(shape, prop)):
                raise Unsupported(f"empty {g.namespace_manager.normalizeUri(prop)} list")  # pySHACL raises
        for members in g.objects(shape, SH["and"]):
            yield SH.AndConstraintComponent, lambda n, m=self.list(members): all(self.conforms(s, n) for s in m)
        for members in g.objects(shape, SH["or"]):
            yield SH.OrConstraintComponent, lambda n, m=self.list(members): any(self.conforms(s, n) for s in m)
        for members in g.objects(shape, SH.xone):
            yield SH.XoneConstraintComponent, lambda n, m=self.list(members): sum(
                self.conforms(s, n) for s in m) == 1

    def _single(self, shape, prop):
        """The one value of a parameter pySHACL reads once (it raises or picks one at random otherwise)."""
        values = list(self.g.objects(shape, prop))
        if len(values) > 1:
            raise Unsupported(f"several {self.g.namespace_manager.normalizeUri(prop)} on one shape")
        return values[0] if values else None

    def _node_kind(self, kind) -> Callable[[object], bool]:
        ox = self.data.ox
        kinds = {
            SH.IRI: (ox.NamedNode,), SH.BlankNode: (ox.BlankNode,), SH.Literal: (ox.Literal,),
            SH.BlankNodeOrIRI: (ox.BlankNode, ox.NamedNode), SH.BlankNodeOrLiteral: (ox.BlankNode, ox.Literal),
            SH.IRIOrLiteral: (ox.NamedNode, ox.Literal),
        }
        if kind not in kinds:
            raise Unsupported(f"sh:nodeKind {kind}")
        return lambda n, k=kinds[kind]: isinstance(n, k)

    # property shapes -------------------------------------------------------------------------------------

    def property_failures(self, shape: "_Shape", focus) -> Iterator[tuple[URIRef, object | None]]:
        """(component, value or None): a result per failing value for value-level constraints, one per
        focus node for the counting ones (as SHACL and pySHACL report them)."""
        values = shape.path(focus)
        for count in shape.min_count:
            if len(values) < count:
                yield SH.MinCountConstraintComponent, None
        for count in shape.max_count:
            if len(values) > count:
                yield SH.MaxCountConstraintComponent, None
        for value in shape.has_value:
            if value not in values:
                yield SH.HasValueConstraintComponent, None
        if shape.qualified is not None:
            matching = sum(1 for v in values if self.conforms(shape.qualified, v))
            for count in shape.qualified_min:
                if matching < count:
                    yield SH.QualifiedMinCountConstraintComponent, None
            for count in shape.qualified_max:
                if matching > count:
                    yield SH.QualifiedMaxCountConstraintComponent, None
        for component, check in shape.checks:
            for value in values:
                if not check(value):
                    yield component, value

    def _check_known(self, shape) -> None:
        """Refuse any sh: parameter not evaluated above (sh:sparql, sh:closed, sh:minLength, …)."""
        for prop in set(self.g.predicates(shape, None)):
            if str(prop).startswith(str(SH)) and prop not in _KNOWN:
                raise Unsupported(self.g.namespace_manager.normalizeUri(prop))
        if (shape, RDF.type, RDFS.Class) in self.g:
            raise Unsupported("implicit class target")

    # targets and rules -----------------------------------------------------------------------------------

    def focus_nodes(self, shape) -> list:
        g, data = self.g, self.data
        found: dict = {}
        for cls in g.objects(shape, SH.targetClass):
            subclasses = self._closure(lambda c: frozenset(data.subjects(self.subclass_of, c)), True)
            for c in subclasses(data.term(cls)):
                found.update(dict.fromkeys(data.subjects(self.rdf_type, c)))
        for node in g.objects(shape, SH.targetNode):
            found[data.term(node)] = None
        for prop in g.objects(shape, SH.targetSubjectsOf):
            found.update(dict.fromkeys(q.subject for q in data.store.quads_for_pattern(None, data.term(prop), None)))
        for prop in g.objects(shape, SH.targetObjectsOf):
            found.update(dict.fromkeys(data.as_pyshacl_sees(q.object)
                                       for q in data.store.quads_for_pattern(None, data.term(prop), None)))
        for target in g.objects(shape, SH.target):
            select, prefixes = self._sparql_target(target)
            found.update(dict.fromkeys(data.as_pyshacl_sees(s["this"])
                                       for s in data.store.query(select, prefixes=prefixes)))
        return list(found)

    def _sparql_target(self, target) -> tuple[str, dict[str, str]]:
        """(the sh:select query, its sh:prefixes declarations) of an sh:SPARQLTarget; any other target is
        refused (SHACL-AF's target types, or a target without a query)."""
        g = self.g
        select = g.value(target, SH.select)
        if (target, RDF.type, SH.SPARQLTarget) not in g or select is None:
            raise Unsupported("a target other than an sh:SPARQLTarget with sh:select")
        prefixes = {str(g.value(d, SH.prefix)): str(g.value(d, SH.namespace))
                    for ontology in g.objects(target, SH.prefixes) for d in g.objects(ontology, SH.declare)}
        return str(select), prefixes

    def check_rule(self, rule_shape) -> Callable[[], list[Result]]:
        """Compile the rule now (raising Unsupported), return the function that validates it."""
        g = self.g
        shapes = [rule_shape] + [p for p in g.objects(rule_shape, SH.property) if g.value(rule_shape, SH.path) is None]
        for prop in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf):
            if any(not isinstance(t, URIRef) for t in g.objects(rule_shape, prop)):
                raise Unsupported(f"{g.namespace_manager.normalizeUri(prop)} that is not an IRI")
        for node in g.objects(rule_shape, SH.targetNode):
            self.data.term(node)  # refuses a blank node of the shapes graph (now, not when the rule runs)
        done: set = set()
        for shape in shapes:  # compile everything reachable, so an unsupported construct shows up now
            self._compile_all(shape, set(), done)

        def run() -> list[Result]:
            results = []
            paths: dict = {}
            for focus in self.focus_nodes(rule_shape):
                for source, component, value in self.failures(rule_shape, focus):
                    if source not in paths:
                        paths[source] = g.value(source, SH.path)
                    results.append(Result(from_oxigraph(focus), source, component, paths[source],
                                          from_oxigraph(value) if value is not None else None))
            return results
        return run

    def _compile_all(self, shape, path: set, done: set) -> None:
        """Compile ``shape`` and every shape it refers to; ``path``: the shapes being compiled above it.

        A shape that refers back to itself (SHACL leaves recursion undefined; pySHACL warns and cuts it
        short) is refused: evaluating it here would recurse without end."""
        if shape in path:
            raise Unsupported(f"recursive shape {shape}")
        if shape in done:
            return
        path.add(shape)
        self.compiled(shape)
        for prop in (SH.node, SH["not"], SH.property, SH.qualifiedValueShape):
            for inner in self.g.objects(shape, prop):
                self._compile_all(inner, path, done)
        for prop in (SH["and"], SH["or"], SH.xone):
            for members in self.g.objects(shape, prop):
                for inner in self.list(members):
                    self._compile_all(inner, path, done)
        path.discard(shape)
        done.add(shape)
        for target in self.g.objects(shape, SH.target):
            self._sparql_target(target)


def copy_node(source: Graph, node, target: Graph):
    """Copy a (possibly blank-node) structure such as a SHACL path into ``target``; returns its node there."""
    if not isinstance(node, BNode):
        return node
    new = BNode()
    for p, o in source.predicate_objects(node):
        target.add((new, p, copy_node(source, o, target)))
    return new
