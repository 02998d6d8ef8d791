"""The YAML register: every field, strict errors with file:line:column, round trips with the graph."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

from gdprgraph.build import build_graph, load_graph
from gdprgraph.cli import main
from gdprgraph.errors import InputError
from gdprgraph.extract import register_from_graph
from gdprgraph.model import Recipient, Ref, Retention
from gdprgraph.namespaces import DPV, EU_GDPR, GG, LOC
from gdprgraph.readers import yaml as yaml_reader
from gdprgraph.readers.yaml import read_yaml, read_yaml_text
from gdprgraph.writers.yaml import write_yaml
from cli_helpers import one_line_error

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "example" / "register.yaml"
SEED = ROOT / "data" / "connexi" / "connexi-gdprwise-register.txt"
DOC = ROOT / "docs" / "yaml-format.md"

MINIMAL = """\
language: en
controller:
  name: Acme
activities:
  - name: Payroll
    purposes: [Pay salaries]
    legal_bases: [Art. 6(1)(b)]
"""


def data_registers() -> list[Path]:
    """Every register in data/: the YAML ones and the GDPRWise seed."""
    return sorted((ROOT / "data").rglob("*.yaml")) + [SEED]


def error_of(text: str, tmp_path: Path) -> InputError:
    path = tmp_path / "register.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_yaml(path)
    return caught.value


def place(error: InputError) -> tuple[int, int]:
    match = re.match(r".*register\.yaml:(\d+):(\d+): ", str(error))
    assert match, str(error)
    return int(match.group(1)), int(match.group(2))


# -- reading -------------------------------------------------------------------------------------
def test_example_reads_every_field():
    register = read_yaml(EXAMPLE)
    ctrl = register.controller
    assert ctrl.name == "Brightwater Language School Ltd"
    assert ctrl.registration_number == "08123456"
    assert (ctrl.contact_name, ctrl.contact_email) == ("Priya Shah", "privacy@brightwater.example")
    assert (ctrl.dpo_name, ctrl.dpo_email) == ("Tom Becker", "dpo@brightwater.example")
    assert ctrl.representative and ctrl.joint_controllers == ("Open Campus Certification Foundation",)
    assert register.language == "en" and register.date == "2024-03-15"
    assert register.base == "https://example.org/brightwater/"
    enrol = register.activities[0]
    assert enrol.title == "Student enrolment"
    assert enrol.retention == Retention("6 years after the last course ends", "P6Y")
    assert Recipient("Stripe Payments Europe", "IE", "processor") in enrol.recipients
    assert enrol.data_sources == ("The data subject", "Parent or guardian")
    assert (enrol.dpia_required, enrol.dpia_reference, enrol.automated_decisions) == (False, "DPIA screening 2024-02", False)
    support = register.activities[1]
    assert support.no_recipients and support.special_category_conditions == ("Art. 9(2)(a)",)
    assert register.activities[3].automated_decisions is True
    newsletter = register.activities[2]
    assert newsletter.transfer_safeguards == ("eu-gdpr:A46-2-c",) and newsletter.location == "outside-EU"


def test_example_uses_every_authoring_key():
    text = EXAMPLE.read_text(encoding="utf-8")
    provenance = {"source_line", "from_prose"}
    for keys in (yaml_reader.ROOT_KEYS, yaml_reader.CONTROLLER_KEYS, yaml_reader.SYSTEM_KEYS,
                 yaml_reader.ACTIVITY_KEYS, yaml_reader.RECIPIENT_KEYS, yaml_reader.RETENTION_KEYS,
                 yaml_reader.DPIA_KEYS, yaml_reader.PERSON_KEYS):
        for key in set(keys) - provenance:
            assert re.search(rf"^\s*(- )?{key}:", text, re.M), f"data/example lacks {key!r}"


def test_documentation_covers_every_key_with_an_example():
    doc = DOC.read_text(encoding="utf-8")
    for keys in (yaml_reader.ROOT_KEYS, yaml_reader.CONTROLLER_KEYS, yaml_reader.SYSTEM_KEYS,
                 yaml_reader.ACTIVITY_KEYS, yaml_reader.RECIPIENT_KEYS, yaml_reader.RETENTION_KEYS,
                 yaml_reader.DPIA_KEYS, yaml_reader.PERSON_KEYS, yaml_reader.REF_KEYS):
        for key in keys:
            assert f"`{key}`" in doc, f"docs/yaml-format.md does not describe {key!r}"
            assert re.search(rf"^\s*(- )?{key}:", doc, re.M), f"docs/yaml-format.md has no example of {key!r}"


def test_example_graph_has_the_extras():
    g = load_graph(EXAMPLE)
    acts = {str(g.value(a, RDFS.label)): a for a in g.subjects(RDF.type, DPV.Process)}
    enrol, support, scoring = acts["Student enrolment"], acts["Accessibility support"], acts["Placement test scoring"]
    assert str(enrol).startswith("https://example.org/brightwater/")
    assert g.value(enrol, RDFS.label).language == "en"
    stripe = next(r for r in g.objects(enrol, DPV.hasRecipient) if str(g.value(r, DPV.hasName)).startswith("Stripe"))
    assert (stripe, RDF.type, DPV.DataProcessor) in g and (stripe, RDF.type, DPV.ThirdParty) not in g
    assert (support, DPV.hasLegalBasis, EU_GDPR["A9-2-a"]) in g
    assert g.value(support, GG.noRecipients) == Literal(True)
    dpia = g.value(support, DPV.hasImpactAssessment)
    assert (dpia, RDF.type, DPV.DPIA) in g and g.value(dpia, DPV.hasStatus) == EU_GDPR.DPIARequired
    assert str(g.value(dpia, DCTERMS.identifier)) == "DPIA-2024-01"
    assert (scoring, DPV.hasContext, DPV.AutomatedDecisionMaking) in g
    assert (enrol, DPV.hasHumanInvolvement, DPV.HumanInvolvementForDecision) in g
    assert len(list(g.objects(enrol, DPV.hasDataSource))) == 2
    newsletter = acts["Newsletter"]
    assert (newsletter, DPV.hasLegalBasis, EU_GDPR["A46-2-c"]) in g
    assert (newsletter, DPV.hasThirdCountry, LOC.US) in g
    assert str(g.value(newsletter, GG.legitimateInterestAssessment)).startswith("LIA-2024-03")


def test_values_are_text_as_typed_and_shorthands_work():
    register = read_yaml_text("""\
date: 2024-01-31
controller: {name: Connexi, registration_number: 600.995.271, country: BE, dpo: An Peeters}
activities:
  - name: A
    purposes: One purpose
    data_subjects: [Clients, {inferred: Staff}]
    retention: {text: Until the end of the contract, duration: null}
    recipients: [Acerta, {name: Google, country: US, role: verwerker}]
    dpia: true
  - name: B
    retention: 2 jaar
""")
    assert register.controller.registration_number == "600.995.271"
    assert register.controller.dpo_name == "An Peeters"
    assert register.date == "2024-01-31"
    a, b = register.activities
    assert a.purposes == ("One purpose",)
    assert a.data_subjects == (Ref("Clients"), Ref("Staff", inferred=True))
    assert a.retention == Retention("Until the end of the contract", None)
    assert a.recipients == (Recipient("Acerta"), Recipient("Google", "US", "processor"))
    assert a.dpia_required is True and a.no_recipients is False
    assert b.retention == Retention("2 jaar", "P2Y")
    assert b.recipients == () and not b.no_recipients  # not stated ≠ none


# -- errors --------------------------------------------------------------------------------------
def test_unknown_key_names_line_column_and_suggests(tmp_path: Path):
    error = error_of(MINIMAL.replace("purposes:", "purpose:"), tmp_path)
    assert place(error) == (6, 5)
    assert "unknown key 'purpose'" in str(error) and "did you mean 'purposes'?" in str(error)
    error = error_of(MINIMAL.replace("controller:", "controler:"), tmp_path)
    assert place(error) == (2, 1) and "did you mean 'controller'?" in str(error)


def test_malformed_yaml_names_line_and_column(tmp_path: Path):
    error = error_of("controller:\n  name: Acme\n activities: [\n", tmp_path)
    line, column = place(error)
    assert line == 3 and column >= 1
    assert "is not valid YAML" in str(error)


def test_bad_legal_basis_is_an_error_naming_the_line(tmp_path: Path):
    error = error_of(MINIMAL.replace("Art. 6(1)(b)", "Because we can"), tmp_path)
    assert place(error) == (7, 19)
    assert "unknown legal basis 'Because we can'" in str(error)
    error = error_of(MINIMAL + "    transfer_safeguards: [eu-gdpr:A99-9-z]\n", tmp_path)
    assert place(error)[0] == 8


@pytest.mark.parametrize("text,expected,where", [
    (MINIMAL + "    section: client\n", "did you mean 'clients'?", 8),
    (MINIMAL + "    location: Mars\n", "expected EU or outside-EU", 8),
    (MINIMAL + "    retention: {text: two years, duration: 2Y}\n", "ISO 8601", 8),
    (MINIMAL + "    recipients: [{name: X, role: boss}]\n", "unknown recipient role", 8),
    (MINIMAL + "    automated_decisions: maybe\n", "expected yes or no", 8),
    (MINIMAL + "    purposes: [again]\n", "duplicate key 'purposes'", 8),
    (MINIMAL + "  - purposes: [x]\n", "an activity needs a name", 8),
    (MINIMAL.replace("language: en", "date: 31/01/2024"), "not an ISO date", 1),
    ("controller:\n  address: Somewhere\n", "the controller needs a name", 2),
    ("activities: []\n", "needs a controller", 1),
    ("- just\n- a list\n", "must be a mapping", 1),
])
def test_authoring_mistakes_are_errors_with_a_place(tmp_path: Path, text: str, expected: str, where: int):
    error = error_of(text, tmp_path)
    assert expected in str(error)
    assert place(error)[0] == where


def test_empty_file_is_an_error(tmp_path: Path):
    path = tmp_path / "register.yaml"
    path.write_text("# nothing yet\n")
    with pytest.raises(InputError, match="is empty"):
        read_yaml(path)


@pytest.mark.parametrize("text,expected", [
    ("controller: {name: Acme}\nactivities:\n  - name: A\n    purpose: [x]\n", r"register\.yaml:4:5: unknown key 'purpose'"),
    ("controller: {name: Acme\n", r"register\.yaml:2:1: is not valid YAML"),
    (MINIMAL.replace("Art. 6(1)(b)", "Contrcat"), r"register\.yaml:7:19: unknown legal basis 'Contrcat'"),
])
def test_cli_import_exit_2_one_line_nothing_written(tmp_path: Path, text: str, expected: str):
    source = tmp_path / "register.yaml"
    source.write_text(text)
    out = tmp_path / "out.ttl"
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(out)])
    line = one_line_error(result)
    assert re.search(expected, line), line
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.yaml"]


# -- round trips ---------------------------------------------------------------------------------
@pytest.mark.parametrize("source", data_registers(), ids=lambda p: str(p.relative_to(ROOT)))
def test_graph_to_yaml_to_graph_is_isomorphic(tmp_path: Path, source: Path):
    graph = load_graph(source)
    register = register_from_graph(graph)
    text = write_yaml(register)
    path = tmp_path / "copy.yaml"
    path.write_text(text, encoding="utf-8")
    again = read_yaml(path)
    assert again == register
    assert isomorphic(load_graph(path), graph)


def test_yaml_to_register_to_yaml_is_stable():
    register = read_yaml(EXAMPLE)
    assert read_yaml_text(write_yaml(register)) == register


def test_written_yaml_is_plain_yaml_for_other_tools():
    import yaml

    data = yaml.safe_load(write_yaml(register_from_graph(load_graph(EXAMPLE))))
    assert data["controller"]["name"] == "Brightwater Language School Ltd"
    assert {a["name"] for a in data["activities"]} >= {"Student enrolment", "Newsletter"}
    support = next(a for a in data["activities"] if a["name"] == "Accessibility support")
    assert support["recipients"] == "none"


def test_multiline_and_odd_labels_survive(tmp_path: Path):
    register = read_yaml(EXAMPLE)
    odd = dataclasses.replace(register.activities[0], description="Line one\nLine two: with colon",
                              categories=("null", "#hashtag", "- dash", "yes", "Cliënten"))
    register = dataclasses.replace(register, activities=(odd,))
    graph = build_graph(register)
    extracted = register_from_graph(graph)
    path = tmp_path / "odd.yaml"
    path.write_text(write_yaml(extracted), encoding="utf-8")
    assert read_yaml(path) == extracted
    assert isomorphic(load_graph(path), graph)
