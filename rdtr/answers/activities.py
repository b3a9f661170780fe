"""Activity questions: search the ITBX activities, and where is an activity permitted."""

from __future__ import annotations

from datetime import date

import orjson

from rdtr.answers.assemble import activity_ref, find_activity, unknown_activity
from rdtr.answers.plans import versions_for
from rdtr.coords import parse_bbox
from rdtr.db import Database
from rdtr.errors import InvalidInput
from rdtr.itbx import CLASS_NAMES, CLASS_RANK
from rdtr.messages import Message
from rdtr.text import kbli_query, name_key

MAX_FEATURES = 10_000


def search_activities(
    db: Database, q: str | None = None, *, plan: str | None = None, at: date | None = None, limit: int = 50
) -> dict:
    """Activities of the plans in force whose code, name (substring, case/accent-insensitive) or KBLI
    matches ``q``; exact matches first. An empty ``q`` lists them all (up to ``limit``)."""
    at = at or date.today()
    versions = versions_for(db, at, plan)
    query = (q or "").strip()
    key = name_key(query)
    upper = query.upper()
    digits = kbli_query(query)
    hits = []
    for vd in versions:
        for a in vd.activities:
            if not query:
                rank = 3
            elif a.code.upper() == upper or a.name_key == key:
                rank = 0
            elif digits and any(k == digits for k in a.kbli):
                rank = 0
            elif a.code.upper().startswith(upper) or a.name_key.startswith(key):
                rank = 1
            elif key and key in a.name_key:
                rank = 2
            elif digits and any(k.startswith(digits) for k in a.kbli):
                rank = 2
            else:
                continue
            hits.append((rank, vd.plan_id, a.code, activity_ref(a, vd)))
    hits.sort(key=lambda h: h[:3])
    return {"q": q, "at": at.isoformat(), "count": len(hits), "activities": [h[3] for h in hits[:limit]]}


def parse_classes(value) -> set[str] | None:
    """``"I"``, ``"I,T"`` or a set of class letters → ``{"I", "T"}``; ``None`` or empty → every class."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    classes = {str(c).strip().upper() for c in items if str(c).strip()}
    if not classes:
        return None
    bad = sorted(c for c in classes if c not in CLASS_RANK)
    if bad:
        raise InvalidInput(Message("bad_class", got=", ".join(bad)))
    return classes


def where_allowed(
    db: Database, activity: str, *, plan: str | None = None, at: date | None = None, classes=None
) -> dict:
    """The sub-zones of the plans in force and the activity's class in each, optionally only the given
    class(es): ``{"activity": {…}, "zones": [{plan, subzone_code, subzone_name, class, codes, conditions}]}``."""
    wanted = parse_classes(classes)
    at = at or date.today()
    versions = versions_for(db, at, plan)
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
            zones.append(
                {
                    "plan": vd.plan,
                    "subzone_code": subzone_code,
                    "subzone_name": sz.get("subzone_name"),
                    "zone_code": sz.get("zone_code"),
                    "class": cls,
                    "class_name": CLASS_NAMES.get(cls),
                    "codes": codes,
                    "conditions": vd.conditions(codes),
                }
            )
    vd0, a0 = found[0]
    return {
        "activity": activity_ref(a0, vd0),
        "at": at.isoformat(),
        "classes": sorted(wanted, key=CLASS_RANK.get) if wanted else None,
        "zones": zones,
    }


def where_allowed_geojson(
    db: Database,
    activity: str,
    *,
    plan: str | None = None,
    at: date | None = None,
    classes=None,
    bbox=None,
    limit: int = 5000,
) -> dict:
    """The zone polygons (in ``bbox`` when given) of the sub-zones :func:`where_allowed` lists, as a GeoJSON
    FeatureCollection with the class on each feature."""
    box = parse_bbox(bbox) if isinstance(bbox, str) or bbox is None else tuple(bbox)
    limit = max(1, min(int(limit), MAX_FEATURES))
    answer = where_allowed(db, activity, plan=plan, at=at, classes=classes)
    if not answer["zones"]:
        return {
            "type": "FeatureCollection",
            "features": [],
            "activity": answer["activity"],
            "at": answer["at"],
            "numberReturned": 0,
        }
    pv_ids = {}
    for vd in db.versions.in_force(date.fromisoformat(answer["at"]), plan):
        pv_ids[vd.plan_id] = vd.id
    by_key = {(pv_ids[z["plan"]["id"]], z["subzone_code"]): z for z in answer["zones"]}
    keys = list(by_key)
    params = {"pv": [k[0] for k in keys], "sz": [k[1] for k in keys], "limit": limit + 1}
    where_box = ""
    if box is not None:
        params.update(dict(zip(("x0", "y0", "x1", "y1"), box)))
        where_box = (
            "AND z.geom && ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4326) "
            "AND ST_Intersects(z.geom, ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4326))"
        )
    rows = db.fetch_sql(
        "SELECT z.id, z.plan_version_id, z.subzone_code, z.block, z.subblock, z.kelurahan, "
        "ST_AsGeoJSON(z.geom, 7) FROM zone z "
        "JOIN unnest(%(pv)s::int[], %(sz)s::text[]) AS k(pv, sz) ON z.plan_version_id = k.pv AND z.subzone_code = k.sz "
        f"WHERE true {where_box} ORDER BY z.id LIMIT %(limit)s",
        params,
    )
    truncated = len(rows) > limit
    features = []
    for zid, pv, subzone_code, block, subblock, kel, geometry in rows[:limit]:
        z = by_key[(pv, subzone_code)]
        features.append(
            {
                "type": "Feature",
                "id": zid,
                "geometry": orjson.loads(geometry),
                "properties": {
                    "plan": z["plan"]["id"],
                    "plan_version": z["plan"]["version"],
                    "subzone_code": subzone_code,
                    "subzone_name": z["subzone_name"],
                    "class": z["class"],
                    "codes": z["codes"],
                    "conditions": z["conditions"],
                    "block": block,
                    "subblock": subblock,
                    "kelurahan": kel,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "activity": answer["activity"],
        "at": answer["at"],
        "numberReturned": len(features),
        "truncated": truncated,
    }
