"""``/v1/extracts``: map extracts for KKPR decisions — made by officers, verifiable by anyone."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime
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
from rdtr.extract_records import create_extract, get_extract, get_extract_pdf, nip_of
from rdtr.numbers import format_number
from rdtr.proposal import parse_proposal, proposal_schema
from rdtr.render.extract.conformity import verdict_words
from rdtr.render.extract.words import COMBINING_RULE_ID, class_verdict, date_id, nip_text

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
    nip = nip_of(body.get("nip"))
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
    officer, date and hashes — and, for an unknown or malformed id, a 404 page in Indonesian and English;
    API clients get problem+json."""
    if f not in (None, "json", "html"):
        raise InvalidInput("f must be json or html")
    html = wants_html(request, f)
    try:
        record = get_extract(database(request), _check_id(extract_id))
    except NotFound:
        if not html:
            raise
        return HTMLResponse(not_found_page(extract_id), status_code=404, headers={"Vary": "Accept"})
    if html:
        return HTMLResponse(verification_page(record), headers={"Vary": "Accept"})
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


_PAGE_STYLE = """<style>
.verdict { border: 2px solid var(--v); border-radius: 6px; padding: 8px 12px; margin: 12px 0;
           background: color-mix(in srgb, var(--v) 8%, white); }
.verdict strong { color: var(--v); font-size: 1.35rem; }
.verdict .en, [lang="en"].sub { color: #555; font-style: italic; }
.en-block { border-top: 1px solid #ccc; margin-top: 24px; padding-top: 8px; color: #333; }
</style>"""


def _num(value, digits: int = 1, unit: str = "") -> str:
    """A number on the verification pages: the documents' rule (rdtr.numbers, Indonesian)."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return "–"
    return f"{format_number(value, digits, 'id', fixed=True)}{unit}"


def _page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><link rel="stylesheet" href="/static/app.css">{_PAGE_STYLE}</head>
<body class="verify"><main id="main">
{body}
</main></body></html>"""


def not_found_page(extract_id: str) -> str:
    """The 404 page a browser gets for an unknown or malformed extract id: Indonesian first, English below."""
    e = escape
    shown = e(extract_id[:40])
    malformed = not _ID.match(extract_id)
    why_id = (
        "Nomor ini tidak berbentuk nomor ekstrak (contoh: <code>20261127-7k3f9q2m0a</code>)."
        if malformed
        else "Tidak ada ekstrak dengan nomor ini di catatan sistem."
    )
    why_en = (
        "This is not the form of an extract id (for example <code>20261127-7k3f9q2m0a</code>)."
        if malformed
        else "No extract with this id is on record."
    )
    body = f"""<h1>Ekstrak tidak ditemukan</h1>
<p class="lead">Ekstrak <code>{shown}</code> tidak ditemukan. {why_id}</p>
<p>Periksa kembali nomor atau kode QR pada dokumen. Dokumen yang nomornya tidak tercatat di sini
<strong>tidak dapat diverifikasi</strong>; hubungi instansi penerbit.</p>
<section class="en-block" lang="en"><h2>Extract not found</h2>
<p>Extract <code>{shown}</code> was not found. {why_en}</p>
<p>Check the number or the QR code on the document. A document whose number is not on record here
<strong>cannot be verified</strong>; contact the issuing office.</p></section>
<p><a href="/">Peta RDTR / RDTR map</a></p>"""
    return _page("Ekstrak tidak ditemukan / Extract not found", body)


def _verdict_block(answer: dict) -> str:
    act = answer.get("activity") or {}
    ind, eng, colour = class_verdict(act.get("class"))
    e = escape
    what = f"{e(str(act.get('code') or ''))} {e(str(act.get('name') or ''))}".strip() or "–"
    return (
        f'<div class="verdict" style="--v:{colour}"><div>Kegiatan / activity: {what}'
        f" (kelas ITBX {e(str(act.get('class') or '–'))})</div>"
        f'<strong data-testid="verdict">{e(ind)}</strong> <span class="en" lang="en">/ {e(eng)}</span></div>'
    )


def _limits_item(limits: dict) -> str:
    rows = [
        ("Luas lantai dasar maks. / max footprint", _num(limits.get("max_footprint_m2"), 1, " m²")),
        ("Luas lantai total maks. / max floor area", _num(limits.get("max_floor_area_m2"), 1, " m²")),
        ("Ruang hijau min. / min green area", _num(limits.get("min_green_area_m2"), 1, " m²")),
        ("Tinggi maks. / max height", _num(limits.get("max_height_m"), 1, " m")),
        ("Lantai maks. / max floors", _num(limits.get("max_floors"), 0)),
    ]
    return "".join(f"<li>{escape(k)}: {escape(v)}</li>" for k, v in rows)


def verification_page(r: dict) -> str:
    """The verification page of a stored extract: verdict, plan version and legal basis, officer, date, hashes."""
    e = escape
    answer = r.get("answer") or {}
    parcel = answer.get("parcel") or {}
    zones = "".join(
        f"<li><strong>{e(str(z.get('subzone_code')))}</strong> {e(str(z.get('subzone_name') or ''))}"
        f" — {e(_num(z.get('area_m2'), 1, ' m²'))} ({e(_num((z.get('share') or 0) * 100, 1, ' %'))})</li>"
        for z in answer.get("zones") or []
    )
    plans = "".join(
        f"<li>{e(str(p.get('name')))} — <strong>versi {e(str(p.get('version')))}</strong>; dasar hukum: "
        f"{e(str(p.get('legal_basis')))}; berlaku sejak {e(str(p.get('effective_from')))}</li>"
        for p in r.get("plans") or []
    )
    created = datetime.fromisoformat(r["created_at"].replace("Z", "+00:00"))
    nip = r.get("officer_nip")
    officer = e(r["officer"]) + (f" — NIP. {e(nip_text(nip))}" if nip else "")
    office = (r.get("request") or {}).get("office") or {}
    office_item = (
        f"<dt>Instansi penerbit <span lang='en' class='sub'>/ issuing office</span></dt>"
        f"<dd>{e(str(office.get('name')))}<br>{e(str(office.get('address') or ''))}</dd>\\n"
        if office.get("name")
        else ""
    )
    body = f"""<h1>Verifikasi ekstrak peta RDTR</h1>
<p class="lead">Ekstrak ini <strong>tercatat</strong> di sistem. Bandingkan SHA-256 berkas PDF Anda dengan nilai
di bawah. <span lang="en">(This extract is on record. Compare your PDF's SHA-256 with the value below.)</span></p>
{_verdict_block(answer)}
<dl>
{_conformity_item(answer.get("conformity"))}<dt>ID ekstrak</dt><dd><code>{e(r["id"])}</code></dd>
<dt>Tanggal terbit <span lang="en" class="sub">/ issued</span></dt>
<dd><time datetime="{e(r["created_at"])}">{e(date_id(created))}, {created:%H:%M} UTC</time></dd>
{office_item}<dt>Petugas <span lang="en" class="sub">/ officer</span></dt><dd>{officer}</dd>
<dt>Referensi</dt><dd>{e(r.get("reference") or "–")}</dd>
<dt>Rencana, versi dan dasar hukum <span lang="en" class="sub">/ plan, version, legal basis</span></dt>
<dd><ul>{plans}</ul></dd>
<dt>Luas persil <span lang="en" class="sub">/ parcel area</span></dt>
<dd>{e(_num(parcel.get("area_m2"), 1, " m²"))}</dd>
<dt>Sub-zona</dt><dd><ul>{zones}</ul></dd>
<dt>Batas untuk persil <span lang="en" class="sub">/ limits</span></dt>
<dd><ul>{_limits_item(answer.get("limits") or {})}</ul>
<small>{e(COMBINING_RULE_ID)}</small></dd>
<dt>SHA-256 berkas PDF</dt><dd><code class="hash">{e(r["sha256"])}</code></dd>
<dt>SHA-256 jawaban (tercetak di PDF)</dt><dd><code class="hash">{e(r.get("answer_sha256") or "–")}</code></dd>
</dl>
<p><a href="{e(r["pdf"])}">Unduh PDF tersimpan</a> · <a href="?f=json">Catatan lengkap (JSON)</a> · \\
<a href="/">Peta RDTR</a></p>
<p class="note">{e(r["notice"])} Keputusan KKPR diterbitkan melalui OSS.</p>"""
    return _page(f"Verifikasi ekstrak {r['id']}", body)
