"""Conditions as rules through the ingest: the legend's rule columns (stored on ``itbx_code``, bad values and
unknown columns refused, text-only conditions reported) and structured overlay heights (``overlay.max_height_m``
from ``[[overlays]] max_height_m`` or ``height_field``).

The module writes (loads plans): it runs on a database of its own (``fresh_database``)."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from sqlalchemy import text

from rdtr.conditions import RULE_NAMES
from rdtr.errors import PackageError
from rdtr.ingest import ingest_package
from tests.support.ingest import CODES, grid_zones, make_package, write_csv

RULES_SQL = f"SELECT code, {', '.join(RULE_NAMES)} FROM itbx_code WHERE plan_version_id = :v"


def _rules(db, version_id: int) -> dict[str, dict]:
    with db.engine.connect() as conn:
        rows = conn.execute(text(RULES_SQL), {"v": version_id}).mappings().all()
    return {r["code"]: {k: r[k] for k in RULE_NAMES} for r in rows}


def _state(db) -> tuple:
    """What a refused load must leave untouched."""
    with db.engine.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM plan), (SELECT count(*) FROM plan_version), "
                    "(SELECT count(*) FROM zone), (SELECT count(*) FROM activity), (SELECT count(*) FROM itbx), "
                    "(SELECT count(*) FROM itbx_code), (SELECT count(*) FROM overlay)"
                )
            ).one()
        )


def _legend_package(root: Path, plan_id: str, header: list[str], rows: list[list], extra_toml: str = "") -> Path:
    """The little test package with its legend replaced by ``header`` and ``rows``."""
    make_package(root, plan_id, extra_toml=extra_toml)
    write_csv(root / "itbx_codes.csv", header, rows)
    return root


def _refused(db, root: Path) -> dict:
    """Ingest ``root`` expecting a refusal that changes nothing; returns the report."""
    before = _state(db)
    with pytest.raises(PackageError) as exc:
        ingest_package(db, root)
    assert _state(db) == before
    assert exc.value.report["ok"] is False
    return exc.value.report


def _errors(report: dict, code: str) -> list[dict]:
    return [e for e in report["errors"] if e["code"] == code]


# --- the sample plan --------------------------------------------------------------------------------------
def test_the_sample_plan_stores_its_structured_conditions(database, sample_plan):
    rules = _rules(database, sample_plan.plan_version_id)
    assert rules["T1"]["max_footprint_share_pct"] == 20
    assert rules["T2"]["hours"] == "07:00-22:00"
    assert rules["T4"]["max_floor_area_m2"] == 200
    assert rules["B1"]["requires"] == ["persetujuan warga sekitar"]
    assert rules["B2"]["requires"] == ["UKL-UPL"]
    assert rules["B4"]["requires"] == ["rekomendasi teknis"]
    assert all(v is None for v in rules["T3"].values())
    assert all(v is None for v in rules["B3"].values())
    assert {k for k, v in rules["T1"].items() if v is not None} == {"max_footprint_share_pct"}


def test_the_sample_report_lists_the_text_only_conditions(sample_plan):
    report = sample_plan.report
    (warning,) = [w for w in report["warnings"] if w["code"] == "text_only_conditions"]
    assert "B3, T3" in warning["message"] and "officer" in warning["message"]
    assert warning["file"] == "itbx_codes.csv"
    assert report["counts"]["itbx_codes"] == 8 and report["counts"]["itbx_codes_structured"] == 6


def test_the_sample_kkop_overlay_carries_its_height(database, sample_plan):
    with database.engine.connect() as conn:
        n, heights = conn.execute(
            text(
                "SELECT count(*), array_agg(DISTINCT max_height_m) FROM overlay "
                "WHERE plan_version_id = :v AND kind = 'KKOP'"
            ),
            {"v": sample_plan.plan_version_id},
        ).one()
    assert n == 3 and heights == [45.0]


# --- legends ----------------------------------------------------------------------------------------------
def test_every_rule_column_is_stored_headers_in_any_case(fresh_database, tmp_path):
    header = ["Code", "Text", "Max_Floors", "MAX_HEIGHT_M", "min_lot_area_m2", "max_lot_area_m2", "requires"]
    rows = [
        ["T1", CODES["T1"], "4", "12,5", "60", "500", ""],
        ["T2", CODES["T2"], "", "", "", "", ""],
        ["B1", CODES["B1"], "", "", "", "", " persetujuan warga sekitar ; rekomendasi RT "],
        ["B2", CODES["B2"], "", "", "200", "200", ""],
    ]
    root = _legend_package(tmp_path / "pkg", "cond-all", header, rows)
    result = ingest_package(fresh_database, root)
    rules = _rules(fresh_database, result.plan_version_id)
    assert rules["T1"] == {
        "max_footprint_share_pct": None,
        "max_floor_area_m2": None,
        "max_floors": 4,
        "max_height_m": 12.5,
        "min_lot_area_m2": 60,
        "max_lot_area_m2": 500,
        "hours": None,
        "requires": None,
    }
    assert rules["B1"]["requires"] == ["persetujuan warga sekitar", "rekomendasi RT"]
    assert (rules["B2"]["min_lot_area_m2"], rules["B2"]["max_lot_area_m2"]) == (200, 200)
    (warning,) = [w for w in result.report["warnings"] if w["code"] == "text_only_conditions"]
    assert "(no rule column): T2;" in warning["message"]


def test_class_rows_and_mapped_headers(fresh_database, tmp_path):
    """Class explanations (I, T, B, X rows, as in Bintan's legend) are not text-only conditions; a rule column
    under another header is mapped in [itbx.codes_columns]."""
    header = ["kode", "keterangan", "Jam Operasional"]
    rows = [["I", "Diizinkan", ""], ["T", "Terbatas", ""], ["X", "Tidak diizinkan", ""]]
    rows += [[c, t, "07.00 s/d 24.00" if c == "T2" else ""] for c, t in CODES.items()]
    mapping = '\n[itbx.codes_columns]\nhours = "Jam Operasional"\n'
    root = _legend_package(tmp_path / "pkg", "cond-map", header, rows, mapping)
    result = ingest_package(fresh_database, root)
    assert _rules(fresh_database, result.plan_version_id)["T2"]["hours"] == "07:00-24:00"
    (warning,) = [w for w in result.report["warnings"] if w["code"] == "text_only_conditions"]
    assert "(no rule column): B1, B2, T1;" in warning["message"]
    assert result.report["counts"]["itbx_codes_structured"] == 1


def test_a_row_number_column_is_no_rule_and_is_ignored(fresh_database, tmp_path):
    header = ["No.", "code", "text", "max_footprint_share_pct"]
    rows = [[str(i), c, t, "20" if c == "T1" else ""] for i, (c, t) in enumerate(CODES.items(), 1)]
    result = ingest_package(fresh_database, _legend_package(tmp_path / "pkg", "cond-numbered", header, rows))
    assert _rules(fresh_database, result.plan_version_id)["T1"]["max_footprint_share_pct"] == 20


def test_a_kbli_table_with_an_unknown_activity_or_a_bad_code_is_refused_naming_the_row(fresh_database, tmp_path):
    root = make_package(tmp_path / "pkg", "kbli-bad")
    write_csv(root / "kbli.csv", ["kbli", "activity_code"], [["47111", "A001"], ["4711", "A002"], ["47300", "Z9"]])
    toml = (
        (root / "plan.toml")
        .read_text()
        .replace('codes = "itbx_codes.csv"', 'codes = "itbx_codes.csv"\nkbli = "kbli.csv"')
    )
    (root / "plan.toml").write_text(toml)
    report = _refused(fresh_database, root)
    assert [(e["code"], e["row"]) for e in report["errors"]] == [("bad_value", 3), ("unknown_activity", 4)]
    assert "'4711'" in report["errors"][0]["message"] and "'Z9'" in report["errors"][1]["message"]


def test_an_unknown_legend_column_refuses_the_load(fresh_database, tmp_path):
    header = ["code", "text", "max_footprint_pct"]  # a misspelt max_footprint_share_pct
    rows = [[c, t, "20" if c == "T1" else ""] for c, t in CODES.items()]
    report = _refused(fresh_database, _legend_package(tmp_path / "pkg", "cond-unknown", header, rows))
    (err,) = _errors(report, "unknown_column")
    assert (err["file"], err["row"], err["column"]) == ("itbx_codes.csv", 1, "max_footprint_pct")
    assert "'max_footprint_pct'" in err["message"] and "max_footprint_share_pct" in err["message"]


@pytest.mark.parametrize(
    "column,cell,why",
    [
        ("max_floors", "1.5", "not a whole number"),
        ("hours", "25:00-26:00", "not a time range"),
        ("max_footprint_share_pct", "-20", "must be more than 0"),
        ("max_footprint_share_pct", "120", "more than 100"),
        ("max_floor_area_m2", "dua ratus", "not a number"),
    ],
)
def test_a_bad_rule_value_names_the_row_code_and_column(fresh_database, tmp_path, column, cell, why):
    header = ["code", "text", column]
    rows = [[c, t, cell if c == "T2" else ""] for c, t in CODES.items()]  # T2 is line 3
    root = _legend_package(tmp_path / "pkg", "cond-bad", header, rows)
    report = _refused(fresh_database, root)
    (err,) = _errors(report, "bad_rule_value")
    assert (err["file"], err["row"], err["column"]) == ("itbx_codes.csv", 3, column)
    assert "'T2'" in err["message"] and column in err["message"] and why in err["message"]


def test_min_lot_area_above_max_is_refused(fresh_database, tmp_path):
    header = ["code", "text", "min_lot_area_m2", "max_lot_area_m2"]
    rows = [[c, t, *(["500", "200"] if c == "B1" else ["", ""])] for c, t in CODES.items()]  # B1 is line 4
    report = _refused(fresh_database, _legend_package(tmp_path / "pkg", "cond-lot", header, rows))
    (err,) = _errors(report, "bad_rule_value")
    assert (err["file"], err["row"]) == ("itbx_codes.csv", 4)
    assert "'B1'" in err["message"] and "min_lot_area_m2 = 500 is more than max_lot_area_m2 = 200" in err["message"]


# --- overlay heights --------------------------------------------------------------------------------------
def _overlay_package(root: Path, plan_id: str, keys: str, heights: list | None = None) -> Path:
    """The little package with a KKOP layer of three squares (column TINGGI_MAX = ``heights``) and ``keys``."""
    zones = grid_zones()
    make_package(root, plan_id, zones=zones, overlay=False)
    minx, miny, _, _ = zones.total_bounds
    boxes = [shapely.box(minx + 100 * i, miny, minx + 100 * i + 90, miny + 90) for i in range(3)]
    data = {"nama": ["A", "B", "C"]}
    if heights is not None:
        data["TINGGI_MAX"] = heights
    gpd.GeoDataFrame(data, geometry=boxes, crs=zones.crs).to_file(root / "kkop.gpkg", driver="GPKG")
    with open(root / "plan.toml", "a", encoding="utf-8") as fh:
        fh.write(f'\n[[overlays]]\nkind = "KKOP"\npath = "kkop.gpkg"\nname_field = "nama"\n{keys}\n')
    return root


def _overlay_heights(db, version_id: int) -> dict:
    with db.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT name, max_height_m FROM overlay WHERE plan_version_id = :v ORDER BY name"), {"v": version_id}
        ).all()
    return dict(rows)


def test_one_height_for_the_whole_layer(fresh_database, tmp_path):
    root = _overlay_package(tmp_path / "pkg", "ov-one", "max_height_m = 45")
    result = ingest_package(fresh_database, root)
    assert _overlay_heights(fresh_database, result.plan_version_id) == {"A": 45.0, "B": 45.0, "C": 45.0}


def test_no_height_key_stores_null(fresh_database, tmp_path):
    result = ingest_package(fresh_database, _overlay_package(tmp_path / "pkg", "ov-none", ""))
    assert _overlay_heights(fresh_database, result.plan_version_id) == {"A": None, "B": None, "C": None}


@pytest.mark.parametrize(
    "kind,heights",
    [("numbers", [45.0, 12.5, math.nan]), ("text", ["45", "12,5", ""])],
)
def test_heights_per_polygon(fresh_database, tmp_path, kind, heights):
    """Numbers or text (decimal comma) per polygon; an empty cell is no limit. The column found in any case."""
    root = _overlay_package(tmp_path / "pkg", f"ov-field-{kind}", 'height_field = "tinggi_max"', heights)
    result = ingest_package(fresh_database, root)
    assert _overlay_heights(fresh_database, result.plan_version_id) == {"A": 45.0, "B": 12.5, "C": None}


def test_bad_heights_name_the_feature(fresh_database, tmp_path):
    root = _overlay_package(tmp_path / "pkg", "ov-bad", 'height_field = "TINGGI_MAX"', ["45", "-3", "tinggi"])
    report = _refused(fresh_database, root)
    errors = _errors(report, "bad_value")
    assert [(e["file"], e["feature"], e["column"]) for e in errors] == [
        ("kkop.gpkg", "2", "TINGGI_MAX"),
        ("kkop.gpkg", "3", "TINGGI_MAX"),
    ]
    assert "feature 2" in errors[0]["message"] and "more than 0" in errors[0]["message"]
    assert "not a number" in errors[1]["message"]


def test_an_unknown_height_field_is_an_error(fresh_database, tmp_path):
    root = _overlay_package(tmp_path / "pkg", "ov-unknown", 'height_field = "TINGGI"', [45.0, 12.5, 3.0])
    report = _refused(fresh_database, root)
    (err,) = _errors(report, "unknown_column")
    assert "height_field = 'TINGGI'" in err["message"] and "TINGGI_MAX" in err["message"]


def test_both_height_keys_are_a_spec_error(fresh_database, tmp_path):
    root = _overlay_package(tmp_path / "pkg", "ov-both", 'max_height_m = 45\nheight_field = "TINGGI_MAX"', [1.0] * 3)
    report = _refused(fresh_database, root)
    (err,) = _errors(report, "plan_toml")
    assert "not both" in err["message"]
