"""Map previews for ``?f=html`` / ``Accept: text/html`` on ``/v1/zoning`` and ``/v1/parcels/analyze``.

Contract: ``await maybe_preview(request, f, kind, answer, geometry)`` returns an HTMLResponse when the
caller asked for HTML, else ``None`` (the route then returns JSON). The page is built in a worker thread.
``kind`` is ``"zoning"`` (a point answer) or ``"parcel"`` (an analysis, ``geometry`` the parcel GeoJSON as sent).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.params import Param, QuerySpec, choice
from api.problems import language
from api.runtime import in_worker, reader
from rdtr.config import get_settings
from rdtr.db import Database
from rdtr.render import data as mapdata
from rdtr.render import preview, style

STATIC_DIR = Path(__file__).parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor" / "node_modules"

#: Zones drawn around the point or parcel (metres), simplified to about a metre.
PREVIEW_RADIUS_M = 300.0
PREVIEW_SIMPLIFY_M = 1.0
PREVIEW_MAX_ZONES = 3000

#: The previews run their own inline scripts (Folium) but load code only from this server.
PREVIEW_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https://tile.openstreetmap.org; connect-src 'self'; "
    "frame-ancestors 'self'"
)


def request_base(request: Request) -> str:
    """Base of the links in transient documents (TileJSON): ``RDTR_PUBLIC_URL`` when set, else this request's
    own. Stored records never use it: an extract's verification URL comes from configuration only
    (rdtr.extract_records.public_base)."""
    settings = get_settings()
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return str(request.base_url).rstrip("/")


#: The language of a page opened from the web page (a new tab sends the browser's Accept-Language, not the
#: page's switch): ``lang=id|en`` wins over ``Accept-Language``.
PAGE_LANG = Param(
    "lang",
    choice("id", "en"),
    {"type": "string", "enum": ["id", "en"]},
    "the language of an HTML page (preview, verification page): words and numbers (1.234,5 / 1,234.5); "
    "default: Accept-Language, else Indonesian",
)
_PAGE_QUERY = QuerySpec(PAGE_LANG)


def page_language(request: Request) -> str:
    """``id`` or ``en`` for an HTML page: ``lang`` when given, else ``Accept-Language`` when sent, else
    Indonesian (a citizen's page; API answers default to English instead)."""
    chosen = _PAGE_QUERY.parse(request)["lang"]
    if chosen:
        return chosen
    return language(request.headers) if request.headers.get("accept-language") else "id"


def _accept_q(accept: str) -> dict[str, tuple[float, int]]:
    """media type → (q, position) from an Accept header."""
    out: dict[str, tuple[float, int]] = {}
    for pos, part in enumerate(accept.split(",")):
        bits = [b.strip() for b in part.split(";")]
        media = bits[0].lower()
        if not media:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        out.setdefault(media, (q, pos))
    return out


def wants_html(request: Request, f: str | None) -> bool:
    """``f=html`` asks for HTML, ``f=json`` for JSON; otherwise HTML only when the Accept header names
    ``text/html`` and prefers it to JSON (browsers do; ``*/*`` and API clients get JSON)."""
    if f:
        return f.lower() == "html"
    accept = request.headers.get("accept", "")
    if "html" not in accept:  # API clients, */*: JSON without parsing the header
        return False
    prefs = _accept_q(accept)
    html_q = max(
        (prefs[m] for m in ("text/html", "application/xhtml+xml") if m in prefs),
        default=(0.0, 99),
        key=lambda v: (v[0], -v[1]),
    )
    if html_q[0] <= 0:
        return False
    json_q = max(
        (prefs[m] for m in ("application/json", "application/geo+json") if m in prefs),
        default=(0.0, 99),
        key=lambda v: (v[0], -v[1]),
    )
    return html_q[0] > json_q[0] or (html_q[0] == json_q[0] and html_q[1] < json_q[1])


def missing_assets() -> list[str]:
    """Vendored files the maps need that are not installed (``scripts/setup.sh`` installs them)."""
    needed = [preview.LEAFLET_JS, preview.LEAFLET_CSS]
    return [n for n in needed if not (VENDOR_DIR / n).is_file()]


def _geometry_bounds(kind: str, answer: dict, geometry: dict | None):
    return preview._bounds_of(geometry, answer, kind)


def build_preview(db: Database, kind: str, answer, geometry: dict | None = None, lang: str = "id") -> str:
    """The preview page for an answer in ``lang`` (reads the zones around it from PostGIS)."""
    answer = mapdata.to_dict(answer)
    bounds = _geometry_bounds(kind, answer, geometry)
    zones: list[dict] = []
    entries = None
    if bounds:
        bbox = mapdata.bbox_around(bounds, PREVIEW_RADIUS_M)
        with db.engine.connect() as conn:
            pv_ids = mapdata.versions_for_answer(conn, answer)
            zones = mapdata.zones_in_bbox(conn, pv_ids, bbox, simplify_m=PREVIEW_SIMPLIFY_M, limit=PREVIEW_MAX_ZONES)
        present = {f["properties"].get("subzone_code") for f in zones}
        entries = [e for e in style.legend([f["properties"] for f in zones]) if e.subzone_code in present]
    return preview.preview_html(kind, answer, geometry, zones, entries, assets_missing=missing_assets(), lang=lang)


async def maybe_preview(request: Request, f: str | None, kind: str, answer, geometry: dict | None = None):
    """The preview page as a response when the caller asked for HTML, else ``None``; in the
    :func:`page_language`."""
    if not wants_html(request, f):
        return None
    lang = page_language(request)
    page = await in_worker(request, build_preview, reader(request), kind, answer, geometry, lang)
    headers = {"Content-Security-Policy": PREVIEW_CSP, "Vary": "Accept, Accept-Language", "Cache-Control": "no-store"}
    return HTMLResponse(page, headers=headers)
