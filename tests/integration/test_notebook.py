"""The quickstart notebook runs top to bottom against a test database and finds the file's sub-zone.

It writes (its load of the sample is refused as already loaded, and that run is recorded): it runs on a
database of its own (``fresh_database``), which the kernel reaches through RDTR_DATABASE_URL."""

from __future__ import annotations

import pytest

from tests.support.paths import REPO

NOTEBOOK = REPO / "notebooks" / "quickstart.ipynb"


def test_quickstart_notebook_runs(sample_plan, fresh_database):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # Executed from the repository root; RDTR_DATABASE_URL (set by fresh_database) reaches the kernel.
    nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(REPO)}}
    ).execute()
    outputs = "\n".join(
        o.get("text", "") for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
    )
    assert "file says: R-3 | rdtr says: R-3" in outputs
    assert "False - No RDTR covers this location" in outputs
