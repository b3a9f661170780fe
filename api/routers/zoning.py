"""``GET /v1/zoning``: the point question."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.html import PAGE_LANG, maybe_preview
from api.params import (
    ACTIVITY,
    AT,
    FORMAT_HTML,
    LAT,
    LON,
    PLAN,
    QuerySpec,
    json_response,
    language,
    problem_responses,
)
from api.routing import LeanRoute
from api.runtime import reader
from rdtr.answers import zoning_at
from rdtr.models import ZoningAnswer

router = APIRouter(tags=["zoning"], route_class=LeanRoute)

ZONING_QUERY = QuerySpec(LON, LAT, AT, ACTIVITY, PLAN, FORMAT_HTML, PAGE_LANG)


@router.get(
    "/v1/zoning",
    response_model=ZoningAnswer,
    summary="Zoning at a point",
    responses={
        **problem_responses(404, 422, 503),
        200: {
            "description": "the zoning at the point; with `f=html` (or a browser's Accept) a map preview",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
    },
    openapi_extra=ZONING_QUERY.openapi(),
)
async def zoning(request: Request):
    """Every zone covering the point in every plan in force on `at` (default today): the sub-zone, block,
    TPZ, special provisions, intensity (KDB, KLB, KDH, KTB, height, floors, GSB, minimum lot) and, with
    `activity`, its ITBX class and condition texts; plus the overlays containing the point.

    - Outside every plan: `covered: false`, `zones: []` and a message (the RTRW applies).
    - `boundary_distance_m` is the distance in metres (on the WGS 84 ellipsoid) from the point to the edge of its zone;
      `near_boundary` is true within the map's positional tolerance (`boundary_tolerance_m`, default 2.5 m
      for a 1:5.000 RDTR map): the map cannot say on which side of the line such a point lies.
    - Intensity that depends on the lot size (lot-size classes) cannot be settled by a point: the shared
      values are given, the others are null, and every class is listed under `intensity.by_lot_size`.
    - An unknown `activity` is a 404 whose detail suggests close matches; a latitude beyond ±90 whose
      longitude could be a latitude is a 422 that says the arguments look swapped.
    """
    q = ZONING_QUERY.parse(request)
    # On the event loop by design: one indexed query on a pooled connection (~0.3 ms); a thread hop would
    # cost a third as much again. Everything heavier goes to the worker threads (api.runtime.in_worker).
    answer = zoning_at(reader(request), q["lon"], q["lat"], at=q["at"], activity=q["activity"], plan=q["plan"])
    preview = await maybe_preview(request, q["f"], kind="zoning", answer=answer, geometry=None)
    return preview or json_response(answer, lang=language(request))
