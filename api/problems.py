"""Errors as application/problem+json (RFC 9457)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from sqlalchemy.exc import OperationalError, ProgrammingError

from rdtr.errors import RdtrError, as_schema_missing

PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str, type_: str = "about:blank", headers: dict | None = None,
            **extra) -> JSONResponse:
    body = {"type": type_, "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body", "path"))
        parts.append(f"{where or 'request'}: {err.get('msg')}")
    return "; ".join(parts) or "invalid request"


def install(app: FastAPI) -> None:
    @app.exception_handler(RdtrError)
    async def rdtr_error(request: Request, exc: RdtrError):
        extra = {k: v for k, v in exc.extra.items() if v is not None}
        report = getattr(exc, "report", None)
        if report is not None:
            extra["report"] = report
        return problem(exc.status, exc.title, exc.detail, **extra)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        return problem(422, "Invalid request", _describe_validation(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return problem(exc.status_code, _title(exc.status_code), str(exc.detail),
                       headers=getattr(exc, "headers", None))

    @app.exception_handler(ProgrammingError)
    async def schema_missing(request: Request, exc: ProgrammingError):
        missing = as_schema_missing(exc)
        if missing is None:
            raise exc
        return problem(missing.status, missing.title, missing.detail)

    @app.exception_handler(OperationalError)
    async def database_down(request: Request, exc: OperationalError):
        return problem(503, "Database unavailable", "the database cannot be reached; try again shortly")


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
