"""``/v1/extracts``: map extracts for KKPR decisions — made by officers, verifiable by anyone."""

from __future__ import annotations

import base64
import hashlib
import re

import orjson
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import AuthRoute, require_role
from api.html import page_language, wants_html
from api.params import AT, PLAN, parse_json, problem_responses, read_body
from api.runtime import database, in_worker
from rdtr.auth import TokenInfo, extract_plans, require_plans
from rdtr.config import get_settings
from rdtr.errors import InvalidInput, NotFound
from rdtr.extract_records import create_extract, get_extract, get_extract_pdf, nip_of
from rdtr.messages import Message
from rdtr.proposal import parse_proposal, proposal_schema
from rdtr.render.verify_page import not_found_page, verification_page

router = APIRouter(tags=["extracts"], route_class=AuthRoute)

EXTRACT_BODY_HINT = Message("extract_body")
EXTRACT_ID = r"^\d{8}-[0-9a-z]{10}$"
_ID = re.compile(EXTRACT_ID)

_REQUEST_SCHEMA = {
    "type": "object",
    "required": ["parcel", "activity"],
    "properties": {
        "parcel": {
            "type": "object",
            "description": "GeoJSON Polygon/MultiPolygon or a Feature of one (EPSG:4326, [lon, lat])",
        },
        "activity": {"type": "string", "description": "activity code, exact name or KBLI", "examples": ["A012"]},
        "reference": {
            "type": ["string", "null"],
            "maxLength": 200,
            "description": "the officer's reference, e.g. the application number",
        },
        "at": {
            "type": ["string", "null"],
            "format": "date",
            "description": "answer under the plans in force on this date (default today)",
        },
        "plan": {"type": ["string", "null"], "description": "only this plan"},
        "nip": {
            "type": ["string", "null"],
            "pattern": "^[0-9]{18}$",
            "description": "the officer's NIP (Nomor Induk Pegawai, 18 digits): printed in the signature block "
            "and stored with the record",
            "examples": ["198501012010011001"],
        },
        "proposal": {
            **proposal_schema(),
            "description": "the building proposal (as `POST /v1/parcels/check` takes it): with it, the extract "
            "records and prints the conformity check of the same analysis",
        },
    },
}


def _check_id(extract_id: str) -> str:
    if not _ID.match(extract_id):
        raise NotFound(Message("extract_id_shape", id=repr(extract_id)))
    return extract_id


@router.post(
    "/v1/extracts",
    status_code=201,
    summary="Make a map extract for a KKPR decision (officer)",
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": _REQUEST_SCHEMA}}}},
    responses={
        201: {
            "description": "stored; `pdf` and `verify` are URLs",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "string"},
                            "sha256": {"type": "string"},
                            "pdf": {"type": "string"},
                            "verify": {"type": "string"},
                        },
                    }
                }
            },
        },
        401: {"description": "no or invalid token"},
        403: {"description": "the token is not an officer's, or not scoped to the parcel's plan (the detail names it)"},
        **problem_responses(400, 404, 422, 503),
    },
)
async def create(request: Request, who: TokenInfo = Depends(require_role("officer"))):
    """Analyse the parcel for the activity, render the PDF (A4 portrait: the parcel over the zoning at
    1:1.000, 1:2.500 or 1:5.000, tables, vertex coordinates, QR code to the verification URL) and store the
    immutable record: request, full answer, plan versions and legal bases, time, officer, reference.

    With a `proposal` (the fields of `POST /v1/parcels/check`, parsed the same way) the record's answer
    also holds `conformity` — `verdict`, `activity`, `proposal`, `checks`, `requirements`, `reasons`
    (Indonesian) of the check of that same analysis — and the PDF prints it ("Pemeriksaan kesesuaian").

    `sha256` is the SHA-256 of the PDF bytes served at `pdf`; the PDF itself prints the SHA-256 of the
    answer as canonical JSON (`answer_sha256` in the record).

    A token scoped to plans (`rdtr token create --plan ID`) issues extracts on those plans only: the plan
    asked for (`plan`), or else every plan in force under the parcel on `at`, must be one of them; if not,
    403 naming the plan (nothing is analysed or stored)."""
    raw = await read_body(request, get_settings().max_json_bytes)
    body = parse_json(raw, EXTRACT_BODY_HINT)
    if not isinstance(body, dict):
        raise InvalidInput(EXTRACT_BODY_HINT)
    if not isinstance(body.get("parcel"), dict):
        raise InvalidInput(Message("extract_parcel"))
    activity = body.get("activity")
    if not isinstance(activity, str) or not activity.strip():
        raise InvalidInput(Message("extract_activity_required"))
    reference = body.get("reference")
    if reference is not None and not isinstance(reference, str):
        reference = str(reference)
    at = body.get("at")
    if at is not None:
        at = AT.value(str(at))
    plan = body.get("plan")
    if plan is not None:
        plan = PLAN.value(str(plan))
    proposal = body.get("proposal")
    if proposal is not None:
        proposal = parse_proposal(proposal)
    nip = nip_of(body.get("nip"))
    if who.plans is not None:  # a plan-scoped token: the plans this parcel's answer cites, before any work
        require_plans(who, await in_worker(request, extract_plans, database(request), body["parcel"], at, plan))
    result = await in_worker(
        request,
        create_extract,
        database(request),
        body["parcel"],
        activity.strip(),
        reference,
        who.name,
        at,
        plan,
        proposal=proposal,
        officer_nip=nip,
    )
    doc = {k: result[k] for k in ("id", "sha256", "pdf", "verify")}
    return Response(
        orjson.dumps(doc), status_code=201, media_type="application/json", headers={"Location": result["verify"]}
    )


@router.get(
    "/v1/extracts/{extract_id}.pdf",
    summary="The stored PDF of an extract",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "the PDF bytes, as hashed"},
        **problem_responses(404),
    },
)
def extract_pdf(request: Request, extract_id: str = Path(max_length=40)):
    """Exactly the bytes whose SHA-256 the record gives."""
    pdf = get_extract_pdf(database(request), _check_id(extract_id))
    digest = hashlib.sha256(pdf).digest()
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="ekstrak-rdtr-{extract_id}.pdf"',
            "ETag": f'"{digest.hex()}"',
            "Repr-Digest": f"sha-256=:{base64.b64encode(digest).decode()}:",
            "Cache-Control": "public, max-age=31536000, immutable",
        },
    )


@router.get(
    "/v1/extracts/{extract_id}", summary="The extract record, for verification", responses=problem_responses(404)
)
def extract_record(request: Request, extract_id: str = Path(max_length=40), f: str | None = None):
    """The stored record: `id`, `created_at`, `officer`, `officer_nip`, `reference`, `plans` (legal bases),
    `sha256` (of the PDF bytes), `answer_sha256` (of the answer as canonical JSON, printed in the PDF), `pdf`,
    `request`, `answer` (with `conformity`, the stored check, when the extract was made with a proposal). A
    browser (or `f=html`) gets a readable verification page — the verdict, plan version, legal basis,
    officer, date and hashes, in the `Accept-Language` (`id` default, or `en`) — and, for an unknown or malformed
    id, a 404 page in Indonesian and English;
    API clients get problem+json."""
    if f not in (None, "json", "html"):
        raise InvalidInput(Message("not_one_of", raw=repr(f), allowed="json, html"))
    html = wants_html(request, f)
    try:
        record = get_extract(database(request), _check_id(extract_id))
    except NotFound:
        if not html:
            raise
        page = not_found_page(extract_id, malformed=not _ID.match(extract_id))
        return HTMLResponse(page, status_code=404, headers={"Vary": "Accept"})
    if html:  # in the reader's language (Accept-Language; default Indonesian)
        page = verification_page(record, page_language(request))
        return HTMLResponse(page, headers={"Vary": "Accept, Accept-Language"})
    return Response(orjson.dumps(record), media_type="application/json", headers={"Vary": "Accept"})
