"""What one extract is made of: :class:`ExtractInput`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from shapely.geometry.base import BaseGeometry

from rdtr.render.extract.office import Office


@dataclass
class ExtractInput:
    """Everything one extract shows. ``answer`` is the parcel analysis (interface "What is permitted
    on a parcel"); ``zones`` and ``outline`` are GeoJSON features in EPSG:4326; ``office`` the issuing office
    of the letterhead (default: not configured); ``officer_nip`` the officer's NIP (18 digits) or ``None``."""

    extract_id: str
    created_at: datetime
    officer: str
    reference: str | None
    activity: str | None
    answer: dict
    parcel: BaseGeometry
    zones: list[dict]
    verify_url: str
    answer_sha256: str
    outline: list[dict] = field(default_factory=list)
    app_version: str = ""
    office: Office | None = None
    officer_nip: str | None = None
