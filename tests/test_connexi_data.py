"""data/connexi/ holds the seed and its import; the two must stay in step."""
from pathlib import Path

from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from gdprgraph.build import load_graph

CONNEXI = Path(__file__).resolve().parents[1] / "data" / "connexi"


def test_bundled_register_ttl_is_the_import_of_the_seed():
    imported = load_graph(CONNEXI / "connexi-gdprwise-register.txt")
    stored = Graph().parse(CONNEXI / "register.ttl")
    if not isomorphic(imported, stored):
        _, only_new, only_old = graph_diff(to_isomorphic(imported), to_isomorphic(stored))
        raise AssertionError(
            "data/connexi/register.ttl is stale; run scripts/make_connexi_data.sh\n"
            f"only in a fresh import: {sorted(map(str, only_new))[:5]}\nonly in the file: {sorted(map(str, only_old))[:5]}"
        )
