"""Numbers as people read them, one rule per locale: Indonesian ``1.234,5`` and English ``1,234.5``."""

from __future__ import annotations


def format_number(value: float, digits: int = 1, lang: str = "id") -> str:
    """``value`` with ``digits`` decimals (none for a whole number) in the locale's grouping and decimal marks."""
    number = float(value)
    text = f"{number:,.0f}" if number.is_integer() or digits == 0 else f"{number:,.{digits}f}"
    if lang == "id":
        text = text.replace(",", "\u0001").replace(".", ",").replace("\u0001", ".")
    return text
