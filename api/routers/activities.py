"""``GET /v1/activities`` and ``GET /v1/activities/{code}/zones``: the ITBX activities."""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from fastapi import APIRouter, Path, Query

from api.deps import At, BBoxDep, Plan, json_response, problem_responses
from rdtr.models import ActivitySearchAnswer, WhereAllowedAnswer
from rdtr.zoning import search_activities, where_allowed, where_allowed_geojson

router = APIRouter(tags=["activities"])


@router.get("/v1/activities", response_model=ActivitySearchAnswer, summary="Search activities",
            responses=problem_responses(404, 422, 503))
def activities(
    at: At = None, plan: Plan = None,
    q: Annotated[Optional[str], Query(max_length=200, description="code, part of the name (case- and "
                                      "accent-insensitive) or KBLI code; empty lists all")] = None,
    limit: Annotated[int, Query(ge=1, le=2000, description="most activities returned")] = 50,
):
    """Activities of the ITBX matrices of the plans in force on `at`: exact code/name/KBLI matches first,
    then prefixes, then substrings."""
    return json_response(search_activities(q, plan=plan, at=at, limit=limit))


@router.get(
    "/v1/activities/{code}/zones",
    response_model=WhereAllowedAnswer,
    summary="Where is an activity permitted",
    responses={**problem_responses(404, 422, 503),
               200: {"description": "the sub-zones and the activity's class in each; with f=geojson a GeoJSON "
                                    "FeatureCollection of the zone polygons",
                     "content": {"application/geo+json": {"schema": {"type": "object"}}}}},
)
def activity_zones(
    code: Annotated[str, Path(min_length=1, max_length=200, description="activity code, exact name or KBLI")],
    bbox: BBoxDep, at: At = None, plan: Plan = None,
    classes: Annotated[Optional[str], Query(alias="class", max_length=20, pattern=r"^\s*[ITBXitbx](\s*,\s*[ITBXitbx])*\s*$",
                                            description="only these classes: I, T, B, X or a comma list such as I,T")] = None,
    f: Annotated[Optional[Literal["json", "geojson"]], Query(description="json (default) or geojson: the zone "
                                                            "polygons (use bbox to bound them)")] = None,
    limit: Annotated[int, Query(ge=1, le=10000, description="most polygons in the GeoJSON answer")] = 5000,
):
    """The sub-zones of the plans in force and the activity's ITBX class in each (`class=` keeps only the
    classes asked for), with the condition codes and their texts. With `f=geojson` the zones themselves as a
    FeatureCollection (those intersecting `bbox=minlon,minlat,maxlon,maxlat` when given)."""
    if f == "geojson":
        doc = where_allowed_geojson(code, plan=plan, at=at, classes=classes, bbox=bbox, limit=limit)
        return json_response(doc, media_type="application/geo+json")
    return json_response(where_allowed(code, plan=plan, at=at, classes=classes))
