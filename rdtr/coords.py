"""Reading a place typed by a person: decimal degrees, degrees-minutes-seconds, or UTM.

Accepted, among others::

    0.1351, 117.4823                 decimal; with two numbers below 90 the order is taken as lat, lon
    117.4823 0.1351                  (in Indonesia the longitude is always > 90, so it is recognised)
    -6.2, 106.8   /   6.2 LS 106.8 BT
    0°08'06.4"N 117°28'56.3"E        DMS, with N/S/E/W or LU/LS/BT/BB (Indonesian)
    0 8 6.4 N, 117 28 56.3 E
    50N 553000 14900                 UTM zone + hemisphere (or latitude band), easting, northing (m)
    UTM 50 N E 553000 N 14900   /   553000 14900 50N   /   49M 700000 9300000

UTM coordinates are converted with WGS 84 / UTM (EPSG:326xx / 327xx); SRGI2013 differs by ~1 m.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from rdtr.errors import InvalidInput
from rdtr.messages import Message

#: Inputs that read, shown after every error (the catalog says "examples:" / "contoh:" before them).
EXAMPLES = "'0.1351, 117.4823' · '0°08'06\"N 117°28'56\"E' · '50N 553000 14900'"

_NUM = r"[-+]?\d+(?:[.,]\d+)?"
_HEMI = re.compile(r"\b(LU|LS|BT|BB)\b|(?<![A-Za-z])([NSEWUTB])(?![A-Za-z])", re.IGNORECASE)
_UTM_ZONE = re.compile(r"(?<![\d.])(\d{1,2})\s*([C-HJ-NP-X])(?![A-Za-z])", re.IGNORECASE)


@dataclass
class Place:
    lon: float
    lat: float
    format: str  # "decimal" | "dms" | "utm"
    note: str | None = None

    def as_dict(self) -> dict:
        """The place as JSON: ``lon``/``lat`` (EPSG:4326 degrees, 7 decimals ≈ 1 cm), ``format``, ``note``."""
        return {"lon": round(self.lon, 7), "lat": round(self.lat, 7), "format": self.format, "note": self.note}


def _float(text: str) -> float:
    return float(text.replace(",", "."))


def check_lonlat(lon, lat) -> tuple[float, float]:
    """The one check of a point's EPSG:4326 longitude/latitude (decimal degrees): finite, within ±180/±90,
    with a hint when the two look swapped. Raises :class:`InvalidInput`."""
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise InvalidInput(Message("lonlat_numbers")) from None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise InvalidInput(Message("lonlat_finite"))
    if not -90 <= lat <= 90:
        hint = Message("swapped_hint") if -90 <= lon <= 90 else ""
        raise InvalidInput(Message("lat_beyond", lat=f"{lat:g}", hint=hint))
    if not -180 <= lon <= 180:
        raise InvalidInput(Message("lon_beyond", lon=f"{lon:g}"))
    return lon, lat


def _with_examples(detail: str) -> InvalidInput:
    return InvalidInput(Message("with_examples", detail=detail, examples=EXAMPLES))


def _check(lon: float, lat: float, fmt: str, note: str | None = None) -> Place:
    try:
        lon, lat = check_lonlat(lon, lat)
    except InvalidInput as exc:
        raise _with_examples(exc.detail) from None
    return Place(lon, lat, fmt, note)


@lru_cache(maxsize=128)
def _utm_transformer(epsg: int):
    from pyproj import Transformer

    return Transformer.from_crs(epsg, 4326, always_xy=True)


def _parse_utm(text: str) -> Place | None:
    zone = _UTM_ZONE.search(text)
    rest = text[: zone.start()] + " " + text[zone.end() :] if zone else text
    numbers = [_float(n) for n in re.findall(r"\d+(?:[.,]\d+)?", rest.replace(" ", " "))]
    big = [n for n in numbers if n >= 1000]
    if zone is None or len(big) != 2:
        return None
    number = int(zone.group(1))
    letter = zone.group(2).upper()
    if not 1 <= number <= 60:
        raise _with_examples(Message("utm_zone", number=str(number)))
    south = letter == "S" or "C" <= letter <= "M"
    # Which number is the easting: the one within 100–900 km when only one is.
    a, b = big
    if re.search(r"\bN\s*" + re.escape(str(int(a))), rest, re.IGNORECASE) and not re.search(
        r"\bE\s*" + re.escape(str(int(a))), rest, re.IGNORECASE
    ):
        a, b = b, a
    if not (100_000 <= a <= 900_000) and 100_000 <= b <= 900_000:
        a, b = b, a
    easting, northing = a, b
    if not 100_000 <= easting <= 900_000:
        raise _with_examples(Message("utm_easting", easting=float(easting)))
    if not 0 <= northing <= 10_000_000:
        raise _with_examples(Message("utm_northing", northing=float(northing)))
    epsg = (32700 if south else 32600) + number
    lon, lat = _utm_transformer(epsg).transform(easting, northing)
    far_south = Message("utm_far_south") if south and northing < 5_000_000 else ""
    note = Message("utm_note", zone=f"{number}{'S' if south else 'N'}", epsg=str(epsg), far_south=far_south)
    return _check(lon, lat, "utm", note)


def _dms_value(part: str) -> float | None:
    nums = re.findall(r"\d+(?:[.,]\d+)?", part)
    if not nums or len(nums) > 3:
        return None
    deg = _float(nums[0])
    minutes = _float(nums[1]) if len(nums) > 1 else 0.0
    seconds = _float(nums[2]) if len(nums) > 2 else 0.0
    if minutes >= 60 or seconds >= 60:
        raise _with_examples(Message("dms_sixty", part=repr(part.strip())))
    value = deg + minutes / 60 + seconds / 3600
    return -value if part.strip().startswith("-") else value


def _parse_hemispheres(text: str) -> Place | None:
    marks = list(_HEMI.finditer(text))
    if len(marks) != 2:
        return None
    # Each coordinate is the text between the previous mark (or the start) and its own mark, unless the
    # marks come first ("N 0 8 6 E 117 28 56").
    letters = [(m.group(1) or m.group(2)).upper() for m in marks]
    if text[: marks[0].start()].strip():  # value before mark
        parts = [text[: marks[0].start()], text[marks[0].end() : marks[1].start()]]
    else:
        parts = [text[marks[0].end() : marks[1].start()], text[marks[1].end() :]]
    lat = lon = None
    is_dms = bool(re.search(r"[°º'′\"″]|\d\s+\d", text))
    for letter, part in zip(letters, parts):
        value = _dms_value(part.strip(" ,;"))
        if value is None:
            return None
        value = abs(value)
        if letter in ("N", "U", "LU"):
            lat = value
        elif letter in ("S", "LS"):
            lat = -value
        elif letter in ("E", "T", "BT"):
            lon = value
        elif letter in ("W", "B", "BB"):
            lon = -value
    if lat is None or lon is None:
        return None
    return _check(lon, lat, "dms" if is_dms else "decimal")


def parse_place(text: str) -> Place:
    """A typed place → :class:`Place` (EPSG:4326). Raises :class:`InvalidInput` with examples."""
    raw = (text or "").strip()
    if not raw:
        raise _with_examples(Message("place_empty"))
    if len(raw) > 200:
        raise InvalidInput(Message("place_too_long"))
    norm = raw.replace("’", "'").replace("”", '"').replace("″", '"').replace("′", "'")
    norm = re.sub(r"(?i)\butm\b|\bzone\b|\bzona\b|\bm[EN]\b", " ", norm)

    if _UTM_ZONE.search(norm):
        place = _parse_utm(norm)
        if place:
            return place
    place = _parse_hemispheres(norm)
    if place:
        return place
    # Indonesian decimal commas: "0,1351; 117,4823".
    halves = norm.split(";")
    if len(halves) == 2 and all(re.fullmatch(r"\s*[-+]?\d+(?:,\d+)?\s*", h) for h in halves):
        return _pick_order(_float(halves[0].strip()), _float(halves[1].strip()), "decimal")
    # Two plain decimal numbers ("," as separator needs a space or ";" when "," is the decimal mark).
    nums = re.findall(r"[-+]?\d+(?:\.\d+)?", norm)
    if len(nums) != 2 or re.search(r"[°'\"]", norm):
        if len(nums) in (4, 6) and re.search(r"[°'\"]|\s", norm):
            # DMS without hemisphere letters: "0 8 6.4, 117 28 56.3" or with ° ' ".
            halves = re.split(r"[,;]", norm)
            if len(halves) == 2:
                a, b = _dms_value(halves[0]), _dms_value(halves[1])
                if a is not None and b is not None:
                    return _pick_order(a, b, "dms")
        raise _with_examples(Message("place_unreadable", raw=repr(raw)))
    return _pick_order(float(nums[0]), float(nums[1]), "decimal")


def _pick_order(a: float, b: float, fmt: str) -> Place:
    if abs(a) > 90 and abs(b) <= 90:
        return _check(a, b, fmt)
    if abs(b) > 90 and abs(a) <= 90:
        return _check(b, a, fmt)
    if abs(a) > 90 and abs(b) > 90:
        raise _with_examples(Message("no_latitude", a=f"{a:g}", b=f"{b:g}"))
    return _check(b, a, fmt, Message("read_as_lat_lon"))


def parse_bbox(value: str | None, *, required: bool = False) -> tuple[float, float, float, float] | None:
    """The one reading of a ``bbox`` parameter: ``"minlon,minlat,maxlon,maxlat"`` in EPSG:4326 degrees, min < max.

    Empty or ``None`` is ``None`` (or an error when ``required``). Raises :class:`InvalidInput` saying why.
    """
    if value is None or not str(value).strip():
        if required:
            raise InvalidInput(Message("bbox_required"))
        return None
    parts = str(value).split(",")
    if len(parts) != 4:
        raise InvalidInput(Message("bbox_count", got=str(len(parts))))
    try:
        minx, miny, maxx, maxy = (float(p) for p in parts)
    except ValueError:
        raise InvalidInput(Message("bbox_count", got=repr(value))) from None
    if not all(map(math.isfinite, (minx, miny, maxx, maxy))):
        raise InvalidInput(Message("bbox_finite"))
    if not (abs(minx) <= 180 and abs(maxx) <= 180 and abs(miny) <= 90 and abs(maxy) <= 90):
        raise InvalidInput(Message("bbox_degrees"))
    if not (minx < maxx and miny < maxy):
        raise InvalidInput(Message("bbox_order"))
    return minx, miny, maxx, maxy
