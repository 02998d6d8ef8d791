"""A real SPARQL 1.1 server: push registers into named graphs, then the same bundled queries, validation
and trace run against it and answer as they do on the file.

The server is Oxigraph's (PyPI package ``oxigraph``, a test extra), started on 127.0.0.1 on a free port for
this module and stopped afterwards. Without the binary these tests are skipped with a message saying so.
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
from pathlib import Path

import pytest
from click.testing import CliRunner

from gdprgraph.build import load_graph
from gdprgraph.cli import main
from gdprgraph.query import list_queries, run_query
from gdprgraph.stores import count_at_endpoint, endpoint_graph, is_endpoint, named_graph_iris, push
from gdprgraph.validate import validate_graph

sys.path.insert(0, str(Path(__file__).resolve().parent))
from registers import ACME_BASE, write_acme  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "connexi" / "connexi-gdprwise-register.txt"
SEED_TTL = ROOT / "data" / "connexi" / "register.ttl"
CONNEXI = "https://w3id.org/gdprgraph/register/connexi/"
START_TIMEOUT = 10.0


def _oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"  # the venv's bin, where `pip install oxigraph` puts it
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """Base URL of a fresh in-memory Oxigraph server; stopped when the module's tests are done."""
    binary = _oxigraph_binary()
    if binary is None:
        message = "the Oxigraph server binary is missing: `pip install oxigraph` (a test extra) provides it"
        if os.environ.get("GDPRGRAPH_REQUIRE_SPARQL_SERVER"):  # set by .ci/run: CI must run these tests
            pytest.fail(message)
        pytest.skip(message)
    port = _free_port()
    log = tmp_path_factory.mktemp("oxigraph") / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}"], stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            request = urllib.request.Request(f"{base}/query?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"})
            with urllib.request.urlopen(request, timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the Oxigraph server did not start within {START_TIMEOUT:g} s: {log.read_text()[-500:]}")
            time.sleep(0.1)
    yield base
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="module")
def endpoint(server: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The query URL of a server holding the seed and Acme Clinic, each in its default named graph."""
    url = f"{server}/query"
    push(load_graph(SEED), url)
    push(load_graph(write_acme(tmp_path_factory.mktemp("acme"))), url)
    return url


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_push_loads_each_register_into_its_named_graph(endpoint: str):
    assert named_graph_iris(endpoint) == [ACME_BASE, CONNEXI]
    assert count_at_endpoint(endpoint, CONNEXI) == len(load_graph(SEED, engine="rdflib"))


def test_push_by_sparql_update_replaces_the_graph(server: str):
    url, graph = f"{server}/query", "urn:x:update-test"
    local = load_graph(SEED_TTL)
    for _ in range(2):  # the second push replaces, it does not add
        assert push(local, url, graph, update=f"{server}/update", batch=100) == (graph, len(local))
    assert count_at_endpoint(url, graph) == len(local)


def test_push_command_reports_what_the_server_holds(server: str):
    result = run("push", SEED_TTL, "--endpoint", f"{server}/query", "--graph", "urn:x:cli-push")
    assert result.exit_code == 0, result.output
    count = len(load_graph(SEED_TTL))
    assert f"pushed {count} triples to <urn:x:cli-push>" in result.stderr
    assert f"(the graph holds {count})" in result.stderr
    assert count_at_endpoint(f"{server}/query", "urn:x:cli-push") == count


def test_bundled_queries_answer_as_on_the_file(endpoint: str):
    remote = endpoint_graph(endpoint, CONNEXI)
    assert is_endpoint(remote)
    local = load_graph(SEED)
    for name in ("info-counts", "unmapped-labels", "entities"):
        assert run_query(remote, name) == run_query(local, name), name
    assert {name for name, _title in list_queries()} >= {"registers-sharing-with"}


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


def test_a_url_that_is_not_an_endpoint_is_one_line(server: str):
    line = one_line_error(run("info", "--endpoint", f"{server}/no-such-service"))
    assert "HTTP 404" in line
