"""The verification page (``GET /v1/extracts/{id}``) as a citizen holding the paper opens it: for a browser, HTML
for known ids (the verdict, plan version, legal basis, officer and NIP, date, the hashes, numbers as
Indonesian writes them) and a 404 page in both languages for unknown or malformed ids; API clients get JSON
and problem+json.

The module writes (a token, an extract record): it runs on a database of its own (``fresh_database``)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

import pytest

from tests.support.maps import legal_basis, sample_place

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
NIP = "198501012010011001"
MONTHS = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split()


def _path(url: str) -> str:
    return urlsplit(url).path


def _id_number(value: float, digits: int = 1) -> str:
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


@pytest.fixture(scope="module")
def made(fresh_client, fresh_database, sample_plan):
    from rdtr.auth import create_token

    token = create_token(fresh_database, "Budi Santoso", "officer")
    body = {"parcel": sample_place("R-2")["parcel"], "activity": "A001", "plan": "bontang", "nip": NIP}
    r = fresh_client.post("/v1/extracts", json=body, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text
    return r.json()


def test_a_known_extract_reads_well_in_a_browser(fresh_client, made):
    r = fresh_client.get(_path(made["verify"]), headers=BROWSER)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    record = fresh_client.get(_path(made["verify"])).json()
    # The verdict, in words, on the hook the interface names.
    assert 'data-testid="verdict">Diizinkan</strong>' in page
    plan = record["plans"][0]
    assert f"versi {plan['version']}" in page and legal_basis() in page
    assert "Budi Santoso" in page and "NIP. 19850101 201001 1 001" in page
    created = datetime.fromisoformat(record["created_at"].replace("Z", "+00:00"))
    assert f"{created.day} {MONTHS[created.month - 1]} {created.year}" in page
    assert made["sha256"] in page and record["answer_sha256"] in page
    # Numbers as Indonesian writes them, the same as the PDF.
    area = record["answer"]["parcel"]["area_m2"]
    assert f"{_id_number(area)} m²" in page
    assert f"({_id_number(record['answer']['zones'][0]['share'] * 100)} %)" in page
    assert f"{_id_number(record['answer']['limits']['max_floor_area_m2'])} m²" in page
    assert '<html lang="id">' in page


def test_an_english_reader_gets_the_page_in_english_with_english_numbers(fresh_client, made):
    record = fresh_client.get(_path(made["verify"])).json()
    r = fresh_client.get(_path(made["verify"]), headers={**BROWSER, "Accept-Language": "en-GB,en;q=0.9"})
    assert r.status_code == 200 and "Accept-Language" in r.headers.get("vary", "")
    page = r.text
    assert '<html lang="en">' in page and 'data-testid="verdict">Permitted</strong>' in page
    plan = record["plans"][0]
    assert f"version {plan['version']}" in page and legal_basis() in page  # plan data as written
    assert "Verification of an RDTR map extract" in page and "Max floor area" in page
    for indonesian in ("Diizinkan", "Verifikasi ekstrak", "Luas persil", "Petugas", "versi "):
        assert indonesian not in page, indonesian
    created = datetime.fromisoformat(record["created_at"].replace("Z", "+00:00"))
    assert f"{created.day} {created:%B} {created.year}" in page
    area = record["answer"]["parcel"]["area_m2"]
    floor_area = record["answer"]["limits"]["max_floor_area_m2"]
    assert floor_area >= 1000, "the sample parcel's floor area shows the thousands separator"
    assert f"{area:,.1f} m²" in page and f"{floor_area:,.1f} m²" in page
    assert f"{_id_number(floor_area)} m²" not in page
    # Indonesian when the browser asks for it first; Indonesian too when it says nothing.
    id_ = fresh_client.get(_path(made["verify"]), headers={**BROWSER, "Accept-Language": "id,en;q=0.5"}).text
    assert f"{_id_number(floor_area)} m²" in id_ and "Permitted" not in id_


@pytest.mark.parametrize("extract_id", ["20260101-0000000000", "nope", "20260101-ILOU000000", "x" * 40])
def test_an_unknown_or_malformed_id_is_a_404_page_in_both_languages(fresh_client, made, extract_id):
    r = fresh_client.get(f"/v1/extracts/{extract_id}", headers=BROWSER)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    page = r.text
    assert "Ekstrak tidak ditemukan" in page and "Extract not found" in page
    assert page.index("Ekstrak tidak ditemukan") < page.index("Extract not found")  # Indonesian first
    assert "tidak dapat diverifikasi" in page and "cannot be verified" in page
    assert "Accept" in r.headers.get("vary", "").split(", ")
    # f=html asks for the same page without the header.
    assert fresh_client.get(f"/v1/extracts/{extract_id}", params={"f": "html"}).status_code == 404


def test_an_escaped_id_is_not_reflected_as_markup(fresh_client, made):
    r = fresh_client.get("/v1/extracts/%3Cscript%3Ealert(1)%3C%2Fscript%3E", headers=BROWSER)
    assert r.status_code == 404 and "<script>" not in r.text


@pytest.mark.parametrize("accept", ["application/json", "*/*", None, "application/problem+json"])
def test_api_clients_get_problem_json(fresh_client, made, accept):
    headers = {"Accept": accept} if accept else {}
    for extract_id in ("20260101-0000000000", "nope"):
        r = fresh_client.get(f"/v1/extracts/{extract_id}", headers=headers)
        assert r.status_code == 404
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["status"] == 404
    known = fresh_client.get(_path(made["verify"]), headers=headers)
    assert known.status_code == 200 and known.headers["content-type"].startswith("application/json")
    assert known.json()["officer_nip"] == NIP
