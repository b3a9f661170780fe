"""Where the map looks: the parcel's UTM zone (SRGI2013 / UTM, metres) and projections into it, the standard
scale that fits the map frame, and the frame's extent (:class:`MapView`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from reportlab.lib.units import mm
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

from rdtr.render.extract.page import MAP_X0, MAP_X1, MAP_Y0, MAP_Y1

#: Standard map scales (denominators), largest scale first. 10 000 only when 5 000 cannot hold the parcel.
STANDARD_SCALES = (1000, 2500, 5000)
FALLBACK_SCALES = (10000, 25000)


def utm_epsg(lon: float, lat: float) -> int:
    """The UTM zone of a point as an EPSG code: SRGI2013 / UTM inside Indonesia's zones (46N–52N,
    47S–54S), WGS 84 / UTM elsewhere."""
    zone_number = int(math.floor((lon + 180.0) / 6.0)) + 1
    zone_number = min(max(zone_number, 1), 60)
    if lat >= 0:
        if 46 <= zone_number <= 52:
            return 9476 + (zone_number - 46)
        return 32600 + zone_number
    if 47 <= zone_number <= 54:
        return 9487 + (zone_number - 47)
    return 32700 + zone_number


@lru_cache(maxsize=32)
def _transformer(src: int, dst: int) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


@lru_cache(maxsize=32)
def crs_name(epsg: int) -> str:
    """The name of an EPSG code's CRS (``EPSG:<code>`` when pyproj does not know it)."""
    try:
        return CRS.from_epsg(epsg).name
    except Exception:  # noqa: BLE001 - a name is only a label
        return f"EPSG:{epsg}"


def project(geom: BaseGeometry, src: int, dst: int) -> BaseGeometry:
    """``geom`` from EPSG ``src`` to ``dst`` (vectorised)."""
    tr = _transformer(src, dst)

    def _xy(coords: np.ndarray) -> np.ndarray:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _xy)


def choose_scale(width_m: float, height_m: float, frame_w_mm: float, frame_h_mm: float) -> int:
    """The largest standard scale at which a ``width_m`` × ``height_m`` extent fits the frame."""
    for denominator in STANDARD_SCALES + FALLBACK_SCALES:
        if width_m <= frame_w_mm * denominator / 1000 and height_m <= frame_h_mm * denominator / 1000:
            return denominator
    return FALLBACK_SCALES[-1]


def _nice_step(span: float, target_count: int) -> float:
    raw = span / max(target_count, 1)
    exponent = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 2.5, 5, 10):
        if mult * exponent >= raw:
            return mult * exponent
    return 10 * exponent


def _nice_floor(value: float) -> float:
    """The largest of 1, 2, 2.5, 5 × 10^k not above ``value``."""
    exponent = 10 ** math.floor(math.log10(value))
    for mult in (5, 2.5, 2, 1):
        if mult * exponent <= value:
            return mult * exponent
    return exponent


def polygons_of(geom: BaseGeometry) -> list:
    """The polygons of a geometry (Polygon, MultiPolygon, collection) as a flat list; nothing for other types."""
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        out = []
        for g in geom.geoms:
            out.extend(polygons_of(g))
        return out
    return []


def parcel_vertices(parcel: BaseGeometry) -> list[tuple[int, float, float]]:
    """Numbered vertices of the parcel's exterior ring(s), without the closing repeat (lon, lat)."""
    vertices = []
    n = 1
    for poly in polygons_of(parcel):
        coords = list(poly.exterior.coords)[:-1]
        for lon, lat in coords:
            vertices.append((n, lon, lat))
            n += 1
    return vertices


@dataclass
class MapView:
    """The map frame: ``scale`` denominator, frame extent in UTM metres, and the CRS."""

    epsg: int
    scale: int
    xmin: float
    ymin: float
    xmax: float
    ymax: float
    frame: tuple[float, float, float, float]  # page points x0, y0, x1, y1

    def to_page(self, x: float, y: float) -> tuple[float, float]:
        """Page position (points) of a point in the view's UTM CRS (metres)."""
        fx0, fy0, _, _ = self.frame
        k = 1000.0 / self.scale * mm  # points per metre
        return fx0 + (x - self.xmin) * k, fy0 + (y - self.ymin) * k

    @property
    def points_per_metre(self) -> float:
        """Page points per ground metre at the view's scale."""
        return 1000.0 / self.scale * mm

    def bbox_lonlat(self, margin_m: float = 0.0) -> tuple[float, float, float, float]:
        """The frame's extent, grown by ``margin_m`` metres each side, as EPSG:4326 bounds (lon/lat min, max)."""
        ring = box(self.xmin - margin_m, self.ymin - margin_m, self.xmax + margin_m, self.ymax + margin_m)
        return project(ring.segmentize(max(self.xmax - self.xmin, 1) / 8), self.epsg, 4326).bounds


def map_view(parcel: BaseGeometry, frame: tuple[float, float, float, float] | None = None) -> MapView:
    """Choose the scale and the frame extent for a parcel (EPSG:4326 geometry)."""
    frame = frame or (MAP_X0, MAP_Y0, MAP_X1, MAP_Y1)
    c = parcel.centroid
    epsg = utm_epsg(c.x, c.y)
    p = project(parcel, 4326, epsg)
    x0, y0, x1, y1 = p.bounds
    w, h = x1 - x0, y1 - y0
    frame_w_mm = (frame[2] - frame[0]) / mm
    frame_h_mm = (frame[3] - frame[1]) / mm
    # Room around the parcel so neighbours and the boundary show: 20 % each side (at least 20 m); a
    # narrow margin when that alone would push the map past the largest standard scale.
    for pad in (max(0.2 * max(w, h), 20.0), max(0.03 * max(w, h), 5.0)):
        scale = choose_scale(w + 2 * pad, h + 2 * pad, frame_w_mm, frame_h_mm)
        if scale <= STANDARD_SCALES[-1]:
            break
    span_w = frame_w_mm * scale / 1000
    span_h = frame_h_mm * scale / 1000
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return MapView(epsg, scale, cx - span_w / 2, cy - span_h / 2, cx + span_w / 2, cy + span_h / 2, frame)


def _projected_zones(view: MapView, zones: list[dict]) -> list[tuple[dict, BaseGeometry]]:
    """Zones projected into the view's UTM zone and clipped to the frame."""
    if not zones:
        return []
    geoms = [shape(f["geometry"]) for f in zones]
    arr = np.array(geoms, dtype=object)
    tr = _transformer(4326, view.epsg)

    def _xy(coords: np.ndarray) -> np.ndarray:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    projected = shapely.transform(arr, _xy)
    clipped = shapely.clip_by_rect(projected, view.xmin, view.ymin, view.xmax, view.ymax)
    out = []
    for feature, geom in zip(zones, clipped):
        if geom is not None and not geom.is_empty and geom.area > 0:
            out.append((feature["properties"], geom))
    return out
