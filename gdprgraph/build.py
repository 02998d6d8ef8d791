"""Register → RDF graph. The only module that mints IRIs and writes register triples.

IRIs are deterministic (base IRI + kind + slug of the label), so two imports of the same register give
the same triples and two versions of a register can be compared triple by triple.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from gdprgraph.errors import InputError
from gdprgraph.model import Activity, Controller, Recipient, Register, System
from gdprgraph.namespaces import DPV, EU_GDPR, GG, LOC, TECH, bind_prefixes
from gdprgraph.vocabulary import map_label, normalize, vocabulary_graph

DEFAULT_BASE = "https://w3id.org/gdprgraph/register/"

SECTION_IRIS = {
    "clients": GG.ClientSection,
    "employees": GG.EmployeeSection,
    "suppliers": GG.SupplierSection,
    "sharing": GG.SharingSection,
    "client-systems": GG.ClientSystemSection,
    "employee-systems": GG.EmployeeSystemSection,
}

# Recipient roles (model.Recipient.role, compared lower-case with "-"/"_" as spaces) → the DPV class.
# Recipients without a (known) role are third parties, as before.
ROLE_TYPES = {
    "processor": DPV.DataProcessor,
    "controller": DPV.DataController,
    "joint controller": DPV.JointDataControllers,
    "third party": DPV.ThirdParty,
}

RDF_SUFFIXES = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".ntriples": "nt",
    ".jsonld": "json-ld",
    ".json-ld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".n3": "n3",
    ".trig": "trig",
    ".nq": "nquads",
}

# Words that make a retention rule event-bound ("until the contract ends") rather than open-ended.
_UNTIL_EVENT = re.compile(
    r"\b(na|vanaf|tot|zolang|einde|beeindiging|after|until|till|as long as|end|termination|"
    r"apres|jusqu|fin|tant que)\b",
    re.IGNORECASE,
)


def slug(text: str, limit: int = 60) -> str:
    """URL-safe, accent-free slug; long texts get a short hash so distinct texts never collide."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"
    if len(cleaned) > limit or cleaned == "x":
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
        cleaned = cleaned[:limit].rstrip("-") + "-" + digest
    return cleaned


def normalize_identifier(number: str, country: URIRef | None) -> str:
    """Belgian enterprise numbers are ten digits (0xxx.xxx.xxx); exports often drop the leading 0."""
    digits = re.sub(r"\D", "", number)
    if country == LOC.BE and len(digits) in (9, 10):
        digits = digits.zfill(10)
        return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
    return number.strip()


def register_base(register: Register, base: str | None = None) -> str:
    base = base or register.base
    if base:
        return base if base.endswith(("/", "#")) else base + "/"
    return f"{DEFAULT_BASE}{slug(register.controller.name or 'register')}/"


class _Builder:
    def __init__(self, register: Register, base: str) -> None:
        self.register = register
        self.base = base
        self.lang = register.language or "en"
        self.graph = Graph()
        self.spellings: dict[tuple[str, str], str] = {}
        bind_prefixes(self.graph)
        self.graph.bind("reg", base)

    # -- helpers -------------------------------------------------------------------------------
    def iri(self, kind: str, label: str) -> URIRef:
        return URIRef(f"{self.base}{kind}/{slug(label)}")

    def text(self, value: str) -> Literal:
        return Literal(value, lang=self.lang)

    def add(self, s, p, o) -> None:
        self.graph.add((s, p, o))

    def link(self, s: URIRef, p: URIRef, o: URIRef, inferred: bool) -> None:
        """A link between nodes; inferred ones are also described by a gg:InferredLink statement."""
        self.add(s, p, o)
        if inferred:
            key = hashlib.sha1(f"{s} {p} {o}".encode()).hexdigest()[:16]
            stmt = URIRef(f"{self.base}inferred/{key}")
            self.add(stmt, RDF.type, GG.InferredLink)
            self.add(stmt, RDF.subject, s)
            self.add(stmt, RDF.predicate, p)
            self.add(stmt, RDF.object, o)

    def concept(self, kind: str, label: str, vocab_kind: str, rdf_type: URIRef) -> URIRef:
        """The register's own concept for a label, skos:broader the DPV concepts it maps to."""
        # Spelling variants of one label ("BTW nummer" / "btw-nummer") are one concept with the first
        # spelling met: SKOS allows one prefLabel per language, and the variants carry no information.
        label = self.spellings.setdefault((kind, normalize(label)), label)
        node = self.iri(kind, label)
        self.add(node, RDF.type, rdf_type)
        self.add(node, SKOS.prefLabel, self.text(label))
        targets = map_label(label, vocab_kind)
        for target in targets:
            self.add(node, SKOS.broader, target)
        if not targets:
            self.add(node, GG.unmapped, Literal(True))
        return node

    def country(self, text: str | None) -> URIRef | None:
        if not text:
            return None
        targets = [t for t in map_label(text, "country") if str(t).startswith(str(LOC))]
        if targets:
            return targets[0]
        node = self.iri("country", text)
        self.add(node, RDF.type, DPV.Country)
        self.add(node, RDFS.label, self.text(text))
        self.add(node, GG.unmapped, Literal(True))
        return node

    # -- register parts ------------------------------------------------------------------------
    def controller(self, ctrl: Controller) -> URIRef:
        node = URIRef(self.base + "controller")
        self.add(node, RDF.type, DPV.DataController)
        self.add(node, DPV.hasName, Literal(ctrl.name))
        self.add(node, RDFS.label, Literal(ctrl.name))
        if ctrl.address:
            self.add(node, DPV.hasAddress, Literal(ctrl.address))
        country = self.country(ctrl.country)
        if country is not None:
            self.add(node, DPV.hasCountry, country)
        if ctrl.registration_number:
            self.add(node, DPV.hasIdentifier, Literal(normalize_identifier(ctrl.registration_number, country)))
            self.add(node, GG.originalIdentifier, Literal(ctrl.registration_number))
        if ctrl.contact_name or ctrl.contact_email:
            person = self.iri("contact", ctrl.contact_name or ctrl.contact_email or "contact")
            self.add(node, GG.privacyContact, person)
            self.add(person, RDF.type, GG.PrivacyContact)
            if ctrl.contact_name:
                self.add(person, DPV.hasName, Literal(ctrl.contact_name))
                self.add(person, RDFS.label, Literal(ctrl.contact_name))
            if ctrl.contact_email:
                self.add(person, DPV.hasContact, Literal(ctrl.contact_email))
                self.add(node, DPV.hasContact, Literal(ctrl.contact_email))
        if ctrl.dpo_name or ctrl.dpo_email:
            dpo = self.iri("dpo", ctrl.dpo_name or ctrl.dpo_email or "dpo")
            self.add(node, DPV.hasDataProtectionOfficer, dpo)
            self.add(dpo, RDF.type, DPV.DataProtectionOfficer)
            if ctrl.dpo_name:
                self.add(dpo, DPV.hasName, Literal(ctrl.dpo_name))
            if ctrl.dpo_email:
                self.add(dpo, DPV.hasContact, Literal(ctrl.dpo_email))
        if ctrl.representative:
            rep = self.iri("representative", ctrl.representative)
            self.add(node, DPV.hasRepresentative, rep)
            self.add(rep, RDF.type, DPV.Representative)
            self.add(rep, DPV.hasName, Literal(ctrl.representative))
        for joint in ctrl.joint_controllers:
            other = self.iri("joint-controller", joint)
            self.add(node, DPV.hasJointDataControllers, other)
            self.add(other, RDF.type, DPV.JointDataControllers)
            self.add(other, DPV.hasName, Literal(joint))
        return node

    def system(self, system: System) -> URIRef:
        node = self.iri("system", system.name)
        self.add(node, RDF.type, DPV.Technology)
        self.add(node, RDFS.label, self.text(system.name))
        if system.description:
            self.add(node, DCTERMS.description, self.text(system.description))
        if system.type:
            methods = map_label(system.type, "provision")
            for method in methods:
                self.add(node, TECH.hasProvisionMethod, method)
            if not methods:
                method = self.iri("provision", system.type)
                self.add(method, RDF.type, TECH.ProvisionMethod)
                self.add(method, RDFS.label, self.text(system.type))
                self.add(method, GG.unmapped, Literal(True))
                self.add(node, TECH.hasProvisionMethod, method)
        if system.provider:
            vendor = self.iri("provider", system.provider)
            self.add(node, TECH.hasProvider, vendor)
            self.add(vendor, RDF.type, TECH.Provider)
            self.add(vendor, DPV.hasName, Literal(system.provider))
            self.add(vendor, RDFS.label, Literal(system.provider))
            country = self.country(system.country)
            if country is not None:
                self.add(vendor, DPV.hasCountry, country)
            else:  # a well-known provider's headquarters (ontology/providers.ttl), marked as inferred
                for known in map_label(system.provider, "provider"):
                    for hq in vocabulary_graph().objects(known, DPV.hasCountry):
                        self.link(vendor, DPV.hasCountry, hq, inferred=True)
        for section in system.sections:
            if section in SECTION_IRIS:
                self.add(node, GG.section, SECTION_IRIS[section])
        return node

    def recipient(self, recipient: Recipient) -> URIRef:
        node = self.iri("recipient", recipient.name)
        self.add(node, RDF.type, DPV.Recipient)
        role = re.sub(r"[-_\s]+", " ", recipient.role or "").strip().lower()
        self.add(node, RDF.type, ROLE_TYPES.get(role, DPV.ThirdParty))
        self.add(node, DPV.hasName, Literal(recipient.name))
        self.add(node, RDFS.label, Literal(recipient.name))
        country = self.country(recipient.country)
        if country is not None:
            self.add(node, DPV.hasCountry, country)
        return node

    def retention(self, act: URIRef, text: str, duration: str | None) -> None:
        node = self.iri("retention", text)
        self.add(act, DPV.hasStorageCondition, node)
        self.add(node, RDF.type, DPV.StorageDuration)
        self.add(node, RDFS.label, self.text(text))
        if duration:
            dur = URIRef(f"{self.base}duration/{duration}")
            self.add(node, DPV.hasDuration, dur)
            self.add(dur, RDF.type, DPV.TemporalDuration)
            self.add(dur, RDF.value, Literal(duration, datatype=XSD.duration))
        elif _UNTIL_EVENT.search(unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()):
            self.add(node, DPV.hasDuration, DPV.UntilEventDuration)
        else:
            self.add(node, DPV.hasDuration, DPV.IndeterminateDuration)

    def activity(self, activity: Activity, ctrl: URIRef, systems: dict[str, URIRef], taken: set) -> URIRef:
        node = self.iri("activity", activity.title)
        n = 2
        while node in taken:  # two records with the same title stay two activities
            node = self.iri("activity", f"{activity.title} {n}")
            n += 1
        taken.add(node)
        self.add(node, RDF.type, DPV.Process)
        self.add(node, RDFS.label, self.text(activity.title))
        self.add(node, DPV.hasDataController, ctrl)
        if activity.description:
            self.add(node, DCTERMS.description, self.text(activity.description))
        if activity.section in SECTION_IRIS:
            self.add(node, GG.section, SECTION_IRIS[activity.section])
        if activity.line:
            self.add(node, GG.sourceLine, Literal(activity.line))
        if activity.from_prose:
            self.add(node, GG.fromProse, Literal(True))
        for purpose in activity.purposes:
            p = self.iri("purpose", purpose)
            self.add(node, DPV.hasPurpose, p)
            self.add(p, RDF.type, DPV.Purpose)
            self.add(p, RDFS.label, self.text(purpose))
        for ref in activity.data_subjects:
            s = self.concept("subject", ref.value, "data-subject", DPV.DataSubject)
            self.link(node, DPV.hasDataSubject, s, ref.inferred)
        for label in activity.categories:
            c = self.concept("category", label, "personal-data", DPV.PersonalData)
            self.add(node, DPV.hasPersonalData, c)
        for basis in (*activity.legal_bases, *activity.special_category_conditions, *activity.transfer_safeguards):
            targets = map_label(basis, "legal-basis")
            for target in targets:
                self.add(node, DPV.hasLegalBasis, target)
            if not targets:
                b = self.iri("legal-basis", basis)
                self.add(node, DPV.hasLegalBasis, b)
                self.add(b, RDF.type, DPV.LegalBasis)
                self.add(b, RDFS.label, self.text(basis))
                self.add(b, GG.unmapped, Literal(True))
        if activity.retention is not None:
            self.retention(node, activity.retention.text, activity.retention.duration)
        for measure in activity.measures:
            m = self.iri("measure", measure)
            self.add(node, DPV.hasTechnicalOrganisationalMeasure, m)
            self.add(m, RDF.type, DPV.TechnicalOrganisationalMeasure)
            self.add(m, RDFS.label, self.text(measure))
        for recipient in activity.recipients:
            self.add(node, DPV.hasRecipient, self.recipient(recipient))
        if activity.no_recipients and not activity.recipients:
            self.add(node, GG.noRecipients, Literal(True))
        if activity.location == "EU":
            self.add(node, DPV.hasLocation, LOC.EU)
        elif activity.location == "outside-EU":
            self.add(node, DPV.hasLocation, GG.OutsideEU)
        for country_text in activity.third_countries:
            country = self.country(country_text)
            if country is not None:
                self.add(node, DPV.hasThirdCountry, country)
        if activity.legitimate_interest_assessment:
            self.add(node, GG.legitimateInterestAssessment, Literal(activity.legitimate_interest_assessment))
        for ref in activity.systems:
            target = systems.get(ref.value)
            if target is None:
                target = self.system(System(name=ref.value))
                systems[ref.value] = target
            self.link(node, DPV.isImplementedUsingTechnology, target, ref.inferred)
        for source in activity.data_sources:
            src = self.iri("data-source", source)
            self.add(node, DPV.hasDataSource, src)
            self.add(src, RDF.type, DPV.DataSource)
            self.add(src, RDFS.label, self.text(source))
        if activity.dpia_required is not None or activity.dpia_reference:
            dpia = URIRef(f"{node}/dpia")  # one per activity: the status belongs to this activity
            self.add(node, DPV.hasImpactAssessment, dpia)
            self.add(dpia, RDF.type, DPV.DPIA)
            if activity.dpia_required is not None:
                status = EU_GDPR.DPIARequired if activity.dpia_required else EU_GDPR.DPIANotRequired
                self.add(dpia, DPV.hasStatus, status)
            if activity.dpia_reference:
                self.add(dpia, DCTERMS.identifier, Literal(activity.dpia_reference))
        if activity.automated_decisions is True:
            self.add(node, DPV.hasContext, DPV.AutomatedDecisionMaking)
        elif activity.automated_decisions is False:  # no decision based solely on automated processing
            self.add(node, DPV.hasHumanInvolvement, DPV.HumanInvolvementForDecision)
        return node

    def build(self) -> Graph:
        reg = URIRef(self.base + "register")
        register = self.register
        self.add(reg, RDF.type, DPV.ROPA)
        self.add(reg, RDFS.label, Literal(f"Register of processing activities of {register.controller.name}"))
        if register.date:
            self.add(reg, DCTERMS.issued, Literal(register.date, datatype=XSD.date))
        if register.source:
            self.add(reg, DCTERMS.source, Literal(register.source))
        if register.language:
            self.add(reg, DCTERMS.language, Literal(register.language))
        ctrl = self.controller(register.controller)
        self.add(reg, DPV.hasDataController, ctrl)
        systems = {system.name: self.system(system) for system in register.systems}
        taken: set[URIRef] = set()
        for activity in register.activities:
            act = self.activity(activity, ctrl, systems, taken)
            self.add(reg, DCTERMS.hasPart, act)
        return self.graph


def build_graph(register: Register, base: str | None = None) -> Graph:
    """The register as DPV triples (without the vocabulary; see ``serialize(with_vocabulary=True)``)."""
    return _Builder(register, register_base(register, base)).build()


def load_graph(path: str | Path, base: str | None = None, engine: str | None = None) -> Graph:
    """Any supported file as a graph on ``engine`` (default Oxigraph): RDF is parsed as is; registers are
    imported on the fly."""
    from gdprgraph.stores import check_engine, to_engine

    engine = check_engine(engine)
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", path)
    if path.is_dir():
        raise InputError("is a folder, expected a register file", path)
    rdf_format = RDF_SUFFIXES.get(path.suffix.lower())
    if rdf_format is not None:
        return parse_rdf(path, rdf_format, engine)
    from gdprgraph.readers import read_register

    return to_engine(build_graph(read_register(path), base), engine)


def _remote_contexts(node) -> bool:
    """True when a JSON-LD document refers to a context by URL (which would be fetched from the network)."""
    if isinstance(node, dict):
        context = node.get("@context")
        items = context if isinstance(context, list) else [context]
        if any(isinstance(item, str) for item in items):
            return True
        return any(_remote_contexts(value) for value in node.values())
    if isinstance(node, list):
        return any(_remote_contexts(item) for item in node)
    return False


def parse_rdf(path: Path, rdf_format: str, engine: str | None = None) -> Graph:
    """Parse an RDF file offline (no remote JSON-LD contexts, no owl:imports), with a readable error."""
    from gdprgraph.stores import new_graph, parse_into

    graph = new_graph(engine)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path) from None
    if not data.strip():
        raise InputError(f"is empty, expected {rdf_format} RDF", path)
    if rdf_format == "json-ld":
        import json

        try:
            document = json.loads(data)
        except ValueError as exc:
            raise InputError(f"is not valid JSON-LD: {exc}", path, getattr(exc, "lineno", None)) from None
        if _remote_contexts(document):
            raise InputError("refers to a remote JSON-LD @context; gdprgraph works offline: inline the context", path)
    try:
        parse_into(graph, data, rdf_format)
    except Exception as exc:  # parsers raise many types; all mean "not valid RDF of this format"
        message = " ".join(str(exc).split())[:300] or type(exc).__name__
        line = None
        found = re.search(r"line (\d+)", message)
        if found:
            line = int(found.group(1))
        raise InputError(f"is not valid {rdf_format} RDF: {message}", path, line) from None
    bind_prefixes(graph)
    return graph
