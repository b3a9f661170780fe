"""Finding a plot without coordinates: places by name (``GET /v1/places``) and a parcel by its number
(``GET /v1/parcels/{plan}/{parcel_id}``).

The places are made once per plan version, in its load (:func:`rdtr.ingest.load.load_places`): every
kelurahan, kecamatan, block, sub-block and sub-zone of the zone layer and every parcel of its ``[[parcels]]``
layers, each with its bounding box and a point on it (``ST_PointOnSurface`` of the member zone nearest the
members' mean point: inside the place, and cheap at ingest). A search is one indexed query on them: keys
are :func:`rdtr.text.name_key` (case and accents ignored), ranked
exact > prefix > word prefix > substring, then by kind (kelurahan, kecamatan, block, subblock, subzone,
parcel), then by name. A sub-zone is found by its code or its name ("R-2", "perumahan kepadatan"); a parcel
by its number (also as bare digits) or its label (the address). Only the versions in force on ``at``.
"""

from __future__ import annotations

import math
from datetime import date
from typing import NamedTuple

from rdtr.answers.parcel import analyze
from rdtr.answers.plans import check_plan_message, require_plan
from rdtr.answers.sql import in_force
from rdtr.db import Database, Query
from rdtr.errors import InvalidInput, NotFound
from rdtr.messages import Message
from rdtr.text import name_key

MAX_QUERY_CHARS = 100
MAX_LIMIT = 50
MAX_PARCEL_ID_CHARS = 200
MATCHES = ("exact", "prefix", "word", "substring")
#: The kinds of place (made by rdtr.ingest.load.load_places), in the order equally good matches are listed.
PLACE_KINDS = ("kelurahan", "kecamatan", "block", "subblock", "subzone", "parcel")

_KINDS = "ARRAY[" + ", ".join(f"'{k}'" for k in PLACE_KINDS) + "]::text[]"

# $1 the query's key, $2 the LIKE pattern of its substring, $3 at, $4 plan (or NULL), $5 limit.
# ``search`` (the keys joined) prefilters — through the pg_trgm index where migration 0005 could make it —
# and each key of a candidate is ranked: 0 exact, 1 prefix, 2 prefix of a word, 3 substring.
PLACES_SQL = f"""
WITH v AS ({in_force("$3", "$4")})
SELECT p.kind, p.name, p.label, v.plan_id, p.minlon, p.minlat, p.maxlon, p.maxlat,
       ST_X(p.point) AS lon, ST_Y(p.point) AS lat, r.rank
  FROM place p JOIN v ON v.id = p.plan_version_id
 CROSS JOIN LATERAL (
       SELECT min(CASE WHEN k = $1::text THEN 0
                       WHEN left(k, length($1::text)) = $1::text THEN 1
                       WHEN strpos(' ' || k, ' ' || $1::text) > 0 THEN 2
                       ELSE 3 END) AS rank
         FROM unnest(p.keys) AS k
        WHERE strpos(k, $1::text) > 0) r
 WHERE p.search LIKE $2::text AND r.rank IS NOT NULL
 ORDER BY r.rank, array_position({_KINDS}, p.kind), p.name, v.plan_id
 LIMIT $5::int
"""


class PlaceRow(NamedTuple):
    """One place found (:data:`PLACES`): bbox and point in EPSG:4326, ``rank`` 0–3 (see :data:`MATCHES`)."""

    kind: str
    name: str
    label: str | None
    plan_id: str
    minlon: float
    minlat: float
    maxlon: float
    maxlat: float
    lon: float
    lat: float
    rank: int


PLACES = Query("rdtr_places_v1", PLACES_SQL, PlaceRow)

# $1 plan, $2 parcel id, $3 at: the parcel of the plan's version in force on ``at``, geometry as GeoJSON.
PARCEL_BY_ID_SQL = f"""
WITH v AS ({in_force("$3", "$1")})
SELECT pa.parcel_id, pa.label, v.version, ST_AsGeoJSON(pa.geom, 9)::json AS geometry
  FROM parcel pa JOIN v ON v.id = pa.plan_version_id
 WHERE pa.parcel_id = $2::text
"""


class ParcelByIdRow(NamedTuple):
    """A stored parcel (:data:`PARCEL_BY_ID`): its id, label, the version it belongs to, its GeoJSON."""

    parcel_id: str
    label: str | None
    version: int
    geometry: dict


PARCEL_BY_ID = Query("rdtr_parcel_by_id_v1", PARCEL_BY_ID_SQL, ParcelByIdRow)


def query_key(q: str) -> str:
    """The search key of ``q`` (1–100 characters once trimmed), or an :class:`InvalidInput` saying why not."""
    text = (q or "").strip()
    if not 1 <= len(text) <= MAX_QUERY_CHARS:
        raise InvalidInput(Message("places_q_length", limit=MAX_QUERY_CHARS, got=len(text)))
    if any(ord(ch) < 32 for ch in text):
        raise InvalidInput(Message("places_q_control"))
    key = name_key(text)
    if not key:
        raise InvalidInput(Message("places_q_empty"))
    return key


def _like_substring(key: str) -> str:
    """A LIKE pattern matching ``key`` anywhere (its ``\\``, ``%`` and ``_`` taken literally)."""
    return "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _down(value: float) -> float:
    return math.floor(value * 1e7) / 1e7


def _up(value: float) -> float:
    return math.ceil(value * 1e7) / 1e7


def place_dict(row: PlaceRow) -> dict:
    """A place as the answer lists it (the bbox rounded outwards to 1e-7°, so it holds the point)."""
    return {
        "kind": row.kind,
        "name": row.name,
        "label": row.label,
        "plan": row.plan_id,
        "bbox": [_down(row.minlon), _down(row.minlat), _up(row.maxlon), _up(row.maxlat)],
        "point": [round(row.lon, 7), round(row.lat, 7)],
        "match": MATCHES[row.rank],
    }


def find_places(db: Database, q: str, plan: str | None = None, at: date | None = None, limit: int = 10) -> dict:
    """Places named like ``q`` in the plan versions in force on ``at`` (default today), best first:
    ``{"query", "at", "places": [{kind, name, label, plan, bbox, point, match}]}``."""
    key = query_key(q)
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(Message("places_limit", limit=MAX_LIMIT, got=repr(limit)))
    at = at or date.today()
    rows = db.fetch(PLACES, (key, _like_substring(key), at, plan, limit))
    if not rows and plan is not None:
        require_plan(db, plan)
    return {"query": q.strip(), "at": at.isoformat(), "places": [place_dict(r) for r in rows]}


def parcel_by_id(
    db: Database,
    plan: str,
    parcel_id: str,
    *,
    at: date | None = None,
    activity: str | None = None,
    sliver_share: float | None = None,
) -> dict:
    """The analysis of a stored parcel (``POST /v1/parcels/analyze`` of its polygon, under ``plan``'s version
    in force on ``at``), with ``parcel_ref`` ``{plan, version, parcel_id, label}`` and its GeoJSON ``geometry``.
    An unknown plan or parcel is a 404 saying which."""
    at = at or date.today()
    if len(parcel_id) > MAX_PARCEL_ID_CHARS:
        raise InvalidInput(Message("parcel_id_long", limit=MAX_PARCEL_ID_CHARS))
    rows = [] if "\x00" in parcel_id else db.fetch(PARCEL_BY_ID, (plan, parcel_id, at))
    if not rows:
        require_plan(db, plan)
        message = check_plan_message(db, plan, at)
        if message is not None:
            raise NotFound(message)
        raise NotFound(Message("no_parcel", plan=plan, parcel=repr(parcel_id[:80]), at=at.isoformat()))
    row = rows[0]
    answer = analyze(db, row.geometry, at=at, activity=activity, plan=plan, sliver_share=sliver_share)
    ref = {"plan": plan, "version": row.version, "parcel_id": row.parcel_id, "label": row.label}
    return {"parcel_ref": ref, **answer, "geometry": row.geometry}
