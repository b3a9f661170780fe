"""The ingest pipeline end to end on real PostGIS: what is loaded, versions, refusals, repairs, the CLI.

The module writes (loads plans): it runs on a database of its own (``fresh_database``), which ``rdtr
ingest`` reaches through RDTR_DATABASE_URL."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from sqlalchemy import text
from typer.testing import CliRunner

from rdtr.cli import app
from rdtr.errors import Conflict, PackageError
from rdtr.ingest import ingest_package
from rdtr.versions import versions_in_force
from tests.support.ingest import ORIGIN, grid_zones, make_package, write_csv, write_vector, zip_dir
from tests.support.paths import real_data

runner = CliRunner()

POINT_SQL = """
SELECT z.subzone_code FROM zone_part p JOIN zone z ON z.id = p.zone_id
WHERE p.plan_version_id = :v AND ST_Intersects(p.geom, ST_SetSRID(ST_Point(:lon, :lat), 4326))
"""


def _state(db) -> tuple:
    """Rows that a failed load must leave untouched, for every plan."""
    with db.engine.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM plan), (SELECT count(*) FROM plan_version), (SELECT count(*) FROM zone), "
                    "(SELECT count(*) FROM zone_part), (SELECT count(*) FROM activity), (SELECT count(*) FROM itbx), "
                    "(SELECT count(*) FROM intensity), (SELECT count(*) FROM overlay), "
                    "(SELECT coalesce(string_agg(plan_id || ':' || version, ',' ORDER BY id), '') FROM plan_version)"
                )
            ).one()
        )


def _runs(db, plan_id: str) -> list:
    with db.engine.connect() as conn:
        return conn.execute(
            text("SELECT ok, dry_run, plan_version_id, report FROM ingest_run WHERE plan_id = :p ORDER BY id"),
            {"p": plan_id},
        ).all()


def _lonlat(x: float, y: float, crs="EPSG:9480") -> tuple[float, float]:
    p = gpd.GeoSeries([shapely.Point(x, y)], crs=crs).to_crs(4326).iloc[0]
    return p.x, p.y


def _answer(db, version_id: int, x: float, y: float) -> list[str]:
    lon, lat = _lonlat(x, y)
    with db.engine.connect() as conn:
        return conn.execute(text(POINT_SQL), {"v": version_id, "lon": lon, "lat": lat}).scalars().all()


@pytest.fixture(scope="module")
def loaded(fresh_database, tmp_path_factory):
    root = make_package(tmp_path_factory.mktemp("full") / "pkg", "full-test")
    return root, ingest_package(fresh_database, root)


def test_everything_in_the_package_is_loaded(loaded, fresh_database):
    _, result = loaded
    v = result.plan_version_id
    assert result.version == 1 and not result.dry_run
    with fresh_database.engine.connect() as conn:
        pv = conn.execute(
            text(
                "SELECT legal_basis, effective_from, synthetic, zone_count, source_crs, "
                "ST_XMin(bbox) x0, ST_YMax(bbox) y1, validation_report FROM plan_version WHERE id = :v"
            ),
            {"v": v},
        ).one()
        zones = conn.execute(
            text(
                "SELECT feature_id, subzone_code, zone_code, zone_name, tpz, special_provisions, "
                "attributes, area_m2, ST_Area(geom::geography) AS geo_area, block, subblock "
                "FROM zone WHERE plan_version_id = :v ORDER BY feature_id::int"
            ),
            {"v": v},
        ).all()
        parts = conn.execute(text("SELECT count(*) FROM zone_part WHERE plan_version_id = :v"), {"v": v}).scalar()
        subzones = conn.execute(
            text("SELECT subzone_code, zone_code FROM subzone WHERE plan_version_id = :v ORDER BY 1"), {"v": v}
        ).all()
        intensity = {
            r.subzone_code: r
            for r in conn.execute(text("SELECT * FROM intensity WHERE plan_version_id = :v"), {"v": v})
        }
        kkop = conn.execute(
            text(
                "SELECT o.kind, o.name, count(z.id) FROM overlay o JOIN zone z ON z.plan_version_id = o.plan_version_id "
                "AND ST_Intersects(o.geom, z.geom) AND ST_Area(ST_Intersection(o.geom, z.geom)::geography) > 1 "
                "WHERE o.plan_version_id = :v GROUP BY 1, 2"
            ),
            {"v": v},
        ).all()
        tpz = dict(conn.execute(text("SELECT code, text FROM tpz_code WHERE plan_version_id = :v"), {"v": v}).all())
    assert (pv.legal_basis, pv.effective_from, pv.synthetic, pv.zone_count, pv.source_crs) == (
        "Perwali Test No. 1 Tahun 2024",
        date(2024, 1, 1),
        True,
        12,
        "EPSG:9480",
    )
    assert 117.49 < pv.x0 < 117.5 and 0.09 < pv.y1 < 0.1
    assert pv.validation_report["counts"]["zones"] == 12
    assert len(zones) == 12 and parts >= 12
    assert [z.subzone_code for z in zones[:4]] == ["R-2", "R-3", "K-1", "RTH-2"]
    assert zones[0].zone_code == "R" and zones[2].zone_name == "Zona Perdagangan dan Jasa"
    # LUASHA says 99 ha; the recomputed geodesic area of a 100 m × 100 m UTM square is ~1.0007 ha
    for z in zones:
        assert z.attributes["LUASHA"] == 99.0
        assert z.area_m2 == pytest.approx(z.geo_area, rel=1e-6)
        assert 10_000 < z.area_m2 < 10_010
    # "Tidak Ada" and "-" are none; the KKOP column is a special provision; TPZ split on commas
    assert zones[0].special_provisions == [{"kind": "KKOP", "value": "Kawasan di bawah permukaan horizontal dalam"}]
    assert zones[1].special_provisions == [] and zones[1].tpz == ["b", "l"] and zones[0].tpz == []
    assert zones[0].subblock is None and zones[0].block == "B0"
    assert zones[0].attributes["KODSBL"] == "Tidak Ada"  # verbatim in attributes
    assert [tuple(s) for s in subzones] == [("K-1", "K"), ("R-2", "R"), ("R-3", "R"), ("RTH-2", "RTH")]
    # numbers as text, comma decimals, units, KLB as a percent
    assert intensity["R-2"].klb_max == 2.4 and intensity["R-2"].floors_max == 4
    assert (
        intensity["R-3"].kdb_max,
        intensity["R-3"].klb_max,
        intensity["R-3"].height_max_m,
        intensity["R-3"].floors_max,
        intensity["R-3"].lot_min_m2,
    ) == (70, 2.1, 12, 3, 90)
    assert [r["code"] for r in result.report["repaired"]] == ["klb_percent"]
    assert kkop == [("KKOP", "KKOP Bandara PT Badak", 4)]  # 150 m square over the corner: 4 zones
    assert tpz == {"b": "zona bonus", "l": "zona performa"}
    runs = _runs(fresh_database, "full-test")
    assert [(r.ok, r.dry_run, r.plan_version_id) for r in runs] == [(True, False, result.plan_version_id)]


def test_identical_package_is_refused_also_zipped(loaded, fresh_database, tmp_path):
    root, result = loaded
    before = _state(fresh_database)
    with pytest.raises(Conflict, match="already loaded as full-test version 1"):
        ingest_package(fresh_database, root)
    with pytest.raises(Conflict):
        ingest_package(fresh_database, zip_dir(root, tmp_path / "same.zip", wrap="pkg"))
    assert _state(fresh_database) == before
    assert [r.ok for r in _runs(fresh_database, "full-test")] == [True, False, False]


def test_dry_run_validates_and_writes_only_the_run_record(fresh_database, tmp_path):
    root = make_package(tmp_path / "pkg", "dry-test")
    before = _state(fresh_database)
    result = ingest_package(fresh_database, root, dry_run=True)
    assert result.dry_run and result.version == 1 and result.plan_version_id is None
    assert result.report["counts"]["zones"] == 12
    assert _state(fresh_database) == before
    assert [(r.ok, r.dry_run) for r in _runs(fresh_database, "dry-test")] == [(True, True)]


def test_versions_old_answers_stay_answerable(fresh_database, tmp_path):
    v1 = make_package(
        tmp_path / "v1", "versions-test", effective_from="2020-01-01", legal_basis="Perwali No. 1 Tahun 2020"
    )
    r1 = ingest_package(fresh_database, v1)
    codes = [list(grid_zones().KODSZN)[i] for i in range(12)]
    codes[5] = "K-1"  # zone 6 (R-3 in version 1) becomes K-1
    v2 = make_package(
        tmp_path / "v2",
        "versions-test",
        effective_from="2024-06-01",
        legal_basis="Perwali No. 9 Tahun 2024",
        zones=grid_zones(codes=codes),
    )
    r2 = ingest_package(fresh_database, v2)
    assert (r1.version, r2.version) == (1, 2)
    x, y = ORIGIN[0] + 150, ORIGIN[1] + 150  # the middle of zone 6 (column 1, row 1)
    with fresh_database.engine.connect() as conn:
        (today,) = versions_in_force(conn, date.today(), "versions-test")
        (before,) = versions_in_force(conn, date(2024, 5, 31), "versions-test")
    assert (today["version"], today["legal_basis"]) == (2, "Perwali No. 9 Tahun 2024")
    assert before["version"] == 1
    assert _answer(fresh_database, today["id"], x, y) == ["K-1"]
    assert _answer(fresh_database, before["id"], x, y) == ["R-3"]
    # effective_from must move forward
    v3 = make_package(
        tmp_path / "v3",
        "versions-test",
        effective_from="2024-06-01",
        legal_basis="Perwali lain",
        zones=grid_zones(codes=codes[::-1]),
    )
    state = _state(fresh_database)
    with pytest.raises(PackageError, match="must be after 2024-06-01"):
        ingest_package(fresh_database, v3)
    assert _state(fresh_database) == state


def _broken(tmp_path: Path, kind: str) -> Path:
    root = make_package(tmp_path / kind, f"broken-{kind}")
    if kind == "missing-file":
        (root / "pola_ruang.gpkg").unlink()
    elif kind == "corrupt-file":
        (root / "pola_ruang.gpkg").write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    elif kind == "unknown-class":
        lines = (root / "itbx.csv").read_text().splitlines()
        lines[3] = lines[3].replace("B1,B2", "Q")  # row 4: A003 SPBU, column K-1
        (root / "itbx.csv").write_text("\n".join(lines) + "\n")
    elif kind == "unmapped-subzone":
        gdf = grid_zones().rename(columns={"KODSZN": "ZONING", "NAMSZN": "KETERANGAN", "NAMOBJ": "LABEL"})
        write_vector(gdf, root / "pola_ruang.gpkg")
    elif kind == "arctic":
        write_vector(grid_zones().set_crs("EPSG:3413", allow_override=True), root / "pola_ruang.gpkg")
    elif kind == "bad-toml":
        (root / "plan.toml").write_text("[plan\nid = 1\n")
    elif kind == "unknown-subzone-column":
        lines = (root / "itbx.csv").read_text().splitlines()
        lines[0] = lines[0].replace("RTH-2", "RTH-9")
        (root / "itbx.csv").write_text("\n".join(lines) + "\n")
    return root


@pytest.mark.parametrize(
    "kind,reason",
    [
        ("missing-file", "pola_ruang.gpkg: cannot read the zone layer: file not found"),
        ("corrupt-file", "pola_ruang.gpkg: cannot read the zone layer"),
        ("unknown-class", "itbx.csv row 4 column 'K-1': 'Q' is not an ITBX class"),
        ("unmapped-subzone", "no sub-zone column"),
        ("arctic", "the Arctic"),
        ("bad-toml", "plan.toml is not valid TOML"),
        ("unknown-subzone-column", "itbx.csv row 1 column 'RTH-9'"),
    ],
)
def test_broken_packages_exit_1_and_change_nothing(kind, reason, fresh_database, tmp_path):
    root = _broken(tmp_path, kind)
    before = _state(fresh_database)
    report_file = tmp_path / "report.json"
    result = runner.invoke(app, ["ingest", str(root), "--report", str(report_file)])
    assert result.exit_code == 1, result.output
    assert reason in " ".join(result.output.split()), result.output
    assert _state(fresh_database) == before
    report = json.loads(report_file.read_text())
    assert report["ok"] is False and report["errors"]
    if kind != "bad-toml":
        assert [r.ok for r in _runs(fresh_database, f"broken-{kind}")] == [False]


def test_zipped_package_via_cli_with_report(fresh_database, tmp_path):
    root = make_package(tmp_path / "pkg", "cli-zip")
    archive = zip_dir(root, tmp_path / "cli-zip.zip")
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["ingest", str(archive), "--report", str(out)])
    assert result.exit_code == 0, result.output
    assert "loaded cli-zip version 1" in result.output
    report = json.loads(out.read_text())
    assert report["ok"] and report["counts"]["zones"] == 12 and report["counts"]["activities"] == 4
    again = runner.invoke(app, ["ingest", str(archive)])
    assert again.exit_code == 1 and "already loaded as cli-zip version 1" in again.output


def test_geometry_repairs_drops_overlaps_and_gaps_are_reported(fresh_database, tmp_path):
    gdf = grid_zones(4, 4)  # 100 m squares; feature k (0-based) is column k % 4, row k // 4; GPKG FID = k + 1
    x0, y0 = ORIGIN
    # k=5: a bow-tie (self-intersecting) over its own square → repaired into two triangles
    gdf.loc[5, "geometry"] = shapely.Polygon(
        [(x0 + 100, y0 + 100), (x0 + 200, y0 + 200), (x0 + 200, y0 + 100), (x0 + 100, y0 + 200)]
    )
    gdf.loc[6, "geometry"] = None  # k=6: no geometry → dropped, its square becomes a gap
    # k=9 grows 10 m into k=10's square: a 10 m × 100 m overlap
    gdf.loc[9, "geometry"] = shapely.box(x0 + 100, y0 + 200, x0 + 210, y0 + 300)
    root = make_package(tmp_path / "pkg", "geom-test", zones=gdf, itbx=False, overlay=False)
    result = ingest_package(fresh_database, root)
    rep = result.report
    repaired = [r for r in rep["repaired"] if r["code"] == "geometry_repaired"]
    assert [r["feature"] for r in repaired] == ["6"] and "Self-intersection" in repaired[0]["message"]
    dropped = [w for w in rep["warnings"] if w["code"] == "empty_geometry"]
    assert [w["feature"] for w in dropped] == ["7"]
    assert rep["counts"]["zones"] == 15
    overlaps = rep["topology"]["overlaps"]["items"]
    assert len(overlaps) == 1 and set(overlaps[0]["features"]) == {"10", "11"}
    assert overlaps[0]["area_m2"] == pytest.approx(1000, rel=2e-3)  # 10 m × 100 m (UTM scale ≈ 0.9996)
    inside = shapely.box(*_lonlat(x0 + 200, y0 + 200), *_lonlat(x0 + 210, y0 + 300))
    assert inside.contains(shapely.Point(overlaps[0]["location"]))
    gaps = rep["topology"]["gaps"]["items"]
    # the dropped square, and the two triangles the repaired bow-tie leaves uncovered
    assert [g["area_m2"] for g in gaps] == pytest.approx([10000, 2500, 2500], rel=2e-3)
    square6 = shapely.box(*_lonlat(x0 + 200, y0 + 100), *_lonlat(x0 + 300, y0 + 200))
    assert square6.contains(shapely.Point(gaps[0]["location"]))
    assert rep["topology"]["gaps"]["area_m2"] == pytest.approx(15000, rel=2e-3)


def test_real_invalid_city_outline_is_repaired(fresh_database, tmp_path):
    src = real_data("id-admin-boundaries-cahyadsn", "bontang_kota.geojson")
    raw = gpd.read_file(src)
    assert not raw.is_valid.all()
    root = tmp_path / "pkg"
    root.mkdir()
    shutil.copy(src, root / "kota.geojson")
    (root / "plan.toml").write_text("""[plan]
id = "bontang-kota"
name = "Kota Bontang outline"
legal_basis = "test"
effective_from = 2024-01-01
[zones]
path = "kota.geojson"
[zones.fields]
subzone_code = "kode"
subzone_name = "nama"
""")
    result = ingest_package(fresh_database, root)
    repaired = [r for r in result.report["repaired"] if r["code"] == "geometry_repaired"]
    assert [r["feature"] for r in repaired] == ["0"]
    with fresh_database.engine.connect() as conn:
        ok = conn.execute(
            text("SELECT bool_and(ST_IsValid(geom)) FROM zone WHERE plan_version_id = :v"),
            {"v": result.plan_version_id},
        ).scalar()
    assert ok


def test_subzone_names_only_resolved_through_the_table(fresh_database, tmp_path):
    gdf = grid_zones().drop(columns=["KODSZN", "KODZON", "NAMZON"])
    gdf["NAMSZN"] = gdf["NAMSZN"].str.upper()  # names written differently from the table
    root = make_package(tmp_path / "pkg", "names-only", zones=gdf, itbx=False, overlay=False)
    result = ingest_package(fresh_database, root)
    with fresh_database.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT subzone_code, zone_code, subzone_name FROM zone WHERE plan_version_id = :v "
                "ORDER BY feature_id::int LIMIT 4"
            ),
            {"v": result.plan_version_id},
        ).all()
    assert [tuple(r) for r in rows] == [
        ("R-2", "R", "Perumahan Kepadatan Tinggi"),
        ("R-3", "R", "Perumahan Kepadatan Sedang"),
        ("K-1", "K", "Perdagangan dan Jasa Skala Kota"),
        ("RTH-2", "RTH", "Taman Kota"),
    ]
    # a name the table does not know is an error naming the feature
    gdf.loc[2, "NAMSZN"] = "Zona Antah Berantah"
    bad = make_package(tmp_path / "bad", "names-only-bad", zones=gdf, itbx=False, overlay=False)
    with pytest.raises(PackageError) as exc:
        ingest_package(fresh_database, bad)
    err = exc.value.report["errors"][0]
    assert (err["code"], err["feature"]) == ("unknown_subzone", "3") and "Antah Berantah" in err["message"]


def test_zone_code_comes_from_the_table_not_the_code(fresh_database, tmp_path):
    # Jakarta-style codes "R.1" and a legacy code with no "-": the zone comes from subzona.csv
    gdf = grid_zones(2, 1, codes=["R-2", "R-3"])
    gdf["KODSZN"] = ["R.1", "PL7"]
    gdf["KODZON"] = None
    root = make_package(tmp_path / "pkg", "zone-from-table", zones=gdf, itbx=False, overlay=False)
    write_csv(
        root / "subzona.csv",
        ["subzone_code", "subzone_name", "zone_code", "zone_name"],
        [
            ["R.1", "Rumah Kepadatan Sangat Tinggi", "R", "Zona Perumahan"],
            ["PL7", "IPAL", "PL", "Zona Peruntukan Lainnya"],
        ],
    )
    result = ingest_package(fresh_database, root)
    with fresh_database.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT subzone_code, zone_code FROM zone WHERE plan_version_id = :v ORDER BY 1"),
            {"v": result.plan_version_id},
        ).all()
    assert [tuple(r) for r in rows] == [("PL7", "PL"), ("R.1", "R")]


def test_progress_bar_shows_the_stages(fresh_database, tmp_path, capsys):
    root = make_package(tmp_path / "pkg", "progress-test")
    ingest_package(fresh_database, root, progress=True)
    err = capsys.readouterr().err
    for stage in ("zones: read and check", "rules: ITBX, intensity, TPZ", "load zones (COPY)", "analyze"):
        assert stage in err
