"""OGC API – Features Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0) and Part 2 (CRS) under ``/ogc``.

The collections are ``{plan}-zones`` and ``{plan}-overlays`` (rdtr.answers.features). These routes are left
out of the app's own OpenAPI document: their service description is the OpenAPI 3.0 document at
``/ogc/openapi`` (OGC clients read 3.0; FastAPI writes 3.1). Every query parameter is checked: an unknown or
invalid one is a 400 problem, an unknown collection or feature a 404.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.html import request_base
from api.routers import ogc_tiles
from api.routers.ogc_common import GEOJSON, HTML, JSON, OAS30, answer, integer, link, query, self_links
from api.routers.ogc_common import base as _base
from api.routing import LeanRoute
from api.runtime import in_worker, reader
from rdtr.answers import features as ft
from rdtr.downloads import download_links
from rdtr.render import ogc_html

router = APIRouter(route_class=LeanRoute, include_in_schema=False)

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    *ogc_tiles.CONFORMANCE,
]
TITLE = "rdtr — RDTR zoning as OGC API – Features and Tiles"
DESCRIPTION = (
    "The zones and overlays of each RDTR plan, in the version in force at `datetime` (default today); its "
    "versions and the changes between them; the zones as vector tiles (WebMercatorQuad)."
)
ITEMS_PARAMS = ("f", "bbox", "bbox-crs", "crs", "limit", "offset", "datetime")


async def landing(request: Request):
    """The landing page: links to the API definition, the conformance declaration and the collections."""
    q = query(request, ("f",))
    base = _base(request)
    doc = {
        "title": TITLE,
        "description": DESCRIPTION,
        "links": [
            *self_links(base),
            link(base + "/openapi", "service-desc", OAS30, "the API definition (OpenAPI 3.0)"),
            link(request_base(request) + "/docs", "service-doc", HTML, "the whole rdtr API"),
            link(base + "/conformance", "conformance", JSON, "conformance classes"),
            link(base + "/conformance", "http://www.opengis.net/def/rel/ogc/1.0/conformance", JSON),
            link(base + "/collections", "data", JSON, "the collections"),
            link(base + "/collections", "http://www.opengis.net/def/rel/ogc/1.0/data", JSON),
            *ogc_tiles.landing_links(base),
        ],
    }
    return answer(request, q, doc, ogc_html.landing)


async def conformance(request: Request):
    """The conformance classes this API implements."""
    q = query(request, ("f",))
    doc = {"conformsTo": CONFORMANCE, "links": self_links(_base(request) + "/conformance")}
    return answer(request, q, doc, ogc_html.conformance)


def _collection_doc(base: str, c: ft.Collection) -> dict:
    href = f"{base}/collections/{c.id}"
    # the zones' vector tiles; on every collection the bulk downloads of the version in force today
    extra = ogc_tiles.collection_links(href) if c.kind == "zones" else []
    if c.current_version is not None:
        extra += [
            {**d, "title": f"version {c.current_version}: {d['title']}"}
            for d in download_links(c.plan_id, c.current_version)
        ]
    return {
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "itemType": "feature",
        "extent": ft.extent(c),
        "crs": c.crs,
        "storageCrs": ft.CRS84,
        "links": [
            link(href, "self", JSON, c.title),
            link(href + "?f=html", "alternate", HTML),
            link(href + "/items", "items", GEOJSON, "the features"),
            link(href + "/items?f=html", "items", HTML, "the features as a table"),
            *extra,
        ],
    }


async def collections_list(request: Request):
    """Every collection with its extent."""
    q = query(request, ("f",))
    base = _base(request)
    found = await in_worker(request, reader(request).read, ft.collections)
    doc = {
        "links": self_links(base + "/collections"),
        "collections": [_collection_doc(base, c) for c in found],
        "crs": [ft.CRS84],
    }
    return answer(request, q, doc, ogc_html.collections)


async def collection_one(request: Request):
    """One collection."""
    q = query(request, ("f",))
    c = await in_worker(request, reader(request).read, ft.collection, request.path_params["collection_id"])
    return answer(request, q, _collection_doc(_base(request), c), ogc_html.collection)


def _crs_headers(srid: int) -> dict:
    return {"Content-Crs": f"<{ft.CRS84 if srid == 4326 else ft.EPSG_URI + str(srid)}>"}


async def items_list(request: Request):
    """A page of the collection's features in the version in force at ``datetime``."""
    db = reader(request)
    c = await in_worker(request, db.read, ft.collection, request.path_params["collection_id"])
    filters_allowed = ft.FILTERS[c.kind]
    q = query(request, ITEMS_PARAMS + filters_allowed)
    limit = integer("limit", q["limit"], 1, ft.MAX_LIMIT) if "limit" in q else 10
    offset = integer("offset", q["offset"], 0, 10**9) if "offset" in q else 0
    srid = c.srid_of(q.get("crs"), "crs")
    bbox_srid = c.srid_of(q.get("bbox-crs"), "bbox-crs")
    bbox = ft.parse_bbox(q["bbox"], bbox_srid) if "bbox" in q else None
    # zones and overlays default to today; versions and changes to all of them
    at = ft.parse_datetime(q.get("datetime")) if "datetime" in q or c.kind in ("zones", "overlays") else None
    filters = {k: q[k] for k in filters_allowed if k in q}
    got = await in_worker(
        request,
        db.read,
        ft.items,
        c,
        at=at,
        bbox=bbox,
        bbox_srid=bbox_srid,
        filters=filters,
        limit=limit,
        offset=offset,
        srid=srid,
    )
    href = f"{_base(request)}/collections/{c.id}/items"
    keep = {k: v for k, v in q.items() if k not in ("f", "offset")}

    def url(f: str, at_offset: int | None = offset) -> str:
        params = {**keep, **({"offset": at_offset} if at_offset else {}), "f": f}
        return href + "?" + urlencode(params)

    links = [
        link(url("json"), "self", GEOJSON, "this page"),
        link(url("html"), "alternate", HTML),
        link(f"{_base(request)}/collections/{c.id}", "collection", JSON, c.title),
    ]
    returned = len(got["features"])
    if offset + returned < got["number_matched"]:
        links.append(link(url("json", offset + returned), "next", GEOJSON, "the next page"))
    if offset > 0:
        links.append(link(url("json", max(0, offset - limit)), "prev", GEOJSON, "the previous page"))
    doc = {
        "type": "FeatureCollection",
        "features": got["features"],
        "numberMatched": got["number_matched"],
        "numberReturned": returned,
        "timeStamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "links": links,
    }
    return answer(
        request, q, doc, lambda d: ogc_html.features(d, c.title, href), media=GEOJSON, headers=_crs_headers(srid)
    )


async def item_one(request: Request):
    """One feature by its id."""
    db = reader(request)
    c = await in_worker(request, db.read, ft.collection, request.path_params["collection_id"])
    q = query(request, ("f", "crs"))
    srid = c.srid_of(q.get("crs"), "crs")
    fid = request.path_params["feature_id"]
    doc = await in_worker(request, db.read, ft.item, c, fid, srid)
    href = f"{_base(request)}/collections/{c.id}"
    doc["links"] = [
        link(f"{href}/items/{fid}?f=json", "self", GEOJSON, "this feature"),
        link(f"{href}/items/{fid}?f=html", "alternate", HTML),
        link(href, "collection", JSON, c.title),
    ]
    return answer(request, q, doc, lambda d: ogc_html.feature(d, c.title), media=GEOJSON, headers=_crs_headers(srid))


# --- the OpenAPI 3.0 document of these endpoints ---------------------------------------------------------


def _param(name: str, schema: dict, description: str, **extra) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description, **extra}


F = _param("f", {"type": "string", "enum": ["json", "html"]}, "the format (default: by the Accept header)")
PROBLEM_RESPONSE = {"description": "a problem", "content": {"application/problem+json": {"schema": {"type": "object"}}}}


def _operation(summary: str, params: list[dict], media: str = JSON, op_id: str = "") -> dict:
    return {
        "get": {
            "summary": summary,
            "operationId": op_id,
            "parameters": params,
            "responses": {
                "200": {"description": summary, "content": {media: {"schema": {"type": "object"}}, HTML: {}}},
                "400": PROBLEM_RESPONSE,
                "404": PROBLEM_RESPONSE,
            },
        }
    }


def _items_params(c: ft.Collection) -> list[dict]:
    crs = {"type": "string", "format": "uri", "enum": c.crs, "default": ft.CRS84}
    bbox_schema = {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}
    return [
        F,
        _param("bbox", bbox_schema, "minx,miny,maxx,maxy (CRS84 unless bbox-crs)", style="form", explode=False),
        _param("bbox-crs", crs, "the CRS of bbox", style="form", explode=False),
        _param("crs", crs, "the CRS of the geometries returned", style="form", explode=False),
        _param(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": ft.MAX_LIMIT, "default": 10},
            "features per page",
            style="form",
            explode=False,
        ),
        _param("offset", {"type": "integer", "minimum": 0, "default": 0}, "features to skip (by id)"),
        _param(
            "datetime",
            {"type": "string"},
            "a date, a date-time or an interval: the plan version in force then answers (default today)",
            style="form",
            explode=False,
        ),
        *(_param(name, {"type": "string"}, f"only features whose {name} equals this") for name in ft.FILTERS[c.kind]),
    ]


def openapi_document(base: str, found: list[ft.Collection]) -> dict:
    """OpenAPI 3.0.3 of the OGC endpoints, with one path per collection (as OGC test suites expect)."""
    paths = {
        "/": _operation("the landing page", [F], op_id="landing"),
        "/openapi": _operation("this API definition", [F], OAS30, "openapi"),
        "/conformance": _operation("the conformance classes", [F], op_id="conformance"),
        "/collections": _operation("the collections", [F], op_id="collections"),
    }
    for c in found:
        key = c.id.replace("-", "_")
        paths[f"/collections/{c.id}"] = _operation(c.title, [F], op_id=f"collection_{key}")
        paths[f"/collections/{c.id}/items"] = _operation(
            f"the features of {c.id}", _items_params(c), GEOJSON, f"items_{key}"
        )
        one = _operation(f"one feature of {c.id}", [F, _items_params(c)[3]], GEOJSON, f"item_{key}")
        id_schema = {"type": "string"} if c.kind == "changes" else {"type": "integer"}
        one["get"]["parameters"].insert(0, {"name": "featureId", "in": "path", "required": True, "schema": id_schema})
        paths[f"/collections/{c.id}/items/{{featureId}}"] = one
        if c.kind == "zones":
            paths.update(ogc_tiles.openapi_paths(c))
    paths.update(ogc_tiles.openapi_paths(None))
    return {
        "openapi": "3.0.3",
        "info": {"title": TITLE, "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": base}],
        "paths": paths,
    }


async def openapi(request: Request):
    """The OpenAPI 3.0 document of the OGC endpoints."""
    q = query(request, ("f",))
    found = await in_worker(request, reader(request).read, ft.collections)
    doc = openapi_document(_base(request), found)
    if q.get("f") == "html":
        text = escape(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode())
        return HTMLResponse(ogc_html.page("API definition", f"<pre>{text}</pre>", []))
    return Response(orjson.dumps(doc), media_type=OAS30)


for path, endpoint in (
    ("/ogc", landing),
    ("/ogc/", landing),
    ("/ogc/openapi", openapi),
    ("/ogc/conformance", conformance),
    ("/ogc/collections", collections_list),
    ("/ogc/collections/{collection_id}", collection_one),
    ("/ogc/collections/{collection_id}/items", items_list),
    ("/ogc/collections/{collection_id}/items/{feature_id}", item_one),
):
    router.add_api_route(path, endpoint, methods=["GET"])
