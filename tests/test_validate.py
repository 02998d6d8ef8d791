"""validate: the rule catalogue (shapes/*.ttl), findings, messages, provenance and the CLI contract."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, Graph, URIRef

from gdprgraph.build import build_graph, load_graph
from gdprgraph.cli import main
from gdprgraph.model import Activity, Controller, Recipient, Ref, Register, Retention, System
from gdprgraph.namespaces import DPV, EU_GDPR
from gdprgraph.validate import Finding, Report, rules, shapes_graph, validate_graph

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "validate"
RULE_FIXTURES = sorted((FIXTURES / "rules").glob("*.ttl"))
SEED = ROOT / "data" / "connexi" / "connexi-gdprwise-register.txt"

# The public contract of the issue: rule id → (article, severity). Never weaken or rename these.
CONTRACT = {
    "controller-identity": ("30(1)(a)", "violation"),
    "purpose": ("30(1)(b)", "violation"),
    "data-subjects": ("30(1)(c)", "violation"),
    "personal-data": ("30(1)(c)", "violation"),
    "recipients": ("30(1)(d)", "violation"),
    "legal-basis": ("6(1)", "violation"),
    "special-category-condition": ("9(2)", "violation"),
    "criminal-data-basis": ("10", "violation"),
    "national-identification-number": ("87", "warning"),
    "transfer-safeguard": ("44-46, 49", "violation"),
    "transfer-country-missing": ("30(1)(e)", "violation"),
    "location-contradiction": ("30(1)(e)", "warning"),
    "retention": ("30(1)(f)", "warning"),
    "retention-unquantified": ("30(1)(f)", "info"),
    "security-measures": ("30(1)(g)", "warning"),
    "legitimate-interest-assessment": ("6(1)(f)", "warning"),
    "unmapped-term": (None, "info"),
}


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def local(node) -> str:
    return str(node).rsplit("/", 1)[-1]


def by_rule(report: Report, rule: str) -> list[Finding]:
    return [f for f in report.findings if f.rule == rule]


def activity_iri(graph: Graph, label: str) -> str:
    for act in graph.subjects(RDF.type, DPV.Process):
        if str(graph.value(act, RDFS.label)) == label:
            return str(act)
    raise AssertionError(f"no activity {label!r}")


# -- the catalogue ----------------------------------------------------------------------------------------


def test_catalogue_keeps_the_public_rule_ids_articles_and_severities():
    catalogue = {rule.id: rule for rule in rules()}
    for rule_id, (article, severity) in CONTRACT.items():
        assert rule_id in catalogue, rule_id
        assert catalogue[rule_id].severity == severity, rule_id
        if article is None:
            assert catalogue[rule_id].article is None
        else:
            assert catalogue[rule_id].article == f"Art. {article}", rule_id


def test_every_rule_shape_is_named_with_severity_message_citing_its_article_and_hint():
    for rule in rules():
        assert rule.shape.startswith("https://w3id.org/gdprgraph/shapes#"), rule.id
        assert rule.shape.endswith("#" + rule.id)
        assert rule.message and rule.hint and rule.description, rule.id
        if rule.article:
            assert rule.message.startswith(rule.article + ":"), rule.id


def dutch_citation(article: str) -> str:
    """"Art. 30(1)(b)" → "Art. 30 lid 1 onder b AVG", as the Dutch messages cite the article."""
    text = article.replace(", ", " en ")
    text = re.sub(r"\((\d+)\)", r" lid \1", text)
    text = re.sub(r"\(([a-z])\)", r" onder \1", text)
    return text + " AVG"


def test_every_rule_shape_has_message_description_and_hint_in_english_and_dutch():
    graph = shapes_graph()
    sh, ggsh = "http://www.w3.org/ns/shacl#", "https://w3id.org/gdprgraph/shapes#"
    for rule in rules():
        for prop in (URIRef(sh + "message"), URIRef(sh + "description"), URIRef(ggsh + "hint")):
            tags = sorted(o.language for o in graph.objects(URIRef(rule.shape), prop))
            assert tags == ["en", "nl"], (rule.id, prop, tags)
    english, dutch = {r.id: r for r in rules("en")}, {r.id: r for r in rules("nl")}
    assert list(english) == list(dutch)  # same rules, same order, same ids
    for rule_id, nl in dutch.items():
        en = english[rule_id]
        assert (nl.article, nl.severity, nl.shape) == (en.article, en.severity, en.shape), rule_id
        assert nl.message and nl.description and nl.hint, rule_id
        assert (nl.message, nl.description, nl.hint) != (en.message, en.description, en.hint), rule_id
        if nl.article:
            assert nl.message.startswith(dutch_citation(nl.article) + ":"), (rule_id, nl.message)
    assert dutch["purpose"].message == ("Art. 30 lid 1 onder b AVG: de verwerkingsactiviteit vermeldt geen "
                                        "verwerkingsdoeleinde")
    assert dutch["transfer-safeguard"].message.startswith("Art. 44-46 en 49 AVG: ")
    with pytest.raises(ValueError, match="lang"):
        rules("fr")


def test_every_language_has_every_phrase():
    from gdprgraph.validate import _PHRASES, MESSAGE_LANGUAGES

    assert sorted(_PHRASES) == sorted(MESSAGE_LANGUAGES)
    english = _PHRASES["en"]
    for lang, table in _PHRASES.items():
        assert table.keys() == english.keys(), lang
        for key, value in table.items():
            if isinstance(value, dict):
                assert value.keys() == english[key].keys(), (lang, key)
            else:  # the same placeholders
                assert re.findall(r"{\w+}", value) == re.findall(r"{\w+}", english[key]), (lang, key)


def test_constraints_are_shacl_core_and_targets_declare_their_prefixes():
    """No SHACL-SPARQL constraints (pyshacl runs them per focus node); SPARQL only in targets."""
    sh = "http://www.w3.org/ns/shacl#"
    graph = shapes_graph()
    assert not list(graph.subject_objects(URIRef(sh + "sparql")))
    for target in graph.objects(None, URIRef(sh + "target")):
        assert graph.value(target, URIRef(sh + "select")) is not None
        assert graph.value(target, URIRef(sh + "prefixes")) == URIRef("https://w3id.org/gdprgraph/shapes")


def test_every_rule_has_a_fixture():
    assert {path.stem for path in RULE_FIXTURES} == {rule.id for rule in rules()}


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=lambda p: p.stem)
def test_rule_fires_on_failing_and_not_on_passing_fixture(path: Path):
    """rules/<id>.ttl: every ex:fail* node gets exactly this rule (severity, focus) and nothing else;
    every ex:pass* node gets no finding at all."""
    graph = Graph().parse(FIXTURES / "base.ttl").parse(path)
    rule = {r.id: r for r in rules()}[path.stem]
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
    fails = {str(s) for s in subjects if local(s).startswith("fail")}
    passes = {str(s) for s in subjects if local(s).startswith("pass")}
    assert fails and passes
    report = validate_graph(graph)
    got = {(f.rule, f.severity, f.focus) for f in report.findings if f.focus in fails | passes}
    assert got == {(rule.id, rule.severity, focus) for focus in fails}


# -- a lawful register, the CLI contract ------------------------------------------------------------------


def test_complete_lawful_register_conforms_with_exit_0():
    result = run("validate", str(FIXTURES / "lawful.ttl"), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == {"conforms": True, "counts": {"violation": 0, "warning": 0, "info": 0}, "findings": []}
    text = run("validate", str(FIXTURES / "lawful.ttl"))
    assert text.exit_code == 0 and "conforms" in text.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("validate", str(FIXTURES / "malformed.ttl")),
        ("validate", str(FIXTURES / "does-not-exist.ttl")),
        ("validate", "UNKNOWN"),
    ],
    ids=["malformed-turtle", "missing-file", "unknown-format"],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(args, tmp_path: Path):
    if args[1] == "UNKNOWN":
        unknown = tmp_path / "register.docx"
        unknown.write_bytes(b"PK\x03\x04\x00\xff\xfe binary, not a register")
        args = ("validate", str(unknown))
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""


def test_register_is_required_unless_listing_rules():
    result = run("validate")
    assert result.exit_code == 2
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1


def test_rules_lists_the_catalogue_without_a_register():
    result = run("validate", "--rules")
    assert result.exit_code == 0
    for rule_id in CONTRACT:
        assert rule_id in result.stdout
    data = json.loads(run("validate", "--rules", "--format", "json").stdout)
    assert [r["id"] for r in data] == [r.id for r in rules()]
    assert {"id", "article", "severity", "description", "message", "hint"} <= set(data[0])


FLAWED_PREFIXES = """
@prefix dpv: <https://w3id.org/dpv#> .
@prefix eu-gdpr: <https://w3id.org/dpv/legal/eu/gdpr#> .
@prefix ex: <https://example.org/reg/> .
@prefix gg: <https://w3id.org/gdprgraph#> .
@prefix pd: <https://w3id.org/dpv/pd#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
NO_PURPOSE = """
ex:no-purpose a dpv:Process ; rdfs:label "Zonder doel"@nl ; dpv:hasDataController ex:controller ;
    dpv:hasDataSubject dpv:Employee ; dpv:hasPersonalData pd:Name ; dpv:hasLegalBasis eu-gdpr:A6-1-b ;
    gg:noRecipients true ; dpv:hasStorageCondition ex:retention ; dpv:hasTechnicalOrganisationalMeasure ex:measure .
"""
NO_MEASURES = """
ex:no-measures a dpv:Process ; rdfs:label "Zonder maatregelen"@nl ; dpv:hasDataController ex:controller ;
    dpv:hasPurpose ex:purpose ; dpv:hasDataSubject dpv:Employee ; dpv:hasPersonalData pd:Name ;
    dpv:hasLegalBasis eu-gdpr:A6-1-b ; gg:noRecipients true ; dpv:hasStorageCondition ex:retention .
"""


def register_file(tmp_path: Path, *activities: str) -> Path:
    path = tmp_path / "register.ttl"
    path.write_text((FIXTURES / "base.ttl").read_text(encoding="utf-8") + FLAWED_PREFIXES + "".join(activities), encoding="utf-8")
    return path


@pytest.fixture
def flawed(tmp_path: Path) -> Path:
    """One activity with a violation (no purpose), one with a warning (no security measures)."""
    return register_file(tmp_path, NO_PURPOSE, NO_MEASURES)


def test_json_output_and_exit_codes(flawed: Path):
    result = run("validate", str(flawed), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["conforms"] is False
    assert data["counts"] == {"violation": 1, "warning": 1, "info": 0}
    first = data["findings"][0]
    assert list(first)[:6] == ["severity", "rule", "article", "focus", "label", "message"]
    assert {"hint", "inferred"} <= set(first)
    assert {(f["rule"], f["focus"], f["label"]) for f in data["findings"]} == {
        ("purpose", "https://example.org/reg/no-purpose", "Zonder doel"),
        ("security-measures", "https://example.org/reg/no-measures", "Zonder maatregelen"),
    }


def test_fail_on_warning(tmp_path: Path):
    path = register_file(tmp_path, NO_MEASURES)
    assert run("validate", str(path)).exit_code == 0
    assert run("validate", str(path), "--fail-on", "warning").exit_code == 1
    assert run("validate", str(FIXTURES / "lawful.ttl"), "--fail-on", "warning").exit_code == 0


def test_text_output_groups_by_activity_with_article_and_hint_and_no_colour_when_piped(flawed: Path):
    result = run("validate", str(flawed))
    out = result.stdout
    assert result.exit_code == 1
    assert "\x1b[" not in out
    assert out.index("Zonder doel") < out.index("Art. 30(1)(b)") < out.index("Zonder maatregelen")
    assert "purpose" in out and "fix:" in out
    assert "1 violation, 1 warning, 0 info" in out


def test_lang_option_picks_the_language_of_messages_and_hints(flawed: Path):
    """The fixture register states no dct:language: auto is English; --lang nl forces Dutch."""
    auto = json.loads(run("validate", str(flawed), "--format", "json").stdout)
    dutch = json.loads(run("validate", str(flawed), "--format", "json", "--lang", "nl").stdout)
    assert auto == json.loads(run("validate", str(flawed), "--format", "json", "--lang", "en").stdout)
    assert [list(f) for f in dutch["findings"]] == [list(f) for f in auto["findings"]]  # same keys
    assert [(f["rule"], f["focus"], f["article"]) for f in dutch["findings"]] == [
        (f["rule"], f["focus"], f["article"]) for f in auto["findings"]]
    purpose = next(f for f in dutch["findings"] if f["rule"] == "purpose")
    assert purpose["message"] == "Art. 30 lid 1 onder b AVG: de verwerkingsactiviteit vermeldt geen verwerkingsdoeleinde"
    assert purpose["hint"] == 'Vermeld waarvoor de gegevens worden verwerkt (bv. "facturatie aan klanten").'
    text = run("validate", str(flawed), "--lang", "nl")
    assert text.exit_code == 1 and "Art. 30 lid 1 onder g AVG: de verwerkingsactiviteit beschrijft geen" in text.stdout


def test_lang_option_refuses_an_unknown_language(flawed: Path):
    result = run("validate", str(flawed), "--lang", "fr")
    assert result.exit_code == 2
    assert "--lang" in result.stderr and "fr" in result.stderr
    assert "Traceback" not in result.output


def test_rules_lists_the_dutch_catalogue():
    result = run("validate", "--rules", "--lang", "nl")
    assert result.exit_code == 0
    assert "Een verwerkingsactiviteit heeft geen doeleinde." in result.stdout
    data = json.loads(run("validate", "--rules", "--format", "json", "--lang", "nl").stdout)
    assert [r["id"] for r in data] == [r.id for r in rules()]
    purpose = next(r for r in data if r["id"] == "purpose")
    assert purpose["article"] == "Art. 30(1)(b)"
    assert purpose["message"].startswith("Art. 30 lid 1 onder b AVG: ")
    assert run("validate", "--rules").stdout == run("validate", "--rules", "--lang", "en").stdout


def test_ttl_output_is_the_shacl_report_graph(flawed: Path):
    result = run("validate", str(flawed), "--format", "ttl")
    assert result.exit_code == 1
    report = Graph().parse(data=result.stdout, format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    assert len(list(report.subjects(URIRef(sh + "focusNode"), URIRef("https://example.org/reg/no-purpose")))) == 1
    messages = {str(m) for m in report.objects(None, URIRef(sh + "resultMessage"))}
    assert any(m.startswith("Art. 30(1)(b)") for m in messages)


def test_ttl_output_carries_the_message_in_the_chosen_language_with_its_tag(flawed: Path):
    sh = "http://www.w3.org/ns/shacl#"
    for lang, start in (("nl", "Art. 30 lid 1 onder b AVG: "), ("en", "Art. 30(1)(b): ")):
        result = run("validate", str(flawed), "--format", "ttl", "--lang", lang)
        report = Graph().parse(data=result.stdout, format="turtle")
        (top,) = report.subjects(URIRef(sh + "focusNode"), URIRef("https://example.org/reg/no-purpose"))
        messages = list(report.objects(top, URIRef(sh + "resultMessage")))
        assert len(messages) == 1, messages  # the chosen language only, not both
        assert messages[0].language == lang and str(messages[0]).startswith(start)


# -- registers built from the model: transfers, special categories, provenance -----------------------------


def lawful_activity(title: str, **changes) -> Activity:
    values = dict(
        title=title,
        purposes=("Klanten bedienen",),
        data_subjects=(Ref("dpv:Customer"),),
        categories=("pd:Name",),
        legal_bases=("Art. 6(1)(b)",),
        retention=Retention("2 jaar", "P2Y"),
        measures=("Versleuteling",),
        no_recipients=True,
        location="EU",
    )
    values.update(changes)
    return Activity(**values)


def model_register(*activities: Activity, systems: tuple[System, ...] = ()) -> Register:
    controller = Controller(name="Bakkerij Peeters", country="BE", contact_email="privacy@peeters.example")
    return Register(controller=controller, activities=activities, systems=systems, language="nl")


def test_us_recipient_outside_eu_activity_and_trade_union_data_are_flagged():
    register = model_register(
        lawful_activity("CRM", recipients=(Recipient("Acme CRM Inc.", "US"),), no_recipients=False, location=None),
        lawful_activity("Support", location="outside-EU"),
        lawful_activity("Vakbondspremie", categories=("pd:Name", "pd:TradeUnionMembership")),
        lawful_activity("Drukwerk", recipients=(Recipient("Imprimerie Lyon", "FR"),), no_recipients=False),
    )
    graph = build_graph(register)
    report = validate_graph(graph, lang="en")  # a Dutch register: its findings would be in Dutch otherwise
    found = {(f.rule, f.label) for f in report.findings}
    assert ("transfer-safeguard", "CRM") in found
    assert ("transfer-country-missing", "Support") in found
    assert ("special-category-condition", "Vakbondspremie") in found
    assert not [f for f in report.findings if f.label == "Drukwerk"], "a French recipient is not a transfer"
    transfer = by_rule(report, "transfer-safeguard")[0]
    assert transfer.focus == activity_iri(graph, "CRM")
    assert "Acme CRM Inc." in transfer.message and "United States" in transfer.message
    special = by_rule(report, "special-category-condition")[0]
    assert "Trade Union" in special.message
    assert report.conforms is False


def test_finding_on_an_inferred_system_link_says_so():
    calendly = System("Calendly", type="Public cloud", provider="Calendly LLC", country="US", sections=("client-systems",))
    register = model_register(
        lawful_activity("Klantenafspraken", systems=(Ref("Calendly", inferred=True),), legal_bases=("Art. 6(1)(b)", "eu-gdpr:A46-2-c")),
        lawful_activity("Stated", systems=(Ref("Calendly"),), legal_bases=("Art. 6(1)(b)", "eu-gdpr:A46-2-c")),
        systems=(calendly,),
    )
    report = validate_graph(build_graph(register), lang="en")
    found = {f.label: f for f in by_rule(report, "location-contradiction")}
    inferred, stated = found["Klantenafspraken"], found["Stated"]
    assert inferred.inferred is True
    assert "(inferred link: system listed for the client section)" in inferred.message
    assert "Calendly LLC" in inferred.message
    assert stated.inferred is False and "inferred" not in stated.message


def test_composed_specifics_are_in_dutch_on_a_dutch_register():
    calendly = System("Calendly", type="Public cloud", provider="Calendly LLC", country="US", sections=("client-systems",))
    register = model_register(
        lawful_activity("Klantenafspraken", systems=(Ref("Calendly", inferred=True),), legal_bases=("Art. 6(1)(b)",)),
        lawful_activity("CRM", recipients=(Recipient("Acme CRM Inc.", "US"),), no_recipients=False, location=None),
        lawful_activity("Verweg", recipients=(Recipient("Ergens BV", "Atlantis"),), no_recipients=False),
        systems=(calendly,),
    )
    report = validate_graph(build_graph(register))  # model_register: language="nl"
    assert report.lang == "nl"
    found = {(f.rule, f.label): f for f in report.findings}
    inferred = found[("transfer-safeguard", "Klantenafspraken")]
    assert inferred.inferred is True
    assert inferred.message.endswith(': leverancier "Calendly LLC" van systeem "Calendly" (land: Verenigde Staten) '
                                     "(afgeleid verband: systeem vermeld bij de systemen voor klantgegevens)")
    assert found[("transfer-safeguard", "CRM")].message.endswith(': ontvanger "Acme CRM Inc." (land: Verenigde Staten)')
    assert found[("unmapped-term", "Verweg")].message == (
        'een term uit het register kon niet aan een DPV-begrip worden gekoppeld: land "Atlantis"')
    assert not [f for f in report.findings if "inferred" in f.message or " in United" in f.message]


def test_unknown_or_unmapped_country_is_not_a_transfer():
    register = model_register(
        lawful_activity("Koerier", recipients=(Recipient("Koerier Snel"),), no_recipients=False),
        lawful_activity("Verweg", recipients=(Recipient("Ergens BV", "Atlantis"),), no_recipients=False),
    )
    report = validate_graph(build_graph(register))
    assert not by_rule(report, "transfer-safeguard") and not by_rule(report, "location-contradiction")
    unmapped = by_rule(report, "unmapped-term")
    assert [f.label for f in unmapped] == ["Verweg"] and "Atlantis" in unmapped[0].message


def test_messages_name_the_category_and_findings_are_sorted_deterministically():
    graph = Graph().parse(FIXTURES / "base.ttl").parse(FIXTURES / "rules" / "special-category-condition.ttl")
    first, second = validate_graph(graph), validate_graph(graph)
    assert first.findings == second.findings
    messages = {f.focus.rsplit("/", 1)[-1]: f.message for f in first.findings}
    assert '"Dagen ziekteverzuim" (Health)' in messages["fail"]
    labels = [f.label for f in first.findings]
    assert labels == sorted(labels, key=str.casefold)


def test_validation_does_not_modify_the_register_graph():
    graph = Graph().parse(FIXTURES / "lawful.ttl")
    before = set(graph)
    validate_graph(graph)
    assert set(graph) == before


def test_controller_findings_point_at_the_controller_and_come_first():
    graph = Graph().parse(FIXTURES / "base.ttl").parse(FIXTURES / "rules" / "controller-identity.ttl")
    graph.remove((URIRef("https://example.org/reg/act-3"), DPV.hasPurpose, None))
    report = validate_graph(graph)
    assert [f.rule for f in report.findings][:2] == ["controller-identity", "controller-identity"]
    no_name = next(f for f in report.findings if f.focus.endswith("fail-no-name"))
    assert "no name" in no_name.message
    dutch = validate_graph(graph, lang="nl")
    no_name = next(f for f in dutch.findings if f.focus.endswith("fail-no-name"))
    assert no_name.message.startswith("Art. 30 lid 1 onder a AVG: ") and no_name.message.endswith(": geen naam")
    assert report.findings[-1].rule == "purpose"


# -- the seed register ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_report() -> tuple[Graph, Report]:
    pytest.importorskip("gdprgraph.readers.gdprwise")
    graph = load_graph(SEED)
    return graph, validate_graph(graph)


def test_seed_findings(seed_report):
    graph, report = seed_report
    rules_by_label: dict[str, set[str]] = {}
    for f in report.findings:
        rules_by_label.setdefault(f.label, set()).add(f.rule)
    special = [f for f in by_rule(report, "special-category-condition") if f.label == "Uitzendarbeid"]
    assert special and special[0].severity == "violation"
    assert "national-identification-number" in rules_by_label["Aanwerving werknemers"]
    assert "national-identification-number" in rules_by_label["Uitzendarbeid"]
    assert "special-category-condition" not in rules_by_label.get("Klantenafspraken", set())
    assert "retention-unquantified" in rules_by_label["Klantenafspraken"]
    assert "retention-unquantified" not in rules_by_label["Klanten prospectie"]  # "na 2 jaar verwijderd"
    lia = {f.label for f in by_rule(report, "legitimate-interest-assessment")}
    legitimate = {str(graph.value(a, RDFS.label)) for a in graph.subjects(DPV.hasLegalBasis, EU_GDPR["A6-1-f"])}
    assert {"Nieuwsbrief / promotie", "Klanten prospectie", "Aanwerving werknemers"} <= legitimate
    assert lia == legitimate
    assert "purpose-looks-like-retention" in rules_by_label["Nieuwsbrief / promotie"]
    assert report.conforms is False


def test_seed_findings_are_in_dutch_the_registers_language(seed_report):
    graph, report = seed_report  # validate_graph(graph): no lang given, the register says dct:language "nl"
    assert report.lang == "nl"
    special = next(f for f in by_rule(report, "special-category-condition") if f.label == "Uitzendarbeid")
    assert special.message == (
        "Art. 9 lid 2 AVG: er worden bijzondere categorieën van persoonsgegevens verwerkt zonder "
        'uitzonderingsgrond uit art. 9 lid 2: "Dagen ziekteverzuim" (Health)')
    assert special.hint == (
        "Vermeld de uitzonderingsgrond uit art. 9 lid 2 (bv. onder b: arbeidsrecht, onder a: uitdrukkelijke "
        "toestemming) of stop met het verwerken van deze gegevens.")
    assert special.article == "Art. 9(2)"  # the article key stays language-neutral
    transfer = next(f for f in by_rule(report, "transfer-safeguard") if f.label == "Aanwerving werknemers")
    assert transfer.message == (
        "Art. 44-46 en 49 AVG: persoonsgegevens worden doorgegeven naar buiten de EER zonder "
        "adequaatheidsbesluit, passende waarborgen volgens art. 46 of afwijking volgens art. 49: "
        'leverancier "Google.com" van systeem "Google Gmail & Apps", leverancier "Microsoft.com" van systeem '
        '"Microsoft Outlook & Office" (land: Verenigde Staten) '
        "(afgeleid verband: systeem vermeld bij de systemen voor medewerkersgegevens)")
    assert transfer.inferred is True
    # the SHACL report graph carries the Dutch message, tagged @nl
    messages = {m.language for m in report.graph.objects(None, URIRef("http://www.w3.org/ns/shacl#resultMessage"))
                if str(m).startswith("Art. 9 lid 2 AVG")}
    assert messages == {"nl"}


def test_forcing_english_on_the_dutch_seed_gives_the_english_messages(seed_report):
    graph, dutch = seed_report
    english = validate_graph(graph, lang="en")
    assert english.lang == "en"
    assert [(f.rule, f.focus, f.severity, f.article, f.inferred) for f in english.findings] == [
        (f.rule, f.focus, f.severity, f.article, f.inferred) for f in dutch.findings]
    special = next(f for f in by_rule(english, "special-category-condition") if f.label == "Uitzendarbeid")
    assert special.message == ("Art. 9(2): special categories of personal data are processed without an Art. 9(2) "
                               'condition: "Dagen ziekteverzuim" (Health)')
    assert all(f.message.startswith(f.article + ":") for f in english.findings if f.article)
    assert not any("AVG" in f.message or "afgeleid" in f.message for f in english.findings)


@pytest.mark.parametrize("language, expected", [("nl", "nl"), ("nl-BE", "nl"), ("EN", "en"), ("fr", "en"), (None, "en")])
def test_message_language_follows_the_register_when_there_is_a_translation(language, expected):
    from rdflib import Literal
    from rdflib.namespace import DCTERMS

    graph = Graph().parse(FIXTURES / "base.ttl").parse(FIXTURES / "rules" / "purpose.ttl")
    graph.remove((None, DCTERMS.language, None))
    if language is not None:
        graph.add((URIRef("https://example.org/reg/register"), DCTERMS.language, Literal(language)))
    report = validate_graph(graph)
    assert report.lang == expected
    purpose = by_rule(report, "purpose")[0]
    assert purpose.message.startswith("Art. 30 lid 1 onder b AVG:" if expected == "nl" else "Art. 30(1)(b):")


def test_an_unknown_message_language_is_refused():
    with pytest.raises(ValueError, match="lang"):
        validate_graph(Graph(), lang="fr")


def test_seed_findings_point_at_activities_or_the_controller(seed_report):
    graph, report = seed_report
    activities = {str(a) for a in graph.subjects(RDF.type, DPV.Process)}
    controllers = {str(c) for c in graph.objects(None, DPV.hasDataController)}
    for f in report.findings:
        if f.rule == "controller-identity":
            assert f.focus in controllers, f
        elif f.rule == "unmapped-term":
            assert f.focus in activities | controllers, f
        else:
            assert f.focus in activities, f
            assert f.label == str(graph.value(URIRef(f.focus), RDFS.label)), f


def test_the_vocabulary_alone_gives_no_findings():
    """Nothing in ontology/ (DPV subset, our terms, label mappings) is mistaken for a register node."""
    report = validate_graph(Graph())
    assert report.findings == [] and report.conforms


def test_third_country_and_each_party_are_named_once():
    graph = Graph().parse(FIXTURES / "base.ttl").parse(FIXTURES / "rules" / "transfer-safeguard.ttl")
    messages = {local(f.focus): f.message for f in by_rule(validate_graph(graph), "transfer-safeguard")}
    assert messages["fail-third-country"].endswith(": third country India")
    assert messages["fail-recipient"].endswith(': recipient "Acme CRM Inc." in United States of America')
    assert 'provider "HubSpot, Inc." of system "HubSpot CRM" in United States of America' in messages["fail-provider"]


def test_rdf_without_any_register_is_bad_input_not_a_clean_bill_of_health(tmp_path: Path):
    foaf = tmp_path / "people.ttl"
    foaf.write_text("@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n<http://example.org/ann> a foaf:Person ; "
                    "foaf:name \"Ann\" .\n", encoding="utf-8")
    result = run("validate", str(foaf))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "people.ttl" in result.stderr and "no activity" in result.stderr
