"""A parcel's limits: the intensity rules of its pieces and, for an activity, the structured conditions of
the ITBX cells that apply (the smaller wins), each limit naming what decided it (``decided_by``).

- Footprint, floor area, green and basement area are sums over the pieces: Σ coefficient × piece area. On a
  non-sliver piece an activity's condition may lower the piece's share (``max_footprint_share_pct`` × piece
  area); ``max_floor_area_m2`` caps the activity's total floor area on the pieces it governs.
- Height, floors and setback come from the strictest non-sliver piece (a sliver must not cap a building).
- Lot area: the largest minimum (intensity ``lot_min_m2``, condition ``min_lot_area_m2``) and the smallest
  condition maximum; opening hours from the conditions.

Pure Python over the assembled pieces; areas m², heights m.
"""

from __future__ import annotations

from rdtr.answers.assemble import r2
from rdtr.conditions import ConditionRule
from rdtr.messages import Message

#: (limit, intensity field, factor turning the coefficient into m² per m² of piece)
LIMIT_SUMS = (
    ("max_footprint_m2", "kdb_max", 0.01),
    ("max_floor_area_m2", "klb_max", 1.0),
    ("min_green_area_m2", "kdh_min", 0.01),
    ("max_basement_area_m2", "ktb_max", 0.01),
)
#: (limit, intensity field, condition field, the strictest is the smallest)
LIMIT_STRICTEST = (
    ("max_height_m", "height_max_m", "max_height_m", True),
    ("max_floors", "floors_max", "max_floors", True),
    ("min_setback_m", "gsb_min_m", None, False),
)


class Piece:
    """One piece of the parcel as the limits see it: its zone fields (``z``, with ``intensity``), area (m²),
    whether it is a sliver, and the structured conditions of the activity's cell there."""

    __slots__ = ("z", "area", "sliver", "conditions")

    def __init__(self, z: dict, area: float, conditions: list[ConditionRule]):
        self.z, self.area, self.sliver, self.conditions = z, area, z["sliver"], conditions

    @property
    def subzone_code(self) -> str:
        """The piece's sub-zone code."""
        return self.z["subzone_code"]

    def value(self, field: str):
        """An intensity value of the piece (``None`` = not regulated)."""
        return self.z["intensity"].get(field)


def _by_intensity(p: Piece, field: str, limit=None) -> dict:
    out = {"subzone_code": p.subzone_code, "by": "intensity", "field": field, "value": p.value(field)}
    if limit is not None:
        out.update({"area_m2": r2(p.area), "limit": r2(limit)})
    return out


def _by_condition(p: Piece | list[Piece], c: ConditionRule, field: str, value, limit=None) -> dict:
    where = {"subzone_code": p.subzone_code} if isinstance(p, Piece) else {"subzones": _codes(p)}
    out = {**where, "by": "condition", "code": c.code, "text": c.text, "field": field, "value": value}
    if limit is not None:
        area = p.area if isinstance(p, Piece) else sum(q.area for q in p)
        out.update({"area_m2": r2(area), "limit": r2(limit)})
    return out


def _codes(pieces: list[Piece]) -> list[str]:
    return list(dict.fromkeys(p.subzone_code for p in pieces))


def _strictest_condition(p: Piece, field: str, smallest: bool = True) -> ConditionRule | None:
    if not p.conditions or p.sliver:
        return None
    rules = [c for c in p.conditions if getattr(c, field) is not None]
    if not rules:
        return None
    pick = min if smallest else max
    return pick(rules, key=lambda c: getattr(c, field))


def parcel_limits(pieces: list[Piece], area: float) -> dict:
    """The limits of a parcel of ``area`` m² made of ``pieces`` (one plan's), with ``decided_by``."""
    out: dict = {}
    decided: dict[str, list[dict]] = {}
    notes = []
    for name, field, factor in LIMIT_SUMS:
        total, parts = _sum(pieces, name, field, factor)
        out[name], decided[name] = total, parts
        unregulated = sum(p.area for p in pieces if p.value(field) is None and not _capped(p, name))
        if total is not None and unregulated > 0.005 * max(area, 1e-9):
            notes.append(Message("unregulated", field=field, area=float(unregulated), name=name))
    main = [p for p in pieces if not p.sliver] or pieces
    for name, field, cfield, smallest in LIMIT_STRICTEST:
        out[name], decided[name] = _strictest(main, field, cfield, smallest)
    lot_min, lot_max = _lot(main)
    if lot_min is not None or lot_max is not None:
        out["min_lot_area_m2"], decided["min_lot_area_m2"] = lot_min or (None, [])
        out["max_lot_area_m2"], decided["max_lot_area_m2"] = lot_max or (None, [])
    hours = [(p, c) for p in main for c in p.conditions if c.hours and not p.sliver]
    if hours:
        out["hours"] = sorted({c.hours for _, c in hours})
        decided["hours"] = [_by_condition(p, c, "hours", c.hours) for p, c in hours]
    if notes:
        out["notes"] = notes
    out["decided_by"] = {k: v for k, v in decided.items() if v}
    return out


def _capped(p: Piece, name: str) -> bool:
    field = {"max_footprint_m2": "max_footprint_share_pct", "max_floor_area_m2": "max_floor_area_m2"}.get(name)
    return field is not None and _strictest_condition(p, field) is not None


def _sum(pieces: list[Piece], name: str, field: str, factor: float) -> tuple[float | None, list[dict]]:
    """Σ over the pieces of the piece's limit; the activity's conditions lower it where they apply."""
    total, parts, any_rule = 0.0, [], False
    groups: dict[str, list[Piece]] = {}
    for p in pieces:
        coef = p.value(field)
        base = coef * factor * p.area if coef is not None else None
        if name == "max_floor_area_m2":
            cap = _strictest_condition(p, "max_floor_area_m2")
            if cap is not None:  # a cap on the activity's floor area on every piece it governs
                groups.setdefault(cap.code, []).append(p)
                continue
        if name == "max_footprint_m2":
            c = _strictest_condition(p, "max_footprint_share_pct")
            if c is not None:
                own = c.max_footprint_share_pct / 100.0 * p.area
                if base is None or own < base:
                    total, any_rule = total + own, True
                    parts.append(_by_condition(p, c, "max_footprint_share_pct", c.max_footprint_share_pct, own))
                    continue
        if base is not None:
            total, any_rule = total + base, True
            parts.append(_by_intensity(p, field, base))
    for group in groups.values():
        cap = min((_strictest_condition(p, "max_floor_area_m2") for p in group), key=lambda c: c.max_floor_area_m2)
        bases = [(p, p.value(field) * p.area) for p in group if p.value(field) is not None]
        # a piece without KLB is unbounded by intensity: then the cap alone bounds the group
        by_intensity = sum(b for _, b in bases) if len(bases) == len(group) else None
        any_rule = True
        if by_intensity is not None and by_intensity <= cap.max_floor_area_m2:
            total += by_intensity
            parts.extend(_by_intensity(p, field, b) for p, b in bases)
        else:
            total += cap.max_floor_area_m2
            parts.append(_by_condition(group, cap, "max_floor_area_m2", cap.max_floor_area_m2, cap.max_floor_area_m2))
    return (r2(total) if any_rule else None), parts


def _strictest(main: list[Piece], field: str, cfield: str | None, smallest: bool) -> tuple:
    """The strictest value over ``main`` of the intensity ``field`` and the conditions' ``cfield``."""
    candidates = []
    for p in main:
        if p.value(field) is not None:
            candidates.append((p.value(field), _by_intensity(p, field)))
        c = _strictest_condition(p, cfield) if cfield else None
        if c is not None:
            candidates.append((getattr(c, cfield), _by_condition(p, c, cfield, getattr(c, cfield))))
    if not candidates:
        return None, []
    best = (min if smallest else max)(v for v, _ in candidates)
    return best, [src for v, src in candidates if v == best]


def _lot(main: list[Piece]) -> tuple:
    """``((min, sources) | None, (max, sources) | None)`` over the non-sliver pieces."""
    lows, highs = [], []
    for p in main:
        if p.value("lot_min_m2") is not None:
            lows.append((p.value("lot_min_m2"), _by_intensity(p, "lot_min_m2")))
        c = _strictest_condition(p, "min_lot_area_m2", smallest=False)
        if c is not None:
            lows.append((c.min_lot_area_m2, _by_condition(p, c, "min_lot_area_m2", c.min_lot_area_m2)))
        c = _strictest_condition(p, "max_lot_area_m2")
        if c is not None:
            highs.append((c.max_lot_area_m2, _by_condition(p, c, "max_lot_area_m2", c.max_lot_area_m2)))
    low = high = None
    if lows:
        v = max(x for x, _ in lows)
        low = (v, [s for x, s in lows if x == v])
    if highs:
        v = min(x for x, _ in highs)
        high = (v, [s for x, s in highs if x == v])
    return low, high
