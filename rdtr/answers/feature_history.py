"""The history collections of OGC API – Features: ``{plan}-versions`` and ``{plan}-changes``.

A version is one feature (id: its number) whose geometry is the version's extent (``plan_version.bbox``,
CRS84) with ``valid_from``/``valid_to`` (the next version's ``effective_from``; open for the latest),
``loaded_at`` and ``zone_count``. The changes between consecutive versions come from
:func:`rdtr.answers.changes.plan_changes` (the one definition of a change), built once per pair of versions
(versions never change) and flattened to plain properties; feature ids are ``{to_version}-{n}``. PostGIS
still does the spatial work: bbox and the output CRS go through SQL for both collections.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import orjson

from rdtr.answers.changes import plan_changes
from rdtr.db import Database
from rdtr.downloads import download_links
from rdtr.errors import NotFound
from rdtr.messages import Message
from rdtr.versions import versions_in_force

VERSION_FIELDS = ("name", "legal_basis", "valid_from", "valid_to", "loaded_at", "zone_count")
CHANGE_FIELDS = (
    "change",
    "from_version",
    "to_version",
    "effective_from",
    "before_subzone_code",
    "before_area_m2",
    "after_subzone_code",
    "after_area_m2",
    "area_gained_m2",
    "area_lost_m2",
    "changed_fields",
    "kelurahan",
    "feature_id_before",
    "feature_id_after",
)

_VERSIONS_SQL = """
SELECT t.version, {geometry}, t.name, t.legal_basis, t.effective_from, t.valid_to, t.loaded_at, t.zone_count,
       count(*) OVER ()
FROM (SELECT pv.*, pv.bbox AS geom,
             lead(pv.effective_from) OVER (ORDER BY pv.effective_from, pv.version) AS valid_to
      FROM plan_version pv WHERE pv.plan_id = %(plan)s) t
WHERE {where} ORDER BY t.version LIMIT %(limit)s OFFSET %(offset)s
"""
# The changed zones' GeoJSON (CRS84, from plan_changes) filtered by bbox and written in the CRS asked for.
_CHANGES_SQL = """
SELECT t.i, {geometry}, count(*) OVER ()
FROM (SELECT u.i, ST_SetSRID(ST_GeomFromGeoJSON(u.j), 4326) AS geom
      FROM unnest(%(geoms)s::text[]) WITH ORDINALITY AS u(j, i)) t
WHERE {where} ORDER BY t.i LIMIT %(limit)s OFFSET %(offset)s
"""


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return value.isoformat()


def _version_in_force(db: Database, plan_id: str, at: date) -> dict | None:
    with db.engine.connect() as conn:
        got = versions_in_force(conn, at, plan_id)
    return got[0] if got else None


def _version_feature(plan_id: str, row) -> dict:
    number, geojson, name, legal_basis, valid_from, valid_to, loaded_at, zone_count = row[:8]
    props = {
        "plan": plan_id,
        "version": number,
        "name": name,
        "legal_basis": legal_basis,
        "valid_from": _iso(valid_from),
        "valid_to": _iso(valid_to),
        "loaded_at": _iso(loaded_at),
        "zone_count": zone_count,
    }
    return {
        "type": "Feature",
        "id": number,
        "geometry": orjson.Fragment(geojson) if geojson else None,
        "properties": props,
        "links": download_links(plan_id, number),
    }


def version_items(db: Database, plan_id: str, *, at, where_bbox, geometry, limit, offset, number=None) -> dict:
    """``{features, number_matched}``: the plan's versions (all, or the one in force at ``at``) by number."""
    where = ["TRUE"]
    params: dict[str, Any] = {"plan": plan_id, "limit": limit, "offset": offset}
    if at is not None:
        v = _version_in_force(db, plan_id, at)
        if v is None:
            return {"features": [], "number_matched": 0}
        where.append("t.id = %(in_force)s")
        params["in_force"] = v["id"]
    if number is not None:
        where.append("t.version = %(number)s")
        params["number"] = number
    if where_bbox:
        where.append(where_bbox)
    rows, matched = _page(db, _VERSIONS_SQL, geometry, " AND ".join(where), params)
    return {"features": [_version_feature(plan_id, r) for r in rows], "number_matched": matched}


def _page(db: Database, sql: str, geometry: str, where: str, params: dict) -> tuple[list, int]:
    """The page's rows and the count of all that match (the window ``count(*)``; counted again past the end)."""
    rows = db.fetch_sql(sql.format(geometry=geometry, where=where), params)
    if rows:
        return rows, rows[0][-1]
    if params["offset"] == 0:
        return rows, 0
    again = db.fetch_sql(sql.format(geometry="NULL", where=where), {**params, "offset": 0, "limit": 1})
    return rows, again[0][-1] if again else 0


# --- changes ----------------------------------------------------------------------------------------------


def _pairs(db: Database, plan_id: str) -> list[tuple[dict, dict]]:
    """Consecutive versions of the plan (by effective date): ``[(v1, v2), (v2, v3), …]``."""
    rows = db.fetch_sql(
        "SELECT id, version, effective_from FROM plan_version WHERE plan_id = %s ORDER BY effective_from, version",
        (plan_id,),
    )
    versions = [{"id": r[0], "version": r[1], "effective_from": r[2]} for r in rows]
    return list(zip(versions, versions[1:]))


def _flat(change: dict, before: dict, after: dict, n: int) -> dict:
    """One changed zone of ``plan_changes`` as a feature with plain (GIS-friendly) properties."""
    p = change["properties"]
    b, a = p.get("before") or {}, p.get("after") or {}
    ids = p.get("feature_id")
    if isinstance(ids, dict):
        id_before, id_after = ids.get("before"), ids.get("after")
    else:  # matched by the package's id field: one id for both sides
        shown = change.get("id")
        id_before, id_after = (shown if p.get("before") else None), (shown if p.get("after") else None)
    props = {
        "change": p["change"],
        "from_version": before["version"],
        "to_version": after["version"],
        "effective_from": _iso(after["effective_from"]),
        "before_subzone_code": b.get("subzone_code"),
        "before_area_m2": b.get("area_m2"),
        "after_subzone_code": a.get("subzone_code"),
        "after_area_m2": a.get("area_m2"),
        "area_gained_m2": p.get("area_gained_m2"),
        "area_lost_m2": p.get("area_lost_m2"),
        "changed_fields": ",".join(p.get("changed_fields") or []) or None,
        "kelurahan": p.get("kelurahan"),
        "feature_id_before": id_before,
        "feature_id_after": id_after,
    }
    return {"id": f"{after['version']}-{n}", "geometry": orjson.dumps(change["geometry"]).decode(), "props": props}


def _changes_of(db: Database, plan_id: str, before: dict, after: dict) -> list[dict]:
    """The changed zones from ``before`` to ``after``, once per pair and process (versions are immutable)."""

    def build():
        doc = plan_changes(db, plan_id, before["version"], after["version"])
        return [_flat(f, before, after, n) for n, f in enumerate(doc["zones"]["features"], start=1)]

    return db.versions.get(after["id"]).derived(f"ogc-changes-from-{before['id']}", build)


def change_items(db: Database, plan_id: str, *, at, where_bbox, geometry, filters, limit, offset, fid=None) -> dict:
    """``{features, number_matched}``: the changes between consecutive versions (all, or those that brought in
    the version in force at ``at``) that equal every filter and meet ``bbox``; in version order."""
    pairs = _pairs(db, plan_id)
    if at is not None:
        v = _version_in_force(db, plan_id, at)
        pairs = [p for p in pairs if v is not None and p[1]["id"] == v["id"]]
    found = [c for before, after in pairs for c in _changes_of(db, plan_id, before, after)]
    found = [c for c in found if all(str(c["props"].get(k)) == v for k, v in (filters or {}).items())]
    if fid is not None:
        found = [c for c in found if c["id"] == fid]
    if not found:
        return {"features": [], "number_matched": 0}
    params = {"geoms": [c["geometry"] for c in found], "limit": limit, "offset": offset}
    rows, matched = _page(db, _CHANGES_SQL, geometry, where_bbox or "TRUE", params)
    feats = []
    for i, geojson, _ in rows:
        c = found[i - 1]
        props = {"plan": plan_id, **c["props"]}
        feats.append({"type": "Feature", "id": c["id"], "geometry": orjson.Fragment(geojson), "properties": props})
    return {"features": feats, "number_matched": matched}


def one_feature(db: Database, kind: str, plan_id: str, feature_id: str, geometry: str) -> dict:
    """One version (by number) or one change (``{to_version}-{n}``), or :class:`NotFound`."""
    page = {"at": None, "where_bbox": None, "geometry": geometry, "limit": 1, "offset": 0}
    if kind == "versions" and feature_id.isdigit() and len(feature_id) < 10:
        got = version_items(db, plan_id, number=int(feature_id), **page)
    elif kind == "changes" and len(feature_id) < 24:
        got = change_items(db, plan_id, filters=None, fid=feature_id, **page)
    else:
        got = {"features": []}
    if not got["features"]:
        raise NotFound(Message("ogc_no_feature", id=repr(feature_id[:40]), collection=f"{plan_id}-{kind}"))
    return got["features"][0]
