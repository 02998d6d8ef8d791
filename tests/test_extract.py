"""extract.register_from_graph is the inverse of build_graph: rebuild gives an isomorphic graph."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from gdprgraph.build import build_graph, load_graph
from gdprgraph.cli import main
from gdprgraph.extract import basis_kind, curie, register_base_of, register_from_graph
from gdprgraph.model import Activity, Controller, Recipient, Ref, Register, Retention, System
from gdprgraph.namespaces import EU_GDPR

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_build import small_register  # noqa: E402
from cli_helpers import TINY_TTL

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "example" / "register.yaml"
CONNEXI = ROOT / "data" / "connexi"
SEED = CONNEXI / "connexi-gdprwise-register.txt"


def assert_isomorphic(first: Graph, second: Graph) -> None:
    if not isomorphic(first, second):
        _, only_first, only_second = graph_diff(to_isomorphic(first), to_isomorphic(second))
        raise AssertionError(f"only in first: {sorted(map(str, only_first))[:6]}\n"
                             f"only in second: {sorted(map(str, only_second))[:6]}")


def tricky_register() -> Register:
    return Register(
        controller=Controller(name="Tricky NV", country="Nowhereland", registration_number="0412.345.678",
                              dpo_email="dpo@tricky.example", representative="Rep Ltd",
                              joint_controllers=("Partner B", "Partner A")),
        activities=(
            Activity(title="Same", purposes=("P",), line=5, legal_bases=("Kleur van de rechtsgrond",)),
            Activity(title="Same", categories=("Kleur van de fiets", "Thuisadres"), from_prose=True, line=9,
                     data_subjects=(Ref("Clients", inferred=True), Ref("Werknemers"))),
            Activity(title="Same 2", retention=Retention("13 months", "P13M"),
                     recipients=(Recipient("Acme (US)", "US", "processor"), Recipient("Gov", "BE", "controller"),
                                 Recipient("Co", None, "joint controller"), Recipient("Third", "Atlantis"))),
            Activity(title="Extras", data_sources=("The data subject",), dpia_reference="D-1",
                     automated_decisions=False, special_category_conditions=("Art. 9(2)(b)",),
                     transfer_safeguards=("eu-gdpr:A46-2-c",), third_countries=("US",), location="outside-EU",
                     legitimate_interest_assessment="LIA-1", systems=(Ref("Unlisted tool"),)),
        ),
        systems=(System("Excel", type="Something odd", provider="Microsoft", country="US",
                        sections=("client-systems", "employee-systems")),),
        date="2024-02-29", language="nl", source="hand", base="https://example.org/tricky",
    )


@pytest.mark.parametrize("make", [small_register, tricky_register], ids=["small", "tricky"])
def test_rebuild_is_isomorphic(make):
    graph = build_graph(make())
    register = register_from_graph(graph)
    assert_isomorphic(build_graph(register), graph)
    assert register_from_graph(build_graph(register)) == register  # a fixed point


def test_values_come_back_as_stored():
    register = register_from_graph(build_graph(tricky_register()))
    assert register.base == "https://example.org/tricky/"
    assert register.language == "nl" and register.date == "2024-02-29" and register.source == "hand"
    assert register.controller.registration_number == "0412.345.678"
    assert register.controller.joint_controllers == ("Partner A", "Partner B")
    # source order (lines), then by IRI: "Same" (line 9) was built as ".../same-2", so "Same 2" became
    # ".../same-2-2" and must come after it again
    first, second, extras, third = register.activities
    assert [(a.title, a.line) for a in register.activities] == [("Same", 5), ("Same", 9), ("Extras", None),
                                                                ("Same 2", None)]
    assert first.legal_bases == ("Kleur van de rechtsgrond",)  # unmapped: kept as written
    assert second.from_prose and second.data_subjects[-1] == Ref("Clients", inferred=True)
    assert {r.role for r in third.recipients} == {"processor", "controller", "joint controller", None}
    assert third.retention == Retention("13 months", "P13M")
    assert extras.special_category_conditions == ("eu-gdpr:A9-2-b",)
    assert extras.transfer_safeguards == ("eu-gdpr:A46-2-c",)
    assert (extras.dpia_required, extras.dpia_reference, extras.automated_decisions) == (None, "D-1", False)
    assert extras.third_countries == ("US",) and extras.location == "outside-EU"
    excel = next(s for s in register.systems if s.name == "Excel")
    assert excel.sections == ("client-systems", "employee-systems") and excel.provider == "Microsoft"
    assert any(s.name == "Unlisted tool" for s in register.systems)


def test_default_base_is_not_stored():
    register = register_from_graph(build_graph(small_register()))
    assert register.base is None
    assert register.activities[0].legal_bases == ("eu-gdpr:A6-1-b",)
    assert register.activities[0].special_category_conditions == ("eu-gdpr:A9-2-b",)
    assert register.controller.country == "BE"


def test_helpers():
    assert curie(EU_GDPR["A6-1-b"]) == "eu-gdpr:A6-1-b"
    assert basis_kind("eu-gdpr:A9-2-a") == "special" and basis_kind("eu-gdpr:A46-2-c") == "transfer"
    assert basis_kind("eu-gdpr:A6-1-f") == "legal" and basis_kind("gg:A10-Authorisation") == "special"
    assert register_base_of(build_graph(tricky_register())) == "https://example.org/tricky/"


def test_graph_without_register_node_still_extracts(tmp_path: Path):
    graph = Graph().parse(data=TINY_TTL, format="turtle")
    register = register_from_graph(graph)
    (activity,) = register.activities
    assert activity.title == "A" and activity.categories == ("Shoe size",)
    assert activity.data_subjects == (Ref("Clients"),)


def test_example_register_rebuilds():
    graph = load_graph(EXAMPLE)
    assert_isomorphic(build_graph(register_from_graph(graph)), graph)


def test_seed_rebuilds():
    pytest.importorskip("gdprgraph.readers.gdprwise")
    graph = load_graph(SEED)
    assert_isomorphic(build_graph(register_from_graph(graph)), graph)


@pytest.mark.parametrize("name", ["register.ttl", "register.yaml", "register.xlsx"])
def test_bundled_connexi_files_import_into_the_same_graph(name: str):
    pytest.importorskip("gdprgraph.readers.gdprwise")
    if not (CONNEXI / name).exists():
        pytest.skip(f"data/connexi/{name} not generated yet (scripts/make_connexi_data.sh)")
    assert_isomorphic(load_graph(CONNEXI / name), load_graph(SEED))


# -- CLI export to the authoring formats ----------------------------------------------------------
@pytest.mark.parametrize("suffix,to", [("yaml", None), ("yml", None), ("csv", None), ("xlsx", None), ("out", "yaml")])
def test_cli_export_authoring_formats(tmp_path: Path, suffix: str, to: str | None):
    ttl = tmp_path / "register.ttl"
    assert CliRunner().invoke(main, ["import", str(EXAMPLE), "-o", str(ttl)]).exit_code == 0
    out = tmp_path / f"copy.{suffix}"
    args = ["export", str(ttl), "-o", str(out)] + (["--to", to] if to else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    if suffix == "out":
        (tmp_path / "copy.yaml").write_bytes(out.read_bytes())
        out = tmp_path / "copy.yaml"
    assert_isomorphic(load_graph(out), load_graph(ttl))


def test_cli_export_yaml_to_stdout():
    result = CliRunner().invoke(main, ["export", str(EXAMPLE), "-o", "-", "--to", "yaml"])
    assert result.exit_code == 0, result.output
    assert "name: Brightwater Language School Ltd" in result.stdout


@pytest.mark.parametrize("args,expected", [
    (["-o", "-", "--to", "xlsx"], "xlsx is a binary format"),
    (["-o", "OUT.yaml", "--with-vocabulary"], "--with-vocabulary applies to RDF formats"),
])
def test_cli_export_usage_errors(tmp_path: Path, args: list[str], expected: str):
    args = [a.replace("OUT", str(tmp_path / "out")) for a in args]
    result = CliRunner().invoke(main, ["export", str(EXAMPLE), *args])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert expected in result.stderr
    assert not (tmp_path / "out.yaml").exists()
