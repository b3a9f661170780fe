"""Small plan packages built on the fly for the ingest tests (never committed)."""

from __future__ import annotations

import csv
import shutil
import zipfile
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

#: Sub-zones of the little test plan: code → (name, zone code, zone name).
SUBZONES = {
    "R-2": ("Perumahan Kepadatan Tinggi", "R", "Zona Perumahan"),
    "R-3": ("Perumahan Kepadatan Sedang", "R", "Zona Perumahan"),
    "K-1": ("Perdagangan dan Jasa Skala Kota", "K", "Zona Perdagangan dan Jasa"),
    "RTH-2": ("Taman Kota", "RTH", "Zona Ruang Terbuka Hijau"),
}
ACTIVITIES = [  # code, name, kbli, cells per sub-zone (R-2, R-3, K-1, RTH-2)
    ("A001", "Rumah Tunggal", "68111", ["I", "I", "T1", "X"]),
    ("A002", "Toko", "47111;47112", ["T1,T2", "T1", "I", "X"]),
    ("A003", "SPBU", "47300", ["X", "B1", "B1,B2", "X"]),
    ("A004", "Taman", "", ["I", "I", "I", "I"]),
]
CODES = {
    "T1": "dibatasi 20% dari luas persil",
    "T2": "jam operasional 07.00–24.00",
    "B1": "persetujuan warga sekitar",
    "B2": "menyediakan parkir",
}

#: Bontang, SRGI2013 / UTM 50N (EPSG:9480): the grid's lower-left corner.
ORIGIN = (555_000.0, 10_000.0)


def grid_zones(
    nx: int = 4, ny: int = 3, size: float = 100.0, origin=ORIGIN, crs="EPSG:9480", codes=None
) -> gpd.GeoDataFrame:
    """nx × ny square zones of ``size`` metres with Permen 14/2021 attributes."""
    subs = list(SUBZONES)
    rows, geoms = [], []
    for j in range(ny):
        for i in range(nx):
            k = j * nx + i
            code = codes[k] if codes else subs[k % len(subs)]
            name, zc, zn = SUBZONES.get(code, (code, None, None))
            x0, y0 = origin[0] + i * size, origin[1] + j * size
            geoms.append(shapely.box(x0, y0, x0 + size, y0 + size))
            rows.append(
                {
                    "OBJECTID": k + 1,
                    "NAMOBJ": name,
                    "KODZON": zc,
                    "NAMZON": zn,
                    "KODSZN": code,
                    "NAMSZN": name,
                    "KODBLK": f"B{j}",
                    "KODSBL": "Tidak Ada",
                    "WADMKC": "Bontang Utara",
                    "WADMKD": "Api-Api",
                    "KKOP_1": "Kawasan di bawah permukaan horizontal dalam" if i == 0 else "Tidak Ada",
                    "KRB_03": "-",
                    "TPZ_00": "b,l" if k == 1 else "Tidak Ada",
                    "LUASHA": 99.0,
                }
            )
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=crs)


def to_lonlat(geom_utm):
    """A geometry in the test plans' metres (EPSG:9480, SRGI2013 / UTM 50N) in lon/lat (EPSG:4326)."""
    return gpd.GeoSeries([geom_utm], crs="EPSG:9480").to_crs(4326).iloc[0]


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def make_package(
    root: Path,
    plan_id: str = "testplan",
    *,
    effective_from: str = "2024-01-01",
    zones: gpd.GeoDataFrame | None = None,
    zones_file: str = "pola_ruang.gpkg",
    zones_toml: str = "",
    extra_toml: str = "",
    itbx: bool = True,
    overlay: bool = True,
    legal_basis: str = "Perwali Test No. 1 Tahun 2024",
    driver: str | None = None,
) -> Path:
    """A complete little package in ``root``; returns ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    zones = grid_zones() if zones is None else zones
    write_vector(zones, root / zones_file, driver=driver)
    write_csv(
        root / "subzona.csv",
        ["subzone_code", "subzone_name", "zone_code", "zone_name"],
        [[c, *v] for c, v in SUBZONES.items()],
    )
    toml = f'''[plan]
id = "{plan_id}"
name = "RDTR Test {plan_id}"
legal_basis = "{legal_basis}"
effective_from = {effective_from}
synthetic = true

[zones]
path = "{zones_file}"
{zones_toml}

[subzones]
path = "subzona.csv"
'''
    if itbx:
        subs = list(SUBZONES)
        write_csv(
            root / "itbx.csv",
            ["activity_code", "activity", "kbli", "group", *subs],
            [[c, n, k, "Umum", *cells] for c, n, k, cells in ACTIVITIES],
        )
        write_csv(root / "itbx_codes.csv", ["code", "text"], [[c, t] for c, t in CODES.items()])
        write_csv(
            root / "intensitas.csv",
            [
                "subzone",
                "lot_area_min_m2",
                "lot_area_max_m2",
                "kdb_max",
                "klb_max",
                "kdh_min",
                "ktb_max",
                "height_max_m",
                "floors_max",
                "gsb_min_m",
                "lot_min_m2",
            ],
            [
                ["R-2", "", "", "60", "2,4", "20", "", "", "4", "3", ""],
                ["R-3", "", "", "70 %", "210%", "10", "", "12 m", "3 lantai", "3", "90"],
                ["K-1", "", "", "80", "4", "10", "60", "", "", "5", ""],
                ["RTH-2", "", "", "10", "0.1", "80", "", "", "", "", ""],
            ],
        )
        write_csv(root / "tpz.csv", ["code", "text"], [["b", "zona bonus"], ["l", "zona performa"]])
        toml += """
[itbx]
path = "itbx.csv"
codes = "itbx_codes.csv"

[intensity]
path = "intensitas.csv"

[tpz]
path = "tpz.csv"
"""
    if overlay:
        minx, miny, _, _ = zones.total_bounds
        kkop = gpd.GeoDataFrame(
            {"nama": ["KKOP Bandara"]}, geometry=[shapely.box(minx, miny, minx + 150, miny + 150)], crs=zones.crs
        )
        kkop.to_file(root / "kkop.gpkg", driver="GPKG")
        toml += """
[[overlays]]
kind = "KKOP"
path = "kkop.gpkg"
name = "KKOP Bandara PT Badak"
text = "Ketinggian bangunan dibatasi kawasan keselamatan operasi penerbangan"
"""
    (root / "plan.toml").write_text(toml + extra_toml, encoding="utf-8")
    return root


def write_vector(gdf: gpd.GeoDataFrame, path: Path, driver: str | None = None, layer: str | None = None) -> None:
    """Write ``gdf`` in the format its suffix says (.gpkg .shp .geojson .kml .gdb)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if driver is None:
        driver = {
            ".gpkg": "GPKG",
            ".shp": "ESRI Shapefile",
            ".geojson": "GeoJSON",
            ".json": "GeoJSON",
            ".kml": "KML",
            ".gdb": "OpenFileGDB",
        }[suffix]
    kwargs = {}
    if driver == "OpenFileGDB":
        # A File Geodatabase's OBJECTID is its feature id (FID), not an attribute.
        gdf = gdf.drop(columns=[c for c in gdf.columns if c.upper() == "OBJECTID"])
    if layer:
        kwargs["layer"] = layer
    elif driver in ("GPKG", "OpenFileGDB"):
        kwargs["layer"] = "pola_ruang"
    gdf.to_file(path, driver=driver, engine="pyogrio", **kwargs)


def zip_dir(folder: Path, target: Path, *, wrap: str | None = None) -> Path:
    """Zip ``folder``'s contents (optionally under one top folder ``wrap``)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                arc = p.relative_to(folder).as_posix()
                zf.write(p, f"{wrap}/{arc}" if wrap else arc)
    return target


def copy_package(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def centroid_lonlat(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """An interior point of each feature, as lon/lat."""
    pts = gdf.geometry.representative_point()
    return np.column_stack([pts.to_crs(4326).x, pts.to_crs(4326).y])


POINT_SQL = """
SELECT z.subzone_code FROM zone_part p JOIN zone z ON z.id = p.zone_id
WHERE p.plan_version_id = :v AND ST_Intersects(p.geom, ST_SetSRID(ST_Point(:lon, :lat), 4326))
"""


def points_answer(db, plan_id: str, truth: gpd.GeoDataFrame, code_col: str, overlaps_ok: bool = False) -> list[int]:
    """A point inside each delivered polygon hits exactly that polygon's sub-zone in the version of
    ``plan_id`` in force today in database ``db`` (direct SQL against zone_part; with ``overlaps_ok``, at
    least that sub-zone); returns the positions of points that hit several zones."""
    from sqlalchemy import text

    from rdtr.versions import versions_in_force

    pts = truth.to_crs(4326).geometry.representative_point()
    several = []
    with db.engine.connect() as conn:
        (current,) = versions_in_force(conn, date.today(), plan_id)
        for i, (pt, expected) in enumerate(zip(pts, truth[code_col])):
            found = conn.execute(text(POINT_SQL), {"v": current["id"], "lon": pt.x, "lat": pt.y}).scalars().all()
            if overlaps_ok and len(found) > 1:
                several.append(i)
                assert expected in found, f"point {pt.x:.6f},{pt.y:.6f}: expected {expected}, got {found}"
            else:
                assert found == [expected], f"point {pt.x:.6f},{pt.y:.6f}: expected {expected}, got {found}"
    return several
