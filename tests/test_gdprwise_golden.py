"""Golden graphs: every GDPRWise fixture register imports into exactly the stored graph.

The structural tests in test_gdprwise*.py say what matters; these catch any other change to the
triples (IRIs, labels, inferred links). After an intended change, refresh and review the diff:
    GDPRGRAPH_UPDATE_GOLDEN=1 pytest tests/test_gdprwise_golden.py
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from gdprgraph.build import load_graph

ROOT = Path(__file__).resolve().parent
SOURCES = sorted((ROOT / "data" / "gdprwise").glob("*.txt")) + [ROOT.parent / "data/connexi/connexi-gdprwise-register.txt"]
GOLDEN = ROOT / "golden" / "gdprwise"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_import_matches_golden_graph(source: Path):
    graph = load_graph(source, engine="rdflib")
    golden = GOLDEN / f"{source.stem}.ttl"
    if os.environ.get("GDPRGRAPH_UPDATE_GOLDEN") or not golden.exists():
        if not os.environ.get("GDPRGRAPH_UPDATE_GOLDEN"):
            pytest.fail(f"no golden graph for {source.name}; run with GDPRGRAPH_UPDATE_GOLDEN=1")
        golden.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    expected = Graph().parse(golden)
    if not isomorphic(graph, expected):
        _, only_new, only_old = graph_diff(to_isomorphic(graph), to_isomorphic(expected))
        raise AssertionError(
            f"{source.name} imports differently from {golden.name}\n"
            f"new: {sorted(map(str, only_new))[:4]}\nold: {sorted(map(str, only_old))[:4]}"
        )
