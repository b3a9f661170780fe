"""The zone layer of the web map: vector tiles (``ST_AsMVT``) and simplified GeoJSON per bbox.

Both are per plan version. With ``v=`` (the version number) in the URL the content can never change, so
responses are ``Cache-Control: immutable`` for a year; chosen by date (``at=``) they are cached for five
minutes (a new version could come into force). Every response has an ETag naming the version.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from api.html import request_base
from api.params import AT, BBOX, PLAN, Param, QuerySpec, finite_number, integer, json_response, problem_responses
from api.runtime import in_worker, reader
from rdtr.coords import parse_bbox
from rdtr.errors import InvalidInput
from rdtr.messages import Message
from rdtr.render import tiles
from rdtr.text import PLAN_ID_PATTERN
from rdtr.versions import versions_in_force

router = APIRouter(tags=["map layers"])

PlanId = Annotated[str, Path(pattern=PLAN_ID_PATTERN, max_length=64, description="plan id, e.g. bontang")]
VERSION = Param(
    "v",
    integer(1, 1_000_000),
    {"type": "integer", "minimum": 1},
    "plan version number (immutable URL); default: the version in force on `at`",
)
STYLE = Param(
    "s", integer(0, 1_000_000), {"type": "integer", "minimum": 0}, "style version (set by the TileJSON URL template)"
)
ZOOM = Param(
    "zoom",
    finite_number,
    {"type": "number", "minimum": 0, "maximum": tiles.MAX_ZOOM},
    "map zoom: sets the simplification",
    default=16.0,
)
TILE_QUERY = QuerySpec(VERSION, STYLE, AT)
REQUIRED_BBOX = Param(
    "bbox", lambda text: parse_bbox(text, required=True), BBOX.schema, BBOX.description, required=True
)
ZONES_QUERY = QuerySpec(REQUIRED_BBOX, PLAN, ZOOM, VERSION, STYLE, AT)

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"


def _cache_headers(etag: str, immutable: bool) -> dict[str, str]:
    return {
        "ETag": etag,
        "Cache-Control": IMMUTABLE if immutable else SHORT,
        "Vary": "Accept-Encoding",
        "Access-Control-Allow-Origin": "*",
    }


def _not_modified(request: Request, etag: str) -> bool:
    inm = request.headers.get("if-none-match")
    return bool(inm) and (inm.strip() == "*" or etag in [t.strip() for t in inm.split(",")])


@router.get(
    "/v1/tiles/{plan}.json",
    summary="TileJSON of a plan's zone layer, with its legend",
    responses=problem_responses(404, 422),
    openapi_extra=TILE_QUERY.openapi(),
)
def tilejson(request: Request, plan: PlanId):
    """TileJSON 3.0 for the plan version (`v`, or the one in force on `at`): the tile URL template (with
    the version in it, so tiles are immutable), bounds, the legend (`legend`: sub-zone code, name,
    standard colour), the plan version and legal basis, and `geojson`, the bbox alternative."""
    q = TILE_QUERY.parse(request)
    doc = reader(request).read(tiles.tilejson, plan, request_base(request), q["v"], q["at"])
    return json_response(
        doc, headers={"Cache-Control": IMMUTABLE if q["v"] else SHORT, "Access-Control-Allow-Origin": "*"}
    )


@router.get(
    "/v1/tiles/{plan}/{z}/{x}/{y}.mvt",
    summary="A vector tile of the zones (from the version's PMTiles archive, else ST_AsMVT)",
    response_class=Response,
    responses={
        200: {
            "content": {"application/vnd.mapbox-vector-tile": {}},
            "description": "layer `zones` with `id`, `subzone_code`, `color`",
        },
        204: {"description": "no zones in this tile (or below the minimum zoom)"},
        304: {"description": "not modified (If-None-Match)"},
        **problem_responses(404, 422),
    },
    openapi_extra=TILE_QUERY.openapi(),
)
async def mvt(
    request: Request,
    plan: PlanId,
    z: Annotated[int, Path(ge=0, le=tiles.MAX_ZOOM)],
    x: Annotated[int, Path(ge=0)],
    y: Annotated[int, Path(ge=0)],
):
    """Mapbox Vector Tile (layer `zones`) of the plan version `v` (or the one in force on `at`), simplified
    to half a pixel; zones smaller than a pixel are left out. Empty below zoom 10. Up to zoom 18 read from
    the version's PMTiles archive (`…/versions/{n}/tiles.pmtiles`) once built, else rendered."""
    q = TILE_QUERY.parse(request)
    tiles.check_tile(z, x, y)

    def work(db):  # on the reader, or the primary if that replica fails under it
        with db.engine.connect() as conn:
            ver = tiles.resolve_version(conn, plan, q["v"], q["at"])
        etag = f'"pv{ver["id"]}-s{tiles.STYLE_VERSION}-{z}-{x}-{y}"'
        if _not_modified(request, etag):
            return etag, None
        return etag, tiles.mvt_tile(db, ver["id"], z, x, y)

    etag, body = await in_worker(request, reader(request).read, work)
    headers = _cache_headers(etag, immutable=q["v"] is not None)
    if body is None:
        return Response(status_code=304, headers=headers)
    if not body:
        return Response(status_code=204, headers=headers)
    return Response(body, media_type="application/vnd.mapbox-vector-tile", headers=headers)


@router.get(
    "/v1/zones.geojson",
    summary="Zones in a bounding box as simplified GeoJSON",
    responses={
        200: {
            "content": {"application/geo+json": {}},
            "description": "FeatureCollection; properties `id`, `subzone_code`, `color`",
        },
        **problem_responses(404, 422),
    },
    openapi_extra=ZONES_QUERY.openapi(),
)
async def zones_geojson(request: Request):
    """The zones of the plan version(s) intersecting `bbox` — `plan`'s version `v` or in force on `at`
    (default today), or every plan in force on `at` — clipped to the box, simplified to half a pixel at
    `zoom`, zones under a pixel left out; at most 20,000 features (`X-Truncated: true` when cut)."""
    q = ZONES_QUERY.parse(request)
    box, plan, v, at, zoom = q["bbox"], q["plan"], q["v"], q["at"], q["zoom"]
    if not 0 <= zoom <= tiles.MAX_ZOOM:
        raise InvalidInput(Message("zoom_range", zoom=f"{zoom:g}", high=str(tiles.MAX_ZOOM)))
    if v is not None and plan is None:
        raise InvalidInput(Message("v_needs_plan"))

    def work(db):  # on the reader, or the primary if that replica fails under it
        with db.engine.connect() as conn:
            if plan is not None:
                ids = [tiles.resolve_version(conn, plan, v, at)["id"]]
            else:
                ids = sorted(r["id"] for r in versions_in_force(conn, at or date.today()))
        box_key = ",".join(f"{c:g}" for c in box)
        etag = f'"pv{"-".join(map(str, ids)) or "none"}-s{tiles.STYLE_VERSION}-{box_key}-{zoom:g}"'
        if _not_modified(request, etag):
            return etag, None, 0
        if not ids:
            return etag, b'{"type":"FeatureCollection","features":[]}', 0
        body, n = tiles.zones_geojson(db, ids, box, zoom)
        return etag, body, n

    etag, body, n = await in_worker(request, reader(request).read, work)
    headers = _cache_headers(etag, immutable=v is not None)
    if body is None:
        return Response(status_code=304, headers=headers)
    headers["X-Feature-Count"] = str(n)
    if n >= tiles.GEOJSON_MAX_FEATURES:
        headers["X-Truncated"] = "true"
    return Response(body, media_type="application/geo+json", headers=headers)
