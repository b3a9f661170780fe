"""Finding a plot without coordinates: ``GET /v1/places?q=`` (kelurahan, blocks, sub-zones, parcels by name or
number, from the places each version's load makes) and ``GET /v1/parcels/{plan}/{parcel_id}`` (the analysis of
a parcel of the package's ``[[parcels]]`` layer). Expected values come from the sample's own files (geopandas),
never from what the database says."""

from __future__ import annotations

import json
from functools import cache

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pyproj import Geod, Transformer
from typer.testing import CliRunner

from rdtr.errors import PackageError
from rdtr.ingest import ingest_package
from tests.support.ingest import grid_zones, make_package, write_vector
from tests.support.paths import SAMPLE_PACKAGE, real_data

GEOD = Geod(ellps="WGS84")


@cache
def sample_zones() -> gpd.GeoDataFrame:
    return gpd.read_file(SAMPLE_PACKAGE / "pola_ruang.gpkg", layer="pola_ruang").to_crs(4326)


@cache
def sample_parcels() -> gpd.GeoDataFrame:
    return gpd.read_file(SAMPLE_PACKAGE / "persil.gpkg", layer="persil")


def places(client, q, **params):
    r = client.get("/v1/places", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return r.json()["places"]


def assert_on_place(place: dict, zones: gpd.GeoDataFrame) -> None:
    """The point lies in the place's zones and in its bbox, and the bbox is theirs."""
    lon, lat = place["point"]
    x0, y0, x1, y1 = place["bbox"]
    assert x0 <= lon <= x1 and y0 <= lat <= y1
    union = shapely.union_all(zones.geometry.values)
    assert union.buffer(1e-6).contains(shapely.Point(lon, lat)), place
    bx0, by0, bx1, by1 = zones.total_bounds
    assert abs(x0 - bx0) < 1e-6 and abs(y0 - by0) < 1e-6 and abs(x1 - bx1) < 1e-6 and abs(y1 - by1) < 1e-6


def assert_ranked(found: list[dict]) -> None:
    order = ["exact", "prefix", "word", "substring"]
    kinds = ["kelurahan", "kecamatan", "block", "subblock", "subzone", "parcel"]
    keys = [(order.index(p["match"]), kinds.index(p["kind"])) for p in found]
    assert keys == sorted(keys), found


# --- the sample plan ---------------------------------------------------------------------------------------


def test_a_kelurahan_is_found_by_name_in_any_case_and_without_accents(fresh_client):
    zones = sample_zones()
    kel = zones["WADMKD"].value_counts().index[0]  # the sample's largest kelurahan
    mine = zones[zones["WADMKD"] == kel]
    for q in (kel, kel.upper(), f"  {kel.lower()}  ", kel.replace("a", "á").replace("o", "ö")):
        found = places(fresh_client, q)
        assert found[0]["kind"] == "kelurahan" and found[0]["name"] == kel and found[0]["match"] == "exact", q
        assert found[0]["plan"] == "bontang"
        assert found[0]["label"] in set(mine["WADMKC"])
        assert_ranked(found)
    assert_on_place(found[0], mine)


def test_a_block_and_its_sub_blocks(fresh_client):
    zones = sample_zones()
    block = zones["KODBLK"].value_counts().index[0]
    mine = zones[zones["KODBLK"] == block]
    found = places(fresh_client, block.lower(), limit=50)
    assert (found[0]["kind"], found[0]["name"], found[0]["match"]) == ("block", block, "exact")
    assert_on_place(found[0], mine)
    subblocks = [p for p in found if p["kind"] == "subblock" and p["name"].startswith(block + ".")]
    assert subblocks and all(p["match"] == "prefix" for p in subblocks)
    assert_ranked(found)
    first = subblocks[0]
    sub = first["name"][len(block) + 1 :]
    assert_on_place(first, mine[mine["KODSBL"].astype(str) == sub])


def test_a_sub_zone_by_code_or_by_name(fresh_client):
    table = pd.read_csv(SAMPLE_PACKAGE / "subzona.csv")
    code, name = table.loc[table["subzone_code"] == "R-2", ["subzone_code", "subzone_name"]].iloc[0]
    by_code = places(fresh_client, code.lower())[0]
    by_name = places(fresh_client, name.upper())[0]
    assert by_code["kind"] == by_name["kind"] == "subzone"
    assert by_code["name"] == by_name["name"] == f"{code} {name}"
    assert by_name["match"] == "exact"
    zones = sample_zones()
    assert_on_place(by_code, zones[zones["KODSZN"] == code])


def test_a_prefix_then_a_word_prefix(fresh_client):
    zones = sample_zones()
    kel = sorted(set(zones["WADMKD"]), key=len)[-1]  # the longest name
    found = places(fresh_client, kel[:5], limit=50)
    mine = [p for p in found if p["kind"] == "kelurahan" and p["name"] == kel]
    assert mine and mine[0]["match"] == "prefix"
    assert_ranked(found)
    kec = sorted(k for k in set(zones["WADMKC"]) if " " in k)[0]  # "Bontang Utara": a word of it
    word = kec.split()[-1]
    hit = [p for p in places(fresh_client, word, limit=50) if p["kind"] == "kecamatan" and p["name"] == kec]
    assert hit and hit[0]["match"] == "word"


def test_plan_filters_and_an_unknown_plan_is_404(fresh_client):
    kel = sample_zones()["WADMKD"].iloc[0]
    assert places(fresh_client, kel, plan="bontang")[0]["name"] == kel
    r = fresh_client.get("/v1/places", params={"q": kel, "plan": "no-such-plan"})
    assert r.status_code == 404 and "no-such-plan" in r.json()["detail"]
    assert places(fresh_client, kel, at="2020-01-01") == []  # before the sample took effect


@pytest.mark.parametrize("q", ["", "   ", "x" * 200, "a\x01b"])
def test_a_bad_q_is_422_saying_so(fresh_client, q):
    r = fresh_client.get("/v1/places", params={"q": q})
    assert r.status_code == 422, r.text
    assert r.json()["detail"].startswith("q")


@pytest.mark.parametrize("limit", ["0", "51", "ten"])
def test_a_bad_limit_is_422(fresh_client, limit):
    r = fresh_client.get("/v1/places", params={"q": "api", "limit": limit})
    assert r.status_code == 422 and "limit" in r.json()["detail"]


def test_no_q_is_422(fresh_client):
    r = fresh_client.get("/v1/places")
    assert r.status_code == 422 and "q is required" in r.json()["detail"]


def test_the_sample_parcels_by_number_digits_and_address(fresh_client, sample_plan):
    assert sample_plan.report["counts"]["parcels"] == len(sample_parcels())
    row = sample_parcels().iloc[0]
    found = places(fresh_client, row["NIB"])
    assert (found[0]["kind"], found[0]["name"], found[0]["label"]) == ("parcel", row["NIB"], row["ALAMAT"])
    street = row["ALAMAT"].split(" No. ")[0]
    by_street = places(fresh_client, street.lower(), limit=50)
    assert {p["name"] for p in by_street if p["kind"] == "parcel"} >= {row["NIB"]}
    geom = sample_parcels().to_crs(4326).geometry.iloc[0]
    assert geom.contains(shapely.Point(found[0]["point"]))


def test_the_cli_json_equals_http(fresh_client):
    from rdtr.cli import app

    kel = sample_zones()["WADMKD"].iloc[0]
    http = fresh_client.get("/v1/places", params={"q": kel, "plan": "bontang"}).json()
    result = CliRunner().invoke(app, ["places", kel, "--plan", "bontang", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == http
    text = CliRunner().invoke(app, ["places", kel])
    assert text.exit_code == 0 and kel in text.output
    bad = CliRunner().invoke(app, ["places", " "])
    assert bad.exit_code == 1 and "q must be" in bad.output


# --- a package with [[parcels]] ----------------------------------------------------------------------------

PARCELS_TOML = """
[[parcels]]
path = "persil.gpkg"
id_field = "nib"
label_field = "ALAMAT"
"""
#: EPSG:9480 rectangles in tests.support.ingest's grid (100 m squares from E 555,000 N 10,000): the first
#: lies across the edge between the first two zones, the second inside one.
PARCEL_BOXES = [(555_080.0, 10_020.0, 555_130.0, 10_060.0), (555_210.0, 10_110.0, 555_240.0, 10_150.0)]


def parcel_layer(ids, boxes=PARCEL_BOXES, labels=None) -> gpd.GeoDataFrame:
    labels = labels or [f"Jl. Uji No. {i + 1}" for i in range(len(ids))]
    return gpd.GeoDataFrame({"NIB": ids, "ALAMAT": labels}, geometry=[shapely.box(*b) for b in boxes], crs="EPSG:9480")


@pytest.fixture(scope="module")
def parcel_plan(fresh_database, tmp_path_factory):
    root = make_package(tmp_path_factory.mktemp("persil") / "pkg", "persilplan", extra_toml=PARCELS_TOML)
    write_vector(parcel_layer(["12.01.02.03.00001", "12010203000002"]), root / "persil.gpkg", layer="persil")
    result = ingest_package(fresh_database, root)
    assert result.report["counts"]["parcels"] == 2
    return result


def test_a_package_parcel_is_found_by_its_number(parcel_plan, fresh_client):
    found = places(fresh_client, "12.01.02.03.00001", plan="persilplan")
    assert found[0]["kind"] == "parcel" and found[0]["name"] == "12.01.02.03.00001"
    assert found[0]["label"] == "Jl. Uji No. 1" and found[0]["match"] == "exact"
    by_digits = places(fresh_client, "1201020300001", plan="persilplan")
    assert by_digits[0]["name"] == "12.01.02.03.00001" and by_digits[0]["match"] == "exact"
    assert places(fresh_client, "uji no. 2", plan="persilplan")[0]["name"] == "12010203000002"


def test_a_parcel_by_number_is_the_analysis_of_its_polygon(parcel_plan, fresh_client):
    r = fresh_client.get("/v1/parcels/persilplan/12.01.02.03.00001", params={"activity": "A002"})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["parcel_ref"] == {
        "plan": "persilplan",
        "version": parcel_plan.version,
        "parcel_id": "12.01.02.03.00001",
        "label": "Jl. Uji No. 1",
    }
    to_lonlat = Transformer.from_crs(9480, 4326, always_xy=True).transform
    poly = shapely.transform(shapely.box(*PARCEL_BOXES[0]), to_lonlat, interleaved=False)
    area = abs(GEOD.geometry_area_perimeter(poly)[0])
    assert answer["parcel"]["area_m2"] == pytest.approx(area, rel=0.005)
    assert sum(z["area_m2"] for z in answer["zones"]) == pytest.approx(area, rel=0.005)
    assert {z["subzone_code"] for z in answer["zones"]} == {"R-2", "R-3"}  # across the edge of two zones
    assert answer["activity"]["code"] == "A002"
    assert shapely.geometry.shape(answer["geometry"]).geoms[0].equals_exact(poly, 1e-8)  # 1 mm
    # One code path: the same answer as POST /v1/parcels/analyze of the stored polygon.
    posted = fresh_client.post(
        "/v1/parcels/analyze", params={"activity": "A002", "plan": "persilplan"}, json=answer["geometry"]
    ).json()
    assert {k: v for k, v in answer.items() if k not in ("parcel_ref", "geometry")} == posted


def test_an_unknown_parcel_or_plan_is_404(parcel_plan, fresh_client):
    r = fresh_client.get("/v1/parcels/persilplan/99999")
    assert r.status_code == 404 and "99999" in r.json()["detail"] and "persilplan" in r.json()["detail"]
    r = fresh_client.get("/v1/parcels/no-such-plan/12010203000002")
    assert r.status_code == 404 and "no-such-plan" in r.json()["detail"]
    r = fresh_client.get("/v1/parcels/Bad Plan/1")
    assert r.status_code == 422
    r = fresh_client.get("/v1/parcels/persilplan/12010203000002", params={"at": "2020-01-01"})
    assert r.status_code == 404 and "no version in force" in r.json()["detail"]


@pytest.mark.parametrize(
    "toml, message",
    [
        ('[[parcels]]\npath = "persil.gpkg"\n', "[[parcels]] #1 needs id_field"),
        ('[[parcels]]\nid_field = "NIB"\n', "[[parcels]] #1 needs path"),
        ('[[parcels]]\npath = "p.gpkg"\nid_field = "NIB"\nlabel = "x"\n', "unknown key(s) label"),
    ],
)
def test_a_bad_parcels_table_is_a_plan_toml_error(tmp_path, toml, message):
    from rdtr.package import SpecErrors, load_package

    root = make_package(tmp_path / "pkg", "tomlparcels", extra_toml="\n" + toml)
    with pytest.raises(SpecErrors) as exc:
        load_package(root, "pkg")
    assert any(message in p for p in exc.value.problems), exc.value.problems


@pytest.mark.parametrize(
    "ids, toml, message",
    [
        (["A1", "A1"], PARCELS_TOML, "feature 2"),
        (["A1", None], PARCELS_TOML, "feature 2 has no nib"),
        (["A1", "A2"], PARCELS_TOML.replace('"nib"', '"NOP"'), "id_field = 'NOP': no such column"),
        (["A1", "A2"], PARCELS_TOML.replace('"ALAMAT"', '"JALAN"'), "label_field = 'JALAN': no such column"),
    ],
    ids=["duplicate", "empty", "unknown id_field", "unknown label_field"],
)
def test_a_bad_parcel_layer_refuses_the_load(fresh_database, tmp_path, ids, toml, message):
    root = make_package(tmp_path / "pkg", "badparcels", extra_toml=toml)
    write_vector(parcel_layer(ids), root / "persil.gpkg", layer="persil")
    with pytest.raises(PackageError) as exc:
        ingest_package(fresh_database, root)
    assert message in exc.value.detail, exc.value.detail
    errors = exc.value.report["errors"]
    assert errors and errors[0]["file"] == "persil.gpkg"
    if message.startswith("feature"):
        assert errors[0]["feature"] == "2"
    assert fresh_database.fetch_sql("SELECT count(*) FROM plan_version WHERE plan_id = 'badparcels'") == [(0,)]
    assert fresh_database.fetch_sql("SELECT count(*) FROM parcel WHERE parcel_id IN ('A1', 'A2')") == [(0,)]


def test_the_migration_fills_the_places_of_versions_loaded_before_it(db_server, db_template, fresh_database):
    """Back to 0004 (no places) on a copy of the template, then up again: the sample's places come back."""
    from alembic import command

    from rdtr.db import Database
    from rdtr.db.engine import alembic_config
    from tests.support.databases import database_name

    name = database_name("rdtr_test", "places_migration")
    url = db_server.create(name, template=db_template.name)
    try:
        with Database(url) as db:
            before = db.fetch_sql(
                "SELECT kind, name, label, point::text FROM place WHERE kind <> 'parcel' ORDER BY 1, 2, 3"
            )
        command.downgrade(alembic_config(url), "0004")
        command.upgrade(alembic_config(url), "head")
        with Database(url) as db:
            after = db.fetch_sql("SELECT kind, name, label, point::text FROM place ORDER BY 1, 2, 3")
        assert before and after == before
    finally:
        db_server.drop(name)


# --- real parcels (Depok, PBB NOP) -------------------------------------------------------------------------


def test_real_depok_parcels_load_and_answer_by_nop(fresh_database, fresh_client, tmp_path):
    src = real_data("depok-persil-nop", "depokjaya_persil_nop.geojson")
    real = gpd.read_file(src)
    real = real[real["d_nop"].notna() & real.geometry.is_valid]
    real = real[~real["d_nop"].duplicated(keep=False)].iloc[:40]
    metric = real.to_crs(32748)  # WGS 84 / UTM 48S
    x0, y0, x1, y1 = metric.total_bounds
    nx, ny = int((x1 - x0) // 100) + 2, int((y1 - y0) // 100) + 2
    zones = grid_zones(nx=nx, ny=ny, origin=(x0 - 50, y0 - 50), crs="EPSG:32748")
    toml = '\n[[parcels]]\npath = "persil_nop.geojson"\nid_field = "d_nop"\nlabel_field = "label"\n'
    root = make_package(tmp_path / "depok", "depok-persil", zones=zones, extra_toml=toml, overlay=False)
    real[["d_nop", "label", "geometry"]].to_file(root / "persil_nop.geojson", driver="GeoJSON")
    result = ingest_package(fresh_database, root)
    assert result.report["counts"]["parcels"] == len(real)
    nop = real["d_nop"].iloc[0]
    found = places(fresh_client, nop, plan="depok-persil")
    assert found[0]["kind"] == "parcel" and found[0]["name"] == nop
    r = fresh_client.get(f"/v1/parcels/depok-persil/{nop}", params={"activity": "A001"})
    assert r.status_code == 200, r.text
    area = abs(GEOD.geometry_area_perimeter(real.geometry.iloc[0])[0])
    assert r.json()["parcel"]["area_m2"] == pytest.approx(area, rel=0.005)
    assert r.json()["covered_share"] == pytest.approx(1.0, abs=1e-6)
