"""Where the triples live: Oxigraph (embedded, in memory or on disk) by default, rdflib's memory store as the
reference engine, or a remote SPARQL 1.1 server.

Why Oxigraph by default: on this project's benchmarks it parses ~10x faster than rdflib, answers the trace
query ~20x faster and holds a triple in ~1/3 of the memory (benchmarks/bench_scale.py). The rdflib API stays
the same through oxrdflib; two rules keep it fast: parse with the ``ox-*`` formats (Oxigraph's own parser)
and never call ``len(graph)`` in a loop (oxrdflib counts with a full-store query).

Three places a register can come from, one entry point (:func:`open_register`):

- a file (any format ``build.load_graph`` reads), parsed into memory on the chosen engine;
- a persistent store folder (``--store DIR``): an on-disk Oxigraph store holding many registers, one named
  graph each (:func:`open_store`, :func:`add_to_store`, :func:`graph_from_store`);
- a SPARQL 1.1 endpoint (``--endpoint URL``): queries are sent to the server (:func:`endpoint_graph`);
  :func:`push` loads a register into one of its named graphs (Graph Store Protocol or SPARQL Update).
"""
from __future__ import annotations

import base64
import io
import logging
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Iterable

from rdflib import RDF, BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from gdprgraph.errors import InputError, UsageError

log = logging.getLogger(__name__)

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


def is_endpoint(graph: Graph) -> bool:
    """True for a graph whose triples live on a remote SPARQL server."""
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    return isinstance(graph.store, SPARQLStore)


def evaluates_text(graph: Graph) -> bool:
    """True when the graph's store evaluates SPARQL text itself (Oxigraph, a SPARQL server): hand it the
    query text; rdflib's memory store gets prepared (pre-parsed) queries instead."""
    return is_oxigraph(graph) or is_endpoint(graph)


def parse_into(graph: Graph, data: bytes, rdf_format: str) -> None:
    """Parse bytes into ``graph`` with the engine's own parser where it has one."""
    if is_oxigraph(graph) and rdf_format in _OX_FORMATS:
        graph.parse(data=data, format=_OX_FORMATS[rdf_format])
    else:
        graph.parse(data=data, format=rdf_format)


def _ox_graph_name(graph: Graph):
    import pyoxigraph as ox

    identifier = graph.identifier
    if identifier == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    if isinstance(identifier, BNode):
        return ox.BlankNode(str(identifier))
    return ox.NamedNode(str(identifier))


def ntriples(graph: Graph) -> bytes:
    """The graph as N-Triples; Oxigraph graphs are dumped natively (~10x faster than rdflib's writer)."""
    if is_oxigraph(graph) and not isinstance(graph, UnionGraph):
        import pyoxigraph as ox

        return graph.store._inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=_ox_graph_name(graph))  # type: ignore[attr-defined]
    return graph.serialize(format="nt", encoding="utf-8")


_OX_CACHE: dict = {}


def from_oxigraph(term: Any):
    """pyoxigraph term → the rdflib term rdflib itself would make (a simple literal without xsd:string,
    typed literals in rdflib's normal form); None for None or an RDF-star triple. Memoised: query answers
    and validation results repeat the same few thousand terms."""
    if term is None:
        return None
    found = _OX_CACHE.get(term)
    if found is not None:
        return found
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        found = URIRef(term.value)
    elif isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if term.language:
            found = Literal(term.value, lang=term.language)
        elif datatype == "http://www.w3.org/2001/XMLSchema#string":
            found = Literal(term.value)
        else:
            found = Literal(term.value, datatype=URIRef(datatype))
    elif isinstance(term, ox.BlankNode):
        found = BNode(term.value)
    else:
        return None
    if len(_OX_CACHE) > 200_000:
        _OX_CACHE.clear()
    _OX_CACHE[term] = found
    return found


class _MemoryUnion(Dataset):
    """rdflib's copy of a store's registers: named graphs kept (``GRAPH ?g`` works), the default graph the
    union of them all, and iteration by triples like any Graph."""

    def __init__(self) -> None:
        super().__init__(default_union=True)

    def __iter__(self):  # type: ignore[override]
        return self.triples((None, None, None))


def to_engine(graph: Graph, engine: str | None = None) -> Graph:
    """The same triples on the chosen engine (a bulk N-Triples hand-over, not triple by triple)."""
    engine = check_engine(engine)
    if (engine == "oxigraph") == is_oxigraph(graph):
        return graph
    if isinstance(graph, UnionGraph):  # all registers of a store → rdflib, one named graph each
        import pyoxigraph as ox

        union = _MemoryUnion()
        for prefix, namespace in graph.namespaces():
            union.bind(prefix, namespace, override=True)
        union.parse(data=graph.store._inner.dump(format=ox.RdfFormat.N_QUADS), format="nquads")  # type: ignore[attr-defined]
        return union
    target = new_graph(engine)
    for prefix, namespace in graph.namespaces():
        target.bind(prefix, namespace, override=True)
    parse_into(target, ntriples(graph), "nt")
    return target


def triple_count(graph: Graph) -> int:
    """Number of triples, counted natively on Oxigraph (oxrdflib's len() is a COUNT(DISTINCT) over the store)."""
    if is_oxigraph(graph):
        if isinstance(graph, UnionGraph):
            return len(graph)
        from gdprgraph.query import query_text

        result = graph.store._inner.query(query_text("triple-count"), default_graph=_ox_graph_name(graph))  # type: ignore[attr-defined]
        return int(next(iter(result))[0].value)
    return len(graph)


# -- persistent store (--store DIR): many registers, one named graph each -----------------------------


class UnionGraph(Graph):
    """All registers of an Oxigraph store seen as one read-only graph (the union of its named graphs).

    SPARQL runs with Oxigraph's union default graph (``GRAPH ?g`` still names each register's graph);
    Python look-ups read every named graph. A triple held by two registers may be returned twice by
    ``triples()``; queries see the union as a set.
    """

    def __init__(self, store: Any) -> None:
        super().__init__(store=store, identifier=URIRef("urn:x-gdprgraph:union"))
        self.default_union = True  # Graph.query → "__UNION__" → Oxigraph's use_default_graph_as_union

    def triples(self, triple, *args: Any, **kwargs: Any):  # type: ignore[override]
        from rdflib.paths import Path as RdfPath

        s, p, o = triple
        if isinstance(p, RdfPath):
            yield from super().triples(triple)
            return
        for (ts, tp, to), _ctx in self.store.triples((s, p, o), context=None):
            yield ts, tp, to

    def triples_choices(self, triple, context=None):  # type: ignore[override]
        s, p, o = triple
        subjects = s if isinstance(s, list) else [s]
        predicates = p if isinstance(p, list) else [p]
        objects = o if isinstance(o, list) else [o]
        for ss in subjects:
            for pp in predicates:
                for oo in objects:
                    yield from self.triples((ss, pp, oo))

    def __len__(self) -> int:
        return self.store.__len__(context=None)

    def add(self, triple):  # type: ignore[override]
        raise UsageError("the union of all registers in a store is read-only; select one with --graph")

    def addN(self, quads):  # type: ignore[override]  # noqa: N802
        raise UsageError("the union of all registers in a store is read-only; select one with --graph")

    def remove(self, triple):  # type: ignore[override]
        raise UsageError("the union of all registers in a store is read-only; select one with --graph")


def open_store(folder: str | Path, create: bool = False, read_only: bool = False) -> Dataset:
    """An on-disk Oxigraph store. ``create`` makes the folder when it does not exist yet; ``read_only``
    lets several processes read while one writes (a read-write store is locked to one process)."""
    import pyoxigraph as ox
    from oxrdflib import OxigraphStore

    _oxigraph_shim()
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError("is a file, expected a store folder", folder)
    if folder.is_dir() and not (folder / "CURRENT").exists() and any(folder.iterdir()):
        raise InputError("is not a gdprgraph (Oxigraph) store folder", folder)
    fresh = not folder.is_dir() or not any(folder.iterdir())
    if fresh and not create:
        if folder.is_dir():
            raise InputError("holds no register yet; add one with `gdprgraph import SOURCE --store DIR`", folder)
        raise InputError("no such store folder; create it with `gdprgraph import SOURCE --store DIR`", folder)
    try:
        # Read-only: any number of readers at once. A read-write store is locked to one process, and a
        # read-only open while another process writes is undefined in Oxigraph (it may fail, see below).
        inner = ox.Store.read_only(str(folder)) if read_only and not fresh else ox.Store(str(folder))
    except (OSError, RuntimeError) as exc:
        message = str(exc)
        if "lock" in message.lower() or "corruption" in message.lower():
            raise InputError("the store is in use by another gdprgraph process that writes to it; try again "
                             "when it has finished", folder) from None
        raise InputError(f"cannot open the store: {' '.join(message.split())[:200]}", folder) from None
    dataset = Dataset(store=OxigraphStore(store=inner), default_union=True)
    return dataset


def _inner(dataset: Dataset):
    return dataset.store._inner  # type: ignore[attr-defined]


def store_graph_iris(dataset: Dataset) -> list[str]:
    """The named graphs (one per register) in a store."""
    import pyoxigraph as ox

    return sorted(g.value for g in _inner(dataset).named_graphs() if isinstance(g, ox.NamedNode))


def register_graph_iri(graph: Graph) -> str:
    """The default named graph for a register: its base IRI (the dpv:ROPA node is ``<base>register``)."""
    from gdprgraph.namespaces import DPV

    registers = sorted({str(r) for r in graph.subjects(RDF.type, DPV.ROPA) if isinstance(r, URIRef)})
    if len(registers) != 1:
        what = "no register node (dpv:ROPA)" if not registers else f"{len(registers)} register nodes (dpv:ROPA)"
        raise UsageError(f"the source has {what}; name its graph with --graph IRI")
    iri = registers[0]
    return iri[: -len("register")] if iri.endswith(("/register", "#register")) else iri


def add_to_store(dataset: Dataset, graph: Graph, graph_iri: str | None = None) -> str:
    """Replace the named graph ``graph_iri`` (default: the register's base IRI) with ``graph``; importing a
    register again does not duplicate it. Returns the graph IRI."""
    import pyoxigraph as ox

    graph_iri = graph_iri or register_graph_iri(graph)
    _check_iri(graph_iri)
    name = ox.NamedNode(graph_iri)
    inner = _inner(dataset)
    data = ntriples(graph)
    if name in set(inner.named_graphs()):
        inner.remove_graph(name)
    # bulk_load writes sorted files directly: 5x faster than a transactional load and 1/7 of the disk space
    # at 10,000 activities; it is not atomic, but only one process can hold a store open for writing
    inner.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES, to_graph=name)
    inner.flush()
    return graph_iri


def _check_iri(iri: str) -> None:
    parsed = urllib.parse.urlsplit(iri)
    if not parsed.scheme or any(c in iri for c in ' <>"{}|\\^`'):
        raise UsageError(f"--graph must be an absolute IRI (like https://example.org/registers/acme/), not {iri!r}")


def graph_from_store(dataset: Dataset, graph_iri: str | None) -> Graph:
    """One register's named graph, or (no IRI) the only register, or the union of all registers."""
    from gdprgraph.namespaces import bind_prefixes

    iris = store_graph_iris(dataset)
    if graph_iri is None:
        if not iris:
            raise InputError("the store holds no register yet; add one with `gdprgraph import SOURCE --store DIR`")
        graph = Graph(store=dataset.store, identifier=URIRef(iris[0])) if len(iris) == 1 else UnionGraph(dataset.store)
    elif graph_iri not in iris:
        raise InputError(f"no register graph <{graph_iri}> in the store; it holds: "
                         + (", ".join(f"<{i}>" for i in iris) or "nothing"))
    else:
        graph = Graph(store=dataset.store, identifier=URIRef(graph_iri))
    bind_prefixes(graph)
    return graph


# -- remote SPARQL 1.1 server (--endpoint URL) ---------------------------------------------------------

_RESULTS_JSON = "application/sparql-results+json"


def _split_auth(url: str) -> tuple[str, dict[str, str]]:
    """``http://user:pass@host/…`` → the URL without credentials and a Basic Authorization header."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"the endpoint must be an http(s) URL, not {url!r}")
    if parts.username is None:
        return url, {}
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    token = base64.b64encode(
        f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}".encode()
    ).decode()
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), {"Authorization": f"Basic {token}"}


_WRITES = ("SPARQL Update", "Graph Store upload")
_REFUSED = re.compile(r"SECURITY|permission denied|no permission|not authori[sz]ed|access denied|forbidden", re.I)


def _refusal(what: str, code: int, detail: str) -> str | None:
    """A plain-words reason for a refused request, or None when the server's own words are the best hint."""
    if code == 401:
        return ("the server wants credentials it was not given or did not accept (HTTP 401); put them in the URL: "
                "http(s)://user:password@host/…")
    if what in _WRITES and (code == 403 or _REFUSED.search(detail)):
        return (f"the server refused to write (HTTP {code}): the user needs update rights (Virtuoso: "
                "isql `GRANT SPARQL_UPDATE TO \"SPARQL\";`, or an …-auth URL with a user's credentials)")
    if what == "SPARQL Update" and "xsd:duration" in detail:
        return ("the server cannot store xsd:duration literals with SPARQL Update (Virtuoso); push with the "
                "Graph Store Protocol instead: --gsp http://HOST:8890/sparql-graph-crud")
    return None


def _http_response(url: str, data: bytes | None, headers: dict[str, str], method: str, timeout: float,
                   what: str):
    """One HTTP request → (body, response headers); every failure becomes an InputError naming the URL.

    Credentials in the URL go first as HTTP Basic; when the server answers 401 the request is sent once more
    answering its challenge, Basic or Digest (Virtuoso's …-auth endpoints use Digest).
    """
    shown, auth = _split_auth(url)
    request = urllib.request.Request(shown, data=data, method=method, headers={**headers, **auth})
    try:
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (a URL the user gave)
                return response.read(), response.headers
        except urllib.error.HTTPError as exc:
            if exc.code != 401 or not auth:
                raise
            parts = urllib.parse.urlsplit(url)
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, shown, urllib.parse.unquote(parts.username or ""),
                                   urllib.parse.unquote(parts.password or ""))
            opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords),
                                                 urllib.request.HTTPBasicAuthHandler(passwords))
            retry = urllib.request.Request(shown, data=data, method=method, headers=headers)
            with opener.open(retry, timeout=timeout) as response:
                return response.read(), response.headers
    except urllib.error.HTTPError as exc:
        detail = ""
        try:
            detail = " ".join(exc.read(300).decode("utf-8", "replace").split())
        except Exception:  # noqa: BLE001 (the body is only a hint)
            pass
        reason = _refusal(what, exc.code, detail)
        if reason:
            raise InputError(f"{what}: {reason}", shown) from None
        raise InputError(f"{what}: the server answered HTTP {exc.code} {exc.reason}" + (f" ({detail})" if detail else ""),
                         shown) from None
    except (socket.timeout, TimeoutError):
        raise InputError(f"{what}: no answer within {timeout:g} s", shown) from None
    except urllib.error.URLError as exc:
        raise InputError(f"{what}: cannot reach the server ({getattr(exc, 'reason', exc)})", shown) from None
    except OSError as exc:
        raise InputError(f"{what}: cannot reach the server ({exc})", shown) from None


def _http(url: str, data: bytes | None, headers: dict[str, str], method: str, timeout: float, what: str) -> tuple[bytes, str]:
    """One HTTP request → (body, content type); every failure becomes an InputError naming the URL."""
    body, response_headers = _http_response(url, data, headers, method, timeout, what)
    return body, response_headers.get("Content-Type", "")


# -- what a server changed in the literals it was given, undone -------------------------------------------

_XSD = "http://www.w3.org/2001/XMLSchema#"
_DURATIONS = {_XSD + "duration", _XSD + "yearMonthDuration", _XSD + "dayTimeDuration"}
_NUMERIC_DURATION = re.compile(
    rb'"(-?[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)"\^\^<(' + _XSD.encode() + rb'(?:duration|yearMonthDuration|dayTimeDuration))>'
)


def _duration_lexical(number: str, datatype: str) -> str | None:
    """The xsd:duration a number stands for, or None when ``number`` is not one.

    Virtuoso stores a duration as a number (openlink/virtuoso-opensource#936): whole months for a year-month
    duration ("P2Y" → "24"), seconds written as a decimal for a day-time one ("P1D" → "86400.0"). The
    canonical form comes back ("P13M" is read as "P1Y1M"; the same value).
    """
    try:
        value = float(number)
    except ValueError:
        return None
    sign = "-" if value < 0 else ""
    value = abs(value)
    if re.fullmatch(r"-?[0-9]+", number) and not datatype.endswith("dayTimeDuration"):
        years, months = divmod(int(value), 12)
        return sign + "P" + (f"{years}Y" if years else "") + (f"{months}M" if months or not years else "")
    days, rest = divmod(value, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    time = (f"{int(hours)}H" if hours else "") + (f"{int(minutes)}M" if minutes else "")
    if seconds:
        time += (f"{seconds:.6f}".rstrip("0").rstrip(".")) + "S"
    text = (f"{int(days)}D" if days else "") + (f"T{time}" if time else "")
    return sign + "P" + (text or "T0S")


def _repair_ntriples(data: bytes) -> bytes:
    """N-Triples from a server with numeric durations written back as durations (see _duration_lexical)."""
    def fix(match: re.Match) -> bytes:
        lexical = _duration_lexical(match.group(1).decode(), match.group(2).decode())
        return match.group(0) if lexical is None else f'"{lexical}"^^<{match.group(2).decode()}>'.encode()

    return _NUMERIC_DURATION.sub(fix, data)


def _repair_term(term):
    """One term of a server's answer as it was given: booleans as true/false (Virtuoso answers 1/0 in
    SPARQL results), durations as durations."""
    if not isinstance(term, Literal) or term.datatype is None:
        return term
    datatype, lexical = str(term.datatype), str(term)
    if datatype == _XSD + "boolean" and lexical in ("1", "0"):
        return Literal("true" if lexical == "1" else "false", datatype=term.datatype)
    if datatype in _DURATIONS and not lexical.lstrip("-").startswith("P"):
        repaired = _duration_lexical(lexical, datatype)
        if repaired is not None:
            return Literal(repaired, datatype=term.datatype)
    return term


def _check_complete(headers, url: str) -> None:
    """Fail when the server says it cut the answer short (Virtuoso: ``X-SPARQL-MaxRows``)."""
    limit = headers.get("X-SPARQL-MaxRows")
    if limit:
        raise InputError(f"SPARQL query: the server cut the answer at {limit} rows; raise its limit (Virtuoso: "
                         "ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)", _split_auth(url)[0])


def sparql_request(url: str, query: str, default_graphs: Iterable[str] = (), named_graphs: Iterable[str] = (),
                   timeout: float = 60.0):
    """Send a query with the SPARQL 1.1 Protocol (POST, form-encoded) and parse the answer into an rdflib
    ``Result`` (SELECT/ASK from SPARQL results JSON; CONSTRUCT/DESCRIBE from N-Triples)."""
    from rdflib.query import Result

    form = [("query", query)] + [("default-graph-uri", g) for g in default_graphs]
    form += [("named-graph-uri", g) for g in named_graphs]
    headers = {
        "Accept": f"{_RESULTS_JSON}, application/n-triples;q=0.9, text/turtle;q=0.8",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    body, response_headers = _http_response(url, urllib.parse.urlencode(form).encode(), headers, "POST", timeout,
                                            "SPARQL query")
    _check_complete(response_headers, url)
    mime = response_headers.get("Content-Type", "").split(";")[0].strip().lower()
    if mime in (_RESULTS_JSON, "application/json"):
        result = Result.parse(io.BytesIO(body), format="json")
        if result.type == "SELECT":
            result.bindings = [{k: _repair_term(v) for k, v in row.items()} for row in result.bindings]
        return result
    if mime in ("application/n-triples", "text/turtle", "text/plain"):
        result = Result("CONSTRUCT")
        result.graph = Graph().parse(data=_repair_ntriples(body), format="nt" if mime != "text/turtle" else "turtle")
        return result
    raise InputError(f"SPARQL query: unexpected answer of type {mime or 'unknown'} (is this a SPARQL endpoint?)", url)


_TOKENS = re.compile(
    "|".join((
        r'"""[\s\S]*?"""', r"'''[\s\S]*?'''",  # long strings
        r'"(?:[^"\\\n]|\\.)*"', r"'(?:[^'\\\n]|\\.)*'",  # strings
        r'<[^<>"{}|^`\\\s]*>',  # IRIs (a "<" with a space after it is a comparison)
        r"#[^\n]*",  # comments
        r"\b(?:WHERE|SELECT|ASK|CONSTRUCT|DESCRIBE)\b",
        r"[{}]",
    )),
    re.IGNORECASE,
)


def bind_values(query: str, bindings: dict) -> str:
    """``query`` with ``bindings`` as a VALUES block at the start of its WHERE clause (so that every
    pattern and FILTER of the clause sees them, as rdflib's initBindings do)."""
    if not bindings:
        return query
    names = list(bindings)
    block = "VALUES ({}) {{ ({}) }}\n".format(
        " ".join("?" + str(n) for n in names), " ".join(bindings[n].n3() for n in names)
    )
    depth, form, after_where = 0, None, False
    for match in _TOKENS.finditer(query):
        token = match.group(0)
        upper = token.upper()
        if token == "{":
            if depth == 0 and (after_where or (form not in (None, "CONSTRUCT"))):
                return query[: match.end()] + "\n" + block + query[match.end():]
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0 and upper in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") and form is None:
            form = upper
        elif depth == 0 and upper == "WHERE":
            after_where = True
    raise UsageError("cannot bind parameters: the query has no WHERE clause")


def _endpoint_store_class():
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    class EndpointStore(SPARQLStore):
        """rdflib's SPARQLStore with our HTTP: POST, a timeout, readable errors, and a dataset of several
        default graphs (the union of the registers on a server whose own default graph is empty)."""

        def __init__(self, url: str, timeout: float, default_graphs: Iterable[str] = ()) -> None:
            super().__init__(url, returnFormat="json", method="POST_FORM")
            self.timeout = timeout
            self.default_graphs = list(default_graphs)

        def query(self, query, initNs=None, initBindings=None, queryGraph=None, DEBUG=False):  # type: ignore[override]  # noqa: N803
            # rdflib's SPARQLStore appends the bindings as a trailing VALUES block, which is joined after the
            # WHERE clause: a FILTER on a bound variable then sees it unbound. Put them first, as initBindings
            # (and Oxigraph's substitutions) behave.
            if initBindings:
                query = bind_values(str(query), initBindings)
            return super().query(query, initNs, None, queryGraph, DEBUG)

        def _query(self, query: str, default_graph: str | None = None, named_graph: str | None = None):  # type: ignore[override]
            self._queries += 1
            if default_graph is not None and not isinstance(default_graph, BNode):
                defaults = named = [str(default_graph)]  # GRAPH ?g then sees the selected register only
            else:
                defaults, named = self.default_graphs, self.default_graphs
            return sparql_request(self.query_endpoint, query, defaults, named, self.timeout)

    return EndpointStore


def endpoint_graph(query_url: str, graph_iri: str | None = None, timeout: float = 60.0) -> Graph:
    """A read-only graph over a remote SPARQL 1.1 query endpoint.

    With ``graph_iri``: that named graph (an error naming the registers there when it does not exist).
    Without: the union of the named graphs that hold a register (queries/register-graphs.rq), given to the
    server as the query's dataset, so that a server's own system graphs (Virtuoso) stay out; when no named
    graph holds one, the server's default graph, if it holds data. The first query checks the server
    answers, so a wrong URL fails at once with one line.
    """
    from gdprgraph.namespaces import bind_prefixes

    from gdprgraph.query import query_text

    _split_auth(query_url)  # validates the URL
    registers = named_graph_iris(query_url, timeout)
    defaults: list[str] = []
    if graph_iri is not None:
        _check_iri(graph_iri)
        if graph_iri not in registers and not graph_sizes(query_url, graph_iri, timeout):
            raise InputError(f"no register graph <{graph_iri}> at the endpoint; it holds: "
                             + (", ".join(f"<{i}>" for i in registers) or "no register"), query_url)
    elif registers:
        defaults = registers
    elif not int(next(iter(sparql_request(query_url, query_text("default-graph-probe"), timeout=timeout)))[0]):
        raise InputError("the endpoint holds no data; load a register with `gdprgraph push REGISTER --endpoint URL`",
                         query_url)
    store = _endpoint_store_class()(query_url, timeout, defaults)
    graph = Graph(store=store, identifier=URIRef(graph_iri) if graph_iri else None, bind_namespaces="none")
    bind_prefixes(graph)
    return graph


def local_copy(graph: Graph) -> Graph:
    """An endpoint graph's triples in an in-memory Oxigraph graph: one CONSTRUCT answered as N-Triples
    (for work that reads every triple, such as validation, instead of one request per look-up).

    A second, small query counts the triples there: a server that silently cuts a long answer short
    (Virtuoso's ResultSetMaxRows applies to CONSTRUCT too, without saying so) is an error, not a register
    validated in part.
    """
    if not is_endpoint(graph):
        return graph
    store = graph.store
    if isinstance(graph.identifier, URIRef):
        defaults = [str(graph.identifier)]
    else:
        defaults = list(getattr(store, "default_graphs", []))
    from gdprgraph.query import query_text

    timeout = getattr(store, "timeout", 300.0)
    form = [("query", query_text("all-triples"))] + [("default-graph-uri", g) for g in defaults]
    headers = {"Accept": "application/n-triples", "Content-Type": "application/x-www-form-urlencoded"}
    body, response_headers = _http_response(store.query_endpoint, urllib.parse.urlencode(form).encode(), headers,
                                            "POST", timeout, "SPARQL query")
    _check_complete(response_headers, store.query_endpoint)
    copy = new_graph("oxigraph")
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace, override=True)
    mime = response_headers.get("Content-Type", "").split(";")[0].strip().lower()
    parse_into(copy, _repair_ntriples(body), "turtle" if mime == "text/turtle" else "nt")
    held = int(next(iter(sparql_request(store.query_endpoint, query_text("distinct-triple-count"), defaults,
                                        timeout=timeout)))[0])
    received = triple_count(copy)
    if received < held:
        raise InputError(f"SPARQL query: the server sent {received} of the register's {held} triples; raise its "
                         "answer limit (Virtuoso: ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)",
                         _split_auth(store.query_endpoint)[0])
    return copy


def graph_sizes(query_url: str, graph_iri: str | None = None, timeout: float = 60.0) -> dict[str, int]:
    """Triples per named graph at an endpoint (only ``graph_iri``'s when given; empty when it is absent)."""
    from gdprgraph.query import query_text

    text = query_text("graph-sizes")
    if graph_iri is not None:
        text = bind_values(text, {"g": URIRef(graph_iri)})
    result = sparql_request(query_url, text, timeout=timeout)
    return {str(g): int(n) for g, n in result if isinstance(g, URIRef)}


def named_graph_iris(query_url: str, timeout: float = 60.0) -> list[str]:
    """The named graphs at an endpoint that hold a register (a dpv:ROPA or dpv:Process node), sorted; a
    server's system graphs and other data are not registers."""
    from gdprgraph.query import query_text

    result = sparql_request(query_url, query_text("register-graphs"), timeout=timeout)
    return sorted(str(row[0]) for row in result if isinstance(row[0], URIRef))


def server_software(query_url: str, timeout: float = 60.0) -> str:
    """The endpoint's ``Server`` header ("Virtuoso/07.20.3229 …"), from one cheap query that also checks it
    answers."""
    from gdprgraph.query import query_text

    form = urllib.parse.urlencode([("query", query_text("default-graph-probe"))]).encode()
    headers = {"Accept": _RESULTS_JSON, "Content-Type": "application/x-www-form-urlencoded"}
    _body, response_headers = _http_response(query_url, form, headers, "POST", timeout, "SPARQL query")
    return response_headers.get("Server", "")


def write_urls(endpoint: str, gsp: str | None = None, update: str | None = None,
               server: str = "") -> tuple[str | None, str | None]:
    """(Graph Store Protocol URL, SPARQL Update URL) for ``push``: one of them is used.

    Given URLs win. Otherwise an Oxigraph-style endpoint ``…/query`` loads through its Graph Store at
    ``…/store``, and Virtuoso (``server``: its ``Server`` header) at ``/sparql`` through its Graph Store at
    ``/sparql-graph-crud`` (``/sparql-auth`` → ``/sparql-graph-crud-auth``): its SPARQL Update cannot store
    xsd:duration literals. Any other endpoint gets SPARQL Update at the endpoint URL itself (Neptune and a
    Fuseki dataset URL accept it there).
    """
    if gsp or update:
        return gsp, (update if not gsp else None)
    parts = urllib.parse.urlsplit(endpoint)
    if parts.path.endswith("/query"):
        return endpoint[: endpoint.rindex("/query")] + "/store" + endpoint[endpoint.rindex("/query") + 6:], None
    if server.startswith("Virtuoso") and parts.path in ("/sparql", "/sparql/", "/sparql-auth", "/sparql-auth/"):
        path = "/sparql-graph-crud-auth" if parts.path.startswith("/sparql-auth") else "/sparql-graph-crud"
        return urllib.parse.urlunsplit(parts._replace(path=path, query="", fragment="")), None
    return None, endpoint


def push(graph: Graph, endpoint: str, graph_iri: str | None = None, *, gsp: str | None = None,
         update: str | None = None, timeout: float = 300.0, batch: int = 20000) -> tuple[str, int]:
    """Load ``graph`` into the named graph ``graph_iri`` (default: the register's base IRI) of a SPARQL 1.1
    server, replacing what that graph held. Returns (graph IRI, triples sent).

    Graph Store Protocol: one ``PUT <gsp>?graph=IRI`` with N-Triples (atomic on the server). SPARQL Update
    (queries/replace-graph.ru): the old graph dropped, then the triples inserted in batches of ``batch`` (a
    graph with blank nodes goes in one request, so that a blank node is not split across requests, as an INSERT
    template: queries/replace-graph-blank-nodes.ru).
    """
    graph_iri = graph_iri or register_graph_iri(graph)
    _check_iri(graph_iri)
    _split_auth(endpoint)
    server = "" if gsp or update else server_software(endpoint, min(timeout, 60.0))
    gsp_url, update_url = write_urls(endpoint, gsp, update, server)
    data = ntriples(graph)
    lines = [line for line in data.split(b"\n") if line.strip()]
    if gsp_url:
        url = gsp_url + ("&" if "?" in gsp_url else "?") + urllib.parse.urlencode({"graph": graph_iri})
        _http(url, data, {"Content-Type": "application/n-triples"}, "PUT", timeout, "Graph Store upload")
        return graph_iri, len(lines)
    assert update_url is not None
    blank_nodes = any(b"_:" in line for line in lines)
    if blank_nodes:  # one request, an INSERT template (queries/replace-graph-blank-nodes.ru)
        batch = max(batch, len(lines))
    headers = {"Content-Type": "application/sparql-update; charset=UTF-8"}
    first, rest = _update_templates("replace-graph-blank-nodes" if blank_nodes else "replace-graph")
    for start in range(0, max(len(lines), 1), batch):
        chunk = b"\n".join(lines[start:start + batch]).decode("utf-8")
        text = (first if start == 0 else rest).substitute(graph=URIRef(graph_iri).n3(), triples=chunk)
        _http(update_url, text.encode("utf-8"), headers, "POST", timeout, "SPARQL Update")
    return graph_iri, len(lines)


def _update_templates(name: str = "replace-graph"):
    """(the first request of a push, the later ones) from queries/NAME.ru."""
    from string import Template

    from gdprgraph.query import query_dir

    text = (query_dir() / f"{name}.ru").read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    drop, insert = body.split(";", 1)
    return Template(drop + ";" + insert), Template(insert.strip() + "\n")


def count_at_endpoint(query_url: str, graph_iri: str, timeout: float = 60.0) -> int:
    """Number of triples in a named graph of the endpoint (0 when there is no such graph)."""
    return graph_sizes(query_url, graph_iri, timeout).get(graph_iri, 0)


# -- one entry point for the commands ------------------------------------------------------------------


def open_register(register: str | Path | None = None, *, store: str | Path | None = None,
                  endpoint: str | None = None, graph: str | None = None, engine: str | None = None,
                  base: str | None = None) -> Graph:
    """The register a command works on: a file, a register in a store folder, or one at an endpoint.

    ``engine`` picks the in-process engine for a file or a store ("rdflib" copies a stored register into
    rdflib's memory store, the reference engine); an endpoint evaluates queries itself.
    """
    engine = check_engine(engine)
    if store is not None and endpoint is not None:
        raise UsageError("use --store DIR or --endpoint URL, not both")
    if register is not None and (store is not None or endpoint is not None):
        where = "--store" if store is not None else "--endpoint"
        raise UsageError(f"give a REGISTER file or {where}, not both")
    if graph is not None and store is None and endpoint is None:
        raise UsageError("--graph selects a register in a --store or at an --endpoint")
    if store is not None:
        dataset = open_store(store, read_only=True)
        return to_engine(graph_from_store(dataset, graph), engine)
    if endpoint is not None:
        return endpoint_graph(endpoint, graph)
    if register is None:
        raise UsageError("missing REGISTER (a register file), or --store DIR / --endpoint URL")
    from gdprgraph.build import load_graph

    return load_graph(register, base=base, engine=engine)


def import_into_store(source: str | Path, folder: str | Path, graph_iri: str | None = None,
                      base: str | None = None) -> tuple[str, int]:
    """Import a register file into a store folder (created when missing). Returns (graph IRI, triples)."""
    from gdprgraph.build import load_graph

    graph = load_graph(source, base=base, engine="oxigraph")
    graph_iri = graph_iri or register_graph_iri(graph)
    _check_iri(graph_iri)
    dataset = open_store(folder, create=True)
    try:
        add_to_store(dataset, graph, graph_iri)
    finally:
        dataset.close()
    return graph_iri, triple_count(graph)
