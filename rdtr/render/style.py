"""The one place that builds map colours: the standard fills of Permen ATR/BPN 14/2021 (Lampiran VII).

Codes differ between cities (``R-2``, ``R.2``, ``R2``), so a colour is found by, in order:

1. the sub-zone code as written, then normalised (upper case, ``.``/``_``/space → ``-``,
   ``R2`` → ``R-2``);
2. the zone code the plan's own lookup table gives for that sub-zone (``zone_code``), never a guess
   made by splitting the sub-zone code;
3. a stable muted colour derived from the code, so an unknown code still gets one recognisable colour
   on every map and in every legend.

Colours marked ``[interpolated]`` are not in the transcribed table (it shows "–" there); they continue
the neighbouring ramp so the legend stays ordered. Every value is ``#RRGGBB``.
"""

from __future__ import annotations

import colorsys
import hashlib
import re
from dataclasses import dataclass

#: Sub-zone (KODSZN) → fill colour.
SUBZONE_COLORS: dict[str, str] = {
    "BA": "#97DBF2",
    "HL": "#325F28",
    "PS": "#05D7D7",
    "RTH-1": "#37550A",
    "RTH-2": "#416900",
    "RTH-3": "#468700",
    "RTH-4": "#4BA500",
    "RTH-5": "#50C300",
    "RTH-6": "#55E100",  # [interpolated]
    "RTH-7": "#5AFF00",
    "RTH-8": "#0F9100",
    "CB": "#FF37CD",
    "EM": "#2D966E",
    "BJ": "#EB1E1E",
    "P-1": "#C8F546",
    "P-2": "#E6FF4B",
    "P-3": "#AFAF37",
    "P-4": "#C8C878",  # [interpolated]
    "IK-1": "#649BD2",
    "IK-2": "#82B9D2",
    "PTL": "#00FFCD",
    "KPI": "#690000",
    "W": "#FFA5FF",
    "R-1": "#FFC800",  # [interpolated]
    "R-2": "#FFDC00",
    "R-3": "#FFF005",
    "R-4": "#FFFA4B",
    "R-5": "#FFFF9B",
    "SPU-1": "#7D197D",
    "SPU-2": "#9B329B",
    "SPU-3": "#B94BB9",
    "SPU-4": "#D264D2",  # [interpolated]
    "C-1": "#F05500",
    "C-2": "#F0731E",
    "K-1": "#FF6464",
    "K-2": "#FF8282",
    "K-3": "#FFA5A5",
    "KT": "#9B9B9B",
    "TR": "#D73700",
    "HK": "#9B00FF",
    "PP": "#D79B37",
    "RTNH": "#006969",
}

#: Zone (KODZON) → fill colour, used when a sub-zone code is not in the table above.
ZONE_COLORS: dict[str, str] = {
    "BA": "#97DBF2",
    "HL": "#325F28",
    "PS": "#05D7D7",
    "RTH": "#4BA500",
    "KS": "#323287",
    "CB": "#FF37CD",
    "EM": "#2D966E",
    "BJ": "#EB1E1E",
    "P": "#C8F546",
    "IK": "#649BD2",
    "PTL": "#00FFCD",
    "KPI": "#690000",
    "W": "#FFA5FF",
    "R": "#FFF005",
    "SPU": "#9B329B",
    "C": "#F0731E",
    "K": "#FF8282",
    "KT": "#9B9B9B",
    "TR": "#D73700",
    "HK": "#9B00FF",
    "PL": "#B4A08C",  # varies by plan [U]: a neutral brown
    "PP": "#D79B37",
    "RTNH": "#006969",
}

#: Outline of zone polygons and of the parcel / point drawn over them.
ZONE_STROKE = "#5A5A5A"
PARCEL_STROKE = "#D0006F"
POINT_COLOR = "#D0006F"

_SEP = re.compile(r"[\s._/]+")
_LETTERS_DIGITS = re.compile(r"^([A-Z]+)(\d+[A-Z]?)$")


def normalise_code(code: str | None) -> str:
    """``"r.2"`` → ``"R-2"``, ``"RTH 7"`` → ``"RTH-7"``, ``"R2"`` → ``"R-2"``; ``None`` → ``""``."""
    if not code:
        return ""
    text = _SEP.sub("-", str(code).strip().upper()).strip("-")
    m = _LETTERS_DIGITS.match(text)
    if m:
        text = f"{m.group(1)}-{m.group(2)}"
    return text


def _derived_color(code: str) -> str:
    """A stable, muted colour for a code the standard does not know (same code, same colour)."""
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    hue = digest[0] / 255.0
    light = 0.55 + digest[1] / 255.0 * 0.2
    r, g, b = colorsys.hls_to_rgb(hue, light, 0.35)
    return f"#{round(r * 255):02X}{round(g * 255):02X}{round(b * 255):02X}"


def fill_color(subzone_code: str | None, zone_code: str | None = None) -> str:
    """The standard fill of a sub-zone (see the module docstring for the fall-back order)."""
    for candidate in (subzone_code, normalise_code(subzone_code)):
        if candidate and candidate in SUBZONE_COLORS:
            return SUBZONE_COLORS[candidate]
    for candidate in (zone_code, normalise_code(zone_code)):
        if candidate and candidate in ZONE_COLORS:
            return ZONE_COLORS[candidate]
    # A sub-zone code that is itself a zone code (e.g. "KS" or "PL" used as KODSZN).
    norm = normalise_code(subzone_code)
    if norm in ZONE_COLORS:
        return ZONE_COLORS[norm]
    return _derived_color(norm or "?")


def is_standard(subzone_code: str | None, zone_code: str | None = None) -> bool:
    """Whether the colour comes from the standard table (not derived from the code)."""
    norm = normalise_code(subzone_code)
    return bool(
        subzone_code in SUBZONE_COLORS
        or norm in SUBZONE_COLORS
        or (zone_code and (zone_code in ZONE_COLORS or normalise_code(zone_code) in ZONE_COLORS))
        or norm in ZONE_COLORS
    )


def hex_to_rgb(color: str) -> tuple[float, float, float]:
    """``"#FFDC00"`` → ``(1.0, 0.862…, 0.0)``."""
    color = color.lstrip("#")
    return tuple(int(color[i : i + 2], 16) / 255.0 for i in (0, 2, 4))  # type: ignore[return-value]


def relative_luminance(color: str) -> float:
    """WCAG relative luminance of a ``#RRGGBB`` colour (0 black … 1 white)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in hex_to_rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def label_color(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (for codes printed on a zone)."""
    lum = relative_luminance(fill)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#FFFFFF"


@dataclass(frozen=True)
class LegendEntry:
    subzone_code: str
    subzone_name: str | None
    zone_code: str | None
    color: str
    standard: bool

    def as_dict(self) -> dict:
        """The entry as JSON: sub-zone code and name, zone code, fill colour (``#RRGGBB``), whether standard."""
        return {
            "subzone_code": self.subzone_code,
            "subzone_name": self.subzone_name,
            "zone_code": self.zone_code,
            "color": self.color,
            "standard": self.standard,
        }


def _order_key(code: str) -> tuple:
    # Standard table order first (protected zones, then cultivation), unknown codes after, by text.
    order = list(SUBZONE_COLORS)
    norm = normalise_code(code)
    if norm in SUBZONE_COLORS:
        return (0, order.index(norm), code)
    return (1, 0, code)


def legend(subzones) -> list[LegendEntry]:
    """Legend entries for ``(subzone_code, subzone_name, zone_code)`` triples (or dicts with those
    keys), deduplicated by sub-zone code, in the standard's order."""
    seen: dict[str, LegendEntry] = {}
    for item in subzones:
        if isinstance(item, dict):
            code, name, zone = item.get("subzone_code"), item.get("subzone_name"), item.get("zone_code")
        else:
            code, name, zone = (tuple(item) + (None, None))[:3]
        if not code or code in seen:
            continue
        seen[code] = LegendEntry(code, name, zone, fill_color(code, zone), is_standard(code, zone))
    return sorted(seen.values(), key=lambda e: _order_key(e.subzone_code))


def color_map(subzones) -> dict[str, str]:
    """``{subzone_code: colour}`` for the given sub-zones (as for :func:`legend`)."""
    return {e.subzone_code: e.color for e in legend(subzones)}
