"""``GET /v1/places`` (find a kelurahan, block, sub-zone or parcel by name or number) and
``GET /v1/parcels/{plan}/{parcel_id}`` (the analysis of a stored parcel)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.params import (
    ACTIVITY,
    AT,
    PLAN,
    SLIVER_SHARE,
    Param,
    QuerySpec,
    integer,
    json_response,
    plan_id,
    plan_path,
    problem_responses,
)
from api.routing import LeanRoute
from api.runtime import in_worker, reader
from rdtr.answers.places import MAX_LIMIT, MAX_PARCEL_ID_CHARS, MAX_QUERY_CHARS, find_places, parcel_by_id
from rdtr.errors import InvalidInput
from rdtr.messages import Message
from rdtr.models import ParcelByIdAnswer, PlacesAnswer

router = APIRouter(tags=["places"], route_class=LeanRoute)


def _query_text(text: str) -> str:
    """The raw q (trimmed and checked by the library, :func:`rdtr.answers.places.query_key`)."""
    return text


PLACES_QUERY = QuerySpec(
    Param(
        "q",
        _query_text,
        {"type": "string", "minLength": 1},
        f"a kelurahan, kecamatan, block, sub-block, sub-zone (code or name) or parcel number/address: "
        f"1–{MAX_QUERY_CHARS} characters once trimmed; case and accents are ignored",
        required=True,
        examples=("api-api",),
    ),
    PLAN,
    AT,
    Param(
        "limit",
        integer(1, MAX_LIMIT),
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
        f"most places returned (1–{MAX_LIMIT}, default 10)",
        default=10,
    ),
)
PARCEL_QUERY = QuerySpec(AT, ACTIVITY, SLIVER_SHARE)
PARCEL_PATH = [
    plan_path("plan"),
    {
        "name": "parcel_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_PARCEL_ID_CHARS},
        "description": "the parcel number as the plan's parcel layer writes it (its `name` in GET /v1/places)",
        "example": "64740309000001",
    },
]


@router.get(
    "/v1/places",
    response_model=PlacesAnswer,
    summary="Find a kelurahan, block, sub-zone or parcel by name or number",
    responses=problem_responses(404, 422, 503),
    openapi_extra=PLACES_QUERY.openapi(),
)
async def places(request: Request):
    """Places of the plan versions in force on `at` (default today) whose name contains `q`, best first:
    exact name, then prefix, then the prefix of a word, then anywhere in it (`match` says which); equally good
    ones by kind — kelurahan, kecamatan, block, subblock, subzone, parcel — then by name. Case and accents are
    ignored.

    - Names come from the plans themselves: the zones' kelurahan, kecamatan, block and sub-block codes, the
      sub-zones ("R-2 Perumahan Kepadatan Tinggi", found by code or name) and the parcel layer of the plan
      package (`[[parcels]]`): a parcel's `name` is its number (NIB, NOP; also found as bare digits), its
      `label` the label field (e.g. the address), searchable too. For a kelurahan `label` names its
      kecamatan, for a block or sub-block its kelurahan.
    - `bbox` is `[minlon, minlat, maxlon, maxlat]`; `point` (`[lon, lat]`) lies on the place, ready for
      `GET /v1/zoning`; a parcel's analysis is `GET /v1/parcels/{plan}/{name}`.
    - `q` of 1–100 characters once trimmed (else 422); `limit` 1–50 (default 10); an unknown `plan` is a 404.
    """
    q = PLACES_QUERY.parse(request)
    # In the worker threads: one indexed query (~1 ms), but a short q in a city of 100,000 parcels can match
    # thousands of places to rank, and without pg_trgm the version's places are scanned (measured: 35–145 ms).
    answer = await in_worker(
        request, find_places, reader(request), q["q"], plan=q["plan"], at=q["at"], limit=q["limit"]
    )
    return json_response(answer)


@router.get(
    "/v1/parcels/{plan}/{parcel_id}",
    response_model=ParcelByIdAnswer,
    summary="What is permitted on a parcel of the plan's parcel layer, by its number",
    tags=["parcels"],
    responses=problem_responses(404, 422, 503),
    openapi_extra={"parameters": PARCEL_PATH + PARCEL_QUERY.openapi()["parameters"]},
)
async def parcel(request: Request):
    """The answer of `POST /v1/parcels/analyze` for the parcel's polygon (under the plan's version in force
    on `at`, default today; with `activity` its class and conditions), plus `parcel_ref`
    (`{plan, version, parcel_id, label}`) and the parcel's GeoJSON `geometry`, so a page can draw it.

    The parcels are those of the plan package's parcel layer (`[[parcels]]` in plan.toml); find them by
    number or address with `GET /v1/places?q=`. An unknown plan or parcel is a 404 saying which."""
    q = PARCEL_QUERY.parse(request)
    path = request.path_params
    try:
        plan = plan_id(path["plan"])
    except InvalidInput as exc:
        raise InvalidInput(Message("param_bad", name="plan", detail=exc.detail)) from None
    answer = await in_worker(
        request,
        parcel_by_id,
        reader(request),
        plan,
        path["parcel_id"],
        at=q["at"],
        activity=q["activity"],
        sliver_share=q["sliver_share"],
    )
    return json_response(answer)
