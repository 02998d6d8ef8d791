"""One reader per source format; ``read_register`` picks one by suffix, then by content."""
from __future__ import annotations

from pathlib import Path

from gdprgraph.errors import InputError
from gdprgraph.model import Register

SUPPORTED = ".txt, .pdf (GDPRWise), .yaml/.yml, .csv, .xlsx, or RDF (.ttl, .jsonld, .nt, .rdf)"


def read_register(path: str | Path) -> Register:
    """Read any supported register source into the plain :class:`~gdprgraph.model.Register` model."""
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", path)
    if path.is_dir():
        raise InputError("is a folder, expected a register file", path)
    suffix = path.suffix.lower()
    if suffix in (".txt", ".pdf"):
        from gdprgraph.readers.gdprwise import read_gdprwise

        return read_gdprwise(path)
    if suffix in (".yaml", ".yml"):
        from gdprgraph.readers.yaml import read_yaml

        return read_yaml(path)
    if suffix in (".csv", ".xlsx"):
        from gdprgraph.readers.spreadsheet import read_spreadsheet

        return read_spreadsheet(path)
    head = path.read_bytes()[:4096]
    if head.startswith(b"%PDF"):
        from gdprgraph.readers.gdprwise import read_gdprwise

        return read_gdprwise(path)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"unknown file type {suffix or '(no suffix)'}; expected {SUPPORTED}", path) from None
    from gdprgraph.readers.gdprwise import looks_like_gdprwise, read_gdprwise

    if looks_like_gdprwise(text):
        return read_gdprwise(path)
    raise InputError(f"unknown file type {suffix or '(no suffix)'}; expected {SUPPORTED}", path)
