"""Parcel analysis on REAL data (read-only fixtures under ../shared, copied only into tmp_path):

- the DKI Jakarta RDTR extract (Pergub 31/2022 schema, suffixed field names such as KODSZN_1) loaded under its
  own plan id, with the BPN land parcels that fall on it and real parcel shapes laid across its zone edges;
- the Yogyakarta intensity table by lot-size class (Perda 1/2015), on its 50-polygon pola-ruang sample.

Areas are checked against shapely in the local UTM zone (pyproj through geopandas), limits against the
rule tables written here, and the verdict is recomputed from those tables.

The module writes (loads both extracts as plans): it runs on a database of its own (``fresh_database``,
``fresh_client``).
"""

from __future__ import annotations

import csv
import math
import random
import shutil

import geopandas as gpd
import pytest
import shapely
from shapely import affinity
from shapely.geometry import mapping

from tests.support.paths import real_data

RANK = {"I": 0, "T": 1, "B": 2, "X": 3}
UTM_JAKARTA = "EPSG:32748"  # WGS 84 / UTM 48S
UTM_YOGYA = "EPSG:32749"  # WGS 84 / UTM 49S

JAKARTA_ITBX = """activity_code,activity,kbli,BJ,BA,R-1,K-3,SPU-1,SPU-2,SPU-3,TR
A001,Rumah Tapak,68111,X,X,I,T1,X,X,X,X
A002,Toko,47111,X,X,"T1,T2",I,T1,X,B1,T1
A003,Rumah Susun,,X,X,"B1,B2","T1,B2",X,X,X,X
A004,Masjid,94910,X,X,I,I,I,I,I,B2
"""
JAKARTA_CODES = """code,text
T1,dibatasi paling banyak 20% dari luas lantai
T2,jam operasional 07.00-22.00
B1,persetujuan warga sekitar
B2,kajian dampak lalu lintas
"""
JAKARTA_INTENSITY = """subzone,kdb_max,klb_max,kdh_min,ktb_max,height_max_m,floors_max,gsb_min_m,lot_min_m2
BJ,0,0,,0,,,,
BA,0,0,,0,,,,
R-1,60,4,20,60,,8,3,60
K-3,55,3.57,20,60,,6,4,
SPU-1,60,2.4,20,50,,4,6,
SPU-2,60,1.8,20,50,,3,6,
SPU-3,60,1.2,25,,,2,5,
TR,40,0.8,20,40,20,3,10,
"""


def _table(text: str) -> list[dict]:
    return list(csv.DictReader(text.splitlines()))


@pytest.fixture(scope="module")
def jakarta(fresh_database, tmp_path_factory):
    """The Jakarta extract loaded as plan 'jakarta-test' (default field names, suffixes mapped by the ingest)."""
    from rdtr.ingest import ingest_package

    src = real_data("jakarta-rdtr-inven2023", "rdtr_jakarta_sample.geojson")
    d = tmp_path_factory.mktemp("jakarta")
    shutil.copy(src, d / "zones.geojson")
    (d / "itbx.csv").write_text(JAKARTA_ITBX)
    (d / "itbx_codes.csv").write_text(JAKARTA_CODES)
    (d / "intensitas.csv").write_text(JAKARTA_INTENSITY)
    (d / "plan.toml").write_text("""[plan]
id = "jakarta-test"
name = "RDTR DKI Jakarta (test extract)"
legal_basis = "Pergub DKI Jakarta No. 31 Tahun 2022"
effective_from = 2022-06-01
[zones]
path = "zones.geojson"
[itbx]
path = "itbx.csv"
codes = "itbx_codes.csv"
[intensity]
path = "intensitas.csv"
""")
    result = ingest_package(fresh_database, d)
    zones = gpd.read_file(src)
    itbx = {
        r["activity_code"]: {
            sz: max((c.strip()[0] for c in v.split(",")), key=RANK.get)
            for sz, v in r.items()
            if sz not in ("activity_code", "activity", "kbli") and v
        }
        for r in _table(JAKARTA_ITBX)
    }
    intensity = {
        r["subzone"]: {k: (float(v) if v else None) for k, v in r.items() if k != "subzone"}
        for r in _table(JAKARTA_INTENSITY)
    }
    return {"result": result, "zones": zones, "itbx": itbx, "intensity": intensity}


def _real_parcels(jakarta) -> gpd.GeoDataFrame:
    parcels = gpd.read_file(real_data("jakarta-rdtr-inven2023", "persil_bpn_jakarta.geojson"))
    return parcels[parcels.intersects(jakarta["zones"].union_all())]


def _laid_across(jakarta, n=30, seed=31) -> list:
    """Real BPN parcel shapes moved so that each is centred on a point of a zone edge shared by two sub-zones."""
    parcels = gpd.read_file(real_data("jakarta-rdtr-inven2023", "persil_bpn_jakarta.geojson")).to_crs(UTM_JAKARTA)
    zones = jakarta["zones"].to_crs(UTM_JAKARTA)
    edges = []
    for i, g in enumerate(zones.geometry):
        for j in range(i + 1, len(zones)):
            if zones.KODSZN_1.iloc[i] != zones.KODSZN_1.iloc[j] and g.touches(zones.geometry.iloc[j]):
                e = g.intersection(zones.geometry.iloc[j])
                if e.length > 20:
                    edges.append(e)
    assert edges, "no shared edges between different sub-zones"
    rng = random.Random(seed)
    shapes = [g for g in parcels.geometry if 60 < g.area < 3000]
    out = []
    for k in range(n):
        edge = edges[k % len(edges)]
        p = edge.interpolate(rng.uniform(0.2, 0.8), normalized=True)
        shape = rng.choice(shapes)
        c = shape.centroid
        moved = affinity.rotate(affinity.translate(shape, p.x - c.x, p.y - c.y), rng.uniform(0, 180), origin=p)
        out.append(moved)
    return gpd.GeoSeries(out, crs=UTM_JAKARTA).to_crs(4326).tolist()


def _independent(zones_utm: gpd.GeoDataFrame, parcel_utm, code_col) -> dict:
    out = {}
    for code, g in zip(zones_utm[code_col], zones_utm.geometry):
        if g.intersects(parcel_utm):
            a = g.intersection(parcel_utm).area
            if a > 1e-4:
                out[code] = out.get(code, 0.0) + a
    return out


def test_jakarta_loads_with_its_suffixed_fields(jakarta, fresh_client):
    assert jakarta["result"].plan_id == "jakarta-test"
    z = jakarta["zones"].iloc[1]
    p = z.geometry.representative_point()
    body = fresh_client.get("/v1/zoning", params={"lon": p.x, "lat": p.y, "activity": "Toko"}).json()
    assert [x["subzone_code"] for x in body["zones"]] == [z.KODSZN_1]
    assert body["zones"][0]["plan"]["id"] == "jakarta-test"
    assert body["zones"][0]["kelurahan"] == z.WADMKD
    assert body["zones"][0]["activity"]["class"] == jakarta["itbx"]["A002"][z.KODSZN_1]


def test_jakarta_parcels_areas_limits_and_verdict(jakarta, fresh_client):
    real = _real_parcels(jakarta)
    geoms = list(real.geometry) + _laid_across(jakarta)
    ids = [f"bpn-{pid}" for pid in real.PERSILID] + [f"laid-{i}" for i in range(len(geoms) - len(real))]
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": i, "properties": {"src": i.split("-")[0]}, "geometry": mapping(g)}
            for i, g in zip(ids, geoms)
        ],
    }
    r = fresh_client.post("/v1/parcels/analyze", params={"activity": "A002", "plan": "jakarta-test"}, json=fc)
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["id"] for x in results] == ids
    zones_utm = jakarta["zones"].to_crs(UTM_JAKARTA)
    parcels_utm = gpd.GeoSeries(geoms, crs=4326).to_crs(UTM_JAKARTA)
    crossing = 0
    for parcel_utm, res in zip(parcels_utm, results):
        assert "error" not in res, res
        expected = _independent(zones_utm, parcel_utm, "KODSZN_1")
        got = {}
        for z in res["zones"] + res["slivers"]:
            got[z["subzone_code"]] = got.get(z["subzone_code"], 0.0) + z["area_m2"]
        assert set(got) == set(expected), (res["id"], got, expected)
        for code, area in expected.items():
            assert got[code] == pytest.approx(area, rel=0.005, abs=0.01), (res["id"], code)
        assert res["parcel"]["area_m2"] == pytest.approx(parcel_utm.area, rel=0.005)
        crossing += len(expected) > 1
        for key, field, factor in (
            ("max_footprint_m2", "kdb_max", 0.01),
            ("max_floor_area_m2", "klb_max", 1.0),
            ("min_green_area_m2", "kdh_min", 0.01),
        ):
            vals = [
                (jakarta["intensity"][c][field], a)
                for c, a in expected.items()
                if jakarta["intensity"][c][field] is not None
            ]
            if vals:
                assert res["limits"][key] == pytest.approx(sum(v * factor * a for v, a in vals), rel=0.01, abs=0.01), (
                    key
                )
        covered = sum(expected.values()) / parcel_utm.area
        assert res["covered_share"] == pytest.approx(min(1.0, covered), abs=0.005)
        deciding = [jakarta["itbx"]["A002"][c] for c, a in expected.items() if a / parcel_utm.area >= 0.01]
        if deciding:
            assert res["activity"]["class"] == max(deciding, key=RANK.get), res["id"]
    assert crossing >= 20


def test_jakarta_special_provisions_and_tpz_come_with_the_zone(jakarta, fresh_client):
    zones = jakarta["zones"]
    row = zones[(zones.TPZ_00 == "b,l") | (zones.KSMPDN != "Tidak Ada")].iloc[0]
    p = row.geometry.representative_point()
    z = fresh_client.get("/v1/zoning", params={"lon": p.x, "lat": p.y}).json()["zones"][0]
    if row.TPZ_00 not in ("Tidak Ada", None):
        assert z["tpz"] == [t.strip() for t in row.TPZ_00.split(",")]
    kinds = {sp["kind"]: sp["value"] for sp in z["special_provisions"]}
    if row.KSMPDN != "Tidak Ada":
        assert kinds.get("KSMPDN") == row.KSMPDN
    if row.KRB_03 != "Tidak Ada":
        assert kinds.get("KRB") == row.KRB_03


# --- Yogyakarta: intensity by lot-size class --------------------------------------------------------------


@pytest.fixture(scope="module")
def yogyakarta(fresh_database, tmp_path_factory):
    from rdtr.ingest import ingest_package

    zones_src = real_data("yogyakarta-itbx-simtaru", "pola_ruang_rdtr_kota_jogja_sample50.geojson")
    table_src = real_data("yogyakarta-itbx-simtaru", "intensitas_yogyakarta.csv")
    d = tmp_path_factory.mktemp("yogyakarta")
    shutil.copy(zones_src, d / "zones.geojson")
    shutil.copy(table_src, d / "intensitas.csv")
    header = next(csv.reader(open(table_src, encoding="utf-8-sig")))
    codes = header[header.index("parameter") + 1 :]
    with open(d / "subzona.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["subzone_code", "subzone_name", "zone_code", "zone_name"])
        for c in codes + ["JLN"]:
            w.writerow([c, c, c.split("-")[0], c.split("-")[0]])
    (d / "plan.toml").write_text("""[plan]
id = "yogyakarta-test"
name = "RDTR Kota Yogyakarta (test extract)"
legal_basis = "Perda Kota Yogyakarta No. 1 Tahun 2015"
effective_from = 2015-03-01
[zones]
path = "zones.geojson"
[zones.fields]
subzone_code = "SIMBOL"
subzone_name = "POLA_RUANG"
[subzones]
path = "subzona.csv"
[intensity]
path = "intensitas.csv"
layout = "parameter-rows"
exclude = ["kelas", "keterangan"]
[intensity.columns]
lot_area_min_m2 = "luas_min_m2"
lot_area_max_m2 = "luas_max_m2"
parameter = "parameter"
""")
    ingest_package(fresh_database, d)
    table = list(csv.DictReader(open(table_src, encoding="utf-8-sig")))
    return {"zones": gpd.read_file(zones_src), "table": table}


@pytest.mark.parametrize("area", [16, 160, 1200])
def test_yogyakarta_lot_size_classes(yogyakarta, fresh_client, area):
    zones = yogyakarta["zones"]
    k = zones[zones.SIMBOL == "K"].to_crs(UTM_YOGYA)
    big = k.geometry.iloc[int(k.geometry.area.argmax())]
    c = big.representative_point()
    side = math.sqrt(area)
    parcel_utm = shapely.box(c.x - side / 2, c.y - side / 2, c.x + side / 2, c.y + side / 2)
    parcel = gpd.GeoSeries([parcel_utm], crs=UTM_YOGYA).to_crs(4326).iloc[0]
    body = fresh_client.post("/v1/parcels/analyze", params={"plan": "yogyakarta-test"}, json=mapping(parcel)).json()
    piece = next(z for z in body["zones"] + body["slivers"] if z["subzone_code"] == "K")
    lot = body["parcel"]["area_m2"]
    assert lot == pytest.approx(area, rel=0.005)
    # the table's classes are whole numbers written inclusively (40–100, 101–200, …, ≥ 1001)
    rows = [r for r in yogyakarta["table"] if float(r["luas_min_m2"]) <= round(lot) <= float(r["luas_max_m2"])]
    if not rows:  # 16 m²: below the smallest class
        assert piece["intensity"]["kdb_max"] is None
        assert body["lot_size"]["breach"] is True and "40" in body["lot_size"]["breaches"][0]["detail"]
        return
    expected = {r["parameter"]: float(r["K"]) for r in rows}
    assert piece["intensity"]["kdb_max"] == expected["KDB"]
    assert piece["intensity"]["klb_max"] == expected["KLB"]
    assert piece["intensity"]["kdh_min"] == expected["KDH"]
    assert piece["intensity"]["height_max_m"] == expected["Tinggi"]
    assert body["lot_size"]["breach"] is False
