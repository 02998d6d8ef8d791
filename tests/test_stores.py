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
