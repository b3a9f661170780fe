"""The web page at ``/`` and the two small helpers it needs: reading a typed place
(``GET /v1/coordinates``) and converting an uploaded parcel file (``POST /v1/parcels/convert``)."""

from __future__ import annotations

import tempfile
from pathlib import Path as FsPath
from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from api.params import bound_body, json_response, problem_responses
from api.problems import language
from api.runtime import in_worker
from rdtr.config import get_settings
from rdtr.coords import parse_place
from rdtr.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from rdtr.messages import Message
from rdtr.safe_open import UPLOAD_PREFIX, kind_of
from rdtr.units import measures_json

router = APIRouter(tags=["web"])

TEMPLATES = FsPath(__file__).resolve().parents[1] / "templates"
VENDOR = FsPath(__file__).resolve().parents[1] / "static" / "vendor" / "node_modules"

#: The page loads code only from this server; the optional OpenStreetMap basemap is its only outside
#: resource (images, and only when a user turns it on).
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob: https://tile.openstreetmap.org; connect-src 'self'; "
    "frame-ancestors 'self'; base-uri 'self'; form-action 'self'"
)

PARCEL_SUFFIXES = (".geojson", ".json", ".kml", ".kmz", ".zip", ".gpkg")  # GML follows schema links: not read


def _page() -> str:
    """The page with the intensity measures of rdtr.units in it (JSON, read by app.js: one table for all)."""
    measures = orjson.dumps(measures_json()).decode().replace("</", "<\\/")
    page = (TEMPLATES / "index.html").read_text(encoding="utf-8")
    return page.replace(
        "<!--rdtr:intensity-measures-->", f'<script id="intensity-measures" type="application/json">{measures}</script>'
    )


@router.get("/", include_in_schema=False)
def index():
    """The citizen's web page (Bahasa Indonesia, with English)."""
    return HTMLResponse(_page(), headers={"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-cache"})


@router.get(
    "/v1/coordinates", summary="Read a typed place (decimal, DMS or UTM) as lon/lat", responses=problem_responses(422)
)
def coordinates(
    request: Request,
    q: Annotated[
        str, Query(max_length=200, description="e.g. `0.1351, 117.4823`, `0°08'06\"N 117°28'56\"E`, `50N 553000 14900`")
    ],
):
    """`{lon, lat, format, note}` in EPSG:4326: `format` is `decimal`, `dms` or `utm`; `note` says how an
    ambiguous input was read (in the `Accept-Language`, like the errors)."""
    return json_response(parse_place(q).as_dict(), lang=language(request.headers))


@router.post(
    "/v1/parcels/convert",
    summary="Convert an uploaded parcel file (KML, zipped Shapefile, GeoJSON, GeoPackage) to GeoJSON",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "additionalProperties": False,
                        "properties": {
                            "file": {
                                "type": "string",
                                "format": "binary",
                                "description": "a .kml/.kmz, a .zip of a Shapefile (with its .prj), .geojson or .gpkg",
                            }
                        },
                    }
                }
            },
        }
    },
    responses={
        200: {
            "content": {"application/geo+json": {}},
            "description": "FeatureCollection in EPSG:4326; `errors` lists features that were left out",
        },
        **problem_responses(413, 415, 422),
    },
)
async def convert(request: Request):
    """The parcels of the file as a GeoJSON FeatureCollection in EPSG:4326 (reprojected from the file's
    CRS, invalid rings repaired). Features that are not usable parcels are left out and listed in `errors`."""
    limit = get_settings().max_json_bytes
    bound_body(request, limit + 64 * 1024, "RDTR_MAX_JSON_BYTES", "the upload")  # + the multipart framing
    form = await request.form(max_files=1, max_fields=4)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise InvalidInput(Message("convert_multipart"))
    name = FsPath(upload.filename or "parcel").name or "parcel"
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(Message("convert_too_large", name=name, limit=limit))
    suffix = FsPath(name).suffix.lower()
    if suffix and suffix not in PARCEL_SUFFIXES:
        raise UnsupportedMediaType(Message("convert_kind", name=name))
    if not suffix:  # no name to go by: the content says what it is (rdtr.safe_open checks it either way)
        name = FsPath(name).stem[:100] + _suffix_for(data, name)
    doc = await in_worker(request, _convert_bytes, name, data)
    return json_response(doc, media_type="application/geo+json", lang=language(request))


SUFFIX_OF_DRIVER = {"GPKG": ".gpkg", "GeoJSON": ".geojson", "KML": ".kml"}


def _suffix_for(data: bytes, name: str) -> str:
    """The file name suffix for content whose name has none of ours (a zip, or what rdtr.safe_open sees)."""
    if data.startswith(b"PK\x03\x04"):
        return ".zip"
    return SUFFIX_OF_DRIVER.get(kind_of(data[:4096], name), ".bin")


def _convert_bytes(name: str, data: bytes) -> dict:
    from rdtr.parcel_input import read_parcel_file, to_feature_collection

    with tempfile.TemporaryDirectory(prefix=UPLOAD_PREFIX) as tmp:
        path = FsPath(tmp) / name
        path.write_bytes(data)
        try:
            batch = read_parcel_file(path, label=name)
        except InvalidInput as exc:
            # Name the upload, never the temporary path (a message that still holds it is said in English, edited).
            detail = exc.detail
            raise InvalidInput(detail.replace(str(path), name) if str(path) in detail else detail) from None
    good = [p for p in batch.parcels if p.ok]
    errors = [{"index": p.index, "id": p.id, "error": p.error} for p in batch.parcels if not p.ok]
    if not good:
        why = {"why": errors[0]["error"]} if errors else {}
        raise InvalidInput(Message("convert_no_parcels_because" if errors else "convert_no_parcels", name=name, **why))
    doc = to_feature_collection(good)
    for p, feature in zip(good, doc["features"]):
        feature["properties"] = {**(feature.get("properties") or {}), "area_m2": round(p.area_m2 or 0, 1)}
    doc["errors"] = errors
    return doc
