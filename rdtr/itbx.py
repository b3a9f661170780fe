"""ITBX classes: the one place that parses cells and ranks classes.

I = diizinkan (permitted), T = terbatas (limited), B = bersyarat (conditional), X = tidak diizinkan.
A cell holds one letter or a list of condition codes (``T1,B3``); its class is the most restrictive
letter present (X > B > T > I).
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


def parse_cell(cell: str | None) -> tuple[str, list[str]] | None:
    """``"T1, B3"`` → ``("B", ["T1", "B3"])``; ``"I"`` → ``("I", ["I"])``; empty → ``None``.

    Raises :class:`CellError` for anything else, so a typo in a rule table is reported, not guessed.
    """
    if cell is None:
        return None
    text = str(cell).strip()
    if not text or text.lower() in {"-", "nan", "none", "null"}:
        return None
    codes = [c.strip().upper() for c in re.split(r"[,;/\s]+", text) if c.strip()]
    letters = []
    for code in codes:
        if not _CODE.match(code):
            raise CellError(f"{text!r} is not an ITBX class (I, T, B, X) or condition code like T1 or B3")
        letters.append(code[0])
    return most_restrictive(letters), codes


def most_restrictive(classes: Iterable[str]) -> str | None:
    """The most restrictive class of several (X > B > T > I); ``None`` for none."""
    best = None
    for cls in classes:
        if cls is None:
            continue
        if best is None or CLASS_RANK[cls] > CLASS_RANK[best]:
            best = cls
    return best
