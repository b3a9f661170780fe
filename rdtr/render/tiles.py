"""The zone layer of the web map, two ways, both per plan version (immutable, so cacheable forever):

- Mapbox Vector Tiles (``ST_AsMVT``): :func:`mvt_tile` — ``/v1/tiles/{plan}/{z}/{x}/{y}.mvt``, read from the
  version's PMTiles archive once it is built (:mod:`rdtr.render.tile_archive`, zooms 10–18), else rendered;
- simplified GeoJSON per bounding box: :func:`zones_geojson` — ``/v1/zones.geojson?bbox=…``.

Both simplify to about half a screen pixel at the zoom asked for and leave out zones smaller than a pixel,
so a 50,000-zone city costs the same per screen as a small one. Every feature carries its sub-zone code
and its standard fill colour (``color``, from :mod:`rdtr.render.style`), so clients need no palette.
``bench/bench_tiles.py`` measures the two over a 50,000-zone plan; ``bench/extract.md`` has the numbers.
"""

from __future__ import annotations

import json
import math
from datetime import date

from sqlalchemy import text

from rdtr.downloads import version_url
from rdtr.errors import InvalidInput, NotFound, UnknownPlan
from rdtr.messages import Message
from rdtr.render import data as mapdata
from rdtr.render import style, tile_archive
from rdtr.versions import versions_in_force

#: Bumped when tile contents change for the same plan version (style, attributes): part of the URLs
#: and ETags, so immutable caches never serve stale colours.
STYLE_VERSION = 1
MIN_ZOOM = 10
MAX_ZOOM = 22
EXTENT = 4096
BUFFER = 64
EARTH_CIRCUMFERENCE_M = 40_075_016.686
GEOJSON_MAX_FEATURES = 20_000


def pixel_size_m(zoom: float, lat: float = 0.0) -> float:
    """Ground size of one 256-px-tile pixel at ``zoom`` and latitude ``lat`` (metres)."""
    return EARTH_CIRCUMFERENCE_M * math.cos(math.radians(lat)) / (256 * 2**zoom)


def pixel_size_deg(zoom: float) -> float:
    """Width of one 256-px-tile pixel at ``zoom`` in degrees of longitude (EPSG:4326)."""
    return 360.0 / (256 * 2**zoom)


# ------------------------------------------------------------------------------------------ versions


def resolve_version(conn, plan_id: str, version: int | None = None, at: date | None = None) -> dict:
    """The plan version to draw: ``version`` when given, else the one in force on ``at`` (default today).

    Raises :class:`NotFound` for an unknown plan or version, or when no version is in force yet.
    """
    if version is not None:
        row = (
            conn.execute(
                text("""SELECT id, plan_id, version, name, legal_basis, effective_from FROM plan_version
                    WHERE plan_id = :p AND version = :v"""),
                {"p": plan_id, "v": version},
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(Message("no_such_version", plan=repr(plan_id), version=str(version)))
        return dict(row)
    rows = versions_in_force(conn, at or date.today(), plan_id)
    if not rows:
        exists = conn.execute(text("SELECT 1 FROM plan WHERE id = :p"), {"p": plan_id}).scalar()
        if not exists:
            raise UnknownPlan(plan_id)
        raise NotFound(Message("none_in_force", plan=repr(plan_id), at=(at or date.today()).isoformat()))
    return rows[0]


def palette(db, plan_version_id: int) -> dict[str, str]:
    """``{subzone_code: colour}`` of a version (once per version: versions never change)."""

    def build():
        with db.engine.connect() as conn:
            return style.color_map(mapdata.legend_rows(conn, [plan_version_id]))

    return db.versions.get(plan_version_id).derived("palette", build)


def tilejson(db, plan_id: str, base_url: str, version: int | None = None, at: date | None = None) -> dict:
    """A TileJSON 3.0 document for the plan version, with the legend and the GeoJSON alternative."""
    with db.engine.connect() as conn:
        v = resolve_version(conn, plan_id, version, at)
        info = mapdata.version_info(conn, v["id"]) or {}
        rows = mapdata.legend_rows(conn, [v["id"]])
    bounds = (
        [info["xmin"], info["ymin"], info["xmax"], info["ymax"]]
        if info.get("xmin") is not None
        else [-180, -85, 180, 85]
    )
    entries = style.legend(rows)
    base = base_url.rstrip("/")
    query = f"v={v['version']}&s={STYLE_VERSION}"
    return {
        "tilejson": "3.0.0",
        "name": v["name"],
        "attribution": v["legal_basis"],
        "version": f"{v['version']}.{STYLE_VERSION}.0",
        "scheme": "xyz",
        "tiles": [f"{base}/v1/tiles/{plan_id}/{{z}}/{{x}}/{{y}}.mvt?{query}"],
        "minzoom": MIN_ZOOM,
        "maxzoom": MAX_ZOOM,
        "bounds": bounds,
        "center": [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, 14],
        "vector_layers": [
            {
                "id": "zones",
                "fields": {"id": "Number", "subzone_code": "String", "color": "String"},
                "minzoom": MIN_ZOOM,
                "maxzoom": MAX_ZOOM,
            }
        ],
        "geojson": f"{base}/v1/zones.geojson?plan={plan_id}&{query}",
        "pmtiles": f"{version_url(plan_id, v['version'], base)}/tiles.pmtiles",
        "plan": {
            "id": v["plan_id"],
            "version": v["version"],
            "name": v["name"],
            "legal_basis": v["legal_basis"],
            "effective_from": str(v["effective_from"]),
        },
        "legend": [e.as_dict() for e in entries],
    }


# ---------------------------------------------------------------------------------------------- MVT

# Features in zone-id order: without it a parallel scan changes the order, and with it the bytes of the same
# tile (its strong ETag would lie, and the archive's tile would differ from the one rendered on request).

MVT_SQL = """
WITH b AS (
  SELECT ST_TileEnvelope(:z, :x, :y) AS e3857,
         ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => :margin), 4326) AS e4326
)
SELECT ST_AsMVT(t, 'zones', :extent, 'geom', 'id' ORDER BY t.id) FROM (
  SELECT z.id,
         z.subzone_code,
         CAST(:colors AS jsonb) ->> z.subzone_code AS color,
         ST_AsMVTGeom(ST_Transform(ST_Simplify(ST_ClipByBox2D(z.geom, b.e4326), :tol), 3857),
                      b.e3857, :extent, :buffer, true) AS geom
  FROM zone z, b
  WHERE z.plan_version_id = :pv AND z.geom && b.e4326 AND COALESCE(z.area_m2, 1e12) >= :min_area
) t
WHERE t.geom IS NOT NULL
"""


def check_tile(z: int, x: int, y: int) -> None:
    """Raise :class:`InvalidInput` unless ``z/x/y`` is a tile of the WebMercatorQuad grid up to ``MAX_ZOOM``."""
    if not 0 <= z <= MAX_ZOOM:
        raise InvalidInput(Message("zoom_range", zoom=str(z), high=str(MAX_ZOOM)))
    n = 2**z
    if not (0 <= x < n and 0 <= y < n):
        raise InvalidInput(Message("no_tile", tile=f"{z}/{x}/{y}", high=str(n - 1), zoom=str(z)))


def tile_bounds_lat(z: int, y: int) -> float:
    """Latitude of the tile's centre (for pixel sizes)."""
    n = 2**z
    lat_rad = math.atan(math.sinh(math.pi * (1 - 2 * (y + 0.5) / n)))
    return math.degrees(lat_rad)


def mvt_tile(db, plan_version_id: int, z: int, x: int, y: int, use_cache: bool = True) -> bytes:
    """One vector tile (layer ``zones``: ``id``, ``subzone_code``, ``color``) of a plan version; empty
    bytes below :data:`MIN_ZOOM` or where there are no zones. From the version's archive when it is built
    (and ``use_cache``), else rendered by ``ST_AsMVT`` (the first request starts the archive's build)."""
    check_tile(z, x, y)
    if z < MIN_ZOOM:
        return b""
    if use_cache:
        stored = tile_archive.read_tile(db, plan_version_id, z, x, y)
        if stored is not None:
            return stored
    key = (plan_version_id, STYLE_VERSION, z, x, y)
    if use_cache:
        cached = db.versions.tiles.get(key)
        if cached is not None:
            return cached
    tile = render_mvt(db, plan_version_id, z, x, y)
    if use_cache:
        db.versions.tiles.put(key, tile)
    return tile


def render_mvt(db, plan_version_id: int, z: int, x: int, y: int) -> bytes:
    """The tile rendered now by ``ST_AsMVT`` (no archive, no cache): simplified to half a pixel, zones under a
    pixel left out, 4096 units with a 64-unit buffer."""
    lat = tile_bounds_lat(z, y)
    px = pixel_size_m(z, lat)
    colors = json.dumps(palette(db, plan_version_id))
    with db.engine.connect() as conn:
        tile = conn.execute(
            text(MVT_SQL),
            {
                "z": z,
                "x": x,
                "y": y,
                "pv": plan_version_id,
                "extent": EXTENT,
                "buffer": BUFFER,
                "margin": BUFFER / EXTENT,
                "tol": pixel_size_deg(z) * 0.5,
                "min_area": px * px,
                "colors": colors,
            },
        ).scalar()
    return bytes(tile or b"")


def write_version_archive(db, ver: dict, path) -> int:
    """Write the version's tiles from :data:`MIN_ZOOM` to the archive's top zoom over its bbox (EPSG:4326)
    as a PMTiles archive at ``path`` (:func:`rdtr.downloads.ensure` does it once); returns the tile count."""
    pv = ver["id"]
    top = tile_archive.archive_max_zoom()
    metadata = {
        "name": ver["name"],
        "description": f"Zones of plan {ver['plan_id']} version {ver['version']} (rdtr, style {STYLE_VERSION})",
        "version": f"{ver['version']}.{STYLE_VERSION}.0",
        "vector_layers": [
            {
                "id": "zones",
                "fields": {"id": "Number", "subzone_code": "String", "color": "String"},
                "minzoom": MIN_ZOOM,
                "maxzoom": top,
            }
        ],
        "plan": {"id": ver["plan_id"], "version": ver["version"]},
    }
    return tile_archive.write_archive(
        path, lambda z, x, y: render_mvt(db, pv, z, x, y), ver["bbox"], MIN_ZOOM, top, metadata
    )


# ------------------------------------------------------------------------------------------ GeoJSON

GEOJSON_SQL = """
WITH b AS (SELECT ST_MakeEnvelope(:xmin, :ymin, :xmax, :ymax, 4326) AS env),
t AS (
  SELECT z.id, z.subzone_code, CAST(:colors AS jsonb) ->> z.subzone_code AS color,
         ST_Simplify(ST_ClipByBox2D(z.geom, b.env), :tol) AS geom
  FROM zone z, b
  WHERE z.plan_version_id = ANY(:pv) AND z.geom && b.env AND COALESCE(z.area_m2, 1e12) >= :min_area
  LIMIT :limit
)
SELECT count(*), '{"type":"FeatureCollection","features":[' ||
       COALESCE(string_agg(ST_AsGeoJSON(t.*, 'geom', :digits, false), ','), '') || ']}'
FROM t WHERE t.geom IS NOT NULL AND NOT ST_IsEmpty(t.geom)
"""


def zones_geojson(
    db,
    plan_version_ids: int | list[int],
    bbox: tuple[float, float, float, float],
    zoom: float,
    limit: int = GEOJSON_MAX_FEATURES,
) -> tuple[bytes, int]:
    """Zones of one or more versions within ``bbox``, clipped, simplified for ``zoom`` and serialised by
    PostGIS: ``(FeatureCollection bytes, feature count)``."""
    ids = [plan_version_ids] if isinstance(plan_version_ids, int) else list(plan_version_ids)
    colors: dict[str, str] = {}
    for pv in ids:
        colors.update(palette(db, pv))
    zoom = max(0.0, min(float(zoom), MAX_ZOOM))
    xmin, ymin, xmax, ymax = bbox
    lat = (ymin + ymax) / 2
    px = pixel_size_m(zoom, lat)
    deg_px = pixel_size_deg(zoom)
    digits = max(4, min(8, math.ceil(-math.log10(deg_px)) + 1))
    with db.engine.connect() as conn:
        row = conn.execute(
            text(GEOJSON_SQL),
            {
                "xmin": xmin,
                "ymin": ymin,
                "xmax": xmax,
                "ymax": ymax,
                "pv": ids,
                "tol": deg_px * 0.5,
                "min_area": px * px,
                "digits": digits,
                "limit": limit,
                "colors": json.dumps(colors),
            },
        ).first()
    return row[1].encode("utf-8"), int(row[0])
