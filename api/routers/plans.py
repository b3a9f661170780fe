"""``/v1/plans``: the plans and their versions; upload of a plan package (admin)."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from api.auth import AuthRoute, require_role
from api.html import PREVIEW_CSP
from api.params import (
    AT,
    Param,
    QuerySpec,
    bound_body,
    choice,
    json_response,
    language,
    plan_path,
    problem_responses,
)
from api.routing import LeanRoute
from api.runtime import database, in_worker, reader
from rdtr import audit
from rdtr.answers.changes import parse_version, plan_changes
from rdtr.auth import TokenInfo, package_plan, require_plan
from rdtr.config import get_settings
from rdtr.downloads import download_links
from rdtr.errors import Forbidden, InvalidInput, PayloadTooLarge, RdtrError, UnknownPlan, UnsupportedMediaType
from rdtr.ingest import ingest_package
from rdtr.ingest.catalog import get_plan, list_plans, validation_report
from rdtr.messages import Message
from rdtr.models import ChangesAnswer
from rdtr.safe_open import UPLOAD_PREFIX, check_zip_members, unpack_limit
from rdtr.text import is_plan_id

router = APIRouter(tags=["plans"], route_class=AuthRoute)


PLANS_QUERY = QuerySpec(AT)


@router.get(
    "/v1/plans",
    summary="Plans, each with its version in force today",
    responses=problem_responses(422),
    openapi_extra=PLANS_QUERY.openapi(),
)
def plans(request: Request):
    """`{"plans": [{id, name, legal_basis, effective_from, version, zones, bbox, versions}]}` — per plan the
    version in force (the latest when none is in force yet); `bbox` is `[minlon, minlat, maxlon, maxlat]`,
    `versions` the number of versions loaded."""
    return list_plans(reader(request), PLANS_QUERY.parse(request)["at"])


@router.get(
    "/v1/plans/{plan_id}",
    summary="A plan with all its versions",
    responses=problem_responses(404, 422),
    openapi_extra=PLANS_QUERY.openapi(),
)
def plan(request: Request, plan_id: str):
    """The plan and every version (legal basis, effective date, zones, bbox, which one is in force), each version
    with its bulk downloads as `rel: "enclosure"` links (GeoPackage, GeoJSON, FlatGeobuf, CSV, QGIS project)."""
    doc = get_plan(reader(request), plan_id, PLANS_QUERY.parse(request)["at"])
    for v in doc["versions"]:
        v["links"] = download_links(plan_id, v["version"])
    return doc


@router.get(
    "/v1/plans/{plan_id}/versions/{version}/report",
    summary="Validation report of a version",
    responses=problem_responses(404),
)
def report(request: Request, plan_id: str, version: int):
    """The validation report of a loaded version, as `rdtr ingest --report` wrote it, its messages in the
    `Accept-Language` (id or en; the load stores both). `language` (and the `Content-Language` header) says
    which language the messages are in. A version loaded before reports were stored in Indonesian has its report
    in English only: asked in Indonesian it answers that English report with `language: "en"` and a
    `language_note` in Indonesian saying so — the findings (codes, counts, files, rows) are the same in both."""
    lang = language(request)
    doc = validation_report(reader(request), plan_id, version, lang)
    headers = {"Content-Language": doc["language"], "Vary": "Accept-Language"}
    return json_response(doc, headers=headers, lang=lang)


@router.post(
    "/v1/plans",
    status_code=201,
    summary="Upload a zipped plan package (admin)",
    responses={
        201: {"description": "loaded as the plan's next version"},
        401: {"description": "no or invalid token"},
        403: {"description": "not an admin token, or a token not scoped to the package's plan (the detail names it)"},
        409: {"description": "the identical package is already loaded"},
        413: {"description": "too large"},
        415: {"description": "not a zip file"},
        422: {"description": "invalid package, with the validation report"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["package"],
                        "additionalProperties": False,
                        "properties": {
                            "package": {
                                "type": "string",
                                "format": "binary",
                                "description": "the plan package as a .zip",
                            }
                        },
                    }
                }
            },
        }
    },
)
async def upload(
    request: Request,
    dry_run: bool = Query(False, description="validate only, write nothing"),
    who: TokenInfo = Depends(require_role("admin")),
):
    """Multipart form field `package`: a zipped plan package. Same validation and report as `rdtr ingest`:
    201 with the new version and the report; 409 for a package already loaded; 422 with the report for an
    invalid one; 413 above the size limit; 415 for anything but a zip. A token scoped to plans (`rdtr token
    create --plan ID`) may upload only packages whose `[plan].id` is one of them: another plan's package is
    a 403 naming that plan, refused before anything is loaded (audited as `plan.upload_rejected`)."""
    db = database(request)
    tmpdir = tempfile.mkdtemp(prefix=UPLOAD_PREFIX)
    try:
        try:
            target, name = await _receive_package(request, Path(tmpdir))
        except RdtrError as exc:  # refused before validation: audited here (validation audits its own)
            if not dry_run:
                await in_worker(
                    request,
                    audit.record_now,
                    db,
                    who.name,
                    "plan.upload_rejected",
                    None,
                    {"status": exc.status, "reason": exc.detail},
                )
            raise
        if who.plans is not None:  # a plan-scoped token: the package's own plan id decides, before any write
            await _check_scope(request, db, who, target, dry_run)
        result = await in_worker(
            request, ingest_package, db, target, dry_run=dry_run, label=f"upload:{name} by {who.name}", actor=who.name
        )
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    body = {
        "plan_id": result.plan_id,
        "version": result.version,
        "plan_version_id": result.plan_version_id,
        "dry_run": result.dry_run,
        "uploaded_by": who.name,
        "report": result.report,
    }
    lang = language(request)  # the report's messages follow Accept-Language
    if dry_run:
        return json_response(body, status_code=200, lang=lang)
    return json_response(body, status_code=201, headers={"Location": f"/v1/plans/{result.plan_id}"}, lang=lang)


VERSION_SCHEMA = {"type": "string", "pattern": r"^([0-9]{1,9}|[0-9]{4}-[0-9]{2}-[0-9]{2})$", "maxLength": 10}
CHANGES_QUERY = QuerySpec(
    Param(
        "from",
        parse_version,
        VERSION_SCHEMA,
        "the earlier version: its number, or a date (the version in force on it, YYYY-MM-DD)",
        required=True,
        examples=("1",),
    ),  # fmt: skip
    Param(
        "to", parse_version, VERSION_SCHEMA, "the later version: its number or a date", required=True, examples=("2",)
    ),  # fmt: skip
    Param(
        "f",
        choice("json", "geojson", "html"),
        {"type": "string", "enum": ["json", "geojson", "html"]},
        "json (default); geojson: the changed zones alone; html: a map of them",
    ),
)
PLAN_PATH = plan_path()
CHANGES_DOC = """What changed between two versions of the plan (`from`, `to`: version numbers, or dates for the
versions in force on them).

- Zones are matched by the package's stable id (`[zones] id_field`) when both versions name it, else by
  geometry: two polygons whose intersection covers ≥ 90 % of both are the same one (a split or merge is
  `removed` + `added`).
- `summary`: zones `added`, `removed`, `reshaped` (symmetric difference above max(1 m², 0.1 % of the zone),
  geodesic, with `area_gained_m2` and `area_lost_m2`), `recoded` (sub-zone, zone or another plan attribute
  changed; areas and lengths such as `LUASHA` or `SHAPE_Area` never count) and `unchanged`. A polygon both
  reshaped and recoded is `reshaped`, counted once.
- `by_subzone`, `by_kelurahan`: total area in each version (m²).
- `rules`: ITBX cells (activity × sub-zone), intensity rows (sub-zone, lot class, block, variant), condition
  texts and their rule columns (each `{added, removed, changed}`), overlays (counts per kind).
- `zones`: a GeoJSON FeatureCollection of the changed polygons (the new geometry; the old one for removed),
  properties `change`, `before` and `after` (`{subzone_code, area_m2}` or null) and the id field.

`f=geojson` answers the FeatureCollection alone (`application/geo+json`); `f=html` a map of it. An unknown plan
or version is a 404; a `from`/`to` that is neither a number nor a date a 422."""


def _changes(db, plan_id: str, q: dict, lang: str):
    doc = plan_changes(db, plan_id, q["from"], q["to"])
    if q["f"] == "html":
        from rdtr.render.changes_map import changes_html

        return changes_html(doc)
    if q["f"] == "geojson":
        return json_response(doc["zones"], media_type="application/geo+json", lang=lang)
    return json_response(doc, lang=lang)


async def plan_changes_route(request: Request):
    """See CHANGES_DOC (the route's OpenAPI description)."""
    plan_id = request.path_params["plan_id"]
    q = CHANGES_QUERY.parse(request)
    if not is_plan_id(plan_id):
        raise UnknownPlan(plan_id[:80])
    answer = await in_worker(request, _changes, reader(request), plan_id, q, language(request))
    if isinstance(answer, str):
        return HTMLResponse(answer, headers={"Content-Security-Policy": PREVIEW_CSP, "Cache-Control": "no-store"})
    return answer


router.add_api_route(
    "/v1/plans/{plan_id}/changes",
    plan_changes_route,
    methods=["GET"],
    route_class_override=LeanRoute,
    response_model=ChangesAnswer,
    summary="What changed between two versions of a plan",
    description=CHANGES_DOC,
    responses={
        **problem_responses(404, 422, 503),
        200: {
            "description": "the diff; with `f=geojson` the changed zones as a FeatureCollection, with `f=html` a map",
            "content": {
                "application/geo+json": {"schema": {"type": "object"}},
                "text/html": {"schema": {"type": "string"}},
            },
        },
    },
    openapi_extra={"parameters": [PLAN_PATH, *CHANGES_QUERY.openapi()["parameters"]]},
)


async def _check_scope(request: Request, db, who: TokenInfo, package: Path, dry_run: bool) -> None:
    """Refuse (403, audited) a package of a plan the token is not scoped to: nothing else is written — no
    version, no ingest run. An unreadable plan.toml is left to the ingest, whose report says why."""
    plan_id = await in_worker(request, package_plan, package)
    if plan_id is None or who.covers(plan_id):
        return
    try:
        require_plan(who, plan_id)
    except Forbidden as exc:
        if not dry_run:
            detail = {"status": exc.status, "reason": exc.detail, "plan": plan_id, "token_plans": list(who.plans)}
            await in_worker(request, audit.record_now, db, who.name, "plan.upload_rejected", plan_id, detail)
        raise


async def _receive_package(request: Request, folder: Path) -> tuple[Path, str]:
    """The uploaded zip written to ``folder`` (bounded while it streams) and its name; raises a typed error
    (413, 415, 422) for anything that is not a readable, safe zip within the limits."""
    limit = get_settings().max_upload_bytes
    bound_body(request, limit + 64 * 1024, "RDTR_MAX_UPLOAD_BYTES", "the upload")  # + the multipart framing
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise UnsupportedMediaType(Message("upload_multipart"))
    form = await request.form(max_files=1, max_fields=10)
    try:
        upload_file = form.get("package")
        if not isinstance(upload_file, UploadFile):
            raise InvalidInput(Message("upload_field"))
        name = Path(upload_file.filename or "package.zip").name or "package.zip"
        target = folder / (name if name.lower().endswith(".zip") else name + ".zip")
        size = 0
        with open(target, "wb") as out:
            while chunk := await upload_file.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge(Message("upload_too_large", limit=limit))
                out.write(chunk)
    finally:
        await form.close()
    if size == 0:
        raise InvalidInput(Message("upload_empty"))
    if not zipfile.is_zipfile(target):
        raise UnsupportedMediaType(Message("upload_not_zip", name=name))
    try:
        with zipfile.ZipFile(target) as zf:
            check_zip_members(zf, unpack_limit())
    except zipfile.BadZipFile as exc:
        raise UnsupportedMediaType(Message("zip_unreadable", name=name, why=str(exc))) from None
    return target, name


__all__ = ["router"]
