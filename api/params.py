"""Typed request parameters: the only place each parameter rule lives (tipg's ``dependencies.py`` is the model).

A :class:`Param` turns one raw query string into a typed value or an :class:`InvalidInput` naming the
parameter (422 problem+json). A route declares its parameters once as a :class:`QuerySpec`; the same spec
parses the request (``spec.parse(request)``, or ``Depends(spec)``) and documents it in OpenAPI
(``openapi_extra=spec.openapi()``), so documentation and validation cannot drift apart. Parsing is plain
Python over ``request.query_params`` — no per-parameter dependency solving on the hot routes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qsl

import orjson
from fastapi import Request
from fastapi.responses import Response
from starlette.requests import ClientDisconnect

from api import problems
from api.problems import PROBLEM, PROBLEM_SCHEMA
from rdtr import messages
from rdtr.answers.activities import parse_classes
from rdtr.coords import parse_bbox
from rdtr.errors import InvalidInput, MalformedJSON, PayloadTooLarge
from rdtr.messages import Message
from rdtr.text import PLAN_ID_PATTERN, is_plan_id


@dataclass(frozen=True)
class Param:
    """One query parameter: its name, how to read it, and its OpenAPI schema and description."""

    name: str
    parse: Callable[[str], Any]
    schema: dict
    description: str
    required: bool = False
    default: Any = None
    examples: tuple = ()

    def value(self, raw: str | None) -> Any:
        """The typed value of ``raw`` (``default`` when absent); an :class:`InvalidInput` names the parameter."""
        if raw is None:
            if self.required:
                raise InvalidInput(Message("param_required", name=self.name, description=self.description))
            return self.default
        try:
            return self.parse(raw)
        except InvalidInput as exc:
            raise InvalidInput(Message("param_bad", name=self.name, detail=exc.detail)) from None
        except (TypeError, ValueError):
            raise InvalidInput(
                Message("param_not", name=self.name, raw=repr(raw[:80]), description=self.description)
            ) from None

    def openapi(self) -> dict:
        """The OpenAPI parameter object."""
        doc = {
            "name": self.name,
            "in": "query",
            "required": self.required,
            "schema": self.schema,
            "description": self.description,
        }
        if self.examples:
            doc["example"] = self.examples[0]
        return doc


@dataclass(frozen=True)
class QuerySpec:
    """The query parameters of one route: parsed together, documented together."""

    params: tuple[Param, ...]
    by_name: dict = field(init=False, repr=False, compare=False)

    def __init__(self, *params: Param):
        object.__setattr__(self, "params", params)
        object.__setattr__(self, "by_name", {p.name: p for p in params})

    def parse(self, request: Request) -> dict[str, Any]:
        """``{name: typed value}`` for every declared parameter (unknown ones are ignored, as before)."""
        given = query_values(request.scope.get("query_string", b""))
        out = {}
        for p in self.params:
            values = given.get(p.name)
            if values is not None and len(values) > 1:
                raise InvalidInput(Message("param_twice", name=p.name, count=len(values)))
            out[p.name] = p.value(values[0] if values else None)
        return out

    async def __call__(self, request: Request) -> dict[str, Any]:  # as a FastAPI dependency
        return self.parse(request)

    def openapi(self, **extra) -> dict:
        """``openapi_extra`` for the route: the parameters, plus anything in ``extra``."""
        return {"parameters": [p.openapi() for p in self.params], **extra}


def query_values(query_string: bytes) -> dict[str, list[str]]:
    """The raw query string as ``{name: [values]}`` (as Starlette reads it: latin-1, blank values kept);
    a plain ``a=1&b=2`` is split directly, anything percent- or plus-encoded goes through ``parse_qsl``."""
    text = query_string.decode("latin-1")
    if not text:
        return {}
    if "%" in text or "+" in text:
        pairs = parse_qsl(text, keep_blank_values=True)
    else:
        pairs = [item.partition("=")[::2] for item in text.split("&") if item]
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        out.setdefault(name, []).append(value)
    return out


# --- the parsers --------------------------------------------------------------------------------------


def finite_number(text: str) -> float:
    """A finite decimal number (``nan``, ``inf`` and friends are refused)."""
    value = float(text)
    if not math.isfinite(value):
        raise InvalidInput(Message("not_finite", raw=repr(text)))
    return value


def iso_date(text: str) -> date:
    """A calendar date ``YYYY-MM-DD``."""
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(Message("not_a_date", raw=repr(text[:40]))) from None


def plan_id(text: str) -> str:
    """A plan id: lower-case letters, digits and hyphens (``bontang``)."""
    if not is_plan_id(text):
        raise InvalidInput(Message("not_a_plan_id", raw=repr(text[:80])))
    return text


def activity_text(text: str) -> str:
    """An activity by code, exact name or KBLI: 1–200 characters."""
    text = text.strip()
    if not 1 <= len(text) <= 200:
        raise InvalidInput(Message("activity_text"))
    return text


def share(text: str) -> float:
    """A share of a parcel in [0, 1)."""
    value = finite_number(text)
    if not 0 <= value < 1:
        raise InvalidInput(Message("not_a_share", value=f"{value:g}"))
    return value


def choice(*allowed: str) -> Callable[[str], str]:
    """One of ``allowed``, case-insensitive."""

    def parse(text: str) -> str:
        value = text.lower()
        if value not in allowed:
            raise InvalidInput(Message("not_one_of", raw=repr(text[:40]), allowed=", ".join(allowed)))
        return value

    return parse


def integer(lo: int, hi: int) -> Callable[[str], int]:
    """A whole number in [lo, hi]."""

    def parse(text: str) -> int:
        if not text.strip().lstrip("+-").isdigit():
            raise InvalidInput(Message("not_whole", raw=repr(text[:40])))
        value = int(text)
        if not lo <= value <= hi:
            raise InvalidInput(Message("not_in_range", value=str(value), low=str(lo), high=str(hi)))
        return value

    return parse


def bounded_text(max_length: int) -> Callable[[str], str]:
    """Free text of at most ``max_length`` characters."""

    def parse(text: str) -> str:
        if len(text) > max_length:
            raise InvalidInput(Message("too_long", limit=str(max_length)))
        return text

    return parse


# --- the parameters, declared once ---------------------------------------------------------------------

LON = Param(
    "lon",
    finite_number,
    {"type": "number", "minimum": -180, "maximum": 180},
    "longitude, decimal degrees (EPSG:4326)",
    required=True,
    examples=(117.4823,),
)
LAT = Param(
    "lat",
    finite_number,
    {"type": "number", "minimum": -90, "maximum": 90},
    "latitude, decimal degrees (EPSG:4326)",
    required=True,
    examples=(0.1351,),
)
AT = Param(
    "at",
    iso_date,
    {"type": "string", "format": "date"},
    "answer under the plan versions in force on this date (YYYY-MM-DD); default today",
)
PLAN_ID_SCHEMA = {"type": "string", "pattern": PLAN_ID_PATTERN, "maxLength": 64}
PLAN = Param("plan", plan_id, PLAN_ID_SCHEMA, "only this plan (id, e.g. 'bontang')")


def plan_path(name: str = "plan_id") -> dict:
    """The OpenAPI description of a plan id in the path (``/v1/plans/{plan_id}/…``); the route checks it
    with :func:`rdtr.text.is_plan_id`."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": PLAN_ID_SCHEMA,
        "description": "the plan id, e.g. 'bontang'",
    }


ACTIVITY = Param(
    "activity",
    activity_text,
    {"type": "string", "minLength": 1, "maxLength": 200},
    "activity by ITBX code, exact name (case- and accent-insensitive) or KBLI code",
)
FORMAT_HTML = Param(
    "f",
    choice("json", "html"),
    {"type": "string", "enum": ["json", "html"]},
    "json (default) or html: a map preview page",
)
SLIVER_SHARE = Param(
    "sliver_share",
    share,
    {"type": "number", "minimum": 0, "exclusiveMaximum": 1},
    "pieces below this share of the parcel are slivers (default RDTR_SLIVER_SHARE, 0.01)",
)
DATE_FROM = Param(
    "from", iso_date, {"type": "string", "format": "date"}, "the earlier date (YYYY-MM-DD)", required=True
)
DATE_TO = Param("to", iso_date, {"type": "string", "format": "date"}, "the later date (YYYY-MM-DD)", required=True)
BBOX = Param(
    "bbox",
    parse_bbox,
    {"type": "string", "maxLength": 200},
    "minlon,minlat,maxlon,maxlat (EPSG:4326)",
    examples=("117.45,0.10,117.52,0.16",),
)
CLASSES = Param(
    "class",
    parse_classes,
    {"type": "string", "maxLength": 20},
    "only these ITBX classes: I, T, B, X or a comma list such as I,T",
)


# --- bodies ----------------------------------------------------------------------------------------------


def bound_body(request: Request, limit: int, setting: str = "RDTR_MAX_JSON_BYTES", what: str = "the request body"):
    """Refuse the body with 413 as soon as it passes ``limit`` bytes: by Content-Length at once, and while it
    streams (chunked or lying) — before anything parses it or writes it to disk (multipart forms too)."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit:
        raise PayloadTooLarge(Message("body_too_large", what=what, size=int(length), limit=limit, setting=setting))
    receive = request.receive
    seen = 0

    async def counting():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise PayloadTooLarge(Message("body_over_limit", what=what, limit=limit, setting=setting))
        return message

    request._receive = counting  # Starlette reads the body (stream, form) through this channel


async def read_body(request: Request, limit: int, what: str = "the request body") -> bytes:
    """The body, refused with 413 as soon as it passes ``limit`` bytes (by Content-Length or while streaming)."""
    bound_body(request, limit, what=what)
    chunks = []
    receive = request.receive
    while True:  # straight from the ASGI channel: Request.stream() adds a generator per chunk
        message = await receive()
        if message["type"] != "http.request":
            raise ClientDisconnect()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def parse_json(raw: bytes, empty: str) -> Any:
    """JSON bytes as Python values; an empty body is an :class:`InvalidInput` saying ``empty``, malformed JSON
    a :class:`MalformedJSON` (400) that says where it broke."""
    if not raw.strip():
        raise InvalidInput(empty)
    if b"\\u0000" in raw:  # no field may hold NUL (PostgreSQL text cannot); refused before any parsing
        raise InvalidInput(Message("body_nul"))
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedJSON(Message("body_not_json", why=str(exc))) from None


_POSITION = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 3}
_RING = {"type": "array", "items": _POSITION, "minItems": 4}
_POLYGON = {
    "title": "Polygon",
    "type": "object",
    "required": ["type", "coordinates"],
    "properties": {
        "type": {"type": "string", "enum": ["Polygon"]},
        "coordinates": {"type": "array", "items": _RING, "minItems": 1},
    },
}
_MULTI = {
    "title": "MultiPolygon",
    "type": "object",
    "required": ["type", "coordinates"],
    "properties": {
        "type": {"type": "string", "enum": ["MultiPolygon"]},
        "coordinates": {"type": "array", "minItems": 1, "items": {"type": "array", "items": _RING, "minItems": 1}},
    },
}
_FEATURE = {
    "title": "Feature",
    "type": "object",
    "required": ["type", "geometry"],
    "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "properties": {"type": ["object", "null"]},
        "geometry": {"oneOf": [_POLYGON, _MULTI]},
    },
}
# A collection's features are checked one by one: a feature that is not a usable parcel gets an ``error`` in
# its result and the others are answered — so any object is accepted as an item.
_COLLECTION = {
    "title": "FeatureCollection",
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "description": "a GeoJSON Feature of a Polygon or MultiPolygon; one that is "
                "not a usable parcel gets an `error` in its result",
            },
        },
    },
}
PARCEL_INPUT_SCHEMA = {"oneOf": [_POLYGON, _MULTI, _FEATURE, _COLLECTION]}

GEOJSON_BODY = {
    "requestBody": {
        "description": "A parcel as a GeoJSON Polygon or MultiPolygon (EPSG:4326 [lon, lat]), a Feature of one, "
        "or a FeatureCollection of them (at most RDTR_MAX_BATCH_PARCELS, default 10,000).",
        "required": True,
        "content": {
            "application/json": {"schema": PARCEL_INPUT_SCHEMA},
            "application/geo+json": {"schema": PARCEL_INPUT_SCHEMA},
        },
    }
}


# --- responses -------------------------------------------------------------------------------------------

PROBLEM_TEXT = {
    400: "malformed request",
    401: "no or invalid token",
    403: "the token lacks the role",
    404: "unknown plan or activity (the detail suggests close matches)",
    409: "conflict",
    413: "request too large: the detail names the limit",
    415: "unsupported media type",
    422: "invalid parameter or geometry: the detail says what is wrong",
    503: "the database is unavailable",
}


def problem_responses(*statuses: int) -> dict:
    """OpenAPI entries for the problem+json errors a route can answer."""
    return {
        s: {
            "description": PROBLEM_TEXT.get(s, "error"),
            "content": {PROBLEM: {"schema": PROBLEM_SCHEMA}},
        }
        for s in statuses
    }


def json_response(
    document,
    media_type: str = "application/json",
    status_code: int = 200,
    headers: dict | None = None,
    lang: str = "en",
) -> Response:
    """The answer document as JSON bytes (orjson), exactly what the CLI's ``--json`` prints; its messages in
    ``lang`` (:mod:`rdtr.messages`)."""
    body = messages.dumps(document, lang)
    return Response(content=body, media_type=media_type, status_code=status_code, headers=headers)


def language(request: Request) -> str:
    """``id`` or ``en`` from the request's ``Accept-Language`` (the first of them by preference; default ``en``)."""
    return problems.language(request.headers)
