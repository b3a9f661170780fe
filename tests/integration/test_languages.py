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
