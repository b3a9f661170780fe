"""ITBX classes: the one place that parses cells and ranks classes.

I = diizinkan (permitted), T = terbatas (limited), B = bersyarat (conditional), X = tidak diizinkan.
A cell holds one letter or a list of condition codes (``T1,B3``); its class is the most restrictive
letter present (X > B > T > I). Codes separated otherwise than by commas (``B1.B2``, ``T1; B2``,
``T1 dan B2``) are repaired here, the one place (:func:`read_cell` says so; the ingest reports it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CLASS_RANK = {"I": 0, "T": 1, "B": 2, "X": 3}
CLASS_NAMES = {
    "I": "diizinkan (permitted)",
    "T": "terbatas (permitted with limits)",
    "B": "bersyarat (permitted on conditions)",
    "X": "tidak diizinkan (not permitted)",
}

_CODE = re.compile(r"^([ITBX])(\d*[a-z]?)$", re.IGNORECASE)


class CellError(ValueError):
    """A cell that is not a class letter or a list of condition codes."""


#: Separators a delivered cell may put between condition codes: comma (the canonical one), semicolon,
#: slash, plus, ampersand, period, whitespace, " dan " — or several of them (``T1,,B2``, ``T1. B2``).
_SEPARATORS = re.compile(r"(?:[\s,;/+&.]|\bdan\b)+", re.IGNORECASE)
#: The forms taken as written: one code, or codes separated by commas (spaces around them allowed).
_CANONICAL = re.compile(r"^[ITBX]\d*[a-z]?(?:\s*,\s*[ITBX]\d*[a-z]?)*$", re.IGNORECASE)


def parse_cell(cell: str | None) -> tuple[str, list[str]] | None:
    """``"T1, B3"`` → ``("B", ["T1", "B3"])``; ``"I"`` → ``("I", ["I"])``; empty → ``None``.

    Raises :class:`CellError` for anything else, so a typo in a rule table is reported, not guessed.
    Other separators between valid codes (``B1.B2``, ``T1 dan B2``) are repaired: see :func:`read_cell`.
    """
    return read_cell(cell)[0]


def read_cell(cell: str | None) -> tuple[tuple[str, list[str]] | None, bool]:
    """:func:`parse_cell`'s answer and whether the cell was repaired (codes valid, separators not commas)."""
    if cell is None:
        return None, False
    text = str(cell).strip()
    if not text or text.lower() in {"-", "nan", "none", "null"}:
        return None, False
    codes = [c.upper() for c in _SEPARATORS.split(text) if c]
    if not codes:
        raise CellError(f"{text!r} is not an ITBX class (I, T, B, X) or condition code like T1 or B3")
    letters = []
    for code in codes:
        if not _CODE.match(code):
            raise CellError(f"{text!r} is not an ITBX class (I, T, B, X) or condition code like T1 or B3")
        letters.append(code[0])
    return (most_restrictive(letters), codes), not _CANONICAL.match(text)


def canonical(codes: list[str]) -> str:
    """The canonical text of a cell's codes: ``"T1,B2"``."""
    return ",".join(codes)


def most_restrictive(classes: Iterable[str]) -> str | None:
    """The most restrictive class of several (X > B > T > I); ``None`` for none."""
    best = None
    for cls in classes:
        if cls is None:
            continue
        if best is None or CLASS_RANK[cls] > CLASS_RANK[best]:
            best = cls
    return best
