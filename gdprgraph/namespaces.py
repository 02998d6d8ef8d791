"""RDF namespaces. ``GG`` is closed: a typo in one of our own terms raises at import of the caller."""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DefinedNamespace, URIRef

DPV = Namespace("https://w3id.org/dpv#")
PD = Namespace("https://w3id.org/dpv/pd#")
EU_GDPR = Namespace("https://w3id.org/dpv/legal/eu/gdpr#")
LOC = Namespace("https://w3id.org/dpv/loc#")
TECH = Namespace("https://w3id.org/dpv/tech#")
LEGAL_EU = Namespace("https://w3id.org/dpv/legal/eu#")
LEGAL_BE = Namespace("https://w3id.org/dpv/legal/be#")
GGNS = "https://w3id.org/gdprgraph#"


class GG(DefinedNamespace):
    """Our own few terms; each is anchored to a DPV term in ontology/gdprgraph.ttl."""

    _NS = Namespace(GGNS)
    _fail = True

    # properties
    section: URIRef
    privacyContact: URIRef
    noRecipients: URIRef
    inferred: URIRef
    fromProse: URIRef
    sourceLine: URIRef
    matchLabel: URIRef
    originalIdentifier: URIRef
    legitimateInterestAssessment: URIRef
    registerLabel: URIRef
    unmapped: URIRef
    # classes / individuals
    Section: URIRef
    ClientSection: URIRef
    EmployeeSection: URIRef
    SupplierSection: URIRef
    SharingSection: URIRef
    ClientSystemSection: URIRef
    EmployeeSystemSection: URIRef
    OutsideEU: URIRef
    InferredLink: URIRef       # an rdf:Statement describing a link the importer inferred (build.py)
    PrivacyContact: URIRef
    Signature: URIRef
    NationalIdentificationNumber: URIRef
    VisitLog: URIRef
    Prospect: URIRef
    SelfEmployedContractor: URIRef
    TemporaryAgencyWorker: URIRef
    SupplierContact: URIRef
    Staff: URIRef
    PaperRecords: URIRef
    OtherProvisionMethod: URIRef

    _extras = ["A10-Authorisation", "A87-NationalLaw"]  # not Python identifiers: GG["A10-Authorisation"]


PREFIXES = {
    "dpv": DPV,
    "pd": PD,
    "eu-gdpr": EU_GDPR,
    "loc": LOC,
    "tech": TECH,
    "legal-eu": LEGAL_EU,
    "legal-be": LEGAL_BE,
    "gg": Namespace(GGNS),
}


def bind_prefixes(graph) -> None:
    """Bind our prefixes so Turtle output is readable."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    graph.bind("skos", "http://www.w3.org/2004/02/skos/core#")
    graph.bind("dct", "http://purl.org/dc/terms/")
