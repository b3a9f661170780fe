"""Activity questions: search the ITBX activities, and where is an activity permitted."""

from __future__ import annotations

from datetime import date

import orjson

from rdtr.errors import InvalidInput, NotFound
from rdtr.itbx import CLASS_NAMES, CLASS_RANK
from rdtr.text import name_key
from rdtr.zoning import db
from rdtr.zoning.point import in_force
from rdtr.zoning.rules import activity_ref, find_activity, unknown_activity

MAX_FEATURES = 10_000


def _versions(at: date | None, plan: str | None, url: str | None):
    used = db._url(url)
    at = at or date.today()
    versions = in_force(at, plan, used)
    if not versions and plan is not None:
        _, rows = db.query("SELECT 1 FROM plan WHERE id = %s", (plan,), used)
        if not rows:
            raise NotFound(f"no plan {plan!r}; GET /v1/plans lists the plans")
    return at, used, versions


def search_activities(q: str | None = None, *, plan: str | None = None, at: date | None = None,
                      limit: int = 50, url: str | None = None) -> dict:
    """Activities of the plans in force whose code, name (substring, case/accent-insensitive) or KBLI
    matches ``q``; exact matches first. An empty ``q`` lists them all (up to ``limit``)."""
    at, _, versions = _versions(at, plan, url)
    query = (q or "").strip()
    key = name_key(query)
    upper = query.upper()
    digits = "".join(ch for ch in query if ch.isdigit())
    kbli_query = bool(digits) and digits == query.replace(".", "").replace(" ", "")
    hits = []
    for vd in versions:
        for a in vd.activities:
            if not query:
                rank = 3
            elif a.code.upper() == upper or a.name_key == key:
                rank = 0
            elif kbli_query and any(k == digits for k in a.kbli):
                rank = 0
            elif a.code.upper().startswith(upper) or a.name_key.startswith(key):
                rank = 1
            elif key and key in a.name_key:
                rank = 2
            elif kbli_query and any(k.startswith(digits) for k in a.kbli):
                rank = 2
            else:
                continue
            hits.append((rank, vd.plan_id, a.code, activity_ref(a, vd)))
    hits.sort(key=lambda h: h[:3])
    return {"q": q, "at": at.isoformat(), "count": len(hits), "activities": [h[3] for h in hits[:limit]]}


def parse_classes(value: str | None) -> set[str] | None:
    """``"I"`` or ``"I,T"`` → ``{"I", "T"}``; ``None`` → every class."""
    if value is None or not value.strip():
        return None
    classes = {c.strip().upper() for c in value.split(",") if c.strip()}
    bad = sorted(c for c in classes if c not in CLASS_RANK)
    if bad:
        raise InvalidInput(f"class must be I, T, B or X (or a comma list of them), got {', '.join(bad)}")
    return classes


def parse_bbox(value) -> tuple[float, float, float, float] | None:
    if value is None or value == "":
        return None
    parts = value.split(",") if isinstance(value, str) else list(value)
    try:
        minx, miny, maxx, maxy = (float(p) for p in parts)
    except (TypeError, ValueError):
        raise InvalidInput("bbox must be four numbers: minlon,minlat,maxlon,maxlat") from None
    if not all(abs(v) <= 180 for v in (minx, maxx)) or not all(abs(v) <= 90 for v in (miny, maxy)):
        raise InvalidInput("bbox must be in degrees: longitudes within ±180, latitudes within ±90 "
                           "(order minlon,minlat,maxlon,maxlat)")
    if minx > maxx or miny > maxy:
        raise InvalidInput("bbox must be minlon,minlat,maxlon,maxlat with min ≤ max")
    return minx, miny, maxx, maxy


def where_allowed(activity: str, *, plan: str | None = None, at: date | None = None, classes: str | None = None,
                  url: str | None = None) -> dict:
    """The sub-zones of the plans in force and the activity's class in each, optionally only the given
    class(es): ``{"activity": {…}, "zones": [{plan, subzone_code, subzone_name, class, codes, conditions}]}``."""
    wanted = parse_classes(classes)
    at, _, versions = _versions(at, plan, url)
    found = [(vd, find_activity(vd, activity)) for vd in versions]
    found = [(vd, a) for vd, a in found if a is not None]
    if not found:
        raise unknown_activity(activity, versions)
    zones = []
    for vd, a in found:
        for subzone_code, (cls, codes) in sorted(vd.cells_for(a).items()):
            if wanted is not None and cls not in wanted:
                continue
            sz = vd.subzone(subzone_code)
            zones.append({"plan": vd.plan, "subzone_code": subzone_code, "subzone_name": sz.get("subzone_name"),
                          "zone_code": sz.get("zone_code"), "class": cls, "class_name": CLASS_NAMES.get(cls),
                          "codes": codes, "conditions": vd.conditions(codes)})
    vd0, a0 = found[0]
    return {"activity": activity_ref(a0, vd0), "at": at.isoformat(),
            "classes": sorted(wanted, key=CLASS_RANK.get) if wanted else None, "zones": zones}


def where_allowed_geojson(activity: str, *, plan: str | None = None, at: date | None = None,
                          classes: str | None = None, bbox=None, limit: int = 5000, url: str | None = None) -> dict:
    """The zone polygons (in ``bbox`` when given) of the sub-zones :func:`where_allowed` lists, as a GeoJSON
    FeatureCollection with the class on each feature."""
    box = parse_bbox(bbox)
    limit = max(1, min(int(limit), MAX_FEATURES))
    answer = where_allowed(activity, plan=plan, at=at, classes=classes, url=url)
    if not answer["zones"]:
        return {"type": "FeatureCollection", "features": [], "activity": answer["activity"], "at": answer["at"],
                "numberReturned": 0}
    used = db._url(url)
    pv_ids = {}
    for vd in in_force(date.fromisoformat(answer["at"]), plan, used):
        pv_ids[vd.plan_id] = vd.id
    by_key = {(pv_ids[z["plan"]["id"]], z["subzone_code"]): z for z in answer["zones"]}
    keys = list(by_key)
    params = {"pv": [k[0] for k in keys], "sz": [k[1] for k in keys], "limit": limit + 1}
    where_box = ""
    if box is not None:
        params.update(dict(zip(("x0", "y0", "x1", "y1"), box)))
        where_box = ("AND z.geom && ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4326) "
                     "AND ST_Intersects(z.geom, ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4326))")
    _, rows = db.query(
        "SELECT z.id, z.plan_version_id, z.subzone_code, z.block, z.subblock, z.kelurahan, "
        "ST_AsGeoJSON(z.geom, 7) FROM zone z "
        "JOIN unnest(%(pv)s::int[], %(sz)s::text[]) AS k(pv, sz) ON z.plan_version_id = k.pv AND z.subzone_code = k.sz "
        f"WHERE true {where_box} ORDER BY z.id LIMIT %(limit)s", params, used)
    truncated = len(rows) > limit
    features = []
    for zid, pv, subzone_code, block, subblock, kel, geometry in rows[:limit]:
        z = by_key[(pv, subzone_code)]
        features.append({"type": "Feature", "id": zid, "geometry": orjson.loads(geometry), "properties": {
            "plan": z["plan"]["id"], "plan_version": z["plan"]["version"], "subzone_code": subzone_code,
            "subzone_name": z["subzone_name"], "class": z["class"], "codes": z["codes"],
            "conditions": z["conditions"], "block": block, "subblock": subblock, "kelurahan": kel}})
    return {"type": "FeatureCollection", "features": features, "activity": answer["activity"], "at": answer["at"],
            "numberReturned": len(features), "truncated": truncated}
