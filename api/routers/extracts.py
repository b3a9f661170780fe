"""``/v1/extracts``: map extracts for KKPR decisions — made by officers, verifiable by anyone."""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape

import orjson
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import AuthRoute, require_role
from api.html import wants_html
from api.params import AT, PLAN, parse_json, problem_responses, read_body
from api.runtime import database, in_worker
from rdtr.auth import TokenInfo
from rdtr.config import get_settings
from rdtr.errors import InvalidInput, NotFound
from rdtr.extract_records import create_extract, get_extract, get_extract_pdf
from rdtr.proposal import parse_proposal, proposal_schema
from rdtr.render.extract.conformity import verdict_words

router = APIRouter(tags=["extracts"], route_class=AuthRoute)

EXTRACT_BODY_HINT = 'send a JSON object {"parcel": <GeoJSON>, "activity": "...", "reference": "..."}'
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
        "proposal": {
            **proposal_schema(),
            "description": "the building proposal (as `POST /v1/parcels/check` takes it): with it, the extract "
            "records and prints the conformity check of the same analysis",
        },
    },
}


def _check_id(extract_id: str) -> str:
    if not _ID.match(extract_id):
        raise NotFound(f"no extract {extract_id!r} (ids look like 20261127-7k3f9q2m0a)")
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
        403: {"description": "the token is not an officer's"},
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
    answer as canonical JSON (`answer_sha256` in the record)."""
    raw = await read_body(request, get_settings().max_json_bytes)
    body = parse_json(raw, EXTRACT_BODY_HINT)
    if not isinstance(body, dict):
        raise InvalidInput(EXTRACT_BODY_HINT)
    if not isinstance(body.get("parcel"), dict):
        raise InvalidInput("parcel is required: a GeoJSON Polygon, MultiPolygon or Feature")
    activity = body.get("activity")
    if not isinstance(activity, str) or not activity.strip():
        raise InvalidInput("activity is required: the activity code, exact name or KBLI the decision is about")
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
    """The stored record: `id`, `created_at`, `officer`, `reference`, `plans` (legal bases), `sha256` (of
    the PDF bytes), `answer_sha256` (of the answer as canonical JSON, printed in the PDF), `pdf`, `request`,
    `answer` (with `conformity`, the stored check, when the extract was made with a proposal). A browser (or
    `f=html`) gets a readable verification page, the conformity verdict included."""
    record = get_extract(database(request), _check_id(extract_id))
    if f not in (None, "json", "html"):
        raise InvalidInput("f must be json or html")
    if wants_html(request, f):
        return HTMLResponse(_verification_page(record), headers={"Vary": "Accept"})
    return Response(orjson.dumps(record), media_type="application/json", headers={"Vary": "Accept"})


def _conformity_item(conf: dict | None) -> str:
    """The stored conformity check for the verification page: the verdict in words, the checks that failed."""
    if not conf:
        return ""
    e = escape
    ind, eng = verdict_words(conf.get("verdict"))
    checks = conf.get("checks") or []
    failed = [c for c in checks if c.get("result") == "fail"]
    open_ = [c for c in checks if c.get("result") == "not_checked"]
    reasons = "".join(f"<li>{e(str(t))}</li>" for t in conf.get("reasons") or [])
    return (
        f'<dt>Kesesuaian rencana bangunan</dt><dd><strong>{e(ind)}</strong> <span lang="en">({e(eng)})</span>'
        f" — {len(checks)} aturan diperiksa, {len(failed)} tidak memenuhi, {len(open_)} belum diperiksa"
        f"{f'<ul>{reasons}</ul>' if reasons else ''}</dd>\n"
    )


def _verification_page(r: dict) -> str:
    e = escape
    answer = r.get("answer") or {}
    zones = "".join(
        f"<li><strong>{e(str(z.get('subzone_code')))}</strong> {e(str(z.get('subzone_name') or ''))}"
        f" — {round((z.get('share') or 0) * 100, 1)} %</li>"
        for z in answer.get("zones") or []
    )
    act = answer.get("activity") or {}
    conformity = _conformity_item(answer.get("conformity"))
    plans = "".join(
        f"<li>{e(str(p.get('name')))} (versi {e(str(p.get('version')))}) — "
        f"{e(str(p.get('legal_basis')))}, berlaku {e(str(p.get('effective_from')))}</li>"
        for p in r.get("plans") or []
    )
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Verifikasi ekstrak {e(r["id"])}</title><link rel="stylesheet" href="/static/app.css"></head>
<body class="verify"><main id="main">
<h1>Verifikasi ekstrak peta RDTR</h1>
<p class="lead">Ekstrak ini tercatat di sistem. Bandingkan SHA-256 berkas PDF Anda dengan nilai di bawah.
<span lang="en">(This extract is on record. Compare your PDF's SHA-256 with the value below.)</span></p>
<dl>
<dt>ID ekstrak</dt><dd><code>{e(r["id"])}</code></dd>
<dt>Dibuat</dt><dd>{e(r["created_at"])} oleh {e(r["officer"])}</dd>
<dt>Referensi</dt><dd>{e(r.get("reference") or "–")}</dd>
<dt>Kegiatan</dt><dd>{e(str(act.get("code") or r.get("activity") or "–"))} {e(str(act.get("name") or ""))}
 — kelas <strong>{e(str(act.get("class") or "–"))}</strong></dd>
{conformity}<dt>Sub-zona</dt><dd><ul>{zones}</ul></dd>
<dt>Rencana dan dasar hukum</dt><dd><ul>{plans}</ul></dd>
<dt>SHA-256 berkas PDF</dt><dd><code class="hash">{e(r["sha256"])}</code></dd>
<dt>SHA-256 jawaban (tercetak di PDF)</dt><dd><code class="hash">{e(r.get("answer_sha256") or "–")}</code></dd>
</dl>
<p><a href="{e(r["pdf"])}">Unduh PDF tersimpan</a> · <a href="?f=json">Catatan lengkap (JSON)</a> · \
<a href="/">Peta RDTR</a></p>
<p class="note">{e(r["notice"])} Keputusan KKPR diterbitkan melalui OSS.</p>
</main></body></html>"""
