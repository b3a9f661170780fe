"""Text for the PDF: sanitising for the standard fonts, Indonesian number and scale formats, and the
canonical answer JSON whose SHA-256 the extract prints."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any
from xml.sax.saxutils import escape

from rdtr.numbers import format_number

_REPLACEMENTS = {
    "≤": "<=",
    "≥": ">=",
    "→": "->",
    "←": "<-",
    "×": "x",
    "−": "-",
    "‑": "-",
    "≈": "~",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
}


def pdf_text(value: Any) -> str:
    """Text the PDF's standard fonts (WinAnsi) can show: known symbols spelt out, accents kept where
    WinAnsi has them, anything else transliterated or replaced with ``?``."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    out = []
    for ch in text:
        ch = _REPLACEMENTS.get(ch, ch)
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            ascii_ = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(ascii_ or "?")
    return "".join(out)


def _p(value: Any) -> str:
    """Escaped text for a Paragraph."""
    return escape(pdf_text(value))


def canonical_json(answer: Any) -> bytes:
    """The canonical bytes of an answer: JSON with sorted keys, no whitespace, UTF-8."""
    return json.dumps(answer, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


def answer_sha256(answer: Any) -> str:
    """SHA-256 (hex) of :func:`canonical_json` — the hash printed in the PDF."""
    return hashlib.sha256(canonical_json(answer)).hexdigest()


def fmt_num(value: Any, digits: int = 1, unit: str = "") -> str:
    """A measure as the documents print it (:func:`rdtr.numbers.format_number`, Indonesian, ``fixed``):
    ``3782.8`` → ``3.782,8``, ``20`` → ``20,0``; ``None`` → ``-``; text as it is."""
    if value is None or value == "" or isinstance(value, bool):
        return "-" if value is None or value == "" else pdf_text(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return pdf_text(value)
    return f"{format_number(number, digits, 'id', fixed=True)}{unit}"


def fmt_scale(denominator: int) -> str:
    """A scale denominator as printed, Indonesian style: ``2500`` -> ``1:2.500``."""
    return "1:" + format_number(denominator, 0, "id")
