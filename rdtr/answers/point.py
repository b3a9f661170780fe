"""The point question: what does the RDTR say at this longitude/latitude (on this date)?"""

from __future__ import annotations

from datetime import date

from rdtr.answers import sql
from rdtr.answers.assemble import activity_cell, find_activity, unknown_activity, zone_static
from rdtr.answers.plans import check_activity_known, check_plan_message
from rdtr.config import get_settings
from rdtr.coords import check_lonlat
from rdtr.db import Database
from rdtr.messages import Message


def uncovered(at) -> Message:
    """The message of an answer outside every plan in force on ``at``: the RTRW applies."""
    return Message("uncovered", at=at.isoformat())


def overlay_dict(plan_id: str, kind, name, text, max_height_m) -> dict:
    """A special-provision overlay as answers list it; ``max_height_m`` only where the plan structures it."""
    out = {"kind": kind, "name": name, "text": text, "plan": plan_id}
    if max_height_m is not None:
        out["max_height_m"] = max_height_m
    return out


def zoning_at(
    db: Database,
    lon: float,
    lat: float,
    *,
    at: date | None = None,
    activity: str | None = None,
    plan: str | None = None,
) -> dict:
    """Every zone covering the point (EPSG:4326 lon/lat) in every plan in force on ``at`` (default today).

    SQL (``sql.point_rows``: the versions whose extent holds the point, then the zone_part index hit, the zone
    row, the distance in metres to the zone's edge, the overlays containing the point); the rest comes from
    the per-version cache.
    """
    lon, lat = check_lonlat(lon, lat)
    at = at or date.today()
    tolerance = get_settings().boundary_tolerance_m
    rows: list[sql.PointRow] = sql.point_rows(db, lon, lat, at, plan)

    zones = []
    overlays = []
    resolved: dict[int, object] = {}
    for r in rows:
        vd = db.versions.get(r.plan_version_id)
        z = dict(zone_static(vd, r))
        if activity is not None:
            if r.plan_version_id not in resolved:
                resolved[r.plan_version_id] = find_activity(vd, activity)
            a = resolved[r.plan_version_id]
            z["activity"] = activity_cell(vd, a, r.subzone_code) if a is not None else None
        dist = r.boundary_distance_m
        z["boundary_distance_m"] = None if dist is None else round(dist, 2)
        z["near_boundary"] = dist is not None and dist <= tolerance
        zones.append(z)
        if r.overlays and not overlays:
            overlays = [overlay_dict(db.versions.get(opv).plan_id, k, n, t, h) for opv, k, n, t, h in r.overlays]

    if activity is not None:
        if not zones:
            check_activity_known(db, activity, at, plan)
        elif all(a is None for a in resolved.values()):
            raise unknown_activity(activity, [db.versions.get(pv) for pv in resolved])
    message = None
    if not zones:
        message = uncovered(at)
        if plan is not None:
            message = check_plan_message(db, plan, at) or message

    return {
        "location": {"lon": lon, "lat": lat},
        "at": at.isoformat(),
        "covered": bool(zones),
        "message": message,
        "zones": zones,
        "overlays": overlays,
        "boundary_tolerance_m": tolerance,
    }
