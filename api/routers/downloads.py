"""Bulk downloads of a plan version (GeoPackage, GeoJSON, FlatGeobuf, CSV, the PMTiles archive of its vector
tiles) and its QGIS project.

Each file is built once per version by :mod:`rdtr.downloads` (in the worker threads) and streamed from the
cache folder with a strong ETag (its sha256): ``If-None-Match`` answers 304. ``HEAD`` and ``Range`` work too,
so GDAL's ``/vsicurl/`` (and with it QGIS, through the project) reads the GeoPackage in place, and the pmtiles
JS client (or a CDN in front) reads the archive by ranges. The URLs name the version, whose data never
changes: ``Cache-Control: immutable`` for a year — except the QGIS project, which names the configured
public address (a day).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from api.params import integer, plan_path, problem_responses
from api.routing import LeanRoute
from api.runtime import in_worker, reader
from rdtr import downloads
from rdtr.errors import InvalidInput, UnknownPlan
from rdtr.messages import Message
from rdtr.text import is_plan_id

router = APIRouter(tags=["downloads"])

IMMUTABLE = "public, max-age=31536000, immutable"
#: The QGIS project names the service's address (RDTR_PUBLIC_URL), which configuration may change.
PROJECT_CACHE_CONTROL = "public, max-age=86400"
_VERSION = integer(1, 1_000_000_000)
PLAN_PATH = plan_path()
VERSION_PATH = {
    "name": "version",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": 1_000_000_000},
    "description": "the version number (GET /v1/plans/{plan_id} lists them)",
}
FORMAT_PATH = {
    "name": "format",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": list(downloads.FORMATS)},
    "description": "gpkg: GeoPackage (zones, overlays, ITBX, intensity, conditions, layer styles); geojson, fgb: "
    "the zones; csv: the zones' attributes with a point on each",
}
BINARY = {"schema": {"type": "string", "format": "binary"}}
ETAG_HEADERS = {
    "ETag": {"description": "sha256 of the file (strong)", "schema": {"type": "string"}},
    "Content-Disposition": {
        "description": 'attachment; filename="bontang-v1-zones.gpkg"',
        "schema": {"type": "string"},
    },
}
NOT_MODIFIED = {304: {"description": "not modified: the `If-None-Match` ETag is the file's"}}


def _path_values(request: Request) -> tuple[str, int]:
    params = request.path_params
    plan_id = params["plan_id"]
    if not is_plan_id(plan_id):
        raise UnknownPlan(plan_id[:80])
    try:
        version = _VERSION(params["version"])
    except InvalidInput as exc:
        raise InvalidInput(Message("param_bad", name="version", detail=exc.detail)) from None
    return plan_id, version


def _not_modified(request: Request, etag: str) -> bool:
    inm = request.headers.get("if-none-match")
    return bool(inm) and (inm.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in inm.split(",")])


async def _serve(request: Request, key: str) -> Response:
    plan_id, version = _path_values(request)
    built = await in_worker(request, downloads.download, reader(request), plan_id, version, key)
    cache_control = PROJECT_CACHE_CONTROL if key == "qgs" else IMMUTABLE
    headers = {"ETag": built.etag, "Cache-Control": cache_control, "Access-Control-Allow-Origin": "*"}
    if _not_modified(request, built.etag):
        return Response(status_code=304, headers=headers)
    return FileResponse(
        built.path,
        media_type=built.media_type,
        filename=built.filename,
        headers=headers,
    )


async def download_route(request: Request) -> Response:
    """See the route's description."""
    key = request.path_params["format"]
    if key not in downloads.FORMATS:
        raise InvalidInput(
            Message("not_one_of", raw=repr(key[:40]), allowed=", ".join(downloads.FORMATS)),
        )
    return await _serve(request, key)


async def itbx_route(request: Request) -> Response:
    """The ITBX matrix in long form as CSV."""
    return await _serve(request, "itbx")


async def intensity_route(request: Request) -> Response:
    """The intensity rows as CSV."""
    return await _serve(request, "intensity")


async def project_route(request: Request) -> Response:
    """The QGIS project of the version."""
    return await _serve(request, "qgs")


async def pmtiles_route(request: Request) -> Response:
    """The version's vector tiles as a PMTiles archive."""
    return await _serve(request, "pmtiles")


BASE = "/v1/plans/{plan_id}/versions/{version}"
DOWNLOAD_DOC = """The version's zones as a file, built once per version (versions never change) and streamed.

- `gpkg` (`application/geopackage+sqlite3`): layers `zones` and `overlays` (EPSG:4326), attribute tables
  `itbx` (activity × sub-zone × class × codes), `intensity` and `conditions`, and a `layer_styles` table whose
  default styles (QML and SLD) QGIS applies on opening: sub-zones in the Permen ATR/BPN 14/2021 palette,
  labelled with `subzone_code`.
- `geojson` (`application/geo+json`, RFC 7946) and `fgb` (`application/flatgeobuf`): the zones.
- `csv` (`text/csv`): the zones' attributes, with `lon`/`lat` of a point on each zone.

Zone fields: `zone_id`, `feature_id`, `subzone_code`, `subzone_name`, `zone_code`, `zone_name`, `block`,
`subblock`, `kecamatan`, `kelurahan`, `tpz`, `special_provisions` (JSON), `area_m2`, `lon`, `lat`.
`ETag` is the file's sha256; `If-None-Match` answers 304; `Range` requests are served (GDAL `/vsicurl/`)."""

router.add_api_route(
    f"{BASE}/download.{{format}}",
    download_route,
    methods=["GET"],
    route_class_override=LeanRoute,
    response_class=Response,
    summary="Download a plan version: GeoPackage, GeoJSON, FlatGeobuf or CSV",
    description=DOWNLOAD_DOC,
    responses={
        200: {
            "description": "the file, as an attachment (`bontang-v1-zones.gpkg`)",
            "headers": ETAG_HEADERS,
            "content": {
                "application/geopackage+sqlite3": BINARY,
                "application/geo+json": BINARY,
                "application/flatgeobuf": BINARY,
                "text/csv": BINARY,
            },
        },
        206: {
            "description": "the requested byte range (`Range`)",
            "content": {"application/geopackage+sqlite3": BINARY},
        },
        **NOT_MODIFIED,
        **problem_responses(404, 422),
    },
    openapi_extra={"parameters": [PLAN_PATH, VERSION_PATH, FORMAT_PATH]},
)
# GDAL's /vsicurl/ asks for the size with HEAD before it reads ranges (not in the OpenAPI document).
router.add_api_route(
    f"{BASE}/download.{{format}}",
    download_route,
    methods=["HEAD"],
    route_class_override=LeanRoute,
    include_in_schema=False,
)

for tail, endpoint, summary, description in (
    (
        "itbx.csv",
        itbx_route,
        "The ITBX matrix of a plan version as CSV",
        "One row per activity × sub-zone: `activity_code`, `activity_name`, `kbli`, `activity_group`, "
        "`subzone_code`, `class` (I, T, B or X: the most restrictive letter), `codes` (the condition codes as "
        "written, comma-separated).",
    ),
    (
        "intensity.csv",
        intensity_route,
        "The intensity rules of a plan version as CSV",
        "One row per intensity row as loaded: `subzone_code`, the lot-size class [`lot_area_min_m2`, "
        "`lot_area_max_m2`), `block`, `tpz`, `variant`, `kdb_max` (%), `klb_max`, `kdh_min` (%), `ktb_max` (%), "
        "`height_max_m`, `floors_max`, `gsb_min_m`, `lot_min_m2`, `note`, `extra` (other columns, JSON).",
    ),
):
    router.add_api_route(
        f"{BASE}/{tail}",
        endpoint,
        methods=["GET"],
        route_class_override=LeanRoute,
        response_class=Response,
        summary=summary,
        description=description + " Built once per version; `ETag` and `If-None-Match` as for the downloads.",
        responses={
            200: {"description": "the CSV, as an attachment", "headers": ETAG_HEADERS, "content": {"text/csv": BINARY}},
            **NOT_MODIFIED,
            **problem_responses(404, 422),
        },
        openapi_extra={"parameters": [PLAN_PATH, VERSION_PATH]},
    )

router.add_api_route(
    f"{BASE}/project.qgs",
    project_route,
    methods=["GET"],
    route_class_override=LeanRoute,
    response_class=Response,
    summary="A QGIS project of a plan version",
    description="A QGIS project (`.qgs`) whose layers `zones` and `overlays` read this version's GeoPackage "
    "download over HTTP (GDAL `/vsicurl/` on `…/download.gpkg`, under the configured `RDTR_PUBLIC_URL`): the "
    "zones categorised by `subzone_code` in the Permen ATR/BPN 14/2021 palette and labelled with it. "
    "503 when the service has no public address configured.",
    responses={
        200: {
            "description": "the project, as an attachment (`bontang-v1.qgs`)",
            "headers": ETAG_HEADERS,
            "content": {"application/x-qgis-project": BINARY},
        },
        **NOT_MODIFIED,
        **problem_responses(404, 422, 503),
    },
    openapi_extra={"parameters": [PLAN_PATH, VERSION_PATH]},
)

PMTILES_DOC = """The version's vector tiles (layer `zones`: `id`, `subzone_code`, `color`; the tiles of
`/v1/tiles/{plan}/{z}/{x}/{y}.mvt`) from zoom 10 to 18 (`RDTR_TILE_ARCHIVE_MAX_ZOOM`) in one PMTiles v3
archive, built once per version (on this request or the version's first tile request) and served from the
same file as the tiles. A city can put it on static storage or a CDN: the pmtiles JS client reads it by HTTP
ranges (`Range` answers 206, `HEAD` gives the size), overzooming the top zoom's tiles. Tiles are stored
uncompressed (`tile_compression: none`). `ETag` is the file's sha256; `Cache-Control: immutable` (the
version never changes)."""

router.add_api_route(
    f"{BASE}/tiles.pmtiles",
    pmtiles_route,
    methods=["GET"],
    route_class_override=LeanRoute,
    response_class=Response,
    summary="The vector tiles of a plan version as a PMTiles archive",
    description=PMTILES_DOC,
    responses={
        200: {
            "description": "the archive, as an attachment (`bontang-v1-tiles.pmtiles`)",
            "headers": ETAG_HEADERS,
            "content": {"application/vnd.pmtiles": BINARY},
        },
        206: {"description": "the requested byte range (`Range`)", "content": {"application/vnd.pmtiles": BINARY}},
        **NOT_MODIFIED,
        **problem_responses(404, 422),
    },
    openapi_extra={"parameters": [PLAN_PATH, VERSION_PATH]},
)
router.add_api_route(
    f"{BASE}/tiles.pmtiles", pmtiles_route, methods=["HEAD"], route_class_override=LeanRoute, include_in_schema=False
)


__all__ = ["router"]
