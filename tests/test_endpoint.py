"""A real SPARQL 1.1 server: push registers into named graphs, then the same bundled queries, validation
and trace run against it and answer as they do on the file.

Every test runs against each server, started on 127.0.0.1 on free ports for this module and stopped
afterwards: Oxigraph's (PyPI package ``oxigraph``, a test extra) and Virtuoso (Debian
``virtuoso-opensource``, our own database in a temp folder). A missing binary skips that server's tests with
a message saying so, unless ``GDPRGRAPH_REQUIRE_SPARQL_SERVER`` (Oxigraph) or ``GDPRGRAPH_REQUIRE_VIRTUOSO``
is set, as ``.ci/run`` does: then it is a failure.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from gdprgraph.build import load_graph
from gdprgraph.cli import main
from gdprgraph.query import list_queries, run_query
from gdprgraph.stores import (count_at_endpoint, endpoint_graph, is_endpoint, local_copy, named_graph_iris,
                              push, write_urls)
from gdprgraph.validate import validate_graph

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cli_helpers import one_line_error  # noqa: E402
from registers import ACME_BASE, write_acme  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "connexi" / "connexi-gdprwise-register.txt"
SEED_TTL = ROOT / "data" / "connexi" / "register.ttl"
CONNEXI = "https://w3id.org/gdprgraph/register/connexi/"
XSD_DURATION = URIRef("http://www.w3.org/2001/XMLSchema#duration")
START_TIMEOUT = 10.0
VIRTUOSO_START_TIMEOUT = 30.0


@dataclass(frozen=True)
class Server:
    """A running SPARQL server: the URLs a user would give gdprgraph."""

    name: str
    query: str  # --endpoint
    update: str  # --update (SPARQL Update)
    gsp: str  # --gsp (Graph Store Protocol)
    sql_port: int | None = None  # Virtuoso: its SQL port, for isql


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _missing(message: str, require_var: str) -> None:
    if os.environ.get(require_var):  # set by .ci/run: CI must run these tests
        pytest.fail(f"{message} ({require_var} is set)")
    pytest.skip(message)


def _wait_until_up(process: subprocess.Popen, probe: str, log: Path, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            request = urllib.request.Request(probe, headers={"Accept": "application/sparql-results+json"})
            with urllib.request.urlopen(request, timeout=1):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait(timeout=5)
                pytest.fail(f"the {what} did not start within {timeout:g} s: {log.read_text(errors='replace')[-500:]}")
            time.sleep(0.1)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def _oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"  # the venv's bin, where `pip install oxigraph` puts it
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


@contextmanager
def _oxigraph(folder: Path) -> Iterator[Server]:
    """A fresh in-memory Oxigraph server (`pip install oxigraph`, a test extra)."""
    binary = _oxigraph_binary()
    if binary is None:
        _missing("the Oxigraph server binary is missing: `pip install oxigraph` (a test extra) provides it",
                 "GDPRGRAPH_REQUIRE_SPARQL_SERVER")
    port = _free_port()
    log = folder / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}"], stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(process, f"{base}/query?query=ASK%7B%7D", log, "Oxigraph server", START_TIMEOUT)
        yield Server("oxigraph", f"{base}/query", f"{base}/update", f"{base}/store")
    finally:
        _stop(process)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = {sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = {http_port}
ServerRoot = .
ServerThreads = 4
MaxClientConnections = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
"""


def _virtuoso_binaries() -> tuple[str, str] | None:
    server = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt") or shutil.which("isql")  # Debian names it isql-vt
    return (server, isql) if server and isql else None


def isql(server: Server, statement: str) -> None:
    """Run one SQL statement on a test Virtuoso as its administrator (dba, default password)."""
    binaries = _virtuoso_binaries()
    assert binaries and server.sql_port
    done = subprocess.run([binaries[1], str(server.sql_port), "dba", "dba", f"exec={statement}"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and "Error" not in done.stdout + done.stderr, done.stdout + done.stderr


@contextmanager
def _virtuoso(folder: Path, max_rows: int = 1_000_000) -> Iterator[Server]:
    """Our own Virtuoso (Debian `virtuoso-opensource`): a fresh database in a temp folder, free HTTP and SQL
    ports, in the foreground of its process (no system service); the SPARQL user may update."""
    binaries = _virtuoso_binaries()
    if binaries is None:
        _missing("Virtuoso is missing: `apt-get install virtuoso-opensource-7-bin` provides virtuoso-t and isql-vt",
                 "GDPRGRAPH_REQUIRE_VIRTUOSO")
    http_port, sql_port = _free_port(), _free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(http_port=http_port, sql_port=sql_port,
                                                                    max_rows=max_rows))
    log = folder / "virtuoso.log"
    with open(folder / "server.out", "wb") as out:
        process = subprocess.Popen([binaries[0], "+foreground", "+configfile", "virtuoso.ini"], cwd=folder,
                                   stdout=out, stderr=out)
    base = f"http://127.0.0.1:{http_port}"
    try:
        _wait_until_up(process, f"{base}/sparql?query=ASK%7B%7D", folder / "server.out", "Virtuoso server",
                       VIRTUOSO_START_TIMEOUT)
        server = Server("virtuoso", f"{base}/sparql", f"{base}/sparql", f"{base}/sparql-graph-crud", sql_port)
        isql(server, 'GRANT SPARQL_UPDATE TO "SPARQL"')  # as the README tells users to
        yield server
    finally:
        _stop(process)
        if process.returncode not in (0, -15):
            print(log.read_text(errors="replace")[-2000:] if log.exists() else "no virtuoso.log")


SERVERS = {"oxigraph": _oxigraph, "virtuoso": _virtuoso}


@pytest.fixture(scope="module", params=list(SERVERS))
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A fresh SPARQL server on 127.0.0.1 (each test runs once per server); stopped when its tests are done."""
    with SERVERS[request.param](tmp_path_factory.mktemp(request.param)) as running:
        yield running


@pytest.fixture(scope="module")
def endpoint(server: Server, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The query URL of a server holding the seed and Acme Clinic, each in its default named graph (pushed
    the default way for that URL)."""
    push(load_graph(SEED), server.query)
    push(load_graph(write_acme(tmp_path_factory.mktemp("acme"))), server.query)
    return server.query


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_push_loads_each_register_into_its_named_graph(endpoint: str):
    assert named_graph_iris(endpoint) == [ACME_BASE, CONNEXI]
    assert count_at_endpoint(endpoint, CONNEXI) == len(load_graph(SEED, engine="rdflib"))


def _without_durations(graph):
    """Virtuoso's SPARQL Update refuses xsd:duration literals (test_durations_through_sparql_update)."""
    for triple in [t for t in graph if isinstance(t[2], Literal) and t[2].datatype == XSD_DURATION]:
        graph.remove(triple)
    return graph


def test_push_by_sparql_update_replaces_the_graph(server: Server):
    graph = "urn:x:update-test"
    local = _without_durations(load_graph(SEED_TTL))
    for _ in range(2):  # the second push replaces, it does not add
        assert push(local, server.query, graph, update=server.update, batch=100) == (graph, len(local))
    assert count_at_endpoint(server.query, graph) == len(local)


def test_durations_through_sparql_update(server: Server):
    """Oxigraph stores them; Virtuoso cannot (openlink/virtuoso-opensource#224): one line saying to use its
    Graph Store instead, which `push` does by default there."""
    local = load_graph(SEED_TTL)
    if server.name != "virtuoso":
        assert push(local, server.query, "urn:x:durations", update=server.update)[1] == len(local)
        return
    line = one_line_error(run("push", SEED_TTL, "--endpoint", server.query, "--update", server.update,
                              "--graph", "urn:x:durations"))
    assert "xsd:duration" in line and "--gsp" in line


def test_push_by_graph_store_protocol_replaces_the_graph(server: Server):
    graph = "urn:x:gsp-test"
    local = load_graph(SEED_TTL)
    for _ in range(2):
        assert push(local, server.query, graph, gsp=server.gsp) == (graph, len(local))
    assert count_at_endpoint(server.query, graph) == len(local)


def test_push_with_credentials_answers_a_digest_challenge(server: Server):
    """Virtuoso's …-auth endpoints ask for HTTP Digest: credentials in the URL answer it (dba, the test
    instance's administrator); push then writes through /sparql-graph-crud-auth."""
    if server.name != "virtuoso":
        pytest.skip("only Virtuoso's …-auth endpoints ask for credentials")
    auth = server.query.replace("http://", "http://dba:dba@") + "-auth"
    assert push(load_graph(SEED_TTL), auth, "urn:x:auth-push")[0] == "urn:x:auth-push"
    assert count_at_endpoint(auth, "urn:x:auth-push") == len(load_graph(SEED_TTL))
    line = one_line_error(run("push", SEED_TTL, "--endpoint", auth.replace("dba:dba", "dba:wrong")))
    assert "HTTP 401" in line and "user:password@" in line


def test_a_refused_update_says_the_user_needs_update_rights(server: Server):
    if server.name != "virtuoso":
        pytest.skip("the Oxigraph server has no users")
    isql(server, 'REVOKE SPARQL_UPDATE FROM "SPARQL"')
    try:
        for how in ("--gsp", "--update"):
            url = server.gsp if how == "--gsp" else server.update
            line = one_line_error(run("push", SEED_TTL, "--endpoint", server.query, how, url, "--graph", "urn:x:no"))
            assert "needs update rights" in line and "GRANT SPARQL_UPDATE" in line, line
    finally:
        isql(server, 'GRANT SPARQL_UPDATE TO "SPARQL"')


def test_push_command_reports_what_the_server_holds(server: Server):
    result = run("push", SEED_TTL, "--endpoint", server.query, "--graph", "urn:x:cli-push")
    assert result.exit_code == 0, result.output
    count = len(load_graph(SEED_TTL))
    assert f"pushed {count} triples to <urn:x:cli-push>" in result.stderr
    assert f"(the graph holds {count})" in result.stderr
    assert count_at_endpoint(server.query, "urn:x:cli-push") == count


def test_bundled_queries_answer_as_on_the_file(endpoint: str):
    remote = endpoint_graph(endpoint, CONNEXI)
    assert is_endpoint(remote)
    local = load_graph(SEED)
    for name in ("info-counts", "unmapped-labels", "entities"):
        assert run_query(remote, name) == run_query(local, name), name
    assert {name for name, _title in list_queries()} >= {"registers-sharing-with"}


def _terms(graph) -> set:
    return {tuple(term.n3() for term in triple) for triple in graph}


@pytest.mark.parametrize("source", ["seed", "acme"])
def test_the_register_reads_back_term_for_term(endpoint: str, source: str, tmp_path: Path):
    """Every literal comes back with its lexical form, datatype and language: xsd:duration ("P2Y", which
    Virtuoso stores as 24 months), xsd:boolean (Virtuoso answers 1 in SPARQL results), xsd:date, @nl/@en;
    both in the one-request copy (N-Triples) and through triple look-ups (SPARQL results)."""
    local = load_graph(SEED) if source == "seed" else load_graph(write_acme(tmp_path))
    remote = endpoint_graph(endpoint, CONNEXI if source == "seed" else ACME_BASE)
    expected = _terms(local)
    assert _terms(local_copy(remote)) == expected
    assert _terms(remote.triples((None, None, None))) == expected


BNODES_TTL = """\
@prefix ex: <https://example.org/> .
ex:a ex:p [ ex:q [ ex:r "deep"@en-GB ] ] ; ex:s ( "one" "two" ) .
"""


@pytest.mark.parametrize("how", ["gsp", "update"])
def test_blank_nodes_read_back_as_the_same_graph(server: Server, how: str):
    from rdflib.compare import isomorphic

    from gdprgraph.stores import new_graph, parse_into

    local = new_graph("oxigraph")  # like the file on the default engine: language tags in lower case (en-gb)
    parse_into(local, BNODES_TTL.encode(), "turtle")
    graph = f"urn:x:bnodes-{how}"
    push(local, server.query, graph, **{how: getattr(server, how)})
    copy = local_copy(endpoint_graph(server.query, graph))
    assert len(copy) == len(local) and isomorphic(copy, local)


def test_an_answer_cut_short_by_the_server_is_an_error(tmp_path: Path):
    """Virtuoso caps answers at ResultSetMaxRows (10,000 in Debian's virtuoso.ini): a SELECT says so in a
    header, a CONSTRUCT does not; either way the command stops with one line instead of answering in part."""
    with _virtuoso(tmp_path, max_rows=100) as server:
        push(load_graph(SEED), server.query)
        line = one_line_error(run("validate", "--endpoint", server.query, "--graph", CONNEXI))
        assert "of the register's 803 triples" in line and "ResultSetMaxRows" in line
        query = tmp_path / "all.rq"
        query.write_text("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o")
        line = one_line_error(run("query", query, "--endpoint", server.query, "--graph", CONNEXI))
        assert "cut the answer at 100 rows" in line and "ResultSetMaxRows" in line


def test_validation_finds_the_same_as_on_the_file(endpoint: str):
    remote = validate_graph(endpoint_graph(endpoint, CONNEXI))
    assert remote.as_dict() == validate_graph(load_graph(SEED)).as_dict()


@pytest.mark.parametrize("command", [["info", "--format", "json"], ["validate", "--format", "json"]])
def test_commands_answer_the_same_from_the_endpoint(endpoint: str, command: list[str]):
    local = run(*command, SEED)
    remote = run(*command, "--endpoint", endpoint, "--graph", CONNEXI)
    assert remote.exit_code == local.exit_code, remote.output
    assert json.loads(remote.stdout) == json.loads(local.stdout)


def test_trace_answers_the_same_from_the_endpoint(endpoint: str):
    if "trace" not in main.commands:
        pytest.skip("no trace command yet")
    local = run("trace", "home address", SEED, "--format", "json")
    remote = run("trace", "home address", "--endpoint", endpoint, "--graph", CONNEXI, "--format", "json")
    assert remote.exit_code == 0 == local.exit_code, remote.output
    assert json.loads(remote.stdout) == json.loads(local.stdout)


def test_cross_register_query_at_the_endpoint_finds_both(endpoint: str):
    rows = run_query(endpoint_graph(endpoint), "registers-sharing-with", who="Calendly")
    assert {r["g"] for r in rows} >= {CONNEXI, ACME_BASE}
    only_acme = run_query(endpoint_graph(endpoint, ACME_BASE), "registers-sharing-with", who="Calendly")
    assert {r["g"] for r in only_acme} == {ACME_BASE}


def test_unknown_graph_is_one_line_naming_the_graphs_there(endpoint: str):
    line = one_line_error(run("info", "--endpoint", endpoint, "--graph", "urn:x:nope"))
    assert "no register graph <urn:x:nope>" in line and CONNEXI in line


def test_unreachable_endpoint_is_one_line():
    port = _free_port()  # nothing listens there
    line = one_line_error(run("info", "--endpoint", f"http://127.0.0.1:{port}/query"))
    assert "cannot reach the server" in line
    line = one_line_error(run("push", SEED_TTL, "--endpoint", f"http://127.0.0.1:{port}/query"))
    assert "cannot reach the server" in line


def test_a_url_that_is_not_an_endpoint_is_one_line(server: Server):
    line = one_line_error(run("info", "--endpoint", server.query.rsplit("/", 1)[0] + "/no-such-service"))
    assert "HTTP 404" in line


@pytest.mark.parametrize("number,datatype,duration", [
    ("24", "duration", "P2Y"), ("13", "duration", "P1Y1M"), ("6", "yearMonthDuration", "P6M"), ("0", "duration", "P0M"),
    ("-18", "duration", "-P1Y6M"), ("86400.0", "duration", "P1D"), ("2.592e+06", "duration", "P30D"),
    ("3600.0", "duration", "PT1H"), ("90061.5", "duration", "P1DT1H1M1.5S"), ("0.0", "duration", "PT0S"),
    ("3600", "dayTimeDuration", "PT1H"), ("P2Y", "duration", None),
])
def test_a_duration_stored_as_a_number_reads_back_as_a_duration(number: str, datatype: str, duration: str | None):
    from gdprgraph.stores import _duration_lexical

    assert _duration_lexical(number, "http://www.w3.org/2001/XMLSchema#" + datatype) == duration


@pytest.mark.parametrize("endpoint,server,expected", [
    ("http://h:7878/query", "", ("http://h:7878/store", None)),
    ("http://h:8890/sparql", "Virtuoso/07.20.3229 (Linux)", ("http://h:8890/sparql-graph-crud", None)),
    ("http://u:p@h:8890/sparql-auth", "Virtuoso/07.20.3229", ("http://u:p@h:8890/sparql-graph-crud-auth", None)),
    ("https://c:8182/sparql", "", (None, "https://c:8182/sparql")),
    ("http://h:3030/ropa/sparql", "Apache Jena Fuseki (5.0.0)", (None, "http://h:3030/ropa/sparql")),
])
def test_push_writes_where_the_server_accepts_it(endpoint: str, server: str, expected: tuple):
    assert write_urls(endpoint, server=server) == expected
