"""Page geometry of the extract (points, from the bottom-left corner of A4 portrait) and the advisory note
that the notes and every page's footer print."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

PAGE_W, PAGE_H = A4  # points; portrait
MARGIN = 12 * mm

# Page-1 layout (points from the bottom-left corner): letterhead, title block, map, legend/scale/inset,
# the boxed verdict, then summary | signature | QR code above the footer.
HEADER_TOP = PAGE_H - 8 * mm
LETTERHEAD_H = 19 * mm
LETTERHEAD_RULE = HEADER_TOP - LETTERHEAD_H
TITLE_TOP = LETTERHEAD_RULE - 4 * mm
MAP_X0 = MARGIN
MAP_X1 = PAGE_W - MARGIN
MAP_Y1 = PAGE_H - 51 * mm
MAP_Y0 = MAP_Y1 - 122 * mm
BELOW_MAP_TOP = MAP_Y0 - 3 * mm
BELOW_MAP_H = 41 * mm
VERDICT_H = 15 * mm
FOOTER_H = 19 * mm

OSS_NOTE_ID = (
    "Ekstrak peta ini bersifat informatif untuk penilaian KKPR dan bukan keputusan KKPR. "
    "Keputusan KKPR (KKKPR/PKKPR) diterbitkan melalui sistem OSS."
)
OSS_NOTE_EN = (
    "This map extract is advisory, for the KKPR assessment; it is not the KKPR decision, "
    "which is issued through the OSS system."
)
