"""The map extract PDF (*ekstrak peta*) that an officer attaches to a KKPR assessment.

A4 portrait, drawn with reportlab directly: the zones and the parcel are projected into the UTM zone of
the parcel (SRGI2013 / UTM, EPSG:9476–9494, metres), then onto the page at a fixed standard scale
(1:1.000, 1:2.500 or 1:5.000, the largest that fits; 1:10.000 only for parcels too big for 1:5.000).

Page 1: the issuing office's letterhead (:mod:`~rdtr.render.extract.office`), title and legal basis, the
map (legend, north arrow, graphic scale bar, coordinate ticks, location inset), the verdict boxed, a
summary, the officer's signature block (name and NIP) and the QR code to the verification URL. Every page
says "Halaman X dari Y". Following pages: the pieces of the
parcel and their shares, intensity and limits, the activity's class and condition texts, special
provisions and TPZ, overlays, the parcel's vertex coordinates, and notes.

What the printed hash covers: the PDF cannot contain its own SHA-256, so it prints the SHA-256 of the
*canonical answer JSON* (:func:`canonical_json`), which anyone can recompute from the record at the
verification URL; the record's ``sha256`` is the SHA-256 of the PDF bytes themselves. The footer says so.

:func:`render_pdf` is pure (data in, bytes out): it reads no database, so it can be timed and tested alone.
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from rdtr.render.extract.firstpage import _draw_first_page, _draw_footer
from rdtr.render.extract.geometry import (
    MapView,
    _projected_zones,
    choose_scale,
    crs_name,
    map_view,
    parcel_vertices,
    polygons_of,
    project,
    utm_epsg,
)
from rdtr.render.extract.layout import build_story
from rdtr.render.extract.mapframe import draw_inset, draw_map, draw_qr, draw_scale_bar
from rdtr.render.extract.model import ExtractInput
from rdtr.render.extract.office import Office, OfficeLogoError, load_logo, office_from_settings
from rdtr.render.extract.official import NumberedCanvas
from rdtr.render.extract.page import FOOTER_H, MARGIN, PAGE_H, PAGE_W
from rdtr.render.extract.tables import _styles
from rdtr.render.extract.text import answer_sha256, canonical_json, fmt_num, fmt_scale, pdf_text


def render_pdf(data: ExtractInput) -> bytes:
    """The extract as PDF bytes (A4 portrait)."""
    view = map_view(data.parcel)
    zones_utm = _projected_zones(view, data.zones)
    parcel_utm = project(data.parcel, 4326, view.epsg)
    st = _styles()
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=12 * mm,
        bottomMargin=FOOTER_H + 3 * mm,
        title=pdf_text(f"Ekstrak peta RDTR {data.extract_id}"),
        author=pdf_text(data.officer),
        subject=pdf_text(data.reference or ""),
        creator=f"rdtr {data.app_version}".strip(),
        pageCompression=1,
    )
    first_frame = Frame(MARGIN, FOOTER_H, PAGE_W - 2 * MARGIN, 1 * mm, id="first")  # page 1: canvas only
    later_frame = Frame(
        MARGIN, FOOTER_H + 3 * mm, PAGE_W - 2 * MARGIN, PAGE_H - 12 * mm - FOOTER_H - 3 * mm, id="later"
    )
    doc.addPageTemplates(
        [
            PageTemplate(
                "first",
                frames=[first_frame],
                onPage=lambda c, d: _draw_first_page(c, d, data, view, zones_utm, parcel_utm),
            ),
            PageTemplate("later", frames=[later_frame], onPage=lambda c, d: _draw_footer(c, d, data)),
        ]
    )
    doc.build(build_story(data, view, st), canvasmaker=NumberedCanvas)
    return buf.getvalue()


__all__ = [
    "ExtractInput",
    "MapView",
    "Office",
    "OfficeLogoError",
    "answer_sha256",
    "build_story",
    "canonical_json",
    "choose_scale",
    "crs_name",
    "draw_inset",
    "draw_map",
    "draw_qr",
    "draw_scale_bar",
    "fmt_num",
    "fmt_scale",
    "load_logo",
    "map_view",
    "office_from_settings",
    "parcel_vertices",
    "pdf_text",
    "polygons_of",
    "project",
    "render_pdf",
    "utm_epsg",
]
