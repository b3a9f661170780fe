"""``GET /v1/zoning``: the point question.

The documented FastAPI route below defines and validates the interface. In front of the whole app sits a
small ASGI middleware for the common, well-formed request (installed by the app factory): it parses the few
query parameters itself and skips FastAPI's middleware, routing and dependency solving, which measured as
costly as the indexed SQL query the answer needs. Anything it does not recognise as plainly valid (a missing or malformed parameter, an unknown one)
is handed to the documented route, so errors and edge cases behave exactly as documented.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.deps import (Activity, At, Format, Lat, Lon, Plan, activity_text, choice, iso_date, json_response,
                      may_want_html, number, plain_query, plan_text, problem_responses, send_json)
from api.html import maybe_preview
from rdtr.models import ZoningAnswer
from rdtr.zoning import zoning_at

router = APIRouter(tags=["zoning"])


@router.get(
    "/v1/zoning",
    response_model=ZoningAnswer,
    summary="Zoning at a point",
    responses=problem_responses(404, 422, 503),
)
async def zoning(request: Request, lon: Lon, lat: Lat, at: At = None, activity: Activity = None, plan: Plan = None,
                 f: Format = None):
    """Every zone covering the point in every plan in force on `at` (default today): the sub-zone, block,
    TPZ, special provisions, intensity (KDB, KLB, KDH, KTB, height, floors, GSB, minimum lot) and, with
    `activity`, its ITBX class and condition texts; plus the overlays containing the point.

    - Outside every plan: `covered: false`, `zones: []` and a message (the RTRW applies).
    - `boundary_distance_m` is the distance in metres (on the WGS 84 ellipsoid) from the point to the edge of its zone;
      `near_boundary` is true within the map's positional tolerance (`boundary_tolerance_m`, default 2.5 m
      for a 1:5.000 RDTR map): the map cannot say on which side of the line such a point lies.
    - Intensity that depends on the lot size (lot-size classes) cannot be settled by a point: the shared
      values are given, the others are null, and every class is listed under `intensity.by_lot_size`.
    - An unknown `activity` is a 404 whose detail suggests close matches.
    """
    return _answer(request, lon, lat, at, activity, plan, f)


def _answer(request, lon, lat, at, activity, plan, f):
    # Deliberately blocking inside the event loop: one short indexed query; a thread hop costs more.
    answer = zoning_at(lon, lat, at=at, activity=activity, plan=plan)
    preview = maybe_preview(request, f, kind="zoning", answer=answer, geometry=None)
    if preview is not None:
        return preview
    return json_response(answer)


ZONING_PARAMS = {"lon": number(-180, 180), "lat": number(-90, 90), "at": iso_date, "activity": activity_text,
                 "plan": plan_text, "f": choice("json", "html")}


def _plain_params(query_string: bytes) -> dict | None:
    """The parameters when they are plainly valid, else ``None`` (let the documented route judge them)."""
    return plain_query(query_string, ZONING_PARAMS, required=("lon", "lat"))


async def _respond(scope, receive, send, params: dict) -> None:
    """Answer plainly valid parameters: JSON written straight to the ASGI channel, or the preview page."""
    f = params["f"]
    if f == "html" or (f is None and may_want_html(scope)):
        response = _answer(Request(scope, receive), params["lon"], params["lat"], params["at"],
                           params["activity"], params["plan"], f)
        await response(scope, receive, send)
        return
    answer = zoning_at(params["lon"], params["lat"], at=params["at"], activity=params["activity"],
                       plan=params["plan"])
    await send_json(send, answer)


class ZoningFastPath:
    """Pure-ASGI middleware: answers plainly valid ``GET /v1/zoning`` before FastAPI's middleware and
    routing (everything else passes through untouched to the documented route). Installed by the app
    factory; measured to save ~0.1–0.2 ms of CPU per point question (see bench/README.md)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"] == "/v1/zoning" and scope["method"] == "GET":
            params = _plain_params(scope.get("query_string", b""))
            if params is not None:
                from api.problems import problem
                from rdtr.errors import RdtrError

                try:
                    await _respond(scope, receive, send, params)
                except RdtrError as exc:
                    extra = {k: v for k, v in exc.extra.items() if v is not None}
                    await problem(exc.status, exc.title, exc.detail, **extra)(scope, receive, send)
                except Exception:  # noqa: BLE001 - e.g. the database is down: nothing was sent yet, so let
                    # the documented route answer (it maps every failure to its problem+json status).
                    await self.app(scope, receive, send)
                return
        await self.app(scope, receive, send)


def install(app) -> None:
    """Put :class:`ZoningFastPath` in front of the app (idempotent); called by the app factory."""
    if not getattr(app.state, "zoning_fast_path", False):
        app.add_middleware(ZoningFastPath)
        app.state.zoning_fast_path = True


__all__ = ["router", "zoning", "ZoningFastPath", "install"]
