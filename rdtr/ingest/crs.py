"""Coordinate reference systems of deliveries, done in pyproj (PostGIS here lacks EPSG:9470–9494).

The file's CRS wins; ``[zones].crs`` is used when it has none. After reprojecting to EPSG:4326 the
data must lie in Indonesia. When it does not, the usual delivery mistakes are tried — a southern UTM
zone labelled northern (or the reverse) near the equator, latitude and longitude stored swapped,
lon/lat written with a projected CRS — and a single alternative that lands in Indonesia is applied and
reported; otherwise the error says where the data landed.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from rdtr.ingest.report import Report
from rdtr.messages import Message, join

#: Indonesia with a margin (lon/lat): 94–142 °E, 11.5 °S–6.5 °N.
INDONESIA = (94.0, -11.5, 142.0, 6.5)
WGS84 = pyproj.CRS.from_epsg(4326)

# Datum → (first EPSG of the northern UTM zones, first northern zone, first EPSG of southern, first southern)
_UTM_SERIES = {
    "World Geodetic System 1984": (32601, 1, 32701, 1),
    "Sistem Referensi Geospasial Indonesia 2013": (9476, 46, 9487, 47),
    "Datum Geodesi Nasional 1995": (23866, 46, 23877, 47),
}


@dataclass
class CrsResult:
    gdf: gpd.GeoDataFrame  # in its (possibly fixed) source CRS, axis order fixed; not yet reprojected
    source_crs: str  # as delivered (or as fixed), e.g. "EPSG:9480"
    fixed: str | None = None


class CrsError(Exception):
    pass


def crs_label(crs: pyproj.CRS) -> str:
    """A short name for ``crs``: ``"EPSG:9480"`` when pyproj finds its EPSG code, else its name."""
    epsg = crs.to_epsg(min_confidence=70)
    return f"EPSG:{epsg}" if epsg else crs.name


def _sample(gdf: gpd.GeoDataFrame, n: int = 2000) -> np.ndarray:
    """Up to n vertex coordinates spread over the layer (the first vertex of features)."""
    geoms = gdf.geometry.values
    step = max(1, len(geoms) // n)
    pts = shapely.get_coordinates(
        shapely.get_point(shapely.get_exterior_ring(shapely.get_geometry(np.asarray(geoms[::step]), 0)), 0)
    )
    return pts


def _inside(lonlat: np.ndarray) -> np.ndarray:
    lon, lat = lonlat[:, 0], lonlat[:, 1]
    ok = np.isfinite(lon) & np.isfinite(lat)
    return ok & (lon >= INDONESIA[0]) & (lon <= INDONESIA[2]) & (lat >= INDONESIA[1]) & (lat <= INDONESIA[3])


def _to_lonlat(xy: np.ndarray, crs: pyproj.CRS, swap: bool = False) -> np.ndarray:
    if swap:
        xy = xy[:, ::-1]
    if crs.equals(WGS84, ignore_axis_order=True):
        return xy.copy()
    tr = pyproj.Transformer.from_crs(crs, WGS84, always_xy=True)
    with np.errstate(all="ignore"):
        lon, lat = tr.transform(xy[:, 0], xy[:, 1], errcheck=False)
    return np.column_stack([lon, lat])


def describe_place(lonlat: np.ndarray) -> str:
    """Where EPSG:4326 lon/lat points landed, for error messages: their median as ``"1.23°S 117.45°E"``,
    flagged when off the Earth, in the Arctic or in Antarctica."""
    ok = np.isfinite(lonlat).all(axis=1)
    if not ok.any():
        return Message("place_nowhere")
    lon, lat = np.median(lonlat[ok, 0]), np.median(lonlat[ok, 1])
    if abs(lat) > 90 or abs(lon) > 180:
        return Message("place_off_earth", lon=f"{lon:.2f}", lat=f"{lat:.2f}")
    where = ""
    if lat > 66.5:
        where = Message("place_arctic")
    elif lat < -60:
        where = Message("place_antarctic")
    ns = Message("place_north" if lat >= 0 else "place_south")
    ew = Message("place_east" if lon >= 0 else "place_west")
    return Message("place_at", lat=f"{abs(lat):.2f}", ns=ns, lon=f"{abs(lon):.2f}", ew=ew, where=where)


def _hemisphere_flip(crs: pyproj.CRS) -> pyproj.CRS | None:
    zone = crs.utm_zone
    if not zone:
        return None
    number, hemi = int(zone[:-1]), zone[-1].upper()
    datum = crs.datum.name if crs.datum else ""
    series = next((v for k, v in _UTM_SERIES.items() if datum.startswith(k)), None)
    if series:
        n0, nz, s0, sz = series
        code = (s0 + number - sz) if hemi == "N" else (n0 + number - nz)
        try:
            alt = pyproj.CRS.from_epsg(code)
            if alt.utm_zone == f"{number}{'S' if hemi == 'N' else 'N'}":
                return alt
        except pyproj.exceptions.CRSError:
            pass
    ellps = crs.ellipsoid
    south = " +south" if hemi == "N" else ""
    return pyproj.CRS.from_proj4(
        f"+proj=utm +zone={number}{south} +a={ellps.semi_major_metre} +rf={ellps.inverse_flattening} +units=m +no_defs"
    )


def resolve_crs(
    gdf: gpd.GeoDataFrame, fallback: str | None, report: Report, file: str, where_key: str = "[zones].crs"
) -> CrsResult:
    """The CRS of ``gdf``, checked to put the data in Indonesia (see the module doc): ``gdf`` is returned
    in that CRS (axis order fixed when it was swapped); reprojecting is the caller's next step."""
    declared = gdf.crs
    if declared is None:
        if fallback:
            try:
                declared = pyproj.CRS.from_user_input(fallback)
            except pyproj.exceptions.CRSError as exc:
                raise CrsError(Message("crs_unknown", setting=where_key, crs=repr(fallback), why=str(exc))) from exc
            note = Message("crs_note_fallback", file=file, setting=where_key, crs=fallback)
            report.info.setdefault("crs_notes", []).append(note)
        else:
            xy = _sample(gdf)
            if len(xy) and _inside(xy).mean() > 0.99:
                declared = WGS84
                report.warning(
                    "crs_assumed",
                    Message("crs_assumed"),
                    file=file,
                )
            else:
                raise CrsError(Message("crs_missing", setting=where_key))
    xy = _sample(gdf)
    if not len(xy):
        return CrsResult(gdf.set_crs(declared, allow_override=True), crs_label(declared))

    candidates: list[tuple[str, pyproj.CRS, bool]] = [(Message("crs_as_declared"), declared, False)]
    if declared.is_geographic:
        candidates.append((Message("crs_fix_swapped"), declared, True))
    flip = _hemisphere_flip(declared) if declared.is_projected else None
    if flip is not None:
        hemi = declared.utm_zone[-1].upper()
        key = "crs_fix_to_south" if hemi == "N" else "crs_fix_to_north"
        fix = Message(key, zone=declared.utm_zone, flip=flip.utm_zone, crs=crs_label(flip))
        candidates.append((fix, flip, False))
    lonlat_numbers = declared.is_projected and np.all(np.abs(xy[:, 0]) <= 180) and np.all(np.abs(xy[:, 1]) <= 90)
    if lonlat_numbers:
        candidates.append((Message("crs_fix_lonlat", crs=crs_label(declared)), WGS84, False))
        candidates.append((Message("crs_fix_latlon", crs=crs_label(declared)), WGS84, True))

    results = []
    for label, crs, swap in candidates:
        share = _inside(_to_lonlat(xy, crs, swap)).mean()
        results.append((label, crs, swap, share))
    label, crs, swap, share = results[0]
    if lonlat_numbers:
        # Projected coordinates all within ±180 m / ±90 m of the projection's origin do not happen in a real
        # plan (UTM eastings start near 160 km): these are degrees, even if they land "inside" as metres.
        share = 0.0
    if share < 0.9:
        good = [r for r in results[1:] if r[3] >= 0.9]
        place = describe_place(_to_lonlat(xy, declared))
        if lonlat_numbers:
            place = Message("place_degrees", place=place)
        if len(good) == 1:
            label, crs, swap, share = good[0]
            report.repair(
                "crs_fixed",
                Message("crs_fixed", crs=crs_label(declared), place=place, fix=label),
                file=file,
            )
        elif len(good) > 1:
            fixes = join("; ", [r[0] for r in good])
            raise CrsError(Message("crs_ambiguous", crs=crs_label(declared), place=place, fixes=fixes))
        else:
            raise CrsError(Message("crs_wrong", crs=crs_label(declared), place=place, setting=where_key))
    work = gdf
    if swap:
        work = gdf.set_geometry(shapely.transform(gdf.geometry.values, lambda c: c[:, ::-1]))
    work = work.set_crs(crs, allow_override=True)
    return CrsResult(work, crs_label(crs), None if label == "as declared" else label)


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``gdf`` reprojected to EPSG:4326 (lon/lat) with pyproj, without copying its attribute columns."""
    geoms = np.asarray(gdf.geometry.values)
    if gdf.crs is not None and not gdf.crs.equals(WGS84):
        tr = pyproj.Transformer.from_crs(gdf.crs, WGS84, always_xy=True)
        out_geoms = np.empty(len(geoms), dtype=object)
        step = 100_000  # slices: the coordinate arrays stay small (1,000,000 zones: 7,000,000 points)
        for a in range(0, len(geoms), step):
            part = geoms[a : a + step]
            xy = shapely.get_coordinates(part)
            x, y = tr.transform(xy[:, 0], xy[:, 1])
            out_geoms[a : a + step] = shapely.set_coordinates(part.copy(), np.column_stack([x, y]))
        geoms = out_geoms
    out = gdf.copy(deep=False)
    out.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=WGS84), inplace=True)
    return out


def areal_scale(crs: pyproj.CRS, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Projected area ÷ true (ellipsoidal) area at each lon/lat — 1 for an equal-area projection, ≈ k² for a
    conformal one such as UTM — including the square of the linear unit (feet, …) → metres."""
    unit = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    factors = pyproj.Proj(crs).get_factors(lon, lat, errcheck=False)
    return np.asarray(factors.areal_scale, dtype=float) / (unit * unit)


def metric(gdf_src: gpd.GeoDataFrame, gdf4326: gpd.GeoDataFrame) -> tuple[np.ndarray, pyproj.CRS]:
    """Geometries in metres for areas and topology: the source's projected coordinates as delivered, or
    a Lambert azimuthal equal-area projection of lon/lat sources."""
    crs = gdf_src.crs
    if crs is not None and crs.is_projected:
        return np.asarray(gdf_src.geometry.values), crs
    ea = equal_area_crs(gdf4326)
    return np.asarray(gdf4326.geometry.to_crs(ea).values), ea


def true_areas(geoms_m: np.ndarray, crs_m: pyproj.CRS, lonlat: np.ndarray) -> np.ndarray:
    """Ellipsoidal areas (m²) of geometries given in ``crs_m``, corrected by the areal scale at ``lonlat``
    (each geometry's centroid). Exact for the equal-area case; for UTM the scale's variation inside a
    polygon of a few km changes the area by less than 1e-7."""
    # The scale varies slowly (UTM: ~1e-6 per km): computed once per 0.001° cell (~110 m), not per zone.
    cells = np.round(lonlat, 3)
    uniq, inverse = np.unique(cells[:, 0] * 1e6 + cells[:, 1], return_inverse=True)
    first = np.zeros(len(uniq), dtype=np.int64)
    first[inverse] = np.arange(len(cells))
    scale = areal_scale(crs_m, cells[first, 0], cells[first, 1])
    return shapely.area(geoms_m) / scale[inverse.ravel()]


def outside_features(gdf4326: gpd.GeoDataFrame) -> np.ndarray:
    """Positions of features whose bounding box is not within Indonesia."""
    b = gdf4326.geometry.bounds.to_numpy()
    with np.errstate(invalid="ignore"):
        inside = (
            (b[:, 0] >= INDONESIA[0])
            & (b[:, 2] <= INDONESIA[2])
            & (b[:, 1] >= INDONESIA[1])
            & (b[:, 3] <= INDONESIA[3])
        )
    return np.flatnonzero(~inside)


def equal_area_crs(gdf4326: gpd.GeoDataFrame) -> pyproj.CRS:
    """Lambert azimuthal equal-area on the WGS 84 ellipsoid, centred on the data: areas computed in
    it are ellipsoidal (geodesic) areas in m²; distances near the centre are metres."""
    minx, miny, maxx, maxy = gdf4326.total_bounds
    lon, lat = (minx + maxx) / 2, (miny + maxy) / 2
    return pyproj.CRS.from_proj4(f"+proj=laea +lat_0={lat:.6f} +lon_0={lon:.6f} +ellps=WGS84 +units=m +no_defs")
