"""Drawing on the canvas of page 1: the map frame (zones, parcel, vertices, coordinate ticks, north arrow),
the graphic scale bar, the location inset and the QR code. Positions and sizes are in points."""

from __future__ import annotations

import math

import shapely
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import FILL_EVEN_ODD
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

from rdtr.numbers import format_number
from rdtr.render import style
from rdtr.render.extract.geometry import MapView, _nice_floor, _nice_step, polygons_of, project
from rdtr.render.extract.text import pdf_text

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
        canv.drawCentredString(px, fy0 - 2.6 * mm, format_number(e, 0, "id"))
        e += step
    nn = math.ceil(view.ymin / step) * step
    while nn <= view.ymax:
        _, py = to_page(view.xmin, nn)
        canv.line(fx0, py, fx0 + 2 * mm, py)
        canv.line(fx1, py, fx1 - 2 * mm, py)
        canv.saveState()
        canv.translate(fx0 - 1.2 * mm, py)
        canv.rotate(90)
        canv.drawCentredString(0, 0, format_number(nn, 0, "id"))
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
        label = format_number(value, 0, "id") if value >= 1 or value == 0 else format_number(value, 3, "id")
        canv.drawCentredString(x + i * seg, y + 3.2 * mm, label)
    canv.drawString(x + parts * seg + 2 * mm, y + 0.4 * mm, "m")
    return 6 * mm


def draw_inset(
    canv,
    rect: tuple[float, float, float, float],
    view: MapView,
    outline: list[dict],
    parcel_utm: BaseGeometry,
    title: str,
) -> None:
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
    for _name, g in geoms:
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
                canv.rect(
                    ox + start * module, oy + (n - 1 - r) * module, (c - start) * module, module, stroke=0, fill=1
                )
            else:
                c += 1
