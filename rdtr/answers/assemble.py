"""Turning a version's cached rules into answer fragments: zone fields, intensity, ITBX cells, activities.

Pure Python over :class:`rdtr.versions.VersionData`; no SQL except the lazy ITBX row load.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from rdtr.conditions import RULE_NAMES, ConditionRule
from rdtr.errors import InvalidInput, NotFound
from rdtr.itbx import CLASS_NAMES
from rdtr.messages import Message
from rdtr.text import kbli_query, name_key
from rdtr.versions import INTENSITY_FIELDS, Activity, IntensityRow, VersionData

EMPTY_INTENSITY = dict.fromkeys(INTENSITY_FIELDS)


def _g(value: float) -> str:
    """A bound as the plan writes it (``150``, ``62.5``): no grouping, no trailing zeros."""
    return f"{value:g}"


def r2(value: float | None, digits: int = 2) -> float | None:
    """``value`` rounded (to centimetres / cm² for metres and m²), ``None`` kept."""
    return None if value is None else round(float(value), digits)


def zone_fields(vd: VersionData, row) -> dict:
    """The zone part of an answer (interface.md "Zoning at a point") from a zone row of the answer SQL
    (:class:`rdtr.answers.sql.PointRow` or ``ParcelRow``), names filled from the sub-zone table."""
    sz = vd.subzones.get(row.subzone_code) or {}
    tpz = [t for t in (row.tpz or []) if t]
    return {
        "plan": vd.plan,
        "zone_code": row.zone_code or sz.get("zone_code"),
        "zone_name": row.zone_name or sz.get("zone_name"),
        "subzone_code": row.subzone_code,
        "subzone_name": row.subzone_name or sz.get("subzone_name"),
        "block": row.block,
        "subblock": row.subblock,
        "kecamatan": row.kecamatan,
        "kelurahan": row.kelurahan,
        "tpz": tpz,
        "tpz_texts": [{"code": t, "text": vd.tpz_codes.get(t)} for t in tpz],
        "special_provisions": _provisions(row.special_provisions),
    }


def zone_static(vd: VersionData, row) -> dict:
    """The zone's fields and its intensity without a lot size (as a point answer gives them), assembled
    once per zone and version and remembered on the version (zones never change once loaded)."""
    static = vd.zone_memo.get(row.zone_id)
    if static is None:
        static = zone_fields(vd, row)
        static["intensity"] = intensity_at_point(vd, row.subzone_code, row.block, row.feature_id)
        vd.remember_zone(row.zone_id, static)
    return static


def _provisions(value) -> list[dict]:
    if not value:
        return []
    out = []
    for item in value:
        if isinstance(item, dict):
            out.append({"kind": item.get("kind"), "value": item.get("value")})
    return out


# --- intensity ---------------------------------------------------------------------------------------


def intensity_rows(
    vd: VersionData, subzone_code: str, block: str | None = None, feature_id: str | None = None
) -> list[IntensityRow]:
    """The base intensity rows that apply to a zone polygon (memoised per version; see :func:`_rows`)."""
    key = (subzone_code, block, feature_id)
    got = vd.rows_memo.get(key)
    if got is None:
        got = _rows(vd, subzone_code, block, feature_id)
        if len(vd.rows_memo) > 200_000:
            vd.rows_memo.clear()
        vd.rows_memo[key] = got
    return got


def _rows(vd: VersionData, subzone_code: str, block: str | None, feature_id: str | None) -> list[IntensityRow]:
    """The base intensity rows that apply to a zone polygon.

    Rows for its block when the plan has them, else the sub-zone's general rows. Rows that belong to a TPZ
    (bonus zoning etc.) are not the base. Rows qualified by a variant apply when the variant names this
    polygon ("features 3, 7, …", intensity delivered per polygon); other variants only when the sub-zone has
    no unqualified row (then the answer's note says the value varies).
    """
    rows = [r for r in (vd.intensity.get(subzone_code) or []) if r.tpz is None]
    if feature_id is not None:
        own = [r for r in rows if r.features is not None and feature_id in r.features]
        if own:
            rows = own
    plain = [r for r in rows if r.variant is None]
    rows = plain or rows
    by_block = [r for r in rows if r.block is not None and block is not None and r.block == block]
    return by_block or [r for r in rows if r.block is None] or rows


def _variant_note(rows: list[IntensityRow]) -> str | None:
    variants = sorted({r.variant for r in rows if r.variant})
    if len(variants) > 1:
        return Message("variants", variants="; ".join(variants))
    return None


def _values(row: IntensityRow) -> dict:
    return {f: row.values.get(f) for f in INTENSITY_FIELDS}


def intensity_at_point(vd: VersionData, subzone_code: str, block: str | None, feature_id: str | None = None) -> dict:
    """Intensity without a lot size: one row as is; lot-size classes → the values they share, the others
    ``None``, and every class under ``by_lot_size``."""
    rows = intensity_rows(vd, subzone_code, block, feature_id)
    if len({r.variant for r in rows}) > 1:
        note = _variant_note(rows)
        rows = [r for r in rows if r.variant == rows[0].variant]
    else:
        note = None
    if not rows:
        return {**EMPTY_INTENSITY, "note": Message("no_intensity")}
    if len(rows) == 1 and not rows[0].by_lot_size:
        out = _values(rows[0])
        if rows[0].note or note:
            out["note"] = "\n".join(x for x in (rows[0].note, note) if x)
        return out
    out = {}
    for f in INTENSITY_FIELDS:
        vals = {r.values.get(f) for r in rows}
        out[f] = vals.pop() if len(vals) == 1 else None
    out["note"] = Message("by_lot_size")
    out["by_lot_size"] = [
        {"lot_area_min_m2": r.lot_area_min_m2, "lot_area_max_m2": r.lot_area_max_m2, **_values(r)} for r in rows
    ]
    return out


def intensity_for_lot(
    vd: VersionData, subzone_code: str, block: str | None, lot_area_m2: float, feature_id: str | None = None
) -> tuple[dict, dict | None]:
    """Intensity for a lot of ``lot_area_m2`` (the whole parcel). Returns ``(intensity, breach)`` where
    ``breach`` describes a minimum-lot-size breach (or a lot below the smallest lot-size class)."""
    rows = intensity_rows(vd, subzone_code, block, feature_id)
    if not any(r.by_lot_size for r in rows):
        # No lot-size classes: the values are the same for every lot, kept on the version; only the
        # minimum lot size is checked against this lot.
        key = ("lot", subzone_code, block, feature_id)
        out = vd.derived(key, lambda: _intensity_for_lot(vd, rows, subzone_code, 0.0)[0])
        return out, _lot_breach(out, subzone_code, lot_area_m2)
    return _intensity_for_lot(vd, rows, subzone_code, lot_area_m2)


def _intensity_for_lot(vd: VersionData, rows: list[IntensityRow], subzone_code: str, lot_area_m2: float):
    note = None
    if len({r.variant for r in rows}) > 1:
        note = _variant_note(rows)
        rows = [r for r in rows if r.variant == rows[0].variant]
    if not rows:
        return {**EMPTY_INTENSITY, "note": Message("no_intensity")}, None
    classed = [r for r in rows if r.by_lot_size]
    fitting = [r for r in classed if r.fits_lot(lot_area_m2)] or [r for r in rows if not r.by_lot_size]
    if not fitting:
        lows = [r.lot_area_min_m2 for r in classed if r.lot_area_min_m2 is not None]
        smallest = min(lows) if lows else None
        if smallest is not None and lot_area_m2 < smallest:
            detail = Message("lot_below_classes", area=float(lot_area_m2), subzone=subzone_code, low=_g(smallest))
            breach = {"subzone_code": subzone_code, "lot_min_m2": smallest, "detail": detail}
        else:
            detail = Message("no_lot_class", subzone=subzone_code, area=float(lot_area_m2))
            breach = None
        return {**EMPTY_INTENSITY, "note": detail}, breach
    row = fitting[0]
    out = _values(row)
    if row.by_lot_size:
        out["lot_area_min_m2"] = row.lot_area_min_m2
        out["lot_area_max_m2"] = row.lot_area_max_m2
    if row.note or note:
        out["note"] = "\n".join(x for x in (row.note, note) if x)
    return out, _lot_breach(out, subzone_code, lot_area_m2)


def _lot_breach(intensity: dict, subzone_code: str, lot_area_m2: float) -> dict | None:
    """The breach of the intensity's minimum lot size by a lot of ``lot_area_m2``, or ``None``."""
    lot_min = intensity.get("lot_min_m2")
    if lot_min is None or lot_area_m2 >= lot_min:
        return None
    return {
        "subzone_code": subzone_code,
        "lot_min_m2": lot_min,
        "detail": Message("lot_below_min", area=float(lot_area_m2), subzone=subzone_code, low=_g(lot_min)),
    }


# --- activities ----------------------------------------------------------------------------------------


def find_activity(vd: VersionData, query: str) -> Activity | None:
    """By activity code, exact name (case/accent-insensitive, rdtr.text.name_key) or KBLI code.

    A KBLI that maps to several activities of the plan is ambiguous: :class:`InvalidInput` lists them.
    """
    q = query.strip()
    if not q:
        return None
    a = vd.by_code.get(q.upper()) or vd.by_name.get(name_key(q))
    if a is not None:
        return a
    digits = kbli_query(q)
    if digits:
        matches = vd.by_kbli.get(digits) or []
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = ", ".join(f"{m.code} {m.name}" for m in matches)
            raise InvalidInput(
                Message("kbli_ambiguous", kbli=q, plan=vd.plan_id, names=names),
                candidates=[m.ref() for m in matches],
            )
    return None


def unknown_activity(query: str, versions: Iterable[VersionData]) -> NotFound:
    """A 404 for an activity no relevant plan knows, suggesting close matches by name and code."""
    names: dict[str, str] = {}
    for vd in versions:
        for a in vd.activities:
            names.setdefault(a.name_key, f"{a.name} ({a.code})")
            names.setdefault(a.code.casefold(), f"{a.name} ({a.code})")
    key = name_key(query)
    close = difflib.get_close_matches(key, list(names), n=5, cutoff=0.6)
    if not close:  # substring matches help with partial names ("rumah" → all the houses)
        close = [k for k in names if key and key in k][:5]
    suggestions = list(dict.fromkeys(names[k] for k in close))
    if suggestions:
        message = Message("unknown_activity", query=repr(query), suggestions=", ".join(suggestions))
    else:
        message = Message("unknown_activity_search", query=repr(query))
    return NotFound(message, suggestions=suggestions)


def activity_cell(vd: VersionData, activity: Activity, subzone_code: str) -> dict:
    """The activity at one sub-zone: ``{code, name, class, codes, conditions, class_name}``, built once per
    version, activity and sub-zone (a loaded ITBX never changes; answers share it and do not change it)."""
    return vd.derived(("cell", activity.id, subzone_code), lambda: _activity_cell(vd, activity, subzone_code))


def _activity_cell(vd: VersionData, activity: Activity, subzone_code: str) -> dict:
    cell = vd.cells_for(activity).get(subzone_code)
    out = {"code": activity.code, "name": activity.name}
    if cell is None:
        out.update({"class": None, "codes": [], "conditions": [], "note": Message("no_cell", subzone=subzone_code)})
        return out
    cls, codes = cell
    out.update({"class": cls, "codes": codes, "conditions": vd.conditions(codes), "class_name": CLASS_NAMES.get(cls)})
    rules = [vd.condition_rules[c] for c in codes if c in vd.condition_rules]
    if rules:
        out["condition_rules"] = [condition_rule(r) for r in rules]
    return out


def condition_rule(rule: ConditionRule) -> dict:
    """A condition code as answers show it: ``{code, text, structured}`` and the constraints it sets."""
    out = {"code": rule.code, "text": rule.text, "structured": rule.structured}
    for name in RULE_NAMES:
        value = getattr(rule, name)
        if value not in (None, ()):
            out[name] = list(value) if name == "requires" else value
    return out


def activity_ref(a: Activity, vd: VersionData) -> dict:
    """The activity as activity searches list it, with the plan version it belongs to."""
    return {
        "code": a.code,
        "name": a.name,
        "kbli": list(a.kbli),
        "group": a.group,
        "plan": {"id": vd.plan_id, "version": vd.version},
    }
