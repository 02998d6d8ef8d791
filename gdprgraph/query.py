"""Bundled SPARQL: one question per ``queries/*.rq`` file, parameters bound, never formatted in."""
from __future__ import annotations

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


def run_user_query(graph: Graph, path: str | Path, params: dict[str, str] | None = None):
    """A user's own .rq file; ``params`` are bound as plain literals (or IRIs written as <…>)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such query file", path)
    text = path.read_text(encoding="utf-8")
    try:
        query = prepareQuery(text)
    except Exception as exc:  # pyparsing / rdflib errors
        raise InputError(f"is not a valid SPARQL query: {' '.join(str(exc).split())[:200]}", path) from None
    init = {}
    for key, value in (params or {}).items():
        if value.startswith("<") and value.endswith(">"):
            init[key] = URIRef(value[1:-1])
        else:
            init[key] = Literal(value)
    return graph.query(text if evaluates_text(graph) else query, initBindings=init)


def query_for(graph: Graph, name: str):
    """A bundled query in the form ``graph.query`` runs fastest: the text for Oxigraph or a SPARQL server
    (they parse it natively; oxrdflib would hand a pre-parsed query back to rdflib's slow evaluator, and
    a server cannot take one at all), rdflib's prepared query for its memory store."""
    return query_text(name) if evaluates_text(graph) else prepared(name)
