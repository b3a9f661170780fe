"""Cell values as real deliveries write them.

"Tidak Ada", "-", "null", "" and friends mean *none*; numbers come as text, with comma decimals, with
units ("12 m", "3 lantai") or as a percent ("60 %"). Anything else is free text, kept verbatim.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

NONE_VALUES = frozenset(
    {"", "-", "--", "—", "–", "null", "none", "nan", "n/a", "na", "tidak ada", "tdk ada", "tidak", "<null>", "0x0"}
)

_NUMBER = re.compile(
    r"""^\s*(?P<num>[-+]?(?:\d{1,3}(?:[.\s]\d{3})+|\d+)(?:[.,]\d+)?|[-+]?[.,]\d+)\s*
         (?P<unit>%|persen|m2|m²|m|meter|lantai|lt|lapis)?\.?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def is_none(value: Any) -> bool:
    """True for empty cells and the ways deliveries write "none"."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return value.strip().casefold() in NONE_VALUES
    try:  # pandas NA / NaT
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def clean_text(value: Any) -> str | None:
    """The value as stripped text, or None when it means none."""
    if is_none(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def parse_number(value: Any) -> tuple[float | None, str | None, bool]:
    """``(number, unit, ok)``: ``"3,5"`` → (3.5, None, True); ``"60 %"`` → (60, "%", True);
    none → (None, None, True); free text → (None, None, False)."""
    if is_none(value):
        return None, None, True
    if isinstance(value, bool):
        return None, None, False
    if isinstance(value, (int, float)):
        return float(value), None, True
    text = unicodedata.normalize("NFKC", str(value)).strip()
    m = _NUMBER.match(text)
    if not m:
        return None, None, False
    raw = m.group("num").replace(" ", "")
    unit = (m.group("unit") or "").lower() or None
    if unit == "persen":
        unit = "%"
    if "," in raw and "." in raw:  # 1.234,5 (Indonesian) or 1,234.5
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    elif "," in raw:
        head, _, tail = raw.rpartition(",")
        raw = head.replace(",", "") + "." + tail  # comma decimal
    elif raw.count(".") > 1:  # 1.234.567 thousands separators
        raw = raw.replace(".", "")
    try:
        return float(raw), unit, True
    except ValueError:
        return None, None, False


def loose_key(name: str) -> str:
    """A forgiving key for matching sub-zone names between tables: case, accents, spaces and
    punctuation ignored, a leading "Zona"/"Sub Zona" dropped (``"Sub-Zona Perumahan Kepadatan
    Tinggi"`` = ``"perumahan kepadatan tinggi"``, ``"Dapat di Konversi"`` = ``"Dapat Dikonversi"``)."""
    decomposed = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"^\s*(sub[\s\-_]*zona|zona)\b", "", text)
    return re.sub(r"[^0-9a-z]+", "", text)


def split_list(value: Any, separators: str = ",;") -> list[str]:
    """``"b, l"`` → ``["b", "l"]``; none → ``[]``. Separators inside parentheses do not split."""
    text = clean_text(value)
    if text is None:
        return []
    items, depth, current = [], 0, []
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}" and depth:
            depth -= 1
        if ch in separators and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
    items.append("".join(current))
    return [i.strip() for i in items if i.strip() and not is_none(i)]
