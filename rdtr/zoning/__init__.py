"""The questions users ask of an RDTR, as functions returning JSON-ready answers (plain dicts).

- :func:`zoning_at` — the point question (``GET /v1/zoning``, ``rdtr lookup``)
- :func:`analyze` — what is permitted on a parcel or a batch (``POST /v1/parcels/analyze``, ``rdtr analyze``)
- :func:`compare` — what changed for a parcel between two dates (``POST /v1/parcels/compare``)
- :func:`search_activities`, :func:`where_allowed` — the ITBX activities and where one is permitted

Every answer names the plan version it comes from (chosen by date in :mod:`rdtr.versions`); per-version
data is cached in-process (:mod:`rdtr.zoning.cache`), so a point answer is one SQL round trip. The answers'
shapes are documented by the pydantic models in :mod:`rdtr.models`.
"""

from rdtr.zoning.activities import search_activities, where_allowed, where_allowed_geojson
from rdtr.zoning.cache import clear as clear_cache
from rdtr.zoning.cache import precompute_version
from rdtr.zoning.compare import compare
from rdtr.zoning.parcel import analyze, analyze_parcels
from rdtr.zoning.point import check_point, zoning_at

__all__ = ["analyze", "analyze_parcels", "check_point", "clear_cache", "compare", "precompute_version",
           "search_activities", "where_allowed", "where_allowed_geojson", "zoning_at"]
