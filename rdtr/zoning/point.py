"""The point question: what does the RDTR say at this longitude/latitude (on this date)?"""

from __future__ import annotations

import math
from datetime import date

from rdtr.config import get_settings
from rdtr.errors import InvalidInput, NotFound
from rdtr.zoning import cache, db, sql
from rdtr.zoning.rules import activity_cell, find_activity, intensity_at_point, unknown_activity, zone_fields

#: Assembled zone fields per (database, zone id), shared by answers (never mutated).
_static: dict[str, dict[int, dict]] = {}
STATIC_ZONES_MAX = 200_000

UNCOVERED = ("No RDTR covers this location on {at}, so the RTRW (Rencana Tata Ruang Wilayah, the "
             "kabupaten/kota spatial plan) applies.")


def check_point(lon: float, lat: float) -> tuple[float, float]:
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise InvalidInput("lon and lat must be numbers (decimal degrees, EPSG:4326)") from None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise InvalidInput("lon and lat must be finite numbers")
    if not -90 <= lat <= 90:
        hint = " — the arguments look swapped: the order is longitude, latitude" if -90 <= lon <= 90 else ""
        raise InvalidInput(f"lat {lat:g} is beyond ±90{hint}")
    if not -180 <= lon <= 180:
        raise InvalidInput(f"lon {lon:g} is beyond ±180")
    return lon, lat


def zoning_at(lon: float, lat: float, *, at: date | None = None, activity: str | None = None,
              plan: str | None = None, url: str | None = None) -> dict:
    """Every zone covering the point in every plan in force on ``at`` (default today).

    One SQL round trip (zone_part index hit, the zone row, the distance in metres to the zone's edge, the
    overlays containing the point); the rest comes from the per-version cache.
    """
    lon, lat = check_point(lon, lat)
    at = at or date.today()
    tolerance = get_settings().boundary_tolerance_m
    used_url, rows = db.run(sql.POINT_SQL_NAME, sql.POINT_SQL, (lon, lat, at, plan), url)
    new = {r[0] for r in rows if not cache.is_cached(used_url, r[0])}
    if new and any([cache.get(used_url, pv).fresh_edges for pv in new]):
        # The version's zone edges were only cut now (first question ever on it): ask again so the
        # distances see them.
        used_url, rows = db.run(sql.POINT_SQL_NAME, sql.POINT_SQL, (lon, lat, at, plan), used_url)

    zones = []
    overlays = []
    resolved: dict[int, object] = {}
    statics = _static.get(used_url)
    if statics is None:
        statics = _static.setdefault(used_url, {})
    for (pv, zid, subzone_code, subzone_name, zone_code, zone_name, block, subblock, kec, kel, tpz, sp, fid,
         dist, ovl) in rows:
        vd = cache.get(used_url, pv)
        static = statics.get(zid)
        if static is None:
            # Zones never change once loaded: their fields and intensity are assembled once per process.
            static = zone_fields(vd, subzone_code, subzone_name, zone_code, zone_name, block, subblock, kec, kel,
                                 tpz, sp)
            static["intensity"] = intensity_at_point(vd, subzone_code, block, fid)
            if len(statics) >= STATIC_ZONES_MAX:
                statics.clear()
            statics[zid] = static
        z = dict(static)
        if activity is not None:
            if pv not in resolved:
                resolved[pv] = find_activity(vd, activity)
            a = resolved[pv]
            z["activity"] = activity_cell(vd, a, subzone_code) if a is not None else None
        z["boundary_distance_m"] = None if dist is None else round(dist, 2)
        z["near_boundary"] = dist is not None and dist <= tolerance
        zones.append(z)
        if ovl and not overlays:
            overlays = [{"kind": k, "name": n, "text": t, "plan": cache.get(used_url, opv).plan["id"]}
                        for opv, k, n, t in ovl]

    if activity is not None:
        if not zones:
            _check_activity_known(activity, at, plan, used_url)
        elif all(a is None for a in resolved.values()):
            raise unknown_activity(activity, [cache.get(used_url, pv) for pv in resolved])
    message = None
    if not zones:
        message = UNCOVERED.format(at=at.isoformat())
        if plan is not None:
            message = _check_plan(plan, at, used_url) or message

    return {
        "location": {"lon": lon, "lat": lat},
        "at": at.isoformat(),
        "covered": bool(zones),
        "message": message,
        "zones": zones,
        "overlays": overlays,
        "boundary_tolerance_m": tolerance,
    }


_in_force_memo: dict[tuple, tuple[float, list[int]]] = {}
IN_FORCE_TTL_S = 5.0  #: a version loaded meanwhile is seen by these cold paths within this time


def in_force(at: date, plan: str | None, url: str) -> list[cache.VersionData]:
    """The cached data of the versions in force on ``at`` (rdtr.versions chooses them).

    Only for the cold paths (activity search, "where allowed", an activity check where no zone answered):
    the answers themselves choose their versions inside their one query. Remembered a few seconds.
    """
    import time

    from rdtr.db import get_engine
    from rdtr.versions import versions_in_force

    key = (url, at, plan)
    hit = _in_force_memo.get(key)
    now = time.monotonic()
    if hit is None or now - hit[0] > IN_FORCE_TTL_S:
        with get_engine(url).connect() as conn:
            ids = [r["id"] for r in versions_in_force(conn, at, plan)]
        if len(_in_force_memo) > 1000:
            _in_force_memo.clear()
        _in_force_memo[key] = (now, ids)
    else:
        ids = hit[1]
    return [cache.get(url, pv) for pv in ids]


def _check_activity_known(activity: str, at: date, plan: str | None, url: str) -> None:
    versions = in_force(at, plan, url)
    if versions and not any(find_activity(vd, activity) for vd in versions):
        raise unknown_activity(activity, versions)


def _check_plan(plan: str, at: date, url: str) -> str | None:
    """404 for a plan that does not exist; a message when it has no version in force yet."""
    _, rows = db.query("SELECT min(effective_from) FROM plan_version WHERE plan_id = %s", (plan,), url)
    first = rows[0][0] if rows else None
    if first is None:
        raise NotFound(f"no plan {plan!r}; GET /v1/plans lists the plans")
    if first > at:
        return (f"Plan {plan} has no version in force on {at.isoformat()} (its first version takes effect on "
                f"{first.isoformat()}), so the RTRW applies.")
    return None
