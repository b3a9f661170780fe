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
