"""``POST /v1/parcels/analyze`` and ``POST /v1/parcels/compare``: the parcel questions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Union

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool

from starlette.routing import Route

from api.deps import (GEOJSON_BODY, Activity, At, Format, Plan, SliverShare, activity_text, choice, geojson_body,
                      iso_date, json_response, may_want_html, number, plain_query, plan_text, problem_responses,
                      read_body, replay, send_json)
from api.html import maybe_preview
from rdtr.models import CompareAnswer, CompareBatchAnswer, ParcelAnswer, ParcelBatchAnswer
from rdtr.parcels import parse_geojson, to_feature_collection
from rdtr.zoning import analyze, compare

router = APIRouter(tags=["parcels"])

BOUNDARY_DOC = """
**Borderline answers.** RDTR maps are drawn at 1:5.000; their lines are good to about the positional
tolerance (`RDTR_BOUNDARY_TOLERANCE_M`, default 2.5 m). Each piece says:

- `boundary_distance_m`: distance between the parcel and that zone's edge (0 when the edge crosses the parcel);
  `near_boundary` when it is within the tolerance — the edge could in truth run through the parcel;
- `boundary_length_m`: length of the zone's edge inside the parcel, and `uncertain_area_m2` ≈ that length ×
  the tolerance: the strip along the edge that the map cannot attribute to either side;
- `within_tolerance`: the whole piece is thinner than the tolerance (area ≤ length × tolerance), so it may be
  an artefact of the map's resolution rather than a real part of the sub-zone.

`boundary` sums this up for the parcel, and `activity.depends_on_boundary` is true when the verdict would be
different without the pieces that lie within the tolerance.
"""


INLINE_BYTES = 64 * 1024  #: smaller bodies are answered on the event loop; a thread hop would cost more


async def _run(raw_size: int, func, *args, **kwargs):
    """Small requests inline (one short query), large batches in the thread pool so they do not stall the
    event loop for the other requests."""
    if raw_size <= INLINE_BYTES:
        return func(*args, **kwargs)
    return await run_in_threadpool(func, *args, **kwargs)


def _analyze(doc, **kwargs):
    batch = parse_geojson(doc)
    return batch, analyze(batch, **kwargs)


def _compare(doc, **kwargs):
    return compare(parse_geojson(doc), **kwargs)


@router.post(
    "/v1/parcels/analyze",
    response_model=Union[ParcelAnswer, ParcelBatchAnswer],
    summary="What is permitted on a parcel (or on each parcel of a FeatureCollection)",
    openapi_extra=GEOJSON_BODY,
    responses=problem_responses(400, 404, 422, 503),
    description=f"""Overlay the parcel with the zoning of the plans in force on `at` (default today).

- `zones`: every sub-zone piece (the parcel ∩ one zone polygon) with its geodesic area (m²) and share of the
  parcel; the pieces of a sub-zone that covers less than `sliver_share` of the parcel (default 1 %, all its
  pieces together) go to `slivers` and do not decide the verdict. `covered_share` < 1 when part of
  the parcel is outside every plan.
- `limits`: max footprint = Σ KDB × piece area, max floor area = Σ KLB × piece area, min green area =
  Σ KDH × piece area (over every piece); height, floors and setback from the most restrictive non-sliver piece.
  Intensity that depends on the lot size is chosen by the whole parcel's area; `lot_size.breach` flags a parcel
  below a minimum lot size.
- `activity` (by code, exact name or KBLI): the class and condition texts per piece, and overall the most
  restrictive class over the non-sliver pieces. An unknown activity is a 404 suggesting close matches.
- `special_provisions`, `overlays` and each piece's `tpz` say what else applies.
- A FeatureCollection answers `{{"results": [...]}}` in input order with each feature's `id` and `properties`;
  a feature that cannot be analysed gets an `error` instead of failing the batch.
- Invalid polygons are repaired with make_valid (`parcel.repaired: true`); open rings, non-polygons, swapped
  axes or projected coordinates, and parcels above `RDTR_MAX_PARCEL_AREA_M2` are a 422 with the reason.
{BOUNDARY_DOC}""",
)
async def analyze_parcels(request: Request, at: At = None, activity: Activity = None, plan: Plan = None,
                          sliver_share: SliverShare = None, f: Format = None, doc=Depends(geojson_body)):
    size = len(await request.body())  # read (and cached) by geojson_body already
    batch, answer = await _run(size, _analyze, doc, at=at, activity=activity, plan=plan, sliver_share=sliver_share)
    preview = maybe_preview(request, f, kind="parcel", answer=answer,
                            geometry=doc if isinstance(doc, dict) else to_feature_collection(batch.parcels))
    if preview is not None:
        return preview
    return json_response(answer)


ANALYZE_PARAMS = {"at": iso_date, "activity": activity_text, "plan": plan_text,
                  "sliver_share": number(0, 1, hi_open=True), "f": choice("json", "html")}


class _FastAnalyze:
    """ASGI fast path for ``POST /v1/parcels/analyze`` with a small body and plainly valid parameters: it skips
    FastAPI's per-request dependency solving (as costly as a one-parcel overlay). Anything else — an unusual
    parameter, a large batch, a body that is not JSON, a client that may want HTML — goes to the documented
    route above with the body replayed, so errors and previews behave exactly as documented."""

    def __init__(self, documented):
        self.documented = documented

    async def __call__(self, scope, receive, send):
        params = plain_query(scope.get("query_string", b""), ANALYZE_PARAMS)
        if params is None or params["f"] == "html" or (params["f"] is None and may_want_html(scope)):
            await self.documented.handle(scope, receive, send)
            return
        body = await read_body(receive)
        doc = None
        if 0 < len(body) <= INLINE_BYTES:
            try:
                doc = orjson.loads(body)
            except orjson.JSONDecodeError:
                doc = None
        if not isinstance(doc, dict):
            await self.documented.handle(scope, replay(body, receive), send)
            return
        _, answer = _analyze(doc, at=params["at"], activity=params["activity"], plan=params["plan"],
                             sliver_share=params["sliver_share"])
        await send_json(send, answer)


router.routes.insert(0, Route("/v1/parcels/analyze", _FastAnalyze(router.routes[-1]), methods=["POST"],
                              include_in_schema=False, name="analyze_fast"))


@router.post(
    "/v1/parcels/compare",
    response_model=Union[CompareAnswer, CompareBatchAnswer],
    summary="What changed for a parcel between the plan versions in force on two dates",
    openapi_extra=GEOJSON_BODY,
    responses=problem_responses(400, 404, 422, 503),
)
async def compare_parcels(
    request: Request,
    date_from: Annotated[date, Query(alias="from", description="the earlier date (YYYY-MM-DD)")],
    date_to: Annotated[date, Query(alias="to", description="the later date (YYYY-MM-DD)")],
    activity: Activity = None, plan: Plan = None, sliver_share: SliverShare = None, doc=Depends(geojson_body),
):
    """The parcel analysed under the versions in force on `from` and on `to`, and the differences: sub-zones
    and their shares (`added`, `removed`, `changed`, `unchanged`), intensity values per sub-zone, the limits,
    and the activity's class. `before` and `after` hold the two full analyses."""
    size = len(await request.body())  # read (and cached) by geojson_body already
    answer = await _run(size, _compare, doc, date_from=date_from, date_to=date_to, activity=activity, plan=plan,
                        sliver_share=sliver_share)
    return json_response(answer)
