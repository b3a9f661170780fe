"""Numbers as people read them, one rule per locale: Indonesian ``1.234,5`` and English ``1,234.5``.

Sentences (reasons) drop the decimals of a whole number ("35 m"); documents — the extract PDF, the
verification page, the map previews — pass ``fixed=True`` so a column of measures keeps its decimals
("20,0 m" next to "12,5 m"). Either way the grouping and decimal marks are the locale's, from here alone.
"""

from __future__ import annotations

import math


def format_number(value: float, digits: int = 1, lang: str = "id", *, fixed: bool = False) -> str:
    """``value`` with ``digits`` decimals (none for a whole number unless ``fixed``) in the locale's grouping and
    decimal marks; wholeness is judged after rounding, and a value that rounds to zero has no minus sign."""
    number = float(value)
    if not math.isfinite(number):
        return "-"
    digits = max(int(digits), 0)
    rounded = round(number, digits)
    if rounded == 0:
        rounded = 0.0  # no "-0,0"
    whole = rounded.is_integer() and not fixed
    text = f"{rounded:,.0f}" if whole or digits == 0 else f"{rounded:,.{digits}f}"
    if lang == "id":
        text = text.replace(",", "\u0001").replace(".", ",").replace("\u0001", ".")
    return text
