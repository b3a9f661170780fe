"""The PDF's paragraph styles, tables and bilingual headings, shared by every section of the flowing part."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from rdtr.itbx import CLASS_NAMES
from rdtr.render.extract.text import _p


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName="Helvetica", fontSize=8, leading=10)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=6.5, leading=8),
        "small_summary": ParagraphStyle("small_summary", parent=base, fontSize=7.3, leading=9),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7, leading=8.5),
        "cellb": ParagraphStyle("cellb", parent=base, fontName="Helvetica-Bold", fontSize=7, leading=8.5),
        "h1": ParagraphStyle("h1", parent=base, fontName="Helvetica-Bold", fontSize=13, leading=16),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName="Helvetica-Bold", fontSize=10, leading=13, spaceBefore=6, spaceAfter=3
        ),
        "en": ParagraphStyle(
            "en",
            parent=base,
            fontName="Helvetica-Oblique",
            fontSize=7,
            leading=9,
            textColor=colors.Color(0.3, 0.3, 0.3),
        ),
    }


_TABLE_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 7),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.90, 0.93)),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.Color(0.55, 0.55, 0.55)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
)


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
    return Paragraph(
        f"{_p(indonesian)} <font name='Helvetica-Oblique' size='8' color='#555555'>/ {_p(english)}</font>", st["h2"]
    )


def _class_label(cls: str | None) -> str:
    if not cls:
        return "-"
    return f"{cls} - {CLASS_NAMES.get(cls, '')}"
