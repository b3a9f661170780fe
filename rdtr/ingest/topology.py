"""Overlaps and gaps between zones (a pola-ruang map must cover its area once: Permen 14/2021).

Fast path for a clean coverage: ``coverage_union_all`` (GEOS CoverageUnion, linear in the edges) —
when its result is valid and its area equals the sum of the zone areas, no two zones overlap, and the
holes of the union are the gaps. Only when that check fails are the offending zones located with
``coverage_invalid_edges`` and their overlaps measured pairwise. Works in metres (an equal-area CRS).

A gap open to the plan's outer edge is no hole of the union: it is found only when the planning area is
known (``[plan] boundary = "batas.gpkg"``, read by :func:`read_boundary`) — the parts of the boundary no
zone covers, above ``MIN_EDGE_GAP_M2`` and wider than ``MIN_EDGE_GAP_WIDTH_M`` (slivers along the edge, where
boundary and zones were digitised apart, are counted, not listed). Without a boundary none is derived
(a union's outline cannot tell a notch from the plan's shape) and ``gaps.boundary`` says so.
"""

from __future__ import annotations

import numpy as np
import pyproj
import shapely

from rdtr.ingest.crs import areal_scale
from rdtr.ingest.report import Report
from rdtr.ingest.vector import LayerError, polygons_only, read_layer
from rdtr.messages import Message, reason

#: Overlaps and gaps smaller than this (m²) are numerical noise.
MIN_AREA_M2 = 0.01
#: Most overlaps/gaps listed in the report (the counts and total area stay exact).
MAX_LISTED = 500
#: Gaps at the plan's edge (inside the boundary, outside every zone) smaller than this (m²) are not listed.
MIN_EDGE_GAP_M2 = 1.0
#: … nor those thinner than this on average (2·area/perimeter, m): slivers along the boundary.
MIN_EDGE_GAP_WIDTH_M = 0.5


def read_boundary(pkg, crs_m: pyproj.CRS, report: Report):
    """The planning area (``[plan] boundary``) as one polygon in ``crs_m``, or None (none given, or unreadable:
    reported)."""
    file = getattr(pkg.plan, "boundary", None)
    if not file or crs_m is None:
        return None
    try:
        gdf, _ = read_layer(pkg.file(file), None, report, file)
    except (LayerError, Exception) as exc:  # noqa: BLE001 - InvalidInput for a path outside the package too
        report.warning("boundary_unreadable", Message("boundary_unreadable", why=reason(exc)), file=file)
        return None
    gdf = polygons_only(gdf, report, file)
    if gdf.crs is None or not len(gdf):
        report.warning("boundary_unreadable", Message("boundary_empty"), file=file)
        return None
    geoms = shapely.make_valid(np.array(gdf.to_crs(crs_m).geometry.values, dtype=object))
    report.info["plan_boundary"] = file
    return shapely.union_all(geoms)


def check_zone_topology(zones) -> dict:
    """:func:`check_topology` of a zone layer (its ``boundary_m``, when one was read, included)."""
    return check_topology(
        zones.geoms_m, zones.gdf["feature_id"].to_numpy(), zones.crs_m, getattr(zones, "boundary_m", None)
    )


def check_topology(geoms_m: np.ndarray, feature_ids: np.ndarray, crs_m: pyproj.CRS, boundary_m=None) -> dict:
    """``{"overlaps": {...}, "gaps": {...}}`` for zones given in a metric CRS ``crs_m``; the areas reported
    are ellipsoidal (corrected by the projection's areal scale at each place). With the plan's boundary
    ``boundary_m`` (same CRS), the parts of it no zone covers at its edge are gaps too (``kind: "edge"``)."""
    to_lonlat = pyproj.Transformer.from_crs(crs_m, pyproj.CRS.from_epsg(4326), always_xy=True)
    areas = shapely.area(geoms_m)
    total = float(areas.sum())
    try:
        union = shapely.coverage_union_all(geoms_m)
        clean = bool(shapely.is_valid(union)) and abs(float(shapely.area(union)) - total) <= max(1e-9 * total, 1e-3)
    except shapely.errors.GEOSException:  # "incorrectly noded inputs": not a clean coverage
        union, clean = None, False
    overlaps: list[dict] = []
    if not clean:
        overlaps = _overlaps(geoms_m, feature_ids, to_lonlat)
        if not overlaps and union is not None and shapely.is_valid(union):
            clean = True
        else:
            union = shapely.union_all(geoms_m, grid_size=None)
    gaps = _gaps(union, to_lonlat)
    edge = _edge_gaps(union, boundary_m, to_lonlat)
    gaps = sorted(gaps + edge["items"], key=lambda g: -g["area_m2"])
    for items in (overlaps, gaps):
        if items:
            lonlat = np.array([i["location"] for i in items])
            scale = areal_scale(crs_m, lonlat[:, 0], lonlat[:, 1])
            for item, k in zip(items, scale):
                item["area_m2"] = round(item["area_m2"] / float(k), 3)
    return {
        "overlaps": {
            "count": len(overlaps),
            "area_m2": round(sum(o["area_m2"] for o in overlaps), 2),
            "items": overlaps[:MAX_LISTED],
        },
        "gaps": {
            "count": len(gaps),
            "area_m2": round(sum(g["area_m2"] for g in gaps), 2),
            "items": gaps[:MAX_LISTED],
            "boundary": edge["boundary"],
        },
        "covered_area_m2": round(
            float(shapely.area(union))
            / float(areal_scale(crs_m, *np.array([[c] for c in _point(union, to_lonlat)]))[0]),
            1,
        )
        if not shapely.is_empty(union)
        else 0.0,
    }


def _point(geom, to_lonlat) -> list[float]:
    p = shapely.point_on_surface(geom)
    lon, lat = to_lonlat.transform(p.x, p.y)
    return [round(lon, 7), round(lat, 7)]


def _overlaps(geoms: np.ndarray, fids: np.ndarray, to_lonlat) -> list[dict]:
    edges = shapely.coverage_invalid_edges(geoms)
    flagged = np.flatnonzero(~shapely.is_empty(edges) & shapely.is_geometry(edges))
    if not len(flagged):
        # CoverageValidator found nothing: fall back to the flagged-by-containment case (duplicates,
        # a zone inside another), which leaves no invalid edge.
        tree = shapely.STRtree(geoms)
        a, b = tree.query(geoms, predicate="contains")
        keep = a != b
        flagged = np.unique(np.concatenate([a[keep], b[keep]]))
        if not len(flagged):
            return []
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms[flagged])
    a = flagged[a]
    keep = a < b
    a, b = a[keep], b[keep]
    inter = shapely.intersection(geoms[a], geoms[b])
    area = shapely.area(inter)
    hit = np.flatnonzero(area > MIN_AREA_M2)
    out = [
        {
            "features": [str(fids[a[i]]), str(fids[b[i]])],
            "area_m2": round(float(area[i]), 3),
            "location": _point(inter[i], to_lonlat),
        }
        for i in hit
    ]
    out.sort(key=lambda o: -o["area_m2"])
    return out


def _gaps(union, to_lonlat) -> list[dict]:
    """Areas enclosed by zones but covered by none: the faces of the union's boundary that lie outside it
    (a hole of the union, or an area ringed by zones that touch only at points)."""
    if union is None or shapely.is_empty(union):
        return []
    lines = shapely.node(shapely.boundary(union))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    if not len(faces):
        return []
    shapely.prepare(union)
    outside = ~shapely.contains(union, shapely.point_on_surface(faces))
    out = []
    for face in faces[outside]:
        area = float(shapely.area(face))
        if area > MIN_AREA_M2:
            out.append({"area_m2": round(area, 3), "location": _point(face, to_lonlat)})
    out.sort(key=lambda g: -g["area_m2"])
    return out


def _edge_gaps(union, boundary, to_lonlat) -> dict:
    """Parts of ``boundary`` that no zone covers and that reach its edge (holes of the union are
    :func:`_gaps`'). Slivers — parts thinner than ``MIN_EDGE_GAP_WIDTH_M`` — are opened away first (a mitred
    negative then positive buffer, which keeps a rectangular notch exact), so a sliver along the edge
    neither counts as a gap nor adds its area to the gap it touches; their total area is reported."""
    if boundary is None or shapely.is_empty(boundary):
        return {"items": [], "boundary": {"source": None, "edge_gaps": Message("edge_gaps_not_checked")}}
    rest = boundary if union is None or shapely.is_empty(union) else shapely.difference(boundary, union)
    r = MIN_EDGE_GAP_WIDTH_M / 2
    opened = shapely.intersection(
        shapely.buffer(shapely.buffer(rest, -r, join_style="mitre"), r, join_style="mitre"), rest
    )
    parts = shapely.get_parts(opened)
    parts = parts[np.isin(shapely.get_type_id(parts), (3, 6))] if len(parts) else parts
    edge_line = shapely.boundary(boundary)
    items = []
    for part in parts:
        area = float(shapely.area(part))
        if area > MIN_EDGE_GAP_M2 and shapely.dwithin(part, edge_line, 2 * r):
            items.append({"area_m2": round(area, 3), "location": _point(part, to_lonlat), "kind": "edge"})
    sliver = max(0.0, float(shapely.area(rest)) - float(shapely.area(opened)))
    return {
        "items": items,
        "boundary": {"source": "[plan] boundary", "edge_gaps": len(items), "slivers_m2": round(sliver, 1)},
    }
