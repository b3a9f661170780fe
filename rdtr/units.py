"""The intensity measures (*intensitas pemanfaatan ruang*) as every reader sees them: one table of labels
and units, used by the CLI, the map previews, the PDF extract and the web page (served to it as JSON).

Values follow the regulations: KDB, KDH and KTB in percent of the lot (60 means 60 %), KLB a ratio of floor
area to lot area (2.4), heights and setbacks in metres, lot sizes in m².
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Measure:
    """One intensity measure: the answer's field, short labels, full names (id/en), unit and decimals."""

    field: str
    label_id: str
    label_en: str
    name_id: str
    name_en: str
    unit: str  #: "%", "m", "m²" or "" (a ratio or a count)
    digits: int  #: decimals worth showing

    def label(self, lang: str = "id") -> str:
        """The short label in ``lang`` (``id`` or ``en``)."""
        return self.label_en if lang == "en" else self.label_id

    def with_unit(self, lang: str = "id") -> str:
        """The short label with its unit in brackets, for table headers: ``KDB maks (%)``."""
        return f"{self.label(lang)} ({self.unit})" if self.unit else self.label(lang)


INTENSITY: tuple[Measure, ...] = (
    Measure(
        "kdb_max",
        "KDB maks",
        "KDB max",
        "Koefisien Dasar Bangunan maksimum",
        "building coverage ratio, maximum (share of the lot the building may cover)",
        "%",
        0,
    ),
    Measure(
        "klb_max",
        "KLB maks",
        "KLB max",
        "Koefisien Lantai Bangunan maksimum",
        "floor area ratio, maximum (total floor area ÷ lot area)",
        "",
        2,
    ),
    Measure(
        "kdh_min",
        "KDH min",
        "KDH min",
        "Koefisien Dasar Hijau minimum",
        "green area ratio, minimum (share of the lot kept green)",
        "%",
        0,
    ),
    Measure(
        "ktb_max", "KTB maks", "KTB max", "Koefisien Tapak Basemen maksimum", "basement coverage ratio, maximum", "%", 0
    ),
    Measure(
        "height_max_m", "Tinggi maks", "Height max", "Ketinggian bangunan maksimum", "building height, maximum", "m", 1
    ),
    Measure("floors_max", "Lantai maks", "Floors max", "Jumlah lantai maksimum", "number of floors, maximum", "", 0),
    Measure(
        "gsb_min_m",
        "GSB min",
        "Setback min",
        "Garis Sempadan Bangunan minimum",
        "building setback from the road, minimum",
        "m",
        1,
    ),
    Measure("lot_min_m2", "Kavling min", "Lot min", "Luas kavling minimum", "lot area, minimum", "m²", 0),
)

BY_FIELD = {m.field: m for m in INTENSITY}


def measures_json() -> list[dict]:
    """The table as JSON-ready dicts (the web page reads it from the page itself)."""
    return [asdict(m) for m in INTENSITY]
