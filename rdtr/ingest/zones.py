"""The pola-ruang layer: read, reproject, repair, map its fields, resolve its sub-zones.

Vectorised over features (shapely 2 / pandas): fast enough for 100,000 zones.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from rdtr.geos_reasons import geos_reason
from rdtr.ingest.crs import CrsError, metric, outside_features, resolve_crs, to_wgs84, true_areas
from rdtr.ingest.report import Report
from rdtr.ingest.subzones import SubzoneTable, derive_table
from rdtr.ingest.values import NONE_VALUES
from rdtr.ingest.vector import LayerError, polygons_only, read_layer
from rdtr.messages import Message, reason

#: The zone layer's text fields a package maps (``[zones.fields]``), as stored in ``zone``.
ZONE_FIELDS = ("subzone_code", "subzone_name", "zone_code", "zone_name", "block", "subblock", "kecamatan", "kelurahan")

#: canonical field → Permen 14/2021 column name.
DEFAULT_FIELDS = {
    "subzone_code": "KODSZN",
    "subzone_name": "NAMSZN",
    "zone_code": "KODZON",
    "zone_name": "NAMZON",
    "block": "KODBLK",
    "subblock": "KODSBL",
    "kecamatan": "WADMKC",
    "kelurahan": "WADMKD",
    "tpz": "TPZ_00",
}
#: special-provision kind → its standard column (ketentuan khusus, Permen 14/2021).
PROVISION_COLUMNS = {
    "KKOP": "KKOP_1",
    "LP2B": "LP2B_2",
    "KRB": "KRB_03",
    "TOD": "TOD_04",
    "TEB": "TEB_05",
    "PUSLIT": "PUSLIT",
    "CAGBUD": "CAGBUD",
    "RESAIR": "RESAIR",
    "KSMPDN": "KSMPDN",
    "HANKAM": "HANKAM",
    "KKARST": "KKARST",
    "PTBGMB": "PTBGMB",
    "MGRSAT": "MGRSAT",
    "RDBUMI": "RDBUMI",
}


@dataclass
class ZoneLayer:
    gdf: gpd.GeoDataFrame  # EPSG:4326 MultiPolygons + canonical columns (see normalise_zones)
    raw: pd.DataFrame  # the delivered attributes, same index
    source_crs: str
    subzones: SubzoneTable
    mapping: dict[str, str] = field(default_factory=dict)
    file: str = "zone layer"
    geoms_m: np.ndarray | None = None  # the zones in metres (source projected CRS, or equal-area): topology
    crs_m: pyproj.CRS | None = None


def _base(name: str) -> str:
    return re.sub(r"_?\d+$", "", name)


def find_column(columns, name: str, raw: pd.DataFrame | None = None) -> str | None:
    """A column named ``name`` case-insensitively, or with a common suffix (``KODSZN_1``, ``KKOP``
    for ``KKOP_1``). Several candidates: the exact name, else the one with most values."""
    cols = [str(c) for c in columns]
    exact = [c for c in cols if c.casefold() == name.casefold()]
    if exact:
        return exact[0]
    base = _base(name).casefold()
    pattern = re.compile(rf"^{re.escape(base)}(_?\d+|_[a-z])?$", re.IGNORECASE)
    found = [c for c in cols if pattern.match(c)]
    if len(found) > 1 and raw is not None:
        found.sort(key=lambda c: -int(clean_series(raw[c]).notna().sum()))
    return found[0] if found else None


def clean_series(s: pd.Series) -> pd.Series:
    """Text values stripped, the ways deliveries write "none" turned into None (object Series).

    Vectorised through ``pd.factorize``: each distinct value is cleaned once (layers repeat values a lot)."""
    if pd.api.types.is_float_dtype(s):
        whole = s.dropna()
        if len(whole) and (whole == np.round(whole)).all():
            s = s.astype("Int64")
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    cleaned = np.empty(len(uniques) + 1, dtype=object)
    for i, v in enumerate(uniques):
        cleaned[i] = _clean_value(v)
    cleaned[-1] = None  # code -1: missing
    return pd.Series(cleaned[codes], index=s.index, dtype=object)


def _clean_value(v):
    if v is None:
        return None
    if isinstance(v, (float, np.floating)) and np.isnan(v):
        return None
    text = str(v).strip()
    return None if text.casefold() in NONE_VALUES else text


def normalise_zones(pkg, report: Report, subzone_table: SubzoneTable | None) -> ZoneLayer | None:
    """The package's zone layer (pola ruang) as a :class:`ZoneLayer`: polygons repaired and in EPSG:4326, fields
    mapped to canonical columns, areas in m², sub-zones resolved; problems go to ``report`` (None if unusable)."""
    spec = pkg.zones
    file = spec.path
    try:
        gdf, layer = read_layer(pkg.file(file), spec.layer, report, file)
    except LayerError as exc:
        report.error("unreadable", Message("cannot_read", what=Message("what_zone_layer"), why=reason(exc)), file=file)
        return None
    except Exception as exc:  # noqa: BLE001 - e.g. InvalidInput for a path outside the package
        report.error("unreadable", Message("cannot_read", what=Message("what_zone_layer"), why=reason(exc)), file=file)
        return None
    if layer:
        report.info["zone_layer"] = layer
    if spec.id_field:
        col = find_column(gdf.columns, spec.id_field)
        ids = clean_series(gdf[col]) if col is not None and col != gdf.geometry.name else None
        if ids is None:
            report.error("unknown_column", Message("zones_id_field_unknown", field=repr(spec.id_field)), file=file)
            return None
        if ids.isna().any() or ids.duplicated().any():
            dup = ids[ids.duplicated() | ids.isna()].iloc[0]
            report.error(
                "duplicate",
                Message("zones_id_field_duplicate", column=repr(col), value=repr(dup)),
                file=file,
            )
            return None
        gdf.index = pd.Index(ids.astype(str).to_numpy(), name=col)
    report.count("features_read", len(gdf))
    if len(gdf) == 0:
        report.error("empty_layer", Message("zone_layer_empty"), file=file)
        return None
    gdf = polygons_only(gdf, report, file)
    if len(gdf) == 0:
        report.error("empty_layer", Message("zone_layer_no_polygons"), file=file)
        return None
    try:
        res = resolve_crs(gdf, spec.crs, report, file)
    except CrsError as exc:
        report.error("crs", reason(exc), file=file)
        return None
    report.info["source_crs"] = res.source_crs

    # Geometry work (GEOS and PROJ release the GIL) runs in a thread while the attributes are mapped and
    # cleaned (pandas) here; its messages go to a report of its own, merged afterwards in feature order.
    geo_report = Report()
    geo: dict = {}

    def geometry_work():
        src = repair_geometries(res.gdf, geo_report, file)  # in the source CRS, where it was drawn
        if len(src) == 0:
            return
        wgs = to_wgs84(src)
        for i in outside_features(wgs):
            b = wgs.geometry.iloc[i].bounds
            geo_report.error(
                "outside_indonesia",
                Message("feature_outside_indonesia", bounds=f"{b[0]:.4f},{b[1]:.4f},{b[2]:.4f},{b[3]:.4f}"),
                file=file,
                feature=str(wgs.index[i]),
            )
        geoms_m, crs_m = metric(src, wgs)
        lonlat = np.asarray(wgs.geometry.values)
        centroids = np.concatenate(  # in slices: no million centroid geometries at once
            [shapely.get_coordinates(shapely.centroid(lonlat[a : a + 100_000])) for a in range(0, len(lonlat), 100_000)]
        )
        geo.update(wgs=wgs, geoms_m=geoms_m, crs_m=crs_m, area=true_areas(geoms_m, crs_m, centroids))

    worker = _Worker(geometry_work)
    try:
        raw = pd.DataFrame(res.gdf.drop(columns=res.gdf.geometry.name))
        mapping = map_fields(raw, spec, report, file)
        if mapping is None:
            return None
        attrs = {"feature_id": raw.index.astype(str).to_numpy(dtype=object)}
        for canon in ZONE_FIELDS:
            col = mapping.get(canon)
            attrs[canon] = clean_series(raw[col]).to_numpy() if col else np.full(len(raw), None, dtype=object)
        attrs["tpz"] = tpz_lists(raw[mapping["tpz"]] if mapping.get("tpz") else None, len(raw))
        attrs["special_provisions"] = special_provisions(raw, spec.provisions, report, file)
        # The verbatim attributes' JSON is made chunk by chunk at the COPY (rdtr.ingest.load), from ``raw``:
        # for 1,000,000 zones it is ~0.5 GB of text.
    finally:
        worker.join()
    report.merge(geo_report)
    if not geo:
        report.error("empty_layer", Message("zone_layer_unusable"), file=file)
        return None
    gdf = geo["wgs"]
    kept = raw.index.get_indexer(gdf.index) if len(gdf) != len(raw) else slice(None)
    raw = raw.iloc[kept]
    columns = {k: np.asarray(v, dtype=object)[kept] for k, v in attrs.items()}
    out = gpd.GeoDataFrame(columns, index=gdf.index, geometry=gdf.geometry.values, crs=gdf.crs)

    table = resolve_subzones(out, subzone_table, report, file)
    if table is None:
        return None
    out["area_m2"] = geo["area"]
    report.count("zones", len(out))
    report.count("subzones", len(table))
    report.info["field_mapping"] = mapping
    return ZoneLayer(out, raw, res.source_crs, table, mapping, file, geo["geoms_m"], geo["crs_m"])


class _Worker:
    """Run ``fn`` in a thread; ``join()`` re-raises what it raised."""

    def __init__(self, fn):
        self._error: BaseException | None = None

        def run():
            try:
                fn()
            except BaseException as exc:  # noqa: BLE001
                self._error = exc

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def join(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error


def repair_geometries(
    gdf: gpd.GeoDataFrame, report: Report, file: str, counted_as: str = "zones_repaired"
) -> gpd.GeoDataFrame:
    """Invalid polygons made valid (reported per feature), what stays empty dropped; MultiPolygons out. How
    many were invalid is added to the report's count ``counted_as`` (one per kind: zones, overlays, parcels)."""
    geoms = np.asarray(gdf.geometry.values)
    valid = shapely.is_valid(geoms)
    bad = np.flatnonzero(~valid)
    keep = np.ones(len(geoms), dtype=bool)
    for i in bad:
        why = geos_reason(shapely.is_valid_reason(geoms[i]))  # GEOS's words (said per language), the place
        fixed = shapely.make_valid(geoms[i])
        polys = [p for p in shapely.get_parts(fixed) if shapely.get_type_id(p) in (3, 6)]
        fixed = shapely.union_all(polys) if polys else None
        fid = str(gdf.index[i])
        if fixed is None or fixed.is_empty:
            keep[i] = False
            report.warning(
                "unrepairable_geometry",
                Message("polygon_unrepairable", reason=why),
                file=file,
                feature=fid,
            )
            continue
        before = shapely.area(geoms[i])
        geoms[i] = fixed
        report.repair(
            "geometry_repaired",
            Message("polygon_repaired", reason=why, change=_pct(before, shapely.area(fixed))),
            file=file,
            feature=fid,
        )
    # MultiPolygons for the MULTIPOLYGON column (vectorised).
    single = shapely.get_type_id(geoms) == 3
    if single.any():
        idx = np.flatnonzero(single)
        geoms[idx] = shapely.multipolygons(geoms[idx], indices=np.arange(len(idx)))
    tiny = keep & (shapely.area(geoms) == 0)
    for i in np.flatnonzero(tiny):
        keep[i] = False
        report.warning("empty_geometry", Message("polygon_no_area"), file=file, feature=str(gdf.index[i]))
    report.count(counted_as, report.counts.get(counted_as, 0) + len(bad))  # summed over a kind's layers
    out = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    return out if keep.all() else out.loc[keep]


def _pct(before: float, after: float) -> Message:
    if before == 0:
        return Message("area_now_non_zero" if after else "area_zero")
    return Message("area_changed", pct=f"{100 * (after - before) / before:+.2f}")


def map_fields(raw: pd.DataFrame, spec, report: Report, file: str) -> dict[str, str] | None:
    """canonical field → source column, from [zones.fields] or the Permen names (with suffixes)."""
    mapping = {}
    columns = list(raw.columns)
    for canon, source in spec.fields.items():
        if canon not in DEFAULT_FIELDS:
            report.warning(
                "unknown_key",
                Message("zones_fields_unknown_key", setting=canon, known=", ".join(DEFAULT_FIELDS)),
                file="plan.toml",
            )
            continue
        exact = [c for c in columns if str(c).casefold() == source.casefold()]
        col = exact[0] if exact else None
        if col is None:
            report.error(
                "unknown_column",
                Message(
                    "zones_fields_no_column", setting=canon, column=repr(source), columns=", ".join(map(str, columns))
                ),
                file=file,
            )
            return None
        mapping[canon] = col
    for canon, default in DEFAULT_FIELDS.items():
        if canon in mapping:
            continue
        col = find_column(columns, default, raw)
        if col is not None:
            mapping[canon] = col
    if "subzone_name" not in mapping or clean_series(raw[mapping["subzone_name"]]).isna().all():
        if "NAMOBJ" in [c.upper() for c in columns] and "subzone_name" not in spec.fields:
            mapping["subzone_name"] = next(c for c in columns if c.upper() == "NAMOBJ")
            report.info.setdefault("notes", []).append(Message("note_names_from_namobj"))
    if "subzone_code" not in mapping and "subzone_name" not in mapping:
        report.error(
            "missing_column",
            Message("no_subzone_column", columns=", ".join(map(str, columns))),
            file=file,
        )
        return None
    if "subzone_code" not in mapping:
        report.warning(
            "names_only",
            Message("names_only", column=repr(mapping["subzone_name"])),
            file=file,
        )
    return mapping


def resolve_subzones(out: gpd.GeoDataFrame, table: SubzoneTable | None, report: Report, file: str):
    """Codes for every zone (names resolved through the table), zone code/name from the table."""
    codes = out["subzone_code"].copy()
    names = out["subzone_name"]
    if table is None:
        if codes.isna().all():
            report.error(
                "missing_column",
                Message("names_only_no_table"),
                file=file,
            )
            return None
        table = derive_table(out, report, file)
    # names → codes where the code is missing
    need = codes.isna() & names.notna()
    if need.any():
        resolved = {}
        for name in pd.unique(names[need]):
            resolved[name] = table.code_of(name, "names")
        for i in np.flatnonzero(need.to_numpy()):
            code, problem = resolved[names.iloc[i]]
            if code:
                codes.iloc[i] = code
            else:
                report.error("unknown_subzone", problem, file=file, feature=str(out.index[i]))
    missing = codes.isna() & names.isna()
    for i in np.flatnonzero(missing.to_numpy()):
        report.error("missing_value", Message("no_subzone_value"), file=file, feature=str(out.index[i]))
    # codes not in the table: case-insensitive fix, else error
    present = codes.notna()
    unknown_codes = [c for c in pd.unique(codes[present]) if c not in table]
    for c in unknown_codes:
        fixed, problem = table.code_of(c, "codes")
        mask = (codes == c).to_numpy()
        if fixed:
            codes[mask] = fixed
            report.warning(
                "subzone_case",
                Message("subzone_case", code=repr(c), fixed=repr(fixed), count=str(int(mask.sum()))),
                file=file,
            )
        else:
            fids = out.index[mask]
            for fid in fids:
                report.error("unknown_subzone", problem, file=file, feature=str(fid))
    out["subzone_code"] = codes
    # zone and names from the table (the delivered values stay in attributes)
    lut = table.rows
    layer_zone = out["zone_code"].copy()
    zc = codes.map(lambda c: lut[c].zone_code if c in lut else None)
    zn = codes.map(lambda c: lut[c].zone_name if c in lut else None)
    sn = codes.map(lambda c: lut[c].name if c in lut else None)
    disagree = layer_zone.notna() & zc.notna() & (layer_zone != zc)
    if disagree.any():
        report.warning(
            "zone_mismatch",
            Message(
                "zone_mismatch",
                count=str(int(disagree.sum())),
                feature=str(out.index[disagree.to_numpy()][0]),
                layer=repr(layer_zone[disagree].iloc[0]),
                table=repr(zc[disagree].iloc[0]),
            ),
            file=file,
        )
    out["zone_code"] = zc.where(zc.notna(), out["zone_code"])
    out["zone_name"] = zn.where(zn.notna(), out["zone_name"])
    out["subzone_name"] = sn.where(sn.notna(), out["subzone_name"])
    if out["zone_code"].isna().any() and table.source != "derived from the zone layer":
        miss = sorted(set(codes[out["zone_code"].isna() & codes.notna()]))
        if miss:
            report.warning(
                "no_zone",
                Message("zones_no_zone_code", codes=", ".join(miss)),
                file=file,
            )
    return table


def special_provisions(raw: pd.DataFrame, extra: dict[str, str], report: Report, file: str) -> np.ndarray:
    """Per feature, as JSON text: ``[{"kind": "KKOP", "value": "K01G"}, …]`` from the columns that are not none."""
    found = []
    for kind, std in PROVISION_COLUMNS.items():
        col = find_column(raw.columns, std, raw)
        if col is not None:
            found.append((kind, col))
    for kind, col in extra.items():
        real = next((c for c in raw.columns if str(c).casefold() == col.casefold()), None)
        if real is None:
            report.error("unknown_column", Message("provisions_no_column", kind=kind, column=repr(col)), file=file)
            continue
        found.append((kind, real))
    if found:
        report.info["special_provision_columns"] = {k: c for k, c in found}
    n = len(raw)
    lists: dict[int, list[dict]] = {}  # only the features that have any: most have none
    for kind, col in found:
        values = clean_series(raw[col]).to_numpy()
        for i in np.flatnonzero(pd.notna(values)):
            lists.setdefault(int(i), []).append({"kind": kind, "value": values[i]})
    out = np.full(n, "[]", dtype=object)
    texts: dict[tuple, str] = {}  # one json.dumps per distinct combination (layers repeat them a lot)
    for i, items in lists.items():
        key = tuple((d["kind"], d["value"]) for d in items)
        if key not in texts:
            texts[key] = json.dumps(items, ensure_ascii=False)
        out[i] = texts[key]
    return out


def tpz_lists(column: pd.Series | None, n: int) -> np.ndarray:
    """Per feature, the TPZ codes of its cell as a tuple ("b,l" → ("b", "l")); each distinct cell parsed once."""
    if column is None:
        codes, uniques = np.full(n, -1), []
    else:
        codes, uniques = pd.factorize(clean_series(column), use_na_sentinel=True)
    parsed = np.empty(len(uniques) + 1, dtype=object)
    for i, v in enumerate(uniques):
        parsed[i] = tuple(t.strip() for t in re.split(r"[,;]", v) if t.strip())
    parsed[-1] = ()  # code -1: no value
    return parsed[codes]


def attributes_json(raw: pd.DataFrame) -> list[str]:
    """The delivered attributes of each feature, verbatim, as JSON text."""
    if raw.shape[1] == 0:
        return ["{}"] * len(raw)
    df = raw.copy()
    df.columns = [str(c) for c in df.columns]
    for c in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[c]):
            df[c] = df[c].astype(str).where(df[c].notna(), None)
    # Other objects (dates, bytes) become their str() through the default handler.
    text = df.to_json(orient="records", lines=True, force_ascii=False, double_precision=15, default_handler=str)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
