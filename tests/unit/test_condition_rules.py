"""Conditions as rules: one cell of a legend rule column (``parse_rule_value``) and opening hours
(``parse_hours``) — decimal commas, whole numbers, bounds, 24:00, ranges passing midnight, ``s/d``."""

from __future__ import annotations

import pytest

from rdtr.conditions import (
    BY_NAME,
    RULE_NAMES,
    ConditionRule,
    format_hours,
    hours_within,
    parse_hours,
    parse_rule_value,
)
from rdtr.package import SpecErrors, parse_plan_toml


def value(column: str, raw):
    return parse_rule_value(BY_NAME[column], raw)


def test_the_rule_columns_are_the_legends_in_the_documented_order():
    assert RULE_NAMES == (
        "max_footprint_share_pct",
        "max_floor_area_m2",
        "max_floors",
        "max_height_m",
        "min_lot_area_m2",
        "max_lot_area_m2",
        "hours",
        "requires",
    )


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_an_empty_cell_is_not_set(raw):
    assert all(value(c, raw) is None for c in RULE_NAMES)


@pytest.mark.parametrize(
    "column,raw,expected",
    [
        ("max_footprint_share_pct", "20", 20.0),
        ("max_footprint_share_pct", " 12,5 ", 12.5),  # decimal comma
        ("max_footprint_share_pct", "100", 100.0),
        ("max_floor_area_m2", "200.5", 200.5),
        ("max_floor_area_m2", "1000000", 1_000_000.0),
        ("max_floors", "4", 4),
        ("max_floors", "4.0", 4),
        ("max_floors", "1", 1),
        ("max_height_m", "45", 45.0),
        ("max_height_m", "1000", 1000.0),
        ("min_lot_area_m2", "60,5", 60.5),
    ],
)
def test_numbers(column, raw, expected):
    got = value(column, raw)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    "column,raw,why",
    [
        ("max_footprint_share_pct", "-5", "more than 0"),
        ("max_footprint_share_pct", "0", "more than 0"),
        ("max_footprint_share_pct", "100.5", "more than 100"),
        ("max_footprint_share_pct", "20%", "not a number"),
        ("max_footprint_share_pct", "1.000,5", "not a number"),
        ("max_floor_area_m2", "dua ratus", "not a number"),
        ("max_floor_area_m2", "nan", "not a number"),
        ("max_floor_area_m2", "inf", "not a number"),
        ("max_floors", "1.5", "not a whole number"),
        ("max_floors", "1,5", "not a whole number"),
        ("max_floors", "0", "at least 1"),
        ("max_floors", "501", "more than 500"),
        ("max_height_m", "1000.5", "more than 1000"),
        ("max_height_m", "-1", "more than 0"),
    ],
)
def test_bad_numbers_say_why_and_name_the_column(column, raw, why):
    with pytest.raises(ValueError) as exc:
        value(column, raw)
    assert why in str(exc.value) and column in str(exc.value)


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("07:00-22:00", "07:00-22:00"),
        ("07.00–22.00", "07:00-22:00"),  # dots and an en dash, as legends write them
        ("7:00 - 22:00", "07:00-22:00"),
        ("07:00 s/d 22:00", "07:00-22:00"),
        ("07.00 sd 22.00", "07:00-22:00"),
        ("07:00 sampai 22:00", "07:00-22:00"),
        ("07:00-24:00", "07:00-24:00"),
        ("00:00-24:00", "00:00-24:00"),
        ("24:00-00:00", "00:00-24:00"),
        ("22:00-06:00", "22:00-06:00"),  # passes midnight
    ],
)
def test_hours(raw, expected):
    assert value("hours", raw) == expected


@pytest.mark.parametrize(
    "raw,why",
    [
        ("25:00-26:00", "not a time range"),
        ("07:00-24:30", "00:00 to 24:00"),
        ("07:60-22:00", "not a time range"),
        ("10:00-10:00", "same time"),
        ("pagi sampai sore", "not a time range"),
        ("07:00", "not a time range"),
    ],
)
def test_bad_hours(raw, why):
    with pytest.raises(ValueError) as exc:
        value("hours", raw)
    assert why in str(exc.value) and "hours" in str(exc.value)


def test_hours_as_minutes_and_back():
    assert parse_hours("07:00-22:00") == (420, 1320)
    assert parse_hours("22:00-06:00") == (1320, 360)
    assert parse_hours("24:00-07:00") == (0, 420)
    assert format_hours(parse_hours("07:05-22:30")) == "07:05-22:30"


def test_hours_within_also_across_midnight():
    assert hours_within(parse_hours("08:00-21:00"), parse_hours("07:00-22:00"))
    assert not hours_within(parse_hours("06:00-21:00"), parse_hours("07:00-22:00"))
    assert hours_within(parse_hours("23:00-02:00"), parse_hours("22:00-06:00"))
    assert not hours_within(parse_hours("21:00-02:00"), parse_hours("22:00-06:00"))
    assert hours_within(parse_hours("22:00-06:00"), parse_hours("00:00-24:00"))


def test_requires_splits_on_semicolons():
    assert value("requires", "UKL-UPL") == ["UKL-UPL"]
    assert value("requires", " UKL-UPL ;persetujuan warga sekitar; ") == ["UKL-UPL", "persetujuan warga sekitar"]
    with pytest.raises(ValueError, match="requires names no approval"):
        value("requires", " ; ;")


def test_a_condition_is_structured_when_one_rule_is_set():
    assert not ConditionRule("T3", "paling banyak 1 unit per blok").structured
    assert ConditionRule("T2", "jam operasional", hours="07:00-22:00").structured
    assert ConditionRule("B2", "UKL-UPL", requires=("UKL-UPL",)).structured


PLAN = {
    "plan": {"id": "x", "name": "X", "legal_basis": "Perwali X", "effective_from": "2024-01-01"},
    "zones": {"path": "zones.gpkg"},
}


def overlay(**keys):
    return parse_plan_toml(dict(PLAN, overlays=[{"kind": "KKOP", "path": "kkop.gpkg", **keys}]))[-1][0]


def test_overlay_height_keys():
    assert (overlay().max_height_m, overlay().height_field) == (None, None)
    assert overlay(max_height_m=45).max_height_m == 45.0
    assert overlay(max_height_m=12.5).max_height_m == 12.5
    assert overlay(height_field="TINGGI_MAX").height_field == "TINGGI_MAX"


@pytest.mark.parametrize(
    "keys,why",
    [
        ({"max_height_m": 0}, "more than 0"),
        ({"max_height_m": -3}, "more than 0"),
        ({"max_height_m": 1001}, "more than 1000"),
        ({"max_height_m": "tinggi"}, "not a number"),
        ({"max_height_m": True}, "not a number"),
        ({"height_field": ""}, "must name a column"),
        ({"height_field": "TINGGI_MAX", "max_height_m": 45}, "not both"),
    ],
)
def test_bad_overlay_height_keys(keys, why):
    with pytest.raises(SpecErrors) as exc:
        overlay(**keys)
    assert why in str(exc.value) and "[[overlays]] #1" in str(exc.value)
