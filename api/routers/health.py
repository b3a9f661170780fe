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
    """`{"status": "ok", "database": "ok"}`; 503 with `"database": "unavailable"` when it cannot be reached.

    With read replicas (`RDTR_DATABASE_REPLICA_URLS`) also `"replicas": [{"name": "host:port/db", "status":
    "ok|lagging|down", "lag_s"}]`, as of the last check (every `RDTR_REPLICA_CHECK_S` seconds); a replica
    down or lagging beyond `RDTR_REPLICA_MAX_LAG_S` is skipped by reads, and the answer stays 200 while the
    primary answers."""
    # On the event loop like a point answer: one trivial query (a new connection gives up after 5 s); the
    # replicas' states are the monitor thread's, never probed here.
    db = database(request)
    ok = db.ping()
    body = {"status": "ok" if ok else "degraded", "database": "ok" if ok else "unavailable"}
    if db.replicas:
        body["replicas"] = [replica.health() for replica in db.replicas]
    return JSONResponse(body, status_code=200 if ok else 503)
