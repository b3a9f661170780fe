"""``/v1/plans``: the plans and their versions; upload of a plan package (admin)."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

from api.auth import AuthRoute, require_role
from api.params import AT, QuerySpec, bound_body, problem_responses
from api.problems import problem
from api.runtime import database, in_worker
from rdtr.auth import TokenInfo
from rdtr.config import get_settings
from rdtr.errors import InvalidInput
from rdtr.ingest import ingest_package
from rdtr.ingest.catalog import get_plan, list_plans, validation_report
from rdtr.safe_open import UPLOAD_PREFIX, check_zip_members

router = APIRouter(tags=["plans"], route_class=AuthRoute)

#: Largest unpacked size of an uploaded zip, as a multiple of the upload limit (zip bombs).
UNPACKED_FACTOR = 10


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
    return list_plans(database(request), PLANS_QUERY.parse(request)["at"])


@router.get(
    "/v1/plans/{plan_id}",
    summary="A plan with all its versions",
    responses=problem_responses(404, 422),
    openapi_extra=PLANS_QUERY.openapi(),
)
def plan(request: Request, plan_id: str):
    """The plan and every version (legal basis, effective date, zones, bbox, which one is in force)."""
    return get_plan(database(request), plan_id, PLANS_QUERY.parse(request)["at"])


@router.get("/v1/plans/{plan_id}/versions/{version}/report", summary="Validation report of a version")
def report(request: Request, plan_id: str, version: int):
    """The validation report of a loaded version, as `rdtr ingest --report` wrote it."""
    return validation_report(database(request), plan_id, version)


@router.post(
    "/v1/plans",
    status_code=201,
    summary="Upload a zipped plan package (admin)",
    responses={
        201: {"description": "loaded as the plan's next version"},
        401: {"description": "no or invalid token"},
        403: {"description": "not an admin token"},
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
    invalid one; 413 above the size limit; 415 for anything but a zip."""
    limit = get_settings().max_upload_bytes
    bound_body(request, limit + 64 * 1024, "RDTR_MAX_UPLOAD_BYTES", "the upload")  # + the multipart framing
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        return problem(
            415,
            "Unsupported media type",
            "send the package as multipart/form-data with the zip in the form field 'package'",
        )
    form = await request.form(max_files=1, max_fields=10)
    try:
        upload_file = form.get("package")
        if not isinstance(upload_file, UploadFile):
            raise InvalidInput("the form field 'package' must hold the zipped plan package (a file)")
        tmpdir = tempfile.mkdtemp(prefix=UPLOAD_PREFIX)
        try:
            name = Path(upload_file.filename or "package.zip").name or "package.zip"
            target = Path(tmpdir) / (name if name.lower().endswith(".zip") else name + ".zip")
            size = 0
            with open(target, "wb") as out:
                while chunk := await upload_file.read(1 << 20):
                    size += len(chunk)
                    if size > limit:
                        return problem(
                            413, "Payload too large", f"the package is larger than the limit of {limit:,} bytes"
                        )
                    out.write(chunk)
            if size == 0:
                raise InvalidInput("the uploaded package is empty")
            if not zipfile.is_zipfile(target):
                return problem(415, "Unsupported media type", f"{name} is not a zip file: upload the package zipped")
            try:
                with zipfile.ZipFile(target) as zf:
                    check_zip_members(zf, limit * UNPACKED_FACTOR)
            except zipfile.BadZipFile as exc:
                return problem(415, "Unsupported media type", f"{name} is not a readable zip file ({exc})")
            result = await in_worker(
                request,
                ingest_package,
                database(request),
                target,
                dry_run=dry_run,
                label=f"upload:{name} by {who.name}",
                actor=who.name,
            )
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
    finally:
        await form.close()
    body = {
        "plan_id": result.plan_id,
        "version": result.version,
        "plan_version_id": result.plan_version_id,
        "dry_run": result.dry_run,
        "uploaded_by": who.name,
        "report": result.report,
    }
    if dry_run:
        return JSONResponse(body, status_code=200)
    return JSONResponse(body, status_code=201, headers={"Location": f"/v1/plans/{result.plan_id}"})


__all__ = ["router"]
