"""notebooks/01-connexi.ipynb runs green, from the repository root and from notebooks/ (its paths are found
relative to either), and is stored without outputs. The same check by hand: pytest --nbmake notebooks/"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import gdprgraph

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "01-connexi.ipynb"


def test_notebook_is_stored_without_outputs():
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


@pytest.mark.parametrize("folder", [ROOT, ROOT / "notebooks"], ids=["from-root", "from-notebooks"])
def test_notebook_runs(folder, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient", reason="the notebook test needs nbclient and ipykernel")
    pytest.importorskip("ipykernel", reason="the notebook test needs ipykernel")
    # the kernel imports the same gdprgraph as this test (the installed wheel in CI, else the checkout)
    here = str(Path(gdprgraph.__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(folder)}})
    client.execute()
    text = "\n".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    assert "categories: Thuisadres" in text  # the trace of "home address" found the Dutch label
    assert "Hubspot" in text and "wrote out/connexi.ttl" in text
    html_outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
                    if "text/html" in o.get("data", {})]
    assert html_outputs and "<iframe srcdoc=" in html_outputs[0]["data"]["text/html"]
