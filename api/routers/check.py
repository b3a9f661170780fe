"""``POST /v1/parcels/check``: does a proposed activity and building conform to the plan?"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.params import (
    ACTIVITY,
    AT,
    PARCEL_INPUT_SCHEMA,
    PLAN,
    SLIVER_SHARE,
    language,
    parse_json,
    problem_responses,
    read_body,
)
from api.routers.parcels import answer_bytes
from api.routing import LeanRoute
from api.runtime import in_worker, reader
from rdtr.answers import check
from rdtr.config import get_settings
from rdtr.errors import InvalidInput
from rdtr.messages import Message
from rdtr.models import CheckAnswer, CheckBatchAnswer
from rdtr.proposal import proposal_schema

router = APIRouter(tags=["parcels"], route_class=LeanRoute)

CHECK_HINT = Message("check_body")
CHECK_FIELDS = {
    "parcel": PARCEL_INPUT_SCHEMA,
    "activity": {"type": "string", "minLength": 1, "maxLength": 200, "description": ACTIVITY.description},
    "at": {"type": "string", "format": "date", "description": AT.description},
    "plan": {"type": "string", "pattern": PLAN.schema["pattern"], "description": PLAN.description},
    "sliver_share": {**SLIVER_SHARE.schema, "description": SLIVER_SHARE.description},
    "proposal": proposal_schema(),
}
CHECK_SCHEMA = {
    "type": "object",
    "required": ["parcel", "activity"],
    "additionalProperties": False,
    "properties": CHECK_FIELDS,
}


def check_arguments(body, allowed: tuple[str, ...] = tuple(CHECK_FIELDS)) -> dict:
    """The check's keyword arguments from a JSON body, each field parsed by its one parser; an unknown field
    or a bad value is an :class:`InvalidInput` naming it."""
    if not isinstance(body, dict):
        raise InvalidInput(CHECK_HINT)
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise InvalidInput(Message("not_a_field", name=unknown[0], fields=", ".join(allowed)))
    if not isinstance(body.get("parcel"), dict):
        raise InvalidInput(Message("check_parcel"))
    activity = body.get("activity")
    if not isinstance(activity, str):
        raise InvalidInput(Message("check_activity"))
    out = {"activity": ACTIVITY.value(activity), "proposal": body.get("proposal")}
    for param in (AT, PLAN):
        value = body.get(param.name)
        if value is not None and not isinstance(value, str):
            raise InvalidInput(Message("must_be_text", name=param.name, description=param.description))
        out[param.name] = param.value(value)
    share = body.get("sliver_share")
    if share is not None and (isinstance(share, bool) or not isinstance(share, int | float)):
        raise InvalidInput(Message("sliver_number"))
    out["sliver_share"] = None if share is None else SLIVER_SHARE.value(repr(float(share)))
    return out


def _check(db, raw: bytes, lang: str) -> bytes:
    body = parse_json(raw, CHECK_HINT)
    args = check_arguments(body)
    return answer_bytes(check(db, body["parcel"], lang=lang, **args), lang)


@router.post(
    "/v1/parcels/check",
    response_model=CheckAnswer | CheckBatchAnswer,
    summary="Does a proposed activity and building conform to the plan on this parcel?",
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": CHECK_SCHEMA}}}},
    responses=problem_responses(400, 404, 413, 422, 503),
    description="""The KKPR officer's question, as OSS asks it for a KBLI at a location: the proposal
(`footprint_m2`, `floor_area_m2`, `floors`, `height_m`, `green_area_m2`, `setback_m`, `hours` as `HH:MM-HH:MM`,
`documents` held; every field optional) against the plan's rules, one check per rule.

- `checks`: `{rule, limit, proposed, unit, result: pass|fail|not_checked, source}`; rules `activity_class`
  (per sub-zone), `footprint`, `floor_area`, `floors`, `height`, `green_area`, `setback`, `lot_area`, `hours`,
  `condition` (a condition the plan states only in words) and `<kind>_height` for an overlay with a
  structured height (e.g. `kkop_height`). `source` names the plan, version and sub-zone (`subzones` and `parts`
  for a sum over pieces) and the intensity field or the condition `code` and `text` that decided the limit.
- Limits for the activity: the intensity limits combined with the structured conditions of its ITBX cells
  (the smaller wins) — see `analysis.limits.decided_by`.
- `requirements`: approvals and documents the conditions require, each with `provided`.
- `verdict`: `does_not_conform` (class X on a non-sliver piece, a failed check, a lot below its minimum),
  else `needs_review` (a text-only condition, a proposal value missing for a limit that applies, no ITBX
  cell, a parcel outside the plan), else `conforms_with_conditions` (requirements not listed, or class B),
  else `conforms`. `reasons`: one sentence per failing or open item, in the `Accept-Language` (id or en).
- A FeatureCollection answers `{"results": [...]}` in input order; each feature's `properties.proposal`
  (else the body's `proposal`) is its proposal; a feature that cannot be checked gets an `error`.
- `analysis` is the full parcel analysis (as `POST /v1/parcels/analyze?activity=` answers it).""",
)
async def check_parcels(request: Request):
    """See the description above (kept with the route so OpenAPI shows it)."""
    raw = await read_body(request, get_settings().max_json_bytes)
    body = await in_worker(request, _check, reader(request), raw, language(request))
    return Response(body, media_type="application/json")
