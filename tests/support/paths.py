"""Where things are: the repository, the sample plan package, the real data under ../shared, test output."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE_PACKAGE = REPO / "data" / "zoning" / "bontang"
SHARED_REAL = (REPO.parent / "shared" / "data" / "real").resolve()
TEST_OUTPUT = REPO / "test-output"


def real_data(*parts: str) -> Path:
    """A file under ../shared/data/real, or skip the test with the reason."""
    path = SHARED_REAL.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path} (../shared is absent)")
    return path
