"""What the maps read from PostGIS: the plan versions an answer came from, the zones around a point or
parcel (clipped and simplified for drawing), the legend of a version, and a coarse outline of a plan for
location insets.

All geometry comes back as GeoJSON in EPSG:4326; radii and tolerances are given in metres and turned
into degrees at the geometry's latitude (good to well under a metre at Indonesian latitudes).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from rdtr.versions import versions_in_force

M_PER_DEG = 111_320.0


def metres_to_degrees(metres: float, lat: float) -> tuple[float, float]:
    """(Δlon, Δlat) in degrees for a distance in metres at latitude ``lat``."""
    dlat = metres / M_PER_DEG
    dlon = metres / (M_PER_DEG * max(math.cos(math.radians(lat)), 0.01))
    return dlon, dlat


def to_dict(answer: Any) -> dict:
    """An answer as a JSON-ready dict, whether a pydantic model or already a dict."""
    if hasattr(answer, "model_dump"):
        return answer.model_dump(mode="json")
    return answer


def answer_plans(answer: dict) -> list[dict]:
    """The distinct plan versions an answer cites (``zones[].plan``), in order of appearance.

    For a FeatureCollection answer (``{"results": [...]}``) the plans of every result are collected.
    """
    seen: dict[tuple, dict] = {}
    results = answer.get("results")
    for item in results if isinstance(results, list) else [answer]:
        for zone in list(item.get("zones") or []) + list(item.get("slivers") or []):
            plan = zone.get("plan") if isinstance(zone, dict) else None
            if plan and "id" in plan and "version" in plan:
                seen.setdefault((plan["id"], plan["version"]), plan)
    return list(seen.values())


def plan_version_ids(conn, plans: Iterable[dict]) -> list[int]:
    """Database ids of ``[{id, version}, …]`` plan versions (unknown ones are skipped)."""
    ids = []
    for plan in plans:
        pv = conn.execute(
            text("SELECT id FROM plan_version WHERE plan_id = :p AND version = :v"),
            {"p": plan["id"], "v": plan["version"]},
        ).scalar()
        if pv is not None and pv not in ids:
            ids.append(pv)
    return ids


def versions_for_answer(conn, answer: dict) -> list[int]:
    """The plan versions to draw under an answer: those it cites, else those in force on its date."""
    ids = plan_version_ids(conn, answer_plans(answer))
    if ids:
        return ids
    at = answer.get("at")
    try:
        at = date.fromisoformat(at) if isinstance(at, str) else (at or date.today())
    except ValueError:
        at = date.today()
    return [v["id"] for v in versions_in_force(conn, at)]


def version_info(conn, plan_version_id: int) -> dict | None:
    """A plan version's row (plan, version, name, legal basis, effective date, zone count, …) with its
    bounding box in EPSG:4326 lon/lat (``xmin``…``ymax``), or None when there is no such version."""
    row = (
        conn.execute(
            text("""SELECT pv.id, pv.plan_id, pv.version, pv.name, pv.legal_basis, pv.effective_from,
                       pv.synthetic, pv.zone_count,
                       ST_XMin(pv.bbox) AS xmin, ST_YMin(pv.bbox) AS ymin,
                       ST_XMax(pv.bbox) AS xmax, ST_YMax(pv.bbox) AS ymax
                FROM plan_version pv WHERE pv.id = :id"""),
            {"id": plan_version_id},
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


ZONES_NEAR_SQL = """
WITH box AS (SELECT ST_MakeEnvelope(:xmin, :ymin, :xmax, :ymax, 4326) AS env)
SELECT z.id, z.plan_version_id, z.subzone_code, z.subzone_name, z.zone_code, z.zone_name,
       z.block, z.subblock, z.kelurahan, z.kecamatan,
       ST_AsGeoJSON(
         ST_SimplifyPreserveTopology(ST_ClipByBox2D(z.geom, box.env), :tol), 7) AS geometry
FROM zone z, box
WHERE z.plan_version_id = ANY(:pv) AND z.geom && box.env
ORDER BY z.id
LIMIT :limit
"""


def zones_in_bbox(
    conn,
    plan_version_ids: list[int],
    bbox: tuple[float, float, float, float],
    simplify_m: float = 0.5,
    limit: int = 5000,
) -> list[dict]:
    """Zones of the given versions within ``bbox`` (lon/lat), clipped to it and simplified by
    ``simplify_m`` metres, as GeoJSON features with the sub-zone attributes."""
    if not plan_version_ids:
        return []
    xmin, ymin, xmax, ymax = bbox
    tol = simplify_m / M_PER_DEG
    rows = (
        conn.execute(
            text(ZONES_NEAR_SQL),
            {
                "xmin": xmin,
                "ymin": ymin,
                "xmax": xmax,
                "ymax": ymax,
                "tol": tol,
                "pv": list(plan_version_ids),
                "limit": limit,
            },
        )
        .mappings()
        .all()
    )
    features = []
    for r in rows:
        if not r["geometry"]:
            continue
        geom = json.loads(r["geometry"])
        if geom.get("type") not in ("Polygon", "MultiPolygon", "GeometryCollection"):
            continue
        if geom["type"] == "GeometryCollection":
            polys = [g for g in geom.get("geometries", []) if g["type"] in ("Polygon", "MultiPolygon")]
            if not polys:
                continue
            coords = []
            for g in polys:
                coords.extend([g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"])
            geom = {"type": "MultiPolygon", "coordinates": coords}
        props = {
            k: r[k]
            for k in (
                "id",
                "plan_version_id",
                "subzone_code",
                "subzone_name",
                "zone_code",
                "zone_name",
                "block",
                "subblock",
                "kelurahan",
                "kecamatan",
            )
        }
        features.append({"type": "Feature", "geometry": geom, "properties": props})
    return features


def bbox_around(geometry_bounds: tuple[float, float, float, float], margin_m: float) -> tuple:
    """A lon/lat bbox: ``geometry_bounds`` grown by ``margin_m`` metres on every side."""
    xmin, ymin, xmax, ymax = geometry_bounds
    dlon, dlat = metres_to_degrees(margin_m, (ymin + ymax) / 2)
    return (xmin - dlon, ymin - dlat, xmax + dlon, ymax + dlat)


def legend_rows(conn, plan_version_ids: list[int]) -> list[dict]:
    """``[{subzone_code, subzone_name, zone_code}]`` of the given versions (the plan's lookup table,
    or the codes present on its zones when the table is empty)."""
    if not plan_version_ids:
        return []
    rows = (
        conn.execute(
            text("""SELECT DISTINCT subzone_code, subzone_name, zone_code FROM subzone
                WHERE plan_version_id = ANY(:pv)"""),
            {"pv": list(plan_version_ids)},
        )
        .mappings()
        .all()
    )
    if not rows:
        rows = (
            conn.execute(
                text("""SELECT DISTINCT ON (subzone_code) subzone_code, subzone_name, zone_code FROM zone
                    WHERE plan_version_id = ANY(:pv) ORDER BY subzone_code"""),
                {"pv": list(plan_version_ids)},
            )
            .mappings()
            .all()
        )
    return [dict(r) for r in rows]


# Insets: one coarse outline per kelurahan of a version, computed once per version (see plan_outline).
OUTLINE_SQL = """
SELECT COALESCE(kelurahan, '') AS name,
       ST_AsGeoJSON(ST_SimplifyPreserveTopology(ST_Union(geom, :tol), :tol), 6) AS geometry
FROM zone
WHERE plan_version_id = :pv
GROUP BY COALESCE(kelurahan, '')
"""

# When GEOS cannot union a version's zones (invalid input), the inset falls back to their extents.
OUTLINE_FALLBACK_SQL = """
SELECT COALESCE(kelurahan, '') AS name, ST_AsGeoJSON(ST_Envelope(ST_Collect(geom)), 6) AS geometry
FROM zone
WHERE plan_version_id = :pv
GROUP BY COALESCE(kelurahan, '')
"""


def plan_outline(db, plan_version_id: int) -> list[dict]:
    """Coarse outlines of a plan version, one per kelurahan, as GeoJSON features (EPSG:4326, for insets);
    computed once per version (versions never change after loading)."""

    def build():
        with db.engine.connect() as conn:
            return _outline(conn, plan_version_id)

    return db.versions.get(plan_version_id).derived("outline", build)


def _outline(conn, plan_version_id: int) -> list[dict]:
    info = version_info(conn, plan_version_id)
    if info and info["xmin"] is not None:
        extent = max(info["xmax"] - info["xmin"], info["ymax"] - info["ymin"])
    else:
        extent = (
            conn.execute(
                text("""SELECT GREATEST(ST_XMax(e) - ST_XMin(e), ST_YMax(e) - ST_YMin(e))
                    FROM (SELECT ST_Extent(geom)::geometry AS e FROM zone WHERE plan_version_id = :pv) s"""),
                {"pv": plan_version_id},
            ).scalar()
            or 0.01
        )
    tol = max(extent / 300.0, 1e-5)
    try:
        with conn.begin_nested():
            rows = conn.execute(text(OUTLINE_SQL), {"pv": plan_version_id, "tol": tol}).mappings().all()
    except DBAPIError:
        rows = conn.execute(text(OUTLINE_FALLBACK_SQL), {"pv": plan_version_id}).mappings().all()
    return [
        {"type": "Feature", "geometry": json.loads(r["geometry"]), "properties": {"name": r["name"]}}
        for r in rows
        if r["geometry"]
    ]
