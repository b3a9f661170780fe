"""Text normalisation shared by ingestion and look-ups."""

from __future__ import annotations

import re
import unicodedata


def name_key(name: str) -> str:
    """Case- and accent-insensitive key for exact name matching: ``"Rumah  Tunggal"`` → ``"rumah tunggal"``."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped).strip().casefold()
