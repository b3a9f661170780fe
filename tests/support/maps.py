"""Shared helpers for the map, extract and web tests: a place in the sample FILE, the plan's legal basis,
the vendored scripts. Expectations come from the sample file (pola_ruang.gpkg), read here with geopandas,
never from the database the answers come from.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from tests.support.paths import REPO, SAMPLE_PACKAGE

UTM = "EPSG:9480"  # the sample's CRS: SRGI2013 / UTM 50N


@lru_cache(maxsize=1)
def _zones_file():
    import geopandas as gpd

    return gpd.read_file(SAMPLE_PACKAGE / "pola_ruang.gpkg")


@lru_cache(maxsize=8)
def sample_place(code: str = "R-2", parcel_half_m: float = 15.0) -> dict:
    """A place well inside a zone of sub-zone ``code`` of the sample file: the zone's attributes, an
    interior point (lon/lat) at least 25 m from its edge, and a square parcel of 2 × ``parcel_half_m`` m
    around it lying wholly in that zone (GeoJSON, EPSG:4326)."""
    import geopandas as gpd
    import shapely
    from shapely.geometry import box, mapping

    zones = _zones_file()
    candidates = zones[zones["KODSZN"] == code].copy()
    candidates["_area"] = candidates.geometry.area
    for _, row in candidates.sort_values("_area", ascending=False).iterrows():
        inner = row.geometry.buffer(-max(25.0, parcel_half_m * 1.6))
        if inner.is_empty:
            continue
        pt = inner.representative_point()
        square = box(pt.x - parcel_half_m, pt.y - parcel_half_m, pt.x + parcel_half_m, pt.y + parcel_half_m)
        if not row.geometry.contains(square):
            continue
        # The same place must not lie in any other zone of the file.
        if (zones.geometry.intersects(square).sum()) != 1:
            continue
        ll = gpd.GeoSeries([pt, square], crs=UTM).to_crs(4326)
        lonlat, parcel = ll.iloc[0], ll.iloc[1]
        return {
            "subzone_code": row["KODSZN"],
            "subzone_name": row["NAMSZN"],
            "zone_code": row["KODZON"],
            "lon": lonlat.x,
            "lat": lonlat.y,
            "utm": (pt.x, pt.y),
            "parcel": {"type": "Polygon", "coordinates": [[list(c) for c in shapely.Polygon(parcel).exterior.coords]]},
            "parcel_area_m2": square.area,
            "parcel_geojson": mapping(parcel),
        }
    raise AssertionError(f"no zone {code} in the sample file can hold a {2 * parcel_half_m} m square")


def sample_subzone_codes() -> set[str]:
    return set(_zones_file()["KODSZN"])


def legal_basis() -> str:
    import tomllib

    with open(SAMPLE_PACKAGE / "plan.toml", "rb") as fh:
        return tomllib.load(fh)["plan"]["legal_basis"]


def vendor_file(rel: str) -> Path:
    return REPO / "api" / "static" / "vendor" / "node_modules" / rel
