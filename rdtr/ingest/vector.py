"""Reading polygon layers with pyogrio/GDAL: GeoPackage, Shapefile (file, folder or .zip), GeoJSON,
KML/KMZ and Esri File Geodatabase (``.gdb`` folder or zipped).

Z/M are dropped, polygons and multi-polygons (and polygons inside geometry collections, as KML has
them) are kept as MultiPolygons; anything else is reported.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from rdtr.ingest.domains import field_domains, resolve_domains
from rdtr.ingest.kml_descriptions import description_columns
from rdtr.ingest.report import Report
from rdtr.messages import Message
from rdtr.safe_open import UnsafeInput, check_driver, vector_source


class LayerError(Exception):
    """The layer cannot be read; the message says why and what to do."""


def gdal_path(path: Path) -> str:
    """The checked source GDAL should open (rdtr.safe_open): zips are read in place through ``/vsizip/``.
    Raises :class:`LayerError` for content that is not an allowed format."""
    try:
        return _source(path)
    except UnsafeInput as exc:
        raise LayerError(exc.detail) from None


def _source(path: Path) -> str:
    if path.is_dir():
        gdbs = sorted(p for p in path.iterdir() if p.suffix.lower() == ".gdb" and p.is_dir())
        if path.suffix.lower() != ".gdb" and len(gdbs) == 1 and not list(path.glob("*.shp")):
            return _checked(gdbs[0])
        return _checked(path)
    suffix = path.suffix.lower()
    if suffix == ".kmz":
        # Read the KML inside: LIBKML on the .kmz itself loses ExtendedData whose schema is referenced as
        # "#name" (as GDAL's KML driver and many tools write it).
        try:
            with zipfile.ZipFile(path) as zf:
                kmls = [n for n in zf.namelist() if n.lower().endswith(".kml")]
        except zipfile.BadZipFile as exc:
            raise LayerError(Message("layer_not_kmz", name=path.name, why=str(exc))) from exc
        if not kmls:
            raise LayerError(Message("layer_no_kml", name=path.name))
        main = "doc.kml" if "doc.kml" in kmls else kmls[0]
        return _checked(path, main)
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                names = [n.rstrip("/") for n in zf.namelist()]
        except zipfile.BadZipFile as exc:
            raise LayerError(Message("layer_not_zip", name=path.name, why=str(exc))) from exc
        gdb_dirs = sorted({n[: n.lower().index(".gdb") + 4] for n in names if ".gdb" in n.lower()})
        if gdb_dirs:
            return _checked(path, gdb_dirs[0])
        shps = [n for n in names if n.lower().endswith(".shp")]
        if len(shps) == 1:
            return _checked(path, shps[0])
        if shps:
            folders = {str(Path(n).parent) for n in shps}
            if len(folders) == 1:
                folder = folders.pop()
                return _checked(path, "" if folder == "." else folder)
        other = [n for n in names if Path(n).suffix.lower() in (".gpkg", ".geojson", ".json", ".kml")]
        if len(other) == 1:
            return _checked(path, other[0])
        raise LayerError(Message("layer_no_vector", name=path.name))
    return _checked(path)


def _checked(path: Path, member: str | None = None) -> str:
    """The GDAL source after its content passed rdtr.safe_open's check, and GDAL picked the expected driver."""
    source, driver = vector_source(path, member)
    check_driver(source, driver)
    return source


def list_layers(source: str) -> list[tuple[str, str]]:
    """``(name, geometry type)`` of each layer of the GDAL data source ``source``. Raises :class:`LayerError`."""
    try:
        return [(str(name), str(gtype)) for name, gtype in pyogrio.list_layers(source)]
    except Exception as exc:  # noqa: BLE001 - GDAL says why
        raise LayerError(Message("gdal_cannot_open", why=_first_line(exc))) from exc


def choose_layer(source: str, wanted: str | None) -> str | None:
    """The layer to read: the one named, the only one, or the only polygon layer."""
    layers = list_layers(source)
    names = [n for n, _ in layers]
    if wanted:
        if wanted in names:
            return wanted
        lowered = {n.lower(): n for n in names}
        if wanted.lower() in lowered:
            return lowered[wanted.lower()]
        raise LayerError(
            Message("no_such_layer", layer=repr(wanted), layers=", ".join(names) or Message("none_listed"))
        )
    if len(layers) <= 1:
        return names[0] if names else None
    polygonal = [n for n, g in layers if g is not None and "polygon" in g.lower()]
    if len(polygonal) == 1:
        return polygonal[0]
    raise LayerError(Message("several_layers", count=str(len(layers)), layers=", ".join(names)))


def read_layer(
    path: Path, layer: str | None, report: Report | None = None, file: str | None = None
) -> tuple[gpd.GeoDataFrame, str | None]:
    """The layer as a GeoDataFrame indexed by the file's feature id, and the layer name.

    Coded-value field domains are resolved (:mod:`rdtr.ingest.domains`) and a KML's description tables
    become columns (:mod:`rdtr.ingest.kml_descriptions`); with ``report`` they are reported for ``file``."""
    if not path.exists():
        raise LayerError(Message("file_not_found"))
    source = gdal_path(path)
    name = choose_layer(source, layer)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            info = pyogrio.read_info(source, layer=name)
            driver = info.get("driver")
            gdf = _read_frames(source, name, info)
    except Exception as exc:  # noqa: BLE001
        raise LayerError(Message("gdal_cannot_read", why=_first_line(exc))) from exc
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry is None:
        raise LayerError(Message("no_geometry_column"))
    gdf = resolve_domains(gdf, field_domains(source, name, driver), report, file)
    if driver in ("KML", "LIBKML"):
        gdf = description_columns(gdf, report, file)
    return gdf, name


#: Layers larger than this are read in slices of this many features (when the driver seeks by index):
#: GDAL's Arrow table and its pandas copy then coexist for one slice only (1,000,000 zones: 1.7 → 1.2 GB).
READ_SLICE = 250_000


def _read_frames(source: str, name: str | None, info: dict) -> gpd.GeoDataFrame:
    """The layer through Arrow (~5x faster than feature by feature), in slices for large layers."""
    n = info.get("features") or 0
    if n <= READ_SLICE or not (info.get("capabilities") or {}).get("fast_set_next_by_index"):
        return pyogrio.read_dataframe(source, layer=name, fid_as_index=True, use_arrow=True)
    slices = [
        pyogrio.read_dataframe(
            source, layer=name, fid_as_index=True, use_arrow=True, skip_features=a, max_features=READ_SLICE
        )
        for a in range(0, n, READ_SLICE)
    ]
    return pd.concat(slices) if len(slices) > 1 else slices[0]


def polygons_only(gdf: gpd.GeoDataFrame, report: Report, file: str) -> gpd.GeoDataFrame:
    """2-D MultiPolygons; empty, null and non-polygon features dropped and reported."""
    geoms = np.array(gdf.geometry.values, dtype=object)
    if shapely.has_z(geoms).any() or shapely.has_m(geoms).any():
        geoms = shapely.force_2d(geoms)
    types = shapely.get_type_id(geoms)
    # 3 Polygon, 6 MultiPolygon, 7 GeometryCollection, -1 None
    collections = np.flatnonzero(types == 7)
    for i in collections:
        parts = [g for g in shapely.get_parts(geoms[i]) if shapely.get_type_id(g) in (3, 6)]
        geoms[i] = shapely.union_all(parts) if parts else None
    types = shapely.get_type_id(geoms)
    empty = shapely.is_empty(geoms) | (types == -1)
    bad_type = ~empty & ~np.isin(types, (3, 6))
    for i in np.flatnonzero(empty):
        report.warning("empty_geometry", Message("geometry_empty"), file=file, feature=_fid(gdf.index[i]))
    for i in np.flatnonzero(bad_type):
        report.warning(
            "not_polygon",
            Message("not_polygon", kind=str(shapely.get_type_id(geoms[i]) and geoms[i].geom_type)),
            file=file,
            feature=_fid(gdf.index[i]),
        )
    keep = ~(empty | bad_type)
    out = gdf if keep.all() else gdf.loc[keep]
    out = out.set_geometry(gpd.GeoSeries(geoms[keep], index=out.index, crs=gdf.crs))
    if len(out) != len(gdf):
        report.count(f"dropped:{file}", int((~keep).sum()))
    return out


def _fid(value) -> str:
    return str(value)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
