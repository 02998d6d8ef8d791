"""Register → authoring formats (YAML, CSV, XLSX): the inverse of the readers of the same name.

Writers take a :class:`~gdprgraph.model.Register` (usually from :func:`gdprgraph.extract.register_from_graph`)
and return the file content; the CLI writes it atomically. Reading the output back gives an equal register.
"""
from __future__ import annotations

from pathlib import Path

from gdprgraph.errors import UsageError
from gdprgraph.model import Register

FORMATS = ("yaml", "csv", "xlsx")
SUFFIX_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".xlsx": "xlsx"}


def format_for_path(path: str | Path) -> str | None:
    """The authoring format implied by an output file name, if any."""
    return SUFFIX_FORMATS.get(Path(path).suffix.lower())


def write_register(register: Register, fmt: str) -> str | bytes:
    """The register as ``yaml`` or ``csv`` text, or ``xlsx`` bytes."""
    if fmt == "yaml":
        from gdprgraph.writers.yaml import write_yaml

        return write_yaml(register)
    if fmt == "csv":
        from gdprgraph.writers.spreadsheet import write_csv

        return write_csv(register)
    if fmt == "xlsx":
        from gdprgraph.writers.spreadsheet import write_xlsx

        return write_xlsx(register)
    raise UsageError(f"unknown register format {fmt!r}; expected one of {', '.join(FORMATS)}")
