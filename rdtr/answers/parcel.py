"""The parcel question: what is permitted on this parcel (or on each of 10,000)?

All parcels of a request go to PostGIS in ONE query (arrays of EWKB, unnested), overlaid with the
subdivided zones (``zone_part``) set-based; Python then assembles each answer from the per-version cache.
Areas are geodesic (PostGIS geography on the WGS 84 spheroid), m².
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import psycopg2.errors

from rdtr.answers import sql
from rdtr.answers.assemble import activity_cell, find_activity, intensity_for_lot, r2, unknown_activity, zone_static
from rdtr.answers.limits import Piece, parcel_limits
from rdtr.answers.plans import check_activity_known
from rdtr.answers.point import overlay_dict, uncovered
from rdtr.config import get_settings
from rdtr.db import Database
from rdtr.errors import InvalidInput, LimitExceeded
from rdtr.itbx import CLASS_NAMES, most_restrictive
from rdtr.messages import Message
from rdtr.parcel_input import ParcelBatch, ParcelInput, parse_geojson


def sliver_threshold(value: float | None) -> float:
    """The sliver threshold (a share of the parcel): ``value`` or ``RDTR_SLIVER_SHARE``, within [0, 1)."""
    share = get_settings().sliver_share if value is None else float(value)
    if not 0 <= share < 1:
        raise InvalidInput(Message("sliver_range", got=f"{share:g}"))
    return share


def as_batch(source) -> ParcelBatch:
    """A GeoJSON document, a :class:`ParcelInput` or a :class:`ParcelBatch` as a batch of checked parcels."""
    if isinstance(source, ParcelBatch):
        return source
    if isinstance(source, ParcelInput):
        return ParcelBatch([source], collection=False)
    return parse_geojson(source)


def analyze(
    db: Database,
    source,
    *,
    at: date | None = None,
    activity: str | None = None,
    plan: str | None = None,
    sliver_share: float | None = None,
) -> dict:
    """Analyse a parcel (GeoJSON Polygon/MultiPolygon/Feature, EPSG:4326) or a batch (FeatureCollection / a
    :class:`ParcelBatch` from a file). A batch answers ``{"at", "count", "results": [...]}`` in input order."""
    batch = as_batch(source)
    at = at or date.today()
    results = analyze_parcels(db, batch.parcels, at=at, activity=activity, plan=plan, sliver_share=sliver_share)
    if batch.collection:
        return {"at": at.isoformat(), "count": len(results), "results": results}
    if "error" in results[0]:
        raise InvalidInput(results[0]["error"]["detail"])
    return results[0]


class _Slot:
    """What the overlay query returned for one parcel."""

    __slots__ = ("area", "pieces", "overlays")

    def __init__(self):
        self.area: float | None = None
        self.pieces: list[sql.ParcelRow] = []
        self.overlays: list[sql.ParcelRow] = []


def overlay(db: Database, parcels: list[ParcelInput], at: date, plan: str | None) -> dict[int, _Slot]:
    """The one set-based query for every parcel that passed its checks: ``{index: _Slot}``."""
    ok = [p for p in parcels if p.ok]
    out = {p.index: _Slot() for p in ok}
    rows = _overlay_rows(db, ok, at, plan) if ok else []
    limit = get_settings().max_pieces
    pieces = sum(1 for r in rows if r.kind == "z")
    if pieces > limit:
        raise LimitExceeded(Message("too_many_pieces", pieces=pieces, limit=limit))
    for r in rows:
        slot = out[r.ord]
        if r.kind == "p":
            slot.area = r.area
        elif r.kind == "z":
            slot.pieces.append(r)
        else:
            slot.overlays.append(r)
    return out


def _overlay_rows(db: Database, parcels: list[ParcelInput], at: date, plan: str | None) -> list[sql.ParcelRow]:
    """Run the overlay for these parcels. Should GEOS fail on some geometry (robust overlay makes it rare),
    the batch is halved until the parcels it fails on are found; those get an ``error``, the rest answers."""
    params = (
        [p.index for p in parcels],
        [p.wkb_hex() for p in parcels],
        at,
        plan,
    )
    try:
        return sql.parcel_rows(db, params, [p.geom for p in parcels])
    except psycopg2.errors.InternalError as exc:  # XX000: a GEOS exception inside the query
        if len(parcels) == 1:
            parcels[0].error = (
                "the parcel could not be overlaid with the zoning (geometry error in PostGIS: "
                f"{str(exc).strip().splitlines()[0]}); simplify or repair it and try again"
            )
            return []
        half = len(parcels) // 2
        return _overlay_rows(db, parcels[:half], at, plan) + _overlay_rows(db, parcels[half:], at, plan)


def analyze_parcels(
    db: Database,
    parcels: list[ParcelInput],
    *,
    at: date,
    activity: str | None = None,
    plan: str | None = None,
    sliver_share: float | None = None,
) -> list[dict]:
    """One answer per parcel (in input order); a parcel that failed its checks gets an ``error``."""
    share_cut = sliver_threshold(sliver_share)
    tolerance = get_settings().boundary_tolerance_m
    data = overlay(db, parcels, at, plan)

    resolved: dict[int, object] = {}
    if activity is not None:
        pvs = {piece.plan_version_id for slot in data.values() for piece in slot.pieces}
        for pv in pvs:
            resolved[pv] = find_activity(db.versions.get(pv), activity)
        if not pvs:
            check_activity_known(db, activity, at, plan)
        elif all(a is None for a in resolved.values()):
            raise unknown_activity(activity, [db.versions.get(pv) for pv in pvs])

    results = []
    for p in parcels:
        head = {}
        if p.id is not None or p.properties is not None:
            head = {"id": p.id, "properties": p.properties}
        if not p.ok:
            results.append(
                {
                    "index": p.index,
                    **head,
                    "error": {"status": 422, "title": Message("title_invalid_input"), "detail": p.error},
                }
            )
            continue
        answer = _answer(db, p, data[p.index], at, activity, resolved, share_cut, tolerance)
        results.append({"index": p.index, **head, **answer} if head or len(parcels) > 1 else answer)
    return results


def _answer(
    db: Database,
    p: ParcelInput,
    slot: _Slot,
    at: date,
    activity_q: str | None,
    resolved: dict,
    share_cut: float,
    tolerance: float,
) -> dict:
    area = float(slot.area or p.area_m2 or 0.0)
    pieces = []
    plan_area: dict[int, float] = defaultdict(float)
    breaches = []
    # A sliver is a sub-zone (all its pieces together) below the threshold, not a small piece of a
    # sub-zone that also covers much of the parcel through a neighbouring polygon.
    subzone_area: dict[tuple, float] = defaultdict(float)
    for r in slot.pieces:
        subzone_area[(r.plan_version_id, r.subzone_code)] += r.area
    for r in sorted(slot.pieces, key=lambda r: (-r.area, r.subzone_code, r.zone_id)):
        pv = r.plan_version_id
        vd = db.versions.get(pv)
        z = dict(zone_static(vd, r))
        del z["intensity"]  # a point's intensity; a parcel's is chosen by its lot size below
        piece_area = r.area
        share = piece_area / area if area else 0.0
        intensity, breach = intensity_for_lot(vd, r.subzone_code, r.block, area, r.feature_id)
        length = float(r.length or 0.0)
        dist = r.distance
        uncertain = min(piece_area, length * tolerance)
        z.update(
            {
                "area_m2": r2(piece_area),
                "share": round(share, 6),
                "intensity": intensity,
                "boundary_distance_m": r2(dist),
                "near_boundary": dist is not None and dist <= tolerance,
                "boundary_length_m": r2(length),
                "uncertain_area_m2": r2(uncertain),
                "within_tolerance": length > 0 and piece_area <= length * tolerance,
                "sliver": (subzone_area[(pv, r.subzone_code)] / area if area else 0.0) < share_cut,
                "lot_min_breach": breach is not None,
            }
        )
        if activity_q is not None:
            a = resolved.get(pv)
            z["activity"] = activity_cell(vd, a, r.subzone_code) if a is not None else None
        plan_area[pv] += piece_area
        if breach is not None and not z["sliver"]:
            breaches.append(breach)
        pieces.append((vd, z, piece_area))

    zones = [z for _, z, _ in pieces if not z["sliver"]]
    slivers = [z for _, z, _ in pieces if z["sliver"]]
    primary_pv = max(plan_area, key=plan_area.get) if plan_area else None
    covered = (plan_area[primary_pv] / area) if primary_pv is not None and area else 0.0
    answer = {
        "parcel": {"area_m2": r2(area), "valid": p.valid, "repaired": p.repaired},
        "at": at.isoformat(),
        "covered": bool(pieces),
        "covered_share": round(min(1.0, covered), 6),
        "message": None if pieces else uncovered(at),
        "zones": zones,
        "slivers": slivers,
        "sliver_share": share_cut,
        "limits": parcel_limits([_piece(vd, z, a) for vd, z, a in pieces if vd.id == primary_pv], area),
        "lot_size": {"area_m2": r2(area), "breach": bool(breaches), "breaches": breaches},
        "boundary": _boundary(pieces, tolerance),
        "special_provisions": _distinct([sp for z in zones for sp in z["special_provisions"]]),
        "overlays": _overlays(db, slot.overlays),
    }
    if primary_pv is not None:
        citation = db.versions.get(primary_pv).plan
        answer["limits"]["plan"] = {"id": citation["id"], "version": citation["version"]}
    if len(plan_area) > 1:
        answer["limits"]["note"] = Message("several_plans", plan=db.versions.get(primary_pv).plan_id)
    if activity_q is not None:
        answer["activity"] = _verdict(activity_q, pieces, resolved)
    return answer


def _piece(vd, z: dict, area: float) -> Piece:
    """A piece for the limits, with the conditions of the activity's cell there (when one was asked)."""
    cell = z.get("activity") or {}
    rules = vd.condition_rules
    return Piece(z, area, [rules[c] for c in cell.get("codes") or () if c in rules])


def _boundary(pieces: list, tolerance: float) -> dict:
    """How far the answer rests on zone boundaries the 1:5.000 map cannot place closer than the tolerance."""
    if not pieces:
        return {
            "tolerance_m": tolerance,
            "near_boundary": False,
            "crosses_boundary": False,
            "boundary_distance_m": None,
            "uncertain_area_m2": 0.0,
            "pieces_within_tolerance": [],
        }
    dists = [z["boundary_distance_m"] for _, z, _ in pieces if z["boundary_distance_m"] is not None]
    return {
        "tolerance_m": tolerance,
        "near_boundary": any(z["near_boundary"] for _, z, _ in pieces),
        "crosses_boundary": len(pieces) > 1,
        "boundary_distance_m": min(dists) if dists else None,
        "uncertain_area_m2": r2(sum(z["uncertain_area_m2"] or 0 for _, z, _ in pieces)),
        "pieces_within_tolerance": [z["subzone_code"] for _, z, _ in pieces if z["within_tolerance"]],
    }


def _verdict(query: str, pieces: list, resolved: dict) -> dict:
    known = [a for a in resolved.values() if a is not None]
    a0 = known[0] if known else None
    by_zone = []
    for vd, z, _ in pieces:
        cell = z.get("activity")
        by_zone.append(
            {
                "plan": vd.plan_id,
                "subzone_code": z["subzone_code"],
                "class": cell.get("class") if cell else None,
                "codes": cell.get("codes", []) if cell else [],
                "conditions": cell.get("conditions", []) if cell else [],
                "share": z["share"],
                "area_m2": z["area_m2"],
                "sliver": z["sliver"],
                "within_tolerance": z["within_tolerance"],
            }
        )
    deciding = [b for b in by_zone if not b["sliver"]]
    cls = most_restrictive(b["class"] for b in deciding)
    firm = most_restrictive(b["class"] for b in deciding if not b["within_tolerance"])
    out = {
        "code": a0.code if a0 else query,
        "name": a0.name if a0 else None,
        "class": cls,
        "class_name": CLASS_NAMES.get(cls) if cls else None,
        "by_zone": by_zone,
        "depends_on_boundary": bool(deciding) and firm != cls,
    }
    if deciding and any(b["class"] is None for b in deciding):
        out["note"] = Message("no_cell_some")
    return out


def _distinct(items: list[dict]) -> list[dict]:
    seen, out = set(), []
    for it in items:
        key = (it.get("kind"), it.get("value"))
        if key not in seen:
            seen.add(key)
            out.append(it)
    return out


def _overlays(db: Database, rows: list[sql.ParcelRow]) -> list[dict]:
    seen, out = set(), []
    for r in rows:
        pv, kind, name, text, height = (
            r.plan_version_id,
            r.overlay_kind,
            r.overlay_name,
            r.overlay_text,
            r.overlay_height_m,
        )
        key = (pv, kind, name, text, height)
        if key in seen:
            continue
        seen.add(key)
        out.append(overlay_dict(db.versions.get(pv).plan_id, kind, name, text, height))
    return sorted(out, key=lambda o: (o["plan"], o["kind"] or "", o["name"] or ""))
