"""The standard colours (Permen ATR/BPN 14/2021, Lampiran VII) and the coordinate reader — no database."""

from __future__ import annotations

import csv
import re

import pytest

from rdtr.coords import parse_place
from rdtr.errors import InvalidInput
from rdtr.render import style
from tests.support.paths import SAMPLE_PACKAGE

HEX = re.compile(r"^#[0-9A-F]{6}$")


@pytest.mark.parametrize(
    "code, colour",
    [
        ("R-2", "#FFDC00"),
        ("R-3", "#FFF005"),
        ("R-4", "#FFFA4B"),
        ("K-1", "#FF6464"),
        ("BJ", "#EB1E1E"),
        ("RTH-2", "#416900"),
        ("KPI", "#690000"),
        ("BA", "#97DBF2"),
        ("SPU-1", "#7D197D"),
        ("C-1", "#F05500"),
    ],
)
def test_standard_subzone_colours(code, colour):
    assert style.fill_color(code) == colour


def test_city_spellings_of_codes_find_the_same_colour():
    # Jakarta writes R.2, others R2 or r-2: the same standard colour.
    assert style.fill_color("R.2") == style.fill_color("R2") == style.fill_color("r-2") == "#FFDC00"
    assert style.normalise_code("RTH 7") == "RTH-7"


def test_unknown_subzone_falls_back_to_its_zone_then_to_a_stable_colour():
    # A local sub-zone code the standard does not list, in a zone it does: the zone's colour.
    assert style.fill_color("R-9", zone_code="R") == style.ZONE_COLORS["R"]
    assert style.is_standard("R-9", "R")
    # Neither known: a stable colour, the same every time, and flagged as not standard.
    a, b = style.fill_color("XYZ-1"), style.fill_color("XYZ-1")
    assert a == b and HEX.match(a) and not style.is_standard("XYZ-1")
    assert style.fill_color("XYZ-2") != a


def test_every_subzone_of_the_sample_plan_has_a_standard_colour():
    with open(SAMPLE_PACKAGE / "subzona.csv", newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for row in rows:
        colour = style.fill_color(row["subzone_code"], row["zone_code"])
        assert HEX.match(colour), row
        assert style.is_standard(row["subzone_code"], row["zone_code"]), row["subzone_code"]


def test_legend_is_deduplicated_and_in_the_standards_order():
    entries = style.legend(
        [
            {"subzone_code": "R-2", "subzone_name": "Perumahan Kepadatan Tinggi", "zone_code": "R"},
            {"subzone_code": "BA", "subzone_name": "Badan Air", "zone_code": "BA"},
            {"subzone_code": "R-2", "subzone_name": "Perumahan Kepadatan Tinggi", "zone_code": "R"},
            ("LOCAL-1", "Zona lokal", None),
        ]
    )
    assert [e.subzone_code for e in entries] == ["BA", "R-2", "LOCAL-1"]
    assert entries[1].color == "#FFDC00" and not entries[2].standard


def test_labels_on_zones_contrast_with_their_fill():
    assert style.label_color("#690000") == "#FFFFFF"  # dark industrial red: white text
    assert style.label_color("#FFF005") == "#000000"  # light housing yellow: black text


# --------------------------------------------------------------------------- finding a place


@pytest.mark.parametrize(
    "text, lon, lat, fmt",
    [
        ("0.1351, 117.4823", 117.4823, 0.1351, "decimal"),
        ("117.4823 0.1351", 117.4823, 0.1351, "decimal"),
        ("-6.2, 106.8", 106.8, -6.2, "decimal"),
        ("6.2 LS 106.8 BT", 106.8, -6.2, "decimal"),
        ("0,1351; 117,4823", 117.4823, 0.1351, "decimal"),
        ("0°08'06.4\"N 117°28'56.3\"E", 117.482306, 0.135111, "dms"),
        ("0 8 6.4 LU, 117 28 56.3 BT", 117.482306, 0.135111, "dms"),
        ("6°12'00\"S 106°48'00\"E", 106.8, -6.2, "dms"),
    ],
)
def test_decimal_and_dms_places(text, lon, lat, fmt):
    place = parse_place(text)
    assert place.format == fmt
    assert place.lon == pytest.approx(lon, abs=1e-5) and place.lat == pytest.approx(lat, abs=1e-5)


def test_utm_places_round_trip_through_pyproj():
    from pyproj import Transformer

    e, n = Transformer.from_crs(4326, 32650, always_xy=True).transform(117.4823, 0.1351)
    for text in (f"50N {e:.1f} {n:.1f}", f"UTM 50 N E {e:.0f} N {n:.0f}", f"{e:.1f} {n:.1f} 50N"):
        place = parse_place(text)
        assert place.format == "utm"
        assert place.lon == pytest.approx(117.4823, abs=2e-5) and place.lat == pytest.approx(0.1351, abs=2e-5)
    # Southern hemisphere by latitude band (Java is in 49M).
    south = parse_place("49M 700000 9300000")
    assert -7 < south.lat < -6 and 112 < south.lon < 113


@pytest.mark.parametrize("text", ["", "hello", "95 100", "50N 5 5", "0 75 0 N, 117 0 0 E"])
def test_unreadable_places_say_what_is_accepted(text):
    with pytest.raises(InvalidInput) as err:
        parse_place(text)
    assert (
        "example" in err.value.detail
        or "contoh" in err.value.detail
        or "beyond" in err.value.detail
        or "below 60" in err.value.detail
    )
