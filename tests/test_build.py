"""build_graph: the data model of DESIGN.md §3, deterministic IRIs, inferred links marked."""
from __future__ import annotations

from rdflib import RDF, SKOS, XSD, Literal, URIRef
from rdflib.compare import isomorphic

from gdprgraph.build import build_graph, normalize_identifier, slug
from gdprgraph.model import Activity, Controller, Recipient, Ref, Register, Retention, System
from gdprgraph.namespaces import DPV, EU_GDPR, GG, LOC, PD, TECH


def small_register() -> Register:
    return Register(
        controller=Controller(
            name="Bakkerij Peeters",
            address="Kerkstraat 1 2000 Antwerpen",
            country="België",
            registration_number="412.345.678",
            contact_name="An Peeters",
            contact_email="an@peeters.example",
        ),
        activities=(
            Activity(
                title="Loonadministratie",
                section="employees",
                purposes=("Lonen betalen",),
                data_subjects=(Ref("Werknemers"),),
                categories=("Thuisadres", "Bankrekening", "Dagen ziekteverzuim"),
                legal_bases=("Overeenkomst", "Art. 9(2)(b)"),
                retention=Retention("5 jaar na uitdiensttreding", "P5Y"),
                measures=("Versleuteling",),
                recipients=(Recipient("Sociaal Secretariaat Acerta", "België"),),
                location="EU",
                systems=(Ref("Excel", inferred=True),),
            ),
            Activity(title="Website", purposes=("Informeren",), no_recipients=True,
                     retention=Retention("Zolang de klant ingeschreven blijft")),
        ),
        systems=(System("Excel", type="Public cloud", provider="Microsoft.com", sections=("employee-systems",)),),
        date="2024-01-31",
        language="nl",
        source="GDPRWise.eu",
    )


def activity(graph, title):
    return next(s for s in graph.subjects(RDF.type, DPV.Process) if str(graph.value(s, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))) == title)


def test_same_register_gives_identical_triples_and_iris():
    assert isomorphic(build_graph(small_register()), build_graph(small_register()))
    assert set(build_graph(small_register())) == set(build_graph(small_register()))


def test_categories_are_register_concepts_broader_dpv():
    g = build_graph(small_register())
    act = activity(g, "Loonadministratie")
    cats = set(g.objects(act, DPV.hasPersonalData))
    labels = {str(g.value(c, SKOS.prefLabel)): c for c in cats}
    assert set(labels) == {"Thuisadres", "Bankrekening", "Dagen ziekteverzuim"}
    assert g.value(labels["Thuisadres"], SKOS.prefLabel).language == "nl"
    assert (labels["Thuisadres"], SKOS.broader, PD.HomeLocation) in g
    assert (labels["Dagen ziekteverzuim"], SKOS.broader, PD.Health) in g


def test_legal_bases_map_to_eu_gdpr_articles():
    g = build_graph(small_register())
    act = activity(g, "Loonadministratie")
    assert set(g.objects(act, DPV.hasLegalBasis)) == {EU_GDPR["A6-1-b"], EU_GDPR["A9-2-b"]}


def test_numeric_retention_becomes_temporal_duration():
    g = build_graph(small_register())
    act = activity(g, "Loonadministratie")
    retention = g.value(act, DPV.hasStorageCondition)
    assert (retention, RDF.type, DPV.StorageDuration) in g
    duration = g.value(retention, DPV.hasDuration)
    assert (duration, RDF.type, DPV.TemporalDuration) in g
    assert g.value(duration, RDF.value) == Literal("P5Y", datatype=XSD.duration)


def test_retention_without_number_is_until_event():
    g = build_graph(small_register())
    retention = g.value(activity(g, "Website"), DPV.hasStorageCondition)
    assert g.value(retention, DPV.hasDuration) == DPV.UntilEventDuration


def test_explicit_no_recipients_differs_from_unknown():
    g = build_graph(small_register())
    assert g.value(activity(g, "Website"), GG.noRecipients) == Literal(True)
    assert g.value(activity(g, "Loonadministratie"), GG.noRecipients) is None


def test_recipient_country_and_location():
    g = build_graph(small_register())
    act = activity(g, "Loonadministratie")
    recipient = g.value(act, DPV.hasRecipient)
    assert (recipient, RDF.type, DPV.ThirdParty) in g
    assert g.value(recipient, DPV.hasCountry) == LOC.BE
    assert g.value(act, DPV.hasLocation) == LOC.EU


def test_inferred_system_link_is_marked():
    g = build_graph(small_register())
    act = activity(g, "Loonadministratie")
    system = g.value(act, DPV.isImplementedUsingTechnology)
    statements = [s for s in g.subjects(RDF.type, GG.InferredLink)
                  if g.value(s, RDF.subject) == act and g.value(s, RDF.object) == system]
    assert len(statements) == 1
    assert g.value(statements[0], RDF.predicate) == DPV.isImplementedUsingTechnology
    assert g.value(system, TECH.hasProvisionMethod) == TECH.ProvidedAsPublicCloudService


def test_belgian_enterprise_number_normalised_original_kept():
    g = build_graph(small_register())
    ctrl = g.value(predicate=RDF.type, object=DPV.DataController)
    assert str(g.value(ctrl, DPV.hasIdentifier)) == "0412.345.678"
    assert str(g.value(ctrl, GG.originalIdentifier)) == "412.345.678"
    assert g.value(ctrl, DPV.hasCountry) == LOC.BE
    assert normalize_identifier("0600995271", LOC.BE) == "0600.995.271"
    assert normalize_identifier("12-34", LOC.US) == "12-34"


def test_unknown_labels_are_kept_and_flagged():
    register = Register(controller=Controller(name="X"), activities=(
        Activity(title="A", categories=("Kleur van de fiets",)),))
    g = build_graph(register)
    cat = g.value(activity(g, "A"), DPV.hasPersonalData)
    assert str(g.value(cat, SKOS.prefLabel)) == "Kleur van de fiets"
    assert g.value(cat, GG.unmapped) == Literal(True)


def test_duplicate_titles_stay_distinct_activities():
    register = Register(controller=Controller(name="X"), activities=(Activity(title="A"), Activity(title="A")))
    assert len(set(build_graph(register).subjects(RDF.type, DPV.Process))) == 2


def test_slug_is_stable_and_safe():
    assert slug("Levering van goederen en/of diensten") == "levering-van-goederen-en-of-diensten"
    assert slug("Cliënten") == "clienten"
    long = "x" * 100
    assert slug(long) != slug(long + "y") and len(slug(long)) < 75


def test_known_provider_headquarters_is_an_inferred_country():
    register = Register(controller=Controller(name="X"), systems=(
        System("CRM", provider="Hubspot.com"), System("Mail", provider="Microsoft.com", country="Ireland"),
        System("Laptops", provider="Diverse")))
    g = build_graph(register)
    vendors = {str(g.value(v, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))): v
               for v in g.subjects(RDF.type, TECH.Provider)}
    assert g.value(vendors["Hubspot.com"], DPV.hasCountry) == LOC.US
    inferred = {(g.value(s, RDF.subject), g.value(s, RDF.object)) for s in g.subjects(RDF.type, GG.InferredLink)}
    assert (vendors["Hubspot.com"], LOC.US) in inferred
    assert set(g.objects(vendors["Microsoft.com"], DPV.hasCountry)) == {LOC.IE}  # stated country wins
    assert g.value(vendors["Diverse"], DPV.hasCountry) is None


def test_spelling_variants_of_a_label_are_one_concept_with_one_label():
    register = Register(controller=Controller(name="X"), language="nl", activities=(
        Activity(title="A", categories=("BTW nummer", "Werk emailadres")),
        Activity(title="B", categories=("btw-nummer", "werk e-mailadres"))))
    g = build_graph(register)
    labels = sorted(str(o) for o in g.objects(None, SKOS.prefLabel))
    assert labels == ["BTW nummer", "Werk emailadres"]
    assert set(g.objects(activity(g, "A"), DPV.hasPersonalData)) == set(g.objects(activity(g, "B"), DPV.hasPersonalData))


def test_plural_labels_map_like_singular_ones():
    from gdprgraph.vocabulary import map_label

    assert map_label("Bankrekeningen", "personal-data") == map_label("Bankrekening", "personal-data") != ()
    assert map_label("Home addresses", "personal-data") == map_label("Home address", "personal-data") != ()
