"""What is drawn straight on the canvas: page 1 (letterhead, title block, map, legend, scale and CRS, inset,
the boxed verdict, summary, signature block, QR code) and the footer of every page."""

from __future__ import annotations

from datetime import UTC

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Frame, Paragraph

from rdtr.render import style
from rdtr.render.extract.conformity import verdict_words
from rdtr.render.extract.geometry import MapView, crs_name
from rdtr.render.extract.layout import _plans
from rdtr.render.extract.mapframe import _color, draw_inset, draw_map, draw_qr, draw_scale_bar
from rdtr.render.extract.model import ExtractInput
from rdtr.render.extract.office import office_from_defaults
from rdtr.render.extract.official import draw_letterhead, draw_signature, draw_verdict_box
from rdtr.render.extract.page import (
    BELOW_MAP_H,
    BELOW_MAP_TOP,
    FOOTER_H,
    MAP_Y1,
    MARGIN,
    OSS_NOTE_EN,
    OSS_NOTE_ID,
    PAGE_W,
    TITLE_TOP,
    VERDICT_H,
)
from rdtr.render.extract.tables import _class_label, _styles
from rdtr.render.extract.text import _p, fmt_num, fmt_scale, pdf_text
from rdtr.render.extract.words import date_id


def _draw_footer(canv, doc, data: ExtractInput) -> None:
    canv.saveState()
    canv.setStrokeColor(colors.Color(0.6, 0.6, 0.6))
    canv.setLineWidth(0.4)
    canv.line(MARGIN, FOOTER_H, PAGE_W - MARGIN, FOOTER_H)
    canv.setFillColor(colors.black)
    canv.setFont("Helvetica-Bold", 6.5)
    canv.drawString(MARGIN, FOOTER_H - 3 * mm, pdf_text(f"ID ekstrak / extract id: {data.extract_id}"))
    canv.setFont("Helvetica", 5.6)
    canv.drawString(
        MARGIN,
        FOOTER_H - 6 * mm,
        pdf_text(f"SHA-256 jawaban (JSON kanonik) / of the answer (canonical JSON): {data.answer_sha256}"),
    )
    canv.drawString(
        MARGIN,
        FOOTER_H - 8.5 * mm,
        pdf_text(
            "Hash di atas mencakup jawaban, bukan berkas ini; SHA-256 berkas PDF tercatat di URL verifikasi. / "
            "The hash covers the answer, not this file; the PDF's own SHA-256 is at the verification URL."
        ),
    )
    canv.drawString(MARGIN, FOOTER_H - 11 * mm, pdf_text(OSS_NOTE_ID))
    canv.drawString(MARGIN, FOOTER_H - 13.5 * mm, pdf_text(OSS_NOTE_EN))
    canv.restoreState()


def _conformity_words(answer: dict) -> tuple[str, str] | None:
    """The conformity verdict in words, when the extract was made with a proposal."""
    conformity = answer.get("conformity")
    if not conformity:
        return None
    return verdict_words(conformity.get("verdict"))


def _draw_title(canv, data: ExtractInput, plans: list[dict]) -> None:
    """Title, plan and legal basis, reference, and the extract's id and date, under the letterhead."""
    answer = data.answer
    canv.setFillColor(colors.black)
    canv.setFont("Helvetica-Bold", 11.5)
    canv.drawString(MARGIN, TITLE_TOP - 1 * mm, "EKSTRAK PETA RENCANA DETAIL TATA RUANG (RDTR)")
    canv.setFont("Helvetica-Oblique", 7)
    canv.setFillColor(colors.Color(0.3, 0.3, 0.3))
    canv.drawString(
        MARGIN,
        TITLE_TOP - 4.6 * mm,
        "Map extract of the detailed spatial plan - for the KKPR assessment (not the KKPR decision)",
    )
    canv.setFillColor(colors.black)
    canv.setFont("Helvetica-Bold", 7.5)
    canv.drawRightString(PAGE_W - MARGIN, TITLE_TOP - 1 * mm, pdf_text(f"ID ekstrak / id: {data.extract_id}"))
    canv.setFont("Helvetica", 7)
    created = data.created_at.astimezone(UTC)
    canv.drawRightString(PAGE_W - MARGIN, TITLE_TOP - 4.6 * mm, pdf_text(f"{date_id(created)}, {created:%H:%M} UTC"))
    y = TITLE_TOP - 9 * mm
    width = PAGE_W - 2 * MARGIN
    lines: list[tuple[str, float, str]] = []
    for plan in (plans or [{}])[:2]:
        lines.append(
            (
                "Helvetica-Bold",
                8,
                f"{plan.get('name') or 'Rencana tidak ditemukan / no plan'}"
                f" - versi / version {plan.get('version', '-')}"
                f" - berlaku sejak / in force from {plan.get('effective_from') or '-'}",
            )
        )
        lines.append(("Helvetica", 8, f"Dasar hukum / legal basis: {plan.get('legal_basis') or '-'}"))
    lines.append(
        (
            "Helvetica",
            7.5,
            f"Nomor referensi / reference: {data.reference or '-'}  |  Kegiatan / activity: "
            f"{data.activity or '-'}  |  Tanggal acuan / as at: {answer.get('at') or '-'}",
        )
    )
    for font, size, line in lines:
        canv.setFont(font, size)
        for part in simpleSplit(pdf_text(line), font, size, width)[:2]:
            if y < MAP_Y1 + 1.2 * mm:
                break
            canv.drawString(MARGIN, y, part)
            y -= size * 0.42 * mm


def _draw_first_page(canv, doc, data: ExtractInput, view: MapView, zones_utm, parcel_utm) -> None:
    answer = data.answer
    plans = _plans(answer)
    canv.saveState()
    draw_letterhead(canv, data.office or office_from_defaults())
    _draw_title(canv, data, plans)

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
    max_rows = 7
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
    lines = [
        "Sistem koordinat / CRS:",
        f"{crs_name(view.epsg)} (EPSG:{view.epsg})",
        "Grid dan tanda tepi: meter / ticks in metres",
        "SRGI2013 ~ WGS 84 (selisih ~1 m)",
    ]
    sw, ss_ = view.bbox_lonlat()[:2]
    ne = view.bbox_lonlat()[2:]
    lines.append(f"Pojok / corners: {sw:.5f}, {ss_:.5f}")
    lines.append(f"  ... {ne[0]:.5f}, {ne[1]:.5f} (bujur, lintang)")
    for i, line in enumerate(lines):
        canv.drawString(sx, top - 17 * mm - i * 2.8 * mm, pdf_text(line))

    inset_rect = (PAGE_W - MARGIN - 40 * mm, top - 36 * mm, PAGE_W - MARGIN, top + 2.5 * mm)
    draw_inset(canv, inset_rect, view, data.outline, parcel_utm, "Lokasi / location")

    # The verdict, boxed.
    box_top = BELOW_MAP_TOP - BELOW_MAP_H
    draw_verdict_box(canv, (MARGIN, box_top - VERDICT_H, PAGE_W - MARGIN, box_top), data, _conformity_words(answer))

    # Summary | signature | QR code.
    qr_size = 27 * mm
    sy = FOOTER_H + 2 * mm
    frame_top = box_top - VERDICT_H - 2.5 * mm
    draw_qr(canv, data.verify_url, PAGE_W - MARGIN - qr_size, sy, qr_size)
    canv.setFont("Helvetica", 5.5)
    canv.drawRightString(PAGE_W - MARGIN, sy + qr_size + 1 * mm, "Pindai untuk verifikasi / scan to verify")
    sig_w = 50 * mm
    sig_x = PAGE_W - MARGIN - qr_size - 3 * mm - sig_w
    draw_signature(canv, sig_x, frame_top - 2.5 * mm, sig_w, data)

    st = _styles()
    parcel = answer.get("parcel") or {}
    c = data.parcel.centroid
    zones = answer.get("zones") or []
    first = zones[0] if zones else {}
    subzones = (
        ", ".join(
            f"{z.get('subzone_code')} {z.get('subzone_name') or ''} ({fmt_num((z.get('share') or 0) * 100, 1)} %)"
            for z in zones
        )
        or "tidak tercakup RDTR / not covered"
    )
    act = answer.get("activity") or {}
    conformity = _conformity_words(answer)
    summary = [
        f"<b>Lokasi / location:</b> {c.x:.6f}, {c.y:.6f} (bujur, lintang / lon, lat); kelurahan "
        f"{_p(first.get('kelurahan') or '-')}, kecamatan {_p(first.get('kecamatan') or '-')}",
        f"<b>Luas persil / parcel area:</b> {fmt_num(parcel.get('area_m2'), 1, ' m²')}"
        + (" (geometri diperbaiki / repaired)" if parcel.get("repaired") else ""),
        f"<b>Sub-zona / sub-zone:</b> {_p(subzones)}",
        f"<b>Kegiatan / activity:</b> {_p(act.get('code'))} {_p(act.get('name'))} - kelas / class "
        f"{_p(_class_label(act.get('class')))}"
        if act
        else f"<b>Kegiatan / activity:</b> {_p(data.activity or '-')}",
        *(
            [f"<b>Kesesuaian rencana bangunan / conformity:</b> <b>{_p(conformity[0])}</b> ({_p(conformity[1])})"]
            if conformity
            else []
        ),
        f"<b>Referensi / reference:</b> {_p(data.reference or '-')}",
        f"<b>Verifikasi / verification:</b> {_p(data.verify_url)}",
        "Rincian (bagian persil, intensitas, ketentuan, koordinat) di halaman berikut. / "
        "Details on the following pages.",
    ]
    f = Frame(
        MARGIN,
        sy,
        sig_x - MARGIN - 4 * mm,
        frame_top - sy,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        showBoundary=0,
    )
    f.addFromList([Paragraph(s, st["small_summary"]) for s in summary], canv)
    canv.restoreState()
    _draw_footer(canv, doc, data)
