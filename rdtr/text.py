"""Text normalisation shared by ingestion and look-ups."""

from __future__ import annotations

import re
import unicodedata


def name_key(name: str) -> str:
    """Case- and accent-insensitive key for exact name matching: ``"Rumah  Tunggal"`` → ``"rumah tunggal"``."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped).strip().casefold()


def kbli_key(value: object) -> str:
    """A KBLI code (*Klasifikasi Baku Lapangan Usaha Indonesia*) reduced to its digits: ``"47.11"`` → ``"4711"``."""
    return re.sub(r"\D", "", str(value))


def kbli_query(query: str) -> str | None:
    """The KBLI digits when ``query`` is written as a KBLI code (digits, dots, spaces only), else ``None``."""
    digits = kbli_key(query)
    return digits if digits and digits == query.replace(" ", "").replace(".", "") else None


#: A plan id (planning area): lower-case letters, digits and hyphens, at most 64 characters.
PLAN_ID_PATTERN = r"^[a-z0-9-]{1,64}$"
PLAN_ID = re.compile(PLAN_ID_PATTERN)


def is_plan_id(value: object) -> bool:
    """True when ``value`` is a well-formed plan id (``bontang``, ``kota-bintan``)."""
    return isinstance(value, str) and PLAN_ID.match(value) is not None
