"""The WGS 84 ellipsoid, and its local metric: metres per degree at a latitude. The answers' SQL measures
lengths and distances with it (``rdtr.answers.sql.metres_per_degree`` writes the same formula in SQL), and
the parcel checks estimate areas with it before the geodesic measure is needed."""

from __future__ import annotations

import math

A = 6378137.0  #: WGS 84 semi-major axis, m
E2 = 0.00669437999014  #: WGS 84 first eccentricity squared


def metres_per_degree(phi: float) -> tuple[float, float]:
    """(metres per degree of longitude, of latitude) at latitude ``phi`` (radians)."""
    w = 1 - E2 * math.sin(phi) ** 2
    return A / math.sqrt(w) * math.cos(phi) * math.pi / 180, A * (1 - E2) / w**1.5 * math.pi / 180
