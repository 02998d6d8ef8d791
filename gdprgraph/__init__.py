"""gdprgraph: a GDPR register of processing activities as a DPV knowledge graph.

The public API is imported lazily so that ``import gdprgraph`` (and the CLI's ``--help``) stays fast.
"""
from __future__ import annotations

from importlib import metadata as _metadata
from typing import TYPE_CHECKING, Any

try:
    __version__ = _metadata.version("gdprgraph")
except _metadata.PackageNotFoundError:  # running from a checkout without install
    __version__ = "0.0.0+unknown"

_LAZY = {
    "read_register": "gdprgraph.readers",
    "build_graph": "gdprgraph.build",
    "load_graph": "gdprgraph.build",
    "serialize": "gdprgraph.serialize",
    "info": "gdprgraph.info",
    "validate_graph": "gdprgraph.validate",
    "trace": "gdprgraph.dataflow",
    "subject_inventory": "gdprgraph.dataflow",
    "impact": "gdprgraph.dataflow",
    "render_html": "gdprgraph.render",
    "viz": "gdprgraph.render",
    "GdprGraphError": "gdprgraph.errors",
    "InputError": "gdprgraph.errors",
}

__all__ = sorted([*_LAZY, "__version__"])


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gdprgraph' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    # Cache the function: importing gdprgraph.info / gdprgraph.serialize binds the *module* to the same
    # name on this package, which would otherwise shadow the function from the second access on.
    globals()[name] = value
    return value


if TYPE_CHECKING:  # pragma: no cover
    from gdprgraph.build import build_graph, load_graph
    from gdprgraph.dataflow import impact, subject_inventory, trace
    from gdprgraph.errors import GdprGraphError, InputError
    from gdprgraph.info import info
    from gdprgraph.render import render_html, viz
    from gdprgraph.readers import read_register
    from gdprgraph.serialize import serialize
    from gdprgraph.validate import validate_graph
