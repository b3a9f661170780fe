"""``POST /v1/parcels/analyze`` and ``POST /v1/parcels/compare``: the parcel questions."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.html import PAGE_LANG, maybe_preview
from api.params import (
    ACTIVITY,
    AT,
    DATE_FROM,
    DATE_TO,
    GEOJSON_BODY,
    PLAN,
    SLIVER_SHARE,
    Param,
    QuerySpec,
    choice,
    language,
    parse_json,
    problem_responses,
    read_body,
)
from api.routing import LeanRoute
from api.runtime import in_worker, reader
from rdtr import messages
from rdtr.answers import analyze, compare, export
from rdtr.config import get_settings
from rdtr.errors import LimitExceeded
from rdtr.messages import Message
from rdtr.models import CompareAnswer, CompareBatchAnswer, ParcelAnswer, ParcelBatchAnswer
from rdtr.parcel_input import parse_geojson, to_feature_collection

router = APIRouter(tags=["parcels"], route_class=LeanRoute)

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


ANALYZE_FORMAT = Param(
    "f",
    choice("json", "html", "csv", "geojson"),
    {"type": "string", "enum": ["json", "html", "csv", "geojson"]},
    "json (default); html: a map preview; csv: one row per parcel; geojson: the parcels with "
    "their answers as a layer (rdtr.answers.export)",
)
ANALYZE_QUERY = QuerySpec(AT, ACTIVITY, PLAN, SLIVER_SHARE, ANALYZE_FORMAT, PAGE_LANG)
EXPORTS = {
    "csv": ("text/csv; charset=utf-8", export.to_csv),
    "geojson": (
        "application/geo+json",
        lambda answer, batch: orjson.dumps(export.to_feature_collection(answer, batch)),
    ),
}
COMPARE_QUERY = QuerySpec(DATE_FROM, DATE_TO, ACTIVITY, PLAN, SLIVER_SHARE)
EMPTY_BODY = "the request body is empty: send a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection"


async def parcel_body(request: Request) -> bytes:
    """The body's bytes, bounded by ``RDTR_MAX_JSON_BYTES`` while it streams (parsed in the worker)."""
    return await read_body(request, get_settings().max_json_bytes)


def answer_bytes(answer, lang: str = "en") -> bytes:
    """The answer as JSON bytes (its messages in ``lang``), refused when above ``RDTR_MAX_RESPONSE_BYTES`` (a
    batch too big to send)."""
    body = messages.dumps(answer, lang)
    limit = get_settings().max_response_bytes
    if len(body) > limit:
        raise LimitExceeded(Message("answer_too_large", size=len(body), limit=limit))
    return body


def _analyze(db, raw, fmt, lang, **kwargs):
    doc = parse_json(raw, EMPTY_BODY)
    batch = parse_geojson(doc)
    answer = analyze(db, batch, **kwargs)
    if fmt in EXPORTS:
        media_type, convert = EXPORTS[fmt]
        body = convert(answer, batch)
        return doc, batch, answer, body.encode() if isinstance(body, str) else body, media_type
    return doc, batch, answer, answer_bytes(answer, lang), "application/json"


def _compare(db, raw, lang, **kwargs):
    return answer_bytes(compare(db, parse_geojson(parse_json(raw, EMPTY_BODY)), **kwargs), lang)


@router.post(
    "/v1/parcels/analyze",
    response_model=ParcelAnswer | ParcelBatchAnswer,
    summary="What is permitted on a parcel (or on each parcel of a FeatureCollection)",
    openapi_extra=ANALYZE_QUERY.openapi(**GEOJSON_BODY),
    responses={
        **problem_responses(400, 404, 413, 422, 503),
        200: {
            "description": "the analysis; with `f=html` (or a browser's Accept) a map preview; with "
            "`f=csv` a table, with `f=geojson` the parcels with their answers",
            "content": {
                "text/html": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
                "application/geo+json": {"schema": {"type": "object"}},
            },
        },
    },
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
async def analyze_parcels(request: Request):
    """See the description above (kept with the route so OpenAPI shows it)."""
    q = ANALYZE_QUERY.parse(request)
    raw = await parcel_body(request)
    doc, batch, answer, body, media_type = await in_worker(
        request,
        _analyze,
        reader(request),
        raw,
        q["f"],
        language(request),
        at=q["at"],
        activity=q["activity"],
        plan=q["plan"],
        sliver_share=q["sliver_share"],
    )
    if q["f"] in EXPORTS:
        return Response(
            body,
            media_type=media_type,
            headers={"Content-Disposition": f'attachment; filename="rdtr-parcels.{q["f"]}"'},
        )
    geometry = doc if isinstance(doc, dict) else to_feature_collection(batch.parcels)
    preview = await maybe_preview(request, q["f"], kind="parcel", answer=answer, geometry=geometry)
    return preview or Response(body, media_type=media_type)


@router.post(
    "/v1/parcels/compare",
    response_model=CompareAnswer | CompareBatchAnswer,
    summary="What changed for a parcel between the plan versions in force on two dates",
    openapi_extra=COMPARE_QUERY.openapi(**GEOJSON_BODY),
    responses=problem_responses(400, 404, 413, 422, 503),
)
async def compare_parcels(request: Request):
    """The parcel analysed under the versions in force on `from` and on `to`, and the differences: sub-zones
    and their shares (`added`, `removed`, `changed`, `unchanged`), intensity values per sub-zone, the limits,
    and the activity's class. `before` and `after` hold the two full analyses.

    `changed` is true only when something this parcel's answer depends on changed (`what_changed`: subzones,
    intensity, limits, activity — class or conditions —, special_provisions, overlays); a new plan version
    that changes nothing here is `changed: false`, `versions_differ: true`, and `from`/`to` still name both."""
    q = COMPARE_QUERY.parse(request)
    raw = await parcel_body(request)
    body = await in_worker(
        request,
        _compare,
        reader(request),
        raw,
        language(request),
        date_from=q["from"],
        date_to=q["to"],
        activity=q["activity"],
        plan=q["plan"],
        sliver_share=q["sliver_share"],
    )
    return Response(body, media_type="application/json")
