"""The FastAPI application factory."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from api import problems
from rdtr import __version__

log = logging.getLogger("rdtr.api")

STATIC_DIR = Path(__file__).parent / "static"

# Routers per resource, in the order they appear in the OpenAPI document.
ROUTERS = ["health", "plans", "zoning", "parcels", "activities", "extracts", "tiles", "web"]

DESCRIPTION = """
**rdtr** answers *"what is permitted on this parcel"* from a city's RDTR (*Rencana Detail Tata Ruang*,
detailed spatial plan): the sub-zone, the ITBX class of an activity with its conditions, the intensity
rules (KDB, KLB, KDH, height, GSB) and the limits they give, special provisions and TPZ — always naming
the plan version and legal basis the answer comes from.

Coordinates are EPSG:4326 longitude/latitude; areas m²; KDB/KDH/KTB in percent, KLB a ratio; dates ISO.
Errors are `application/problem+json`. Answers are advisory: a KKPR decision is issued through OSS.
"""


def create_app(fast_paths: bool = True) -> FastAPI:
    """The app. ``fast_paths=False`` leaves out the routers' pure-ASGI fast paths (tests compare both)."""
    app = FastAPI(
        title="rdtr — RDTR information system",
        version=__version__,
        description=DESCRIPTION,
    )
    problems.install(app)
    for name in ROUTERS:
        module = importlib.import_module(f"api.routers.{name}")
        app.include_router(module.router)
        if fast_paths and hasattr(module, "install"):
            # A router may put a measured fast path for its hottest request in front of FastAPI.
            module.install(app)
    # Compressed when the client accepts it: citizens on phones with weak connections, 25 MB batch answers.
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    if STATIC_DIR.is_dir():
        from fastapi.staticfiles import StaticFiles

        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
