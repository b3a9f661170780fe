"""``GET /v1/activities`` and ``GET /v1/activities/{code}/zones``: the ITBX activities."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from api.params import (
    AT,
    BBOX,
    CLASSES,
    PLAN,
    Param,
    QuerySpec,
    bounded_text,
    choice,
    integer,
    json_response,
    problem_responses,
)
from api.runtime import reader
from rdtr.answers import search_activities, where_allowed, where_allowed_geojson
from rdtr.models import ActivitySearchAnswer, WhereAllowedAnswer

router = APIRouter(tags=["activities"])

SEARCH_QUERY = QuerySpec(
    AT,
    PLAN,
    Param(
        "q",
        bounded_text(200),
        {"type": "string", "maxLength": 200},
        "code, part of the name (case- and accent-insensitive) or KBLI code; empty lists all",
    ),
    Param(
        "limit",
        integer(1, 2000),
        {"type": "integer", "minimum": 1, "maximum": 2000},
        "most activities returned",
        default=50,
    ),
)
ZONES_QUERY = QuerySpec(
    BBOX,
    AT,
    PLAN,
    CLASSES,
    Param(
        "f",
        choice("json", "geojson"),
        {"type": "string", "enum": ["json", "geojson"]},
        "json (default) or geojson: the zone polygons (use bbox to bound them)",
    ),
    Param(
        "limit",
        integer(1, 10000),
        {"type": "integer", "minimum": 1, "maximum": 10000},
        "most polygons in the GeoJSON answer",
        default=5000,
    ),
)


@router.get(
    "/v1/activities",
    response_model=ActivitySearchAnswer,
    summary="Search activities",
    responses=problem_responses(404, 422, 503),
    openapi_extra=SEARCH_QUERY.openapi(),
)
def activities(request: Request):
    """Activities of the ITBX matrices of the plans in force on `at`: exact code/name/KBLI matches first,
    then prefixes, then substrings."""
    q = SEARCH_QUERY.parse(request)
    return json_response(search_activities(reader(request), q["q"], plan=q["plan"], at=q["at"], limit=q["limit"]))


@router.get(
    "/v1/activities/{code}/zones",
    response_model=WhereAllowedAnswer,
    summary="Where is an activity permitted",
    responses={
        **problem_responses(404, 422, 503),
        200: {
            "description": "the sub-zones and the activity's class in each; with f=geojson a GeoJSON "
            "FeatureCollection of the zone polygons",
            "content": {"application/geo+json": {"schema": {"type": "object"}}},
        },
    },
    openapi_extra=ZONES_QUERY.openapi(),
)
def activity_zones(
    request: Request,
    code: Annotated[str, Path(min_length=1, max_length=200, description="activity code, exact name or KBLI")],
):
    """The sub-zones of the plans in force and the activity's ITBX class in each (`class=` keeps only the
    classes asked for), with the condition codes and their texts. With `f=geojson` the zones themselves as a
    FeatureCollection (those intersecting `bbox=minlon,minlat,maxlon,maxlat` when given)."""
    q = ZONES_QUERY.parse(request)
    db = reader(request)
    classes = q["class"]
    if q["f"] == "geojson":
        doc = where_allowed_geojson(
            db, code, plan=q["plan"], at=q["at"], classes=classes, bbox=q["bbox"], limit=q["limit"]
        )
        return json_response(doc, media_type="application/geo+json")
    return json_response(where_allowed(db, code, plan=q["plan"], at=q["at"], classes=classes))
