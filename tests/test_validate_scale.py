"""Validation that scales: the pyshacl shim for Oxigraph data graphs, both engines alike, and each rule's
SHACL formulation (SHACL Core constraints, SPARQL-based targets only where a rule applies to some activities)
flagging exactly the nodes its plain SPARQL version flags.

The SPARQL versions below are the rules written as one query each ("which activities break it?"); they are
the reference the shapes are checked against, on the seed, Acme Clinic and the five adversarial GDPRWise
registers. A SHACL-SPARQL constraint (sh:sparql) would say the same but pyshacl runs it once per focus node
and re-parses it each time (perf-anchors.md §3: ~10 ms per activity per rule on rdflib).
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gdprgraph.build import load_graph
from gdprgraph.stores import ntriples
from gdprgraph.validate import pyshacl_oxigraph_shim, validate_graph
from gdprgraph.vocabulary import vocabulary_graph

sys.path.insert(0, str(Path(__file__).resolve().parent))
from registers import write_acme  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "connexi" / "connexi-gdprwise-register.txt"
REVIEWS = sorted((ROOT / "tests" / "data" / "gdprwise").glob("*-review-*.txt"))

PREFIXES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dpv: <https://w3id.org/dpv#>
PREFIX pd: <https://w3id.org/dpv/pd#>
PREFIX eu-gdpr: <https://w3id.org/dpv/legal/eu/gdpr#>
PREFIX gg: <https://w3id.org/gdprgraph#>
"""
ART6 = r'"^https://w3id\\.org/dpv/legal/eu/gdpr#A6-1-[a-f]$"'
ART9 = r'"^https://w3id\\.org/dpv/legal/eu/gdpr#A9-2-[a-j]$"'

# rule id → the activities that break it, as one SPARQL query (?this)
SPARQL_VERSIONS = {
    "purpose": "SELECT ?this WHERE { ?this a dpv:Process FILTER NOT EXISTS { ?this dpv:hasPurpose [] } }",
    "data-subjects": "SELECT ?this WHERE { ?this a dpv:Process FILTER NOT EXISTS { ?this dpv:hasDataSubject [] } }",
    "personal-data": "SELECT ?this WHERE { ?this a dpv:Process FILTER NOT EXISTS { ?this dpv:hasPersonalData [] } }",
    "recipients": """SELECT ?this WHERE { ?this a dpv:Process
        FILTER NOT EXISTS { ?this dpv:hasRecipient|dpv:hasDataProcessor|dpv:hasThirdParty [] }
        FILTER NOT EXISTS { ?this gg:noRecipients true } }""",
    "security-measures": """SELECT ?this WHERE { ?this a dpv:Process FILTER NOT EXISTS {
        ?this dpv:hasTechnicalOrganisationalMeasure|dpv:hasTechnicalMeasure|dpv:hasOrganisationalMeasure [] } }""",
    "legal-basis": f"""SELECT ?this WHERE {{ ?this a dpv:Process FILTER NOT EXISTS {{
        ?this dpv:hasLegalBasis/skos:broader* ?basis FILTER (REGEX(STR(?basis), {ART6})) }} }}""",
    "special-category-condition": f"""SELECT DISTINCT ?this WHERE {{
        ?this a dpv:Process ; dpv:hasPersonalData/skos:broader* dpv:SpecialCategoryPersonalData .
        FILTER NOT EXISTS {{ ?this dpv:hasLegalBasis/skos:broader* ?basis FILTER (REGEX(STR(?basis), {ART9})) }} }}""",
    "criminal-data-basis": """SELECT DISTINCT ?this WHERE {
        ?this a dpv:Process ; dpv:hasPersonalData/skos:broader* pd:Criminal .
        FILTER NOT EXISTS { ?this dpv:hasLegalBasis/skos:broader* gg:A10-Authorisation } }""",
    "national-identification-number": """SELECT DISTINCT ?this WHERE {
        ?this a dpv:Process ; dpv:hasPersonalData/skos:broader* gg:NationalIdentificationNumber .
        FILTER NOT EXISTS { ?this dpv:hasLegalBasis/skos:broader* gg:A87-NationalLaw } }""",
    "transfer-country-missing": """SELECT ?this WHERE {
        ?this a dpv:Process ; dpv:hasLocation gg:OutsideEU FILTER NOT EXISTS { ?this dpv:hasThirdCountry [] } }""",
    "retention-unquantified": """SELECT DISTINCT ?this WHERE {
        ?this a dpv:Process ; dpv:hasStorageCondition ?retention .
        { ?retention a dpv:StorageDuration } UNION { ?retention dpv:hasDuration [] }
        FILTER NOT EXISTS { ?this dpv:hasStorageCondition/dpv:hasDuration/rdf:value [] } }""",
    "legitimate-interest-assessment": """SELECT DISTINCT ?this WHERE {
        ?this a dpv:Process ; dpv:hasLegalBasis/skos:broader* eu-gdpr:A6-1-f .
        FILTER NOT EXISTS { ?this gg:legitimateInterestAssessment [] }
        FILTER NOT EXISTS { ?this (dpv:hasAssessment|dpv:hasTechnicalOrganisationalMeasure|dpv:hasOrganisationalMeasure)
                                  /(skos:broader|rdf:type)* dpv:LegitimateInterestAssessment } }""",
}


@pytest.fixture(scope="module")
def registers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    found = {"seed": SEED, "acme": write_acme(tmp_path_factory.mktemp("acme"))}
    found.update({path.stem: path for path in REVIEWS})
    return found


def _flagged_by_sparql(graph, query: str) -> set[str]:
    import pyoxigraph as ox

    store = ox.Store()
    store.load(input=ntriples(graph), format=ox.RdfFormat.N_TRIPLES)
    store.load(input=vocabulary_graph().serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return {solution["this"].value for solution in store.query(PREFIXES + query)}


def test_each_rule_flags_the_nodes_its_sparql_version_flags(registers: dict[str, Path]):
    assert len(registers) >= 7
    fired: set[str] = set()
    for name, path in registers.items():
        graph = load_graph(path)
        findings = validate_graph(graph).findings
        for rule, query in SPARQL_VERSIONS.items():
            by_shape = {f.focus for f in findings if f.rule == rule}
            assert by_shape == _flagged_by_sparql(graph, query), f"{rule} on {name}"
            fired |= {rule} if by_shape else set()
    # the comparison means something: most rules fire somewhere in these registers
    assert len(fired) >= 8, sorted(fired)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_validation_runs_in_place_on_oxigraph_and_on_a_copy_for_rdflib(engine: str, monkeypatch: pytest.MonkeyPatch):
    import pyshacl

    seen = []
    original = pyshacl.validate

    def spy(data_graph, *args, **kwargs):
        seen.append((type(data_graph).__module__, kwargs.get("inference"), kwargs.get("inplace")))
        return original(data_graph, *args, **kwargs)

    monkeypatch.setattr(pyshacl, "validate", spy)
    report = validate_graph(load_graph(SEED, engine=engine), validator="pyshacl")
    assert report.findings
    module, inference, inplace = seen[0]
    assert inference == "none" and inplace is True  # no inference by default, no second copy
    assert module.startswith("pyoxigraph" if engine == "oxigraph" else "rdflib")


def test_the_pyshacl_shim_keeps_truthiness_from_counting_the_store():
    """perf-anchors.md §3: without it every validation result costs a COUNT over the whole store."""
    import pyoxigraph as ox
    from pyshacl.graph_abstraction import OxigraphDataGraph

    pyshacl_oxigraph_shim()
    assert "__bool__" in OxigraphDataGraph.__dict__
    data = OxigraphDataGraph(ox.Store())

    def no_counting(*_args, **_kwargs):
        raise AssertionError("truthiness must not count the store")

    original = OxigraphDataGraph.__len__
    OxigraphDataGraph.__len__ = no_counting
    try:
        assert bool(data) and (data or None) is data
    finally:
        OxigraphDataGraph.__len__ = original
    pyshacl_oxigraph_shim()  # idempotent
