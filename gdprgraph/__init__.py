"""gdprgraph: a GDPR register of processing activities as a DPV knowledge graph.

The public API is imported lazily so that ``import gdprgraph`` (and the CLI's ``--help``) stays fast.
"""
from __future__ import annotations

import sys as _sys
import types as _types
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
    "serialize_graph": "gdprgraph.serialize",
    "info": "gdprgraph.info",
    "register_info": "gdprgraph.info",
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
    globals()[name] = value  # later look-ups skip this function
    return value


# ``serialize`` and ``info`` are functions of this package and also the names of the submodules that hold
# them. Importing a submodule (``import gdprgraph.info``, as the CLI does) makes the import system bind it
# to the package attribute of the same name, so ``from gdprgraph import info`` would answer the module.
# The package therefore keeps its public functions under those names; the submodules stay reachable as
# ``sys.modules["gdprgraph.info"]`` and through ``from gdprgraph.info import ...``. The same functions are
# also exported as ``serialize_graph`` and ``register_info``, names no submodule shadows.
_SHADOWED = {"serialize", "info"}


class _Package(_types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, _types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package


if TYPE_CHECKING:  # pragma: no cover
    from gdprgraph.build import build_graph, load_graph
    from gdprgraph.dataflow import impact, subject_inventory, trace
    from gdprgraph.errors import GdprGraphError, InputError
    from gdprgraph.info import info, register_info
    from gdprgraph.render import render_html, viz
    from gdprgraph.readers import read_register
    from gdprgraph.serialize import serialize, serialize_graph
    from gdprgraph.validate import validate_graph
