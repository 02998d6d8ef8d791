"""Regressions found by fuzzing the CLI (review): each test names the input and the symptom it had."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import gdprgraph
from cli_helpers import one_line_error
from gdprgraph.cli import main
from gdprgraph.stores import open_register

ROOT = Path(__file__).resolve().parents[1]
CONNEXI_TTL = ROOT / "data" / "connexi" / "register.ttl"
ENGINES = ["oxigraph", "rdflib"]
HOSTILE_LABEL = 'Payroll "} ; DROP ALL ; {" run'

PREFIXES = """@prefix dpv: <https://w3id.org/dpv#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix tech: <https://w3id.org/dpv/tech#> .
@prefix gg: <https://w3id.org/gdprgraph#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/reg/> .
"""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- gdprgraph query --param: one binding path for every engine ---------------------------------------------

SELECT_BY_LABEL = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?act WHERE { ?act rdfs:label ?label . FILTER (STR(?label) = ?name) }
"""


@pytest.fixture()
def hostile_register(tmp_path):
    return write(tmp_path, "hostile.ttl", PREFIXES + f"""
ex:act a dpv:Process ; rdfs:label {json.dumps(HOSTILE_LABEL)}@en .
ex:other a dpv:Process ; rdfs:label "Other"@en .
""")


@pytest.mark.parametrize("engine", ENGINES)
def test_run_user_query_binds_a_variable_the_select_does_not_project(tmp_path, hostile_register, engine):
    # was: pyoxigraph "The SPARQL query does not contains variable ?name in its SELECT projection"
    from gdprgraph.query import run_user_query

    rq = write(tmp_path, "q.rq", SELECT_BY_LABEL)
    graph = open_register(str(hostile_register), engine=engine)
    before = len(graph)
    rows = [str(row[0]) for row in run_user_query(graph, rq, {"name": HOSTILE_LABEL})]
    assert rows == ["https://example.org/reg/act"]
    assert len(graph) == before


@pytest.mark.parametrize("engine", ENGINES)
def test_query_param_with_quotes_and_braces_matches_on_both_engines(tmp_path, hostile_register, engine):
    rq = write(tmp_path, "q.rq", SELECT_BY_LABEL)
    out = run("query", hostile_register, rq, "--param", f"name={HOSTILE_LABEL}", "--format", "json",
              "--engine", engine)
    assert out.exit_code == 0, out.output
    bindings = json.loads(out.stdout)["results"]["bindings"]
    assert [b["act"]["value"] for b in bindings] == ["https://example.org/reg/act"]
    iri = run("query", hostile_register, rq, "--param", "name=<https://example.org/reg/act>", "--engine", engine)
    assert iri.exit_code == 0, iri.output  # an IRI is bound as an IRI (STR of it is no label: no row)


@pytest.mark.parametrize("engine", ENGINES)
def test_query_param_and_file_errors_are_one_line(tmp_path, hostile_register, engine):
    rq = write(tmp_path, "q.rq", SELECT_BY_LABEL)
    latin1 = tmp_path / "latin1.rq"
    latin1.write_bytes("# caf\xe9\nSELECT * WHERE { ?s ?p ?o }".encode("latin-1"))  # was: a traceback
    for args, expected in [
        ([rq, "--param", "nmae=x"], "no variable ?nmae"),  # a misspelt name no longer answers unfiltered
        ([rq, "--param", "name=<http://a> } DROP ALL {<>"], "not an absolute IRI"),
        ([rq, "--param", "name=<relative>"], "not an absolute IRI"),
        ([latin1], "is not UTF-8"),
    ]:
        line = one_line_error(run("query", hostile_register, *args, "--engine", engine))
        assert expected in line


# -- from gdprgraph import serialize, info ----------------------------------------------------------------

def test_package_functions_survive_importing_their_submodules():
    code = (
        "import gdprgraph.serialize, gdprgraph.info, gdprgraph.cli\n"
        "from gdprgraph import info, register_info, serialize, serialize_graph\n"
        "import gdprgraph, types\n"
        "assert isinstance(serialize, types.FunctionType) and isinstance(info, types.FunctionType), (serialize, info)\n"
        "assert serialize is serialize_graph and info is register_info and gdprgraph.info is info\n"
        "from gdprgraph.serialize import format_for_path\n"
        "from rdflib import Graph\n"
        "assert isinstance(serialize(Graph(), 'nt'), str)\n"
        "print(info(Graph()).counts is not None)\n"
    )
    here = str(Path(gdprgraph.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


# -- RDF registers the importers never write, but people do ---------------------------------------------

BLANK_NODES = PREFIXES + """
ex:act a dpv:Process ; rdfs:label "Payroll"@en ;
  dpv:hasDataSubject ex:staff ;
  dpv:hasPersonalData ex:addr ;
  dpv:isImplementedUsingTechnology [ a dpv:Technology ; rdfs:label "Paper files"@en ] , _:laptop ;
  dpv:hasRecipient [ a dpv:Recipient ; rdfs:label "Bank"@en ; dpv:hasCountry <https://w3id.org/dpv/loc#US> ] .
_:laptop a dpv:Technology ; rdfs:label "Laptop"@en .
ex:staff a dpv:DataSubject ; rdfs:label "Staff"@en .
ex:addr a dpv:PersonalData ; rdfs:label "Home address"@en .
"""


def _without_blank_ids(data):
    """JSON with blank node ids (engine-specific) blanked out."""
    if isinstance(data, dict):
        return {k: ("_:" if k == "iri" and not str(v).startswith("http") else _without_blank_ids(v))
                for k, v in data.items()}
    if isinstance(data, list):
        return [_without_blank_ids(v) for v in data]
    return data


def test_blank_node_systems_and_recipients_on_oxigraph(tmp_path):
    # was: Oxigraph SyntaxError "expected UNDEF" (blank nodes written into a VALUES block)
    register = write(tmp_path, "blank.ttl", BLANK_NODES)
    for args in (["subject", "Staff"], ["impact", "Bank"], ["trace", "home address"]):
        answers = []
        for engine in ENGINES:
            out = run(*args, register, "--format", "json", "--engine", engine)
            assert out.exit_code == 0, (args, engine, out.output)
            answers.append(_without_blank_ids(json.loads(out.stdout)))
        assert answers[0] == answers[1], args
    inventory = json.loads(run("subject", "Staff", register, "--format", "json").stdout)
    assert sorted(s["label"] for s in inventory["activities"][0]["systems"]) == ["Laptop", "Paper files"]
    assert run("viz", register, "-o", tmp_path / "g.html").exit_code == 0


LITERAL_OBJECTS = PREFIXES + """
ex:act a dpv:Process ; rdfs:label "Payroll"@en ;
  dpv:hasDataSubject "Staff" ;
  dpv:hasPersonalData ex:addr ;
  dpv:hasPurpose "Paying salaries" ;
  dpv:hasLegalBasis "Employment contract" ;
  dpv:hasRecipient "Acme Bank" ;
  dpv:isImplementedUsingTechnology "Excel" .
ex:addr a dpv:PersonalData ; rdfs:label "Home address"@en .
"""


def test_literal_where_a_node_is_expected_validates_on_oxigraph(tmp_path):
    # was: TypeError from pyshacl's Oxigraph graph ("'Literal' object is not an instance of 'NamedNode'")
    register = write(tmp_path, "literals.ttl", LITERAL_OBJECTS)
    reports = []
    for engine in ENGINES:
        out = run("validate", register, "--format", "json", "--engine", engine)
        assert out.exit_code in (0, 1) and "Traceback" not in out.output, (engine, out.output)
        reports.append(json.loads(out.stdout))
    assert reports[0] == reports[1]
    assert run("viz", register, "-o", tmp_path / "g.html").exit_code == 0
    assert run("report", register, "-o", tmp_path / "r.md").exit_code == 0


def test_ill_typed_source_line_neither_crashes_nor_prints_tracebacks(tmp_path):
    # was: ValueError from int() in extract/report, and rdflib logging a traceback per ill-typed literal
    register = write(tmp_path, "typed.ttl", PREFIXES + """
ex:act a dpv:Process ; rdfs:label "Payroll"@en ; gg:sourceLine "twelve"^^xsd:integer ;
  dpv:hasPersonalData ex:addr .
ex:act2 a dpv:Process ; rdfs:label "Billing"@en ; gg:sourceLine "3.0"^^xsd:decimal .
ex:addr a dpv:PersonalData ; rdfs:label "Home address"@en .
""")
    for args in (["report", register, "-o", tmp_path / "r.md"], ["export", register, "-o", tmp_path / "r.yaml"],
                 ["info", register, "--engine", "rdflib"], ["info", register]):
        out = run(*args)
        assert out.exit_code == 0, (args, out.output)
        assert "Traceback" not in out.stderr, (args, out.stderr)
    names = [line.split(":", 1)[1].strip() for line in (tmp_path / "r.yaml").read_text(encoding="utf-8").splitlines()
             if line.startswith("  - name:")]
    assert names == ["Billing", "Payroll"]  # the readable line number orders first, the unreadable one is ignored


def test_duplicate_labels_give_the_same_findings_on_both_engines(tmp_path):
    register = write(tmp_path, "two-labels.ttl", PREFIXES + """
ex:act a dpv:Process ; rdfs:label "Payroll"@en, "Salaries"@en ; dpv:hasPersonalData ex:addr .
ex:addr a dpv:PersonalData ; rdfs:label "Home address"@en .
""")
    reports = [json.loads(run("validate", register, "--format", "json", "--engine", e).stdout) for e in ENGINES]
    assert reports[0] == reports[1]
    assert {f["label"] for f in reports[0]["findings"] if f["focus"].endswith("/act")} == {"Payroll"}


def test_node_that_is_subject_and_activity_does_not_break_the_graph(tmp_path):
    # was: KeyError('activities') in flows.project (an edge subject → category already there as another kind)
    register = write(tmp_path, "loop.ttl", PREFIXES + """
ex:z-act a dpv:Process ; rdfs:label "Outer"@en ; dpv:hasDataSubject ex:a-node ; dpv:hasPersonalData ex:b-act .
ex:b-act a dpv:Process ; rdfs:label "Inner"@en ; dpv:hasPersonalData ex:a-node .
ex:a-node rdfs:label "Node"@en .
""")
    for engine in ENGINES:
        out = run("viz", register, "-o", tmp_path / "g.html", "--engine", engine)
        assert out.exit_code == 0, out.output


# -- output files -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command, name, expected", [
    ("import", "register.xlsx", "gdprgraph export"),
    ("import", "register.md", "cannot tell the format"),
    ("import", "register", "cannot tell the format"),
    ("export", "register.md", ".yaml, .csv or .xlsx"),
])
def test_output_suffix_that_names_no_format_is_refused(tmp_path, command, name, expected):
    # was: Turtle written, exit 0, into register.xlsx / register.md
    out = tmp_path / name
    line = one_line_error(run(command, CONNEXI_TTL, "-o", out))
    assert expected in line and not out.exists()
    out.write_text("keep", encoding="utf-8")
    one_line_error(run(command, CONNEXI_TTL, "-o", out))
    assert out.read_text(encoding="utf-8") == "keep"
    assert run(command, CONNEXI_TTL, "-o", out, "--to", "nt").exit_code == 0  # an explicit format is obeyed


def test_closed_pipe_is_quiet(tmp_path):
    # was: "gdprgraph: error: Broken pipe" and exit 2 for `gdprgraph … | head -1`
    every_triple = write(tmp_path, "all.rq", "SELECT * WHERE { ?s ?p ?o }\n")  # ~150 kB of table lines
    here = str(Path(gdprgraph.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)}
    process = subprocess.Popen([sys.executable, "-m", "gdprgraph", "query", str(CONNEXI_TTL), str(every_triple)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 1
    assert stderr == ""


def _cli_in_fresh_process(*args):
    """stderr as a user sees it: pytest's own logging handlers would swallow library warnings in-process."""
    here = str(Path(gdprgraph.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)}
    return subprocess.run([sys.executable, "-m", "gdprgraph", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=300)


def test_library_warnings_stay_off_stderr(tmp_path):
    # was: pypdf's "invalid pdf header" / "EOF marker not found" lines before the error, and rdflib logging a
    # whole traceback for every ill-typed literal ("twelve"^^xsd:integer)
    pdf = tmp_path / "register.pdf"
    pdf.write_bytes(bytes(range(256)) * 4)
    result = _cli_in_fresh_process("info", pdf)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not a readable PDF" in result.stderr, result.stderr
    register = write(tmp_path, "typed.ttl", PREFIXES + """
ex:act a dpv:Process ; rdfs:label "Payroll"@en ; gg:sourceLine "twelve"^^xsd:integer .
""")
    result = _cli_in_fresh_process("info", register, "--engine", "rdflib")
    assert result.returncode == 0 and result.stderr == "", result.stderr
