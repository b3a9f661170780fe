"""The SQL of the answers (point, parcel: one round trip, or two on many overlapping plans, below); the
version choice is rdtr.versions' own SQL, inlined.

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

Many plans on one instance: ``zone_part`` and ``zone_edge`` have one partition per plan version, and a
generic plan that reaches them through a version chosen *inside* the query (a sub-select, a join) prunes
only at run time — every partition's scan is still initialised, so a point costs O(versions) (≈ 8 ms with
200). So the versions' extents (``plan_version.bbox``) choose what an answer reads:

1. When exactly one version's extent holds the place (the usual case: cities do not overlap), the answer
   reads that version's own partitions (:func:`point_one`, :func:`parcel_one`; one prepared statement per
   version, the least used ones deallocated by rdtr.db.database) in one round trip. The extents are the
   process's copy (``VersionCache.extents``, read every 30 s); the statement also checks that the newest
   version is still the one that copy knew, and answers nothing otherwise, so a version loaded meanwhile
   sends the answer on to step 2 instead of being missed.
2. Otherwise two round trips: the versions in force whose extent holds the point or meets a parcel
   (:data:`POINT_VERSIONS`, :data:`PARCEL_VERSIONS`; plan_version only), then the answer with those ids as
   parameters (``VERSION_SLOTS`` of them), which PostgreSQL prunes to at executor start-up. It still locks
   every partition the generic plan names at each execution (PostgreSQL 15; ≈ 0.4 ms with 200 versions).
3. More candidates than slots (plans overlapping at one place, a batch across many plans) take the unpruned
   form (``POINT_ALL``, ``PARCEL_ALL``): same SQL, versions chosen inside; so does a database of
   ``FEW_VERSIONS`` versions, where one round trip over every partition is cheapest.

Measured in bench/README.md "National size".
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any, NamedTuple

import psycopg2.errors
import shapely

from rdtr.db import Query
from rdtr.earth import E2, A
from rdtr.versions import IN_FORCE_SQL

if TYPE_CHECKING:
    from rdtr.db import Database


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


def _edge_distance(
    geom: str, zone_id: str, version_id: str, phi: str, kx: str, ky: str, slots: str = "", edges: str = "zone_edge"
) -> str:
    # zone_edge is partitioned by plan version: naming the version lets PostgreSQL prune to one partition
    # per row at run time; ``slots`` (parameters) prunes the others away before any of them is opened;
    # ``edges`` names one version's partition outright.
    among = f" AND e.plan_version_id IN ({slots})" if slots else ""
    return f"""(SELECT min(ST_Distance(ST_Scale(e.geom, {kx}, {ky}), ST_Scale({geom}, {kx}, {ky})))
            FROM {edges} e
           WHERE e.zone_id = {zone_id} AND e.plan_version_id = {version_id}{among}
             AND ST_DWithin(e.geom, {geom},
                   (SELECT e2.geom <-> {geom} FROM {edges} e2
                     WHERE e2.zone_id = {zone_id} AND e2.plan_version_id = {version_id}{among.replace("e.", "e2.")}
                     ORDER BY e2.geom <-> {geom} LIMIT 1) * 1.01 / cos({phi}) + 1e-9))"""


#: Candidate versions passed as parameters to the pruned answers (more take the unpruned form).
VERSION_SLOTS = 4


def _slots(first: int) -> str:
    """``$first::int, …`` — the candidate version parameters (NULL where unused)."""
    return ", ".join(f"${first + i}::int" for i in range(VERSION_SLOTS))


class VersionRow(NamedTuple):
    """A version in force whose extent holds the point or meets a parcel (:data:`POINT_VERSIONS`)."""

    plan_version_id: int


def _versions_sql(near: str, meets: str, at: str, plan: str, before: str = "") -> str:
    """The versions in force on ``at`` (of ``plan``, if not NULL) whose extent passes ``meets`` (SQL on
    ``pv.bbox``), in id order; ``near`` is the plan versions ``b`` to look at (index-assisted on ``b.bbox``).

    The in-force choice per plan is rdtr.versions' (its plan filter, on the DISTINCT ON column, is pushed
    down to that plan's rows). A version without an extent (bbox NULL) is always a candidate."""
    return f"""{before}
SELECT v.id
  FROM (SELECT b.plan_id FROM {near} UNION SELECT plan_id FROM plan_version WHERE bbox IS NULL) cp
 CROSS JOIN LATERAL (SELECT f.id FROM ({in_force(at, "cp.plan_id")}) f WHERE f.plan_id = cp.plan_id) v
  JOIN plan_version pv ON pv.id = v.id
 WHERE ({plan} IS NULL OR cp.plan_id = {plan}) AND ({meets} OR pv.bbox IS NULL)
 ORDER BY v.id"""


_POINT_G = "ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326)"

# $1 lon, $2 lat, $3 at, $4 plan (or NULL).
POINT_VERSIONS = Query(
    "rdtr_point_versions_v1",
    _versions_sql(f"plan_version b WHERE b.bbox && {_POINT_G}", f"pv.bbox && {_POINT_G}", "$3", "$4::text"),
    VersionRow,
)

# $1 EWKB hex text[] (the parcels), $2 at, $3 plan (or NULL).
PARCEL_VERSIONS = Query(
    "rdtr_parcel_versions_v1",
    _versions_sql(
        "g JOIN plan_version b ON b.bbox && g.g",
        "EXISTS (SELECT 1 FROM g WHERE pv.bbox && g.g)",
        "$2",
        "$3::text",
        "WITH g AS MATERIALIZED (SELECT ST_SetSRID(t.hex::geometry, 4326) AS g FROM unnest($1::text[]) AS t(hex))",
    ),
    VersionRow,
)


_PKX, _PKY = metres_per_degree("pt.phi")


def _partitions(pv: int | None) -> tuple[str, str, str, str, str, str]:
    """What an answer reads: (versions in force ``v``, zone, zone_part, zone_edge, guard, overlays in force
    ``o``).

    For all versions: ``v`` over every plan, the parent tables, no guard. For version ``pv`` alone: ``v`` over
    its plan only, its own partitions, the condition that the newest version is still the one the caller knew
    (parameter ``$5``), and the overlays each checked against its own plan's version in force (the same
    overlays as over every plan, without ranking the versions of every plan)."""
    if pv is None:
        return in_force("$3", "$4"), "zone", "zone_part", "zone_edge", "", "o.plan_version_id IN (SELECT id FROM v)"
    pv = int(pv)
    own_plan = f"(SELECT plan_id FROM plan_version WHERE id = {pv})"
    overlays = (
        "o.plan_version_id = (SELECT f.id FROM plan_version op, LATERAL ("
        + in_force("$3", "op.plan_id")
        + ") f WHERE op.id = o.plan_version_id AND ($4::text IS NULL OR op.plan_id = $4::text))"
    )
    guard = " WHERE (SELECT max(id) FROM plan_version) = $5::int"
    return in_force("$3", own_plan), f"zone_v{pv}", f"zone_part_v{pv}", f"zone_edge_v{pv}", guard, overlays


def _among_zones(slots: str) -> str:
    """The zones' own condition on the candidate versions: PostgreSQL prunes ``zone``'s partitions on it at
    executor start-up (a join condition alone would leave every version's partition in the plan)."""
    return f" AND z.plan_version_id IN ({slots})" if slots else ""


def _point_sql(slots: str, pv: int | None = None) -> str:
    """The point answer; zones of the versions ``slots`` (parameters), of version ``pv`` alone, or of all in
    force if neither."""
    versions = slots or "SELECT id FROM v"
    in_force_v, zones, parts, edges, guard, overlays = _partitions(pv)
    among_zones = _among_zones(slots)
    edge = _edge_distance("pt.g", "z.id", "z.plan_version_id", "pt.phi", _PKX, _PKY, slots, edges)
    return f"""
WITH v AS ({in_force_v}),
pt AS (SELECT ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326) AS g, radians($2::float8) AS phi{guard}),
hit AS (
  SELECT DISTINCT zp.zone_id, zp.plan_version_id
    FROM {parts} zp, pt
   WHERE ST_Intersects(zp.geom, pt.g) AND zp.plan_version_id IN ({versions})
)
SELECT z.plan_version_id, z.id, z.subzone_code, z.subzone_name, z.zone_code, z.zone_name,
       z.block, z.subblock, z.kecamatan, z.kelurahan, z.tpz, z.special_provisions, z.feature_id,
       {edge} AS boundary_distance_m,
       (SELECT json_agg(json_build_array(o.plan_version_id, o.kind, o.name, o.text, o.max_height_m)
                        ORDER BY o.kind, o.name)
          FROM overlay o
         WHERE ST_Intersects(o.geom, pt.g) AND {overlays}) AS overlays
  FROM hit JOIN {zones} z ON z.id = hit.zone_id AND z.plan_version_id = hit.plan_version_id{among_zones}, pt
 ORDER BY z.plan_version_id, z.subzone_code, z.id
"""


# $1 lon, $2 lat, $3 at, $4 plan (or NULL); POINT: $5 … the candidate versions (POINT_VERSIONS, NULL-padded)
POINT_SQL = _point_sql(_slots(5))


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


POINT = Query("rdtr_point_v6", POINT_SQL, PointRow)
POINT_ALL = Query("rdtr_point_v6_all", _point_sql(""), PointRow)

_KX, _KY = metres_per_degree("f.phi")


# Row kinds: 'p' one per parcel (its geodesic area), 'z' one per (parcel, zone) piece, 'o' one per
# (parcel, overlay) it touches. Pieces are summed over the zone's subdivided parts (zone_part), so
# ST_Intersection never sees a whole large zone; a part that covers the parcel needs no intersection.
# A parcel in a single zone (of a plan) has no zone edge inside it, so only its distance to that zone's
# edge is measured; a parcel split between zones gets, per piece, the length of the zone's edge inside it.
def _parcel_sql(slots: str, pv: int | None = None) -> str:
    """The parcel overlay; pieces of the versions ``slots`` (parameters), of version ``pv`` alone, or of all
    in force if neither."""
    versions = slots or "SELECT id FROM v"
    among = f" AND e.plan_version_id IN ({slots})" if slots else ""
    in_force_v, zones, parts, edges, guard, overlays = _partitions(pv)
    among_zones = _among_zones(slots)
    dist = _edge_distance("p.g", "z.id", "z.plan_version_id", "p.phi", "p.kx", "p.ky", slots, edges)
    return f"""
WITH v AS ({in_force_v}),
p AS MATERIALIZED (
  SELECT t.ord, gg.g, ST_Area(gg.g::geography) AS area, f.phi, {_KX} AS kx, {_KY} AS ky
    FROM unnest($1::int[], $2::text[]) AS t(ord, hex),
         LATERAL (SELECT ST_SetSRID(t.hex::geometry, 4326) AS g) AS gg,
         LATERAL (SELECT radians(ST_Y(ST_Centroid(gg.g))) AS phi) AS f{guard}
),
part AS (
  SELECT p.ord, zp.zone_id, zp.plan_version_id,
         CASE WHEN ST_Covers(zp.geom, p.g) THEN p.area
              ELSE ST_Area(ST_Intersection(zp.geom, p.g)::geography) END AS a
    FROM p JOIN {parts} zp ON ST_Intersects(zp.geom, p.g)
   WHERE zp.plan_version_id IN ({versions})
),
piece AS (
  SELECT ord, zone_id, plan_version_id, sum(a) AS area,
         count(*) OVER (PARTITION BY ord, plan_version_id) AS n
    FROM part GROUP BY ord, zone_id, plan_version_id HAVING sum(a) > 1e-4
)
SELECT 'z' AS kind, piece.ord, z.plan_version_id, z.id, piece.area,
       CASE WHEN piece.n > 1 THEN
            (SELECT coalesce(sum(ST_Length(ST_Scale(ST_Intersection(e.geom, p.g), p.kx, p.ky))), 0)
               FROM {edges} e
              WHERE e.zone_id = z.id AND e.plan_version_id = z.plan_version_id{among}
                AND ST_Intersects(e.geom, p.g))
            ELSE 0.0 END AS len,
       CASE WHEN piece.n > 1 THEN 0.0
            ELSE {dist} END AS dist,
       z.subzone_code, z.subzone_name, z.zone_code, z.zone_name, z.block, z.subblock, z.kecamatan,
       z.kelurahan, z.tpz, z.special_provisions, z.feature_id, NULL::text AS okind, NULL::text AS oname,
       NULL::text AS otext, NULL::float8 AS oheight
  FROM piece JOIN p ON p.ord = piece.ord
       JOIN {zones} z ON z.id = piece.zone_id AND z.plan_version_id = piece.plan_version_id{among_zones}
UNION ALL
SELECT 'p', p.ord, NULL, NULL, p.area, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL
  FROM p
UNION ALL
SELECT 'o', p.ord, o.plan_version_id, o.id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, o.kind, o.name, o.text, o.max_height_m
  FROM p JOIN overlay o ON ST_Intersects(o.geom, p.g)
 WHERE {overlays}
"""


# $1 ords int[], $2 EWKB hex text[], $3 at, $4 plan (or NULL); PARCEL: $5 … the candidate versions.
PARCEL_SQL = _parcel_sql(_slots(5))


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


PARCEL = Query("rdtr_parcel_v6", PARCEL_SQL, ParcelRow)
PARCEL_ALL = Query("rdtr_parcel_v6_all", _parcel_sql(""), ParcelRow)

#: Up to this many versions in the database, the one-trip forms (POINT_ALL, PARCEL_ALL: every partition probed)
#: are cheaper than choosing the versions first.
FEW_VERSIONS = 2


@functools.lru_cache(maxsize=1024)
def point_one(pv: int) -> Query:
    """:data:`POINT` over version ``pv``'s own partitions: ``$1 lon, $2 lat, $3 at, $4 plan, $5`` the newest
    version id the caller knows (a newer one makes it answer nothing, and the caller ask again)."""
    return Query(f"rdtr_point_v6_pv{int(pv)}", _point_sql("", pv), PointRow)


@functools.lru_cache(maxsize=1024)
def parcel_one(pv: int) -> Query:
    """:data:`PARCEL` over version ``pv``'s own partitions (``$5`` as in :func:`point_one`; no 'p' row when
    the caller's newest version is not the newest)."""
    return Query(f"rdtr_parcel_v6_pv{int(pv)}", _parcel_sql("", pv), ParcelRow)


def _one_version(db: Database, query_of, box: tuple, at, plan: str | None, params: tuple) -> list | None:
    """The rows of the one version whose extent holds ``box`` — read from its own partitions in one round
    trip (no candidates query, and no lock on the other versions' partitions) — or ``None`` when that is not
    the case or not known: no version or several, a version loaded or removed since the extents were read."""
    extents = db.versions.extents()
    ids = extents.candidates(*box, plan)
    if len(ids) != 1:
        return None
    try:
        return db.fetch(query_of(ids[0]), (*params, at, plan, extents.newest)) or None
    except psycopg2.errors.UndefinedTable:  # the version was removed (a test, a bench): read the extents again
        db.versions.forget_in_force()
        return None


def _few_versions(db: Database) -> bool:
    """Whether ``db`` holds at most FEW_VERSIONS plan versions (as of its extents, read every 30 s)."""
    return len(db.versions.extents().boxes) <= FEW_VERSIONS


def _candidates(db: Database, query: Query, params: tuple) -> list[int] | None:
    """The candidate version ids, NULL-padded to VERSION_SLOTS; None when there are more than that."""
    ids = [r.plan_version_id for r in db.fetch(query, params)]
    return ids + [None] * (VERSION_SLOTS - len(ids)) if len(ids) <= VERSION_SLOTS else None


def point_rows(db: Database, lon: float, lat: float, at, plan: str | None) -> list[PointRow]:
    """The zones covering the point (EPSG:4326) in the versions in force on ``at``: :data:`POINT` rows."""
    if _few_versions(db):
        return db.fetch(POINT_ALL, (lon, lat, at, plan))
    rows = _one_version(db, point_one, (lon, lat, lon, lat), at, plan, (lon, lat))
    if rows is not None:
        return rows
    slots = _candidates(db, POINT_VERSIONS, (lon, lat, at, plan))
    if slots is None:
        return db.fetch(POINT_ALL, (lon, lat, at, plan))
    if slots[0] is None:  # no version's extent holds the point: no zone does
        return []
    return db.fetch(POINT, (lon, lat, at, plan, *slots))


def parcel_rows(db: Database, params: tuple, geoms: list | None = None) -> list[ParcelRow]:
    """:data:`PARCEL` rows for ``(ords, EWKB hex, at, plan)``, pruned to the versions the parcels meet;
    ``geoms`` (the parcels as shapely geometries) lets one version's parcels be answered in one round trip."""
    ords, hexes, at, plan = params
    if _few_versions(db):
        return db.fetch(PARCEL_ALL, params)
    rows = None
    if geoms is not None:
        box = tuple(shapely.total_bounds(geoms).tolist())
        rows = _one_version(db, parcel_one, box, at, plan, (ords, hexes))
    if rows is not None:
        return rows
    slots = _candidates(db, PARCEL_VERSIONS, (hexes, at, plan))
    if slots is None:
        return db.fetch(PARCEL_ALL, params)
    return db.fetch(PARCEL, (*params, *slots))
