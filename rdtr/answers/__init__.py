"""The questions users ask of an RDTR, as functions returning JSON-ready answers (plain dicts).

Each takes the :class:`rdtr.db.Database` to ask first:

- :func:`zoning_at` — the point question (``GET /v1/zoning``, ``rdtr lookup``)
- :func:`analyze` — what is permitted on a parcel or a batch (``POST /v1/parcels/analyze``, ``rdtr analyze``)
- :func:`check` — does a proposal conform (``POST /v1/parcels/check``, ``rdtr check``)
- :func:`compare` — what changed for a parcel between two dates (``POST /v1/parcels/compare``)
- :func:`search_activities`, :func:`where_allowed` — the ITBX activities and where one is permitted

Every answer names the plan version it comes from (chosen by date in :mod:`rdtr.versions`); per-version
data is cached on the database object (``db.versions``), so a point answer is one SQL round trip. The
answers' shapes are documented by the pydantic models in :mod:`rdtr.models`.
"""

from rdtr.answers.activities import search_activities, where_allowed, where_allowed_geojson
from rdtr.answers.check import check
from rdtr.answers.compare import compare
from rdtr.answers.parcel import analyze, analyze_parcels
from rdtr.answers.point import zoning_at

__all__ = [
    "analyze",
    "analyze_parcels",
    "check",
    "compare",
    "search_activities",
    "where_allowed",
    "where_allowed_geojson",
    "zoning_at",
]
