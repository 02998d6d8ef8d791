"""Graph → :class:`~gdprgraph.model.Register`: the inverse of :mod:`gdprgraph.build`.

``build_graph(register_from_graph(g))`` is isomorphic to ``g`` for every graph ``build_graph`` made (the
base IRI travels in ``Register.base`` when it is not the default). Values come back as the graph stores
them: labels as written, legal bases that map to DPV as CURIEs (``eu-gdpr:A6-1-b``), countries that map
to DPV as ISO codes (``BE``) or CURIEs. The graph keeps no order, so lists come back sorted (stated links
before inferred ones) and activities in source order (``gg:sourceLine``), then by IRI.

Writers (YAML, CSV, XLSX) and ``gdprgraph diff`` work on the extracted register, so they accept any
register the tool reads, RDF included.
"""
from __future__ import annotations

import numbers
import re
from typing import Iterable

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from gdprgraph.build import DEFAULT_BASE, ROLE_TYPES, SECTION_IRIS, slug
from gdprgraph.errors import InputError
from gdprgraph.model import SECTIONS, Activity, Controller, Recipient, Ref, Register, Retention, System
from gdprgraph.namespaces import DPV, EU_GDPR, GG, LOC, PREFIXES, TECH

_SECTION_KEYS = {iri: key for key, iri in SECTION_IRIS.items()}
_ROLE_OF_TYPE = {iri: role for role, iri in ROLE_TYPES.items() if role != "third party"}
_LOCAL = re.compile(r"^[A-Za-z0-9][\w.-]*$")


def curie(iri: URIRef) -> str:
    """``eu-gdpr:A6-1-b`` for a term of one of our prefixes, else the full IRI."""
    text = str(iri)
    best = None
    for prefix, namespace in PREFIXES.items():
        ns = str(namespace)
        local = text[len(ns):]
        if text.startswith(ns) and _LOCAL.match(local) and (best is None or len(ns) > best[0]):
            best = (len(ns), f"{prefix}:{local}")
    return best[1] if best else text


def line_number(value) -> int | None:
    """A ``gg:sourceLine`` value as an int; None when absent or not a whole number (hand-edited RDF:
    ``"12a"^^xsd:integer``, ``"twelve"``). It only orders activities and cites the source, never fails."""
    if not isinstance(value, Literal):
        return None
    try:
        number = value.toPython()
        return int(number if isinstance(number, numbers.Number) else str(value).strip())
    except (TypeError, ValueError, OverflowError):
        return None


def basis_kind(value: str) -> str:
    """Which model field a legal-basis value belongs to: ``legal`` (Art. 6), ``special`` (Art. 9(2) /
    Art. 10 conditions) or ``transfer`` (Chapter V safeguards). Labels that map to nothing are ``legal``."""
    text = str(value)
    for prefix in (str(EU_GDPR), "eu-gdpr:"):
        if text.startswith(prefix):
            local = text[len(prefix):]
            if re.match(r"A9-", local):
                return "special"
            if re.match(r"A4[4-9](-|$)", local) or local in ("SCCByCommission", "SCCBySupervisoryAuthority",
                                                             "AdequacyDecision", "BindingCorporateRules"):
                return "transfer"
    if text.startswith(("gg:A10", "https://w3id.org/gdprgraph#A10")):
        return "special"
    return "legal"


def register_base_of(graph: Graph) -> str | None:
    """The base IRI of the (single) register in the graph, from its ``<base>register a dpv:ROPA`` node."""
    node = _register_node(graph, None)
    if node is None or not str(node).endswith("register"):
        return None
    return str(node)[: -len("register")]


def _register_node(graph: Graph, path) -> URIRef | None:
    nodes = sorted(n for n in graph.subjects(RDF.type, DPV.ROPA) if isinstance(n, URIRef))
    if len(nodes) > 1:
        raise InputError(f"holds {len(nodes)} registers (dpv:ROPA); expected one", path)
    return nodes[0] if nodes else None


class _Extractor:
    def __init__(self, graph: Graph, path=None) -> None:
        self.g = graph
        self.path = path
        self.reg = _register_node(graph, path)
        self.base = str(self.reg)[: -len("register")] if self.reg and str(self.reg).endswith("register") else None
        self.inferred = {
            (self.g.value(s, RDF.subject), self.g.value(s, RDF.predicate), self.g.value(s, RDF.object))
            for s in self.g.subjects(RDF.type, GG.InferredLink)
        }

    # -- helpers -------------------------------------------------------------------------------
    def stated_country(self, node):
        """A provider's country as the register states it (an inferred headquarters is rebuilt, not read)."""
        if node is None:
            return None
        for country in sorted(self.g.objects(node, DPV.hasCountry)):
            if (node, DPV.hasCountry, country) not in self.inferred:
                return self.country(country)
        return None

    def one(self, node, prop) -> str | None:
        values = sorted(str(v) for v in self.g.objects(node, prop) if isinstance(v, Literal))
        return values[0] if values else None

    def labels(self, node, *props) -> list[str]:
        for prop in props or (RDFS.label,):
            found = sorted({str(v) for v in self.g.objects(node, prop) if isinstance(v, Literal)})
            if found:
                return found
        return []

    def label(self, node, *props) -> str:
        found = self.labels(node, *props)
        return found[0] if found else re.split(r"[#/]", str(node))[-1]

    def own(self, node, kind: str) -> bool:
        """A node build.py minted for a label (``<base><kind>/<slug>``) rather than a DPV term."""
        return self.base is not None and str(node).startswith(f"{self.base}{kind}/")

    def country(self, node) -> str | None:
        if node is None:
            return None
        if str(node).startswith(str(LOC)):
            local = str(node)[len(str(LOC)):]
            return local if re.fullmatch(r"[A-Z]{2}", local) else curie(node)
        if isinstance(node, URIRef) and not self.labels(node):
            return curie(node)
        return self.label(node)

    def refs(self, subject, prop, label_props) -> tuple[Ref, ...]:
        stated, guessed = [], []
        for target in self.g.objects(subject, prop):
            bucket = guessed if (subject, prop, target) in self.inferred else stated
            for text in self.labels(target, *label_props) or [self.label(target)]:
                bucket.append(Ref(text, bucket is guessed))
        return tuple(sorted(set(stated), key=lambda r: r.value)) + tuple(sorted(set(guessed), key=lambda r: r.value))

    def texts(self, subject, prop, *label_props) -> tuple[str, ...]:
        out: set[str] = set()
        for target in self.g.objects(subject, prop):
            if isinstance(target, Literal):
                out.add(str(target))
            else:
                out.update(self.labels(target, *label_props) or [self.label(target)])
        return tuple(sorted(out))

    def flag(self, node, prop) -> bool:
        return any(v.toPython() is True for v in self.g.objects(node, prop) if isinstance(v, Literal))

    # -- parts ---------------------------------------------------------------------------------
    def controller(self) -> Controller:
        ctrl = self.g.value(self.reg, DPV.hasDataController) if self.reg is not None else None
        if ctrl is None:
            ctrl = next(iter(sorted(self.g.subjects(RDF.type, DPV.DataController))), None)
        if ctrl is None:
            return Controller(name="")
        contact = self.g.value(ctrl, GG.privacyContact)
        dpo = self.g.value(ctrl, DPV.hasDataProtectionOfficer)
        rep = self.g.value(ctrl, DPV.hasRepresentative)
        return Controller(
            name=self.one(ctrl, DPV.hasName) or self.label(ctrl),
            address=self.one(ctrl, DPV.hasAddress),
            country=self.country(self.g.value(ctrl, DPV.hasCountry)),
            registration_number=self.one(ctrl, GG.originalIdentifier) or self.one(ctrl, DPV.hasIdentifier),
            contact_name=self.one(contact, DPV.hasName) if contact is not None else None,
            contact_email=self.one(contact, DPV.hasContact) if contact is not None else None,
            dpo_name=self.one(dpo, DPV.hasName) if dpo is not None else None,
            dpo_email=self.one(dpo, DPV.hasContact) if dpo is not None else None,
            representative=self.one(rep, DPV.hasName) if rep is not None else None,
            joint_controllers=tuple(sorted(
                self.one(j, DPV.hasName) or self.label(j) for j in self.g.objects(ctrl, DPV.hasJointDataControllers))),
        )

    def system(self, node) -> System:
        provider = self.g.value(node, TECH.hasProvider)
        types = []
        for method in self.g.objects(node, TECH.hasProvisionMethod):
            types.append(self.label(method) if self.own(method, "provision") else curie(method))
        sections = {_SECTION_KEYS[s] for s in self.g.objects(node, GG.section) if s in _SECTION_KEYS}
        return System(
            name=self.label(node),
            description=self.one(node, DCTERMS.description),
            type=sorted(types)[0] if types else None,
            provider=(self.one(provider, DPV.hasName) or self.label(provider)) if provider is not None else None,
            country=self.stated_country(provider),
            sections=tuple(s for s in SECTIONS if s in sections),
        )

    def recipient(self, node) -> Recipient:
        types = set(self.g.objects(node, RDF.type))
        roles = sorted(role for iri, role in _ROLE_OF_TYPE.items() if iri in types)
        return Recipient(
            name=self.one(node, DPV.hasName) or self.label(node),
            country=self.country(self.g.value(node, DPV.hasCountry)),
            role=roles[0] if roles else None,
        )

    def retention(self, act) -> Retention | None:
        node = self.g.value(act, DPV.hasStorageCondition)
        if node is None:
            return None
        duration = None
        for dur in self.g.objects(node, DPV.hasDuration):
            if (dur, RDF.type, DPV.TemporalDuration) in self.g:
                # the IRI keeps the duration as written ("P13M"); rdflib normalises the literal ("P1Y1M")
                duration = (str(dur)[len(f"{self.base}duration/"):] if self.own(dur, "duration")
                            else self.one(dur, RDF.value))
        return Retention(self.label(node), duration)

    def activity(self, act) -> Activity:
        bases: dict[str, list[str]] = {"legal": [], "special": [], "transfer": []}
        for basis in self.g.objects(act, DPV.hasLegalBasis):
            if self.own(basis, "legal-basis") or not isinstance(basis, URIRef):
                for text in self.labels(basis) or [self.label(basis)]:
                    bases["legal"].append(text)
            else:
                value = curie(basis)
                bases[basis_kind(value)].append(value)
        location = self.g.value(act, DPV.hasLocation)
        line = self.g.value(act, GG.sourceLine)
        dpia = self.g.value(act, DPV.hasImpactAssessment)
        dpia_status = self.g.value(dpia, DPV.hasStatus) if dpia is not None else None
        automated = None
        if (act, DPV.hasContext, DPV.AutomatedDecisionMaking) in self.g:
            automated = True
        elif (act, DPV.hasHumanInvolvement, DPV.HumanInvolvementForDecision) in self.g:
            automated = False
        section = self.g.value(act, GG.section)
        return Activity(
            title=self.label(act),
            section=_SECTION_KEYS.get(section),
            description=self.one(act, DCTERMS.description),
            purposes=self.texts(act, DPV.hasPurpose),
            data_subjects=self.refs(act, DPV.hasDataSubject, (SKOS.prefLabel, RDFS.label)),
            categories=self.texts(act, DPV.hasPersonalData, SKOS.prefLabel, RDFS.label),
            legal_bases=tuple(sorted(set(bases["legal"]))),
            retention=self.retention(act),
            measures=self.texts(act, DPV.hasTechnicalOrganisationalMeasure),
            recipients=tuple(sorted({self.recipient(r) for r in self.g.objects(act, DPV.hasRecipient)},
                                    key=lambda r: (r.name, r.country or "", r.role or ""))),
            no_recipients=self.flag(act, GG.noRecipients),
            location="EU" if location == LOC.EU else "outside-EU" if location == GG.OutsideEU else None,
            third_countries=tuple(sorted({self.country(c) or "" for c in self.g.objects(act, DPV.hasThirdCountry)})),
            transfer_safeguards=tuple(sorted(set(bases["transfer"]))),
            systems=self.refs(act, DPV.isImplementedUsingTechnology, (RDFS.label,)),
            legitimate_interest_assessment=self.one(act, GG.legitimateInterestAssessment),
            from_prose=self.flag(act, GG.fromProse),
            line=line_number(line),
            data_sources=self.texts(act, DPV.hasDataSource),
            special_category_conditions=tuple(sorted(set(bases["special"]))),
            dpia_required=(True if dpia_status == EU_GDPR.DPIARequired
                           else False if dpia_status == EU_GDPR.DPIANotRequired else None),
            dpia_reference=self.one(dpia, DCTERMS.identifier) if dpia is not None else None,
            automated_decisions=automated,
        )

    def activity_nodes(self) -> list[URIRef]:
        """Activities in source order (gg:sourceLine), then by IRI, adjusted so that rebuilding gives each
        its IRI again: build.py numbers duplicate titles ("x", "x-2", …) in the order it meets them."""
        if self.reg is not None:
            nodes = set(self.g.objects(self.reg, DCTERMS.hasPart))
        else:
            nodes = set(self.g.subjects(RDF.type, DPV.Process))
        remaining = sorted((n for n in nodes if isinstance(n, URIRef)), key=self._line_order)
        needs = {n: self._taken_before(n, len(remaining)) for n in remaining}
        order: list[URIRef] = []
        taken: set[URIRef] = set()
        while remaining:
            index = next((i for i, n in enumerate(remaining) if needs[n] <= taken), 0)
            node = remaining.pop(index)
            order.append(node)
            taken.add(node)
        return order

    def _line_order(self, node: URIRef) -> tuple:
        line = self.g.value(node, GG.sourceLine)
        number = line_number(line)
        return (number if number is not None else 1 << 30, str(node))

    def _taken_before(self, node: URIRef, limit: int) -> set[URIRef]:
        """The IRIs build.py found taken before it gave ``node`` its IRI (none for a title's own slug)."""
        if "/" not in str(node):
            return set()
        title = self.label(node)
        prefix, local = str(node).rsplit("/", 1)
        candidates = [slug(title)]
        for n in range(2, limit + 2):
            if local == candidates[-1]:
                return {URIRef(f"{prefix}/{c}") for c in candidates[:-1]}
            candidates.append(slug(f"{title} {n}"))
        return set()  # not an IRI build.py made for this title

    def systems(self, activities: Iterable[URIRef]) -> tuple[System, ...]:
        nodes = {n for n in self.g.subjects(RDF.type, DPV.Technology)
                 if isinstance(n, URIRef) and (self.own(n, "system") or self.base is None)}
        for act in activities:
            nodes.update(self.g.objects(act, DPV.isImplementedUsingTechnology))
        return tuple(sorted((self.system(n) for n in nodes), key=lambda s: (s.name, s.provider or "")))

    def register(self) -> Register:
        controller = self.controller()
        acts = self.activity_nodes()
        language = self.one(self.reg, DCTERMS.language) if self.reg is not None else None
        base = self.base
        if base == f"{DEFAULT_BASE}{slug(controller.name or 'register')}/":
            base = None
        return Register(
            controller=controller,
            activities=tuple(self.activity(a) for a in acts),
            systems=self.systems(acts),
            date=self.one(self.reg, DCTERMS.issued) if self.reg is not None else None,
            language=language,
            source=self.one(self.reg, DCTERMS.source) if self.reg is not None else None,
            base=base,
        )


def register_from_graph(graph: Graph, path=None) -> Register:
    """The register a graph describes (a graph made by :func:`gdprgraph.build.build_graph`, or any DPV
    graph with ``dpv:Process`` activities). ``path`` only names the source in error messages."""
    return _Extractor(graph, path).register()
