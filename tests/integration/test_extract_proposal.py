"""An extract made with a building proposal: the conformity check of the very analysis the extract prints
is stored in the immutable record (inside the hashed answer) and printed in the PDF; the check stored is
the one ``POST /v1/parcels/check`` answers; a bad proposal is refused before anything is stored; without a
proposal the extract is as before.

The module writes (tokens, extract records): it runs on a database of its own (``fresh_database``)."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest

from rdtr.render.extract import answer_sha256
from tests.support.maps import sample_place

REFERENCE = "PKKPR/64.74/2026/00077"
TOO_TALL = {
    "footprint_m2": 120,
    "floor_area_m2": 240,
    "floors": 2,
    "height_m": 20,
    "green_area_m2": 300,
    "setback_m": 5,
}


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _pdf_text(pdf: bytes) -> str:
    """The PDF's text, read back as test_extract.py does, whitespace folded (table cells wrap)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def _count(db, table: str) -> int:
    from sqlalchemy import text

    with db.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()


@pytest.fixture(scope="module")
def officer(fresh_database) -> dict:
    from rdtr.auth import create_token

    return {"Authorization": f"Bearer {create_token(fresh_database, 'Petugas Uji', 'officer')}"}


@pytest.fixture(scope="module")
def place(sample_plan):
    return sample_place("R-2")


def _make(client, headers, body) -> tuple[dict, dict, str]:
    r = client.post("/v1/extracts", json=body, headers=headers)
    assert r.status_code == 201, r.text
    made = r.json()
    record = client.get(_path(made["verify"])).json()
    pdf = client.get(_path(made["pdf"])).content
    return made, record, pdf


@pytest.fixture(scope="module")
def too_tall(fresh_client, officer, place):
    body = {"parcel": place["parcel"], "activity": "A001", "reference": REFERENCE, "plan": "bontang"}
    return _make(fresh_client, officer, {**body, "proposal": TOO_TALL})


def test_a_proposal_above_the_height_limit_is_stored_as_not_conforming(too_tall, place):
    made, record, _ = too_tall
    conf = record["answer"]["conformity"]
    assert conf["verdict"] == "does_not_conform"
    assert "analysis" not in conf  # the analysis is the record's answer itself
    assert conf["proposal"] == {
        **TOO_TALL,
        "footprint_m2": 120.0,
        "floor_area_m2": 240.0,
        "height_m": 20.0,
        "green_area_m2": 300.0,
        "setback_m": 5.0,
    }
    assert record["request"]["proposal"] == conf["proposal"]
    height = next(c for c in conf["checks"] if c["rule"] == "height")
    assert height["result"] == "fail" and height["proposed"] == 20.0 and height["unit"] == "m"
    # The limit is the sub-zone's own, as the plan's intensity table states it.
    limit = record["answer"]["limits"]["max_height_m"]
    assert height["limit"] == limit < 20
    src = height["source"]
    assert src["plan"] == "bontang" and src["version"] == record["plans"][0]["version"]
    assert src["subzone_code"] == place["subzone_code"]
    assert src["by"] == "intensity" and src["field"] == "height_max_m" and src["value"] == limit
    others = {c["rule"]: c["result"] for c in conf["checks"] if c["rule"] != "height"}
    assert set(others.values()) == {"pass"}, others
    assert any("tinggi bangunan" in r.lower() for r in conf["reasons"])  # the reasons are in Indonesian


def test_the_pdf_prints_the_verdict_the_check_and_its_source(too_tall, place, test_output):
    from rdtr.render.extract import fmt_num

    made, record, pdf = too_tall
    (test_output / "extract-proposal.pdf").write_bytes(pdf)
    text = _pdf_text(pdf)
    assert "Pemeriksaan kesesuaian rencana bangunan" in text and "Conformity check" in text
    assert "Tidak sesuai" in text and "Does not conform" in text
    limit = record["answer"]["limits"]["max_height_m"]
    assert f"maks. {fmt_num(limit, 1)} m" in text  # the limit with its unit, Indonesian number format
    assert "20,0 m" in text  # the proposed height
    assert "Tidak memenuhi" in text and "Memenuhi" in text
    assert f"bontang versi {record['plans'][0]['version']}, sub-zona {place['subzone_code']}" in text
    assert f"Tinggi maks {fmt_num(limit, 1)} m" in text  # the intensity row that decided it
    kdb = record["answer"]["zones"][0]["intensity"]["kdb_max"]
    assert f"KDB {fmt_num(kdb, 0)} %" in text
    # The page-1 summary says it too, and the later sections move down one.
    assert "Kesesuaian rencana bangunan / conformity: Tidak sesuai" in text
    assert "5. Ketentuan khusus dan TPZ" in text and "7. Catatan" in text


def test_the_printed_hash_covers_the_stored_check(too_tall):
    made, record, pdf = too_tall
    text = _pdf_text(pdf).replace(" ", "")
    assert record["answer_sha256"] == answer_sha256(record["answer"])
    assert record["answer_sha256"] in text
    without = {k: v for k, v in record["answer"].items() if k != "conformity"}
    assert answer_sha256(without) != record["answer_sha256"]


def test_the_extract_stores_the_same_check_as_http_answers(too_tall, fresh_client, place):
    """The same answer from HTTP and the extract record: verdict, checks, requirements, reasons (id)."""
    _, record, _ = too_tall
    body = {"parcel": place["parcel"], "activity": "A001", "plan": "bontang", "proposal": TOO_TALL}
    r = fresh_client.post("/v1/parcels/check", json=body, headers={"Accept-Language": "id"})
    assert r.status_code == 200, r.text
    http = r.json()
    stored = record["answer"]["conformity"]
    for key in ("verdict", "activity", "proposal", "checks", "requirements", "reasons"):
        assert stored[key] == http[key], key
    assert http["analysis"]["limits"] == record["answer"]["limits"]


def test_a_condition_prints_its_code_and_text(fresh_client, officer, place, test_output):
    """An activity whose ITBX cell has conditions (A005 in R-2): each check a condition decided cites
    "ketentuan <code>: <text>", and each requirement is listed with whether the proposal gives it."""
    body = {"parcel": place["parcel"], "activity": "A005", "plan": "bontang", "proposal": {"floors": 2}}
    _, record, pdf = _make(fresh_client, officer, body)
    (test_output / "extract-proposal-conditions.pdf").write_bytes(pdf)
    conf = record["answer"]["conformity"]
    http = fresh_client.post("/v1/parcels/check", json=body, headers={"Accept-Language": "id"}).json()
    assert (conf["verdict"], conf["checks"], conf["requirements"]) == (
        http["verdict"],
        http["checks"],
        http["requirements"],
    )
    text = _pdf_text(pdf)
    by_condition = [c["source"] for c in conf["checks"] if c["source"].get("by") == "condition" and c["source"]["code"]]
    if not by_condition and not conf["requirements"]:
        pytest.skip("the sample's cell for A005 in R-2 has no conditions any more")
    for src in by_condition:
        assert f"ketentuan {src['code']}:" in text
    for req in conf["requirements"]:
        assert req["provided"] is False
        assert " ".join(req["name"].split()) in text
    assert "Belum ada" in text or not conf["requirements"]
    from rdtr.render.extract.conformity import verdict_words

    assert verdict_words(conf["verdict"])[0] in text


def test_an_invalid_proposal_is_refused_and_stores_nothing(fresh_client, fresh_database, officer, place):
    before = (_count(fresh_database, "extract"), _count(fresh_database, "audit_log"))
    base = {"parcel": place["parcel"], "activity": "A001", "plan": "bontang"}
    for proposal, field in (
        ({"floors": -1}, "proposal.floors"),
        ({"height_m": "tall"}, "proposal.height_m"),
        ({"storeys": 2}, "proposal.storeys"),
        ({"hours": "all day"}, "proposal.hours"),
        ([1, 2], "proposal"),
    ):
        r = fresh_client.post("/v1/extracts", json={**base, "proposal": proposal}, headers=officer)
        assert r.status_code == 422, (proposal, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert field in r.json()["detail"]
    assert (_count(fresh_database, "extract"), _count(fresh_database, "audit_log")) == before


def test_without_a_proposal_the_extract_is_as_before(fresh_client, officer, place):
    body = {"parcel": place["parcel"], "activity": "A001", "plan": "bontang"}
    _, record, pdf = _make(fresh_client, officer, body)
    assert "conformity" not in record["answer"] and "proposal" not in record["request"]
    text = _pdf_text(pdf)
    assert "Pemeriksaan kesesuaian" not in text and "Conformity check" not in text
    assert "4. Ketentuan khusus dan TPZ" in text and "6. Catatan" in text
    # A null proposal is no proposal.
    _, record, _ = _make(fresh_client, officer, {**body, "proposal": None})
    assert "conformity" not in record["answer"]


def test_an_unknown_body_field_is_still_ignored(fresh_client, officer, place):
    """As before the proposal existed: the extract route reads the fields it knows and ignores the rest."""
    body = {"parcel": place["parcel"], "activity": "A001", "plan": "bontang", "colour": "blue"}
    _, record, _ = _make(fresh_client, officer, body)
    assert "colour" not in record["request"]


def test_the_verification_page_shows_the_verdict(too_tall, fresh_client):
    made, _, _ = too_tall
    r = fresh_client.get(_path(made["verify"]), headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "Kesesuaian rencana bangunan" in r.text and "Tidak sesuai" in r.text
    audit = fresh_client.get("/v1/extracts/" + made["id"]).json()
    assert audit["answer"]["conformity"]["verdict"] == "does_not_conform"
