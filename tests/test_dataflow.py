"""trace / subject / impact (gdprgraph.dataflow) and the flow projection (gdprgraph.flows).

Registers written here (English and Dutch, with recipients and providers outside the EEA) give exact
answers; the Connexi seed is checked once the GDPRWise reader is installed. Every question runs on both
engines (rdflib's memory store, Oxigraph), which must agree.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gdprgraph.build import build_graph
from gdprgraph.cli import main
from gdprgraph.dataflow import impact, subject_inventory, trace, trace_rows
from gdprgraph.errors import UnknownTermError
from gdprgraph.flows import flow_graph, trace_nodes
from gdprgraph.model import Activity, Controller, Recipient, Ref, Register, Retention, System
from gdprgraph.stores import to_engine
from gdprgraph.vocabulary import resolve

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "connexi" / "connexi-gdprwise-register.txt"
HOSTILE = '"} ; DROP ALL ; {"'


def english_register() -> Register:
    return Register(
        controller=Controller("Acme Ltd", country="Belgium"),
        language="en",
        systems=(
            System("HR Suite", provider="HRSoft", country="Belgium"),
            System("Cloud Mail", provider="MailCorp", country="United States"),
            System("CRM One", provider="CRMCo", country="United States"),
        ),
        activities=(
            Activity("Payroll", section="employees", data_subjects=(Ref("Employees"),),
                     categories=("Home address", "Bank account", "Days of sick leave", "National register number"),
                     purposes=("Pay salaries",), legal_bases=("Contract", "Art. 9(2)(b)"),
                     retention=Retention("5 years after employment ends", "P5Y"),
                     recipients=(Recipient("Payroll Partner", "Belgium"),),
                     systems=(Ref("HR Suite"), Ref("Cloud Mail"))),
            Activity("Customer billing", section="clients", data_subjects=(Ref("Clients"),),
                     categories=("Name", "Home address", "Business address", "Work email address"),
                     purposes=("Invoicing",), legal_bases=("Contract",),
                     recipients=(Recipient("Accountants LLP", "Belgium"),),
                     systems=(Ref("CRM One"), Ref("Cloud Mail"))),
            Activity("Marketing", section="clients", data_subjects=(Ref("Prospects"),),
                     categories=("Name", "Personal email address"), purposes=("Direct marketing",),
                     legal_bases=("Legitimate interests",),
                     recipients=(Recipient("AdTech Inc", "United States"),),
                     systems=(Ref("CRM One", inferred=True),)),
            Activity("Recruitment", section="employees", data_subjects=(Ref("Job applicants"),),
                     categories=("CV", "Home address", "Health data"), purposes=("Hiring",),
                     legal_bases=("Legitimate interests",), systems=(Ref("HR Suite"),)),
            Activity("Website", data_subjects=(Ref("Website visitors"),), categories=("IP address", "Cookies"),
                     purposes=("Statistics",), no_recipients=True),
            Activity("Accounting", section="sharing",
                     data_subjects=(Ref("Clients", inferred=True), Ref("Employees", inferred=True)),
                     categories=("Home address", "Bank account"), purposes=("Bookkeeping",),
                     legal_bases=("Legal obligation",), recipients=(Recipient("Accountants LLP", "Belgium"),)),
        ),
    )


def dutch_register() -> Register:
    return Register(
        controller=Controller("Bakkerij Peeters", country="België"),
        language="nl",
        systems=(
            System("Loonpakket", provider="Lokale IT BV", country="België"),
            System("Webwinkel", provider="Shopify Inc.", country="Canada"),
        ),
        activities=(
            Activity("Loonadministratie", section="employees", data_subjects=(Ref("Werknemers"),),
                     categories=("Thuisadres", "Bankrekening", "Dagen ziekteverzuim", "Rijksregisternummer"),
                     purposes=("Lonen betalen",), legal_bases=("Overeenkomst",),
                     recipients=(Recipient("Sociaal Secretariaat Acerta", "België"),),
                     systems=(Ref("Loonpakket", inferred=True),)),
            Activity("Klantenbestand", section="clients", data_subjects=(Ref("Klanten"),),
                     categories=("Naam van de klant", "Thuisadres", "Werk emailadres"),
                     purposes=("Bestellingen leveren",), legal_bases=("Overeenkomst",),
                     systems=(Ref("Webwinkel"),), no_recipients=True),
            Activity("Nieuwsbrief", section="clients", data_subjects=(Ref("Klanten"),),
                     categories=("Persoonlijk emailadres",), purposes=("Promotie",), legal_bases=("Toestemming",),
                     recipients=(Recipient("Mailchimp", "Verenigde Staten"),)),
        ),
    )


ENGINES = ["rdflib", "oxigraph"]


@pytest.fixture(scope="module", params=ENGINES)
def english(request):
    return to_engine(build_graph(english_register()), request.param)


@pytest.fixture(scope="module", params=ENGINES)
def dutch(request):
    return to_engine(build_graph(dutch_register()), request.param)


@pytest.fixture(scope="module")
def seed():
    pytest.importorskip("gdprgraph.readers.gdprwise")
    from gdprgraph.build import load_graph

    return load_graph(SEED)


def labels(items) -> set[str]:
    return {item["label"] for item in items}


# -- trace on our own registers --------------------------------------------------------------------------

def test_trace_home_address_english(english):
    result = trace(english, "home address")
    assert [c["label"] for c in result["categories"]] == ["Home address"]
    assert labels(result["activities"]) == {"Payroll", "Customer billing", "Recruitment", "Accounting"}
    assert labels(result["systems"]) == {"HR Suite", "Cloud Mail", "CRM One"}
    assert {(r["label"], r["country"]) for r in result["recipients"]} == {("Payroll Partner", "BE"), ("Accountants LLP", "BE")}
    assert result["countries"] == ["BE", "US"]  # MailCorp and CRMCo are in the US
    assert result["outside_eea"] is True


def test_trace_with_subject_keeps_inferred_subject_links_and_marks_them(english):
    result = trace(english, "home address", subject="Clients")
    assert labels(result["activities"]) == {"Customer billing", "Accounting"}
    accounting = next(a for a in result["activities"] if a["label"] == "Accounting")
    assert accounting["subjects"] == ["Clients"] and accounting["inferred"] is True
    assert {(l["kind"], l["label"], l["inferred"]) for l in accounting["links"]} >= {("subject", "Clients", True)}
    billing = next(a for a in result["activities"] if a["label"] == "Customer billing")
    assert billing["inferred"] is False
    assert labels(result["systems"]) == {"CRM One", "Cloud Mail"}
    assert labels(result["recipients"]) == {"Accountants LLP"}
    # "customers" is broader than dpv:Client: the same activities
    assert labels(trace(english, "home address", subject="customers")["activities"]) == {"Customer billing", "Accounting"}


def test_dutch_term_works_on_english_register(english):
    assert labels(trace(english, "Thuisadres")["activities"]) == labels(trace(english, "home address")["activities"])
    assert labels(trace(english, "adresse du domicile")["activities"]) == {"Payroll", "Customer billing", "Recruitment", "Accounting"}


def test_address_finds_home_and_business_addresses_not_email(english):
    result = trace(english, "address")
    assert labels(result["categories"]) == {"Home address", "Business address"}
    assert "Marketing" not in labels(result["activities"])


def test_health_finds_narrower_categories_only(english):
    result = trace(english, "health")
    assert labels(result["categories"]) == {"Days of sick leave", "Health data"}
    assert labels(result["activities"]) == {"Payroll", "Recruitment"}
    assert labels(result["recipients"]) == {"Payroll Partner"}


def test_recipient_outside_eea_is_flagged(english):
    result = trace(english, "personal email address", subject="prospects")
    assert labels(result["activities"]) == {"Marketing"}
    assert result["recipients"] == [{
        "iri": result["recipients"][0]["iri"], "label": "AdTech Inc", "country": "US",
        "country_label": result["recipients"][0]["country_label"], "country_inferred": False,
        "outside_eea": True, "eea": False,
    }]
    assert result["outside_eea"] is True
    marketing = result["activities"][0]
    assert marketing["systems"] == ["CRM One"] and marketing["inferred"] is True  # the system link is inferred


def test_trace_dutch_register(dutch):
    assert labels(trace(dutch, "home address")["activities"]) == {"Loonadministratie", "Klantenbestand"}
    result = trace(dutch, "Thuisadres", subject="klanten")
    assert labels(result["activities"]) == {"Klantenbestand"}
    assert [(s["label"], s["provider"], s["country"]) for s in result["systems"]] == [("Webwinkel", "Shopify Inc.", "CA")]
    assert result["outside_eea"] is True  # Canada is not in the EEA
    health = trace(dutch, "health")
    assert labels(health["activities"]) == {"Loonadministratie"}
    assert labels(health["recipients"]) == {"Sociaal Secretariaat Acerta"}
    assert health["countries"] == ["BE"] and health["outside_eea"] is False
    email = trace(dutch, "email", subject="Clients")
    assert labels(email["activities"]) == {"Klantenbestand", "Nieuwsbrief"}
    assert {(r["label"], r["country"], r["outside_eea"]) for r in email["recipients"]} == {("Mailchimp", "US", True)}


def test_trace_json_shape(english):
    result = json.loads(json.dumps(trace(english, "home address")))
    assert {"term", "categories", "activities", "systems", "recipients", "countries", "outside_eea"} <= set(result)
    assert set(result["categories"][0]) >= {"iri", "label"}
    for act in result["activities"]:
        assert {"iri", "label", "section", "subjects", "categories", "systems", "recipients", "inferred"} <= set(act)
        assert all(isinstance(x, str) for key in ("subjects", "categories", "systems", "recipients") for x in act[key])
        assert isinstance(act["inferred"], bool)
    assert all({"iri", "label", "provider"} <= set(s) for s in result["systems"])
    assert all({"iri", "label", "country"} <= set(r) for r in result["recipients"])
    assert all(r["country"] is None or (len(r["country"]) == 2 and r["country"].isupper()) for r in result["recipients"])
    assert isinstance(result["outside_eea"], bool)
    payroll = next(a for a in result["activities"] if a["label"] == "Payroll")
    assert payroll["section"] == "employees"


def test_trace_rows_one_per_flow_with_inferred_marks(english):
    rows = trace_rows(trace(english, "personal email address"))
    assert [(r["activity"], r["kind"], r["to"]) for r in rows] == [
        ("Marketing", "system", "CRM One (inferred)"),
        ("Marketing", "recipient", "AdTech Inc"),
    ]


def test_known_term_absent_from_register_is_an_empty_answer(dutch):
    result = trace(dutch, "biometric data")
    assert result["categories"] == [] and result["activities"] == [] and result["outside_eea"] is False


def test_unknown_term_and_subject_raise_with_suggestions(english):
    with pytest.raises(UnknownTermError) as err:
        trace(english, "home adress")
    assert "Home address" in err.value.suggestions
    with pytest.raises(UnknownTermError):
        trace(english, "home address", subject="Martians")


# -- subject inventory and impact -----------------------------------------------------------------------

def test_subject_inventory(english):
    result = subject_inventory(english, "Clients")
    assert labels(result["activities"]) == {"Customer billing", "Accounting"}
    billing = next(a for a in result["activities"] if a["label"] == "Customer billing")
    assert labels(billing["categories"]) == {"Name", "Home address", "Business address", "Work email address"}
    assert billing["purposes"] == ["Invoicing"]
    assert [b["iri"].rsplit("#", 1)[-1] for b in billing["legal_bases"]] == ["A6-1-b"]
    assert {(s["label"], s["country"]) for s in billing["systems"]} == {("CRM One", "US"), ("Cloud Mail", "US")}
    assert {t["to"] for t in billing["transfers"]} == {"CRMCo", "MailCorp"}
    accounting = next(a for a in result["activities"] if a["label"] == "Accounting")
    assert accounting["inferred_subject"] is True and accounting["subjects"] == ["Clients (inferred)"]
    payroll = subject_inventory(english, "employees")["activities"]
    payroll = next(a for a in payroll if a["label"] == "Payroll")
    assert payroll["retention"] == [{"label": "5 years after employment ends", "duration": "P5Y"}]
    assert {c["label"] for c in payroll["categories"] if c["special"]} == {"Days of sick leave"}
    assert {c["label"] for c in payroll["categories"] if c["national_id"]} == {"National register number"}


def test_impact_of_a_provider_flags_special_and_national_id(english):
    result = impact(english, "hrsoft")
    assert [(m["label"], m["kind"]) for m in result["matches"]] == [("HRSoft", "provider")]
    assert labels(result["activities"]) == {"Payroll", "Recruitment"}
    assert labels(result["subjects"]) == {"Employees", "Job applicants"}
    assert result["special_categories"] is True and result["national_identifiers"] is True
    payroll = next(a for a in result["activities"] if a["label"] == "Payroll")
    assert payroll["special_categories"] == ["Days of sick leave"]
    assert payroll["national_identifiers"] == ["National register number"]


def test_impact_of_a_system_and_of_a_recipient(english):
    crm = impact(english, "CRM ONE")
    assert labels(crm["activities"]) == {"Customer billing", "Marketing"}
    assert crm["special_categories"] is False and crm["national_identifiers"] is False
    marketing = next(a for a in crm["activities"] if a["label"] == "Marketing")
    assert marketing["via"] == ["CRM One (inferred)"] and marketing["inferred"] is True
    assert labels(impact(english, "Accountants")["activities"]) == {"Customer billing", "Accounting"}
    with pytest.raises(UnknownTermError) as err:
        impact(english, "CRM Tow")
    assert "CRM One" in err.value.suggestions


# -- one source of truth: trace == the flow projection ---------------------------------------------------

def _flow_sets(flow, nodes, kind):
    return {n for n in nodes if flow.nodes[n]["kind"] == kind}


@pytest.mark.parametrize("term,subject", [
    ("home address", None), ("home address", "Clients"), ("health", None), ("address", None),
    ("email", "prospects"), ("bank account", "employees"),
])
def test_trace_equals_flow_projection(english, term, subject):
    result = trace(english, term, subject=subject)
    flow = flow_graph(english)
    subjects = resolve(subject, english, "data-subject") if subject else None
    nodes = trace_nodes(flow, resolve(term, english), subjects)
    assert {a["iri"] for a in result["activities"]} == _flow_sets(flow, nodes, "activity")
    assert {s["iri"] for s in result["systems"]} == _flow_sets(flow, nodes, "system")
    assert {r["iri"] for r in result["recipients"]} == _flow_sets(flow, nodes, "recipient")
    assert result["outside_eea"] == any(flow.nodes[n]["outside_eea"] for n in _flow_sets(flow, nodes, "country"))


def test_flow_graph_attributes(english):
    flow = flow_graph(english)
    kinds = {data["kind"] for _, data in flow.nodes(data=True)}
    assert kinds <= {"subject", "category", "activity", "system", "recipient", "provider", "country", "location"}
    for _, data in flow.nodes(data=True):
        assert {"kind", "label", "iri", "special", "national_id", "outside_eea"} <= set(data)
    for _, _, data in flow.edges(data=True):
        assert isinstance(data["inferred"], bool)
    by_label = {data["label"]: n for n, data in flow.nodes(data=True)}
    assert flow.nodes[by_label["Days of sick leave"]]["special"] is True
    assert flow.nodes[by_label["National register number"]]["national_id"] is True
    assert flow.nodes[by_label["AdTech Inc"]]["outside_eea"] is True
    assert flow.edges[by_label["Marketing"], by_label["CRM One"]]["inferred"] is True
    assert flow.edges[by_label["Customer billing"], by_label["CRM One"]]["inferred"] is False
    assert flow.has_edge(by_label["CRM One"], by_label["CRMCo"])


def test_engines_agree():
    rdf = build_graph(english_register())
    ox = to_engine(rdf, "oxigraph")
    for term, subject in [("home address", "Clients"), ("health", None), ("email", None)]:
        assert trace(rdf, term, subject) == trace(ox, term, subject)
    assert subject_inventory(rdf, "Clients") == subject_inventory(ox, "Clients")
    assert impact(rdf, "HRSoft") == impact(ox, "HRSoft")


# -- hostile input is inert -------------------------------------------------------------------------------

def test_hostile_terms_match_nothing_and_change_nothing(english):
    before = len(english)
    for call in (lambda: trace(english, HOSTILE), lambda: trace(english, "home address", subject=HOSTILE),
                 lambda: subject_inventory(english, HOSTILE), lambda: impact(english, HOSTILE)):
        with pytest.raises(UnknownTermError):
            call()
    assert len(english) == before


def test_hostile_term_exits_2_on_the_command_line(tmp_path):
    path = tmp_path / "register.ttl"
    path.write_text(build_graph(english_register()).serialize(format="turtle"), encoding="utf-8")
    before = path.read_bytes()
    for args in (["trace", HOSTILE, str(path)], ["trace", "home address", str(path), "--subject", HOSTILE],
                 ["impact", HOSTILE, str(path)], ["subject", HOSTILE, str(path)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output and "unknown" in result.stderr
    assert path.read_bytes() == before


# -- command line ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def english_ttl(tmp_path_factory):
    path = tmp_path_factory.mktemp("reg") / "acme.ttl"
    path.write_text(build_graph(english_register()).serialize(format="turtle"), encoding="utf-8")
    return path


@pytest.mark.parametrize("engine", ENGINES)
def test_cli_trace_table_json_csv(english_ttl, engine):
    table = CliRunner().invoke(main, ["trace", "personal email address", str(english_ttl), "--engine", engine])
    assert table.exit_code == 0, table.output
    assert "CRM One (inferred)" in table.output and "AdTech Inc" in table.output
    assert "Outside the EEA: yes" in table.output
    data = json.loads(CliRunner().invoke(main, ["trace", "home address", str(english_ttl), "--subject", "Clients",
                                                "--format", "json", "--engine", engine]).output)
    assert labels(data["activities"]) == {"Customer billing", "Accounting"}
    csv_out = CliRunner().invoke(main, ["trace", "health", str(english_ttl), "--format", "csv", "--engine", engine]).output
    assert csv_out.splitlines()[0] == "activity,section,subjects,categories,kind,to,where,outside_eea"


def test_cli_subject_and_impact(english_ttl):
    out = CliRunner().invoke(main, ["subject", "klanten", str(english_ttl)])
    assert out.exit_code == 0, out.output
    assert "Customer billing" in out.output and "Accounting" in out.output and "Payroll" not in out.output
    data = json.loads(CliRunner().invoke(main, ["impact", "HRSoft", str(english_ttl), "--format", "json"]).output)
    assert data["special_categories"] is True
    unknown = CliRunner().invoke(main, ["impact", "Nowhere Corp", str(english_ttl)])
    assert unknown.exit_code == 2 and len(unknown.stderr.strip().splitlines()) == 1


# -- the Connexi seed ------------------------------------------------------------------------------------------

def test_seed_home_address_for_clients(seed):
    result = trace(seed, "home address", subject="Clients")
    acts = labels(result["activities"])
    assert {"Klanten facturatie en boekhouding", "Levering van goederen en/of diensten", "Boekhouding"} <= acts
    assert "Aanwerving werknemers" not in acts
    assert {"Hubspot", "Calendly"} <= labels(result["systems"])
    assert ("Titeca Accountancy", "BE") in {(r["label"], r["country"]) for r in result["recipients"]}
    boekhouding = next(a for a in result["activities"] if a["label"] == "Boekhouding")
    assert boekhouding["subjects"] == ["Clients"]
    assert ("subject", "Clients", True) in {(l["kind"], l["label"], l["inferred"]) for l in boekhouding["links"]}


def test_seed_thuisadres_without_subject_adds_recruitment(seed):
    acts = labels(trace(seed, "Thuisadres")["activities"])
    assert "Aanwerving werknemers" in acts
    assert acts == labels(trace(seed, "home address", subject="Clients")["activities"]) | {"Aanwerving werknemers"}


def test_seed_health(seed):
    result = trace(seed, "health")
    assert labels(result["activities"]) == {"Uitzendarbeid"}
    assert labels(result["recipients"]) == {"Adecco Personnel Services NV"}


def test_seed_impact_hubspot(seed):
    result = impact(seed, "Hubspot")
    acts = labels(result["activities"])
    assert {"Klanten facturatie en boekhouding", "Klantenafspraken", "Klanten prospectie"} <= acts
    assert not acts & {"Aanwerving werknemers", "Zelfstandige medewerkers", "Uitzendarbeid"}
    staff_only = {"Dagen ziekteverzuim", "Geboorteplaats", "Samenstelling gezin", "Huwelijkse staat", "Identiteitskaart"}
    assert not labels(result["categories"]) & staff_only
    assert result["special_categories"] is False and result["national_identifiers"] is False


def test_seed_subject_clients_covers_prospects(seed):
    acts = labels(subject_inventory(seed, "Clients")["activities"])
    assert "Klanten prospectie" in acts and "Aanwerving werknemers" not in acts


def test_seed_trace_equals_flow_projection(seed):
    flow = flow_graph(seed)
    for term, subject in [("home address", "Clients"), ("Thuisadres", None), ("health", None)]:
        result = trace(seed, term, subject=subject)
        subjects = resolve(subject, seed, "data-subject") if subject else None
        nodes = trace_nodes(flow, resolve(term, seed), subjects)
        assert {a["iri"] for a in result["activities"]} == _flow_sets(flow, nodes, "activity")
        assert {s["iri"] for s in result["systems"]} == _flow_sets(flow, nodes, "system")
        assert {r["iri"] for r in result["recipients"]} == _flow_sets(flow, nodes, "recipient")


def test_seed_on_the_command_line():
    pytest.importorskip("gdprgraph.readers.gdprwise")
    out = CliRunner().invoke(main, ["trace", "home address", str(SEED), "--subject", "Clients"])
    assert out.exit_code == 0, out.output
    assert "Hubspot (inferred)" in out.output and "Clients (inferred)" in out.output
    assert "Aanwerving werknemers" not in out.output
