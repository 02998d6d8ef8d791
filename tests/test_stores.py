"""Engines give the same graph; the Oxigraph shim keeps simple literals comparable."""
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from gdprgraph.build import load_graph
from gdprgraph.query import run_query
from gdprgraph.stores import is_oxigraph, new_graph, to_engine, triple_count

SEED = Path(__file__).resolve().parents[1] / "data" / "connexi" / "connexi-gdprwise-register.txt"
SEED_TTL = SEED.with_name("register.ttl")


@pytest.mark.parametrize("source", [SEED, SEED_TTL])
def test_both_engines_load_the_same_graph(source: Path):
    ox = load_graph(source, engine="oxigraph")
    ref = load_graph(source, engine="rdflib")
    assert is_oxigraph(ox) and not is_oxigraph(ref)
    assert triple_count(ox) == triple_count(ref)
    assert isomorphic(to_engine(ox, "rdflib"), ref)


def test_simple_literals_come_back_plain_from_oxigraph():
    graph = new_graph("oxigraph")
    graph.add((URIRef("urn:x:a"), URIRef("urn:x:name"), Literal("Connexi")))
    assert graph.value(URIRef("urn:x:a"), URIRef("urn:x:name")) == Literal("Connexi")
    assert (URIRef("urn:x:a"), URIRef("urn:x:name"), Literal("Connexi")) in graph


def test_bundled_queries_answer_the_same_on_both_engines():
    ox = load_graph(SEED_TTL, engine="oxigraph")
    ref = load_graph(SEED_TTL, engine="rdflib")
    for name in ("info-counts", "unmapped-labels"):
        assert run_query(ox, name) == run_query(ref, name)


def test_unknown_engine_is_a_usage_error():
    from gdprgraph.errors import UsageError

    with pytest.raises(UsageError, match="unknown engine"):
        new_graph("virtuoso")


# -- persistent stores (--store DIR) ----------------------------------------------------------------------

import sys  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from registers import ACME_BASE, write_acme  # noqa: E402

from gdprgraph.errors import InputError, UsageError  # noqa: E402
from gdprgraph.stores import (  # noqa: E402
    UnionGraph,
    add_to_store,
    bind_values,
    graph_from_store,
    import_into_store,
    open_register,
    open_store,
    register_graph_iri,
    store_graph_iris,
    write_urls,
)

CONNEXI = "https://w3id.org/gdprgraph/register/connexi/"


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    return write_acme(tmp_path)


@pytest.fixture
def two_registers(tmp_path: Path, acme: Path) -> Path:
    """A store holding the seed and Acme Clinic, one named graph each (default graph IRIs)."""
    folder = tmp_path / "store"
    assert import_into_store(SEED, folder) == (CONNEXI, triple_count(load_graph(SEED)))
    assert import_into_store(acme, folder)[0] == ACME_BASE
    return folder


def test_import_names_the_graph_after_the_register_base_and_replaces_on_reimport(two_registers: Path):
    dataset = open_store(two_registers)
    assert store_graph_iris(dataset) == [ACME_BASE, CONNEXI]
    before = triple_count(graph_from_store(dataset, CONNEXI))
    add_to_store(dataset, load_graph(SEED), CONNEXI)  # the same register again: replaced, not doubled
    assert triple_count(graph_from_store(dataset, CONNEXI)) == before
    assert store_graph_iris(dataset) == [ACME_BASE, CONNEXI]


def test_a_stored_register_is_the_same_graph_as_the_file(two_registers: Path, acme: Path):
    for iri, source in ((CONNEXI, SEED), (ACME_BASE, acme)):
        stored = open_register(store=two_registers, graph=iri)
        assert is_oxigraph(stored)
        assert isomorphic(to_engine(stored, "rdflib"), load_graph(source, engine="rdflib"))
        copied = open_register(store=two_registers, graph=iri, engine="rdflib")
        assert not is_oxigraph(copied) and isomorphic(copied, load_graph(source, engine="rdflib"))


def test_without_graph_a_store_of_one_register_gives_it_and_of_several_their_union(tmp_path: Path, two_registers: Path):
    single = tmp_path / "single"
    import_into_store(SEED_TTL, single)
    graph = open_register(store=single)
    assert not isinstance(graph, UnionGraph) and str(graph.identifier) == CONNEXI
    union = open_register(store=two_registers)
    assert isinstance(union, UnionGraph)
    counts = run_query(union, "info-counts")[0]
    assert counts["activities"] == 12 + 5
    assert counts == run_query(open_register(store=two_registers, engine="rdflib"), "info-counts")[0]
    with pytest.raises(UsageError, match="read-only"):
        union.add((URIRef("urn:x:a"), URIRef("urn:x:b"), URIRef("urn:x:c")))


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_cross_register_query_finds_both_registers(two_registers: Path, engine: str):
    rows = run_query(open_register(store=two_registers, engine=engine), "registers-sharing-with", who="calendly")
    assert {r["g"] for r in rows} == {CONNEXI, ACME_BASE}
    acme_rows = {(r["activityLabel"], r["kind"]) for r in rows if r["g"] == ACME_BASE}
    assert acme_rows == {("Appointment booking", "system"), ("Appointment booking", "provider"),
                         ("Research newsletter", "system"), ("Research newsletter", "provider")}
    assert all(r["registerLabel"] for r in rows)
    assert run_query(open_register(store=two_registers, engine=engine), "registers-sharing-with", who="Nobody") == []


def test_readers_share_a_store_and_writers_take_turns(two_registers: Path):
    first = open_register(store=two_registers, graph=CONNEXI)  # commands that read open the store read-only
    second = open_register(store=two_registers, graph=ACME_BASE)
    assert run_query(first, "info-counts")[0]["activities"] == 12
    assert run_query(second, "info-counts")[0]["activities"] == 5
    writer = open_store(two_registers)  # read-write (import): locked to one handle
    with pytest.raises(InputError, match="in use by another"):
        open_store(two_registers)
    writer.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing", "no such store folder"),
        (lambda p: (p / "empty").mkdir() or p / "empty", "holds no register yet"),
        (lambda p: (p / "file.txt").write_text("x") and p / "file.txt", "is a file"),
        (lambda p: (p / "other").mkdir() or (p / "other" / "notes.txt").write_text("x") and p / "other",
         "is not a gdprgraph"),
    ],
)
def test_bad_store_folders_are_input_errors(tmp_path: Path, make, message: str):
    with pytest.raises(InputError, match=message):
        open_register(store=make(tmp_path))


def test_unknown_graph_and_option_mix_ups_are_reported(two_registers: Path):
    with pytest.raises(InputError, match=r"no register graph <urn:x:nope>.*holds: <https://w3id"):
        open_register(store=two_registers, graph="urn:x:nope")
    with pytest.raises(UsageError, match="not both"):
        open_register(SEED_TTL, store=two_registers)
    with pytest.raises(UsageError, match="not both"):
        open_register(store=two_registers, endpoint="http://127.0.0.1:1/query")
    with pytest.raises(UsageError, match="--graph selects"):
        open_register(SEED_TTL, graph=CONNEXI)
    with pytest.raises(UsageError, match="missing REGISTER"):
        open_register()
    with pytest.raises(UsageError, match="absolute IRI"):
        import_into_store(SEED_TTL, two_registers, "not an iri")


def test_register_graph_iri_needs_exactly_one_register_node():
    assert register_graph_iri(load_graph(SEED_TTL)) == CONNEXI
    with pytest.raises(UsageError, match="no register node"):
        register_graph_iri(Graph())


# -- helpers for SPARQL servers -------------------------------------------------------------------------


def test_bind_values_puts_the_bindings_at_the_start_of_the_where_clause():
    query = '# not here: WHERE {\nPREFIX ex: <urn:x#{>\nSELECT ?s WHERE { ?s ex:p "a { b" . FILTER(?x < 3) }'
    bound = bind_values(query, {"x": Literal(1), "s": URIRef("urn:x:s")})
    assert bound.startswith(query[: query.index("WHERE {") + 7])
    assert 'VALUES (?x ?s) { ("1"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:x:s>) }' in bound
    construct = bind_values("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"p": URIRef("urn:x:p")})
    assert construct.startswith("CONSTRUCT { ?s ?p ?o } WHERE {\nVALUES (?p)")
    assert bind_values("ASK { ?s ?p ?o }", {"s": URIRef("urn:x:s")}).startswith("ASK {\nVALUES (?s)")
    assert bind_values("SELECT * { ?s ?p ?o }", {}) == "SELECT * { ?s ?p ?o }"


def test_push_picks_the_graph_store_for_oxigraph_and_sparql_update_elsewhere():
    assert write_urls("http://localhost:7878/query") == ("http://localhost:7878/store", None)
    assert write_urls("http://localhost:3030/ropa/sparql") == (None, "http://localhost:3030/ropa/sparql")
    assert write_urls("http://x/query", gsp="http://x/data") == ("http://x/data", None)
    assert write_urls("http://x/query", update="http://x/update") == (None, "http://x/update")


def test_endpoint_urls_are_checked_before_any_request():
    from gdprgraph.stores import _split_auth, endpoint_graph

    with pytest.raises(UsageError, match="http"):
        endpoint_graph("ftp://example.org/sparql")
    url, headers = _split_auth("https://ann:s%40fe@example.org:8443/sparql")
    assert url == "https://example.org:8443/sparql"
    assert headers == {"Authorization": "Basic YW5uOnNAZmU="}
