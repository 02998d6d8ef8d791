"""Bundled queries (gdprgraph/queries/*.rq), how they are run (flows.select) and users' own SPARQL
(`gdprgraph query`, `gdprgraph queries`)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, Literal
from rdflib.plugins.sparql import prepareQuery

from gdprgraph.build import build_graph
from gdprgraph.cli import main
from gdprgraph.flows import select
from gdprgraph.namespaces import DPV
from gdprgraph.query import list_queries, query_dir
from gdprgraph.stores import to_engine
from test_dataflow import HOSTILE, english_register

ROOT = Path(__file__).resolve().parents[1]
QUERIES = sorted(query_dir().glob("*.rq"))

# SPARQL belongs in .rq files: these patterns must not appear in any Python file of the package.
SPARQL_IN_PYTHON = [
    re.compile(r"\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?(\?|\*|\()", re.IGNORECASE),
    re.compile(r"\bCONSTRUCT\s*\{", re.IGNORECASE),
    re.compile(r"\bASK\s*\{", re.IGNORECASE),
    re.compile(r"\bDESCRIBE\s+[?<]", re.IGNORECASE),
    re.compile(r"^\s*[\"']*PREFIX\s+[\w-]*:\s*<", re.IGNORECASE | re.MULTILINE),
    re.compile(r"\bWHERE\s*\{\s*\?", re.IGNORECASE),
    re.compile(r"\bINSERT\s+DATA\b|\bDELETE\s+(DATA|WHERE)\b|\bDROP\s+(ALL|GRAPH|DEFAULT)\b"),
]


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_every_bundled_query_has_a_title_an_order_and_parses(path):
    text = path.read_text(encoding="utf-8")
    title = text.splitlines()[0]
    assert title.startswith("# ") and len(title) > 20, f"{path.name}: the first line must be '# <the question>'"
    assert re.search(r"^ORDER BY ", text, re.MULTILINE), f"{path.name} has no ORDER BY"
    prepareQuery(text)


def test_no_python_file_contains_sparql():
    offenders = []
    for path in sorted((ROOT / "gdprgraph").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for pattern in SPARQL_IN_PYTHON:
            match = pattern.search(text)
            if match:
                line = text[: match.start()].count("\n") + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0).strip()}")
    assert not offenders, "SPARQL text in Python (move it to gdprgraph/queries/*.rq):\n" + "\n".join(offenders)


def test_queries_command_lists_every_bundled_query_with_its_title():
    out = CliRunner().invoke(main, ["queries"])
    assert out.exit_code == 0, out.output
    for name, title in list_queries():
        assert name in out.output and title[:40] in out.output
    data = json.loads(CliRunner().invoke(main, ["queries", "--format", "json"]).output)
    assert {row["name"] for row in data} == {p.stem for p in QUERIES}
    assert all(row["question"] for row in data)


# -- flows.select: one answer whatever the engine --------------------------------------------------------

@pytest.fixture(scope="module")
def graphs():
    memory = build_graph(english_register())
    return memory, to_engine(memory, "oxigraph")


def _normal(rows):
    return sorted(tuple(str(v) if v is not None else "" for v in row) for row in rows)


@pytest.mark.parametrize("name,bindings", [
    ("activity-links", [{"via": RDF.type, "anchor": DPV.Process}]),
    ("activity-details", [{"via": RDF.type, "anchor": DPV.Process}]),
    ("inferred-links", [{"via": RDF.type, "anchor": DPV.Process}]),
    ("register-concepts", [{"type": DPV.PersonalData}, {"type": DPV.DataSubject}]),
    ("entities", [{}]),
])
def test_select_gives_the_same_rows_on_both_engines(graphs, name, bindings):
    memory, ox = graphs
    rows = select(memory, name, bindings)
    assert rows, name
    assert _normal(rows) == _normal(select(ox, name, bindings))


def test_select_binds_terms_never_text(graphs):
    for graph in graphs:
        before = len(graph)
        rows = select(graph, "node-details", [{"node": Literal(HOSTILE)}])
        assert all(row[1] is None for row in rows)  # no label: the literal is just a value
        assert select(graph, "activity-links", [{"via": DPV.hasPersonalData, "anchor": Literal(HOSTILE)}]) == []
        assert len(graph) == before


# -- gdprgraph query ------------------------------------------------------------------------------------

SELECT_RQ = """# Which activity has this label?
PREFIX dpv: <https://w3id.org/dpv#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?act ?label WHERE { ?act a dpv:Process ; rdfs:label ?label . FILTER (STR(?label) = ?name) } ORDER BY ?label
"""
ASK_RQ = "PREFIX dpv: <https://w3id.org/dpv#>\nASK { ?a dpv:hasRecipient ?r }\n"
CONSTRUCT_RQ = ("PREFIX dpv: <https://w3id.org/dpv#>\n"
                "CONSTRUCT { ?a dpv:hasRecipient ?r } WHERE { ?a dpv:hasRecipient ?r }\n")
SERVICE_RQ = "SELECT ?s WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } } ORDER BY ?s\n"
FROM_RQ = "SELECT ?s FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o } ORDER BY ?s\n"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("query")
    register = folder / "acme.ttl"
    register.write_text(build_graph(english_register()).serialize(format="turtle"), encoding="utf-8")
    out = {"register": register}
    for name, text in [("select", SELECT_RQ), ("ask", ASK_RQ), ("construct", CONSTRUCT_RQ),
                       ("service", SERVICE_RQ), ("from", FROM_RQ), ("broken", "SELECT WHERE {")]:
        path = folder / f"{name}.rq"
        path.write_text(text, encoding="utf-8")
        out[name] = path
    return out


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_select_with_param_as_table_json_csv(files, engine):
    args = ["query", files["register"], files["select"], "--param", "name=Payroll", "--engine", engine]
    table = run(*args)
    assert table.exit_code == 0, table.output
    assert "Payroll" in table.output and "Customer billing" not in table.output
    data = json.loads(run(*args, "--format", "json").output)
    assert data["head"]["vars"] == ["act", "label"]
    assert [b["label"]["value"] for b in data["results"]["bindings"]] == ["Payroll"]
    csv_lines = run(*args, "--format", "csv").output.strip().splitlines()
    assert csv_lines[0].strip() == "act,label" and csv_lines[1].strip().endswith(",Payroll")


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_ask_and_construct(files, engine):
    assert run("query", files["register"], files["ask"], "--engine", engine).output.strip() == "true"
    ask = json.loads(run("query", files["register"], files["ask"], "--format", "json", "--engine", engine).output)
    assert ask["boolean"] is True
    turtle = run("query", files["register"], files["construct"], "--engine", engine)
    assert turtle.exit_code == 0 and "dpv:hasRecipient" in turtle.output


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_hostile_param_is_inert(files, engine):
    before = files["register"].read_bytes()
    out = run("query", files["register"], files["select"], "--param", f"name={HOSTILE}", "--format", "json",
              "--engine", engine)
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["results"]["bindings"] == []
    assert files["register"].read_bytes() == before


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_service_and_from_are_refused_unless_allowed(files, engine):
    for name in ("service", "from"):
        refused = run("query", files["register"], files[name], "--engine", engine)
        assert refused.exit_code == 2, refused.output
        assert "--allow-service" in refused.stderr and "Traceback" not in refused.output
    allowed = run("query", files["register"], files["service"], "--allow-service", "--engine", engine)
    assert allowed.exit_code == 0, allowed.output  # SERVICE SILENT to a closed port: an empty answer


def test_query_errors_exit_2_on_one_line(files):
    for args in ([files["register"], files["broken"]], [files["register"], files["select"], "--param", "no-equals"],
                 [files["register"], files["register"].with_name("missing.rq")]):
        out = run("query", *args)
        assert out.exit_code == 2, out.output
        assert "Traceback" not in out.output and len(out.stderr.strip().splitlines()) == 1
