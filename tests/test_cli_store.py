"""The shared register options on the command line: --engine, --store, --graph (and --endpoint errors).

Both engines answer alike; a register imported into a store once answers later commands (also in a new
process) exactly as the file does; several registers share a store, --graph picks one, a query with
GRAPH ?g sees them all; every misuse is one line on stderr and exit 2.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from gdprgraph.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cli_helpers import one_line_error  # noqa: E402
from registers import ACME_BASE, write_acme  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "connexi" / "connexi-gdprwise-register.txt"
CONNEXI = "https://w3id.org/gdprgraph/register/connexi/"
CROSS_QUERY = ROOT / "gdprgraph" / "queries" / "registers-sharing-with.rq"

# (command words before REGISTER, after it); every command reads the register once
COMMANDS = {
    "info": (["info"], ["--format", "json"]),
    "validate": (["validate"], ["--format", "json"]),
    "trace": (["trace", "home address"], ["--format", "json"]),
    "trace-subject": (["trace", "name"], ["--subject", "clients", "--format", "json"]),
    "subject": (["subject", "clients"], ["--format", "json"]),
    "impact": (["impact", "Calendly"], ["--format", "json"]),
}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def answer(result) -> tuple[int, object]:
    assert "Traceback" not in result.output, result.output
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else None


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_acme(tmp_path_factory.mktemp("acme"))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, acme: Path) -> Path:
    """The seed and Acme Clinic imported into one store, each in its default graph."""
    folder = tmp_path_factory.mktemp("stores") / "registers"
    for source, iri in ((SEED, CONNEXI), (acme, ACME_BASE)):
        result = run("import", source, "--store", folder)
        assert result.exit_code == 0, result.output
        assert f"added <{iri}> to {folder}" in result.stderr
    return folder


def _source(name: str, acme: Path) -> tuple[Path, str]:
    return (SEED, CONNEXI) if name == "seed" else (acme, ACME_BASE)


@pytest.mark.parametrize("register", ["seed", "acme"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_both_engines_answer_alike(register: str, command: str, acme: Path):
    if command.split("-")[0] not in main.commands:
        pytest.skip(f"no {command} command yet")
    source, _iri = _source(register, acme)
    before, after = COMMANDS[command]
    oxigraph = answer(run(*before, source, *after))
    rdflib = answer(run(*before, source, *after, "--engine", "rdflib"))
    assert oxigraph[0] in (0, 1)
    assert oxigraph == rdflib


@pytest.mark.parametrize("register", ["seed", "acme"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_stored_register_answers_as_its_file(register: str, command: str, engine: str, store: Path, acme: Path):
    if command.split("-")[0] not in main.commands:
        pytest.skip(f"no {command} command yet")
    source, iri = _source(register, acme)
    before, after = COMMANDS[command]
    from_file = answer(run(*before, source, *after))
    from_store = answer(run(*before, *after, "--store", store, "--graph", iri, "--engine", engine))
    assert from_store == from_file


def test_export_from_a_store_is_the_register(store: Path, tmp_path: Path, acme: Path):
    out = tmp_path / "acme.ttl"
    result = run("export", "--store", store, "--graph", ACME_BASE, "-o", out)
    assert result.exit_code == 0, result.output
    assert isomorphic(Graph().parse(out), Graph().parse(acme))


def test_graph_selects_one_register_and_no_graph_means_all(store: Path):
    counts = {}
    for graph in (CONNEXI, ACME_BASE, None):
        extra = ["--graph", graph] if graph else []
        result = run("info", "--store", store, *extra, "--format", "json")
        assert result.exit_code == 0, result.output
        counts[graph] = json.loads(result.stdout)["counts"]["activities"]
    assert counts == {CONNEXI: 12, ACME_BASE: 5, None: 17}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_cross_register_query_finds_both_registers(store: Path, engine: str):
    result = run("query", CROSS_QUERY, "--store", store, "--param", "who=calendly", "--format", "json",
                 "--engine", engine)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert {row["g"]["value"] for row in rows} == {CONNEXI, ACME_BASE}
    table = run("query", CROSS_QUERY, "--store", store, "--param", "who=calendly", "--engine", engine)
    assert "Appointment booking" in table.stdout and "Register of processing activities of Connexi" in table.stdout


def test_a_store_survives_the_process_that_made_it(tmp_path: Path):
    folder = tmp_path / "persistent"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}

    def gdprgraph(*args) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "gdprgraph", *map(str, args)], capture_output=True,
                              text=True, env=env, timeout=120)

    made = gdprgraph("import", SEED, "--store", folder)
    assert made.returncode == 0, made.stderr
    read = gdprgraph("info", "--store", folder, "--format", "json")
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout) == json.loads(run("info", SEED, "--format", "json").stdout)
    again = gdprgraph("validate", "--store", folder, "--format", "json")
    assert (again.returncode, json.loads(again.stdout)) == answer(run("validate", SEED, "--format", "json"))


def test_missing_register_is_one_line(store: Path):
    assert "missing REGISTER" in one_line_error(run("info"))
    assert "missing" in one_line_error(run("validate"))
    assert "not both" in one_line_error(run("info", SEED, "--store", store))
    assert "--graph selects" in one_line_error(run("info", SEED, "--graph", CONNEXI))


def test_bad_store_folders_are_one_line(tmp_path: Path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("x")
    (tmp_path / "file.txt").write_text("x")
    assert "no such store folder" in one_line_error(run("info", "--store", tmp_path / "missing"))
    assert "not a gdprgraph" in one_line_error(run("info", "--store", tmp_path / "notes"))
    assert "is a file" in one_line_error(run("trace", "name", "--store", tmp_path / "file.txt"))
    assert "is a file" in one_line_error(run("import", SEED, "--store", tmp_path / "file.txt"))


def test_unknown_graph_is_one_line_naming_the_registers_there(store: Path):
    line = one_line_error(run("info", "--store", store, "--graph", "https://example.org/nope/"))
    assert "no register graph <https://example.org/nope/>" in line and CONNEXI in line and ACME_BASE in line


def test_unreachable_endpoint_is_one_line():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert "cannot reach" in one_line_error(run("validate", "--endpoint", f"http://127.0.0.1:{port}/query"))


def test_import_to_a_store_does_not_mix_with_file_output(store: Path, tmp_path: Path):
    assert "-o" in one_line_error(run("import", SEED, "--store", store, "-o", tmp_path / "x.ttl"))
    assert "--store" in one_line_error(run("import", SEED, "--graph", CONNEXI))
