"""Real rule tables through the package mappings: Bintan (1,801 activities, sub-zone names as columns,
multi-code cells, legend, intensity with foreign headers), Yogyakarta (codes as columns, lot-size classes),
Jakarta (activity lists per polygon, intensity on the polygons).

The module writes (loads plans): it runs on a database of its own (``fresh_database``)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import geopandas as gpd
import pytest
from sqlalchemy import text

from rdtr.errors import PackageError
from rdtr.ingest import ingest_package
from tests.support.ingest import grid_zones, make_package, points_answer, write_csv, write_vector
from tests.support.paths import real_data

BINTAN = "bintan-itbx-trikora-bsb"
RANK = {"I": 0, "T": 1, "B": 2, "X": 3}

#: Bintan (Trikora) sub-zones: our codes for the names its tables use; aliases where the tables disagree.
TRIKORA_SUBZONES = [
    ("BA", "Badan Air", "BA", ""),
    ("HL", "Hutan Lindung", "HL", ""),
    ("PS", "Perlindungan Setempat", "PS", ""),
    ("RTH-4", "Taman Kelurahan", "RTH", ""),
    ("RTH-5", "Taman RW", "RTH", ""),
    ("RTH-6", "Taman RT", "RTH", ""),
    ("RTH-7", "Pemakaman", "RTH", ""),
    ("RTH-8", "Jalur Hijau", "RTH", ""),
    ("CB", "Cagar Budaya", "CB", ""),
    ("EM", "Ekosistem Mangrove", "EM", ""),
    ("BJ", "Badan Jalan", "BJ", ""),
    ("HPK", "Hutan Produksi yang Dapat di Konversi", "KHP", ""),
    ("HP", "Hutan Produksi Tetap", "KHP", ""),
    ("P-3", "Perkebunan", "P", ""),
    ("P-4", "Peternakan", "P", ""),
    ("KPI", "Kawasan Peruntukan Industri", "KPI", ""),
    ("W", "Pariwisata", "W", ""),
    ("R-2", "Perumahan Kepadatan Tinggi", "R", ""),
    ("R-3", "Perumahan Kepadatan Sedang", "R", ""),
    ("R-4", "Perumahan Kepadatan Rendah", "R", ""),
    ("SPU-1", "SPU Skala Kota", "SPU", ""),
    ("SPU-2", "SPU Skala Kecamatan", "SPU", ""),
    ("SPU-3", "SPU Skala Kelurahan", "SPU", ""),
    ("SPU-4", "SPU Skala RW", "SPU", ""),
    ("K-2", "Perdagangan dan Jasa Skala WP", "K", ""),
    ("K-3", "Perdagangan Skala SWP", "K", "Perdagangan dan Jasa Skala SWP"),
    ("KT", "Perkantoran", "KT", ""),
    ("PTB", "Peruntukan Pertambangan Mineral Non Logam", "PTB", "Pertambangan Mineral Bukan Logam"),
    ("RTNH", "Ruang Terbuka Non Hijau", "RTNH", ""),
    ("TR", "Transportasi", "TR", ""),
    ("HK", "Pertahanan dan Keamanan", "HK", ""),
]
TRIKORA_INTENSITY = {
    "subzone": "SubZona",
    "variant": "Jenis",
    "kdb_max": "KDB Maks (%)",
    "kdh_min": "KDH Min (%)",
    "klb_max": "KLB Maks",
    "ktb_max": "KTB Maks (%)",
    "lot_min_m2": "Luas Kavling Min (m2)",
    "height_max_m": "Tinggi Bangunan Maks. (m) - Lokal",
    "floors_max": "Lantai Bangunan Maks. - Lokal",
    "gsb_min_m": "Garis Sempadan Bangunan Min. (m) - Lokal",
    "note": "Keterangan",
}


def _bintan_package(root: Path, plan_id: str, itbx_file: str = "itbx_trikora.csv") -> Path:
    root.mkdir(parents=True)
    src = real_data(BINTAN)
    for name in (itbx_file, "itbx_codes_legend.csv", "intensitas_trikora.csv"):
        shutil.copy(src / name, root / name)
    write_csv(
        root / "subzona.csv",
        ["subzone_code", "subzone_name", "zone_code", "aliases"],
        [[c, n, z, a] for c, n, z, a in TRIKORA_SUBZONES],
    )
    write_vector(grid_zones(3, 2, codes=["R-2", "R-3", "K-2", "W", "SPU-1", "KT"]), root / "pola_ruang.gpkg")
    columns = "\n".join(f'{k} = "{v}"' for k, v in TRIKORA_INTENSITY.items())
    (root / "plan.toml").write_text(
        f'''[plan]
id = "{plan_id}"
name = "RDTR WP Trikora (Kabupaten Bintan)"
legal_basis = "Perbup Bintan (test)"
effective_from = 2023-01-01

[zones]
path = "pola_ruang.gpkg"

[subzones]
path = "subzona.csv"

[itbx]
path = "{itbx_file}"
codes = "itbx_codes_legend.csv"
layout = "wide"
columns = "names"
[itbx.fields]
activity_code = "activity_number"
activity = "activity"

[intensity]
path = "intensitas_trikora.csv"
subzones = "names"
[intensity.columns]
{columns}
''',
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def trikora(fresh_database, tmp_path_factory):
    root = _bintan_package(tmp_path_factory.mktemp("bintan") / "pkg", "bintan-trikora")
    return root, ingest_package(fresh_database, root)


def test_bintan_itbx_every_cell_matches_the_csv(fresh_database, trikora):
    root, result = trikora
    code_of = {name: code for code, name, _, _ in TRIKORA_SUBZONES}
    with open(root / "itbx_trikora.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    assert len(body) == 1801
    expected = {}
    for r in body:
        for name, cell in zip(header[2:], r[2:]):
            codes = [c.strip() for c in cell.split(",") if c.strip()]
            expected[(r[0], code_of[name])] = (max((c[0] for c in codes), key=RANK.get), codes)
    with fresh_database.engine.connect() as conn:
        got = {
            (r.activity_code, r.subzone_code): (r.cls, list(r.codes))
            for r in conn.execute(
                text(
                    "SELECT a.activity_code, i.subzone_code, i.class AS cls, i.codes FROM itbx i "
                    "JOIN activity a ON a.id = i.activity_id WHERE i.plan_version_id = :v"
                ),
                {"v": result.plan_version_id},
            )
        }
        n_act = conn.execute(
            text("SELECT count(*) FROM activity WHERE plan_version_id = :v"), {"v": result.plan_version_id}
        ).scalar()
    assert n_act == 1801
    assert len(got) == 1801 * 31
    assert got == expected


def test_bintan_answers_by_activity_code(fresh_database, trikora):
    _, result = trikora
    sql = text(
        "SELECT a.activity_name, i.class, i.codes, c.text FROM itbx i JOIN activity a ON a.id = i.activity_id "
        "LEFT JOIN itbx_code c ON c.plan_version_id = i.plan_version_id AND c.code = i.codes[1] "
        "WHERE i.plan_version_id = :v AND a.activity_code = :a AND i.subzone_code = :s"
    )
    with fresh_database.engine.connect() as conn:
        # 001 Pertanian Jagung: "B1,B3" in Badan Air, "T1" in Perumahan Kepadatan Sedang, "I" in Perkebunan
        row = conn.execute(sql, {"v": result.plan_version_id, "a": "001", "s": "BA"}).one()
        assert row.activity_name == "Pertanian Jagung" and row.__getattr__("class") == "B"
        assert list(row.codes) == ["B1", "B3"] and row.text.startswith("Diperbolehkan dengan syarat")
        assert conn.execute(sql, {"v": result.plan_version_id, "a": "001", "s": "R-3"}).one().codes == ["T1"]
        assert conn.execute(sql, {"v": result.plan_version_id, "a": "001", "s": "P-3"}).one().codes == ["I"]


def test_bintan_legend_loaded_verbatim(fresh_database, trikora):
    root, result = trikora
    with open(root / "itbx_codes_legend.csv", newline="", encoding="utf-8") as fh:
        legend = {r["code"]: r["meaning"] for r in csv.DictReader(fh)}
    with fresh_database.engine.connect() as conn:
        got = dict(
            conn.execute(
                text("SELECT code, text FROM itbx_code WHERE plan_version_id = :v"), {"v": result.plan_version_id}
            ).all()
        )
    assert got == legend and len(got) == 10


def test_bintan_intensity_rows_match_the_csv(fresh_database, trikora):
    root, result = trikora
    code_of = {}
    for code, name, _, alias in TRIKORA_SUBZONES:
        code_of[name.lower().replace(" ", "")] = code
        if alias:
            code_of[alias.lower().replace(" ", "")] = code
    code_of["hutanproduksiyangdapatdikonversi"] = "HPK"
    with open(root / "intensitas_trikora.csv", newline="", encoding="utf-8") as fh:
        csv_rows = list(csv.DictReader(fh))
    with fresh_database.engine.connect() as conn:
        db = (
            conn.execute(
                text(
                    "SELECT subzone_code, variant, kdb_max, klb_max, kdh_min, height_max_m, gsb_min_m, "
                    "lot_min_m2, note, extra FROM intensity WHERE plan_version_id = :v"
                ),
                {"v": result.plan_version_id},
            )
            .mappings()
            .all()
        )
    assert len(db) == len(csv_rows) == 35
    index = {(r["subzone_code"], r["variant"]): r for r in db}

    def num(s):
        return float(s) if s.strip() else None

    for r in csv_rows:
        sub = code_of[r["SubZona"].lower().replace(" ", "")]
        got = index[(sub, r["Jenis"] or None)]
        assert got["kdb_max"] == num(r["KDB Maks (%)"]), r
        assert got["klb_max"] == num(r["KLB Maks"]), r
        assert got["kdh_min"] == num(r["KDH Min (%)"]), r
        assert got["height_max_m"] == num(r["Tinggi Bangunan Maks. (m) - Lokal"]), r
        assert got["gsb_min_m"] == num(r["Garis Sempadan Bangunan Min. (m) - Lokal"]), r
        assert got["lot_min_m2"] == num(r["Luas Kavling Min (m2)"]), r
        assert got["note"] == (r["Keterangan"] or None)
        # columns without a canonical meaning are kept, verbatim
        kolektor = r["Tinggi Bangunan Maks. (m) - Kolektor"]
        assert (got["extra"] or {}).get("Tinggi Bangunan Maks. (m) - Kolektor") == (kolektor or None)
    pariwisata = sorted(v for (s, v) in index if s == "W")
    assert pariwisata == [
        "pariwisata Desa Berakit",
        "persil disebelah barat jalan Nasional",
        "persil disebelah timur jalan Nasional",
    ]


# --- Yogyakarta ------------------------------------------------------------------------------------
YOGYA = "yogyakarta-itbx-simtaru"
YOGYA_SUBZONES = [
    ("SC", "Sempadan"),
    ("RTH-1", "RTH Publik"),
    ("RTH-2", "RTH 2"),
    ("RTH-3", "RTH 3"),
    ("PS", "Perlindungan Setempat"),
    ("R-1", "Perumahan 1"),
    ("R-2", "Perumahan 2"),
    ("K", "Perdagangan dan Jasa"),
    ("KT", "Perkantoran"),
    ("SPU-1", "SPU 1"),
    ("SPU-2", "SPU 2"),
    ("SPU-3", "SPU 3"),
    ("SPU-4", "SPU 4"),
    ("I", "Industri"),
    ("PL", "Peruntukan Lainnya"),
    ("JLN", "Jalan"),
]


@pytest.fixture(scope="module")
def yogya(fresh_database, tmp_path_factory):
    root = tmp_path_factory.mktemp("yogya") / "pkg"
    root.mkdir()
    src = real_data(YOGYA)
    for name in ("itbx_yogyakarta.csv", "intensitas_yogyakarta.csv", "pola_ruang_rdtr_kota_jogja_sample50.geojson"):
        shutil.copy(src / name, root / name)
    write_csv(root / "subzona.csv", ["subzone_code", "subzone_name"], [list(s) for s in YOGYA_SUBZONES])
    (root / "plan.toml").write_text(
        """[plan]
id = "yogyakarta"
name = "RDTR Kota Yogyakarta"
legal_basis = "Perda Kota Yogyakarta No. 1 Tahun 2015"
effective_from = 2015-06-01

[zones]
path = "pola_ruang_rdtr_kota_jogja_sample50.geojson"
[zones.fields]
subzone_code = "SIMBOL"
subzone_name = "POLA_RUANG"

[subzones]
path = "subzona.csv"

[itbx]
path = "itbx_yogyakarta.csv"
columns = "codes"

[intensity]
path = "intensitas_yogyakarta.csv"
layout = "parameter-rows"
exclude = ["kelas", "keterangan"]
[intensity.columns]
parameter = "parameter"
lot_area_min_m2 = "luas_min_m2"
lot_area_max_m2 = "luas_max_m2"
[intensity.parameters]
height_max_m = "Tinggi"
""",
        encoding="utf-8",
    )
    return root, ingest_package(fresh_database, root)


def test_yogyakarta_itbx_codes_as_columns(fresh_database, yogya):
    root, result = yogya
    assert result.report["counts"]["activities"] == 147
    with open(root / "itbx_yogyakarta.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with fresh_database.engine.connect() as conn:
        got = {
            (r.activity_name, r.activity_group, r.subzone_code): r.cls
            for r in conn.execute(
                text(
                    "SELECT a.activity_name, a.activity_group, i.subzone_code, i.class AS cls FROM itbx i "
                    "JOIN activity a ON a.id = i.activity_id WHERE i.plan_version_id = :v"
                ),
                {"v": result.plan_version_id},
            )
        }
    expected = {
        (r["kegiatan"], r["kelompok_kegiatan"], sub): r[sub] for r in rows for sub in list(r)[2:] if r[sub].strip()
    }
    assert got == expected
    assert got[("Taman Makam Pahlawan", "Penghijauan", "RTH-3")] == "I"


def test_yogyakarta_intensity_by_lot_size_class(fresh_database, yogya):
    _, result = yogya
    with fresh_database.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT lot_area_min_m2, lot_area_max_m2, kdb_max, klb_max, kdh_min, height_max_m "
                "FROM intensity WHERE plan_version_id = :v AND subzone_code = 'R-1' "
                "ORDER BY lot_area_min_m2"
            ),
            {"v": result.plan_version_id},
        ).all()
        # a 150 m² lot falls in class 2 only (classes are half-open after closing 40–100, 101–200 …)
        hit = conn.execute(
            text(
                "SELECT kdb_max, klb_max FROM intensity WHERE plan_version_id = :v AND "
                "subzone_code = 'K' AND lot_area_min_m2 <= 200.5 AND 200.5 < lot_area_max_m2"
            ),
            {"v": result.plan_version_id},
        ).all()
    assert [tuple(r) for r in rows] == [
        (40, 101, 80, 3.2, 10, 16),
        (101, 201, 80, 3.2, 10, 16),
        (201, 401, 80, 3.2, 10, 16),
        (401, 1001, 80, 4, 10, 20),
        (1001, 100000, 80, 4, 10, 20),
    ]
    assert [tuple(h) for h in hit] == [(90, 4.5)]


def test_yogyakarta_polygons_answer_their_subzone(fresh_database, yogya):
    root, result = yogya
    truth = gpd.read_file(root / "pola_ruang_rdtr_kota_jogja_sample50.geojson")
    several = points_answer(fresh_database, "yogyakarta", truth, "SIMBOL", overlaps_ok=True)
    # the sample's road polygons overlap some blocks: each such point lies in an overlap the report lists
    overlapping = {f for o in result.report["topology"]["overlaps"]["items"] for f in o["features"]}
    assert {str(i) for i in several} <= overlapping
    assert result.report["counts"]["overlaps"] == len(result.report["topology"]["overlaps"]["items"]) > 0


# --- Jakarta: per-polygon activity lists and intensity -------------------------------------------
@pytest.fixture(scope="module")
def jakarta(fresh_database, tmp_path_factory):
    root = tmp_path_factory.mktemp("jakarta") / "pkg"
    root.mkdir()
    shutil.copy(real_data("jakarta-rdtr-inven2023", "rdtr_jakarta_sample.geojson"), root / "rdtr.geojson")
    (root / "plan.toml").write_text(
        """[plan]
id = "jakarta-lists"
name = "RDTR DKI Jakarta (sampel)"
legal_basis = "Pergub DKI Jakarta No. 31 Tahun 2022"
effective_from = 2022-04-01

[zones]
path = "rdtr.geojson"
id_field = "OBJECTID"

[itbx]
layout = "polygon-lists"
[itbx.lists]
IZN = "I"
TBT = "T"
BST = "B"
TBS = "T,B"

[intensity]
source = "zones"
[intensity.columns]
kdb_max = "KDB"
klb_max = "KLB"
kdh_min = "KDH"
ktb_max = "KTB"
""",
        encoding="utf-8",
    )
    return root, ingest_package(fresh_database, root)


def _jakarta_lists(root: Path, sub: str) -> dict[str, set[str]]:
    """Activity name → letters, read independently from the polygons of one sub-zone (full items only)."""
    gdf = gpd.read_file(root / "rdtr.geojson")
    out: dict[str, set[str]] = {}
    for _, f in gdf[gdf["KODSZN_1"] == sub].iterrows():
        for col, letters in (("IZN", "I"), ("TBT", "T"), ("BST", "B")):
            value = f[col] or ""
            items = [i.strip() for i in value.split(",") if i.strip() and i.strip() != "-"]
            if len(value) >= 254:
                items = items[:-1]  # cut off by the dBase limit
            for item in items:
                if "(" in item or ")" in item:
                    continue
                out.setdefault(item.lower(), set()).add(letters)
    return out


def test_jakarta_activity_lists_answer_by_subzone(fresh_database, jakarta):
    root, result = jakarta
    with fresh_database.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT a.name_key, i.class AS cls, i.codes FROM itbx i JOIN activity a "
                "ON a.id = i.activity_id WHERE i.plan_version_id = :v AND i.subzone_code = 'K-3'"
            ),
            {"v": result.plan_version_id},
        ).all()
    got = {r.name_key: (r.cls, set(r.codes)) for r in rows}
    expected = _jakarta_lists(root, "K-3")
    assert expected
    for name, letters in expected.items():
        cls = max(letters, key=RANK.get)
        assert got[name] == (cls, letters), name
    # Rumah Susun Khusus is both terbatas and bersyarat in K-3: class B, codes T and B
    assert got["rumah susun khusus"] == ("B", {"T", "B"})
    truncated = [w for w in result.report["warnings"] if w["code"] == "truncated_list"]
    assert truncated and all(w["feature"] for w in truncated)


def test_jakarta_intensity_from_polygons_and_free_text_flagged(fresh_database, jakarta):
    _, result = jakarta
    with fresh_database.engine.connect() as conn:
        rows = {
            r.subzone_code: r
            for r in conn.execute(
                text(
                    "SELECT subzone_code, kdb_max, klb_max, kdh_min, ktb_max, note FROM intensity WHERE plan_version_id = :v"
                ),
                {"v": result.plan_version_id},
            )
        }
    assert (rows["K-3"].kdb_max, rows["K-3"].klb_max, rows["K-3"].kdh_min, rows["K-3"].ktb_max) == (55, 3.57, 20, 60)
    assert rows["R-1"].kdb_max is None and "Luas LP kurang dari 60 m2" in rows["R-1"].note
    assert "TR" not in rows  # "null" everywhere: no intensity row
    flagged = {(w["feature"], w["column"]) for w in result.report["warnings"] if w["code"] == "free_text_intensity"}
    assert ("3", "KDB") in flagged  # OBJECTID 3 is the first R-1 polygon with text in KDB


# --- a long ITBX in an Excel workbook with a title above the header --------------------------------
def test_long_itbx_from_xlsx_with_title_rows(fresh_database, tmp_path):
    import openpyxl

    root = make_package(tmp_path / "pkg", "long-xlsx", itbx=False, overlay=False)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ITBX"
    ws.append(["Lampiran II: Ketentuan Kegiatan dan Penggunaan Lahan"])
    ws.append([])
    ws.append(["Kode", "Kegiatan", "Sub Zona", "Ketentuan"])
    rows = [
        ("A001", "Rumah Tunggal", "Perumahan Kepadatan Tinggi", "I"),
        ("A001", "Rumah Tunggal", "Taman Kota", "X"),
        ("A002", "Toko", "R-2", "T1, B2"),
        ("A002", "Toko", "Perdagangan dan Jasa Skala Kota", "I"),
    ]
    for r in rows:
        ws.append(list(r))
    wb.save(root / "itbx.xlsx")
    (root / "plan.toml").write_text(
        (root / "plan.toml").read_text()
        + """
[itbx]
path = "itbx.xlsx"
sheet = "ITBX"
layout = "long"
columns = "auto"
header_row = 3
[itbx.fields]
activity_code = "Kode"
activity = "Kegiatan"
subzone = "Sub Zona"
cell = "Ketentuan"
"""
    )
    result = ingest_package(fresh_database, root)
    with fresh_database.engine.connect() as conn:
        got = {
            (r.activity_code, r.subzone_code): (r.cls, list(r.codes))
            for r in conn.execute(
                text(
                    "SELECT a.activity_code, i.subzone_code, i.class AS cls, i.codes FROM itbx i "
                    "JOIN activity a ON a.id = i.activity_id WHERE i.plan_version_id = :v"
                ),
                {"v": result.plan_version_id},
            )
        }
    assert got == {
        ("A001", "R-2"): ("I", ["I"]),
        ("A001", "RTH-2"): ("X", ["X"]),
        ("A002", "R-2"): ("B", ["T1", "B2"]),
        ("A002", "K-1"): ("I", ["I"]),
    }
    # an unknown sub-zone in a long table: file, row (the spreadsheet's line) and column
    ws.append(["A003", "SPBU", "Zona Antah Berantah", "X"])
    wb.save(root / "itbx.xlsx")
    with pytest.raises(PackageError) as exc:
        ingest_package(fresh_database, root)
    err = exc.value.report["errors"][0]
    assert (err["code"], err["file"], err["row"], err["column"]) == ("unknown_subzone", "itbx.xlsx", 8, "Sub Zona")
