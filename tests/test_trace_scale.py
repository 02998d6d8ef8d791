"""Large answers: the aggregated reader (activity-link-lists.rq, used on Oxigraph and SPARQL servers) reads
what the row-per-link reader (activity-links.rq, rdflib's) reads, and a trace naming hundreds of activities
is the same on every engine."""
from __future__ import annotations

import random

import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef

from gdprgraph.build import build_graph
from gdprgraph.dataflow import impact, subject_inventory, trace
from gdprgraph.flows import Flows, _read_link_lists, _read_link_rows, read_flows
from gdprgraph.model import Activity, Controller, Recipient, Ref, Register, Retention, System
from gdprgraph.namespaces import DPV
from gdprgraph.stores import to_engine

CATEGORIES = ["Home address", "Name", "Email address", "Telephone number", "Days of sick leave", "Bank account",
              "Date of birth", "Custom field A", "Custom field B"]


def many_activities(n: int = 400, seed: int = 7) -> Register:
    """``n`` activities sharing systems, providers and recipients in and outside the EEA, a third with a
    home address, a third of the system links inferred, labels with spaces, accents and percent signs."""
    rnd = random.Random(seed)
    countries = ["Belgium", "United States", "Germany", "India"]
    systems = [System(f"System {i}", type="Public cloud", provider=f"Provider {i % 7}", country=countries[i % 7 % 4])
               for i in range(40)]
    recipients = [Recipient(f"Recipient {i} – 100% réel", rnd.choice(["France", "Japan", "Netherlands"]))
                  for i in range(25)]
    activities = []
    for i in range(n):
        cats = set(rnd.sample(CATEGORIES[1:], rnd.randint(1, 4)))
        if i % 3 == 0:
            cats.add("Home address")
        activities.append(Activity(
            title=f"Activity {i} (été 50%)",
            section=rnd.choice(["clients", "employees"]),
            purposes=(f"Purpose {i % 9}",),
            data_subjects=tuple(Ref(s, inferred=rnd.random() < 0.2)
                                for s in rnd.sample(["Clients", "Employees", "Prospects"], rnd.randint(1, 2))),
            categories=tuple(sorted(cats)),
            legal_bases=("Contract",),
            retention=Retention("2 years", "P2Y"),
            recipients=tuple(rnd.sample(recipients, rnd.randint(0, 3))),
            systems=tuple(Ref(s.name, inferred=rnd.random() < 0.33) for s in rnd.sample(systems, rnd.randint(1, 4))),
            location="EU",
        ))
    return Register(controller=Controller("Many NV", country="Belgium"), activities=tuple(activities),
                    systems=tuple(systems), language="en", date="2025-01-31")


@pytest.fixture(scope="module")
def graphs() -> dict[str, Graph]:
    memory = build_graph(many_activities())
    return {"rdflib": memory, "oxigraph": to_engine(memory, "oxigraph")}


def _records(flows: Flows) -> dict:
    return {act: (sorted(r.labels, key=lambda l: (str(l), l.language or "")), r.section, r.links, r.anchors)
            for act, r in flows.activities.items()}


def test_a_trace_of_hundreds_of_activities_is_the_same_on_every_engine(graphs):
    answers = {engine: trace(graph, "home address") for engine, graph in graphs.items()}
    assert len(answers["oxigraph"]["activities"]) == 134
    assert sum(len(a["links"]) for a in answers["oxigraph"]["activities"]) > 500
    assert any(l["inferred"] for a in answers["oxigraph"]["activities"] for l in a["links"])
    assert answers["oxigraph"]["activities"][0]["label"].endswith("(été 50%)")
    assert answers["rdflib"] == answers["oxigraph"]
    with_subject = {engine: trace(graph, "home address", subject="Prospects") for engine, graph in graphs.items()}
    assert 0 < len(with_subject["rdflib"]["activities"]) < 134
    assert with_subject["rdflib"] == with_subject["oxigraph"]
    assert subject_inventory(graphs["rdflib"], "Clients") == subject_inventory(graphs["oxigraph"], "Clients")
    assert impact(graphs["rdflib"], "Provider 3") == impact(graphs["oxigraph"], "Provider 3")


@pytest.mark.parametrize("via,anchor", [(RDF.type, DPV.Process), (DPV.hasDataSubject, None)])
def test_the_aggregated_reader_reads_what_the_row_reader_reads(graphs, via, anchor):
    graph = graphs["oxigraph"]
    anchors = [anchor] if anchor is not None else sorted(set(graph.objects(None, DPV.hasDataSubject)))
    sets = [{"via": via, "anchor": a} for a in anchors]
    rows, lists = Flows(), Flows()
    _read_link_rows(graph, sets, rows)
    assert _read_link_lists(graph, sets, lists)
    assert len(lists.activities) == 400  # every activity has a data subject
    assert _records(lists) == _records(rows)
    assert set(lists.nodes) == set(rows.nodes)
    assert {n: i.kind for n, i in lists.nodes.items()} == {n: i.kind for n, i in rows.nodes.items()}


def test_a_blank_node_or_literal_target_falls_back_to_the_row_reader():
    graph = to_engine(build_graph(many_activities(12)), "oxigraph")
    act = next(iter(graph.subjects(RDF.type, DPV.Process)))
    graph.add((act, DPV.hasRecipient, BNode()))
    graph.add((act, DPV.isImplementedUsingTechnology, Literal("Excel")))
    sets = [{"via": RDF.type, "anchor": DPV.Process}]
    flows = Flows()
    assert _read_link_lists(graph, sets, flows) is False
    assert not flows.activities and not flows.nodes  # nothing half-read
    read = read_flows(graph, RDF.type, [DPV.Process], details=False)
    assert Literal("Excel") in read.activities[act].targets("system")
    assert any(isinstance(r, BNode) for r in read.activities[act].targets("recipient"))


def test_a_node_that_is_not_a_process_is_not_an_activity_for_either_reader():
    graph = to_engine(build_graph(many_activities(6)), "oxigraph")
    category = next(iter(graph.objects(None, DPV.hasPersonalData)))
    stray = URIRef("https://example.org/not-an-activity")
    graph.add((stray, DPV.hasPersonalData, category))
    sets = [{"via": DPV.hasPersonalData, "anchor": category}]
    rows, lists = Flows(), Flows()
    _read_link_rows(graph, sets, rows)
    assert _read_link_lists(graph, sets, lists)
    assert stray not in lists.activities and _records(lists) == _records(rows)


def test_the_collector_is_paused_only_while_an_answer_is_built(graphs):
    import gc

    from gdprgraph.errors import UnknownTermError
    from gdprgraph.flows import collector_paused

    seen = []
    probe = collector_paused(lambda: seen.append(gc.isenabled()))
    assert gc.isenabled()
    probe()
    assert seen == [False] and gc.isenabled()
    with pytest.raises(UnknownTermError):
        trace(graphs["oxigraph"], "zzqx unknown")
    assert gc.isenabled()  # back on after an error too
    gc.disable()
    try:
        trace(graphs["oxigraph"], "home address")
        assert not gc.isenabled()  # a caller's own pause is left alone
    finally:
        gc.enable()
