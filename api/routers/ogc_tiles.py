"""OGC API – Tiles (Part 1: core, tileset, tilesets-list, geodata-tilesets, MVT) over the zones' vector tiles.

``/ogc/tileMatrixSets[/WebMercatorQuad]`` is the OGC TMS 2.0 definition; per zones collection
``/ogc/collections/{id}/tiles`` lists its one tileset and ``…/tiles/WebMercatorQuad`` describes it (limits
from the plan's extent, a URI template); ``…/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}`` is the tile,
with ``datetime`` choosing the version as the features do. Note the order: row (y) before column (x). The
bytes are :func:`rdtr.render.tiles.mvt_tile`'s, the same as ``/v1/tiles/{plan}/{z}/{x}/{y}.mvt``.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.routers.ogc_common import JSON, MVT, answer, base, link, query, self_links
from api.routers.tiles import SHORT, _not_modified
from api.routing import LeanRoute
from api.runtime import in_worker, reader
from rdtr.answers import features as ft
from rdtr.errors import NotFound
from rdtr.messages import Message
from rdtr.render import ogc_html, tiles

router = APIRouter(route_class=LeanRoute, include_in_schema=False)

TILES = "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/"
TMS = "http://www.opengis.net/spec/tms/2.0/conf/"
CONFORMANCE = [
    *(TILES + c for c in ("core", "tileset", "tilesets-list", "geodata-tilesets", "mvt", "oas30", "datetime")),
    TMS + "tilematrixset",
    TMS + "json-tilematrixset",
]
TMS_ID = "WebMercatorQuad"
TMS_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
CRS_3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
REL = "http://www.opengis.net/def/rel/ogc/1.0/"
ORIGIN = 20037508.342789244  #: half the Web Mercator world's width, metres
TMS_MAX_ZOOM = 24  #: the standard definition's last tile matrix (rdtr draws up to tiles.MAX_ZOOM)
#: the layer's attributes, as rdtr.render.tiles writes them
LAYER = {
    "id": "zones",
    "dataType": "vector",
    "geometryDimension": 2,
    "minTileMatrix": str(tiles.MIN_ZOOM),
    "maxTileMatrix": str(tiles.MAX_ZOOM),
    "propertiesSchema": {
        "type": "object",
        "properties": {
            "id": {"type": "integer", "description": "the zone's feature id (as in the items)"},
            "subzone_code": {"type": "string", "description": "the sub-zone code, e.g. R-2"},
            "color": {"type": "string", "description": "the sub-zone's standard fill colour (Permen 14/2021)"},
        },
    },
}


def tile_matrix_set() -> dict:
    """The WebMercatorQuad tile matrix set, OGC TMS 2.0 JSON (EPSG:3857, 256-pixel tiles, zooms 0–24)."""
    matrices = []
    for z in range(TMS_MAX_ZOOM + 1):
        cell = 2 * ORIGIN / 256 / 2**z  # metres per pixel at the equator
        matrices.append(
            {
                "id": str(z),
                "scaleDenominator": cell / 0.00028,  # the standard 0.28 mm pixel
                "cellSize": cell,
                "cornerOfOrigin": "topLeft",
                "pointOfOrigin": [-ORIGIN, ORIGIN],
                "tileWidth": 256,
                "tileHeight": 256,
                "matrixWidth": 2**z,
                "matrixHeight": 2**z,
            }
        )
    return {
        "id": TMS_ID,
        "title": "Google Maps Compatible for the World",
        "uri": TMS_URI,
        "crs": CRS_3857,
        "orderedAxes": ["X", "Y"],
        "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
        "boundingBox": {"lowerLeft": [-ORIGIN, -ORIGIN], "upperRight": [ORIGIN, ORIGIN], "crs": CRS_3857},
        "tileMatrices": matrices,
    }


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """(column, row) of the WebMercatorQuad tile holding a CRS84 point at zoom ``z``."""
    n = 2**z
    lat = max(-85.0511, min(85.0511, lat))
    col = int((lon + 180.0) / 360.0 * n)
    row = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return min(max(col, 0), n - 1), min(max(row, 0), n - 1)


def limits(bbox) -> list[dict]:
    """``tileMatrixSetLimits``: per zoom from tiles.MIN_ZOOM to tiles.MAX_ZOOM, the rows and columns the
    collection's extent (CRS84) covers."""
    if not bbox:
        return []
    out = []
    for z in range(tiles.MIN_ZOOM, tiles.MAX_ZOOM + 1):
        c1, r1 = _tile_of(bbox[0], bbox[3], z)
        c2, r2 = _tile_of(bbox[2], bbox[1], z)
        out.append({"tileMatrix": str(z), "minTileRow": r1, "maxTileRow": r2, "minTileCol": c1, "maxTileCol": c2})
    return out


def landing_links(root: str) -> list[dict]:
    """The landing page's links to the tile matrix sets."""
    return [link(root + "/tileMatrixSets", REL + "tiling-schemes", JSON, "the tile matrix sets")]


def collection_links(href: str) -> list[dict]:
    """A zones collection's link to its vector tilesets."""
    return [link(href + "/tiles", REL + "tilesets-vector", JSON, "the zones as vector tiles")]


async def _zones_collection(request: Request) -> ft.Collection:
    c = await in_worker(request, reader(request).read, ft.collection, request.path_params["collection_id"])
    if c.kind != "zones":
        raise NotFound(Message("ogc_no_tiles", id=repr(c.id)))
    return c


def _check_tms(request: Request) -> None:
    if request.path_params["tms_id"] != TMS_ID:
        raise NotFound(Message("ogc_no_tms", id=repr(request.path_params["tms_id"][:40]), tms=TMS_ID))


async def tile_matrix_sets(request: Request):
    """The tile matrix sets: WebMercatorQuad."""
    q = query(request, ("f",))
    href = base(request) + "/tileMatrixSets"
    doc = {
        "tileMatrixSets": [
            {
                "id": TMS_ID,
                "title": "Google Maps Compatible for the World",
                "uri": TMS_URI,
                "crs": CRS_3857,
                "links": [link(f"{href}/{TMS_ID}", "self", JSON, "the tile matrix set definition")],
            }
        ],
        "links": self_links(href),
    }
    return answer(request, q, doc, lambda d: ogc_html.document("Tile matrix sets", d))


async def tile_matrix_set_one(request: Request):
    """The WebMercatorQuad definition (OGC TMS 2.0)."""
    q = query(request, ("f",))
    _check_tms(request)
    doc = tile_matrix_set()
    doc["links"] = self_links(base(request) + f"/tileMatrixSets/{TMS_ID}")
    return answer(request, q, doc, lambda d: ogc_html.document(TMS_ID, d))


def _tileset_summary(href: str, c: ft.Collection) -> dict:
    return {
        "title": f"{c.title} — vector tiles",
        "dataType": "vector",
        "crs": CRS_3857,
        "tileMatrixSetURI": TMS_URI,
        "links": [
            link(f"{href}/{TMS_ID}", "self", JSON, "the tileset"),
            link(f"{_ogc_root(href)}/tileMatrixSets/{TMS_ID}", REL + "tiling-scheme", JSON, TMS_ID),
        ],
    }


def _ogc_root(href: str) -> str:
    """The OGC root of a collection's tiles URL (``…/ogc``)."""
    return href.split("/collections/", 1)[0]


async def tilesets(request: Request):
    """The zones collection's tilesets: one, in WebMercatorQuad."""
    q = query(request, ("f",))
    c = await _zones_collection(request)
    href = f"{base(request)}/collections/{c.id}/tiles"
    doc = {"tilesets": [_tileset_summary(href, c)], "links": self_links(href)}
    return answer(request, q, doc, lambda d: ogc_html.document(f"{c.title} — tilesets", d))


async def tileset(request: Request):
    """The tileset's metadata: the layer, the limits and the tile URI template (with ``datetime`` when given)."""
    q = query(request, ("f", "datetime"))
    _check_tms(request)
    c = await _zones_collection(request)
    if "datetime" in q:
        ft.parse_datetime(q["datetime"])  # a 400 now rather than on every tile
    root = base(request)
    href = f"{root}/collections/{c.id}/tiles/{TMS_ID}"
    tail = "?" + urlencode({"datetime": q["datetime"]}) if "datetime" in q else ""
    doc = {
        **_tileset_summary(f"{root}/collections/{c.id}/tiles", c),
        "tileMatrixSetLimits": limits(c.bbox),
        "layers": [LAYER],
    }
    if c.bbox:
        doc["boundingBox"] = {"lowerLeft": list(c.bbox[:2]), "upperRight": list(c.bbox[2:]), "crs": ft.CRS84}
    doc["links"] = [
        *self_links(href),
        link(f"{root}/tileMatrixSets/{TMS_ID}", REL + "tiling-scheme", JSON, TMS_ID),
        link(f"{root}/collections/{c.id}", REL + "geodata", JSON, c.title),
        link(href + "/{tileMatrix}/{tileRow}/{tileCol}" + tail, "item", MVT, "a vector tile", templated=True),
    ]
    return answer(request, q, doc, lambda d: ogc_html.document(f"{c.title} — {TMS_ID}", d))


def _path_integer(name: str, text: str, hi: int) -> int:
    if not text.isdigit() or len(text) > 9 or int(text) > hi:
        raise NotFound(Message("ogc_tile_range", name=name, text=repr(text[:20]), hi=str(hi)))
    return int(text)


async def tile(request: Request):
    """One vector tile (layer ``zones``) of the version in force at ``datetime`` (default today)."""
    q = query(request, ("f", "datetime"), formats=("mvt",))
    _check_tms(request)
    p = request.path_params
    z = _path_integer("tileMatrix", p["tile_matrix"], tiles.MAX_ZOOM)
    y = _path_integer("tileRow", p["tile_row"], 2**z - 1)
    x = _path_integer("tileCol", p["tile_col"], 2**z - 1)
    c = await _zones_collection(request)
    at = ft.parse_datetime(q.get("datetime"))

    def work(db):  # on the reader, or the primary if that replica fails under it
        v = ft.version_at(db, c, at)
        if v is None:  # before the plan: nothing to draw
            return '"none"', b""
        etag = f'"pv{v["id"]}-s{tiles.STYLE_VERSION}-{z}-{x}-{y}"'
        if _not_modified(request, etag):
            return etag, None
        return etag, tiles.mvt_tile(db, v["id"], z, x, y)

    etag, body = await in_worker(request, reader(request).read, work)
    headers = {"ETag": etag, "Cache-Control": SHORT, "Access-Control-Allow-Origin": "*"}
    if body is None:
        return Response(status_code=304, headers=headers)
    if not body:
        return Response(status_code=204, headers=headers)
    return Response(body, media_type=MVT, headers=headers)


# --- the OpenAPI 3.0 paths (merged into /ogc/openapi by api.routers.ogc) -----------------------------------


def _get(summary: str, op_id: str, params: list[dict], media: str = JSON) -> dict:
    problem = {"description": "a problem", "content": {"application/problem+json": {"schema": {"type": "object"}}}}
    ok = {"description": summary, "content": {media: {"schema": {"type": "string", "format": "binary"}}}}
    if media == JSON:
        ok = {"description": summary, "content": {JSON: {"schema": {"type": "object"}}}}
    responses = {"200": ok, "400": problem, "404": problem}
    if media == MVT:
        responses["204"] = {"description": "no zones in this tile"}
    return {"get": {"summary": summary, "operationId": op_id, "parameters": params, "responses": responses}}


def _path_param(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}


DATETIME = {
    "name": "datetime",
    "in": "query",
    "required": False,
    "schema": {"type": "string"},
    "description": "a date or a date-time: the plan version in force then (default today)",
}


def openapi_paths(c: ft.Collection | None) -> dict:
    """The tiles paths of a zones collection, or (``None``) the tile matrix sets."""
    if c is None:
        return {
            "/tileMatrixSets": _get("the tile matrix sets", "tileMatrixSets", []),
            f"/tileMatrixSets/{TMS_ID}": _get("WebMercatorQuad (OGC TMS 2.0)", "tileMatrixSet", []),
        }
    key = c.id.replace("-", "_")
    root = f"/collections/{c.id}/tiles"
    cells = [_path_param("tileMatrix"), _path_param("tileRow"), _path_param("tileCol"), DATETIME]
    return {
        root: _get(f"the vector tilesets of {c.id}", f"tilesets_{key}", []),
        f"{root}/{TMS_ID}": _get(f"the {TMS_ID} tileset of {c.id}", f"tileset_{key}", [DATETIME]),
        f"{root}/{TMS_ID}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}": _get(
            f"a vector tile of {c.id}", f"tile_{key}", cells, MVT
        ),
    }


for path, endpoint in (
    ("/ogc/tileMatrixSets", tile_matrix_sets),
    ("/ogc/tileMatrixSets/{tms_id}", tile_matrix_set_one),
    ("/ogc/collections/{collection_id}/tiles", tilesets),
    ("/ogc/collections/{collection_id}/tiles/{tms_id}", tileset),
    ("/ogc/collections/{collection_id}/tiles/{tms_id}/{tile_matrix}/{tile_row}/{tile_col}", tile),
):
    router.add_api_route(path, endpoint, methods=["GET"])
