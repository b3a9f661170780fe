"""Least privilege in the database: as a login role in ``rdtr_app`` the service answers, loads a new
version through the API and issues extracts — and every statement that would rewrite a record fails; it
refuses to start as a superuser or the schema owner unless told to."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from rdtr.db import Database
from rdtr.db.roles import RoleRefused, check_service_role, ensure_login_role

SAMPLE_PACKAGE = Path(__file__).resolve().parents[2] / "data" / "zoning" / "bontang"
BOX = {
    "type": "Polygon",
    "coordinates": [
        [[117.4700, 0.0960], [117.4706, 0.0960], [117.4706, 0.0966], [117.4700, 0.0966], [117.4700, 0.0960]]
    ],
}
ROLE = "rdtr_test_service"


@pytest.fixture(scope="module")
def app_db(fresh_database):
    """The module's database as a login role in rdtr_app (made by the owner, as `rdtr db service-role` does)."""
    ensure_login_role(fresh_database, ROLE)
    url = make_url(fresh_database.url).set(username=ROLE, password=None).render_as_string(hide_password=False)
    with Database(url) as db:
        yield db


@pytest.fixture(scope="module")
def app_client(app_db):
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(app_db)) as c:
        yield c


def test_the_service_role_is_a_plain_member_of_rdtr_app(app_db, fresh_database):
    role = check_service_role(app_db, allow_superuser=False)
    assert role == {"user": ROLE, "superuser": False, "owner": False, "app_member": True}
    with pytest.raises(RoleRefused, match="RDTR_ALLOW_SUPERUSER"):
        check_service_role(fresh_database, allow_superuser=False)
    assert check_service_role(fresh_database, allow_superuser=True)["superuser"] or True


def test_answers_uploads_and_extracts_work_as_the_app_role(app_db, app_client, fresh_database, tmp_path):
    from rdtr.auth import create_token

    admin = create_token(fresh_database, "Roles Admin", "admin", actor="test")
    officer = create_token(fresh_database, "Roles Officer", "officer", actor="test")
    assert app_client.get("/v1/zoning", params={"lon": 117.4703, "lat": 0.0963}).json()["covered"]
    assert app_client.post("/v1/parcels/analyze", json=BOX).status_code == 200
    r = app_client.post(
        "/v1/extracts", json={"parcel": BOX, "activity": "A001"}, headers={"Authorization": f"Bearer {officer}"}
    )
    assert r.status_code == 201, r.text
    pkg = tmp_path / "pkg"
    shutil.copytree(SAMPLE_PACKAGE, pkg)
    toml = (pkg / "plan.toml").read_text()
    (pkg / "plan.toml").write_text(toml.replace('id = "bontang"', 'id = "roles-test"'))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in pkg.rglob("*"):
            if f.is_file():
                zf.write(f, f.relative_to(tmp_path))
    r = app_client.post(
        "/v1/plans",
        headers={"Authorization": f"Bearer {admin}"},
        files={"package": ("roles.zip", buf.getvalue(), "application/zip")},
    )
    assert r.status_code == 201, r.text
    assert r.json()["plan_id"] == "roles-test"
    answer = app_client.get("/v1/zoning", params={"lon": 117.4703, "lat": 0.0963, "plan": "roles-test"}).json()
    assert answer["covered"] and answer["zones"][0]["boundary_distance_m"] is not None, "edges were cut"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE extract SET reference = 'forged'",
        "DELETE FROM extract",
        "TRUNCATE extract",
        "UPDATE plan_version SET legal_basis = 'forged'",
        "UPDATE plan_version SET effective_from = '2000-01-01'",
        "DELETE FROM plan_version",
        "UPDATE zone SET subzone_code = 'X'",
        "DELETE FROM zone",
        "UPDATE itbx SET class = 'I'",
        "DELETE FROM intensity",
        "TRUNCATE audit_log",
        "DELETE FROM audit_log",
        "ALTER TABLE extract DISABLE TRIGGER ALL",
        "ALTER TABLE extract DISABLE TRIGGER extract_append_only",
        "CREATE TABLE evil (a int)",
        "INSERT INTO api_token (name, role, token_hash) VALUES ('x', 'admin', 'y')",
        "SELECT rdtr_finish_version(1, '{}'::jsonb)",
        "SELECT rdtr_finish_version(1, '{}'::jsonb, '{}'::jsonb)",
        "SELECT rdtr_version_partition('zone_part', 1)",
        "SELECT rdtr_version_partition('zone', 1)",
        "SELECT rdtr_attach_partition('zone', 1)",
    ],
)
def test_every_rewrite_fails_as_the_app_role(app_db, statement):
    with pytest.raises(DBAPIError):
        with app_db.engine.begin() as conn:
            conn.execute(text(statement))
