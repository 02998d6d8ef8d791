"""Where the triples live: Oxigraph (embedded, in memory or on disk) by default, rdflib's memory store as the
reference engine, or a remote SPARQL 1.1 server.

Why Oxigraph by default: on this project's benchmarks it parses ~10x faster than rdflib, answers the trace
query ~20x faster and holds a triple in ~1/3 of the memory (benchmarks/bench_scale.py). The rdflib API stays
the same through oxrdflib; two rules keep it fast: parse with the ``ox-*`` formats (Oxigraph's own parser)
and never call ``len(graph)`` in a loop (oxrdflib counts with a full-store query).
"""
from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from gdprgraph.errors import InputError, UsageError

ENGINES = ("oxigraph", "rdflib")
DEFAULT_ENGINE = "oxigraph"

# rdflib format name → Oxigraph's parser (through oxrdflib)
_OX_FORMATS = {"turtle": "ox-turtle", "nt": "ox-ntriples", "xml": "ox-xml", "trig": "ox-trig", "nquads": "ox-nquads"}


def check_engine(engine: str | None) -> str:
    engine = engine or DEFAULT_ENGINE
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    return engine


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_shimmed = False


def _oxigraph_shim() -> None:
    """Make oxrdflib hand back simple literals as rdflib does.

    Oxigraph stores "x" as "x"^^xsd:string (the same term in RDF 1.1) and oxrdflib 0.5 returns it with the
    datatype, which rdflib compares as a different term: graphs from the two engines would then never be
    isomorphic and a plain-literal look-up would miss. One wrapper around oxrdflib's converter fixes both
    directions of the comparison (tests/test_stores.py checks it).
    """
    global _shimmed
    if _shimmed:
        return
    import oxrdflib.store
    import pyoxigraph
    from rdflib import Literal

    original = oxrdflib.store.from_ox

    def from_ox(term):  # type: ignore[no-untyped-def]
        if isinstance(term, pyoxigraph.Literal) and not term.language and term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return original(term)

    oxrdflib.store.from_ox = from_ox
    _shimmed = True


def new_graph(engine: str | None = None) -> Graph:
    """An empty in-memory graph on the chosen engine."""
    if check_engine(engine) == "rdflib":
        return Graph()
    _oxigraph_shim()
    return Graph(store="Oxigraph")


def is_oxigraph(graph: Graph) -> bool:
    return type(graph.store).__name__ == "OxigraphStore"


def parse_into(graph: Graph, data: bytes, rdf_format: str) -> None:
    """Parse bytes into ``graph`` with the engine's own parser where it has one."""
    if is_oxigraph(graph) and rdf_format in _OX_FORMATS:
        graph.parse(data=data, format=_OX_FORMATS[rdf_format])
    else:
        graph.parse(data=data, format=rdf_format)


def to_engine(graph: Graph, engine: str | None = None) -> Graph:
    """The same triples on the chosen engine (a bulk N-Triples hand-over, not triple by triple)."""
    engine = check_engine(engine)
    if (engine == "oxigraph") == is_oxigraph(graph):
        return graph
    target = new_graph(engine)
    for prefix, namespace in graph.namespaces():
        target.bind(prefix, namespace, override=True)
    parse_into(target, graph.serialize(format="nt", encoding="utf-8"), "nt")
    return target


def triple_count(graph: Graph) -> int:
    """Number of triples, via the native store when there is one (oxrdflib's len() is a full count query)."""
    if is_oxigraph(graph):
        return len(graph.store._inner)  # type: ignore[attr-defined]
    return len(graph)


# -- persistent store (--store DIR): many registers, one named graph each -----------------------------


def open_store(folder: str | Path, create: bool = False) -> Dataset:
    """An on-disk Oxigraph store; ``create`` makes the folder when it does not exist yet."""
    _oxigraph_shim()
    folder = Path(folder)
    dataset = Dataset(store="Oxigraph", default_union=True)
    if folder.exists() and not (folder / "CURRENT").exists() and any(folder.iterdir()):
        raise InputError("is not a gdprgraph (Oxigraph) store folder", folder)
    if not folder.exists() and not create:
        raise InputError("no such store folder (create it with `gdprgraph import SOURCE --store DIR`)", folder)
    try:
        dataset.open(str(folder), create=not folder.exists())
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot open the store: {exc}", folder) from None
    return dataset


def store_graph_iris(dataset: Dataset) -> list[str]:
    """The named graphs (one per register) in a store."""
    return sorted(str(c.identifier) for c in dataset.contexts() if isinstance(c.identifier, URIRef))


def add_to_store(dataset: Dataset, graph: Graph, graph_iri: str) -> None:
    """Replace the named graph ``graph_iri`` with ``graph`` (re-importing a register does not duplicate it)."""
    target = dataset.graph(URIRef(graph_iri))
    target.remove((None, None, None))
    parse_into(target, graph.serialize(format="nt", encoding="utf-8"), "nt")


def graph_from_store(dataset: Dataset, graph_iri: str | None) -> Graph:
    """One register's named graph, or (no IRI) the union of all registers in the store."""
    iris = store_graph_iris(dataset)
    if graph_iri is None:
        if not iris:
            raise InputError("the store holds no register yet; add one with `gdprgraph import SOURCE --store DIR`")
        return Graph(store=dataset.store, identifier=URIRef("urn:x-rdflib:union")) if len(iris) > 1 else dataset.graph(URIRef(iris[0]))
    if graph_iri not in iris:
        raise InputError(f"no register graph {graph_iri!r} in the store; it holds: {', '.join(iris) or 'nothing'}")
    return dataset.graph(URIRef(graph_iri))


# -- remote SPARQL 1.1 server (--endpoint URL) ---------------------------------------------------------


def push(graph: Graph, endpoint: str, graph_iri: str, timeout: float = 60.0) -> None:
    """Load ``graph`` into a named graph of a SPARQL 1.1 server with the Graph Store Protocol (HTTP PUT).

    ``endpoint`` is the server's graph-store URL (Oxigraph: http://host:7878/store; Fuseki: …/dataset/data).
    """
    url = endpoint + ("&" if "?" in endpoint else "?") + urllib.parse.urlencode({"graph": graph_iri})
    body = graph.serialize(format="nt", encoding="utf-8")
    request = urllib.request.Request(url, data=body, method="PUT", headers={"Content-Type": "application/n-triples"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (user-given URL)
            if response.status >= 300:
                raise InputError(f"the server answered HTTP {response.status}", endpoint)
    except urllib.error.HTTPError as exc:
        raise InputError(f"the server refused the upload: HTTP {exc.code} {exc.reason}", endpoint) from None
    except (urllib.error.URLError, OSError) as exc:
        raise InputError(f"cannot reach the SPARQL server: {getattr(exc, 'reason', exc)}", endpoint) from None


def endpoint_graph(query_url: str, graph_iri: str | None = None, timeout: float = 60.0) -> Graph:
    """A read-only graph over a remote SPARQL 1.1 query endpoint (optionally one named graph)."""
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(query_url, returnFormat="json", timeout=timeout)
    return Graph(store=store, identifier=URIRef(graph_iri) if graph_iri else None)
