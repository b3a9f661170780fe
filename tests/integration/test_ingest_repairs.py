"""Real deliveries that used to fail and are now repaired (and reported): separators between valid ITBX
condition codes, coded-value field domains, KML description tables, gaps open to the plan's outer edge.

The module writes (loads plans): it runs on a database of its own (``fresh_database``)."""

from __future__ import annotations

import csv
import shutil
import sqlite3
import subprocess
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from sqlalchemy import text

from rdtr.errors import PackageError
from rdtr.ingest import ingest_package
from tests.integration.test_ingest_rules import TRIKORA_SUBZONES, _bintan_package
from tests.support.ingest import (
    ACTIVITIES,
    ORIGIN,
    SUBZONES,
    grid_zones,
    make_package,
    points_answer,
    write_csv,
    write_vector,
)

SUBS = list(SUBZONES)


def _itbx(db, version_id: int) -> dict[tuple[str, str], tuple[str, list[str]]]:
    with db.engine.connect() as conn:
        return {
            (r.activity_code, r.subzone_code): (r.cls, list(r.codes))
            for r in conn.execute(
                text(
                    "SELECT a.activity_code, i.subzone_code, i.class AS cls, i.codes FROM itbx i "
                    "JOIN activity a ON a.id = i.activity_id WHERE i.plan_version_id = :v"
                ),
                {"v": version_id},
            )
        }


def _write_itbx(root: Path, cells: dict[tuple[str, str], str]) -> None:
    rows = []
    for code, name, kbli, default in ACTIVITIES:
        rows.append([code, name, kbli, "Umum", *[cells.get((code, s), d) for s, d in zip(SUBS, default)]])
    write_csv(root / "itbx.csv", ["activity_code", "activity", "kbli", "group", *SUBS], rows)


# --- 1. separators between valid condition codes ---------------------------------------------------
REPAIRED = {
    ("A002", "R-2"): "T1;T2",
    ("A002", "R-3"): "T1. T2",
    ("A003", "R-3"): "B1 dan B2",
    ("A003", "K-1"): "B1.B2",
    ("A001", "K-1"): "T1 + B2",
    ("A001", "R-3"): "T1,,B2",
    ("A004", "R-2"): "T1/B2",
    ("A004", "R-3"): "T1&B2",
}


def test_separators_are_repaired_and_reported(fresh_database, tmp_path):
    root = make_package(tmp_path / "pkg", "repaired-cells", overlay=False)
    cells = dict(REPAIRED)
    cells[("A004", "K-1")] = "B1.B2"  # the same text twice: one warning counting 2
    _write_itbx(root, cells)
    result = ingest_package(fresh_database, root)
    got = _itbx(fresh_database, result.plan_version_id)
    assert got[("A002", "R-2")] == ("T", ["T1", "T2"])
    assert got[("A002", "R-3")] == ("T", ["T1", "T2"])
    assert got[("A003", "R-3")] == ("B", ["B1", "B2"])
    assert got[("A003", "K-1")] == ("B", ["B1", "B2"])
    assert got[("A004", "K-1")] == ("B", ["B1", "B2"])
    assert got[("A001", "K-1")] == ("B", ["T1", "B2"])
    assert got[("A001", "R-3")] == ("B", ["T1", "B2"])
    assert got[("A004", "R-2")] == ("B", ["T1", "B2"])
    assert got[("A004", "R-3")] == ("B", ["T1", "B2"])
    assert got[("A003", "R-2")] == ("X", ["X"])  # valid forms unchanged
    warnings = {w["message"].split("'")[1]: w for w in result.report["warnings"] if w["code"] == "repaired_cell"}
    assert set(warnings) == set(REPAIRED.values())
    assert warnings["B1.B2"]["count"] == 2 and warnings["B1.B2"]["row"] == 4  # A003 is line 4, its first
    assert warnings["B1.B2"]["column"] == "K-1" and warnings["B1.B2"]["repaired_to"] == "B1,B2"
    assert all(w["count"] == 1 for t, w in warnings.items() if t != "B1.B2")
    assert result.report["counts"]["itbx_repaired_cells"] == 9


def test_still_invalid_cell_is_an_error_naming_row_and_column(fresh_database, tmp_path):
    root = make_package(tmp_path / "pkg", "invalid-cell", overlay=False)
    _write_itbx(root, {("A002", "K-1"): "B1.2", ("A003", "R-3"): "B1;B2"})
    with pytest.raises(PackageError) as exc:
        ingest_package(fresh_database, root)
    errors = [e for e in exc.value.report["errors"] if e["code"] == "unknown_class"]
    assert [(e["file"], e["row"], e["column"]) for e in errors] == [("itbx.csv", 3, "K-1")]
    assert "B1.2" in errors[0]["message"]


def test_bintan_bsb_loads_with_its_b1_b2_cells(fresh_database, tmp_path):
    """The real BSB matrix has 'B1.B2' twice: it now loads, both cells read as B1,B2, one warning."""
    root = _bintan_package(tmp_path / "pkg", "bintan-bsb", "itbx_bsb.csv")
    extra = [
        ("RTH-2", "Taman Kota", "RTH", ""),
        ("RTH-3", "Taman Kecamatan", "RTH", ""),
        ("HPT", "Hutan Produksi Terbatas", "KHP", ""),
        ("P-1", "Tanaman Pangan", "P", ""),
        ("P-2", "Hortikultura", "P", ""),
        ("IK-2", "Perikanan Budi Daya", "IK", ""),
        ("K-1", "Perdagangan dan Jasa Skala Kota", "K", ""),
    ]
    subs = [s for s in TRIKORA_SUBZONES if s[0] != "K-3"] + extra + [("K-3", "Perdagangan dan Jasa Skala SWP", "K", "")]
    write_csv(root / "subzona.csv", ["subzone_code", "subzone_name", "zone_code", "aliases"], [list(s) for s in subs])
    with open(root / "itbx_bsb.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    where = [(i + 1, rows[0][j], r[0]) for i, r in enumerate(rows) for j, c in enumerate(r) if c == "B1.B2"]
    assert len(where) == 2, "the fixture's 'B1.B2' cells are gone"
    result = ingest_package(fresh_database, root)
    (warning,) = [w for w in result.report["warnings"] if w["code"] == "repaired_cell"]
    assert warning["count"] == 2 and (warning["row"], warning["column"]) == where[0][:2]
    got = _itbx(fresh_database, result.plan_version_id)
    code_of = {name: code for code, name, _, _ in subs}
    for _, column, activity in where:
        assert got[(activity, code_of[column])] == ("B", ["B1", "B2"])


# --- 2. coded-value field domains ------------------------------------------------------------------
def _add_gpkg_domain(path: Path, layer: str, column: str, name: str, values: dict[str, str]) -> None:
    """A coded-value (enum) domain on ``column``, written the way GDAL writes it (GeoPackage schema extension)."""
    with sqlite3.connect(path) as c:
        c.executescript(
            """
CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT,
  title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, PRIMARY KEY (table_name, column_name));
CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (constraint_name TEXT NOT NULL, constraint_type TEXT
  NOT NULL, value TEXT, min NUMERIC, min_is_inclusive BOOLEAN, max NUMERIC, max_is_inclusive BOOLEAN,
  description TEXT, UNIQUE (constraint_name, constraint_type, value));
INSERT OR IGNORE INTO gpkg_extensions VALUES ('gpkg_data_columns', NULL, 'gpkg_schema',
  'http://www.geopackage.org/spec121/#extension_schema', 'read-write');
INSERT OR IGNORE INTO gpkg_extensions VALUES ('gpkg_data_column_constraints', NULL, 'gpkg_schema',
  'http://www.geopackage.org/spec121/#extension_schema', 'read-write');
"""
        )
        c.execute(
            "INSERT INTO gpkg_data_columns (table_name, column_name, constraint_name) VALUES (?, ?, ?)",
            (layer, column, name),
        )
        c.executemany(
            "INSERT INTO gpkg_data_column_constraints (constraint_name, constraint_type, value, description) "
            "VALUES (?, 'enum', ?, ?)",
            [(name, k, v) for k, v in values.items()],
        )


def _domain_zones(root: Path) -> tuple[gpd.GeoDataFrame, Path]:
    truth = grid_zones()
    coded = truth.drop(columns=["OBJECTID"]).copy()
    numbers = {code: str(i) for i, code in enumerate(SUBS, 1)}
    coded["KODSZN"] = coded["KODSZN"].map(numbers)  # 1 … 4: the numbers say nothing by themselves
    coded["KODZON"] = "Z" + coded["KODZON"]  # text codes: a code field keeps them (no domain resolution)
    root.mkdir(parents=True, exist_ok=True)
    gpkg = root / "domains.gpkg"
    write_vector(coded, gpkg)
    _add_gpkg_domain(gpkg, "pola_ruang", "KODSZN", "dom_kodszn", {v: k for k, v in numbers.items()})
    _add_gpkg_domain(gpkg, "pola_ruang", "KODZON", "dom_kodzon", {"ZR": "Zona R", "ZK": "Zona K"})
    return truth, gpkg


def _check_domains(db, plan_id: str, result, truth, file: str) -> None:
    points_answer(db, plan_id, truth, "KODSZN")
    (warning,) = [w for w in result.report["warnings"] if w["code"] == "resolved_domain"]
    assert warning["column"] == "KODSZN" and warning["count"] == len(truth) and warning["file"] == file
    info = result.report["info"]["field_domains"]
    assert info["KODSZN"] == {"domain": "dom_kodszn", "codes": 4, "values_coded": 12, "resolved": True}
    assert info["KODZON"]["resolved"] is False and info["KODZON"]["values_coded"] == 9  # ZR, ZK; ZRTH is no code


def test_gpkg_coded_value_domain_resolves(fresh_database, tmp_path):
    truth, gpkg = _domain_zones(tmp_path / "src")
    root = make_package(tmp_path / "pkg", "domains-gpkg", overlay=False)
    shutil.copy(gpkg, root / "pola_ruang.gpkg")
    result = ingest_package(fresh_database, root)
    _check_domains(fresh_database, "domains-gpkg", result, truth, "pola_ruang.gpkg")


@pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="needs GDAL's ogr2ogr to write a File Geodatabase")
def test_filegdb_coded_value_domain_resolves(fresh_database, tmp_path):
    """A File Geodatabase with coded-value domains, written by GDAL (OpenFileGDB writes domains, GDAL ≥ 3.6)."""
    truth, gpkg = _domain_zones(tmp_path / "src")
    root = make_package(tmp_path / "pkg", "domains-gdb", overlay=False, zones_file="rdtr.gdb")
    shutil.rmtree(root / "rdtr.gdb")
    subprocess.run(["ogr2ogr", "-f", "OpenFileGDB", str(root / "rdtr.gdb"), str(gpkg)], check=True, capture_output=True)
    assert (
        "domain name=dom_kodszn"
        in subprocess.run(
            ["ogrinfo", "-so", str(root / "rdtr.gdb"), "pola_ruang"], check=True, capture_output=True, text=True
        ).stdout
    )
    result = ingest_package(fresh_database, root)
    _check_domains(fresh_database, "domains-gdb", result, truth, "rdtr.gdb")


# --- 3. KML description tables ---------------------------------------------------------------------
def _kml_with_description_tables(gdf: gpd.GeoDataFrame, path: Path) -> None:
    """A KML as ArcGIS's "Layer to KML" writes it: attributes only in an HTML table in <description>."""
    marks = []
    for _, row in gdf.to_crs(4326).iterrows():
        shade = ' bgcolor="#D4E4F3"'
        rows = "".join(
            f"<tr{shade if n % 2 else ''}><td>{k}</td><td>{row[k]}</td></tr>"
            for n, k in enumerate(["OBJECTID", "KODSZN", "NAMSZN", "KODZON", "KODBLK"])
        )
        html = (
            '<html><body><table border="1"><tr><th colspan="2" align="center"><em>Pola Ruang</em></th></tr>'
            f"{rows}<tr><td>KETERANGAN</td><td>&lt;Null&gt;</td></tr></table></body></html>"
        )
        ring = " ".join(f"{x:.9f},{y:.9f},0" for x, y in row.geometry.exterior.coords)
        marks.append(
            f"<Placemark><name>{row['NAMOBJ']}</name><description><![CDATA[{html}]]></description>"
            f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{ring}</coordinates></LinearRing>"
            "</outerBoundaryIs></Polygon></Placemark>"
        )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"<Folder><name>pola_ruang</name>{''.join(marks)}</Folder></Document></kml>",
        encoding="utf-8",
    )


def test_kml_description_tables_become_attributes(fresh_database, tmp_path):
    truth = grid_zones()
    root = make_package(tmp_path / "pkg", "kml-descriptions", overlay=False)
    (root / "pola_ruang.gpkg").unlink()
    _kml_with_description_tables(truth, root / "pola_ruang.kml")
    toml = (root / "plan.toml").read_text(encoding="utf-8").replace("pola_ruang.gpkg", "pola_ruang.kml")
    (root / "plan.toml").write_text(toml, encoding="utf-8")
    result = ingest_package(fresh_database, root)
    points_answer(fresh_database, "kml-descriptions", truth, "KODSZN")
    (warning,) = [w for w in result.report["warnings"] if w["code"] == "kml_description_columns"]
    assert warning["count"] == len(truth) and warning["file"] == "pola_ruang.kml"
    assert result.report["info"]["kml_description_columns"] == [
        "OBJECTID", "KODSZN", "NAMSZN", "KODZON", "KODBLK", "KETERANGAN"
    ]  # fmt: skip
    with fresh_database.engine.connect() as conn:
        blocks = conn.execute(
            text("SELECT count(*) FROM zone WHERE plan_version_id = :v AND block = 'B1'"),
            {"v": result.plan_version_id},
        ).scalar()
    assert blocks == 4


# --- 4. gaps open to the plan's outer edge ---------------------------------------------------------
def test_boundary_notch_at_the_edge_is_a_gap(fresh_database, tmp_path):
    zones = grid_zones()
    x0, y0 = ORIGIN
    notch = shapely.box(x0, y0 + 40, x0 + 30, y0 + 60)  # 600 m² cut into the west edge of zone 1
    zones.loc[0, "geometry"] = zones.geometry.iloc[0].difference(notch)
    root = make_package(tmp_path / "pkg", "edge-gap", zones=zones, overlay=False)
    # the plan area: the grid, its north edge 5 cm beyond the zones (a sliver: counted, not listed)
    area = gpd.GeoDataFrame({"nama": ["WP"]}, geometry=[shapely.box(x0, y0, x0 + 400, y0 + 300.05)], crs=zones.crs)
    area.to_crs(4326).to_file(root / "batas.gpkg", driver="GPKG")
    toml = (root / "plan.toml").read_text(encoding="utf-8")
    (root / "plan.toml").write_text(toml.replace("synthetic = true", 'synthetic = true\nboundary = "batas.gpkg"'))
    result = ingest_package(fresh_database, root)
    gaps = [w for w in result.report["warnings"] if w["code"] == "gap"]
    assert len(gaps) == 1 and gaps[0]["area_m2"] == pytest.approx(600, rel=0.01)
    lon, lat = gaps[0]["location"]
    pt = gpd.GeoSeries([shapely.Point(lon, lat)], crs=4326).to_crs(zones.crs).iloc[0]
    assert notch.buffer(1e-3).contains(pt)
    topo = result.report["topology"]["gaps"]
    assert topo["items"][0]["kind"] == "edge"
    assert topo["boundary"]["edge_gaps"] == 1 and topo["boundary"]["slivers_m2"] == pytest.approx(20, abs=1)
    assert result.report["info"]["plan_boundary"] == "batas.gpkg"


def test_without_boundary_the_edge_is_not_checked_and_the_report_says_so(fresh_database, tmp_path):
    zones = grid_zones()
    zones.loc[0, "geometry"] = zones.geometry.iloc[0].difference(shapely.box(*ORIGIN, ORIGIN[0] + 30, ORIGIN[1] + 20))
    result = ingest_package(fresh_database, make_package(tmp_path / "pkg", "no-boundary", zones=zones, overlay=False))
    assert not [w for w in result.report["warnings"] if w["code"] == "gap"]
    assert result.report["topology"]["gaps"]["boundary"]["edge_gaps"].startswith("not checked")
