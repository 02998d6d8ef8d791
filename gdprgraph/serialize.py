"""Graph → text in the linked-data formats, with a fixed JSON-LD context (no remote context)."""
from __future__ import annotations

from rdflib import Graph

from gdprgraph.errors import UsageError
from gdprgraph.namespaces import PREFIXES, bind_prefixes

FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "xml": "xml"}
SUFFIX_FORMATS = {".ttl": "ttl", ".jsonld": "jsonld", ".json": "jsonld", ".nt": "nt", ".rdf": "xml", ".xml": "xml"}

JSONLD_CONTEXT = {
    **{prefix: str(ns) for prefix, ns in PREFIXES.items()},
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def with_vocabulary(graph: Graph) -> Graph:
    """The register plus our ontology and the DPV subset, so the file stands alone in any SPARQL tool."""
    from gdprgraph.vocabulary import vocabulary_graph

    union = Graph()
    bind_prefixes(union)
    for prefix, namespace in graph.namespaces():
        union.bind(prefix, namespace, override=False)
    union += graph
    union += vocabulary_graph()
    return union


def serialize(graph: Graph, fmt: str = "ttl", include_vocabulary: bool = False) -> str:
    """Serialise to ``ttl``, ``jsonld``, ``nt`` or ``xml`` (RDF/XML)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown RDF format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if include_vocabulary:
        graph = with_vocabulary(graph)
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", context=JSONLD_CONTEXT, indent=2)
    return graph.serialize(format=FORMATS[fmt])


serialize_graph = serialize  # the same function under a name no submodule shadows (see gdprgraph/__init__.py)


def format_for_path(path: str) -> str | None:
    """The RDF format implied by an output file name, if any."""
    from pathlib import Path

    return SUFFIX_FORMATS.get(Path(path).suffix.lower())
