"""vocabulary.resolve: a free-text term (any language, any level of the DPV hierarchy) → register concepts."""
from __future__ import annotations


import pytest
from rdflib import RDF, SKOS, Graph, Literal, URIRef

from gdprgraph.build import build_graph
from gdprgraph.errors import UnknownTermError
from gdprgraph.namespaces import DPV, PD
from gdprgraph.stores import to_engine
from gdprgraph.vocabulary import phrase_match, resolve, suggest
from test_dataflow import HOSTILE, SEED, dutch_register, english_register


def labels(graph: Graph, nodes) -> set[str]:
    return {str(graph.value(n, SKOS.prefLabel)) for n in nodes}


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def english(request):
    return to_engine(build_graph(english_register()), request.param)


@pytest.fixture(scope="module")
def dutch():
    return build_graph(dutch_register())


@pytest.mark.parametrize("term,expected", [
    ("home address", {"Home address"}),
    ("HOME  Address", {"Home address"}),
    ("Thuisadres", {"Home address"}),            # Dutch term, English register
    ("adresse du domicile", {"Home address"}),   # French
    ("address", {"Home address", "Business address"}),  # pd:PhysicalAddress; not "Work email address"
    ("health", {"Days of sick leave", "Health data"}),   # pd:Health and what is under it
    ("gezondheid", {"Days of sick leave", "Health data"}),
    ("special category personal data", {"Days of sick leave", "Health data"}),  # any level of the hierarchy
    ("email", {"Work email address", "Personal email address"}),
    ("e-mail", {"Work email address", "Personal email address"}),
    ("national identification number", {"National register number"}),
    ("pd:Health", {"Days of sick leave", "Health data"}),  # a CURIE
    ("Bank account", {"Bank account"}),
])
def test_personal_data_terms(english, term, expected):
    assert labels(english, resolve(term, english)) == expected


@pytest.mark.parametrize("term,expected", [
    ("home address", {"Thuisadres"}),
    ("address", {"Thuisadres"}),
    ("ziekteverzuim", {"Dagen ziekteverzuim"}),
    ("health", {"Dagen ziekteverzuim"}),
    ("klant", {"Naam van de klant"}),  # a word of a register label, not every name
    ("name", {"Naam van de klant"}),
    ("Thuisadressen", {"Thuisadres"}),  # a Dutch plural
])
def test_personal_data_terms_dutch_register(dutch, term, expected):
    assert labels(dutch, resolve(term, dutch)) == expected


@pytest.mark.parametrize("term,expected", [
    ("Clients", {"Clients"}),
    ("klanten", {"Clients"}),
    ("customers", {"Clients"}),   # dpv:Client is narrower than dpv:Customer
    ("employees", {"Employees"}),
    ("werknemers", {"Employees"}),
    ("job applicant", {"Job applicants"}),
    ("prospects", {"Prospects"}),
])
def test_data_subject_terms(english, term, expected):
    assert labels(english, resolve(term, english, "data-subject")) == expected


def test_dutch_subjects(dutch):
    assert labels(dutch, resolve("Clients", dutch, "data-subject")) == {"Klanten"}
    assert labels(dutch, resolve("staff", dutch, "data-subject")) == set()  # known term, not in this register


def test_known_term_absent_is_empty_not_an_error(dutch):
    assert resolve("biometric data", dutch) == []


def test_unknown_term_suggests_nearest_labels(english):
    with pytest.raises(UnknownTermError) as err:
        resolve("home adress", english)
    assert err.value.suggestions[0] == "Home address"
    assert "did you mean" in str(err.value)
    with pytest.raises(UnknownTermError) as err:
        resolve("Clientz", english, "data-subject")
    assert "Clients" in err.value.suggestions


@pytest.mark.parametrize("term", [HOSTILE, "", "   ", "}{;", "?x ?y ?z", "<urn:x>", "' OR 1=1 --"])
def test_hostile_or_empty_terms_match_nothing(english, term):
    before = len(english)
    with pytest.raises(UnknownTermError):
        resolve(term, english)
    assert len(english) == before


def test_unused_vocabulary_concepts_in_an_export_are_not_register_concepts(english):
    graph = build_graph(english_register())
    graph.add((PD.HomeLocation, RDF.type, DPV.PersonalData))  # as in a --with-vocabulary export
    graph.add((PD.HomeLocation, SKOS.prefLabel, Literal("Home Place", lang="en")))
    assert labels(graph, resolve("home address", graph)) == {"Home address"}


def test_a_register_may_link_dpv_concepts_directly():
    graph = Graph()
    act = URIRef("urn:x:act")
    graph.add((act, RDF.type, DPV.Process))
    graph.add((act, DPV.hasPersonalData, PD.Health))
    graph.add((PD.Health, RDF.type, DPV.PersonalData))
    assert resolve("gezondheid", graph) == [PD.Health]


def test_unknown_kind_is_a_programming_error(english):
    with pytest.raises(ValueError):
        resolve("x", english, "country")


def test_phrase_match_and_suggest():
    assert phrase_match("Work e-mail address", "email address")
    assert phrase_match("Home address", "address") and not phrase_match("Home address", "address", whole=True)
    assert not phrase_match("Thuisadres", "adres")  # whole words only
    assert phrase_match("Clients", "client", whole=True)
    assert suggest("hubspt", ["Hubspot", "Calendly"]) == ["Hubspot"]


def test_seed_terms():
    pytest.importorskip("gdprgraph.readers.gdprwise")
    from gdprgraph.build import load_graph

    seed = load_graph(SEED)
    assert labels(seed, resolve("home address", seed)) == {"Thuisadres"}
    assert labels(seed, resolve("health", seed)) == {"Dagen ziekteverzuim"}
    assert labels(seed, resolve("address", seed)) == {"Thuisadres", "Bedrijfsadres"}
    assert labels(seed, resolve("customers", seed, "data-subject")) == {"Clients"}
    assert labels(seed, resolve("employees", seed, "data-subject")) == {"Staff"}
