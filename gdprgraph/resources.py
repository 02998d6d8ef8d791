"""Find bundled data: the wheel copy (``gdprgraph/_data``) first, the checkout folders second."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path


@lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    """Folder ``ontology`` or ``shapes`` (top level in a checkout, ``_data/`` in a wheel)."""
    packaged = resources.files("gdprgraph") / "_data" / name
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"gdprgraph data folder {name!r} is missing from this installation")


def package_dir(name: str) -> Path:
    """Folder inside the package (``queries``, ``templates``)."""
    return Path(str(resources.files("gdprgraph") / name))


def ontology_files() -> list[Path]:
    """Our ontology + vocabulary + the pinned DPV subset, in a stable order."""
    root = data_dir("ontology")
    return sorted(root.glob("*.ttl")) + sorted((root / "dpv").glob("*.ttl"))


def shape_files() -> list[Path]:
    return sorted(data_dir("shapes").glob("*.ttl"))
