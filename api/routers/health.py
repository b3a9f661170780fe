"""``GET /health``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.runtime import database

router = APIRouter(tags=["health"])


@router.get(
    "/health", summary="Service and database health", responses={503: {"description": "the database cannot be reached"}}
)
async def health(request: Request):
    """`{"status": "ok", "database": "ok"}`; 503 with `"database": "unavailable"` when it cannot be reached."""
    # On the event loop like a point answer: one trivial query (a new connection gives up after 5 s).
    ok = database(request).ping()
    body = {"status": "ok" if ok else "degraded", "database": "ok" if ok else "unavailable"}
    return JSONResponse(body, status_code=200 if ok else 503)
