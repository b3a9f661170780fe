"""The FastAPI application factory: routers imported by name, one lifespan that owns the database."""

from __future__ import annotations

import contextlib
import gc
import logging
import sys
from datetime import date
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import problems
from api.compression import Compression
from api.ratelimit import RateLimitMiddleware
from api.routers import (
    activities,
    audit,
    check,
    downloads,
    extracts,
    health,
    ogc,
    ogc_tiles,
    parcels,
    places,
    plans,
    tiles,
    watches,
    web,
    zoning,
)
from api.routing import add_routes
from api.runtime import WorkerThreads, add_read_after
from rdtr import __version__
from rdtr.config import get_settings
from rdtr.db import Database
from rdtr.db.database import keep_connections
from rdtr.db.roles import check_service_role
from rdtr.watches import DeliveryThread

log = logging.getLogger("rdtr.api")

STATIC_DIR = Path(__file__).parent / "static"
NO_TELEMETRY = {"tracing": False, "metrics": False, "logs": False}
SWITCH_INTERVAL_S = 0.001

#: Routers per resource, in the order they appear in the OpenAPI document (and are tried: the hot ones first).
ROUTERS = (
    zoning,
    parcels,
    check,
    places,
    health,
    plans,
    activities,
    extracts,
    tiles,
    audit,
    watches,
    ogc,
    ogc_tiles,
    downloads,
    web,
)

DESCRIPTION = """
**rdtr** answers *"what is permitted on this parcel"* from a city's RDTR (*Rencana Detail Tata Ruang*,
detailed spatial plan): the sub-zone, the ITBX class of an activity with its conditions, the intensity
rules (KDB, KLB, KDH, height, GSB) and the limits they give, special provisions and TPZ — always naming
the plan version and legal basis the answer comes from.

Coordinates are EPSG:4326 longitude/latitude; areas m²; KDB/KDH/KTB in percent, KLB a ratio; dates ISO.
Errors are `application/problem+json`. Answers are advisory: a KKPR decision is issued through OSS.

**Languages.** Messages, notes and problem+json `title`/`detail` follow `Accept-Language`: `id` (Bahasa
Indonesia) or `en` (the default). Plan data — zone and activity names, condition texts — stays as the plan
wrote it.
"""


def _warm(db: Database) -> None:
    """Read the versions in force today once at start, so no first answer pays for it on the event loop."""
    try:
        db.versions.in_force(date.today())
    except Exception as exc:  # noqa: BLE001 - a database not yet migrated or down: answers will say so
        log.warning("could not preload the plan versions in force: %s", str(exc).splitlines()[0] if str(exc) else exc)


VENDOR = "/static/vendor/node_modules"


#: The docs pages load nothing from outside (ReDoc's "powered by" logo would come from its CDN: not even that).
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'self'"
)


def _offline(response):
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


def add_docs(app: FastAPI) -> None:
    """``/docs`` (Swagger UI) and ``/redoc`` from assets set-up installs next to Leaflet: no CDN, no internet."""
    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui():
        return _offline(
            get_swagger_ui_html(
                openapi_url=app.openapi_url,
                title=f"{app.title} — API",
                swagger_js_url=f"{VENDOR}/swagger-ui-dist/swagger-ui-bundle.js",
                swagger_css_url=f"{VENDOR}/swagger-ui-dist/swagger-ui.css",
                swagger_favicon_url=f"{VENDOR}/swagger-ui-dist/favicon-32x32.png",
            )
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc():
        return _offline(
            get_redoc_html(
                openapi_url=app.openapi_url,
                title=f"{app.title} — API",
                redoc_js_url=f"{VENDOR}/redoc/bundles/redoc.standalone.js",
                redoc_favicon_url=f"{VENDOR}/swagger-ui-dist/favicon-32x32.png",
                with_google_fonts=False,
            )
        )


def create_app(database: Database | None = None) -> FastAPI:
    """The app. It opens its own :class:`Database` at start-up (``RDTR_DATABASE_URL`` or the embedded
    cluster) and closes it at shutdown, unless one is given (tests inject theirs; the caller closes it)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        db = database or await anyio.to_thread.run_sync(lambda: Database.open(replicas=True))
        if database is None:  # the service's own database: never as a superuser or the owner unless allowed
            await anyio.to_thread.run_sync(check_service_role, db, get_settings().allow_superuser)
        app.state.db = db
        # The event loop and the worker threads answer all day: each keeps one connection (rdtr.db.database).
        keep_connections()
        app.state.workers = WorkerThreads(get_settings().worker_threads, db)
        await anyio.to_thread.run_sync(_warm, db)
        # Watch deliveries: only the service's own database (a test calls rdtr.watches.deliver_pending itself);
        # in every worker process, never one delivery twice (FOR UPDATE SKIP LOCKED).
        poll = get_settings().webhook_poll_s
        deliveries = DeliveryThread(db, poll) if database is None and poll > 0 else None
        # Everything built so far (routes, models, the versions in force) lives as long as the process:
        # keep it out of the collector's way, so a collection during an answer scans only that answer.
        gc.freeze()
        # Heavy work holds the GIL in worker threads; the event loop waits up to one switch interval each
        # time it needs it back. 1 ms instead of 5 ms keeps a point answer beside a 1 km² analysis short.
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        try:
            yield
        finally:
            if deliveries is not None:
                await anyio.to_thread.run_sync(deliveries.stop)
            app.state.workers.shutdown()
            db.release_thread()
            keep_connections(False)
            if database is None:
                db.close()

    app = FastAPI(
        title="rdtr — RDTR information system",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        # FastAPI's native OpenTelemetry asks on every request whether a provider is configured (≈ 10 µs of
        # a point answer's ≈ 130): decided once here instead, by RDTR_TELEMETRY.
        telemetry=None if get_settings().telemetry else NO_TELEMETRY,
    )
    problems.install(app)
    for module in ROUTERS:  # tried in this order: the answers first, the documentation pages after
        add_routes(app, module.router)
    add_docs(app)

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = problems.document(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi
    app.add_middleware(RateLimitMiddleware)
    add_read_after(app, database)  # with read replicas: writes answer with X-Rdtr-Read-After
    # Compressed when the client accepts it: citizens on phones with weak connections, 25 MB batch answers.
    app.add_middleware(Compression)
    if STATIC_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
