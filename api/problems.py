"""Errors as application/problem+json (RFC 9457): one table from exception kind to problem, one handler.

:class:`rdtr.errors.RdtrError` carries its own status and title (the typed errors of the library, including
413 :class:`PayloadTooLarge`, 415 :class:`UnsupportedMediaType` and 400 :class:`MalformedJSON`); the other
entries translate what the web framework and the database driver raise. Anything not in the table is a bug
and stays a 500 (never with internals in the body).
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy.exc import OperationalError, ProgrammingError
from starlette.exceptions import HTTPException as StarletteHTTPException

from rdtr import messages
from rdtr.errors import SCHEMA_MISSING, RdtrError, as_schema_missing

PROBLEM = "application/problem+json"


def problem(
    status: int,
    title: str,
    detail: str,
    type_: str = "about:blank",
    headers: dict | None = None,
    lang: str = "en",
    **extra,
) -> Response:
    """A problem+json response; in Indonesian (``lang="id"``) the title is the status's Indonesian title and
    a detail that is a :class:`rdtr.messages.Message` is said in Indonesian."""
    if lang == "id":
        title = messages.title(status, "id")
    body = {"type": type_, "title": title, "status": status, "detail": detail, **extra}
    return Response(messages.dumps(body, lang), status_code=status, media_type=PROBLEM, headers=headers)


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _from_rdtr(exc: RdtrError, lang: str) -> Response:
    extra = {k: v for k, v in exc.extra.items() if v is not None}
    report = getattr(exc, "report", None)
    if report is not None:
        extra["report"] = report
    return problem(exc.status, exc.title, exc.detail, headers=getattr(exc, "headers", None), lang=lang, **extra)


#: FastAPI's own checks (path parameters' bounds, lengths): the bound said in the reader's language.
_BOUNDS = {"le": "at_most", "lt": "below", "ge": "at_least", "gt": "above", "max_length": "at_most_chars"}


def _validation_part(err: dict) -> messages.Message:
    where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body", "path")) or "request"
    ctx = err.get("ctx") or {}
    bound = next((k for k in _BOUNDS if k in ctx), None)
    if bound is not None:
        return messages.Message("validation_" + _BOUNDS[bound], where=where, limit=str(ctx[bound]))
    return messages.Message("validation_part", where=where, msg=str(err.get("msg")))


def _from_validation(exc: RequestValidationError, lang: str) -> Response:
    parts = [_validation_part(err) for err in exc.errors()]
    detail = messages.join("; ", parts) if parts else messages.Message("validation_none")
    return problem(422, "Invalid request", detail, lang=lang)


def _from_http(exc: StarletteHTTPException, lang: str) -> Response:
    status = exc.status_code
    return problem(status, _title(status), str(exc.detail), headers=getattr(exc, "headers", None), lang=lang)


def _from_programming(exc: ProgrammingError, lang: str) -> Response:
    if as_schema_missing(exc) is None:
        raise exc
    return problem(503, "Database not migrated", SCHEMA_MISSING, lang=lang)


def _from_operational(_exc: OperationalError, lang: str) -> Response:
    return problem(503, "Database unavailable", messages.Message("db_unreachable"), lang=lang)


#: exception kind → the problem it becomes (most specific first is not needed: Starlette walks the MRO)
PROBLEMS: dict[type[Exception], Callable[[Exception, str], Response]] = {
    RdtrError: _from_rdtr,
    RequestValidationError: _from_validation,
    StarletteHTTPException: _from_http,
    ProgrammingError: _from_programming,
    OperationalError: _from_operational,
}


def as_problem(exc: Exception, lang: str = "en") -> Response | None:
    """The problem response for ``exc`` in ``lang`` by the table (walking its class hierarchy), or ``None``."""
    for kind in type(exc).__mro__:
        convert = PROBLEMS.get(kind)
        if convert is not None:
            return convert(exc, lang)
    return None


def language(headers) -> str:
    """``id`` or ``en`` from an ``Accept-Language`` header value's preference (default ``en``)."""
    header = headers.get("accept-language") if headers is not None else None
    if not header:
        return "en"
    ranked = []
    for i, part in enumerate(header.split(",")[:20]):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        if weight > 0:
            ranked.append((-weight, i, tag.strip().lower()[:2]))
    for _, _, tag in sorted(ranked):
        if tag in messages.LANGUAGES:
            return tag
    return "en"


#: What any operation may answer besides its own statuses: malformed or invalid input, too many requests,
#: the database down — always as problem+json (this table's errors).
EVERY_OPERATION = (400, 422, 429, 503)
#: The body of every problem+json answer as OpenAPI documents it (api.params.problem_responses uses it too).
PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
}


def document(schema: dict) -> dict:
    """The OpenAPI document with the truth about errors: every operation lists the problem+json answers any
    route can give (and 404 where the path names something), and FastAPI's own 422 is problem+json too."""
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            statuses = EVERY_OPERATION + ((404,) if "{" in path else ()) + ((413, 415) if method == "post" else ())
            for status in statuses:
                entry = responses.setdefault(str(status), {"description": _title(status)})
                entry["content"] = {PROBLEM: {"schema": PROBLEM_SCHEMA}}
    return schema


def install(app: FastAPI) -> None:
    """Register the table's handlers on ``app``."""

    async def handler(request: Request, exc: Exception):
        return as_problem(exc, language(request.headers))

    for kind in PROBLEMS:
        app.add_exception_handler(kind, handler)
