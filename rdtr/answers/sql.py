"""The SQL of the answers. Each is one round trip; the version choice is rdtr.versions' own SQL, inlined.

Units: m and m². Areas are geodesic (PostGIS ``geography``, WGS 84 spheroid). Distances and edge lengths
are measured in the *local metric* of the place: longitude and latitude scaled by the ellipsoid's metres
per degree at that latitude (N·cos φ·π/180 and M·π/180). Over the few hundred metres that matter for a
parcel or a zone edge this agrees with the geodesic to better than 0.01 %, and it is several times
cheaper than geography distances on polygons.

Boundary distance: a zone's boundary is kept cut into short edges (``zone_edge``, ≤ 32 vertices each,
GiST-indexed). The nearest edge in plain degrees (``<->``, index-assisted KNN) bounds the search; the
distance is then the minimum over the edges within that bound widened by the worst ratio between metres
per degree of longitude and of latitude there (``1.01 / cos φ``). So the answer is exact — not the
distance to the edge that is nearest in degrees — while touching only a handful of short edges even for a
road zone with thousands of vertices.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from rdtr.db import Query
from rdtr.versions import IN_FORCE_SQL

E2 = 0.00669437999014  # WGS 84 first eccentricity squared
A = 6378137.0  # WGS 84 semi-major axis, m


def _positional(sql: str, mapping: dict[str, str]) -> str:
    """``:name`` parameters (not ``::casts``) → positional ``$n::type`` for PREPARE."""

    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name not in mapping:
            raise KeyError(f"no positional mapping for :{name}")
        return mapping[name]

    out = re.sub(r"CAST\(:(\w+) AS text\)", lambda m: mapping[m.group(1)], sql)
    return re.sub(r"(?<![:\w]):(\w+)\b", sub, out)


def in_force(at_param: str, plan_param: str) -> str:
    """The versions-in-force query of rdtr.versions with positional parameters."""
    return _positional(IN_FORCE_SQL, {"at": f"{at_param}::date", "plan": f"{plan_param}::text"})


def metres_per_degree(phi: str) -> tuple[str, str]:
    """SQL for (metres per degree of longitude, of latitude) at latitude ``phi`` (radians)."""
    w = f"(1 - {E2} * sin({phi}) ^ 2)"
    kx = f"({A} / sqrt({w}) * cos({phi}) * pi() / 180)"
    ky = f"({A} * (1 - {E2}) / ({w} ^ 1.5) * pi() / 180)"
    return kx, ky


def _edge_distance(geom: str, zone_id: str, version_id: str, phi: str, kx: str, ky: str) -> str:
    # zone_edge is partitioned by plan version: naming the version lets PostgreSQL prune to one partition.
    return f"""(SELECT min(ST_Distance(ST_Scale(e.geom, {kx}, {ky}), ST_Scale({geom}, {kx}, {ky})))
            FROM zone_edge e
           WHERE e.zone_id = {zone_id} AND e.plan_version_id = {version_id}
             AND ST_DWithin(e.geom, {geom},
                   (SELECT e2.geom <-> {geom} FROM zone_edge e2
                     WHERE e2.zone_id = {zone_id} AND e2.plan_version_id = {version_id}
                     ORDER BY e2.geom <-> {geom} LIMIT 1) * 1.01 / cos({phi}) + 1e-9))"""


_PKX, _PKY = metres_per_degree("pt.phi")

# $1 lon, $2 lat, $3 at, $4 plan (or NULL)
POINT_SQL = f"""
WITH v AS ({in_force("$3", "$4")}),
pt AS (SELECT ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326) AS g, radians($2::float8) AS phi),
hit AS (
  SELECT DISTINCT zp.zone_id
    FROM zone_part zp, pt
   WHERE ST_Intersects(zp.geom, pt.g) AND zp.plan_version_id IN (SELECT id FROM v)
)
SELECT z.plan_version_id, z.id, z.subzone_code, z.subzone_name, z.zone_code, z.zone_name,
       z.block, z.subblock, z.kecamatan, z.kelurahan, z.tpz, z.special_provisions, z.feature_id,
       {_edge_distance("pt.g", "z.id", "z.plan_version_id", "pt.phi", _PKX, _PKY)} AS boundary_distance_m,
       (SELECT json_agg(json_build_array(o.plan_version_id, o.kind, o.name, o.text, o.max_height_m)
                        ORDER BY o.kind, o.name)
          FROM overlay o
         WHERE o.plan_version_id IN (SELECT id FROM v) AND ST_Intersects(o.geom, pt.g)) AS overlays
  FROM hit JOIN zone z ON z.id = hit.zone_id, pt
 ORDER BY z.plan_version_id, z.subzone_code, z.id
"""


class PointRow(NamedTuple):
    """One zone covering the point (:data:`POINT`)."""

    plan_version_id: int
    zone_id: int
    subzone_code: str
    subzone_name: str | None
    zone_code: str | None
    zone_name: str | None
    block: str | None
    subblock: str | None
    kecamatan: str | None
    kelurahan: str | None
    tpz: list | None
    special_provisions: list | None
    feature_id: str | None
    boundary_distance_m: float | None  #: metres, local metric
    overlays: list | None  #: [[plan_version_id, kind, name, text, max_height_m], …] containing the point


POINT = Query("rdtr_point_v5", POINT_SQL, PointRow)

_KX, _KY = metres_per_degree("f.phi")

# $1 ords int[], $2 EWKB hex text[], $3 at, $4 plan (or NULL).
# Row kinds: 'p' one per parcel (its geodesic area), 'z' one per (parcel, zone) piece, 'o' one per
# (parcel, overlay) it touches. Pieces are summed over the zone's subdivided parts (zone_part), so
# ST_Intersection never sees a whole large zone; a part that covers the parcel needs no intersection.
# A parcel in a single zone (of a plan) has no zone edge inside it, so only its distance to that zone's
# edge is measured; a parcel split between zones gets, per piece, the length of the zone's edge inside it.
PARCEL_SQL = f"""
WITH v AS ({in_force("$3", "$4")}),
p AS MATERIALIZED (
  SELECT t.ord, gg.g, ST_Area(gg.g::geography) AS area, f.phi, {_KX} AS kx, {_KY} AS ky
    FROM unnest($1::int[], $2::text[]) AS t(ord, hex),
         LATERAL (SELECT ST_SetSRID(t.hex::geometry, 4326) AS g) AS gg,
         LATERAL (SELECT radians(ST_Y(ST_Centroid(gg.g))) AS phi) AS f
),
part AS (
  SELECT p.ord, zp.zone_id, zp.plan_version_id,
         CASE WHEN ST_Covers(zp.geom, p.g) THEN p.area
              ELSE ST_Area(ST_Intersection(zp.geom, p.g)::geography) END AS a
    FROM p JOIN zone_part zp ON ST_Intersects(zp.geom, p.g)
   WHERE zp.plan_version_id IN (SELECT id FROM v)
),
piece AS (
  SELECT ord, zone_id, plan_version_id, sum(a) AS area,
         count(*) OVER (PARTITION BY ord, plan_version_id) AS n
    FROM part GROUP BY ord, zone_id, plan_version_id HAVING sum(a) > 1e-4
)
SELECT 'z' AS kind, piece.ord, z.plan_version_id, z.id, piece.area,
       CASE WHEN piece.n > 1 THEN
            (SELECT coalesce(sum(ST_Length(ST_Scale(ST_Intersection(e.geom, p.g), p.kx, p.ky))), 0)
               FROM zone_edge e
              WHERE e.zone_id = z.id AND e.plan_version_id = z.plan_version_id AND ST_Intersects(e.geom, p.g))
            ELSE 0.0 END AS len,
       CASE WHEN piece.n > 1 THEN 0.0
            ELSE {_edge_distance("p.g", "z.id", "z.plan_version_id", "p.phi", "p.kx", "p.ky")} END AS dist,
       z.subzone_code, z.subzone_name, z.zone_code, z.zone_name, z.block, z.subblock, z.kecamatan,
       z.kelurahan, z.tpz, z.special_provisions, z.feature_id, NULL::text AS okind, NULL::text AS oname,
       NULL::text AS otext, NULL::float8 AS oheight
  FROM piece JOIN p ON p.ord = piece.ord JOIN zone z ON z.id = piece.zone_id
UNION ALL
SELECT 'p', p.ord, NULL, NULL, p.area, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL
  FROM p
UNION ALL
SELECT 'o', p.ord, o.plan_version_id, o.id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, o.kind, o.name, o.text, o.max_height_m
  FROM p JOIN overlay o ON ST_Intersects(o.geom, p.g)
 WHERE o.plan_version_id IN (SELECT id FROM v)
"""


class ParcelRow(NamedTuple):
    """One row of :data:`PARCEL`: ``kind`` 'p' (the parcel: ``area``), 'z' (a piece: the zone fields, its
    ``area``, the zone edge's ``length`` inside the parcel and ``distance`` to it, m and m²) or 'o' (an overlay
    it touches: ``zone_id`` is the overlay's id and the ``overlay_*`` fields are set)."""

    kind: str
    ord: int
    plan_version_id: int | None
    zone_id: int | None
    area: float | None
    length: float | None
    distance: float | None
    subzone_code: str | None
    subzone_name: str | None
    zone_code: str | None
    zone_name: str | None
    block: str | None
    subblock: str | None
    kecamatan: str | None
    kelurahan: str | None
    tpz: list | None
    special_provisions: list | None
    feature_id: str | None
    overlay_kind: str | None
    overlay_name: str | None
    overlay_text: Any
    overlay_height_m: float | None  #: the overlay's structured height limit (m), e.g. KKOP


PARCEL = Query("rdtr_parcel_v5", PARCEL_SQL, ParcelRow)
