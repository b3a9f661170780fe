"""Real deliveries in every format GDAL reads, reprojected and renamed: they load, and a point inside each
delivered polygon answers that polygon's sub-zone (direct SQL against zone_part of the version in force).

The module writes (loads plans): it runs on a database of its own (``fresh_database``)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from sqlalchemy import text

from rdtr.ingest import ingest_package
from tests.support.ingest import points_answer, write_vector, zip_dir
from tests.support.paths import real_data

JAKARTA = ("jakarta-rdtr-inven2023", "rdtr_jakarta_sample.geojson")
YOGYA = ("yogyakarta-itbx-simtaru", "pola_ruang_rdtr_kota_jogja_sample50.geojson")


def _jakarta() -> gpd.GeoDataFrame:
    return gpd.read_file(real_data(*JAKARTA))


def _package(root: Path, plan_id: str, zones_path: str, zones_toml: str = "", extra: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "plan.toml").write_text(
        f'''[plan]
id = "{plan_id}"
name = "RDTR {plan_id}"
legal_basis = "Pergub DKI Jakarta No. 31 Tahun 2022"
effective_from = 2022-04-01

[zones]
path = "{zones_path}"
{zones_toml}
{extra}''',
        encoding="utf-8",
    )
    return root


def _shp_zip(gdf, folder: Path, target: Path, with_prj: bool = True) -> None:
    write_vector(gdf, folder / "pola_ruang.shp")
    with zipfile.ZipFile(target, "w") as zf:
        for p in sorted(folder.iterdir()):
            if with_prj or p.suffix.lower() != ".prj":
                zf.write(p, p.name)
    shutil.rmtree(folder)


def _gdb_zip(gdf, folder: Path, target: Path) -> None:
    write_vector(gdf, folder / "rdtr.gdb")
    zip_dir(folder, target)
    shutil.rmtree(folder)


def _kmz(gdf, folder: Path, target: Path) -> None:
    write_vector(gdf, folder / "doc.kml")
    zip_dir(folder, target)
    shutil.rmtree(folder)


FORMATS = {
    # name: (zones path in the package, writer(gdf, package_root), extra [zones] keys)
    "gpkg": ("pola_ruang.gpkg", lambda g, r: write_vector(g, r / "pola_ruang.gpkg"), ""),
    "shp-folder": ("shp", lambda g, r: write_vector(g, r / "shp" / "pola_ruang.shp"), ""),
    "shp-zip": ("pola_ruang.zip", lambda g, r: _shp_zip(g, r / "tmp", r / "pola_ruang.zip"), ""),
    "shp-zip-no-prj": (
        "pola_ruang.zip",
        lambda g, r: _shp_zip(g, r / "tmp", r / "pola_ruang.zip", False),
        'crs = "EPSG:4326"',
    ),
    "geojson": ("pola_ruang.geojson", lambda g, r: write_vector(g, r / "pola_ruang.geojson"), ""),
    "kml": ("pola_ruang.kml", lambda g, r: write_vector(g.to_crs(4326), r / "pola_ruang.kml"), ""),
    "kmz": ("pola_ruang.kmz", lambda g, r: _kmz(g.to_crs(4326), r / "tmp", r / "pola_ruang.kmz"), ""),
    "gdb-folder": ("rdtr.gdb", lambda g, r: write_vector(g, r / "rdtr.gdb"), 'layer = "pola_ruang"'),
    "gdb-zip": ("rdtr.gdb.zip", lambda g, r: _gdb_zip(g, r / "tmp", r / "rdtr.gdb.zip"), ""),
}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_jakarta_loads_in_every_format(fmt, tmp_path, fresh_database):
    gdf = _jakarta()
    zones_path, writer, toml = FORMATS[fmt]
    root = _package(tmp_path / "pkg", f"fmt-{fmt}", zones_path, toml)
    writer(gdf, root)
    result = ingest_package(fresh_database, root)
    assert result.version == 1
    assert result.report["counts"]["zones"] == len(gdf) == 25
    assert result.report["info"]["field_mapping"]["subzone_code"].upper() == "KODSZN_1"
    points_answer(fresh_database, f"fmt-{fmt}", gdf, "KODSZN_1")


@pytest.mark.parametrize("epsg", [9489, 23878, 32748, 9480])
def test_jakarta_reprojected_loads_where_it_was(epsg, tmp_path, fresh_database):
    # Jakarta lies in UTM 48S: SRGI2013 9489, DGN95 23878, WGS 84 32748; 9480 (50N) is a far zone but valid.
    gdf = _jakarta()
    root = _package(tmp_path / "pkg", f"reproj-{epsg}", "pola_ruang.gpkg")
    write_vector(gdf.to_crs(epsg), root / "pola_ruang.gpkg")
    result = ingest_package(fresh_database, root)
    assert result.report["info"]["source_crs"] == f"EPSG:{epsg}"
    points_answer(fresh_database, f"reproj-{epsg}", gdf, "KODSZN_1")
    # the recomputed area is the geodesic area of the delivered polygons, whatever the CRS
    with fresh_database.engine.connect() as conn:
        areas = conn.execute(
            text("SELECT sum(area_m2), sum(ST_Area(geom::geography)) FROM zone WHERE plan_version_id = :v"),
            {"v": result.plan_version_id},
        ).one()
    assert areas[0] == pytest.approx(areas[1], rel=1e-4)


def test_renamed_fields_through_the_mapping(tmp_path, fresh_database):
    gdf = _jakarta().rename(columns={"KODSZN_1": "SUBZONA", "KODZON_1": "ZONA", "KODBLK": "blok"})
    gdf.columns = [c if c in ("SUBZONA", "ZONA", "blok", "geometry") else c.lower() for c in gdf.columns]
    root = _package(
        tmp_path / "pkg",
        "renamed",
        "z.shp",
        '[zones.fields]\nsubzone_code = "SUBZONA"\nzone_code = "ZONA"\nblock = "blok"',
    )
    write_vector(gdf.to_crs(9489), root / "z.shp")
    result = ingest_package(fresh_database, root)
    mapping = result.report["info"]["field_mapping"]
    assert mapping["subzone_code"] == "SUBZONA" and mapping["kecamatan"] == "wadmkc"  # lower case found too
    points_answer(fresh_database, "renamed", gdf, "SUBZONA")
    with fresh_database.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT block, kecamatan, special_provisions, tpz FROM zone "
                "WHERE plan_version_id = :v AND feature_id = '4'"
            ),
            {"v": result.plan_version_id},
        ).one()
    src = gdf.iloc[4]
    assert row.block == src["blok"] and row.kecamatan == src["wadmkc"]
    assert {"kind": "KSMPDN", "value": "K09B"} in row.special_provisions  # kksmpdn column, lower-case
    assert row.tpz == ["b", "l"]


def test_ogr2ogr_written_shapefile_in_bontang_utm(tmp_path, fresh_database):
    """Bontang's real kelurahan boundaries, written by GDAL's own ogr2ogr to SRGI2013 / UTM 50N, with the
    kelurahan code as the sub-zone field."""
    src = real_data("id-admin-boundaries-cahyadsn", "bontang_kelurahan.geojson")
    root = _package(
        tmp_path / "pkg", "bontang-kel", "kel", '[zones.fields]\nsubzone_code = "kode"\nsubzone_name = "nama"'
    )
    (root / "kel").mkdir()
    subprocess.run(
        ["ogr2ogr", "-f", "ESRI Shapefile", "-t_srs", "EPSG:9480", str(root / "kel" / "kel.shp"), str(src)],
        check=True,
        capture_output=True,
    )
    result = ingest_package(fresh_database, root)
    assert result.report["counts"]["zones"] == 15
    truth = gpd.read_file(src)
    points_answer(fresh_database, "bontang-kel", truth.assign(kode=truth["kode"].astype(str)), "kode")


@pytest.mark.parametrize("epsg", [9481, 23870, 32750])
def test_bontang_kelurahan_reprojected(epsg, tmp_path, fresh_database):
    """Real Bontang boundaries in SRGI2013 / UTM 51N, DGN95 / UTM 50N and WGS 84 / UTM 50S (northings
    ≈ 10,000 km: Bontang lies just north of the equator) load where they were."""
    truth = gpd.read_file(real_data("id-admin-boundaries-cahyadsn", "bontang_kelurahan.geojson"))
    truth["kode"] = truth["kode"].astype(str)
    root = _package(
        tmp_path / "pkg",
        f"bontang-kel-{epsg}",
        "kel.gpkg",
        '[zones.fields]\nsubzone_code = "kode"\nsubzone_name = "nama"',
    )
    write_vector(truth.to_crs(epsg), root / "kel.gpkg")
    result = ingest_package(fresh_database, root)
    assert result.report["info"]["source_crs"] == f"EPSG:{epsg}"
    assert not [r for r in result.report["repaired"] if r["code"] == "crs_fixed"]
    points_answer(fresh_database, f"bontang-kel-{epsg}", truth, "kode")
