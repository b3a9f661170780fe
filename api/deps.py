"""Typed query parameters, parsed once (FastAPI ``Depends``), in the manner of tipg.

A parameter that does not parse is a 422 problem+json naming the parameter and the reason (the
RequestValidationError handler in api.problems), never a 500.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Literal, Optional

import orjson
from fastapi import Depends, Query, Request

from rdtr.errors import InvalidInput
from rdtr.zoning.activities import parse_bbox

PLAN_PATTERN = r"^[a-z0-9-]+$"


# Plain Annotated query types, not Depends functions: FastAPI solves each dependency separately, and for the
# point question that bookkeeping cost more than the SQL itself (measured: ~0.8 ms vs ~0.3 ms per request).
Lon = Annotated[float, Query(ge=-180, le=180, description="longitude, decimal degrees (EPSG:4326)",
                             examples=[117.4823])]
Lat = Annotated[float, Query(ge=-90, le=90, description="latitude, decimal degrees (EPSG:4326)", examples=[0.1351])]
At = Annotated[Optional[date], Query(description="answer under the plan versions in force on this date "
                                                 "(YYYY-MM-DD); default today")]
Plan = Annotated[Optional[str], Query(pattern=PLAN_PATTERN, max_length=64,
                                      description="only this plan (id, e.g. 'bontang')")]
Activity = Annotated[Optional[str], Query(min_length=1, max_length=200,
                                          description="activity by ITBX code, exact name (case- and accent-"
                                                      "insensitive) or KBLI code")]
Format = Annotated[Optional[Literal["json", "html"]], Query(description="json (default) or html: a map preview page")]
SliverShare = Annotated[Optional[float], Query(ge=0, lt=1, description="pieces below this share of the parcel are "
                                               "slivers (default RDTR_SLIVER_SHARE, 0.01)")]


async def bbox(
    bbox: Annotated[Optional[str], Query(max_length=200, description="minlon,minlat,maxlon,maxlat (EPSG:4326)",
                                         examples=["117.45,0.10,117.52,0.16"])] = None,
) -> Optional[tuple[float, float, float, float]]:
    return parse_bbox(bbox)


BBoxDep = Annotated[Optional[tuple[float, float, float, float]], Depends(bbox)]


async def geojson_body(request: Request):
    """The request body as parsed JSON; malformed JSON is a 400 that says where it broke."""
    raw = await request.body()
    if not raw.strip():
        raise InvalidInput("the request body is empty: send a GeoJSON Polygon, MultiPolygon, Feature or "
                           "FeatureCollection")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedJSON(f"the body is not valid JSON: {exc}") from None


class MalformedJSON(InvalidInput):
    status = 400
    title = "Malformed JSON"


_POSITION = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 3}
_RING = {"type": "array", "items": _POSITION, "minItems": 4}
_POLYGON = {"title": "Polygon", "type": "object", "required": ["type", "coordinates"],
            "properties": {"type": {"type": "string", "enum": ["Polygon"]},
                           "coordinates": {"type": "array", "items": _RING, "minItems": 1}}}
_MULTI = {"title": "MultiPolygon", "type": "object", "required": ["type", "coordinates"],
          "properties": {"type": {"type": "string", "enum": ["MultiPolygon"]},
                         "coordinates": {"type": "array", "minItems": 1,
                                         "items": {"type": "array", "items": _RING, "minItems": 1}}}}
_FEATURE = {"title": "Feature", "type": "object", "required": ["type", "geometry"],
            "properties": {"type": {"type": "string", "enum": ["Feature"]},
                           "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                           "properties": {"type": ["object", "null"]},
                           "geometry": {"oneOf": [_POLYGON, _MULTI]}}}
_COLLECTION = {"title": "FeatureCollection", "type": "object", "required": ["type", "features"],
               "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                              "features": {"type": "array", "minItems": 1, "items": _FEATURE}}}
PARCEL_INPUT_SCHEMA = {"oneOf": [_POLYGON, _MULTI, _FEATURE, _COLLECTION]}

GEOJSON_BODY = {
    "requestBody": {
        "description": "A parcel as a GeoJSON Polygon or MultiPolygon (EPSG:4326 [lon, lat]), a Feature of one, "
                       "or a FeatureCollection of them (at most RDTR_MAX_BATCH_PARCELS, default 10,000).",
        "required": True,
        "content": {"application/json": {"schema": PARCEL_INPUT_SCHEMA},
                    "application/geo+json": {"schema": PARCEL_INPUT_SCHEMA}},
    }
}


def problem_responses(*statuses: int) -> dict:
    """OpenAPI entries for the problem+json errors a route can answer."""
    text = {400: "malformed request", 404: "unknown plan or activity (the detail suggests close matches)",
            413: "request too large", 422: "invalid parameter or geometry: the detail says what is wrong",
            503: "the database is unavailable"}
    schema = {"type": "object", "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                                               "status": {"type": "integer"}, "detail": {"type": "string"}}}
    return {s: {"description": text.get(s, "error"), "content": {"application/problem+json": {"schema": schema}}}
            for s in statuses}


def json_response(document, media_type: str = "application/json", status_code: int = 200):
    """The answer document as JSON bytes (orjson), exactly what the CLI's ``--json`` prints."""
    from fastapi.responses import Response

    return Response(content=orjson.dumps(document), media_type=media_type, status_code=status_code)


# --- plain query strings for the fast paths --------------------------------------------------------------
# The hot routes answer plainly valid requests without FastAPI's per-request parameter machinery; these
# parsers accept exactly what the documented parameters accept in the common case and refuse anything
# else (``None``), which then goes to the documented route for its full validation and error messages.

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PLAN_RE = re.compile(PLAN_PATTERN)


def number(lo: float, hi: float, hi_open: bool = False):
    def parse(text: str) -> float:
        if not _NUMBER.match(text):
            raise ValueError(text)
        value = float(text)
        if not math.isfinite(value) or value < lo or value > hi or (hi_open and value == hi):
            raise ValueError(text)
        return value

    return parse


def iso_date(text: str) -> date:
    if not _ISO_DATE.match(text):
        raise ValueError(text)
    return date.fromisoformat(text)


def plan_text(text: str) -> str:
    if len(text) > 64 or not _PLAN_RE.match(text):
        raise ValueError(text)
    return text


def activity_text(text: str) -> str:
    if not 1 <= len(text) <= 200:
        raise ValueError(text)
    return text


def choice(*allowed: str):
    def parse(text: str) -> str:
        if text not in allowed:
            raise ValueError(text)
        return text

    return parse


def plain_query(query_string: bytes, spec: dict, required: tuple = ()) -> dict | None:
    """Parse ``query_string`` by ``spec`` (name → parser); ``None`` unless every parameter is known, given
    once and valid, and the ``required`` ones are there. Absent optional parameters are ``None``."""
    from urllib.parse import parse_qsl

    text = query_string.decode("latin-1")
    if "%" in text or "+" in text:
        try:
            pairs = parse_qsl(text, keep_blank_values=True)
        except ValueError:
            return None
    else:
        pairs = [tuple(item.split("=", 1)) for item in text.split("&") if item]
        if any(len(pair) != 2 for pair in pairs):
            return None
    params = dict(pairs)
    if len(params) != len(pairs) or not params.keys() <= spec.keys() or not all(r in params for r in required):
        return None
    out = dict.fromkeys(spec)
    try:
        for key, value in params.items():
            out[key] = spec[key](value)
    except ValueError:
        return None
    return out


def may_want_html(scope) -> bool:
    """Whether the client could be asking for HTML (then the documented route and the preview decide)."""
    for name, value in scope.get("headers", ()):
        if name == b"accept":
            return b"html" in value
    return False


async def read_body(receive) -> bytes:
    chunks = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def replay(body: bytes, receive):
    """A ``receive`` that hands ``body`` out again (for the route that gets the request after us)."""
    sent = False

    async def again():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


async def send_json(send, document, status: int = 200) -> None:
    body = orjson.dumps(document)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
