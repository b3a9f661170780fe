"""What makes the extract an official document: the issuing office's letterhead, the boxed verdict and the
officer's signature block on page 1, and "Halaman X dari Y" on every page (:class:`NumberedCanvas`)."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas

from rdtr.render.extract.layout import numbered_conditions
from rdtr.render.extract.mapframe import _color
from rdtr.render.extract.model import ExtractInput
from rdtr.render.extract.office import Office
from rdtr.render.extract.page import FOOTER_H, HEADER_TOP, LETTERHEAD_H, LETTERHEAD_RULE, MARGIN, PAGE_W
from rdtr.render.extract.text import pdf_text
from rdtr.render.extract.words import class_verdict, date_id, nip_text

_GREY = colors.Color(0.3, 0.3, 0.3)
_UNSET = colors.Color(0.69, 0.0, 0.13)


class NumberedCanvas(Canvas):
    """A canvas that holds its pages back until the end, so each can print "Halaman X dari Y / page X of Y"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):  # noqa: N802 - reportlab's name
        """Keep the finished page; it is drawn at :meth:`save`, when the total is known."""
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        """Print every page's number out of the total, then write the file."""
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont("Helvetica-Bold", 6.5)
            self.setFillColor(colors.black)
            n = self._pageNumber
            self.drawRightString(PAGE_W - MARGIN, FOOTER_H - 3 * mm, f"Halaman {n} dari {total} / page {n} of {total}")
            super().showPage()
        super().save()


def _fit_lines(canv, text: str, font: str, sizes: tuple[float, ...], width: float, max_lines: int):
    """``text`` wrapped to ``width`` at the largest of ``sizes`` that needs at most ``max_lines`` lines."""
    for size in sizes:
        lines = simpleSplit(pdf_text(text), font, size, width)
        if len(lines) <= max_lines:
            return size, lines
    return sizes[-1], lines[:max_lines]


def draw_letterhead(canv, office: Office) -> None:
    """The office's letterhead (*kop surat*) across the top of page 1: logo, name, address, a double rule."""
    top = HEADER_TOP
    logo_w = 0.0
    if office.logo_png:
        image = ImageReader(io.BytesIO(office.logo_png))
        iw, ih = image.getSize()
        side = LETTERHEAD_H - 2 * mm
        w, h = (side, side * ih / iw) if iw >= ih else (side * iw / ih, side)
        canv.drawImage(image, MARGIN, top - side + (side - h) / 2, w, h, mask="auto")
        logo_w = side + 4 * mm
    x0 = MARGIN + logo_w
    width = PAGE_W - MARGIN - x0 - (logo_w if logo_w else 0)  # centred between the logo and a mirror margin
    cx = x0 + width / 2
    name_size, name_lines = _fit_lines(canv, office.name, "Helvetica-Bold", (12, 11, 10, 9), width, 2)
    addr_size, addr_lines = _fit_lines(canv, office.address, "Helvetica", (8, 7.5, 7), width, 2)
    block_h = len(name_lines) * name_size * 1.2 + len(addr_lines) * addr_size * 1.25
    y = top - (LETTERHEAD_H - 2 * mm - block_h) / 2 - name_size
    canv.setFillColor(colors.black if office.configured else _UNSET)
    canv.setFont("Helvetica-Bold", name_size)
    for line in name_lines:
        canv.drawCentredString(cx, y, line)
        y -= name_size * 1.2
    canv.setFont("Helvetica", addr_size)
    canv.setFillColor(_GREY if office.configured else _UNSET)
    for line in addr_lines:
        canv.drawCentredString(cx, y + name_size * 0.2, line)
        y -= addr_size * 1.25
    canv.setStrokeColor(colors.black)
    canv.setLineWidth(1.6)
    canv.line(MARGIN, LETTERHEAD_RULE + 0.8 * mm, PAGE_W - MARGIN, LETTERHEAD_RULE + 0.8 * mm)
    canv.setLineWidth(0.5)
    canv.line(MARGIN, LETTERHEAD_RULE, PAGE_W - MARGIN, LETTERHEAD_RULE)
    canv.setFillColor(colors.black)


def _tint(hex_: str, share: float = 0.1) -> colors.Color:
    c = _color(hex_)
    return colors.Color(1 - (1 - c.red) * share, 1 - (1 - c.green) * share, 1 - (1 - c.blue) * share)


def draw_verdict_box(canv, rect: tuple[float, float, float, float], data: ExtractInput, conformity: tuple | None):
    """The verdict boxed: the activity's ITBX class in words and colour, and the conformity check's verdict
    (when the extract was made with a proposal) on the right."""
    x0, y0, x1, y1 = rect
    act = data.answer.get("activity") or {}
    ind, eng, colour = class_verdict(act.get("class"))
    canv.saveState()
    canv.setStrokeColor(_color(colour))
    canv.setFillColor(_tint(colour))
    canv.setLineWidth(1.4)
    canv.roundRect(x0, y0, x1 - x0, y1 - y0, 1.5 * mm, stroke=1, fill=1)
    canv.setFillColor(_GREY)
    canv.setFont("Helvetica", 6.5)
    codes = ", ".join(act.get("codes") or [])
    what = (
        f"Hasil / verdict - kegiatan / activity {act.get('code') or ''} {act.get('name') or data.activity or ''}"
        f" (kelas ITBX / class {act.get('class') or '-'}{'; ' + codes if codes else ''})"
    )
    n = len(numbered_conditions(data.answer))
    if n:
        what += f"; {n} ketentuan berlaku, lihat bagian 3 / {n} condition(s) apply, see section 3"
    right_w = 68 * mm if conformity else 0
    for i, line in enumerate(simpleSplit(pdf_text(what), "Helvetica", 6.5, x1 - x0 - 8 * mm - right_w)[:2]):
        canv.drawString(x0 + 3 * mm, y1 - 3.6 * mm - i * 2.7 * mm, line)
    canv.setFillColor(_color(colour))
    canv.setFont("Helvetica-Bold", 15)
    canv.drawString(x0 + 3 * mm, y0 + 3 * mm, pdf_text(ind))
    w = canv.stringWidth(pdf_text(ind), "Helvetica-Bold", 15)
    canv.setFont("Helvetica-Oblique", 9)
    canv.drawString(x0 + 3 * mm + w + 2.5 * mm, y0 + 3 * mm, pdf_text(f"/ {eng}"))
    if conformity:
        c_ind, c_eng = conformity
        rx = x1 - right_w
        canv.setStrokeColor(colors.Color(0.6, 0.6, 0.6))
        canv.setLineWidth(0.4)
        canv.line(rx, y0 + 2 * mm, rx, y1 - 2 * mm)
        canv.setFillColor(_GREY)
        canv.setFont("Helvetica", 6.5)
        canv.drawString(rx + 3 * mm, y1 - 3.6 * mm, "Kesesuaian rencana bangunan / conformity")
        canv.setFillColor(colors.black)
        size = 11.0
        while size > 7 and canv.stringWidth(pdf_text(c_ind), "Helvetica-Bold", size) > right_w - 5 * mm:
            size -= 0.5
        canv.setFont("Helvetica-Bold", size)
        canv.drawString(rx + 3 * mm, y0 + 5.2 * mm, pdf_text(c_ind))
        canv.setFont("Helvetica-Oblique", 7)
        canv.drawString(rx + 3 * mm, y0 + 1.8 * mm, pdf_text(c_eng))
    canv.restoreState()


def draw_signature(canv, x: float, top: float, width: float, data: ExtractInput) -> None:
    """The officer's signature block: date of issue, role, room to sign, name and NIP."""
    canv.saveState()
    canv.setFillColor(colors.black)
    canv.setFont("Helvetica", 7.5)
    canv.drawString(x, top, pdf_text(f"Diterbitkan / issued: {date_id(data.created_at)}"))
    canv.drawString(x, top - 3.5 * mm, "Petugas pemeriksa / examining officer,")
    canv.setFillColor(colors.Color(0.55, 0.55, 0.55))
    canv.setFont("Helvetica-Oblique", 5.5)
    canv.drawString(x, top - 10 * mm, "(tanda tangan / signature)")
    canv.setFillColor(colors.black)
    canv.setFont("Helvetica-Bold", 8)
    lines = simpleSplit(pdf_text(data.officer), "Helvetica-Bold", 8, width)
    name = lines[0] if lines else "-"
    ny = top - 19 * mm
    canv.drawString(x, ny, name)
    canv.setLineWidth(0.5)
    canv.line(x, ny - 0.9 * mm, x + min(width, canv.stringWidth(name, "Helvetica-Bold", 8)), ny - 0.9 * mm)
    canv.setFont("Helvetica", 7.5)
    nip = f"NIP. {nip_text(data.officer_nip)}" if data.officer_nip else "NIP. - (tidak dicantumkan / not given)"
    canv.drawString(x, ny - 4 * mm, nip)
    canv.restoreState()
