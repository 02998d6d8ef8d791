"""gdprgraph diff: changes per activity tagged with their article; exit 0 equal, 1 different."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gdprgraph.build import load_graph
from gdprgraph.cli import main
from gdprgraph.diff import diff_files, diff_registers
from gdprgraph.extract import register_from_graph
from gdprgraph.model import Register, Retention
from gdprgraph.readers.yaml import read_yaml
from gdprgraph.writers.spreadsheet import write_xlsx
from gdprgraph.writers.yaml import write_yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "example" / "register.yaml"
SEED = ROOT / "data" / "connexi" / "connexi-gdprwise-register.txt"


def three_edits(register: Register) -> tuple[Register, str, str, str]:
    """Add a category to the first activity with recipients, remove one of its recipients, change the
    retention of another activity. Returns the edited register and the three activity names."""
    acts = list(register.activities)
    i = next(n for n, a in enumerate(acts) if a.recipients)
    j = next(n for n, a in enumerate(acts) if n != i and a.retention is not None)
    acts[i] = dataclasses.replace(acts[i], categories=(*acts[i].categories, "Shoe size"),
                                  recipients=acts[i].recipients[1:])
    acts[j] = dataclasses.replace(acts[j], retention=Retention("99 years", "P99Y"))
    return dataclasses.replace(register, activities=tuple(acts)), acts[i].title, acts[j].title, register.activities[i].recipients[0].name


def write_pair(tmp_path: Path, register: Register) -> tuple[Path, Path, str, str, str]:
    old = tmp_path / "old.yaml"
    old.write_text(write_yaml(register), encoding="utf-8")
    edited, first, second, removed = three_edits(register)
    new = tmp_path / "new.yaml"
    new.write_text(write_yaml(edited), encoding="utf-8")
    return old, new, first, second, removed


def check_three(changes: list[dict], first: str, second: str, removed: str) -> None:
    got = sorted((c["activity"], c["article"], c["field"], c["change"]) for c in changes)
    assert got == sorted([
        (first, "30(1)(c)", "categories", "added"),
        (first, "30(1)(d)", "recipients", "removed"),
        (second, "30(1)(f)", "retention", "changed"),
    ])
    assert next(c for c in changes if c["field"] == "categories")["new"] == "Shoe size"
    assert next(c for c in changes if c["field"] == "recipients")["old"].startswith(removed)
    assert next(c for c in changes if c["field"] == "retention")["new"] == {"text": "99 years", "duration": "P99Y"}


def test_three_edits_on_own_register(tmp_path: Path):
    old, new, first, second, removed = write_pair(tmp_path, register_from_graph(load_graph(EXAMPLE)))
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["equal"] is False and data["count"] == 3
    check_three(data["changes"], first, second, removed)


def test_three_edits_on_the_seed_via_yaml(tmp_path: Path):
    pytest.importorskip("gdprgraph.readers.gdprwise")
    old, new, first, second, removed = write_pair(tmp_path, register_from_graph(load_graph(SEED)))
    result = diff_files(old, new)
    check_three([c.as_dict() for c in result.changes], first, second, removed)


def test_text_and_markdown_output(tmp_path: Path):
    old, new, first, _, _ = write_pair(tmp_path, register_from_graph(load_graph(EXAMPLE)))
    text = CliRunner().invoke(main, ["diff", str(old), str(new)])
    assert text.exit_code == 1
    assert f"activity: {first}" in text.stdout
    assert "  + [30(1)(c)] categories: Shoe size" in text.stdout
    assert "[30(1)(f)] retention:" in text.stdout and text.stdout.rstrip().endswith("3 changes")
    md = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "md"])
    assert md.exit_code == 1
    assert f"## Activity: {first}" in md.stdout and "| + | 30(1)(c) | categories |" in md.stdout


def test_equal_registers_in_different_formats(tmp_path: Path):
    xlsx = tmp_path / "copy.xlsx"
    xlsx.write_bytes(write_xlsx(read_yaml(EXAMPLE)))
    result = CliRunner().invoke(main, ["diff", str(EXAMPLE), str(xlsx)])
    assert result.exit_code == 0, result.output
    assert "no differences" in result.stdout
    result = CliRunner().invoke(main, ["diff", str(EXAMPLE), str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["changes"] == []


def test_legal_basis_controller_and_activity_changes():
    old = read_yaml(EXAMPLE)
    acts = list(old.activities)
    acts[0] = dataclasses.replace(acts[0], legal_bases=("Art. 6(1)(a)",),
                                  special_category_conditions=("Art. 9(2)(a)",))
    new = dataclasses.replace(
        old, activities=(*acts[:-1], dataclasses.replace(acts[-1], title="Staff payroll")),
        controller=dataclasses.replace(old.controller, address="1 New Street", joint_controllers=()))
    from gdprgraph.build import build_graph

    diff = diff_registers(*(register_from_graph(build_graph(r)) for r in (old, new)))
    got = {(c.activity, c.article, c.field, c.change) for c in diff.changes}
    assert got == {
        (acts[0].title, "6(1)", "legal_bases", "changed"),
        (acts[0].title, "9(2)", "special_category_conditions", "added"),
        ("(register)", "30(1)(a)", "controller address", "changed"),
        ("(register)", "30(1)(a)", "joint controllers", "removed"),
        ("Staff payroll", "30(1)", "activity", "added"),
        ("Teacher payroll", "30(1)", "activity", "removed"),
    }
    change = next(c for c in diff.changes if c.field == "legal_bases")
    assert (change.old, change.new) == (["eu-gdpr:A6-1-b"], ["eu-gdpr:A6-1-a"])


def test_bad_input_exit_2(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("controller: {name: X}\nactivities:\n  - nam: A\n")
    result = CliRunner().invoke(main, ["diff", str(EXAMPLE), str(bad)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "bad.yaml:3:5: unknown key 'nam'" in result.stderr
