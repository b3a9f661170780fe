"""The package's optional parcel layers (``[[parcels]]``): land parcels a citizen finds by their number.

Read like the overlays (:func:`rdtr.ingest.vector.read_layer` with its driver allow-list, polygons only, the
CRS resolved and checked, invalid polygons repaired, nothing outside Indonesia), then checked as a register:
every parcel has an id (``id_field``, e.g. BPN ``NIB`` or PBB ``NOP``), unique across the version's parcel
layers; an unknown ``id_field``/``label_field``, an empty or a duplicate id is an error naming the feature,
so the load is refused and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from rdtr.errors import InvalidInput
from rdtr.ingest.crs import WGS84, CrsError, outside_features, resolve_crs
from rdtr.ingest.report import Report
from rdtr.ingest.vector import LayerError, polygons_only, read_layer
from rdtr.ingest.zones import clean_series, repair_geometries
from rdtr.messages import Message, reason
from rdtr.package_spec import Package, ParcelLayerSpec

#: Longest parcel id and label kept (real NIB are 14 digits, NOP 18; labels are addresses).
MAX_ID_CHARS = 100
MAX_LABEL_CHARS = 300


@dataclass
class ParcelLayer:
    """One ``[[parcels]]`` layer as read: EPSG:4326 MultiPolygons with their ids and labels, in file order."""

    file: str
    gdf: gpd.GeoDataFrame
    ids: list[str]
    labels: list[str | None]


def read_parcel_layers(pkg: Package, report: Report) -> list[ParcelLayer]:
    """Every ``[[parcels]]`` layer of the package (errors and counts go to ``report``)."""
    layers: list[ParcelLayer] = []
    seen: dict[str, tuple[str, str]] = {}  # id -> (file, feature) of its first holder, across layers
    for spec in pkg.parcels:
        layer = read_parcel_layer(pkg, spec, report)
        if layer is None:
            continue
        for parcel_id, fid in zip(layer.ids, layer.gdf.index):
            first = seen.get(parcel_id)
            if first is not None:
                where = (
                    Message("parcel_dup_where_of", feature=str(first[1]), file=first[0])
                    if first[0] != layer.file
                    else Message("parcel_dup_where", feature=str(first[1]))
                )
                report.error(
                    "duplicate_parcel_id",
                    Message(
                        "parcel_id_duplicate", field=spec.id_field, id=repr(parcel_id), feature=str(fid), where=where
                    ),
                    file=layer.file,
                    feature=str(fid),
                    column=spec.id_field,
                )
            else:
                seen[parcel_id] = (layer.file, str(fid))
        layers.append(layer)
    if pkg.parcels:
        report.count("parcels", sum(len(layer.ids) for layer in layers))
    return layers


def read_parcel_layer(pkg: Package, spec: ParcelLayerSpec, report: Report) -> ParcelLayer | None:
    """One parcel layer, or None (with the reason in ``report``) when it cannot be used."""
    file = spec.path
    try:
        gdf, _ = read_layer(pkg.file(file), spec.layer)
    except (LayerError, InvalidInput) as exc:
        report.error(
            "unreadable", Message("cannot_read", what=Message("what_parcel_layer"), why=reason(exc)), file=file
        )
        return None
    raw = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    id_col = _column(raw, spec.id_field, "id_field", file, report)
    label_col = _column(raw, spec.label_field, "label_field", file, report) if spec.label_field else None
    if id_col is None or (spec.label_field and label_col is None):
        return None
    gdf = polygons_only(gdf, report, file)
    if len(gdf) == 0:
        report.error("empty_layer", Message("parcel_layer_no_polygons"), file=file)
        return None
    try:
        res = resolve_crs(gdf, spec.crs, report, file, where_key="[[parcels]].crs")
    except CrsError as exc:
        report.error("crs", reason(exc), file=file)
        return None
    gdf = repair_geometries(res.gdf, report, file, counted_as="parcels_repaired").to_crs(WGS84)
    for i in outside_features(gdf):
        report.error("outside_indonesia", Message("parcel_outside_indonesia"), file=file, feature=str(gdf.index[i]))
    raw = raw.loc[gdf.index]
    ids = clean_series(raw[id_col])
    labels = clean_series(raw[label_col]) if label_col else pd.Series([None] * len(raw), index=raw.index)
    out_ids: list[str] = []
    for fid, value in zip(gdf.index, ids):
        where = {"file": file, "feature": str(fid), "column": spec.id_field}
        if value is None:
            report.error("empty_parcel_id", Message("parcel_id_empty", feature=str(fid), field=spec.id_field), **where)
        elif len(value) > MAX_ID_CHARS or "\x00" in value:
            report.error(
                "bad_parcel_id",
                Message("parcel_id_bad", feature=str(fid), field=spec.id_field, limit=str(MAX_ID_CHARS)),
                **where,
            )
        out_ids.append(value or "")
    out_labels = [None if v is None else v.replace("\x00", "")[:MAX_LABEL_CHARS] for v in labels]
    return ParcelLayer(file, gdf, out_ids, out_labels)


def _column(raw: pd.DataFrame, name: str | None, key: str, file: str, report: Report) -> str | None:
    """The column ``name`` (case-insensitive) of the layer, or None with an error listing the columns."""
    col = next((c for c in raw.columns if str(c).casefold() == str(name).casefold()), None)
    if col is None:
        columns = ", ".join(str(c) for c in raw.columns) or Message("columns_none")
        report.error(
            "unknown_column", Message("parcels_no_column", setting=key, column=repr(name), columns=columns), file=file
        )
    return col


def parcel_geoms(layers: list[ParcelLayer]) -> np.ndarray:
    """All the layers' geometries, in order (for the load)."""
    return np.concatenate([np.asarray(layer.gdf.geometry.values) for layer in layers]) if layers else np.empty(0)
