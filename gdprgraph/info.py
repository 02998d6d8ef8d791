"""`gdprgraph info`: how big is the register, and which of its labels did not map to DPV."""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph

from gdprgraph.query import run_query

_KIND_NAMES = {
    "https://w3id.org/dpv#PersonalData": "data category",
    "https://w3id.org/dpv#DataSubject": "data subject",
    "https://w3id.org/dpv#LegalBasis": "legal basis",
    "https://w3id.org/dpv#Country": "country",
    "https://w3id.org/dpv/tech#ProvisionMethod": "system type",
}


@dataclass
class Info:
    counts: dict[str, int]
    unmapped: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"counts": self.counts, "unmapped": self.unmapped}


def info(graph: Graph) -> Info:
    rows = run_query(graph, "info-counts")
    counts = {k: int(v or 0) for k, v in rows[0].items()} if rows else {}
    unmapped = [
        {"kind": _KIND_NAMES.get(row["type"], row["type"]), "label": row["label"] or "", "iri": row["node"]}
        for row in run_query(graph, "unmapped-labels")
    ]
    return Info(counts=counts, unmapped=unmapped)


register_info = info  # the same function under a name no submodule shadows (see gdprgraph/__init__.py)
