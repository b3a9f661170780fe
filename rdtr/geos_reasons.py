"""GEOS's validity reasons (``shapely.is_valid_reason``: "Self-intersection[117.5 0.12]") as Messages, so a
report or an error says them in the reader's language; the place in brackets is kept as GEOS wrote it."""

from __future__ import annotations

import re

from rdtr.messages import Message

#: GEOS's words (IsValidOp's TopologyValidationError messages) → catalog keys (rdtr.message_catalog_ingest)
KEYS = {
    "self-intersection": "geos_self_intersection",
    "ring self-intersection": "geos_ring_self_intersection",
    "hole lies outside shell": "geos_hole_outside",
    "holes are nested": "geos_holes_nested",
    "interior is disconnected": "geos_interior_disconnected",
    "nested shells": "geos_nested_shells",
    "duplicate rings": "geos_duplicate_rings",
    "too few distinct points in geometry component": "geos_too_few_points",
    "invalid coordinate": "geos_invalid_coordinate",
    "ring is not closed": "geos_ring_open",
    "repeated point": "geos_repeated_point",
}
_REASON = re.compile(r"^\s*([^\[]+?)\s*(\[[^\]]*\])?\s*$")


def geos_reason(reason: str) -> Message | str:
    """The reason as a Message (``at`` the place GEOS names, if any); an unknown reason as GEOS wrote it."""
    m = _REASON.match(reason or "")
    key = KEYS.get(m.group(1).lower()) if m else None
    if key is None:
        return reason
    return Message(key, at=m.group(2) or "")
