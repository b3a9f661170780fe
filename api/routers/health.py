"""``GET /health``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from rdtr.health import check_database

router = APIRouter(tags=["health"])


@router.get("/health", summary="Service and database health")
def health():
    """`{"status": "ok", "database": "ok"}`; 503 with `"database": "unavailable"` when it cannot be reached."""
    ok = check_database()
    body = {"status": "ok" if ok else "degraded", "database": "ok" if ok else "unavailable"}
    return JSONResponse(body, status_code=200 if ok else 503)
