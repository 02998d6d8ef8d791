"""Bundled SPARQL: one question per ``queries/*.rq`` file, parameters bound, never formatted in."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from gdprgraph.errors import InputError, UsageError
from gdprgraph.resources import package_dir
from gdprgraph.stores import evaluates_text


def query_dir() -> Path:
    return package_dir("queries")


def query_title(path: Path) -> str:
    """The first comment line of a .rq file is its title (the question it answers)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            return stripped.lstrip("#").strip()
        if stripped:
            break
    return ""


def list_queries() -> list[tuple[str, str]]:
    """(name, title) of every bundled query, sorted by name."""
    return [(p.stem, query_title(p)) for p in sorted(query_dir().glob("*.rq"))]


@lru_cache(maxsize=None)
def query_text(name: str) -> str:
    path = query_dir() / f"{name}.rq"
    if not path.is_file():
        raise UsageError(f"no bundled query named {name!r}")
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def prepared(name: str):
    """rdflib's parsed form, reused: parsing costs ~15 ms a query with rdflib's engine."""
    return prepareQuery(query_text(name))


def _value(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        return term.toPython()
    return str(term)


def run_query(graph: Graph, name: str, **bindings: Any) -> list[dict[str, Any]]:
    """Rows of a bundled query as dicts of Python values; ``bindings`` become ``initBindings``."""
    init = {k: (v if isinstance(v, (URIRef, Literal)) else Literal(v)) for k, v in bindings.items()}
    if evaluates_text(graph):  # Oxigraph or a SPARQL server evaluates the text itself, with the bindings
        result = graph.query(query_text(name), initBindings=init)
    else:
        result = graph.query(prepared(name), initBindings=init)
    names = [str(v) for v in result.vars]
    return [{n: _value(row[i]) for i, n in enumerate(names)} for row in result]


# -- users' own queries (``gdprgraph query``) -------------------------------------------------------------

# What is not a variable: strings, IRIs (they may hold "?") and comments; then ?name / $name.
_NOT_VARIABLES = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                            r'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_VARIABLE = re.compile(r"[?$](\w+)")
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|\\^`]*")  # absolute, and writable as <…>


def read_user_query(path: str | Path) -> tuple[str, Any]:
    """The text of a user's .rq file and rdflib's parsed form; a missing, undecodable or invalid file is
    an :class:`InputError` naming it."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such query file", path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"is not UTF-8 text ({exc.reason} at byte {exc.start})", path) from None
    try:
        parsed = prepareQuery(text)
    except Exception as exc:  # pyparsing / rdflib errors
        raise InputError(f"is not a valid SPARQL query: {' '.join(str(exc).split())[:200]}", path) from None
    return text, parsed


def query_variables(text: str) -> set[str]:
    """The names of the variables a SPARQL text mentions (``?x`` and ``$x``, not inside strings, IRIs
    or comments)."""
    return set(_VARIABLE.findall(_NOT_VARIABLES.sub(" ", text)))


def user_bindings(params: dict[str, str] | None, text: str | None = None) -> dict[str, URIRef | Literal]:
    """``--param NAME=VALUE`` pairs as RDF terms: ``<…>`` an absolute IRI, anything else a plain literal.
    With ``text``, every NAME must be a variable of the query (a misspelt name would otherwise leave the
    variable unbound and answer as if no parameter was given)."""
    known = query_variables(text) if text is not None else None
    terms: dict[str, URIRef | Literal] = {}
    for name, value in (params or {}).items():
        if not _VARIABLE.fullmatch("?" + name):
            raise UsageError(f"--param {name!r}: not a SPARQL variable name")
        if known is not None and name not in known:
            raise UsageError(f"--param {name}: the query has no variable ?{name}")
        if len(value) >= 2 and value.startswith("<") and value.endswith(">"):
            iri = value[1:-1]
            if not _IRI.fullmatch(iri):
                raise UsageError(f"--param {name}: {value!r} is not an absolute IRI")
            terms[name] = URIRef(iri)
        else:
            terms[name] = Literal(value)
    return terms


def remote_parts(parsed: Any) -> set[str]:
    """Which of SERVICE and FROM (both make the engine fetch data over the network) a parsed query uses."""
    from rdflib.plugins.sparql.parserutils import CompValue

    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                found.add("SERVICE")
            if dict.get(node, "datasetClause"):  # CompValue.get would answer the key itself
                found.add("FROM")
            for value in dict.values(node):
                walk(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value)

    walk(parsed.algebra)
    return found


def run_user_query(graph: Graph, path: str | Path, params: dict[str, str] | None = None,
                   allow_service: bool = True):
    """Run a user's .rq file on any engine; ``params`` (see :func:`user_bindings`) are bound through a
    ``VALUES`` block opening the WHERE clause, written from rdflib terms with ``n3()``: never pasted in as
    text, and the same on rdflib, Oxigraph (whose own substitutions only take projected variables) and a
    SPARQL server. With ``allow_service=False`` a query using SERVICE or FROM is refused."""
    from gdprgraph.stores import bind_values

    text, parsed = read_user_query(path)
    if not allow_service:
        remote = remote_parts(parsed)
        if remote:
            raise InputError(
                f"uses {' and '.join(sorted(remote))}, which would fetch data over the network; "
                "gdprgraph runs offline (pass --allow-service to permit it)",
                path,
            )
    bindings = user_bindings(params, text)
    if not bindings:
        return graph.query(text if evaluates_text(graph) else parsed)
    try:
        bound = bind_values(text, bindings)
    except UsageError as exc:  # no WHERE clause to put the VALUES block in
        raise InputError(str(exc), path) from None
    return graph.query(bound)


def query_for(graph: Graph, name: str):
    """A bundled query in the form ``graph.query`` runs fastest: the text for Oxigraph or a SPARQL server
    (they parse it natively; oxrdflib would hand a pre-parsed query back to rdflib's slow evaluator, and
    a server cannot take one at all), rdflib's prepared query for its memory store."""
    return query_text(name) if evaluates_text(graph) else prepared(name)
