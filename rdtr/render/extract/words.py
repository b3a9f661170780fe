"""Fixed wording the documents share (the extract PDF, the verification page, the map previews): an activity's
ITBX class as a verdict in words and colour, the rule that combines the pieces of a parcel, dates in
Indonesian, and the officer's NIP."""

from __future__ import annotations

import re
from datetime import date, datetime

from rdtr.messages import Message

#: ITBX class → (Indonesian, English, colour): the verdict words of the interface ("Web page hooks").
CLASS_VERDICTS = {
    "I": ("Diizinkan", "Permitted", "#1a7f37"),
    "T": ("Diizinkan terbatas", "Permitted with limits", "#8a6100"),
    "B": ("Diizinkan bersyarat", "Permitted with conditions", "#b35900"),
    "X": ("Tidak diizinkan", "Not permitted", "#b00020"),
}
NO_CLASS = ("Kelas kegiatan tidak diketahui", "Activity class unknown", "#555555")

#: How the limits of a parcel over several sub-zone pieces are combined (rdtr.answers.limits).
COMBINING_RULE_ID = (
    "Aturan penggabungan: tinggi dan jumlah lantai dari potongan yang paling ketat; luas lantai dasar, "
    "luas lantai dan RTH dijumlahkan per potongan."
)
COMBINING_RULE_EN = (
    "Combining the pieces: height and number of floors from the strictest piece; footprint, floor area "
    "and green area (RTH) summed over the pieces."
)

_MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
NIP_PATTERN = re.compile(r"^\d{18}$")


def class_verdict(cls: str | None) -> tuple[str, str, str]:
    """An ITBX class as (Indonesian, English, colour): ``T`` → (``Diizinkan terbatas``, ...)."""
    return CLASS_VERDICTS.get((cls or "").upper(), NO_CLASS)


def date_id(value: date | datetime) -> str:
    """A date as Indonesian writes it: ``2 Desember 2026``."""
    return f"{value.day} {_MONTHS_ID[value.month - 1]} {value.year}"


def parse_nip(value) -> str | None:
    """An officer's NIP (*Nomor Induk Pegawai*): 18 digits, spaces allowed between groups; ``None`` stays
    ``None``. Raises ``ValueError`` naming ``nip`` for anything else."""
    if value is None:
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValueError(Message("nip_text"))
    text = re.sub(r"[\s.]", "", str(value))
    if not NIP_PATTERN.match(text):
        raise ValueError(Message("nip_digits", got=repr(str(value)[:40])))
    return text


def nip_text(nip: str) -> str:
    """A NIP grouped as printed: ``19850101 201001 1 001`` (birth date, appointment, sex, number)."""
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}" if len(nip) == 18 else nip
