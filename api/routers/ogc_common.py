"""What the OGC API routers (Features in ``ogc``, Tiles in ``ogc_tiles``) share: media types, links, the
strict query check (an unknown or repeated parameter is a 400) and the JSON-or-HTML answer."""

from __future__ import annotations

import orjson
from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from api.html import request_base, wants_html
from api.params import query_values
from rdtr.answers import features as ft
from rdtr.messages import Message

JSON = "application/json"
GEOJSON = "application/geo+json"
HTML = "text/html"
MVT = "application/vnd.mapbox-vector-tile"
OAS30 = "application/vnd.oai.openapi+json;version=3.0"


def base(request: Request) -> str:
    """The OGC API's root URL (``…/ogc``) as the client reached the service."""
    return request_base(request) + "/ogc"


def query(request: Request, allowed: tuple[str, ...], formats: tuple[str, ...] = ("json", "html")) -> dict[str, str]:
    """The query as ``{name: value}``; an unknown or repeated parameter, or an ``f`` not in ``formats``, is a 400."""
    given = query_values(request.scope.get("query_string", b""))
    for name, values in given.items():
        if name not in allowed:
            raise ft.BadQuery(Message("ogc_unknown_parameter", name=repr(name[:40]), allowed=", ".join(allowed)))
        if len(values) > 1:
            raise ft.BadQuery(Message("ogc_repeated_parameter", name=name, count=str(len(values))))
    q = {k: v[0] for k, v in given.items()}
    if q.get("f") not in (None, *formats):
        raise ft.BadQuery(Message("ogc_bad_format", value=repr(q["f"][:20]), formats=", ".join(formats)))
    return q


def link(href: str, rel: str, type_: str, title: str | None = None, **extra) -> dict:
    """One link object (``templated=True`` and the like go in ``extra``)."""
    out = {"href": href, "rel": rel, "type": type_}
    if title:
        out["title"] = title
    out.update(extra)
    return out


def self_links(href: str, json_type: str = JSON) -> list[dict]:
    """``self`` (JSON) and ``alternate`` (HTML) links of a resource."""
    return [link(href + "?f=json", "self", json_type, "this document"), link(href + "?f=html", "alternate", HTML)]


def answer(request: Request, q: dict, doc: dict, html, media: str = JSON, headers: dict | None = None) -> Response:
    """``doc`` as JSON, or ``html(doc)`` when the client asks for HTML (``f=html`` or its Accept header)."""
    if wants_html(request, q.get("f")):
        return HTMLResponse(html(doc), headers={"Vary": "Accept", **(headers or {})})
    return Response(orjson.dumps(doc), media_type=media, headers={"Vary": "Accept", **(headers or {})})


def integer(name: str, text: str, lo: int, hi: int) -> int:
    """A whole number in ``lo..hi`` from a query value, else a 400 naming ``name``."""
    if not text.strip().isdigit() or not lo <= int(text) <= hi:
        raise ft.BadQuery(Message("ogc_not_integer", name=name, text=repr(text[:20]), lo=str(lo), hi=str(hi)))
    return int(text)
