"""ITBX cells: the canonical forms are read as written; other separators between valid codes are repaired
(and say so); anything else is still an error."""

from __future__ import annotations

import pytest

from rdtr.itbx import CellError, canonical, parse_cell, read_cell


@pytest.mark.parametrize(
    ("cell", "cls", "codes"),
    [
        ("T1,B1,B3", "B", ["T1", "B1", "B3"]),
        ("T1, B3", "B", ["T1", "B3"]),
        ("I", "I", ["I"]),
        ("X", "X", ["X"]),
        ("t1", "T", ["T1"]),
        (" T2 ", "T", ["T2"]),
    ],
)
def test_valid_forms_are_unchanged_and_not_repaired(cell, cls, codes):
    assert read_cell(cell) == ((cls, codes), False)
    assert parse_cell(cell) == (cls, codes)


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("B1.B2", ["B1", "B2"]),
        ("T1;B2", ["T1", "B2"]),
        ("T1/B2", ["T1", "B2"]),
        ("T1 + B2", ["T1", "B2"]),
        ("T1&B2", ["T1", "B2"]),
        ("T1 dan B2", ["T1", "B2"]),
        ("T1 DAN B2", ["T1", "B2"]),
        ("T1. B2", ["T1", "B2"]),
        ("T1,,B2", ["T1", "B2"]),
        ("T1 B2", ["T1", "B2"]),
        ("T1 ; B2 / B3", ["T1", "B2", "B3"]),
        ("B1.", ["B1"]),
    ],
)
def test_other_separators_are_repaired(cell, codes):
    parsed, repaired = read_cell(cell)
    assert repaired is True
    assert parsed == ("B" if any(c.startswith("B") for c in codes) else "T", codes)
    assert canonical(parsed[1]) == ",".join(codes)


@pytest.mark.parametrize("cell", ["B1.2", "T1 and B2", ".", "T1dan B2", "Q1", "T1,Z", "diizinkan", "+"])
def test_still_invalid_is_an_error(cell):
    with pytest.raises(CellError):
        read_cell(cell)


@pytest.mark.parametrize("cell", [None, "", "  ", "-", "nan", "None"])
def test_empty(cell):
    assert read_cell(cell) == (None, False)
