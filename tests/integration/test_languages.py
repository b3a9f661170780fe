"""Answers in two languages (interface.md, "Answers in two languages"): messages, notes and problem+json
follow ``Accept-Language`` (id or en, default en); plan data stays as the plan wrote it."""

from __future__ import annotations

import pytest

from tests.support.maps import sample_place

ID = {"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}
SEA = {"lon": 117.65, "lat": 0.05}  # off the coast of Bontang: no plan


@pytest.fixture(scope="module")
def r2():
    return sample_place("R-2")


def test_outside_every_plan_the_message_follows_the_language(client, sample_plan):
    id_ = client.get("/v1/zoning", params=SEA, headers=ID).json()
    en = client.get("/v1/zoning", params=SEA, headers=EN).json()
    default = client.get("/v1/zoning", params=SEA).json()
    assert id_["covered"] is False
    assert id_["message"].startswith("Tidak ada RDTR yang berlaku di lokasi ini")
    assert en["message"].startswith("No RDTR covers this location") and default["message"] == en["message"]


def test_a_point_in_lot_size_classes_explains_itself_in_indonesian(client, sample_plan, r2):
    z = client.get("/v1/zoning", params={"lon": r2["lon"], "lat": r2["lat"]}, headers=ID).json()["zones"][0]
    assert z["intensity"]["by_lot_size"], "R-2 of the sample has lot-size classes"
    assert z["intensity"]["note"].startswith("bergantung pada luas persil")
    assert z["subzone_name"] == r2["subzone_name"]  # plan data as the plan wrote it


def test_problems_follow_the_language(client, sample_plan, r2):
    r = client.get("/v1/zoning", params={"lon": r2["lon"], "lat": r2["lat"], "activity": "kapal selam"}, headers=ID)
    assert r.status_code == 404
    body = r.json()
    assert body["title"] == "Tidak ditemukan"
    assert body["detail"].startswith("kegiatan 'kapal selam' tidak dikenal")
    assert "/v1/" not in body["detail"]
    en = client.get("/v1/zoning", params={"lon": r2["lon"], "lat": r2["lat"], "activity": "kapal selam"}).json()
    assert en["title"] == "Not found" and en["detail"].startswith("unknown activity 'kapal selam'")
    swapped = client.get("/v1/zoning", params={"lon": 0.13, "lat": 117.5}, headers=ID).json()
    assert swapped["title"] == "Masukan tidak valid"
    assert "tertukar" in swapped["detail"] and "swapped" not in swapped["detail"]


def test_a_parcel_too_large_says_so_without_the_variable_in_indonesian(client, sample_plan, settings, r2):
    settings.max_parcel_area_m2 = 100.0  # the 900 m² test parcel is now too large
    r = client.post("/v1/parcels/analyze", json=r2["parcel"], headers=ID)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail.startswith("luas persil 9") and "RDTR_" not in detail
    en = client.post("/v1/parcels/analyze", json=r2["parcel"]).json()["detail"]
    assert "RDTR_MAX_PARCEL_AREA_M2" in en


def test_indonesian_numbers_in_messages(client, sample_plan, settings, r2):
    settings.max_parcel_area_m2 = 100.0
    detail = client.post("/v1/parcels/analyze", json=r2["parcel"], headers=ID).json()["detail"]
    assert "lebih dari batas 100 m²" in detail
    settings.max_parcel_area_m2 = 250.4
    assert "batas 250 m²" in client.post("/v1/parcels/analyze", json=r2["parcel"], headers=ID).json()["detail"]


def test_cli_json_is_the_default_language(client, sample_plan):
    import json

    from typer.testing import CliRunner

    from rdtr.cli import app

    result = CliRunner().invoke(app, ["lookup", str(SEA["lon"]), str(SEA["lat"]), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["message"] == client.get("/v1/zoning", params=SEA).json()["message"]


@pytest.mark.parametrize(
    ("body", "start_id", "start_en"),
    [
        ({"type": "Point", "coordinates": [117.4, 0.1]}, "Point bukan persil", "a Point is not a parcel"),
        ({"type": "FeatureCollection", "features": []}, "FeatureCollection tidak berisi fitur", "the Feature"),
        (
            {"type": "Polygon", "coordinates": [[[0.13, 117.47], [0.131, 117.47], [0.131, 117.471], [0.13, 117.47]]]},
            "lintang 117.471 melewati ±90 — sumbunya tampak tertukar",
            "latitude 117.471 is beyond ±90 — the axes look swapped",
        ),
        (
            {"type": "Polygon", "coordinates": [[[117.47, 0.13], [117.471, 0.13], [117.471, 0.131]]]},
            "cincin luar hanya memiliki 3 posisi",
            "the outer ring has 3 positions",
        ),
    ],
)
def test_parcel_input_errors_in_both_languages(client, sample_plan, body, start_id, start_en):
    id_ = client.post("/v1/parcels/analyze", json=body, headers=ID).json()["detail"]
    en = client.post("/v1/parcels/analyze", json=body).json()["detail"]
    assert id_.startswith(start_id), id_
    assert en.startswith(start_en), en


def test_a_bad_proposal_is_named_in_both_languages(client, sample_plan, r2):
    body = {"parcel": r2["parcel"], "activity": "A001", "proposal": {"hours": "07:00-07:00"}}
    id_ = client.post("/v1/parcels/check", json=body, headers=ID).json()["detail"]
    en = client.post("/v1/parcels/check", json=body).json()["detail"]
    assert id_ == "proposal.hours: '07:00-07:00': rentang jam dimulai dan berakhir pada waktu yang sama"
    assert en == "proposal.hours: '07:00-07:00': the range starts and ends at the same time"


def test_no_such_plan_and_a_bad_bbox_in_both_languages(client, sample_plan):
    r = client.get("/v1/zoning", params={"lon": 117.47, "lat": 0.1, "plan": "atlantis"}, headers=ID)
    assert (
        r.status_code == 404 and r.json()["detail"] == "tidak ada rencana 'atlantis'; lihat daftar rencana yang dimuat"
    )
    en = client.get("/v1/zoning", params={"lon": 117.47, "lat": 0.1, "plan": "atlantis"}).json()["detail"]
    assert en.startswith("no plan 'atlantis'")
    bad = client.get("/v1/zones.geojson", params={"bbox": "117.5,0.1,117.4,0.2"}, headers=ID).json()["detail"]
    assert "dengan min < maks" in bad and "with min" not in bad


# --- every route but OGC's: bad input answered in the language asked ----------------------------------------

#: Words that give a sentence away as English or Indonesian (rdtr's own words; the cases send no such input).
ENGLISH = (" the ", " must ", " is not ", " has no ", " does not ", " needs ", " send ", " give ", " cannot ")
INDONESIAN = (" tidak ", " harus ", " wajib ", " bukan ", " kirim ", " yang ", " dari ", " isi ", " paket ")

R2_CELL = {
    "type": "Polygon",
    "coordinates": [[[117.47, 0.13], [117.4703, 0.13], [117.4703, 0.1303], [117.47, 0.1303], [117.47, 0.13]]],
}


@pytest.fixture(scope="module")
def tokens(fresh_database):
    from rdtr.auth import create_token

    return {
        "admin": {"Authorization": "Bearer " + create_token(fresh_database, "languages-admin", "admin")},
        "officer": {"Authorization": "Bearer " + create_token(fresh_database, "languages-officer", "officer")},
    }


def _zip(files: dict[str, str]) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


#: (name, method, path, request keywords, token, status); the request goes out once per language.
CASES = [
    ("coordinates: unreadable", "GET", "/v1/coordinates", {"params": {"q": "zzz"}}, None, 422),
    ("coordinates: UTM northing", "GET", "/v1/coordinates", {"params": {"q": "50N 553000 99999999"}}, None, 422),
    ("coordinates: DMS minutes", "GET", "/v1/coordinates", {"params": {"q": "0°75'06\"N 117°28'56\"E"}}, None, 422),
    ("places: empty", "GET", "/v1/places", {"params": {"q": "   "}}, None, 422),
    ("parcels: unknown number", "GET", "/v1/parcels/bontang/NOPE-1", {}, None, 404),
    ("activities: class", "GET", "/v1/activities/A001/zones", {"params": {"class": "Z"}}, None, 422),
    (
        "zones: v without plan",
        "GET",
        "/v1/zones.geojson",
        {"params": {"bbox": "117.4,0.1,117.5,0.2", "v": "1"}},
        None,
        422,
    ),
    ("tiles: zoom", "GET", "/v1/tiles/bontang/30/0/0.mvt", {}, None, 422),
    ("tiles: no such tile", "GET", "/v1/tiles/bontang/2/9/9.mvt", {}, None, 422),
    ("downloads: version", "GET", "/v1/plans/bontang/versions/99/download.gpkg", {}, None, 404),
    ("report: version", "GET", "/v1/plans/bontang/versions/99/report", {}, None, 404),
    ("extracts: malformed id", "GET", "/v1/extracts/nope", {}, None, 404),
    ("extracts: unknown id", "GET", "/v1/extracts/20261127-7k3f9q2m0a", {}, None, 404),
    ("extracts: no parcel", "POST", "/v1/extracts", {"json": {"activity": "A001"}}, "officer", 422),
    ("watches: no shape", "POST", "/v1/watches", {"json": {"url": "https://example.org/hook"}}, None, 422),
    ("watches: url", "POST", "/v1/watches", {"json": {"parcel": R2_CELL, "url": "ftp://x"}}, None, 422),
    ("watches: unknown", "GET", "/v1/watches/nope", {"headers": {"X-Watch-Secret": "x"}}, None, 404),
    ("audit: since", "GET", "/v1/audit", {"params": {"since": "kemarin"}}, "admin", 422),
    ("upload: not multipart", "POST", "/v1/plans", {"content": b"PK"}, "admin", 415),
    (
        "upload: no plan.toml",
        "POST",
        "/v1/plans",
        {"files": {"package": ("p.zip", _zip({"a.txt": "x"}))}},
        "admin",
        422,
    ),
    (
        "upload: bad plan.toml",
        "POST",
        "/v1/plans",
        {"files": {"package": ("p.zip", _zip({"plan.toml": "[plan]\nid = 'kota-x'\n"}))}},
        "admin",
        422,
    ),
    ("check: unknown field", "POST", "/v1/parcels/check", {"json": {"parcel": R2_CELL, "x": 1}}, None, 422),
    ("check: no activity", "POST", "/v1/parcels/check", {"json": {"parcel": R2_CELL}}, None, 422),
    ("compare: no dates", "POST", "/v1/parcels/compare", {"json": R2_CELL}, None, 422),
    ("changes: bad from", "GET", "/v1/plans/bontang/changes", {"params": {"from": "x", "to": "1"}}, None, 422),
    ("changes: no version 99", "GET", "/v1/plans/bontang/changes", {"params": {"from": "1", "to": "99"}}, None, 404),
    ("convert: file kind", "POST", "/v1/parcels/convert", {"files": {"file": ("p.txt", b"x")}}, None, 415),
]


def _ask(fresh_client, tokens, case, lang: str):
    _, method, path, kwargs, token, _ = case
    headers = {"Accept-Language": lang, **kwargs.get("headers", {}), **(tokens[token] if token else {})}
    return fresh_client.request(method, path, **{**kwargs, "headers": headers})


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_every_route_says_what_is_wrong_in_the_language_asked(fresh_client, sample_plan, tokens, case):
    status = case[-1]
    en, id_ = _ask(fresh_client, tokens, case, "en"), _ask(fresh_client, tokens, case, "id")
    assert en.status_code == id_.status_code == status, (en.text, id_.text)
    en_detail, id_detail = f" {en.json()['detail']} ", f" {id_.json()['detail']} "
    assert en_detail != id_detail
    assert not [w for w in INDONESIAN if w in en_detail], en_detail
    assert not [w for w in ENGLISH if w in id_detail], id_detail
    assert "RDTR_" not in id_detail and "/v1/" not in id_detail
    assert en.json()["title"] != id_.json()["title"]


def test_the_sentences_themselves(fresh_client, sample_plan, tokens):
    from rdtr.coords import EXAMPLES

    def detail(case_name, lang):
        case = next(c for c in CASES if c[0] == case_name)
        return _ask(fresh_client, tokens, case, lang).json()["detail"]

    assert detail("coordinates: unreadable", "en") == f"cannot read 'zzz' as a place; examples: {EXAMPLES}"
    assert detail("coordinates: unreadable", "id") == f"'zzz' tidak dapat dibaca sebagai koordinat; contoh: {EXAMPLES}"
    # Numbers per locale inside the sentence.
    assert detail("coordinates: UTM northing", "en").startswith("UTM northing 99,999,999 m is outside 0–10,000,000")
    assert detail("coordinates: UTM northing", "id").startswith(
        "koordinat utara (northing) UTM 99.999.999 m di luar 0–10.000.000"
    )
    assert detail("tiles: no such tile", "id") == "ubin 2/9/9 tidak ada: x dan y harus di antara 0–3 pada zoom 2"
    assert detail("extracts: malformed id", "id") == (
        "tidak ada ekstrak 'nope' (nomor ekstrak berbentuk seperti 20261127-7k3f9q2m0a)"
    )
    assert detail("upload: no plan.toml", "id") == (
        "tidak ada plan.toml di p.zip: paket adalah folder (atau .zip) yang berisi plan.toml"
    )


def test_a_bad_package_reports_in_the_language_asked(fresh_client, sample_plan, tokens):
    case = next(c for c in CASES if c[0] == "upload: bad plan.toml")
    en, id_ = _ask(fresh_client, tokens, case, "en").json(), _ask(fresh_client, tokens, case, "id").json()
    assert en["title"] == "Invalid plan package" and id_["title"] == "Masukan tidak valid"
    assert en["detail"] == "plan.toml: [plan].name is required (and 3 more errors)"
    assert id_["detail"] == "plan.toml: [plan].name wajib diisi (dan 3 kesalahan lain)"
    # The report's own sentences too; where they come from (the package's file) stays as written.
    assert [e["message"] for e in id_["report"]["errors"]] == [
        "[plan].name wajib diisi",
        "[plan].legal_basis wajib diisi",
        "[plan].effective_from wajib diisi",
        '[zones] dengan path = "…" wajib ada (poligon pola ruang)',
    ]
    assert en["report"]["errors"][0]["message"] == "[plan].name is required"
    assert {e["file"] for e in id_["report"]["errors"]} == {"plan.toml"}


# --- ingest reports, parcel geometries and files, the OGC API (issue #10 item 5) ------------------------------


def _said_in(text: str, lang: str) -> list[str]:
    """The marker words of the other language found in ``text`` (empty when it reads as ``lang`` only)."""
    padded = f" {text} "
    return [w for w in (INDONESIAN if lang == "en" else ENGLISH) if w in padded]


@pytest.fixture(scope="module")
def broken_package(tmp_path_factory):
    """The little test package with one problem of each kind: a zone of an unknown sub-zone, an ITBX cell that is
    no class, a legend code defined twice (and one without text), overlapping lot-size classes and a free-text
    intensity value."""
    from tests.support.ingest import ACTIVITIES, SUBZONES, grid_zones, make_package, write_csv, zip_dir

    root = tmp_path_factory.mktemp("broken") / "rusak"
    codes = [*(list(SUBZONES) * 3)][:11] + ["Q-9"]
    make_package(root, "rusak", zones=grid_zones(codes=codes), overlay=False)
    subs = list(SUBZONES)
    rows = [[c, n, k, "Umum", *cells] for c, n, k, cells in ACTIVITIES]
    rows[0][4] = "Q"  # A001 in R-2: not a class
    write_csv(root / "itbx.csv", ["activity_code", "activity", "kbli", "group", *subs], rows)
    write_csv(root / "itbx_codes.csv", ["code", "text"], [["T1", "dibatasi"], ["T1", "lagi"], ["T2", ""], ["B1", "x"]])
    head = ["subzone", "lot_area_min_m2", "lot_area_max_m2", "kdb_max", "klb_max", "kdh_min"]
    write_csv(
        root / "intensitas.csv",
        head,
        [
            ["R-2", "0", "200", "60", "2", "20"],
            ["R-2", "100", "300", "50", "2", "20"],
            ["R-3", "", "", "sesuai ketentuan", "2", "10"],
            ["K-1", "", "", "80", "4", "10"],
        ],
    )
    return {"folder": root, "zip": zip_dir(root, root.parent / "rusak.zip")}


#: Sentences the broken package's report holds, in each language (plan data kept as written).
BROKEN_SENTENCES = {
    "en": [
        "'Q-9' is not a sub-zone code of the plan's sub-zone table (subzona.csv)",
        "'Q' is not an ITBX class (I, T, B, X) or condition code like T1 or B3",
        "code 'T1' is defined twice",
        "lot-size classes of sub-zone R-2 overlap (0–200 and 100–300 m²)",
    ],
    "id": [
        "'Q-9' bukan kode sub-zona dalam tabel sub-zona rencana (subzona.csv)",
        "'Q' bukan kelas ITBX (I, T, B, X) atau kode ketentuan seperti T1 atau B3",
        "kode 'T1' didefinisikan dua kali",
        "kelas luas persil sub-zona R-2 tumpang tindih (0–200 dan 100–300 m²)",
    ],
}


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_upload_report_of_a_broken_package_is_in_the_language_asked(fresh_client, tokens, broken_package, lang):
    files = {"package": ("rusak.zip", broken_package["zip"].read_bytes())}
    r = fresh_client.post("/v1/plans", files=files, headers={"Accept-Language": lang, **tokens["admin"]})
    assert r.status_code == 422, r.text
    body = r.json()
    report = body["report"]
    messages = [i["message"] for i in report["errors"] + report["warnings"]]
    assert {i["code"] for i in report["errors"]} >= {"unknown_subzone", "unknown_class", "duplicate"}
    assert "overlapping_lot_classes" in {i["code"] for i in report["errors"]}
    assert "free_text_intensity" in {i["code"] for i in report["warnings"]}
    for sentence in BROKEN_SENTENCES[lang]:
        assert sentence in messages, (sentence, messages)
    stray = {m: _said_in(m, lang) for m in messages if _said_in(m, lang)}
    assert not stray, stray
    assert not _said_in(body["detail"], lang), body["detail"]
    assert body["detail"].startswith("pola_ruang.gpkg " + ("fitur" if lang == "id" else "feature"))
    more = "kesalahan lain)" if lang == "id" else "more errors)"
    assert body["detail"].endswith(more), body["detail"]
    assert {i["file"] for i in report["errors"]} >= {"pola_ruang.gpkg", "itbx.csv", "itbx_codes.csv", "intensitas.csv"}


def test_rdtr_ingest_lang_id_prints_the_report_in_indonesian(fresh_database, broken_package, tmp_path):
    import json

    from typer.testing import CliRunner

    from rdtr.cli import app

    runner = CliRunner()
    out = tmp_path / "laporan.json"
    result = runner.invoke(app, ["ingest", str(broken_package["folder"]), "--lang", "id", "--report", str(out)])
    assert result.exit_code == 1, result.output
    text = " ".join(result.output.split())
    assert "kesalahan" in text and "tidak dimuat" in text and "not loaded" not in text
    assert "itbx.csv baris 2 kolom 'R-2': 'Q' bukan kelas ITBX" in text, text
    for sentence in BROKEN_SENTENCES["id"][:3]:
        assert sentence in text, sentence
    written = json.loads(out.read_text(encoding="utf-8"))
    assert BROKEN_SENTENCES["id"][2] in [e["message"] for e in written["errors"]]
    english = runner.invoke(app, ["ingest", str(broken_package["folder"])])
    assert english.exit_code == 1
    plain = " ".join(english.output.split())
    assert "not loaded" in plain and BROKEN_SENTENCES["en"][1] in plain and "bukan" not in plain
    bad = runner.invoke(app, ["ingest", str(broken_package["folder"]), "--lang", "fr"])
    assert bad.exit_code == 2 and "--lang must be id or en" in bad.output


@pytest.mark.parametrize(
    ("body", "id_", "en"),
    [
        (
            {"type": "Polygon", "coordinates": [7]},
            "cincin harus berupa array posisi [lon, lat]",
            "a ring must be an array of [lon, lat] positions",
        ),
        (
            {"type": "Polygon", "coordinates": [[[117.47, "0.13"], [117.471, 0.13], [117.471, 0.131], [117.47, 0.13]]]},
            "setiap posisi harus berupa angka [lon, lat], diterima [117.47, '0.13']",
            "every position must be [lon, lat] numbers, got [117.47, '0.13']",
        ),
        (
            {"type": "MultiPolygon", "coordinates": []},
            "MultiPolygon memerlukan array poligon",
            "a MultiPolygon needs an array of polygons",
        ),
        (
            {"type": "Feature", "geometry": "Polygon"},
            "geometri harus berupa objek GeoJSON",
            "the geometry must be a GeoJSON object",
        ),
    ],
)
def test_bad_parcel_geometries_in_both_languages(client, sample_plan, body, id_, en):
    r_id = client.post("/v1/parcels/analyze", json=body, headers=ID)
    r_en = client.post("/v1/parcels/analyze", json=body, headers=EN)
    assert r_id.status_code == r_en.status_code == 422, r_en.text
    assert id_ in r_id.json()["detail"] and not _said_in(r_id.json()["detail"], "id"), r_id.json()["detail"]
    assert en in r_en.json()["detail"] and not _said_in(r_en.json()["detail"], "en"), r_en.json()["detail"]


def test_the_bad_parcels_of_a_collection_are_named_in_both_languages(client, sample_plan):
    body = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Polygon"}}, 3]}
    r_id = client.post("/v1/parcels/analyze", json=body, headers=ID)
    r_en = client.post("/v1/parcels/analyze", json=body, headers=EN)
    assert r_id.status_code == r_en.status_code == 200
    said_id = [p["error"]["detail"] for p in r_id.json()["results"]]
    said_en = [p["error"]["detail"] for p in r_en.json()["results"]]
    assert said_id == [
        "fitur 0: poligon memerlukan paling sedikit satu cincin (array posisi)",
        "fitur 1: diharapkan objek GeoJSON Feature",
    ]
    assert said_en == [
        "feature 0: a polygon needs at least one ring (an array of positions)",
        "feature 1: expected a GeoJSON Feature object",
    ]
    assert {p["error"]["title"] for p in r_id.json()["results"]} == {"Masukan tidak valid"}


def test_a_parcel_file_without_usable_polygons_in_both_languages(client, sample_plan):
    import json

    points = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [117.47, 0.13]}},
            {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[117.47, 0.13]]}},
        ],
    }
    files = {"file": ("titik.geojson", json.dumps(points).encode())}
    r_id = client.post("/v1/parcels/convert", files=files, headers=ID)
    r_en = client.post("/v1/parcels/convert", files=files, headers=EN)
    assert r_id.status_code == r_en.status_code == 422, r_en.text
    assert r_id.json()["detail"].startswith("titik.geojson: "), r_id.json()["detail"]
    assert "tmp" not in r_en.json()["detail"] and not _said_in(r_id.json()["detail"], "id"), r_id.json()["detail"]
    assert not _said_in(r_en.json()["detail"], "en"), r_en.json()["detail"]


@pytest.mark.parametrize(
    ("path", "params", "status", "id_", "en"),
    [
        (
            "/ogc/collections/atlantis",
            {},
            404,
            "tidak ada koleksi 'atlantis'; koleksi yang ada: ",
            "no collection 'atlantis'",
        ),
        (
            "/ogc/collections/bontang-zones/items",
            {"bbox": "117.4,0.1,117.5"},
            400,
            "bbox: 4 atau 6 angka, diterima 3",
            "bbox: 4 or 6 numbers, got 3",
        ),
        (
            "/ogc/collections/bontang-zones/items",
            {"datetime": "2024-13-01/2024-01-01"},
            400,
            "datetime: '2024-13-01' bukan tanggal (2024-12-01) maupun tanggal-waktu (RFC 3339)",
            "datetime: '2024-13-01' is neither a date",
        ),
        ("/ogc/collections", {"bogus": "1"}, 400, "parameter 'bogus' tidak dikenal", "unknown parameter 'bogus'"),
    ],
)
def test_ogc_errors_in_both_languages(client, sample_plan, path, params, status, id_, en):
    r_id = client.get(path, params=params, headers=ID)
    r_en = client.get(path, params=params, headers=EN)
    assert r_id.status_code == r_en.status_code == status, r_en.text
    assert r_id.headers["content-type"].startswith("application/problem+json")
    assert r_id.json()["detail"].startswith(id_), r_id.json()["detail"]
    assert r_en.json()["detail"].startswith(en), r_en.json()["detail"]
    assert r_id.json()["title"] != r_en.json()["title"]


# --- plan.toml outside [[parcels]], and the stored report of a loaded version (issue #10, last gaps) ---------------

BAD_SECTIONS = """[plan]
id = "kota-x"
name = "RDTR Kota X"
legal_basis = "Perwali X No. 1 Tahun 2026"
effective_from = 2026-01-01
synthetic = "ya"

[zones]
path = "pola_ruang.gpkg"

[subzones]
path = "subzona.csv"
skip_rows = "3"
header_row = 0

[intensity]
source = "peta"
"""


def test_plan_toml_sections_say_what_is_wrong_in_both_languages(fresh_client, sample_plan, tokens):
    files = {"package": ("x.zip", _zip({"plan.toml": BAD_SECTIONS}))}
    answers = {
        lang: fresh_client.post("/v1/plans", files=files, headers={"Accept-Language": lang, **tokens["admin"]})
        for lang in ("en", "id")
    }
    assert {r.status_code for r in answers.values()} == {422}, answers["en"].text
    said = {lang: [e["message"] for e in r.json()["report"]["errors"]] for lang, r in answers.items()}
    assert said["en"] == [
        "[plan].synthetic must be true or false",
        "[subzones].skip_rows must be a list of line numbers",
        "[subzones].header_row must be a line number ≥ 1",
        '[intensity].source must be "file" or "zones", got \'peta\'',
        '[intensity] needs path = "…"',
    ]
    assert said["id"] == [
        "[plan].synthetic harus true atau false",
        "[subzones].skip_rows harus berupa daftar nomor baris",
        "[subzones].header_row harus berupa nomor baris ≥ 1",
        '[intensity].source harus "file" atau "zones", diterima \'peta\'',
        '[intensity] memerlukan path = "…"',
    ]
    assert answers["id"].json()["detail"] == "plan.toml: [plan].synthetic harus true atau false (dan 4 kesalahan lain)"
    for lang, messages in said.items():
        assert not {m: _said_in(m, lang) for m in messages if _said_in(m, lang)}, messages


@pytest.fixture(scope="module")
def loaded_report(fresh_database, tmp_path_factory):
    """A little package with warnings and repairs (free-text intensity, units in cells) loaded as ``laporan``."""
    from rdtr.ingest import ingest_package
    from tests.support.ingest import make_package

    root = make_package(tmp_path_factory.mktemp("laporan") / "laporan", "laporan", overlay=False)
    return ingest_package(fresh_database, root)


def test_a_stored_report_is_said_in_the_language_asked(fresh_client, loaded_report):
    url = f"/v1/plans/laporan/versions/{loaded_report.version}/report"
    en, id_ = fresh_client.get(url, headers=EN), fresh_client.get(url, headers=ID)
    assert en.status_code == id_.status_code == 200, (en.text, id_.text)
    assert en.headers["content-language"] == "en" and id_.headers["content-language"] == "id"
    en, id_ = en.json(), id_.json()
    assert (en["language"], id_["language"]) == ("en", "id") and "language_note" not in id_
    # The same findings: every key, count and where each message comes from; only the sentences differ.
    assert en.keys() == id_.keys() and en["counts"] == id_["counts"] and en["counts"]["zones"] == 12
    for bucket in ("errors", "warnings", "repaired"):
        assert [{k: v for k, v in i.items() if k != "message"} for i in en[bucket]] == [
            {k: v for k, v in i.items() if k != "message"} for i in id_[bucket]
        ]
    assert (id_["n_warnings"], id_["n_repaired"]) == (en["n_warnings"], en["n_repaired"]) == (1, 1)
    assert [w["message"] for w in en["warnings"]] == [
        "conditions that stay text only (no rule column): B1, B2, T1, T2; a conformity check they govern needs an "
        "officer's review"
    ]
    assert [w["message"] for w in id_["warnings"]] == [
        "ketentuan yang tetap berupa teks saja (tanpa kolom aturan): B1, B2, T1, T2; pemeriksaan kesesuaian yang "
        "diaturnya perlu ditinjau petugas"
    ]
    assert id_["repaired"][0]["message"].startswith("KLB '210%' dibaca sebagai persen")
    assert id_["topology"]["gaps"]["boundary"]["edge_gaps"] == "tidak diperiksa: [plan] boundary tidak ada"
    assert en["topology"]["gaps"]["boundary"]["edge_gaps"] == "not checked: no [plan] boundary"
    for lang, doc in (("en", en), ("id", id_)):
        sentences = [i["message"] for b in ("warnings", "repaired") for i in doc[b]]
        sentences.append(doc["topology"]["gaps"]["boundary"]["edge_gaps"])
        assert not {m: _said_in(m, lang) for m in sentences if _said_in(m, lang)}, sentences


def test_a_report_stored_before_migration_0009_answers_english_and_says_so(fresh_client, fresh_database, tokens):
    import tempfile
    from pathlib import Path

    from sqlalchemy import text

    from rdtr.ingest import ingest_package
    from tests.support.ingest import make_package

    with tempfile.TemporaryDirectory() as tmp:
        result = ingest_package(fresh_database, make_package(Path(tmp) / "lama", "lama", overlay=False))
    with fresh_database.engine.begin() as conn:  # as a version loaded before the column existed
        conn.execute(
            text("UPDATE plan_version SET validation_report_id = NULL WHERE id = :v"), {"v": result.plan_version_id}
        )
    url = f"/v1/plans/lama/versions/{result.version}/report"
    en, id_ = fresh_client.get(url, headers=EN), fresh_client.get(url, headers=ID)
    assert en.status_code == id_.status_code == 200
    assert en.headers["content-language"] == id_.headers["content-language"] == "en"
    assert id_.json()["language"] == "en" and id_.json()["warnings"] == en.json()["warnings"]
    assert id_.json()["language_note"] == (
        "versi ini dimuat sebelum laporan disimpan dalam bahasa Indonesia: laporannya hanya tersedia dalam "
        "bahasa Inggris"
    )
    assert "language_note" not in en.json()
