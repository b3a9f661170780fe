"""The map extract PDF (*ekstrak peta*) that an officer attaches to a KKPR assessment.

A4 portrait, drawn with reportlab directly: the zones and the parcel are projected into the UTM zone of
the parcel (SRGI2013 / UTM, EPSG:9476–9494, metres), then onto the page at a fixed standard scale
(1:1.000, 1:2.500 or 1:5.000, the largest that fits; 1:10.000 only for parcels too big for 1:5.000).

Page 1: title and legal basis, the map (legend, north arrow, graphic scale bar, coordinate ticks,
location inset), a summary and the QR code to the verification URL. Following pages: the pieces of the
parcel and their shares, intensity and limits, the activity's class and condition texts, special
provisions and TPZ, overlays, the parcel's vertex coordinates, and notes.

What the printed hash covers: the PDF cannot contain its own SHA-256, so it prints the SHA-256 of the
*canonical answer JSON* (:func:`canonical_json`), which anyone can recompute from the record at the
verification URL; the record's ``sha256`` is the SHA-256 of the PDF bytes themselves. The footer says so.

:func:`render_pdf` is pure (data in, bytes out): it reads no database, so it can be timed and tested alone.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Iterable
from xml.sax.saxutils import escape

import numpy as np
import shapely
from pyproj import CRS, Transformer
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import FILL_EVEN_ODD
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

from rdtr.itbx import CLASS_NAMES
from rdtr.maps import style

PAGE_W, PAGE_H = A4  # points; portrait
MARGIN = 12 * mm

#: Standard map scales (denominators), largest scale first. 10 000 only when 5 000 cannot hold the parcel.
STANDARD_SCALES = (1000, 2500, 5000)
FALLBACK_SCALES = (10000, 25000)

# Page-1 layout (points from the bottom-left corner).
HEADER_TOP = PAGE_H - 10 * mm
MAP_X0 = MARGIN
MAP_X1 = PAGE_W - MARGIN
MAP_Y1 = PAGE_H - 40 * mm
MAP_Y0 = MAP_Y1 - 138 * mm
BELOW_MAP_TOP = MAP_Y0 - 3 * mm
FOOTER_H = 19 * mm

OSS_NOTE_ID = ("Ekstrak peta ini bersifat informatif untuk penilaian KKPR dan bukan keputusan KKPR. "
               "Keputusan KKPR (KKKPR/PKKPR) diterbitkan melalui sistem OSS.")
OSS_NOTE_EN = ("This map extract is advisory, for the KKPR assessment; it is not the KKPR decision, "
               "which is issued through the OSS system.")


# --------------------------------------------------------------------------------------------- text

_REPLACEMENTS = {"≤": "<=", "≥": ">=", "→": "->", "←": "<-", "×": "x", "−": "-", "‑": "-", "≈": "~",
                 "\u00a0": " ", "\u2009": " ", "\u202f": " "}


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
    return json.dumps(answer, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode("utf-8")


def answer_sha256(answer: Any) -> str:
    """SHA-256 (hex) of :func:`canonical_json` — the hash printed in the PDF."""
    return hashlib.sha256(canonical_json(answer)).hexdigest()


def fmt_num(value: Any, digits: int = 1, unit: str = "") -> str:
    """Indonesian number format: ``1234.5`` → ``1.234,5``; ``None`` → ``–``."""
    if value is None or value == "":
        return "-"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return pdf_text(value)
    if digits == 0 or (number.is_integer() and digits <= 1 and abs(number) >= 100):
        text = f"{number:,.0f}"
    else:
        text = f"{number:,.{digits}f}"
    text = text.replace(",", "\u0001").replace(".", ",").replace("\u0001", ".")
    return f"{text}{unit}"


def fmt_scale(denominator: int) -> str:
    return "1:" + f"{denominator:,}".replace(",", ".")


# --------------------------------------------------------------------------------------- geometry


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


# ------------------------------------------------------------------------------------------ input


@dataclass
class ExtractInput:
    """Everything one extract shows. ``answer`` is the parcel analysis (interface "What is permitted
    on a parcel"); ``zones`` and ``outline`` are GeoJSON features in EPSG:4326."""

    extract_id: str
    created_at: datetime
    officer: str
    reference: str | None
    activity: str | None
    answer: dict
    parcel: BaseGeometry
    zones: list[dict]
    verify_url: str
    answer_sha256: str
    outline: list[dict] = field(default_factory=list)
    app_version: str = ""


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
        fx0, fy0, _, _ = self.frame
        k = 1000.0 / self.scale * mm  # points per metre
        return fx0 + (x - self.xmin) * k, fy0 + (y - self.ymin) * k

    @property
    def points_per_metre(self) -> float:
        return 1000.0 / self.scale * mm

    def bbox_lonlat(self, margin_m: float = 0.0) -> tuple[float, float, float, float]:
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


# --------------------------------------------------------------------------------------- drawing

_fill_cache: dict[str, colors.Color] = {}


def _color(hex_: str) -> colors.Color:
    c = _fill_cache.get(hex_)
    if c is None:
        c = colors.HexColor(hex_)
        _fill_cache[hex_] = c
    return c


def _ring_path(path, coords, to_page) -> None:
    first = True
    for x, y in coords:
        px, py = to_page(x, y)
        if first:
            path.moveTo(px, py)
            first = False
        else:
            path.lineTo(px, py)
    path.close()


def _draw_polygon(canv, poly, to_page, stroke: bool, fill: bool) -> None:
    path = canv.beginPath()
    _ring_path(path, poly.exterior.coords, to_page)
    for interior in poly.interiors:
        _ring_path(path, interior.coords, to_page)
    canv.drawPath(path, stroke=1 if stroke else 0, fill=1 if fill else 0, fillMode=FILL_EVEN_ODD)


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


def draw_map(canv, view: MapView, zones: list[tuple[dict, BaseGeometry]], parcel_utm: BaseGeometry) -> None:
    """The map frame: zones, their codes, the parcel and its numbered vertices, ticks, north arrow."""
    fx0, fy0, fx1, fy1 = view.frame
    to_page = view.to_page
    canv.saveState()
    clip = canv.beginPath()
    clip.rect(fx0, fy0, fx1 - fx0, fy1 - fy0)
    canv.clipPath(clip, stroke=0, fill=0)
    canv.setFillColor(colors.white)
    canv.rect(fx0, fy0, fx1 - fx0, fy1 - fy0, stroke=0, fill=1)

    canv.setStrokeColor(_color(style.ZONE_STROKE))
    canv.setLineWidth(0.25)
    for props, geom in zones:
        canv.setFillColor(_color(style.fill_color(props.get("subzone_code"), props.get("zone_code"))))
        for poly in polygons_of(geom):
            _draw_polygon(canv, poly, to_page, stroke=True, fill=True)

    # Sub-zone codes on pieces big enough to hold them (≥ ~12 × 6 mm on paper).
    ppm = view.points_per_metre
    min_area_m2 = (12 * mm / ppm) * (6 * mm / ppm)
    for props, geom in zones:
        if geom.area < min_area_m2:
            continue
        code = pdf_text(props.get("subzone_code") or "")
        fill = style.fill_color(props.get("subzone_code"), props.get("zone_code"))
        pt = geom.representative_point()
        px, py = to_page(pt.x, pt.y)
        canv.setFont("Helvetica-Bold", 7)
        canv.setFillColor(_color(style.label_color(fill)))
        canv.drawCentredString(px, py - 2.5, code)

    # The parcel: a white halo under a strong outline, then numbered vertices.
    for width, col in ((3.2, colors.white), (1.4, _color(style.PARCEL_STROKE))):
        canv.setStrokeColor(col)
        canv.setLineWidth(width)
        canv.setLineJoin(1)
        for poly in polygons_of(parcel_utm):
            _draw_polygon(canv, poly, to_page, stroke=True, fill=False)
    n = 1
    vertices = []
    for poly in polygons_of(parcel_utm):
        for x, y in list(poly.exterior.coords)[:-1]:
            vertices.append((n, x, y))
            n += 1
    show_numbers = len(vertices) <= 60
    for number, x, y in vertices:
        px, py = to_page(x, y)
        canv.setFillColor(_color(style.PARCEL_STROKE))
        canv.circle(px, py, 1.3, stroke=0, fill=1)
        if show_numbers:
            canv.setFont("Helvetica-Bold", 6)
            canv.setFillColor(colors.white)
            label = str(number)
            tw = canv.stringWidth(label, "Helvetica-Bold", 6)
            canv.rect(px + 2, py + 1.5, tw + 2, 7, stroke=0, fill=1)
            canv.setFillColor(colors.black)
            canv.drawString(px + 3, py + 3, label)
    canv.restoreState()

    # Frame, coordinate ticks (UTM metres) on all four sides.
    canv.setStrokeColor(colors.black)
    canv.setLineWidth(0.8)
    canv.rect(fx0, fy0, fx1 - fx0, fy1 - fy0, stroke=1, fill=0)
    step = {1000: 50, 2500: 100, 5000: 200, 10000: 500}.get(view.scale, _nice_step(view.xmax - view.xmin, 6))
    canv.setFont("Helvetica", 5.5)
    canv.setFillColor(colors.black)
    canv.setLineWidth(0.5)
    e = math.ceil(view.xmin / step) * step
    while e <= view.xmax:
        px, _ = to_page(e, view.ymin)
        canv.line(px, fy0, px, fy0 + 2 * mm)
        canv.line(px, fy1, px, fy1 - 2 * mm)
        canv.drawCentredString(px, fy0 - 2.6 * mm, f"{e:,.0f}".replace(",", "."))
        e += step
    nn = math.ceil(view.ymin / step) * step
    while nn <= view.ymax:
        _, py = to_page(view.xmin, nn)
        canv.line(fx0, py, fx0 + 2 * mm, py)
        canv.line(fx1, py, fx1 - 2 * mm, py)
        canv.saveState()
        canv.translate(fx0 - 1.2 * mm, py)
        canv.rotate(90)
        canv.drawCentredString(0, 0, f"{nn:,.0f}".replace(",", "."))
        canv.restoreState()
        nn += step

    # North arrow (grid north of the UTM projection) in the top-right corner.
    ax, ay = fx1 - 9 * mm, fy1 - 17 * mm
    canv.setFillColor(colors.Color(1, 1, 1, alpha=0.85))
    canv.setStrokeColor(colors.black)
    canv.setLineWidth(0.4)
    canv.roundRect(ax - 6 * mm, ay - 3 * mm, 12 * mm, 18 * mm, 1.5 * mm, stroke=1, fill=1)
    arrow = canv.beginPath()
    arrow.moveTo(ax, ay + 11 * mm)
    arrow.lineTo(ax - 3 * mm, ay)
    arrow.lineTo(ax, ay + 2.5 * mm)
    arrow.close()
    canv.setFillColor(colors.black)
    canv.drawPath(arrow, stroke=1, fill=1)
    arrow = canv.beginPath()
    arrow.moveTo(ax, ay + 11 * mm)
    arrow.lineTo(ax + 3 * mm, ay)
    arrow.lineTo(ax, ay + 2.5 * mm)
    arrow.close()
    canv.setFillColor(colors.white)
    canv.drawPath(arrow, stroke=1, fill=1)
    canv.setFillColor(colors.black)
    canv.setFont("Helvetica-Bold", 8)
    canv.drawCentredString(ax, ay + 12 * mm, "U")
    canv.setFont("Helvetica", 4.5)
    canv.drawCentredString(ax, ay - 2 * mm, "Utara / North")


def draw_scale_bar(canv, x: float, y: float, scale: int, max_width: float) -> float:
    """A graphic scale bar at (x, y) no wider than ``max_width`` points; returns its height."""
    metres_max = max_width / mm * scale / 1000
    total = _nice_floor(metres_max)
    lead = total / 10 ** math.floor(math.log10(total))
    parts = 4 if lead == 2 else 5
    ppm = 1000.0 / scale * mm
    seg = total / parts * ppm
    canv.setLineWidth(0.5)
    canv.setStrokeColor(colors.black)
    for i in range(parts):
        canv.setFillColor(colors.black if i % 2 == 0 else colors.white)
        canv.rect(x + i * seg, y, seg, 2.2 * mm, stroke=1, fill=1)
    canv.setFillColor(colors.black)
    canv.setFont("Helvetica", 6)
    for i in range(parts + 1):
        value = total / parts * i
        label = f"{value:,.0f}".replace(",", ".") if value >= 1 or value == 0 else f"{value:g}"
        canv.drawCentredString(x + i * seg, y + 3.2 * mm, label)
    canv.drawString(x + parts * seg + 2 * mm, y + 0.4 * mm, "m")
    return 6 * mm


def draw_inset(canv, rect: tuple[float, float, float, float], view: MapView, outline: list[dict],
               parcel_utm: BaseGeometry, title: str) -> None:
    """A location inset: the plan's kelurahan outlines with the map frame marked."""
    x0, y0, x1, y1 = rect
    canv.setStrokeColor(colors.black)
    canv.setLineWidth(0.6)
    canv.setFillColor(colors.Color(0.93, 0.96, 1))
    canv.rect(x0, y0, x1 - x0, y1 - y0, stroke=1, fill=1)
    canv.setFont("Helvetica-Bold", 6.5)
    canv.setFillColor(colors.black)
    canv.drawString(x0 + 1.5 * mm, y1 - 3 * mm, pdf_text(title))
    inner = (x0 + 2 * mm, y0 + 2 * mm, x1 - 2 * mm, y1 - 5 * mm)
    geoms = []
    for f in outline:
        try:
            geoms.append((f["properties"].get("name"), project(shape(f["geometry"]), 4326, view.epsg)))
        except Exception:  # noqa: BLE001 - a broken outline only loses the inset's context
            continue
    frame_box = box(view.xmin, view.ymin, view.xmax, view.ymax)
    all_bounds = [g.bounds for _, g in geoms if not g.is_empty] + [frame_box.bounds]
    bx0 = min(b[0] for b in all_bounds)
    by0 = min(b[1] for b in all_bounds)
    bx1 = max(b[2] for b in all_bounds)
    by1 = max(b[3] for b in all_bounds)
    span = max(bx1 - bx0, by1 - by0, 1.0) * 1.06
    k = min(inner[2] - inner[0], inner[3] - inner[1]) / span
    cx, cy = (bx0 + bx1) / 2, (by0 + by1) / 2
    icx, icy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2

    def to_inset(x: float, y: float) -> tuple[float, float]:
        return icx + (x - cx) * k, icy + (y - cy) * k

    canv.saveState()
    clip = canv.beginPath()
    clip.rect(x0, y0, x1 - x0, y1 - y0)
    canv.clipPath(clip, stroke=0, fill=0)
    canv.setLineWidth(0.3)
    canv.setStrokeColor(colors.Color(0.45, 0.45, 0.45))
    here = parcel_utm.centroid
    for name, g in geoms:
        contains = g.buffer(0).contains(here) if not g.is_empty else False
        canv.setFillColor(colors.Color(1, 0.92, 0.75) if contains else colors.Color(0.88, 0.88, 0.86))
        for poly in polygons_of(g):  # exteriors only: holes are noise at this scale
            _draw_polygon(canv, shapely.Polygon(poly.exterior), to_inset, stroke=True, fill=True)
    # The map frame, or a marker when it would be too small to see.
    fx0, fy0 = to_inset(view.xmin, view.ymin)
    fx1, fy1 = to_inset(view.xmax, view.ymax)
    canv.setStrokeColor(_color(style.PARCEL_STROKE))
    canv.setLineWidth(1.0)
    if fx1 - fx0 < 3 * mm:
        px, py = to_inset(here.x, here.y)
        canv.circle(px, py, 1.6 * mm, stroke=1, fill=0)
        canv.line(px - 2.6 * mm, py, px - 1.6 * mm, py)
        canv.line(px + 1.6 * mm, py, px + 2.6 * mm, py)
        canv.line(px, py - 2.6 * mm, px, py - 1.6 * mm)
        canv.line(px, py + 1.6 * mm, px, py + 2.6 * mm)
    else:
        canv.rect(fx0, fy0, fx1 - fx0, fy1 - fy0, stroke=1, fill=0)
    canv.restoreState()


def draw_qr(canv, data: str, x: float, y: float, size: float) -> None:
    """A QR code of ``data`` as vector squares, bottom-left at (x, y), ``size`` points wide
    (including a 4-module quiet zone)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(border=0, error_correction=ERROR_CORRECT_M)
    qr.add_data(data)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    n = len(matrix)
    module = size / (n + 8)
    canv.setFillColor(colors.white)
    canv.rect(x, y, size, size, stroke=0, fill=1)
    canv.setFillColor(colors.black)
    ox, oy = x + 4 * module, y + 4 * module
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                canv.rect(ox + start * module, oy + (n - 1 - r) * module, (c - start) * module, module,
                          stroke=0, fill=1)
            else:
                c += 1


# ------------------------------------------------------------------------------------ the document


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName="Helvetica", fontSize=8, leading=10)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=6.5, leading=8),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7, leading=8.5),
        "cellb": ParagraphStyle("cellb", parent=base, fontName="Helvetica-Bold", fontSize=7, leading=8.5),
        "h1": ParagraphStyle("h1", parent=base, fontName="Helvetica-Bold", fontSize=13, leading=16),
        "h2": ParagraphStyle("h2", parent=base, fontName="Helvetica-Bold", fontSize=10, leading=13,
                             spaceBefore=6, spaceAfter=3),
        "en": ParagraphStyle("en", parent=base, fontName="Helvetica-Oblique", fontSize=7, leading=9,
                             textColor=colors.Color(0.3, 0.3, 0.3)),
    }


_TABLE_STYLE = TableStyle([
    ("FONT", (0, 0), (-1, -1), "Helvetica", 7),
    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7),
    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.90, 0.93)),
    ("GRID", (0, 0), (-1, -1), 0.3, colors.Color(0.55, 0.55, 0.55)),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
    ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
])


def _table(rows: list[list[Any]], widths: list[float], st: dict, numeric_cols: Iterable[int] = ()) -> Table:
    cells = []
    for i, row in enumerate(rows):
        out = []
        for value in row:
            if isinstance(value, (Paragraph, Table)):
                out.append(value)
            else:
                out.append(Paragraph(_p(value), st["cellb"] if i == 0 else st["cell"]))
        cells.append(out)
    table = Table(cells, colWidths=[w * mm for w in widths], repeatRows=1, hAlign="LEFT")
    ts = TableStyle(_TABLE_STYLE.getCommands())
    for col in numeric_cols:
        ts.add("ALIGN", (col, 1), (col, -1), "RIGHT")
    table.setStyle(ts)
    return table


def _heading(st, indonesian: str, english: str) -> Paragraph:
    return Paragraph(f"{_p(indonesian)} <font name='Helvetica-Oblique' size='8' color='#555555'>/ "
                     f"{_p(english)}</font>", st["h2"])


def _plans(answer: dict) -> list[dict]:
    seen = {}
    for z in answer.get("zones") or []:
        plan = z.get("plan") or {}
        key = (plan.get("id"), plan.get("version"))
        if key not in seen and plan:
            seen[key] = plan
    return list(seen.values())


def _class_label(cls: str | None) -> str:
    if not cls:
        return "-"
    return f"{cls} - {CLASS_NAMES.get(cls, '')}"


def _intensity_rows(answer: dict) -> list[list[Any]]:
    rows = [["Sub-zona", "KDB maks (%)", "KLB maks", "KDH min (%)", "KTB maks (%)", "Tinggi maks (m)",
             "Lantai maks", "GSB min (m)", "Kavling min (m²)"]]
    seen = set()
    for z in answer.get("zones") or []:
        it = z.get("intensity") or {}
        key = (z.get("subzone_code"), json.dumps(it, sort_keys=True, default=str))
        if key in seen:
            continue
        seen.add(key)
        rows.append([z.get("subzone_code"), fmt_num(it.get("kdb_max"), 0), fmt_num(it.get("klb_max"), 2),
                     fmt_num(it.get("kdh_min"), 0), fmt_num(it.get("ktb_max"), 0),
                     fmt_num(it.get("height_max_m"), 1), fmt_num(it.get("floors_max"), 0),
                     fmt_num(it.get("gsb_min_m"), 1), fmt_num(it.get("lot_min_m2"), 0)])
    return rows


def _condition_texts(answer: dict, subzone_code: str | None) -> list[str]:
    """Condition texts of the activity in one sub-zone, from the zone pieces (``zones[].activity``)."""
    texts: list[str] = []
    for z in answer.get("zones") or []:
        if z.get("subzone_code") != subzone_code:
            continue
        act = z.get("activity") or {}
        for t in act.get("conditions") or []:
            if t and t not in texts:
                texts.append(t)
    return texts


def build_story(data: ExtractInput, view: MapView, st: dict) -> list:
    answer = data.answer
    story: list = []
    # Page 1 is drawn on the canvas (map, summary); the flowing part starts on page 2.
    story.append(NextPageTemplate("later"))
    story.append(PageBreak())

    # 1. Pieces and shares.
    story.append(_heading(st, "1. Bagian persil per sub-zona", "Parcel pieces by sub-zone"))
    rows = [["No.", "Kode sub-zona", "Nama sub-zona", "Zona", "Blok / sub-blok", "Kelurahan, kecamatan",
             "Luas (m²)", "Bagian (%)"]]
    for i, z in enumerate(answer.get("zones") or [], start=1):
        rows.append([i, z.get("subzone_code"), z.get("subzone_name"),
                     f"{z.get('zone_code') or '-'} {z.get('zone_name') or ''}".strip(),
                     f"{z.get('block') or '-'} / {z.get('subblock') or '-'}",
                     f"{z.get('kelurahan') or '-'}, {z.get('kecamatan') or '-'}",
                     fmt_num(z.get("area_m2"), 1), fmt_num((z.get("share") or 0) * 100, 1)])
    story.append(_table(rows, [8, 20, 40, 30, 20, 36, 16, 16], st, numeric_cols=(6, 7)))
    slivers = answer.get("slivers") or []
    if slivers:
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph(_p("Bagian kecil (sliver) di bawah toleransi, tidak menentukan hasil / "
                                  "Slivers below the tolerance, not deciding the verdict:"), st["small"]))
        srows = [["Kode sub-zona", "Luas (m²)", "Bagian (%)"]]
        for s in slivers:
            srows.append([s.get("subzone_code"), fmt_num(s.get("area_m2"), 2),
                          fmt_num((s.get("share") or 0) * 100, 2)])
        story.append(_table(srows, [30, 25, 25], st, numeric_cols=(1, 2)))
    boundary = answer.get("boundary") or {}
    if boundary.get("near_boundary") or boundary.get("crosses_boundary"):
        story.append(Spacer(1, 1.5 * mm))
        story.append(Paragraph(_p(
            f"Persil {'dilintasi' if boundary.get('crosses_boundary') else 'dekat'} batas zona. Toleransi posisi "
            f"peta RDTR {fmt_num(boundary.get('tolerance_m'), 1)} m; luas yang tidak pasti di sepanjang batas "
            f"~{fmt_num(boundary.get('uncertain_area_m2'), 1)} m². / The parcel "
            f"{'crosses' if boundary.get('crosses_boundary') else 'is near'} a zone boundary; the map's positional "
            "tolerance applies."), st["base"]))
    covered = answer.get("covered_share")
    if covered is not None and covered < 0.999:
        story.append(Paragraph(_p(f"Hanya {fmt_num(covered * 100, 1)} % persil tercakup RDTR; bagian lain "
                                  "mengikuti RTRW. / Only part of the parcel is covered by an RDTR."), st["base"]))

    # 2. Intensity and limits.
    story.append(_heading(st, "2. Intensitas pemanfaatan ruang dan batas", "Intensity and limits"))
    story.append(_table(_intensity_rows(answer), [22, 19, 17, 19, 19, 21, 18, 19, 22], st,
                        numeric_cols=range(1, 9)))
    limits = answer.get("limits") or {}
    story.append(Spacer(1, 2 * mm))
    lrows = [["Batas untuk persil ini / Limit for this parcel", "Nilai / Value"],
             ["Luas lantai dasar maksimum (KDB x luas) / max footprint", fmt_num(limits.get("max_footprint_m2"), 1, " m²")],
             ["Luas seluruh lantai maksimum (KLB x luas) / max floor area", fmt_num(limits.get("max_floor_area_m2"), 1, " m²")],
             ["Luas ruang hijau minimum (KDH x luas) / min green area", fmt_num(limits.get("min_green_area_m2"), 1, " m²")],
             ["Tinggi bangunan maksimum / max height", fmt_num(limits.get("max_height_m"), 1, " m")],
             ["Jumlah lantai maksimum / max floors", fmt_num(limits.get("max_floors"), 0)]]
    story.append(_table(lrows, [120, 50], st, numeric_cols=(1,)))
    lot = answer.get("lot_size") or {}
    if lot.get("breach"):
        story.append(Spacer(1, 1.5 * mm))
        story.append(Paragraph(_p("Luas persil di bawah luas kavling minimum / the parcel is below the minimum lot "
                                  f"size: {'; '.join(str(b) for b in lot.get('breaches') or [])}"), st["base"]))

    # 3. The activity.
    act = answer.get("activity")
    story.append(_heading(st, "3. Kegiatan yang dimohon (ITBX)", "Requested activity (ITBX)"))
    if act:
        kbli = act.get("kbli")
        head = (f"<b>{_p(act.get('code'))} {_p(act.get('name'))}</b>"
                + (f" (KBLI {_p(', '.join(kbli) if isinstance(kbli, list) else kbli)})" if kbli else "")
                + f" - kelas / class: <b>{_p(_class_label(act.get('class')))}</b>")
        story.append(Paragraph(head, st["base"]))
        story.append(Spacer(1, 1.5 * mm))
        arows = [["Sub-zona", "Bagian (%)", "Kelas / class", "Kode ketentuan / codes", "Ketentuan / conditions"]]
        for bz in act.get("by_zone") or []:
            texts = bz.get("conditions") or _condition_texts(answer, bz.get("subzone_code"))
            note = " (sliver: tidak menentukan / does not decide)" if bz.get("sliver") else ""
            arows.append([f"{bz.get('subzone_code')}{note}", fmt_num((bz.get("share") or 0) * 100, 1),
                          _class_label(bz.get("class")), ", ".join(bz.get("codes") or []) or "-",
                          "\n".join(texts) if texts else "-"])
        story.append(_table(arows, [20, 16, 40, 26, 83], st, numeric_cols=(1,)))
    else:
        story.append(Paragraph(_p(f"Tidak ada kegiatan yang diminta / no activity requested "
                                  f"({data.activity or '-'})."), st["base"]))

    # 4. Special provisions, TPZ, overlays.
    story.append(_heading(st, "4. Ketentuan khusus dan TPZ", "Special provisions and zoning techniques"))
    krows = [["Sub-zona", "Ketentuan khusus / special provisions", "TPZ"]]
    for z in answer.get("zones") or []:
        sp = z.get("special_provisions") or []
        sp_text = "; ".join(f"{p.get('kind')}: {p.get('value')}" for p in sp if isinstance(p, dict)) or "Tidak ada"
        texts = {t.get("code"): t.get("text") for t in z.get("tpz_texts") or [] if isinstance(t, dict)}
        tpz = z.get("tpz") or []
        tpz_text = "; ".join((f"{t}: {texts[t]}" if texts.get(t) else str(t)) if isinstance(t, str) else json.dumps(t)
                             for t in tpz) or "Tidak ada"
        krows.append([z.get("subzone_code"), sp_text, tpz_text])
    story.append(_table(krows, [25, 110, 50], st))
    overlays = answer.get("overlays") or []
    if overlays:
        story.append(Spacer(1, 2 * mm))
        orows = [["Lapisan / overlay", "Nama / name", "Ketentuan / text"]]
        for o in overlays:
            orows.append([o.get("kind"), o.get("name"), o.get("text")])
        story.append(_table(orows, [25, 50, 110], st))

    # 5. Vertex coordinates.
    story.append(CondPageBreak(40 * mm))
    story.append(_heading(st, "5. Koordinat titik batas persil", "Parcel vertex coordinates"))
    story.append(Paragraph(_p(f"Bujur/lintang EPSG:4326 (WGS 84 ~ SRGI2013); E/N {crs_name(view.epsg)} "
                              f"(EPSG:{view.epsg}), meter."), st["small"]))
    story.append(Spacer(1, 1 * mm))
    vrows = [["No.", "Bujur / lon", "Lintang / lat", "E (m)", "N (m)"]]
    tr = _transformer(4326, view.epsg)
    for number, lon, lat in parcel_vertices(data.parcel):
        e, n = tr.transform(lon, lat)
        vrows.append([number, f"{lon:.7f}", f"{lat:.7f}", f"{e:,.2f}".replace(",", " "),
                      f"{n:,.2f}".replace(",", " ")])
    story.append(_table(vrows, [12, 32, 32, 32, 32], st, numeric_cols=(1, 2, 3, 4)))

    # 6. Notes.
    story.append(_heading(st, "6. Catatan", "Notes"))
    notes = [
        OSS_NOTE_ID,
        OSS_NOTE_EN,
        f"SHA-256 jawaban (JSON kanonik): {data.answer_sha256}. Nilai ini adalah SHA-256 dari jawaban "
        "analisis pada catatan ekstrak, ditulis sebagai JSON dengan kunci terurut, tanpa spasi, UTF-8. "
        "SHA-256 berkas PDF ini sendiri tercatat pada URL verifikasi (field sha256).",
        "The printed hash is the SHA-256 of the record's answer as canonical JSON (sorted keys, no "
        "whitespace, UTF-8). The SHA-256 of this PDF file is the record's sha256 at the verification URL.",
        f"Verifikasi / verify: {data.verify_url}",
    ]
    for note in notes:
        story.append(Paragraph(_p(note), st["base"]))
        story.append(Spacer(1, 1 * mm))
    return story


def _draw_footer(canv, doc, data: ExtractInput) -> None:
    canv.saveState()
    canv.setStrokeColor(colors.Color(0.6, 0.6, 0.6))
    canv.setLineWidth(0.4)
    canv.line(MARGIN, FOOTER_H, PAGE_W - MARGIN, FOOTER_H)
    canv.setFillColor(colors.black)
    canv.setFont("Helvetica-Bold", 6.5)
    canv.drawString(MARGIN, FOOTER_H - 3 * mm, pdf_text(f"ID ekstrak / extract id: {data.extract_id}"))
    canv.drawRightString(PAGE_W - MARGIN, FOOTER_H - 3 * mm, f"Halaman / page {doc.page}")
    canv.setFont("Helvetica", 5.6)
    canv.drawString(MARGIN, FOOTER_H - 6 * mm, pdf_text(
        f"SHA-256 jawaban (JSON kanonik) / of the answer (canonical JSON): {data.answer_sha256}"))
    canv.drawString(MARGIN, FOOTER_H - 8.5 * mm, pdf_text(
        "Hash di atas mencakup jawaban, bukan berkas ini; SHA-256 berkas PDF tercatat di URL verifikasi. / "
        "The hash covers the answer, not this file; the PDF's own SHA-256 is at the verification URL."))
    canv.drawString(MARGIN, FOOTER_H - 11 * mm, pdf_text(OSS_NOTE_ID))
    canv.drawString(MARGIN, FOOTER_H - 13.5 * mm, pdf_text(OSS_NOTE_EN))
    canv.restoreState()


def _draw_first_page(canv, doc, data: ExtractInput, view: MapView, zones_utm, parcel_utm) -> None:
    answer = data.answer
    plans = _plans(answer)
    canv.saveState()
    # Title block.
    canv.setFillColor(colors.black)
    canv.setFont("Helvetica-Bold", 13)
    canv.drawString(MARGIN, HEADER_TOP - 4 * mm, "EKSTRAK PETA RENCANA DETAIL TATA RUANG (RDTR)")
    canv.setFont("Helvetica-Oblique", 7.5)
    canv.setFillColor(colors.Color(0.3, 0.3, 0.3))
    canv.drawString(MARGIN, HEADER_TOP - 8 * mm,
                    "Map extract of the detailed spatial plan - for the KKPR assessment (not the KKPR decision)")
    canv.setFillColor(colors.black)
    y = HEADER_TOP - 13 * mm
    width = PAGE_W - 2 * MARGIN
    lines: list[tuple[str, float, str]] = []
    for plan in (plans or [{}])[:2]:
        lines.append(("Helvetica-Bold", 8, f"{plan.get('name') or 'Rencana tidak ditemukan / no plan'}"
                                           f"  (versi / version {plan.get('version', '-')})"))
        lines.append(("Helvetica", 8, f"Dasar hukum / legal basis: {plan.get('legal_basis') or '-'}"
                                      f"; berlaku sejak / in force from {plan.get('effective_from') or '-'}"))
    lines.append(("Helvetica", 7.5, f"Nomor referensi / reference: {data.reference or '-'}  |  Kegiatan / activity: "
                                    f"{data.activity or '-'}  |  Tanggal acuan / as at: {answer.get('at') or '-'}"))
    for font, size, line in lines:
        canv.setFont(font, size)
        for part in simpleSplit(pdf_text(line), font, size, width)[:2]:
            if y < MAP_Y1 + 2 * mm:
                break
            canv.drawString(MARGIN, y, part)
            y -= size * 0.45 * mm
    # Extract id box on the right.
    canv.setFont("Helvetica-Bold", 8)
    canv.drawRightString(PAGE_W - MARGIN, HEADER_TOP - 4 * mm, pdf_text(f"ID: {data.extract_id}"))
    canv.setFont("Helvetica", 7)
    canv.drawRightString(PAGE_W - MARGIN, HEADER_TOP - 8 * mm,
                         data.created_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))

    draw_map(canv, view, zones_utm, parcel_utm)

    # Under the map: legend | scale & CRS | inset.
    top = BELOW_MAP_TOP - 3 * mm
    canv.setFont("Helvetica-Bold", 7.5)
    canv.setFillColor(colors.black)
    canv.drawString(MARGIN, top, "Legenda / Legend")
    present = style.legend([p for p, _ in zones_utm])
    entries = [(e.color, f"{e.subzone_code}  {e.subzone_name or ''}".strip()) for e in present]
    cols = 1 if len(entries) <= 7 else 2
    col_w = 96 * mm / cols
    max_rows = 8
    ly = top - 4.5 * mm
    font_size = 6.5 if cols == 1 else 6
    for i, (col, label) in enumerate(entries[: max_rows * cols]):
        cx = MARGIN + (i // max_rows) * col_w
        cy = ly - (i % max_rows) * 4 * mm
        canv.setFillColor(_color(col))
        canv.setStrokeColor(_color(style.ZONE_STROKE))
        canv.setLineWidth(0.3)
        canv.rect(cx, cy - 0.6 * mm, 5 * mm, 3 * mm, stroke=1, fill=1)
        canv.setFillColor(colors.black)
        canv.setFont("Helvetica", font_size)
        text = pdf_text(label)
        while canv.stringWidth(text, "Helvetica", font_size) > col_w - 8 * mm and len(text) > 4:
            text = text[:-2]
        canv.drawString(cx + 6.5 * mm, cy, text if text == pdf_text(label) else text.rstrip() + "...")
    if len(entries) > max_rows * cols:
        canv.setFont("Helvetica-Oblique", 6)
        canv.drawString(MARGIN, ly - max_rows * 4 * mm, f"+{len(entries) - max_rows * cols} lainnya / more")
    # Parcel symbol.
    py_ = ly - min(len(entries), max_rows) * 4 * mm - 1 * mm
    canv.setStrokeColor(_color(style.PARCEL_STROKE))
    canv.setLineWidth(1.4)
    canv.rect(MARGIN, py_ - 0.6 * mm, 5 * mm, 3 * mm, stroke=1, fill=0)
    canv.setFillColor(colors.black)
    canv.setFont("Helvetica", font_size)
    canv.drawString(MARGIN + 6.5 * mm, py_, "Persil yang dimohon / requested parcel")

    sx = MARGIN + 100 * mm
    canv.setFont("Helvetica-Bold", 9)
    canv.drawString(sx, top, f"Skala / scale {fmt_scale(view.scale)}")
    canv.setFont("Helvetica", 6)
    canv.drawString(sx, top - 3.5 * mm, "(pada kertas A4 / printed on A4 at 100 %)")
    draw_scale_bar(canv, sx, top - 12 * mm, view.scale, 38 * mm)
    canv.setFont("Helvetica", 6)
    lines = ["Sistem koordinat / CRS:", f"{crs_name(view.epsg)} (EPSG:{view.epsg})",
             "Grid dan tanda tepi: meter / ticks in metres", "SRGI2013 ~ WGS 84 (selisih ~1 m)"]
    sw, ss_ = view.bbox_lonlat()[:2]
    ne = view.bbox_lonlat()[2:]
    lines.append(f"Pojok / corners: {sw:.5f}, {ss_:.5f}")
    lines.append(f"  ... {ne[0]:.5f}, {ne[1]:.5f} (bujur, lintang)")
    for i, line in enumerate(lines):
        canv.drawString(sx, top - 17 * mm - i * 2.8 * mm, pdf_text(line))

    inset_rect = (PAGE_W - MARGIN - 40 * mm, top - 38 * mm, PAGE_W - MARGIN, top + 2.5 * mm)
    draw_inset(canv, inset_rect, view, data.outline, parcel_utm, "Lokasi / location")

    # Summary and QR.
    qr_size = 30 * mm
    sy = FOOTER_H + 2 * mm
    draw_qr(canv, data.verify_url, PAGE_W - MARGIN - qr_size, sy, qr_size)
    canv.setFont("Helvetica", 5.5)
    canv.drawRightString(PAGE_W - MARGIN, sy + qr_size + 1 * mm, "Pindai untuk verifikasi / scan to verify")

    st = _styles()
    parcel = answer.get("parcel") or {}
    c = data.parcel.centroid
    zones = answer.get("zones") or []
    first = zones[0] if zones else {}
    subzones = ", ".join(f"{z.get('subzone_code')} {z.get('subzone_name') or ''} ({fmt_num((z.get('share') or 0) * 100, 1)} %)"
                         for z in zones) or "tidak tercakup RDTR / not covered"
    act = answer.get("activity") or {}
    summary = [
        f"<b>Lokasi / location:</b> {c.y:.6f}, {c.x:.6f} (lintang, bujur); kelurahan "
        f"{_p(first.get('kelurahan') or '-')}, kecamatan {_p(first.get('kecamatan') or '-')}",
        f"<b>Luas persil / parcel area:</b> {fmt_num(parcel.get('area_m2'), 1, ' m²')}"
        + (" (geometri diperbaiki / repaired)" if parcel.get("repaired") else ""),
        f"<b>Sub-zona / sub-zone:</b> {_p(subzones)}",
        f"<b>Kegiatan / activity:</b> {_p(act.get('code'))} {_p(act.get('name'))} - kelas / class "
        f"<b>{_p(_class_label(act.get('class')))}</b>" if act else
        f"<b>Kegiatan / activity:</b> {_p(data.activity or '-')}",
        f"<b>Petugas / officer:</b> {_p(data.officer)}; <b>referensi / reference:</b> {_p(data.reference or '-')}",
        f"<b>Verifikasi / verification:</b> {_p(data.verify_url)}",
        "Rincian (bagian persil, intensitas, ketentuan, koordinat) di halaman berikut. / "
        "Details on the following pages.",
    ]
    frame_top = inset_rect[1] - 3 * mm
    f = Frame(MARGIN, sy, PAGE_W - 2 * MARGIN - qr_size - 3 * mm, frame_top - sy, leftPadding=0,
              rightPadding=0, topPadding=0, bottomPadding=0, showBoundary=0)
    f.addFromList([Paragraph(s.replace("²", "²"), st["base"]) for s in summary], canv)
    canv.restoreState()
    _draw_footer(canv, doc, data)


def render_pdf(data: ExtractInput) -> bytes:
    """The extract as PDF bytes (A4 portrait)."""
    view = map_view(data.parcel)
    zones_utm = _projected_zones(view, data.zones)
    parcel_utm = project(data.parcel, 4326, view.epsg)
    st = _styles()
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=12 * mm,
        bottomMargin=FOOTER_H + 3 * mm,
        title=pdf_text(f"Ekstrak peta RDTR {data.extract_id}"),
        author=pdf_text(data.officer), subject=pdf_text(data.reference or ""),
        creator=f"rdtr {data.app_version}".strip(), pageCompression=1,
    )
    first_frame = Frame(MARGIN, FOOTER_H, PAGE_W - 2 * MARGIN, 1 * mm, id="first")  # page 1: canvas only
    later_frame = Frame(MARGIN, FOOTER_H + 3 * mm, PAGE_W - 2 * MARGIN, PAGE_H - 12 * mm - FOOTER_H - 3 * mm,
                        id="later")
    doc.addPageTemplates([
        PageTemplate("first", frames=[first_frame],
                     onPage=lambda c, d: _draw_first_page(c, d, data, view, zones_utm, parcel_utm)),
        PageTemplate("later", frames=[later_frame], onPage=lambda c, d: _draw_footer(c, d, data)),
    ])
    doc.build(build_story(data, view, st))
    return buf.getvalue()


__all__ = ["ExtractInput", "MapView", "answer_sha256", "canonical_json", "choose_scale", "map_view",
           "render_pdf", "utm_epsg"]
