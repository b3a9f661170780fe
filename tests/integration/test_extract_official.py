"""The extract as an official document, read back as an officer and a citizen read it: the issuing office's
letterhead from configuration (name, address, logo), the boxed verdict and the officer's signature block
with the NIP on page 1, "Halaman X dari Y" on every page, the rule that combines the pieces, numbered
conditions, one number format — and a bad NIP or an unusable logo refused with a clear reason.

The module writes (tokens, extract records): it runs on a database of its own (``fresh_database``)."""

from __future__ import annotations

import hashlib
import io
import re
from urllib.parse import urlsplit

import pytest

from rdtr.render.extract import answer_sha256
from tests.support.maps import legal_basis, sample_place

A4_PT = (595.2756, 841.8898)
MAX_BYTES = 5 * 1024 * 1024
OFFICE = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Bontang"
ADDRESS = "Jl. Bessai Berinta, Bontang Lestari, Kota Bontang, Kalimantan Timur 75325"
NIP = "198501012010011001"
NIP_PRINTED = "19850101 201001 1 001"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _pages(pdf: bytes) -> list[str]:
    """Each page's text, whitespace collapsed (lines wrap where the layout wants)."""
    from pypdf import PdfReader

    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def _id_number(value: float, digits: int = 1) -> str:
    """Indonesian number format, written here independently of rdtr.numbers: 3782.8 -> 3.782,8."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


@pytest.fixture(scope="module")
def officer_token(fresh_database) -> str:
    from rdtr.auth import create_token

    return create_token(fresh_database, "Siti Rahmawati", "officer")


@pytest.fixture(scope="module")
def place(sample_plan):
    return sample_place("R-2")


@pytest.fixture()
def logo(tmp_path):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 1200), "white")
    ImageDraw.Draw(image).ellipse((100, 100, 1100, 1100), fill=(0, 90, 160))
    path = tmp_path / "logo-bontang.png"
    image.save(path)
    return path


@pytest.fixture()
def office(settings, logo):
    settings.office_name = OFFICE
    settings.office_address = ADDRESS
    settings.office_logo = str(logo)
    return settings


def _issue(client, token, place, **extra):
    body = {"parcel": place["parcel"], "activity": "A001", "reference": "PKKPR/64.74/2026/00101", "plan": "bontang"}
    return client.post("/v1/extracts", json={**body, **extra}, headers={"Authorization": f"Bearer {token}"})


def _read(client, made: dict) -> tuple[bytes, dict]:
    pdf = client.get(_path(made["pdf"])).content
    record = client.get(_path(made["verify"])).json()
    return pdf, record


def test_the_extract_is_an_official_document(fresh_client, officer_token, place, office, test_output):
    r = _issue(fresh_client, officer_token, place, nip=NIP)
    assert r.status_code == 201, r.text
    pdf, record = _read(fresh_client, r.json())
    (test_output / "extract-official.pdf").write_bytes(pdf)
    pages = _pages(pdf)
    first, last = pages[0], pages[-1]

    # The letterhead: the configured office, on page 1.
    assert OFFICE in first and ADDRESS in first
    assert "BELUM DIKONFIGURASI" not in first
    # The logo is drawn (an image on page 1), scaled down: the file stays small.
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1
    assert len(pdf) <= MAX_BYTES

    # Page X of Y on every page.
    total = len(pages)
    assert total >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Halaman {number} dari {total}" in text, number
    assert "Halaman 1 dari" in first and f"Halaman {total} dari {total}" in last

    # The officer's signature block: name and NIP (grouped as printed on official documents).
    assert "Siti Rahmawati" in first
    assert f"NIP. {NIP_PRINTED}" in first
    # The verdict, boxed on page 1: A001 is class I in R-2.
    assert record["answer"]["activity"]["class"] == "I"
    assert "Diizinkan / Permitted" in first

    # The rule for combining pieces, in the limits table, both languages.
    text = " ".join(pages)
    assert (
        "tinggi dan jumlah lantai dari potongan yang paling ketat; luas lantai dasar, luas lantai dan RTH "
        "dijumlahkan per potongan" in text
    )
    assert "height and number of floors from the strictest piece" in text

    # One number format: the max footprint computed here from the pieces (Σ KDB × piece area).
    zones = record["answer"]["zones"]
    footprint = sum(z["intensity"]["kdb_max"] / 100 * z["area_m2"] for z in zones)
    assert record["answer"]["limits"]["max_footprint_m2"] == pytest.approx(footprint, abs=0.06)
    assert f"{_id_number(footprint)} m²" in text
    share = _id_number(zones[0]["share"] * 100)
    assert f"({share} %)" in first
    # No English-style decimals for the measures.
    assert not re.search(r"\b\d+\.\d m²", text)

    # A4 portrait, every page; the record's hash rules unchanged; the NIP stored in the record.
    for page in PdfReader(io.BytesIO(pdf)).pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_PT, abs=0.5)
    assert hashlib.sha256(pdf).hexdigest() == record["sha256"]
    assert record["answer_sha256"] == answer_sha256(record["answer"])
    assert record["answer_sha256"] in text.replace(" ", "")
    assert record["officer_nip"] == NIP and record["request"]["officer_nip"] == NIP
    assert record["request"]["office"]["name"] == OFFICE
    assert legal_basis() in text


def test_conditions_are_a_numbered_list(fresh_client, officer_token, place, office, test_output):
    r = _issue(fresh_client, officer_token, place, activity="A005")  # T1, B1 in R-2
    assert r.status_code == 201, r.text
    pdf, record = _read(fresh_client, r.json())
    (test_output / "extract-official-conditions.pdf").write_bytes(pdf)
    text = " ".join(_pages(pdf))
    zone = record["answer"]["zones"][0]["activity"]
    texts = [" ".join(t.split()) for t in zone["conditions"]]
    if len(texts) < 2:
        pytest.skip("the sample's cell for A005 in R-2 has fewer than two conditions")
    for number, (code, condition) in enumerate(zip(zone["codes"], texts, strict=False), start=1):
        assert f"{number}. {code}: {condition}" in text, (number, code)
    first = _pages(pdf)[0]
    assert "Diizinkan bersyarat" in first and f"{len(texts)} ketentuan berlaku" in first


def test_without_a_nip_the_block_says_so_and_an_unset_office_says_it_is_not_configured(
    fresh_client, officer_token, place, settings
):
    r = _issue(fresh_client, officer_token, place)
    assert r.status_code == 201, r.text
    pdf, record = _read(fresh_client, r.json())
    first = _pages(pdf)[0]
    assert "RDTR_OFFICE_NAME" in first and "belum dikonfigurasi" in first.lower()
    assert "NIP. - (tidak dicantumkan / not given)" in first
    assert record["officer_nip"] is None


@pytest.mark.parametrize("nip", ["12345", "1985010120100110AB", "1985010120100110011", "", True, ["1985"]])
def test_a_bad_nip_is_a_422_naming_nip(fresh_client, officer_token, place, nip):
    r = _issue(fresh_client, officer_token, place, nip=nip)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "nip" in r.json()["detail"]


def test_a_nip_with_spaces_is_stored_as_its_18_digits(fresh_client, officer_token, place):
    r = _issue(fresh_client, officer_token, place, nip=NIP_PRINTED)
    assert r.status_code == 201, r.text
    _pdf, record = _read(fresh_client, r.json())
    assert record["officer_nip"] == NIP


@pytest.mark.parametrize(
    "kind, why",
    [
        ("text", "not a PNG or JPEG"),
        ("missing", "does not exist"),
        ("url", "is a URL"),
        ("folder", "folder"),
        ("truncated", "not a readable PNG"),
    ],
)
def test_an_unusable_logo_is_a_clear_error(fresh_client, officer_token, place, settings, tmp_path, logo, kind, why):
    path = {
        "text": tmp_path / "logo.png",
        "missing": tmp_path / "nothing.png",
        "url": "https://example.org/logo.png",
        "folder": tmp_path,
        "truncated": tmp_path / "half.png",
    }[kind]
    if kind == "text":
        path.write_text("this is not an image\n")
    if kind == "truncated":
        path.write_bytes(logo.read_bytes()[:200])
    settings.office_logo = str(path)
    r = _issue(fresh_client, officer_token, place)
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    detail = r.json()["detail"]
    assert "RDTR_OFFICE_LOGO" in detail and why in detail


def test_the_start_up_check_reports_the_same(settings, tmp_path):
    from rdtr.render.extract.office import OfficeLogoError, check_office

    bad = tmp_path / "logo.jpg"
    bad.write_bytes(b"GIF89a" + b"\0" * 64)
    settings.office_logo = str(bad)
    with pytest.raises(OfficeLogoError, match="not a PNG or JPEG"):
        check_office(settings)
    settings.office_logo = None
    assert check_office(settings).configured is False
