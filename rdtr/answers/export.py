"""Parcel answers as a table or a layer: CSV (one row per parcel) and a GeoJSON FeatureCollection (the
parcels with their answers), for the CLI's ``--out``, the API's ``f=csv|geojson`` and notebooks alike."""

from __future__ import annotations

import csv
import io

import shapely.geometry

from rdtr.parcel_input import ParcelBatch


def results(answer: dict) -> list[dict]:
    """The per-parcel answers of an analysis, whether it answered one parcel or a batch."""
    return answer["results"] if "results" in answer else [answer]


def summary_row(r: dict) -> dict:
    """One flat row per parcel answer (areas m², shares as percent text) for CSV and GeoJSON properties."""
    if "error" in r:
        return {"error": r["error"]["detail"]}
    zones = r.get("zones", [])
    main = zones[0] if zones else None
    lim = r.get("limits") or {}
    act = r.get("activity") or {}
    return {
        "area_m2": r["parcel"]["area_m2"],
        "repaired": r["parcel"]["repaired"],
        "covered_share": r["covered_share"],
        "plan": main["plan"]["id"] if main else None,
        "plan_version": main["plan"]["version"] if main else None,
        "subzone": main["subzone_code"] if main else None,
        "subzones": "; ".join(f"{z['subzone_code']} {z['share'] * 100:.1f}%" for z in zones),
        "slivers": "; ".join(f"{z['subzone_code']} {z['area_m2']} m²" for z in r.get("slivers", [])),
        "activity": act.get("code"),
        "class": act.get("class"),
        "max_footprint_m2": lim.get("max_footprint_m2"),
        "max_floor_area_m2": lim.get("max_floor_area_m2"),
        "min_green_area_m2": lim.get("min_green_area_m2"),
        "max_height_m": lim.get("max_height_m"),
        "max_floors": lim.get("max_floors"),
        "lot_min_breach": (r.get("lot_size") or {}).get("breach"),
        "near_boundary": (r.get("boundary") or {}).get("near_boundary"),
        "error": None,
    }


def to_csv(answer: dict, batch: ParcelBatch) -> str:
    """The analysis as CSV text: index, id, the input's own attributes (``in_…``) and :func:`summary_row`."""
    by_index = {p.index: p for p in batch.parcels}
    prop_keys: list[str] = []
    for p in batch.parcels:
        for k in p.properties or {}:
            if k not in prop_keys:
                prop_keys.append(k)
    rows = []
    for i, r in enumerate(results(answer)):
        p = by_index.get(r.get("index", i))
        props = (p.properties or {}) if p else {}
        rows.append(
            {
                "index": r.get("index", i),
                "id": r.get("id", p.id if p else None),
                **{f"in_{k}": props.get(k) for k in prop_keys},
                **summary_row(r),
            }
        )
    fields = list(dict.fromkeys(k for row in rows for k in row))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def to_feature_collection(answer: dict, batch: ParcelBatch) -> dict:
    """The parcels (EPSG:4326) as a GeoJSON FeatureCollection: their own properties, the summary as
    ``rdtr_…`` properties, and the whole answer under ``rdtr`` (a layer to open in QGIS)."""
    by_index = {p.index: p for p in batch.parcels}
    features = []
    for i, r in enumerate(results(answer)):
        p = by_index.get(r.get("index", i))
        geom = shapely.geometry.mapping(p.geom) if p is not None and p.geom is not None else None
        props = dict((p.properties or {}) if p else {})
        props.update({f"rdtr_{k}": v for k, v in summary_row(r).items()})
        props["rdtr"] = r
        features.append(
            {"type": "Feature", "id": r.get("id", p.id if p else None), "properties": props, "geometry": geom}
        )
    return {"type": "FeatureCollection", "features": features}
