"""The vocabulary as data: ontology/gdprgraph.ttl, ontology/vocabulary.ttl and the pinned DPV subset.

Only rdflib and the files themselves: no gdprgraph code, no network, no ../shared. Exceptions: the coverage
test imports the GDPRWise fixtures with gdprgraph, and the closed-namespace check reads gdprgraph.namespaces.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, SKOS

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"

DPV = Namespace("https://w3id.org/dpv#")
PD = Namespace("https://w3id.org/dpv/pd#")
EU_GDPR = Namespace("https://w3id.org/dpv/legal/eu/gdpr#")
LOC = Namespace("https://w3id.org/dpv/loc#")
TECH = Namespace("https://w3id.org/dpv/tech#")
GG = Namespace("https://w3id.org/gdprgraph#")
DPV_NAMESPACES = (
    "https://w3id.org/dpv#",
    "https://w3id.org/dpv/pd#",
    "https://w3id.org/dpv/legal/",
    "https://w3id.org/dpv/loc#",
    "https://w3id.org/dpv/tech#",
)
SUBSET_FILES = ("dpv.ttl", "pd.ttl", "eu-gdpr.ttl", "loc.ttl", "tech.ttl")


def norm(label: str) -> str:
    """Case-, accent- and whitespace-insensitive key; a trailing '…' or '...' is ignored."""
    text = unicodedata.normalize("NFKD", label)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = " ".join(text.casefold().split())
    return re.sub(r"\s*(…|\.\.\.)$", "", text)


def in_dpv(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(DPV_NAMESPACES)


@lru_cache(maxsize=None)
def parse(*names: str) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(ONTOLOGY / name, format="turtle")
    return graph


def vocabulary() -> Graph:
    return parse("vocabulary.ttl")


def local_terms() -> Graph:
    return parse("gdprgraph.ttl")


def subset() -> Graph:
    return parse(*(f"dpv/{name}" for name in SUBSET_FILES))


def union() -> Graph:
    return parse("gdprgraph.ttl", "vocabulary.ttl", *(f"dpv/{name}" for name in SUBSET_FILES))


@lru_cache(maxsize=None)
def label_index() -> dict[str, frozenset[URIRef]]:
    index: dict[str, set[URIRef]] = defaultdict(set)
    for concept, label in vocabulary().subject_objects(GG.matchLabel):
        index[norm(str(label))].add(concept)
    return {key: frozenset(value) for key, value in index.items()}


def targets(label: str) -> set[URIRef]:
    return set(label_index().get(norm(label), ()))


def reaches(graph: Graph, concept: URIRef, root: URIRef) -> bool:
    """concept skos:broader* / rdf:type ... root (the punned DPV hierarchy)."""
    seen, stack = {concept}, [concept]
    while stack:
        node = stack.pop()
        if node == root:
            return True
        for pred in (SKOS.broader, RDF.type):
            for obj in graph.objects(node, pred):
                if obj not in seen:
                    seen.add(obj)
                    stack.append(obj)
    return False


def ask(query: str, **bindings) -> bool:
    result = union().query(query, initNs={"skos": SKOS, "dpv": DPV, "loc": LOC, "pd": PD, "gg": GG},
                           initBindings=bindings)
    return bool(result.askAnswer)


KINDS = (  # most specific first: tech provision methods are also dpv:Technology, devices also dpv:Location
    ("personal data", DPV.PersonalData),
    ("data subject", DPV.HumanSubject),
    ("legal basis", DPV.LegalBasis),
    ("provision method", TECH.ProvisionMethod),
    ("technology", DPV.Technology),
    ("place", DPV.Location),
)


def kind(concept: URIRef) -> str | None:
    for name, root in KINDS:
        if reaches(union(), concept, root):
            return name
    return None


# --- the seed (dpv-anchors.md §4.1 rows 1-39 as the seed spells them) -> expected targets ---------
SEED_CATEGORIES = {
    "Naam van de klant": {PD.Name},
    "Werk emailadres": {PD.EmailAddressWork},
    "Datum & tijd": {PD.ServiceConsumptionBehaviour},
    "Persoonlijk emailadres": {PD.EmailAddressPersonal},
    "Persoonlijk telefoonnummer": {PD.TelephoneNumber},
    "Professioneel telefoonnummer": {PD.TelephoneNumber},
    "Bedrijfsfunctie": {PD.Job},
    "Inhoud van correspondentie": {PD.Communication},
    "BTW nummer": {PD.Tax},
    "Betalingsoverzicht": {PD.Transaction},
    "klantenrekening": {PD.FinancialAccount},
    "Betalingsoverzicht, klantenrekening": {PD.Transaction, PD.FinancialAccount},
    "Thuisadres": {PD.HomeLocation, PD.PhysicalAddress},
    "Bedrijfsadres": {PD.WorkLocation, PD.PhysicalAddress},
    "Werkplek": {PD.WorkLocation},
    "Essentiele cookies": {PD.UID},
    "Elektronische identificatiegegevens": {PD.Identifier},
    "Handtekening": {GG.Signature},
    "Loon- en remuneratiegegevens": {PD.Salary},
    "Naam van de betrokken partij": {PD.Name},
    "Geboorteplaats": {PD.BirthPlace},
    "Naam van de werknemer": {PD.Name},
    "Samenstelling gezin": {PD.FamilyStructure},
    "Bankrekening": {PD.BankAccount},
    "Nationaliteit": {PD.Nationality},
    "Gender": {PD.Gender},
    "Huwelijkse staat": {PD.MaritalStatus},
    "Geboortedatum / Leeftijd": {PD.BirthDate, PD.Age},
    "Burgerschapsnummer, rijksregisternummer…": {GG.NationalIdentificationNumber},
    "CV": {PD.EmploymentHistory, PD.Education, PD.ProfessionalExperience},
    "Datum in dienst": {PD.CurrentEmployment},
    "Identiteitskaart": {PD.OfficialID, GG.NationalIdentificationNumber},
    "Dagen ziekteverzuim": {PD.Health},
    "Aanwezigheid op het werk": {PD.PerformanceAtWork},
    # supplier paragraph (prose)
    "naam": {PD.Name},
    "werk emailadres": {PD.EmailAddressWork},
    "werktelefoonnummer": {PD.TelephoneNumber},
    "btw-nummer": {PD.Tax},
    "kentekennummer": {PD.VehicalLicenseNumber},
    "tijdsgegevens van het bezoek": {GG.VisitLog},
}

# GDPRWise English export -> the Dutch seed label it must map like
ENGLISH_EXPORT = {
    "Client name": "Naam van de klant",
    "Work email address": "Werk emailadres",
    "Personal email address": "Persoonlijk emailadres",
    "Personal phone number": "Persoonlijk telefoonnummer",
    "Professional phone number": "Professioneel telefoonnummer",
    "Job title": "Bedrijfsfunctie",
    "Function": "Bedrijfsfunctie",
    "Home address": "Thuisadres",
    "Business address": "Bedrijfsadres",
    "VAT number": "BTW nummer",
    "Payment overview, customer account": "Betalingsoverzicht, klantenrekening",
    "Bank account": "Bankrekening",
    "Date of birth / Age": "Geboortedatum / Leeftijd",
    "Place of birth": "Geboorteplaats",
    "Marital status": "Huwelijkse staat",
    "Family composition": "Samenstelling gezin",
    "Nationality": "Nationaliteit",
    "Gender": "Gender",
    "Signature": "Handtekening",
    "Salary and remuneration data": "Loon- en remuneratiegegevens",
    "Days of sick leave": "Dagen ziekteverzuim",
    "Attendance at work": "Aanwezigheid op het werk",
    "Start date of employment": "Datum in dienst",
    "Identity card": "Identiteitskaart",
    "Citizen service number, national register number": "Burgerschapsnummer, rijksregisternummer…",
    "CV": "CV",
    "Content of correspondence": "Inhoud van correspondentie",
    "Date & time": "Datum & tijd",
    "Workplace": "Werkplek",
    "Essential cookies": "Essentiele cookies",
    "Electronic identification data": "Elektronische identificatiegegevens",
    "Name of the employee": "Naam van de werknemer",
    "Name of the data subject": "Naam van de betrokken partij",
    "Name of the person concerned": "Naam van de betrokken partij",
    "licence plate number": "kentekennummer",
    "time of visit": "tijdsgegevens van het bezoek",
}

# Other values in the seed (pick lists and fixed sentences)
SEED_VALUES = {
    "Clients": {DPV.Client},
    "Staff": {GG.Staff},
    "Contract": {EU_GDPR["A6-1-b"]},
    "Legitimate interests": {EU_GDPR["A6-1-f"]},
    "Legal obligation": {EU_GDPR["A6-1-c"]},
    "Public cloud": {TECH.ProvidedAsPublicCloudService},
    "Private cloud": {TECH.ProvidedAsPrivateCloudService},
    "Other": {GG.OtherProvisionMethod},
    "Belgium": {LOC.BE},
    "Data wordt verwerkt binnen de EU": {LOC.EU},
}


# --- files ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["gdprgraph.ttl", "vocabulary.ttl", *(f"dpv/{n}" for n in SUBSET_FILES)])
def test_turtle_parses_and_is_not_empty(name):
    assert len(parse(name)) > 0


def test_subset_is_small_and_licensed():
    assert 1000 < len(subset()) < 10000
    assert (ONTOLOGY / "dpv" / "LICENSE-W3C.md").is_file()
    assert (ONTOLOGY / "dpv" / "README.md").is_file()
    for name in SUBSET_FILES:
        head = (ONTOLOGY / "dpv" / name).read_text(encoding="utf-8")[:600]
        assert "GENERATED" in head and "2.3" in head and "cbcd21567808812677eeb3bb0f05b2ff2c2211a5" in head


# --- every DPV IRI we use exists --------------------------------------------------------------------
@pytest.mark.parametrize("name", ["gdprgraph.ttl", "vocabulary.ttl"])
def test_every_dpv_iri_used_exists_in_the_subset(name):
    used = {term for s, _, o in parse(name) for term in (s, o) if in_dpv(term)}
    assert used
    missing = sorted(str(t) for t in used if (t, RDF.type, None) not in subset())
    assert not missing, f"{name} uses DPV IRIs absent from ontology/dpv: {missing}"


def test_every_gg_term_used_is_defined_with_label_and_comment():
    defined = {s for s in local_terms().subjects(RDF.type, None) if str(s).startswith(str(GG))}
    used = {t for s, _, o in vocabulary() for t in (s, o) if isinstance(t, URIRef) and str(t).startswith(str(GG))}
    assert used - {GG.matchLabel} <= defined
    for term in defined:
        labels = [lab for lab in local_terms().objects(term, RDFS.label) if lab.language == "en"]
        assert labels, f"{term} has no rdfs:label@en"
        assert (term, RDFS.comment, None) in local_terms(), f"{term} has no rdfs:comment"


def test_local_concepts_are_anchored_to_dpv():
    for concept in local_terms().subjects(RDF.type, SKOS.Concept):
        if concept in set(local_terms().subjects(RDF.type, GG.Section)):
            continue
        broader = set(local_terms().objects(concept, SKOS.broader))
        assert broader and all(in_dpv(b) for b in broader), concept
        assert all((b, RDF.type, None) in subset() for b in broader), concept


def test_privacy_contact_is_not_a_dpo():
    assert (GG.privacyContact, RDFS.subPropertyOf, DPV.hasContact) in local_terms()
    assert not reaches(union(), GG.PrivacyContact, DPV.DataProtectionOfficer)
    assert not reaches(union(), GG.PrivacyContact, DPV.Representative)


def test_inferred_link_is_a_statement():
    assert (GG.InferredLink, RDFS.subClassOf, RDF.Statement) in local_terms()


# --- hierarchy ---------------------------------------------------------------------------------------
def test_personal_data_targets_reach_personal_data():
    concepts = {c for c in vocabulary().subjects(GG.matchLabel, None) if str(c).startswith((str(PD), str(GG)))}
    concepts |= set(local_terms().subjects(RDF.type, DPV.PersonalData))
    personal = [c for c in concepts if str(c).startswith(str(PD)) or (c, RDF.type, DPV.PersonalData) in union()]
    assert len(personal) > 100
    for concept in personal:
        assert reaches(union(), concept, DPV.PersonalData), concept


def test_sick_leave_is_special_category():
    (target,) = targets("Dagen ziekteverzuim")
    assert ask("ASK { ?c skos:broader+ dpv:SpecialCategoryPersonalData }", c=target)


@pytest.mark.parametrize("label", ["Gezondheidsgegevens", "Trade union membership", "Biometric data",
                                   "Etnische afkomst", "Religion", "Sexual orientation", "Genetic data"])
def test_article_9_labels_are_special_category(label):
    found = targets(label)
    assert found
    for target in found:
        assert ask("ASK { ?c skos:broader+ dpv:SpecialCategoryPersonalData }", c=target), (label, target)


@pytest.mark.parametrize("label", ["Uittreksel strafregister", "Criminal records", "Strafrechtelijke gegevens"])
def test_criminal_labels_map_to_dpv_criminal_terms(label):
    found = targets(label)
    assert found and all(reaches(union(), t, PD.Criminal) for t in found)


def test_national_identification_number():
    assert (GG.NationalIdentificationNumber, SKOS.broader, PD.OfficialID) in local_terms()
    for label in ("Rijksregisternummer", "INSZ", "Burgerservicenummer", "National register number",
                  "Numéro de registre national", "Social security number"):
        assert GG.NationalIdentificationNumber in targets(label), label


def is_special(concept: URIRef) -> bool:
    return ask("ASK { ?c skos:broader+ dpv:SpecialCategoryPersonalData }", c=concept)


@pytest.mark.parametrize("label", ["Sick leave days", "Sick leave", "Sickness absence records", "Ziekteverzuim",
                                   "Arrêt maladie"])
def test_sick_leave_in_any_language_is_special_category(label):
    found = targets(label)
    assert found and all(is_special(t) for t in found), (label, found)


@pytest.mark.parametrize("label", ["National Insurance number", "BSN", "Rijksregisternummer", "INSZ", "NISS",
                                   "Numéro national", "Social security number"])
def test_national_numbers_map_to_the_national_identification_number(label):
    assert GG.NationalIdentificationNumber in targets(label), label


@pytest.mark.parametrize("label", ["Certificate of good conduct", "uittreksel strafregister", "VOG",
                                   "Extrait de casier judiciaire", "Criminal record certificate"])
def test_certificate_of_good_conduct_is_criminal_data(label):
    found = targets(label)
    assert found and all(reaches(union(), t, PD.Criminal) for t in found), (label, found)
    assert not any(is_special(t) for t in found), "Art. 10 data is not an Art. 9 special category in DPV"


@pytest.mark.parametrize("label", ["Dietary requirements", "Dietary preferences", "Dieetwensen",
                                   "Préférences alimentaires"])
def test_plain_dietary_requirements_are_not_special_category(label):
    found = targets(label)
    assert found, label
    assert not any(is_special(t) for t in found), (label, found)
    assert all(reaches(union(), t, PD.Preference) for t in found), (label, found)


@pytest.mark.parametrize("label", ["Dietary requirements for medical reasons", "Medicatieschema", "Medication",
                                   "Lidmaatschap ziekenfonds", "Mutualité", "Health insurance fund",
                                   "Disability", "Allergies", "Dental X-rays", "Pregnancy", "Medical history"])
def test_health_revealing_labels_reach_special_category(label):
    found = targets(label)
    assert found and any(is_special(t) for t in found), (label, found)


# Fixture labels that cannot honestly be mapped without the register's context, with the reason.
UNMAPPABLE_FIXTURE_LABELS = {
    "Test results": "ambiguous: the alcohol and drug tests of drivers (health data) in northwind-freight, but "
                    "exam or placement tests (education) elsewhere; the register has to say which",
}
GDPRWISE_FIXTURES = sorted((Path(__file__).resolve().parent / "data" / "gdprwise").glob("*.txt"))


@pytest.mark.parametrize("source", GDPRWISE_FIXTURES, ids=lambda p: p.stem)
def test_every_fixture_label_imports_mapped(source):
    """Coverage: importing a GDPRWise fixture leaves no unmapped data category (or subject, legal basis,
    country, system type) except the few listed in UNMAPPABLE_FIXTURE_LABELS."""
    from gdprgraph.build import load_graph
    from gdprgraph.info import info

    unmapped = {(u["kind"], u["label"]) for u in info(load_graph(source)).unmapped}
    unexpected = sorted(u for u in unmapped if u[1] not in UNMAPPABLE_FIXTURE_LABELS)
    assert not unexpected, f"{source.name}: unmapped {unexpected}"
    assert all(kind == "data category" for kind, _ in unmapped), unmapped


def test_special_category_and_criminal_terms_are_in_the_subset():
    special = {c for c in subset().subjects(SKOS.broader, None)
               if ask("ASK { ?c skos:broader+ dpv:SpecialCategoryPersonalData }", c=c)}
    for local in ("Health", "Biometric", "Religion", "TradeUnionMembership", "Genetic", "EthnicOrigin",
                  "Sexual", "PoliticalOpinion", "PhilosophicalBelief", "Fingerprint"):
        assert PD[local] in special, local
    for local in ("Criminal", "CriminalConviction", "CriminalOffence", "CriminalCharge", "CriminalPardon"):
        assert (PD[local], RDF.type, DPV.PersonalData) in subset(), local


@pytest.mark.parametrize("code,inside", [("BE", True), ("NL", True), ("NO", True), ("IS", True), ("LI", True),
                                         ("US", False), ("GB", False), ("CH", False), ("IN", False)])
def test_eea_membership(code, inside):
    assert ask("ASK { ?c skos:broader* loc:EEA }", c=LOC[code]) is inside


def test_outside_eu_is_not_in_the_eea():
    assert not ask("ASK { ?c skos:broader* loc:EEA }", c=GG.OutsideEU)
    assert (GG.OutsideEU, RDF.type, DPV.Location) in local_terms()


def test_all_countries_are_in_the_subset():
    countries = {c for c in subset().subjects(RDF.type, DPV.Country)
                 if re.fullmatch(r"[A-Z]{2}", str(c).rsplit("#", 1)[1])}
    assert len(countries) > 240


# --- labels --------------------------------------------------------------------------------------------
def test_match_labels_are_tagged_literals():
    for label in vocabulary().objects(None, GG.matchLabel):
        assert isinstance(label, Literal) and label.language in ("nl", "en", "fr"), label
        assert str(label) and str(label).strip() == str(label), repr(label)


@pytest.mark.parametrize("label,expected", sorted(SEED_CATEGORIES.items()))
def test_seed_category_labels_map(label, expected):
    assert targets(label) == expected


@pytest.mark.parametrize("english,dutch", sorted(ENGLISH_EXPORT.items()))
def test_english_export_labels_map_like_dutch(english, dutch):
    assert targets(english), english
    assert targets(english) == targets(dutch)


@pytest.mark.parametrize("label,expected", sorted(SEED_VALUES.items()))
def test_seed_pick_values_map(label, expected):
    assert targets(label) == expected


def test_every_personal_data_concept_has_dutch_and_english_labels():
    languages: dict[URIRef, set[str]] = defaultdict(set)
    for concept, label in vocabulary().subject_objects(GG.matchLabel):
        languages[concept].add(label.language)
    for concept, langs in languages.items():
        if kind(concept) == "personal data":
            assert {"nl", "en"} <= langs, (concept, langs)


def test_no_label_maps_to_two_kinds():
    clashes = {}
    for key, concepts in label_index().items():
        kinds = {kind(c) for c in concepts}
        assert None not in kinds, (key, concepts)
        if len(kinds) > 1:
            clashes[key] = kinds
    assert not clashes


def test_no_duplicate_labels_per_concept_and_language():
    seen = set()
    for concept, label in vocabulary().subject_objects(GG.matchLabel):
        key = (concept, label.language, norm(str(label)))
        assert key not in seen, key
        seen.add(key)


def test_legal_bases_use_the_generic_articles():
    assert targets("Consent") == {EU_GDPR["A6-1-a"]}
    assert targets("Toestemming") == {EU_GDPR["A6-1-a"]}
    assert targets("Vital interests") == {EU_GDPR["A6-1-d"]}
    assert targets("Gerechtvaardigd belang") == {EU_GDPR["A6-1-f"]}
    assert targets("Public interest") == {EU_GDPR["A6-1-e"]}
    assert targets("Explicit consent") == {EU_GDPR["A9-2-a"]}
    assert targets("Standard contractual clauses") == {EU_GDPR["A46-2-c"]}
    assert targets("Binding corporate rules") == {EU_GDPR["A46-2-b"]}
    assert targets("Adequaatheidsbesluit") == {EU_GDPR["A45-3"]}
    for key in label_index():
        for concept in label_index()[key]:
            if kind(concept) == "legal basis":
                assert (concept, RDF.type, DPV.LegalBasis) in union(), concept


def test_subjects_are_human_subjects():
    for concept in local_terms().subjects(RDF.type, DPV.HumanSubject):
        assert reaches(union(), concept, DPV.HumanSubject)
    assert targets("Werknemers") == {DPV.Employee}
    assert targets("Uitzendkrachten") == {GG.TemporaryAgencyWorker}
    assert targets("Prospecten") == {GG.Prospect}
    assert reaches(union(), GG.Staff, DPV.Employee)


def test_no_owl_imports():
    """Loading our ontology must never fetch anything."""
    for name in ("gdprgraph.ttl", "vocabulary.ttl"):
        assert (None, OWL.imports, None) not in parse(name)


def test_every_name_of_the_python_gg_namespace_is_defined():
    """gdprgraph.namespaces.GG is closed: each of its names must exist in ontology/gdprgraph.ttl."""
    from gdprgraph.namespaces import GG as ClosedGG

    names = [n for n in getattr(ClosedGG, "__annotations__", {}) if not n.startswith("_")]
    names += list(getattr(ClosedGG, "_extras", []))
    assert names
    missing = [n for n in names if (GG[n], RDF.type, None) not in local_terms()]
    assert not missing, f"declared in namespaces.GG but not in gdprgraph.ttl: {missing}"
