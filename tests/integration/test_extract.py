"""Map extracts for decisions, as an officer and a verifier would use them: made only with an officer
token; the PDF read back (text, page size, size), its QR code decoded, its SHA-256 compared with the
public record; the CLI makes the same.

The module writes (tokens, extract records): it runs on a database of its own (``fresh_database``)."""

from __future__ import annotations

import hashlib
import io
import json
from urllib.parse import urlsplit

import pytest
from typer.testing import CliRunner

from rdtr.render.extract import answer_sha256, canonical_json
from tests.support.maps import legal_basis, sample_place

A4_PT = (595.2756, 841.8898)
MAX_BYTES = 5 * 1024 * 1024
REFERENCE = "PKKPR/64.74/2026/00042"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _decode_qr(pdf: bytes, page_index: int = 0):
    import pypdfium2 as pdfium
    import zxingcpp

    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[page_index].render(scale=3).to_pil()
    finally:
        doc.close()
    return image, [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


@pytest.fixture(scope="module")
def officer_token(fresh_database) -> str:
    from rdtr.auth import create_token

    return create_token(fresh_database, "Petugas Uji", "officer")


@pytest.fixture(scope="module")
def place(sample_plan):
    return sample_place("R-2")


@pytest.fixture(scope="module")
def made(fresh_client, place, officer_token):
    body = {"parcel": place["parcel"], "activity": "A001", "reference": REFERENCE, "plan": "bontang"}
    r = fresh_client.post("/v1/extracts", json=body, headers={"Authorization": f"Bearer {officer_token}"})
    assert r.status_code == 201, r.text
    return r.json()


def test_no_extract_without_an_officer_token(fresh_client, place):
    body = {"parcel": place["parcel"], "activity": "A001", "reference": "x"}
    r = fresh_client.post("/v1/extracts", json=body)
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.headers.get("www-authenticate", "").startswith("Bearer")
    r = fresh_client.post("/v1/extracts", json=body, headers={"Authorization": "Bearer rdtr_not-a-real-token"})
    assert r.status_code == 401
    # Not even a malformed body gets past the door first.
    assert fresh_client.post("/v1/extracts", content=b"{oops").status_code == 401


def test_an_admin_token_may_make_extracts(fresh_client, fresh_database, place):
    from rdtr.auth import create_token

    admin = create_token(fresh_database, "Admin Uji", "admin")
    r = fresh_client.post(
        "/v1/extracts",
        json={"parcel": place["parcel"], "activity": "A001", "plan": "bontang"},
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert r.status_code == 201, r.text


def test_extract_response_points_at_the_pdf_and_the_record(made):
    assert set(made) == {"id", "sha256", "pdf", "verify"}
    assert made["pdf"].startswith("http") and made["pdf"].endswith(f"/v1/extracts/{made['id']}.pdf")
    assert made["verify"].endswith(f"/v1/extracts/{made['id']}")
    assert len(made["sha256"]) == 64


def test_the_pdf_is_what_the_record_says(fresh_client, made, place, test_output):
    pdf_r = fresh_client.get(_path(made["pdf"]))
    assert pdf_r.status_code == 200 and pdf_r.headers["content-type"] == "application/pdf"
    pdf = pdf_r.content
    (test_output / "extract.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) < MAX_BYTES

    # Its SHA-256 equals the record's, which the public verification URL returns (no token needed).
    record_r = fresh_client.get(_path(made["verify"]))
    assert record_r.status_code == 200
    record = record_r.json()
    digest = hashlib.sha256(pdf).hexdigest()
    assert digest == record["sha256"] == made["sha256"]

    # A4 portrait, every page.
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert (w, h) == pytest.approx(A4_PT, abs=0.5)
        assert (page.get("/Rotate") or 0) % 180 == 0

    text = _pdf_text(pdf)
    assert legal_basis() in " ".join(text.split())
    assert place["subzone_code"] in text
    assert REFERENCE in text
    assert made["id"] in text
    for scale in ("1:1.000", "1:2.500", "1:5.000"):
        if scale in text:
            break
    else:
        pytest.fail("no standard map scale printed")
    assert "OSS" in text
    # The printed hash is of the answer as canonical JSON, recomputable from the public record.
    assert record["answer_sha256"] == answer_sha256(record["answer"])
    assert record["answer_sha256"] in text.replace("\n", "")
    assert hashlib.sha256(canonical_json(record["answer"])).hexdigest() == record["answer_sha256"]

    # The record: request, answer, plan and legal basis, officer, reference.
    assert record["officer"] == "Petugas Uji" and record["reference"] == REFERENCE
    assert record["legal_basis"] == [legal_basis()]
    assert record["answer"]["zones"][0]["subzone_code"] == place["subzone_code"]
    assert record["request"]["activity"] == "A001"


def test_the_qr_code_leads_to_the_verification_url(fresh_client, made, test_output):
    pdf = fresh_client.get(_path(made["pdf"])).content
    image, codes = _decode_qr(pdf)
    image.save(test_output / "extract-page1.png")
    assert codes == [made["verify"]]


def test_the_verification_page_reads_well_in_a_browser(fresh_client, made):
    r = fresh_client.get(_path(made["verify"]), headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert made["sha256"] in r.text and made["id"] in r.text and legal_basis() in r.text


def test_records_are_immutable(made, fresh_database):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError, match="immutable|append-only"):
        with fresh_database.engine.begin() as conn:
            conn.execute(text("UPDATE extract SET reference = 'changed' WHERE id = :i"), {"i": made["id"]})


def test_unknown_extracts_and_bad_requests(fresh_client, officer_token, sample_plan):
    assert fresh_client.get("/v1/extracts/20260101-0000000000").status_code == 404
    assert fresh_client.get("/v1/extracts/nope.pdf").status_code == 404
    auth = {"Authorization": f"Bearer {officer_token}"}
    far = {"type": "Polygon", "coordinates": [[[117.0, -1.0], [117.001, -1.0], [117.001, -0.999], [117.0, -1.0]]]}
    r = fresh_client.post("/v1/extracts", json={"parcel": far, "activity": "A001"}, headers=auth)
    assert r.status_code == 422 and "RTRW" in r.json()["detail"]
    r = fresh_client.post("/v1/extracts", json={"parcel": far}, headers=auth)
    assert r.status_code == 422 and "activity" in r.json()["detail"]
    swapped = {"type": "Polygon", "coordinates": [[[0.09, 117.46], [0.091, 117.46], [0.091, 117.461], [0.09, 117.46]]]}
    r = fresh_client.post("/v1/extracts", json={"parcel": swapped, "activity": "A001"}, headers=auth)
    assert r.status_code == 422
    r = fresh_client.post(
        "/v1/extracts", json={"parcel": sample_place("R-2")["parcel"], "activity": "no-such"}, headers=auth
    )
    assert r.status_code == 404


def test_a_big_parcel_renders_at_1_5000(fresh_client, officer_token, sample_plan):
    parcel = {
        "type": "Polygon",
        "coordinates": [[[117.455, 0.085], [117.461, 0.085], [117.461, 0.090], [117.455, 0.090], [117.455, 0.085]]],
    }
    r = fresh_client.post(
        "/v1/extracts",
        json={"parcel": parcel, "activity": "A001", "reference": "besar", "plan": "bontang"},
        headers={"Authorization": f"Bearer {officer_token}"},
    )
    assert r.status_code == 201, r.text
    pdf = fresh_client.get(_path(r.json()["pdf"])).content
    assert len(pdf) < MAX_BYTES
    assert "1:5.000" in _pdf_text(pdf)


def test_the_cli_makes_the_same_extract(tmp_path, place, fresh_client, sample_plan):
    from rdtr.cli import app

    parcel_file = tmp_path / "persil.geojson"
    parcel_file.write_text(json.dumps({"type": "Feature", "properties": {"NIB": "123"}, "geometry": place["parcel"]}))
    out = tmp_path / "ekstrak.pdf"
    result = CliRunner().invoke(
        app,
        [
            "extract",
            str(parcel_file),
            "--activity",
            "A001",
            "--reference",
            "CLI-1",
            "--out",
            str(out),
            "--officer",
            "Siti",
            "--plan",
            "bontang",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    pdf = out.read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == doc["sha256"]
    record = fresh_client.get(f"/v1/extracts/{doc['id']}").json()
    assert record["sha256"] == doc["sha256"] and record["officer"] == "Siti" and record["reference"] == "CLI-1"
    text = _pdf_text(pdf)
    assert doc["id"] in text and "CLI-1" in text and place["subzone_code"] in text
    # Usage errors exit 2, failures 1 with a one-line reason.
    bad = CliRunner().invoke(app, ["extract", str(parcel_file), "--activity", "A001", "--out", str(tmp_path / "x.txt")])
    assert bad.exit_code == 2
    unknown = CliRunner().invoke(app, ["extract", str(parcel_file), "--activity", "no-such", "--out", str(out)])
    assert unknown.exit_code == 1
