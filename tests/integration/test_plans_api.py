"""/v1/plans: listing, one plan with its versions, and the admin-only upload; `rdtr plans --json`.

The module writes (tokens, plans): it runs on a database of its own (``fresh_database``, ``fresh_client``),
which ``rdtr plans`` reaches through RDTR_DATABASE_URL."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from rdtr.auth import create_token
from rdtr.cli import app
from rdtr.config import get_settings
from tests.support.ingest import grid_zones, make_package


@pytest.fixture(scope="module")
def tokens(fresh_database):
    return {
        "admin": create_token(fresh_database, "plans-api-admin", "admin"),
        "officer": create_token(fresh_database, "plans-api-officer", "officer"),
    }


@pytest.fixture(scope="module")
def two_versions(fresh_database, tmp_path_factory):
    from rdtr.ingest import ingest_package

    base = tmp_path_factory.mktemp("api")
    ingest_package(
        fresh_database, make_package(base / "v1", "api-plan", effective_from="2021-03-01", legal_basis="Perwali 1/2021")
    )
    codes = list(grid_zones().KODSZN)
    codes[0] = "K-1"
    ingest_package(
        fresh_database,
        make_package(
            base / "v2",
            "api-plan",
            effective_from="2023-07-01",
            legal_basis="Perwali 7/2023",
            zones=grid_zones(codes=codes),
        ),
    )
    # a version that takes effect in the future: not in force today
    ingest_package(
        fresh_database,
        make_package(
            base / "v3",
            "api-plan",
            effective_from="2099-01-01",
            legal_basis="Perwali 1/2099",
            zones=grid_zones(codes=codes[::-1]),
        ),
    )
    ingest_package(
        fresh_database, make_package(base / "f1", "api-future", effective_from="2099-01-01", legal_basis="Perwali F")
    )


def _headers(token):
    return {"Authorization": f"Bearer {token}"}


def _zip_bytes(root) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in sorted(root.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(root).as_posix())
    return buf.getvalue()


def test_list_shows_the_version_in_force_today(fresh_client, two_versions):
    body = fresh_client.get("/v1/plans").json()
    plans = {p["id"]: p for p in body["plans"]}
    p = plans["api-plan"]
    assert (p["version"], p["legal_basis"], p["effective_from"], p["versions"], p["zones"]) == (
        2,
        "Perwali 7/2023",
        "2023-07-01",
        3,
        12,
    )
    minlon, minlat, maxlon, maxlat = p["bbox"]
    assert 117.49 < minlon < maxlon < 117.50 and 0.09 < minlat < maxlat < 0.1
    # nothing in force yet: the latest version is shown, and says so
    assert (plans["api-future"]["version"], plans["api-future"]["in_force"]) == (1, False)


def test_one_plan_with_all_versions(fresh_client, two_versions):
    body = fresh_client.get("/v1/plans/api-plan").json()
    assert body["id"] == "api-plan" and body["version"] == 2
    assert [(v["version"], v["effective_from"], v["in_force"]) for v in body["versions"]] == [
        (1, "2021-03-01", False),
        (2, "2023-07-01", True),
        (3, "2099-01-01", False),
    ]
    assert body["versions"][0]["legal_basis"] == "Perwali 1/2021"
    missing = fresh_client.get("/v1/plans/no-such-plan")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")


def test_cli_plans_json_is_the_api_document(fresh_client, two_versions):
    result = CliRunner().invoke(app, ["plans", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == fresh_client.get("/v1/plans").json()
    table = CliRunner().invoke(app, ["plans"])
    assert "Perwali 7/2023" in table.output and "2099-01-01" in table.output


def test_upload_needs_an_admin_token(fresh_database, fresh_client, tokens, tmp_path):
    data = _zip_bytes(make_package(tmp_path / "pkg", "upload-auth"))
    files = {"package": ("upload-auth.zip", data, "application/zip")}
    none = fresh_client.post("/v1/plans", files=files)
    assert none.status_code == 401 and none.headers["www-authenticate"].startswith("Bearer")
    assert none.headers["content-type"].startswith("application/problem+json")
    wrong = fresh_client.post("/v1/plans", files=files, headers=_headers("rdtr_forged"))
    assert wrong.status_code == 401
    officer = fresh_client.post("/v1/plans", files=files, headers=_headers(tokens["officer"]))
    assert officer.status_code == 403 and "admin" in officer.json()["detail"]
    with fresh_database.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM plan_version WHERE plan_id = 'upload-auth'")).scalar() == 0
    admin = fresh_client.post("/v1/plans", files=files, headers=_headers(tokens["admin"]))
    assert admin.status_code == 201, admin.text
    body = admin.json()
    assert (body["plan_id"], body["version"]) == ("upload-auth", 1)
    assert body["report"]["counts"]["zones"] == 12
    assert fresh_client.get("/v1/plans/upload-auth").json()["versions"][0]["effective_from"] == "2024-01-01"
    again = fresh_client.post("/v1/plans", files=files, headers=_headers(tokens["admin"]))
    assert again.status_code == 409 and "already loaded" in again.json()["detail"]


def test_upload_of_an_invalid_package_is_422_with_the_report(fresh_database, fresh_client, tokens, tmp_path):
    root = make_package(tmp_path / "pkg", "upload-bad")
    (root / "itbx.csv").write_text((root / "itbx.csv").read_text().replace("B1,B2", "Z9"))
    r = fresh_client.post(
        "/v1/plans",
        files={"package": ("bad.zip", _zip_bytes(root), "application/zip")},
        headers=_headers(tokens["admin"]),
    )
    assert r.status_code == 422
    body = r.json()
    err = body["report"]["errors"][0]
    assert (err["file"], err["row"], err["column"]) == ("itbx.csv", 4, "K-1")
    with fresh_database.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM plan WHERE id = 'upload-bad'")).scalar() == 0


def test_upload_refuses_zip_slip_non_zip_and_too_large(fresh_client, tokens, tmp_path, monkeypatch):
    admin = _headers(tokens["admin"])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("plan.toml", "[plan]\n")
        zf.writestr("../../../tmp/rdtr-evil.txt", "x")
    slip = fresh_client.post(
        "/v1/plans", files={"package": ("slip.zip", buf.getvalue(), "application/zip")}, headers=admin
    )
    assert 400 <= slip.status_code < 500 and "unsafe path" in slip.json()["detail"]
    not_zip = fresh_client.post(
        "/v1/plans", files={"package": ("plan.toml", b"[plan]\nid='x'\n", "text/plain")}, headers=admin
    )
    assert not_zip.status_code == 415 and "not a zip" in not_zip.json()["detail"]
    no_field = fresh_client.post("/v1/plans", files={"other": ("a.zip", b"PK", "application/zip")}, headers=admin)
    assert no_field.status_code == 422 and "package" in no_field.json()["detail"]
    monkeypatch.setattr(get_settings(), "max_upload_bytes", 2_000)
    data = _zip_bytes(make_package(tmp_path / "big", "upload-big"))
    assert len(data) > 2_000
    big = fresh_client.post("/v1/plans", files={"package": ("big.zip", data, "application/zip")}, headers=admin)
    assert big.status_code == 413 and "limit" in big.json()["detail"]


def test_upload_dry_run_writes_nothing(fresh_client, tokens, tmp_path):
    data = _zip_bytes(make_package(tmp_path / "pkg", "upload-dry"))
    r = fresh_client.post(
        "/v1/plans?dry_run=true",
        files={"package": ("p.zip", data, "application/zip")},
        headers=_headers(tokens["admin"]),
    )
    assert r.status_code == 200 and r.json()["dry_run"] is True and r.json()["version"] == 1
    assert fresh_client.get("/v1/plans/upload-dry").status_code == 404
