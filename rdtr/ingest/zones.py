"""The pola-ruang layer: read, reproject, repair, map its fields, resolve its sub-zones.

Vectorised over features (shapely 2 / pandas): fast enough for 100,000 zones.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from rdtr.ingest.crs import CrsError, metric, outside_features, resolve_crs, to_wgs84, true_areas
from rdtr.ingest.report import Report
from rdtr.ingest.subzones import Subzone, SubzoneTable
from rdtr.ingest.values import NONE_VALUES
from rdtr.ingest.vector import LayerError, polygons_only, read_layer

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
        report.error("unreadable", f"cannot read the zone layer: {exc}", file=file)
        return None
    except Exception as exc:  # noqa: BLE001 - e.g. InvalidInput for a path outside the package
        report.error("unreadable", f"cannot read the zone layer: {exc}", file=file)
        return None
    if layer:
        report.info["zone_layer"] = layer
    if spec.id_field:
        col = find_column(gdf.columns, spec.id_field)
        ids = clean_series(gdf[col]) if col is not None and col != gdf.geometry.name else None
        if ids is None:
            report.error(
                "unknown_column", f"[zones].id_field {spec.id_field!r} is not a column of the layer", file=file
            )
            return None
        if ids.isna().any() or ids.duplicated().any():
            dup = ids[ids.duplicated() | ids.isna()].iloc[0]
            report.error(
                "duplicate",
                f"[zones].id_field {col!r} does not identify the features (empty or repeated value {dup!r})",
                file=file,
            )
            return None
        gdf.index = pd.Index(ids.astype(str).to_numpy(), name=col)
    report.count("features_read", len(gdf))
    if len(gdf) == 0:
        report.error("empty_layer", "the zone layer has no features", file=file)
        return None
    gdf = polygons_only(gdf, report, file)
    if len(gdf) == 0:
        report.error("empty_layer", "the zone layer has no polygon features", file=file)
        return None
    try:
        res = resolve_crs(gdf, spec.crs, report, file)
    except CrsError as exc:
        report.error("crs", str(exc), file=file)
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
                f"feature lies outside Indonesia (bounds {b[0]:.4f},{b[1]:.4f},{b[2]:.4f},{b[3]:.4f})",
                file=file,
                feature=str(wgs.index[i]),
            )
        geoms_m, crs_m = metric(src, wgs)
        centroids = shapely.get_coordinates(shapely.centroid(np.asarray(wgs.geometry.values)))
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
        tpz_col = mapping.get("tpz")  # TPZ codes: "b,l" → ["b", "l"]
        tpz_values = clean_series(raw[tpz_col]) if tpz_col else [None] * len(raw)
        attrs["tpz"] = [[t.strip() for t in re.split(r"[,;]", v) if t.strip()] if v else [] for v in tpz_values]
        attrs["special_provisions"] = special_provisions(raw, spec.provisions, report, file)
        attrs["attributes"] = attributes_json(raw)
    finally:
        worker.join()
    report.merge(geo_report)
    if not geo:
        report.error("empty_layer", "no usable polygons in the zone layer", file=file)
        return None
    gdf = geo["wgs"]
    kept = raw.index.get_indexer(gdf.index) if len(gdf) != len(raw) else slice(None)
    raw = raw.iloc[kept]
    columns = {k: pd.Series(list(v), dtype=object).to_numpy()[kept] for k, v in attrs.items()}
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


def repair_geometries(gdf: gpd.GeoDataFrame, report: Report, file: str) -> gpd.GeoDataFrame:
    """Invalid polygons made valid (reported per feature), what stays empty dropped; MultiPolygons out."""
    geoms = np.asarray(gdf.geometry.values)
    valid = shapely.is_valid(geoms)
    bad = np.flatnonzero(~valid)
    keep = np.ones(len(geoms), dtype=bool)
    for i in bad:
        reason = shapely.is_valid_reason(geoms[i])
        fixed = shapely.make_valid(geoms[i])
        polys = [p for p in shapely.get_parts(fixed) if shapely.get_type_id(p) in (3, 6)]
        fixed = shapely.union_all(polys) if polys else None
        fid = str(gdf.index[i])
        if fixed is None or fixed.is_empty:
            keep[i] = False
            report.warning(
                "unrepairable_geometry",
                f"invalid polygon ({reason}) has no area once repaired: feature dropped",
                file=file,
                feature=fid,
            )
            continue
        before = shapely.area(geoms[i])
        geoms[i] = fixed
        report.repair(
            "geometry_repaired",
            f"invalid polygon repaired ({reason}); area {_pct(before, shapely.area(fixed))}",
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
        report.warning("empty_geometry", "polygon without area: feature dropped", file=file, feature=str(gdf.index[i]))
    report.count("zones_repaired", len(bad))
    out = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    return out if keep.all() else out.loc[keep]


def _pct(before: float, after: float) -> str:
    if before == 0:
        return "now non-zero" if after else "zero"
    return f"changed by {100 * (after - before) / before:+.2f} %"


def map_fields(raw: pd.DataFrame, spec, report: Report, file: str) -> dict[str, str] | None:
    """canonical field → source column, from [zones.fields] or the Permen names (with suffixes)."""
    mapping = {}
    columns = list(raw.columns)
    for canon, source in spec.fields.items():
        if canon not in DEFAULT_FIELDS:
            report.warning(
                "unknown_key",
                f"[zones.fields] {canon} is not a field rdtr knows ({', '.join(DEFAULT_FIELDS)}): ignored",
                file="plan.toml",
            )
            continue
        exact = [c for c in columns if str(c).casefold() == source.casefold()]
        col = exact[0] if exact else None
        if col is None:
            report.error(
                "unknown_column",
                f"[zones.fields] {canon} = {source!r}: the layer has no such column "
                f"(columns: {', '.join(map(str, columns))})",
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
            report.info.setdefault("notes", []).append("sub-zone names taken from NAMOBJ (no NAMSZN values)")
    if "subzone_code" not in mapping and "subzone_name" not in mapping:
        report.error(
            "missing_column",
            "no sub-zone column: the layer has no KODSZN (nor KODSZN_1, …) and no "
            'NAMSZN; map the sub-zone column with [zones.fields] subzone_code = "…" '
            f"(columns: {', '.join(map(str, columns))})",
            file=file,
        )
        return None
    if "subzone_code" not in mapping:
        report.warning(
            "names_only",
            "no sub-zone code column (KODSZN): sub-zones are resolved from the names in "
            f"{mapping['subzone_name']!r} through the sub-zone table",
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
                "the zone layer has sub-zone names only: give the plan's sub-zone "
                'table ([subzones] path = "subzona.csv") to resolve them to codes',
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
        report.error("missing_value", "no sub-zone code or name", file=file, feature=str(out.index[i]))
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
                f"sub-zone {c!r} written as {fixed!r} in the sub-zone table: {int(mask.sum())} features",
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
            f"{int(disagree.sum())} features carry a zone code that differs from "
            f"the sub-zone table's (first: feature {out.index[disagree.to_numpy()][0]}, "
            f"{layer_zone[disagree].iloc[0]!r} vs {zc[disagree].iloc[0]!r}); the table's is used",
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
                f"no zone code for sub-zones {', '.join(miss)} (not in the table, nor on the features)",
                file=file,
            )
    return table


def derive_table(out: gpd.GeoDataFrame, report: Report, file: str) -> SubzoneTable:
    """The sub-zone table from the layer's distinct KODSZN/NAMSZN/KODZON/NAMZON."""
    df = pd.DataFrame({k: out[k] for k in ("subzone_code", "subzone_name", "zone_code", "zone_name")})
    df = df[df["subzone_code"].notna()]
    rows = []
    for code, grp in df.groupby("subzone_code", sort=True):
        vals = {}
        for col in ("subzone_name", "zone_code", "zone_name"):
            counts = grp[col].dropna().value_counts()
            vals[col] = counts.index[0] if len(counts) else None
            if len(counts) > 1:
                report.warning(
                    "inconsistent_subzone",
                    f"sub-zone {code!r} has several {col} values "
                    f"({', '.join(map(repr, counts.index[:5]))}): the most frequent, "
                    f"{counts.index[0]!r}, is used",
                    file=file,
                )
        rows.append(Subzone(code, vals["subzone_name"], vals["zone_code"], vals["zone_name"]))
    missing_zone = [r.code for r in rows if r.zone_code is None]
    if missing_zone:
        report.warning(
            "no_zone",
            f"no zone code (KODZON) for sub-zones {', '.join(missing_zone[:20])}: give "
            "a sub-zone table ([subzones]) to name their zones",
            file=file,
        )
    report.info.setdefault("notes", []).append("sub-zone table derived from the zone layer")
    return SubzoneTable(rows, "derived from the zone layer")


def special_provisions(raw: pd.DataFrame, extra: dict[str, str], report: Report, file: str) -> list[list[dict]]:
    """Per feature: ``[{"kind": "KKOP", "value": "K01G"}, …]`` from the columns that are not none."""
    found = []
    for kind, std in PROVISION_COLUMNS.items():
        col = find_column(raw.columns, std, raw)
        if col is not None:
            found.append((kind, col))
    for kind, col in extra.items():
        real = next((c for c in raw.columns if str(c).casefold() == col.casefold()), None)
        if real is None:
            report.error("unknown_column", f"[zones.provisions] {kind} = {col!r}: no such column", file=file)
            continue
        found.append((kind, real))
    if found:
        report.info["special_provision_columns"] = {k: c for k, c in found}
    n = len(raw)
    out: list[list[dict]] = [[] for _ in range(n)]
    for kind, col in found:
        values = clean_series(raw[col]).to_numpy()
        for i in np.flatnonzero(pd.notna(values)):
            out[i].append({"kind": kind, "value": values[i]})
    return out


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
