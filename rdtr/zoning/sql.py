"""The SQL of the answers. Each is one round trip; the version choice is rdtr.versions' own SQL, inlined.

Distances and areas are geodesic (PostGIS ``geography`` on the WGS 84 spheroid), in metres and m².

Boundary distance: a zone's boundary is kept cut into short edges (``zone_edge``, ≤ 32 vertices each,
GiST-indexed). The nearest edge in plain degrees (``<->``, index-assisted) bounds the search radius; the
geodesic minimum is taken over the few edges within that radius widened by the worst-case ratio between
a degree of longitude and of latitude at that latitude (``1.01 / cos(lat)``), so the result is exact —
not the nearest-in-degrees edge's distance — while touching only a handful of short edges even for a
road zone with thousands of vertices.
"""

from __future__ import annotations

import re

from rdtr.versions import IN_FORCE_SQL


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


def _edge_distance(geom: str, zone_id: str, lat: str) -> str:
    return f"""(SELECT min(ST_Distance(e.geom::geography, {geom}::geography))
            FROM zone_edge e
           WHERE e.zone_id = {zone_id}
             AND ST_DWithin(e.geom, {geom},
                   (SELECT e2.geom <-> {geom} FROM zone_edge e2 WHERE e2.zone_id = {zone_id}
                     ORDER BY e2.geom <-> {geom} LIMIT 1) * 1.01 / cos(radians({lat})) + 1e-9))"""


# $1 lon, $2 lat, $3 at, $4 plan (or NULL)
POINT_SQL = f"""
WITH v AS ({in_force("$3", "$4")}),
pt AS (SELECT ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326) AS g),
hit AS (
  SELECT DISTINCT zp.zone_id
    FROM zone_part zp, pt
   WHERE ST_Intersects(zp.geom, pt.g) AND zp.plan_version_id IN (SELECT id FROM v)
)
SELECT z.plan_version_id, z.id, z.subzone_code, z.subzone_name, z.zone_code, z.zone_name,
       z.block, z.subblock, z.kecamatan, z.kelurahan, z.tpz, z.special_provisions, z.feature_id,
       {_edge_distance("pt.g", "z.id", "$2::float8")} AS boundary_distance_m,
       (SELECT json_agg(json_build_array(o.plan_version_id, o.kind, o.name, o.text) ORDER BY o.kind, o.name)
          FROM overlay o
         WHERE o.plan_version_id IN (SELECT id FROM v) AND ST_Intersects(o.geom, pt.g)) AS overlays
  FROM hit JOIN zone z ON z.id = hit.zone_id, pt
 ORDER BY z.plan_version_id, z.subzone_code, z.id
"""

# The floor the point benchmark compares against: the same zones and distances, nothing cached around it.
POINT_SQL_NAME = "rdtr_point_v2"

# $1 ords int[], $2 EWKB hex text[], $3 at, $4 plan (or NULL).
# Row kinds: 'p' one per parcel (its geodesic area), 'z' one per (parcel, zone) piece, 'o' one per
# (parcel, overlay) it touches. Pieces are summed over the zone's subdivided parts (zone_part), so
# ST_Intersection never sees a whole large zone; a part that covers the parcel needs no intersection.
PARCEL_SQL = f"""
WITH v AS ({in_force("$3", "$4")}),
p AS MATERIALIZED (
  SELECT t.ord, g, ST_Area(g::geography) AS area
    FROM unnest($1::int[], $2::text[]) AS t(ord, hex),
         LATERAL (SELECT ST_SetSRID(t.hex::geometry, 4326) AS g) AS gg
),
part AS (
  SELECT p.ord, zp.zone_id,
         CASE WHEN ST_Covers(zp.geom, p.g) THEN p.area
              ELSE ST_Area(ST_Intersection(zp.geom, p.g)::geography) END AS a
    FROM p JOIN zone_part zp ON ST_Intersects(zp.geom, p.g)
   WHERE zp.plan_version_id IN (SELECT id FROM v)
),
piece AS (
  SELECT ord, zone_id, sum(a) AS area FROM part GROUP BY ord, zone_id HAVING sum(a) > 1e-4
)
SELECT 'z' AS kind, piece.ord, z.plan_version_id, z.id, piece.area, el.len,
       CASE WHEN el.len > 0 THEN 0.0 ELSE {_edge_distance("p.g", "z.id", "ST_Y(ST_Centroid(p.g))")} END AS dist,
       z.subzone_code, z.subzone_name, z.zone_code, z.zone_name, z.block, z.subblock, z.kecamatan,
       z.kelurahan, z.tpz, z.special_provisions, z.feature_id, NULL::text AS okind, NULL::text AS oname, NULL::text AS otext
  FROM piece JOIN p ON p.ord = piece.ord JOIN zone z ON z.id = piece.zone_id
  LEFT JOIN LATERAL (
       SELECT coalesce(sum(ST_Length(ST_Intersection(e.geom, p.g)::geography)), 0) AS len
         FROM zone_edge e WHERE e.zone_id = z.id AND ST_Intersects(e.geom, p.g)) el ON true
UNION ALL
SELECT 'p', p.ord, NULL, NULL, p.area, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL
  FROM p
UNION ALL
SELECT 'o', p.ord, o.plan_version_id, o.id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, o.kind, o.name, o.text
  FROM p JOIN overlay o ON ST_Intersects(o.geom, p.g)
 WHERE o.plan_version_id IN (SELECT id FROM v)
"""
PARCEL_SQL_NAME = "rdtr_parcel_v2"
