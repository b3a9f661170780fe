"""``/v1/watches`` (webhooks when a new plan version changes a parcel's answer) and
``GET /v1/plans/{id}/feed.atom`` (the plan's versions as an Atom feed)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import text

from api.auth import bearer_token
from api.params import (
    _FEATURE,
    _MULTI,
    _POLYGON,
    PLAN,
    QuerySpec,
    json_response,
    parse_json,
    plan_path,
    problem_responses,
    read_body,
)
from api.routing import LeanRoute
from api.runtime import database, in_worker
from rdtr import watches
from rdtr.auth import require_watch_plan
from rdtr.config import get_settings
from rdtr.errors import UnknownPlan
from rdtr.text import PLAN_ID_PATTERN, is_plan_id
from rdtr.watch_list import list_watches


# The documented answers (here, not in rdtr.models: only the HTTP API answers them).
class WatchCreated(BaseModel):
    """``POST /v1/watches``: the new watch's id and its secret — shown this once, never again."""

    id: str = Field(description="the watch's id (a UUID)")
    secret: str = Field(description="signs every delivery (X-Rdtr-Signature); send it as X-Watch-Secret")


class WatchDelivery(BaseModel):
    """One delivery of a watch: a new plan version that changed its answer."""

    id: str = Field(description="sent as X-Rdtr-Delivery")
    plan: str
    from_version: int | None = Field(None, description="the version in force before; null when none was")
    to_version: int
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: str | None = Field(None, description="when a pending delivery is tried next")
    last_error: str | None = None
    created_at: str
    delivered_at: str | None = None


class WatchAnswer(BaseModel):
    """``GET /v1/watches/{id}``: the watch (not its secret) and its deliveries, newest first."""

    id: str
    url: str
    plan: str | None = None
    activity: str | None = None
    geometry: dict = Field(description="the watched parcel or area, a GeoJSON MultiPolygon (EPSG:4326)")
    created_at: str
    deliveries: list[WatchDelivery]


class WatchListed(BaseModel):
    """One watch in ``GET /v1/watches`` (no secret, no geometry)."""

    id: str
    url: str
    plan: str | None = None
    activity: str | None = None
    created_at: str


class WatchList(BaseModel):
    """``GET /v1/watches``: the watches a token's plans have, newest first."""

    watches: list[WatchListed]
    limit: int = Field(description="at most this many are listed")


router = APIRouter(tags=["watches"], route_class=LeanRoute)

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"
WATCH_BODY_LIMIT = 1024 * 1024  #: a watch is one parcel or area: 1 MiB is ample

_GEOMETRY = {"oneOf": [_POLYGON, _MULTI, _FEATURE]}
_WATCH_SCHEMA = {
    "type": "object",
    "required": ["url"],
    "properties": {
        "parcel": {**_GEOMETRY, "description": "the parcel: a GeoJSON Polygon, MultiPolygon or Feature (EPSG:4326)"},
        "area": {**_GEOMETRY, "description": "or an area, in the same forms"},
        "activity": {"type": "string", "minLength": 1, "maxLength": 200, "description": "compare its class too"},
        "plan": {"type": "string", "pattern": PLAN_ID_PATTERN, "maxLength": 64, "description": "only this plan"},
        "url": {"type": "string", "format": "uri", "maxLength": watches.MAX_URL, "description": "http(s) URL"},
    },
    "oneOf": [{"required": ["parcel"]}, {"required": ["area"]}],
}
WATCH_PATH = [
    {
        "name": "watch_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "format": "uuid"},
        "description": "the watch's id, as POST /v1/watches answered",
    },
    {
        "name": "X-Watch-Secret",
        "in": "header",
        "required": True,
        "schema": {"type": "string", "maxLength": 200},
        "description": "the secret POST /v1/watches answered (a wrong one is a 404, as for an unknown watch)",
    },
]
#: DELETE: the secret, or instead a bearer token of an officer or admin of the watch's plan.
DELETE_PATH = [
    WATCH_PATH[0],
    WATCH_PATH[1]
    | {"required": False, "description": "the watch's secret; or send a token of the watch's plan instead"},
]
#: An optional bearer token (OpenAPI: no security, or the bearer scheme).
OPTIONAL_TOKEN = [{}, {"HTTPBearer": []}]
LIST_QUERY = QuerySpec(PLAN)
FEED_PATH = [plan_path()]


@router.post(
    "/v1/watches",
    status_code=201,
    response_model=WatchCreated,
    summary="Be told (webhook) when a new plan version changes the answer for a parcel or an area",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": _WATCH_SCHEMA}}},
        "security": OPTIONAL_TOKEN,
    },
    responses={
        **problem_responses(400, 401, 403, 404, 413, 422, 503),
        201: {"description": "the watch; keep its secret"},
    },
)
async def create_watch(request: Request):
    """Public (no token). `{"parcel" | "area": GeoJSON, "activity"?, "plan"?, "url"}` → 201 `{"id", "secret"}`.

    When a new version of the plan (or, without `plan`, of any plan covering the geometry) is loaded and the
    compare between the version in force before it and the new one says `changed`, `url` receives a POST of
    `{"watch", "plan", "from_version", "to_version", "compare"}` with headers `X-Rdtr-Delivery` (the
    delivery's id) and `X-Rdtr-Signature: sha256=<hex HMAC-SHA256(secret, body)>`; a non-2xx answer is
    retried with exponential backoff (30 s doubling, at most 1 h, 10 attempts). The secret is shown only
    here. URLs whose host is or resolves to a loopback, private, link-local, multicast or reserved address
    are refused (422); redirects are never followed.

    A token is optional; one sent is checked: a token scoped to plans may make watches of its plans only
    (403 naming the plan), and not a watch without `plan` (it would hear of every plan)."""
    who = await bearer_token(request)
    raw = await read_body(request, WATCH_BODY_LIMIT)
    body = parse_json(raw, 'the body is empty: send {"parcel": GeoJSON, "url": "https://…"}')
    watch = watches.parse_request(body)
    if who is not None:
        require_watch_plan(who, watch["plan"])
    created = await in_worker(request, watches.create, database(request), watch)
    return json_response(created, status_code=201, headers={"Location": f"/v1/watches/{created['id']}"})


@router.get(
    "/v1/watches/{watch_id}",
    response_model=WatchAnswer,
    summary="A watch and its deliveries (with its secret)",
    openapi_extra={"parameters": WATCH_PATH},
    responses=problem_responses(404, 503),
)
async def show_watch(request: Request):
    """The watch (url, plan, activity, geometry) and its deliveries, newest first, each with its `status`
    (`pending`, `delivered`, `failed`), `attempts`, `next_attempt_at` and `last_error`. Header
    `X-Watch-Secret` is required; without it or with a wrong one the answer is 404."""
    doc = await in_worker(
        request,
        watches.show,
        database(request),
        request.path_params["watch_id"],
        request.headers.get("x-watch-secret"),
    )
    return json_response(doc)


@router.delete(
    "/v1/watches/{watch_id}",
    status_code=204,
    summary="Delete a watch (with its secret, or a token of its plan)",
    openapi_extra={"parameters": DELETE_PATH, "security": OPTIONAL_TOKEN},
    responses={
        **problem_responses(401, 403, 404, 503),
        204: {"description": "deleted: nothing more is delivered"},
    },
)
async def delete_watch(request: Request):
    """No more deliveries: pending ones are given up. A wrong or missing `X-Watch-Secret` is a 404.

    Without the right secret, an officer or admin token may delete a watch of its plans (a plan's office
    removing a watch, e.g. one whose URL is abused); a token scoped to other plans is a 403 naming the
    watch's plan, and a watch without a plan needs a national token (one without `--plan`)."""
    who = await bearer_token(request)
    await in_worker(
        request,
        watches.delete,
        database(request),
        request.path_params["watch_id"],
        request.headers.get("x-watch-secret"),
        who,
    )
    return Response(status_code=204)


@router.get(
    "/v1/watches",
    response_model=WatchList,
    summary="The watches of a token's plans (officer)",
    openapi_extra=LIST_QUERY.openapi(security=[{"HTTPBearer": []}]),
    responses=problem_responses(401, 403, 422, 503),
)
async def watches_of_plans(request: Request):
    """The watches (id, url, plan, activity, created_at; never a secret) of `plan`, or of every plan the
    token may act on, newest first, at most `limit`. Needs an officer or admin token; a token scoped to
    plans gets a 403 naming `plan` when it is not one of them, and never sees watches without a plan (only
    a national token does)."""
    who = await bearer_token(request, required=True)
    q = LIST_QUERY.parse(request)
    return json_response(await in_worker(request, list_watches, database(request), who, q["plan"]))


@router.get(
    "/v1/plans/{plan_id}/feed.atom",
    tags=["plans"],
    summary="The plan's versions as an Atom feed",
    openapi_extra={"parameters": FEED_PATH},
    responses={
        **problem_responses(404, 503),
        200: {"description": "Atom 1.0, one entry per version", "content": {ATOM_TYPE: {"schema": {"type": "string"}}}},
    },
)
async def plan_feed(request: Request):
    """One entry per version, newest first: its effective date and legal basis, `updated` = when it was
    loaded, linked to `/v1/plans/{id}`. Subscribe in a feed reader to hear of new versions."""
    plan_id = request.path_params["plan_id"]
    if not is_plan_id(plan_id):
        raise UnknownPlan(plan_id[:80])
    base = (get_settings().public_url or str(request.base_url)).rstrip("/")
    body = await in_worker(request, atom_feed, database(request), plan_id, base)
    return Response(body, media_type=ATOM_TYPE)


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def atom_feed(db, plan_id: str, base: str) -> bytes:
    """The Atom 1.0 document of ``plan_id``'s versions (links under ``base``); :class:`UnknownPlan` if none."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT p.name AS plan_name, pv.version, pv.name, pv.legal_basis, pv.effective_from, pv.loaded_at "
                "FROM plan p JOIN plan_version pv ON pv.plan_id = p.id WHERE p.id = :p ORDER BY pv.version DESC"
            ),
            {"p": plan_id},
        ).all()
    if not rows:
        raise UnknownPlan(plan_id)
    authority = urlsplit(base).hostname or "rdtr.invalid"
    first = min(r.loaded_at for r in rows).astimezone(UTC).date().isoformat()
    plan_url = f"{base}/v1/plans/{plan_id}"
    ET.register_namespace("", ATOM)

    def add(parent, tag, value=None, **attrs):
        node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if value is not None:
            node.text = value
        return node

    feed = ET.Element(f"{{{ATOM}}}feed")
    add(feed, "id", f"tag:{authority},{first}:plan/{plan_id}")
    add(feed, "title", f"{rows[0].plan_name} — versi rencana / plan versions")
    add(feed, "updated", _rfc3339(max(r.loaded_at for r in rows)))
    author = add(feed, "author")
    add(author, "name", "rdtr")
    add(feed, "link", rel="self", href=f"{plan_url}/feed.atom", type=ATOM_TYPE)
    add(feed, "link", rel="alternate", href=plan_url, type="application/json")
    for r in rows:
        entry = add(feed, "entry")
        loaded = r.loaded_at.astimezone(UTC).date().isoformat()
        add(entry, "id", f"tag:{authority},{loaded}:plan/{plan_id}/version/{r.version}")
        add(entry, "title", f"{r.name} — version {r.version}")
        add(entry, "updated", _rfc3339(r.loaded_at))
        add(entry, "link", rel="alternate", href=plan_url, type="application/json")
        summary = f"Version {r.version}, in force from {r.effective_from.isoformat()}; legal basis: {r.legal_basis}"
        add(entry, "summary", summary, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
