"""OGC API – Features: the collections (a plan's zones, overlays, versions and changes) and their items, in SQL.

PostGIS does the spatial work: ``bbox`` is ``&&`` plus ``ST_Intersects`` on the GiST index, paging is
``ORDER BY id LIMIT/OFFSET`` (ids never change within a version), ``numberMatched`` the exact ``count(*)`` of
the same filter (the plan version's stored ``zone_count`` when nothing filters), and another CRS is
``ST_Transform`` (Part 2: CRS84, EPSG:3857 and the plan's UTM zone). The version answered is the one in force
at the ``datetime`` instant (rdtr.versions), so a date before the plan gives no features. The versions and
the changes between them are :mod:`rdtr.answers.feature_history`.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson

from rdtr.answers import feature_history as history
from rdtr.answers.sql import in_force
from rdtr.db import Database
from rdtr.errors import InvalidInput, NotFound
from rdtr.messages import Message
from rdtr.versions import versions_in_force

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/"
ZONE_FIELDS = ("subzone_code", "subzone_name", "zone_code", "zone_name", "block", "subblock", "kelurahan", "kecamatan")
OVERLAY_FIELDS = ("kind", "name", "text", "max_height_m")
#: the property filters each kind of collection accepts (equality, as the plan writes the value)
FILTERS = {
    "zones": ("subzone_code", "zone_code", "kelurahan", "kecamatan", "block"),
    "overlays": ("kind",),
    "versions": (),
    "changes": ("change", "to_version", "kelurahan"),
}
MAX_LIMIT = 10_000


class BadQuery(InvalidInput):
    """An invalid or unknown query parameter: OGC API – Features says 400."""

    status = 400
    title = "Bad request"


@dataclass(frozen=True)
class Collection:
    """One feature collection: a plan's zones or overlays over all of its versions, its versions, or the
    changes between consecutive versions."""

    id: str
    plan_id: str
    kind: str  #: "zones", "overlays", "versions" or "changes"
    title: str
    description: str
    bbox: tuple[float, float, float, float] | None
    start: date  #: the first version's effective date
    utm_srid: int | None  #: the plan's UTM zone (SRGI2013 where PostGIS knows it, else WGS 84)
    current_version: int | None = None  #: the number of the version in force today (else the latest)

    @property
    def crs(self) -> list[str]:
        """The CRS a client may ask for, CRS84 first (Part 2)."""
        return [CRS84, EPSG_URI + "3857"] + ([EPSG_URI + str(self.utm_srid)] if self.utm_srid else [])

    def srid_of(self, uri: str | None, name: str) -> int:
        """The SRID of a CRS URI this collection offers (4326 for CRS84); else a 400 naming ``name``."""
        if uri is None or uri == CRS84:
            return 4326
        if uri in self.crs:
            return int(uri.rsplit("/", 1)[1])
        raise BadQuery(Message("ogc_crs_not_offered", name=name, uri=repr(uri[:200]), offered=", ".join(self.crs)))


_PLANS_SQL = """
SELECT p.id, p.name, min(pv.effective_from), count(pv.id), max(pv.version),
       ST_XMin(ST_Extent(pv.bbox)), ST_YMin(ST_Extent(pv.bbox)),
       ST_XMax(ST_Extent(pv.bbox)), ST_YMax(ST_Extent(pv.bbox)),
       EXISTS (SELECT 1 FROM overlay o JOIN plan_version v ON v.id = o.plan_version_id WHERE v.plan_id = p.id)
FROM plan p JOIN plan_version pv ON pv.plan_id = p.id
GROUP BY p.id, p.name ORDER BY p.id
"""
_UTM_SQL = """
SELECT srid FROM spatial_ref_sys
WHERE auth_name = 'EPSG' AND (srtext LIKE %(srgi)s OR auth_srid = %(wgs)s)
ORDER BY srtext LIKE %(srgi)s DESC LIMIT 1
"""


def _utm_srid(db: Database, bbox) -> int | None:
    if bbox is None or None in bbox:
        return None
    lon, lat = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    zone = min(60, int((lon + 180) // 6) + 1)
    hemi = "N" if lat >= 0 else "S"
    wgs = (32600 if lat >= 0 else 32700) + zone
    rows = db.fetch_sql(_UTM_SQL, {"srgi": f'PROJCS["SRGI2013 / UTM zone {zone}{hemi}"%', "wgs": wgs})
    return rows[0][0] if rows else None


#: what the catalogue is built from: it changes only when a version is loaded (or a day passes)
_CATALOG_KEY_SQL = "SELECT count(*), max(id), max(loaded_at), (SELECT count(*) FROM plan) FROM plan_version"
_CATALOGS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def collections(db: Database) -> list[Collection]:
    """Every collection: per plan with a version ``{plan}-zones`` and ``{plan}-versions``, ``{plan}-overlays``
    where it has any and ``{plan}-changes`` where it has two versions or more. Built again only when the
    versions loaded (or the day) change: every items request names its collection."""
    key = (date.today(), *db.fetch_sql(_CATALOG_KEY_SQL)[0])
    cached = _CATALOGS.get(db)
    if cached is not None and cached[0] == key:
        return cached[1]
    out = _build_collections(db)
    _CATALOGS[db] = (key, out)
    return out


def _build_collections(db: Database) -> list[Collection]:
    with db.engine.connect() as conn:
        in_force = {v["plan_id"]: v["version"] for v in versions_in_force(conn, date.today())}
    out = []
    for pid, name, start, n_versions, latest, *box, has_overlays in db.fetch_sql(_PLANS_SQL):
        bbox = tuple(box) if None not in box else None
        common = (bbox, start, _utm_srid(db, bbox), in_force.get(pid, latest))
        out.append(
            Collection(
                f"{pid}-zones",
                pid,
                "zones",
                f"{name} — zones (pola ruang)",
                f"The zoning polygons of plan {pid!r}: sub-zone, zone, block and area names; "
                "the version in force at `datetime` (default today).",
                *common,
            )
        )
        if has_overlays:
            out.append(
                Collection(
                    f"{pid}-overlays",
                    pid,
                    "overlays",
                    f"{name} — special-provision overlays",
                    f"The overlays (KKOP, KRB, LP2B, …) of plan {pid!r}; the version in force at `datetime`.",
                    *common,
                )
            )
        out.append(
            Collection(
                f"{pid}-versions",
                pid,
                "versions",
                f"{name} — plan versions",
                f"One feature per version of plan {pid!r} (id: the version number): valid_from, valid_to, loaded_at, "
                "zone_count, the version's extent as geometry and its downloads as links; with `datetime`, the "
                "version in force then.",
                *common,
            )
        )
        if n_versions >= 2:
            out.append(
                Collection(
                    f"{pid}-changes",
                    pid,
                    "changes",
                    f"{name} — changes between versions",
                    f"The zones of plan {pid!r} that changed (added, removed, reshaped, recoded) from each version "
                    "to the next; with `datetime`, the changes that brought in the version in force then.",
                    *common,
                )
            )
    return out


def collection(db: Database, collection_id: str) -> Collection:
    """The collection ``collection_id``, or :class:`NotFound` naming the ones there are."""
    found = {c.id: c for c in collections(db)}
    if collection_id not in found:
        there = ", ".join(found) or Message("ogc_none")
        raise NotFound(Message("ogc_no_collection", id=repr(collection_id[:80]), found=there))
    return found[collection_id]


def extent(c: Collection) -> dict:
    """The collection's extent: spatial bbox in CRS84, temporal from the first version on (open end)."""
    out: dict[str, Any] = {}
    if c.bbox:
        out["spatial"] = {"bbox": [list(c.bbox)], "crs": CRS84}
    out["temporal"] = {"interval": [[f"{c.start.isoformat()}T00:00:00Z", None]], "trs": GREGORIAN}
    return out


GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"


# --- parameters -------------------------------------------------------------------------------------------


def _instant(text: str) -> date | None:
    text = text.strip()
    if text in ("", ".."):
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        if "T" not in text.upper():
            raise ValueError(text)
        return datetime.fromisoformat(text.replace("z", "Z")).date()
    except ValueError:
        raise BadQuery(Message("ogc_bad_datetime", text=repr(text[:40]))) from None


def parse_datetime(text: str | None, today: date | None = None) -> date:
    """The date whose version in force answers: the instant, an interval's end (or its start when the end is
    open and the start is later than today), today by default."""
    today = today or date.today()
    if text is None:
        return today
    if "/" not in text:
        got = _instant(text)
        if got is None:
            raise BadQuery(Message("ogc_datetime_open"))
        return got
    start_text, _, end_text = text.partition("/")
    if "/" in end_text:
        raise BadQuery(Message("ogc_datetime_two_ends"))
    start, end = _instant(start_text), _instant(end_text)
    if start and end and start > end:
        raise BadQuery(Message("ogc_datetime_order"))
    if end:
        return end
    return start if start and start > today else today


def parse_bbox(text: str, srid: int) -> tuple[float, float, float, float]:
    """``minx,miny,maxx,maxy`` (or six numbers with heights, which are dropped) in the SRID's axis order."""
    parts = text.split(",")
    if len(parts) not in (4, 6):
        raise BadQuery(Message("ogc_bbox_count", count=str(len(parts))))
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        raise BadQuery(Message("ogc_bbox_numbers", text=repr(text[:80]))) from None
    if not all(map(math.isfinite, nums)):
        raise BadQuery(Message("ogc_bbox_finite"))
    x1, y1, x2, y2 = (nums[0], nums[1], nums[3], nums[4]) if len(nums) == 6 else nums
    if srid == 4326:
        if not (abs(x1) <= 180 and abs(x2) <= 180 and abs(y1) <= 90 and abs(y2) <= 90):
            raise BadQuery(Message("ogc_bbox_crs84"))
    elif x1 > x2:
        raise BadQuery(Message("ogc_bbox_x_order"))
    if y1 > y2:
        raise BadQuery(Message("ogc_bbox_y_order"))
    return x1, y1, x2, y2


# --- items ------------------------------------------------------------------------------------------------


_VERSION_AT_SQL = (
    f"SELECT f.id, f.version, f.effective_from, pv.zone_count FROM ({in_force('%s', '%s')}) f "
    "JOIN plan_version pv ON pv.id = f.id"
)


def version_at(db: Database, c: Collection, at: date) -> dict | None:
    """The plan version in force at ``at`` (``{id, version, zone_count, …}``), or ``None`` before the plan."""
    rows = db.fetch_sql(_VERSION_AT_SQL, (at, c.plan_id, c.plan_id))
    if not rows:
        return None
    return dict(zip(("id", "version", "effective_from", "zone_count"), rows[0]))


def _geometry_sql(srid: int) -> str:
    if srid == 4326:
        return "ST_AsGeoJSON(t.geom, 7, 0)"
    return f"ST_AsGeoJSON(ST_Transform(t.geom, {int(srid)}), 3, 0)"


def _envelope(bbox, srid: int) -> str:
    x1, y1, x2, y2 = (float(v) for v in bbox)
    if srid == 4326:
        if x1 > x2:  # across the antimeridian
            east = f"ST_MakeEnvelope({x1}, {y1}, 180, {y2}, 4326)"
            west = f"ST_MakeEnvelope(-180, {y1}, {x2}, {y2}, 4326)"
            return f"ST_Union({east}, {west})"
        return f"ST_MakeEnvelope({x1}, {y1}, {x2}, {y2}, 4326)"
    box = f"ST_Segmentize(ST_MakeEnvelope({x1}, {y1}, {x2}, {y2}, {int(srid)}), {max(x2 - x1, y2 - y1) / 16 or 1})"
    return f"ST_Transform({box}, 4326)"


def _bbox_sql(bbox, srid: int) -> str | None:
    """``t.geom`` meets the box: ``&&`` (the GiST index) then ``ST_Intersects``; ``None`` without a box."""
    if bbox is None:
        return None
    env = _envelope(bbox, srid)
    return f"t.geom && {env} AND ST_Intersects(t.geom, {env})"


def _from(kind: str) -> str:
    if kind == "zones":
        return (
            "FROM zone t LEFT JOIN subzone s ON s.plan_version_id = t.plan_version_id "
            "AND s.subzone_code = t.subzone_code"
        )
    return "FROM overlay t"


def _columns(kind: str) -> str:
    if kind == "zones":
        return (
            "t.subzone_code, COALESCE(t.subzone_name, s.subzone_name), COALESCE(t.zone_code, s.zone_code), "
            "COALESCE(t.zone_name, s.zone_name), t.block, t.subblock, t.kelurahan, t.kecamatan"
        )
    return "t.kind, t.name, t.text, t.max_height_m"


def _filter_column(kind: str, name: str) -> str:
    if kind == "zones" and name == "zone_code":
        return "COALESCE(t.zone_code, s.zone_code)"
    return f"t.{name}"


def _feature(c: Collection, version: int, row) -> dict:
    fid, geojson, *values = row
    fields = ZONE_FIELDS if c.kind == "zones" else OVERLAY_FIELDS
    props = dict(zip(fields, values))
    props.update(plan=c.plan_id, version=version)
    return {"type": "Feature", "id": fid, "geometry": orjson.Fragment(geojson), "properties": props}


def items(
    db: Database,
    c: Collection,
    *,
    at: date | None,
    bbox=None,
    bbox_srid: int = 4326,
    filters: dict | None = None,
    limit: int = 10,
    offset: int = 0,
    srid: int = 4326,
) -> dict:
    """``{features, number_matched, version}``: the page ``offset..offset+limit`` (by id) of the collection's
    features in the version in force at ``at`` (default today; for versions and changes: all of them) that
    intersect ``bbox`` and equal every filter."""
    if c.kind in ("versions", "changes"):
        page = {
            "at": at,
            "where_bbox": _bbox_sql(bbox, bbox_srid),
            "geometry": _geometry_sql(srid),
            "limit": limit,
            "offset": offset,
        }
        if c.kind == "versions":
            return {**history.version_items(db, c.plan_id, **page), "version": None}
        return {**history.change_items(db, c.plan_id, filters=filters, **page), "version": None}
    v = version_at(db, c, at or date.today())
    if v is None:
        return {"features": [], "number_matched": 0, "version": None}
    where = ["t.plan_version_id = %(pv)s"]
    params: dict[str, Any] = {"pv": v["id"], "limit": limit, "offset": offset}
    if bbox is not None:
        where.append(_bbox_sql(bbox, bbox_srid))
    for name, value in (filters or {}).items():
        where.append(f"{_filter_column(c.kind, name)} = %({name})s")
        params[name] = value
    cond = " AND ".join(where)
    # the page's ids first (the count of all that match comes with them), then only their geometries; a
    # whole version's count is its stored zone_count
    known = v["zone_count"] if c.kind == "zones" and bbox is None and not filters else None
    count = "NULL" if known else "count(*) OVER ()"
    rows = db.fetch_sql(
        f"WITH page AS (SELECT t.id, {count} AS matched {_from(c.kind)} WHERE {cond} "
        "ORDER BY t.id LIMIT %(limit)s OFFSET %(offset)s) "
        f"SELECT t.id, {_geometry_sql(srid)}, {_columns(c.kind)}, page.matched FROM page "
        f"JOIN {_from(c.kind).removeprefix('FROM ')} ON t.id = page.id AND t.plan_version_id = %(pv)s ORDER BY t.id",
        params,
    )
    if known:
        matched = known
    elif rows:
        matched = rows[0][-1]
    elif offset == 0:
        matched = 0
    else:  # past the end
        matched = db.fetch_sql(f"SELECT count(*) {_from(c.kind)} WHERE {cond}", params)[0][0]
    return {"features": [_feature(c, v["version"], r[:-1]) for r in rows], "number_matched": matched, "version": v}


def item(db: Database, c: Collection, feature_id: str, srid: int = 4326) -> dict:
    """One feature of the collection by its id (any version of the plan), or :class:`NotFound`."""
    if c.kind in ("versions", "changes"):
        return history.one_feature(db, c.kind, c.plan_id, feature_id, _geometry_sql(srid))
    if not feature_id.isdigit() or len(feature_id) > 18:
        raise NotFound(Message("ogc_no_feature", id=repr(feature_id[:40]), collection=c.id))
    rows = db.fetch_sql(
        f"SELECT t.id, {_geometry_sql(srid)}, {_columns(c.kind)}, pv.version {_from(c.kind)} "
        "JOIN plan_version pv ON pv.id = t.plan_version_id WHERE t.id = %(id)s AND pv.plan_id = %(plan)s",
        {"id": int(feature_id), "plan": c.plan_id},
    )
    if not rows:
        raise NotFound(Message("ogc_no_feature", id=repr(feature_id), collection=c.id))
    *row, version = rows[0]
    return _feature(c, version, row)
