"""Trust, as an attacker and an auditor would probe it: abuse limits answer 429 with Retry-After, every
state change has its audit entry, tokens expire and are listed without secrets, verification URLs come
from configuration whatever the Host header says, NUL bytes and failed packages do no harm, and the API
docs render from local assets. The module writes: it runs on a database of its own."""

from __future__ import annotations

import io
import json
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rdtr.cli import app as cli
from rdtr.config import get_settings

BOX = {
    "type": "Polygon",
    "coordinates": [
        [[117.4700, 0.0960], [117.4706, 0.0960], [117.4706, 0.0966], [117.4700, 0.0966], [117.4700, 0.0960]]
    ],
}
SAMPLE_PACKAGE = Path(__file__).resolve().parents[2] / "data" / "zoning" / "bontang"


@pytest.fixture()
def limited_client(fresh_database, settings):
    """An app with the abuse limits on (the suite runs with them off)."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    settings.rate_limit = True
    settings.rate_limit_per_minute = 5
    settings.auth_failures_per_minute = 3
    import api.ratelimit

    api.ratelimit._failures = None
    with TestClient(create_app(fresh_database)) as c:
        yield c


def test_the_sixth_request_in_a_minute_is_a_429_with_retry_after(limited_client):
    statuses = [limited_client.get("/v1/zoning", params={"lon": 117.47, "lat": 0.096}).status_code for _ in range(6)]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429
    r = limited_client.get("/v1/zoning", params={"lon": 117.47, "lat": 0.096})
    assert r.headers["content-type"] == "application/problem+json" and int(r.headers["retry-after"]) >= 1
    assert limited_client.get("/health").status_code == 200, "health is not counted"


def test_failed_token_attempts_are_limited(limited_client, settings):
    settings.rate_limit_per_minute = 1000
    import api.ratelimit

    limited_client.app.user_middleware.clear()  # only the token limit here
    limited_client.app.middleware_stack = limited_client.app.build_middleware_stack()
    bad = {"Authorization": "Bearer rdtr_guess"}
    codes = [limited_client.post("/v1/extracts", json={}, headers=bad).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    assert api.ratelimit.failures().blocked("testclient") > 0


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(settings):
    from api.ratelimit import client_key

    scope = {"client": ("10.0.0.2", 1), "headers": [(b"x-forwarded-for", b"203.0.113.7, 10.0.0.9")]}
    settings.trusted_proxies = []
    assert client_key(scope) == "10.0.0.2"
    settings.trusted_proxies = ["10.0.0.0/8"]
    assert client_key(scope) == "203.0.113.7"


def test_every_write_has_its_audit_entry(fresh_database, fresh_client, tmp_path):
    from rdtr.auth import create_token

    runner = CliRunner()
    result = runner.invoke(cli, ["token", "create", "--role", "admin", "--name", "Admin Audit"])
    admin = result.stdout.strip()
    officer = create_token(fresh_database, "Officer Audit", "officer", actor="test")
    auth = {"Authorization": f"Bearer {admin}"}
    # a rejected upload, then an extract, then a revocation
    bad = io.BytesIO()
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("pkg/readme.txt", "no plan.toml here")
    r = fresh_client.post("/v1/plans", headers=auth, files={"package": ("bad.zip", bad.getvalue(), "application/zip")})
    assert r.status_code == 422
    r = fresh_client.post(
        "/v1/extracts",
        json={"parcel": BOX, "activity": "A001", "reference": "AUD/1"},
        headers={"Authorization": f"Bearer {officer}"},
    )
    assert r.status_code == 201, r.text
    extract_id = r.json()["id"]
    assert runner.invoke(cli, ["token", "revoke", "--name", "Officer Audit"]).exit_code == 0
    doc = fresh_client.get("/v1/audit", headers=auth).json()
    actions = [(e["action"], e["target"]) for e in doc["entries"]]
    assert ("token.create", "Admin Audit") in actions and ("token.create", "Officer Audit") in actions
    assert ("extract.issue", extract_id) in actions and ("token.revoke", "Officer Audit") in actions
    assert any(a == "plan.upload_rejected" for a, _ in actions)
    newest = doc["entries"][0]
    assert newest["action"] == "token.revoke" and newest["actor"].startswith("cli:") and newest["at"].endswith("Z")
    issued = next(e for e in doc["entries"] if e["action"] == "extract.issue")
    assert issued["actor"] == "Officer Audit" and issued["detail"]["reference"] == "AUD/1"
    assert (
        fresh_client.get("/v1/audit", params={"action": "token.create"}, headers=auth).json()["entries"][0]["action"]
        == "token.create"
    )
    assert fresh_client.get("/v1/audit", headers={"Authorization": f"Bearer {officer}"}).status_code == 401
    cli_doc = json.loads(runner.invoke(cli, ["audit", "--json"]).stdout)
    assert cli_doc["entries"][0] == doc["entries"][0]


def test_audit_rows_cannot_be_rewritten(fresh_database):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    for statement in (
        "UPDATE audit_log SET actor = 'x'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "DELETE FROM extract",
        "TRUNCATE extract",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            with fresh_database.engine.begin() as conn:
                conn.execute(text(statement))


def test_tokens_expire_and_are_listed_without_secrets(fresh_database, fresh_client):
    from rdtr.auth import create_token, verify_token
    from rdtr.errors import Unauthorized

    soon = datetime.now(UTC) + timedelta(seconds=2)
    token = create_token(fresh_database, "Short Lived", "officer", expires_at=soon, actor="test")
    assert verify_token(fresh_database, token).name == "Short Lived"
    time.sleep(2.2)
    with pytest.raises(Unauthorized, match="expired"):
        verify_token(fresh_database, token)
    listed = json.loads(CliRunner().invoke(cli, ["token", "list", "--json"]).stdout)["tokens"]
    mine = next(t for t in listed if t["name"] == "Short Lived")
    assert mine["role"] == "officer" and mine["expires"].endswith("Z") and mine["revoked"] is None
    assert token not in json.dumps(listed) and all(
        set(t) == {"name", "role", "plans", "created", "expires", "revoked"} for t in listed
    )
    assert (
        CliRunner()
        .invoke(cli, ["token", "create", "--role", "admin", "--name", "x", "--expires", "2001-01-01"])
        .exit_code
        == 1
    )


def test_verification_urls_come_from_configuration_not_the_host_header(fresh_database, fresh_client, settings):
    from rdtr.auth import create_token

    officer = create_token(fresh_database, "Officer URL", "officer", actor="test")
    settings.public_url = "https://rdtr.bontangkota.go.id"
    r = fresh_client.post(
        "/v1/extracts",
        json={"parcel": BOX, "activity": "A001"},
        headers={"Authorization": f"Bearer {officer}", "Host": "evil.example"},
    )
    assert r.status_code == 201 and r.json()["verify"].startswith("https://rdtr.bontangkota.go.id/v1/extracts/")
    settings.public_url = None  # not the embedded default database: refuse to print a made-up address
    r = fresh_client.post(
        "/v1/extracts",
        json={"parcel": BOX, "activity": "A001"},
        headers={"Authorization": f"Bearer {officer}", "Host": "evil.example"},
    )
    assert r.status_code == 503 and "RDTR_PUBLIC_URL" in r.json()["detail"]


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("get", "/v1/plans/bon%00tang", None),
        ("get", "/v1/plans/bon%00tang/versions/1/report", None),
        ("get", "/v1/extracts/2026%00", None),
        ("get", "/v1/activities/A0%0001/zones", None),
        ("post", "/v1/parcels/analyze?activity=A%00", BOX),
    ],
)
def test_a_nul_byte_is_a_4xx_not_a_500(fresh_client, method, path, body):
    r = getattr(fresh_client, method)(path, **({"json": body} if body else {}))
    assert 400 <= r.status_code < 500, (path, r.status_code, r.text)


def test_a_nul_in_a_json_string_is_a_422(fresh_database, fresh_client):
    from rdtr.auth import create_token

    officer = create_token(fresh_database, "Officer NUL", "officer", actor="test")
    r = fresh_client.post(
        "/v1/extracts",
        content=json.dumps({"parcel": BOX, "activity": "A001", "reference": "KKPR\u0000/1"}),
        headers={"Authorization": f"Bearer {officer}", "Content-Type": "application/json"},
    )
    assert r.status_code == 422 and "NUL" in r.json()["detail"]


def test_a_failed_package_leaves_nothing_behind(fresh_database, tmp_path):
    from rdtr.errors import PackageError
    from rdtr.ingest import ingest_package
    from rdtr.safe_open import TEMP_PREFIX

    def ours():
        return {p.name for p in Path(tempfile.gettempdir()).iterdir() if p.name.startswith(TEMP_PREFIX)}

    before = ours()
    for name, content in (("no-plan.zip", {"pkg/readme.txt": "x"}), ("bad-crc.zip", None)):
        z = tmp_path / name
        if content:
            with zipfile.ZipFile(z, "w") as zf:
                for k, v in content.items():
                    zf.writestr(k, v)
        else:
            with zipfile.ZipFile(z, "w") as zf:
                zf.writestr("plan.toml", "x" * 2000)
            raw = bytearray(z.read_bytes())
            raw[40] ^= 0xFF  # spoil the member's bytes: its CRC no longer matches
            z.write_bytes(bytes(raw))
        with pytest.raises(PackageError) as caught:
            ingest_package(fresh_database, z, dry_run=True)
        assert "rdtr-package-" not in caught.value.detail
    assert ours() == before


def test_stale_temp_folders_of_a_killed_process_are_swept(tmp_path, monkeypatch):
    import os

    from rdtr.safe_open import sweep_stale_temp

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old = tmp_path / "rdtr-upload-dead"
    old.mkdir()
    os.utime(old, (time.time() - 7 * 3600,) * 2)
    fresh = tmp_path / "rdtr-package-live"
    fresh.mkdir()
    other = tmp_path / "someone-else"
    other.mkdir()
    os.utime(other, (time.time() - 7 * 3600,) * 2)
    assert sweep_stale_temp() == 1
    assert not old.exists() and fresh.exists() and other.exists()


def test_database_errors_do_not_show_sockets_or_paths():
    from fastapi.testclient import TestClient

    from api.app import create_app
    from rdtr.db import Database

    dead = Database("postgresql+psycopg2://rdtr@/rdtr?host=/nonexistent-socket-dir&port=1")
    with TestClient(create_app(dead)) as c:
        r = c.get("/v1/zoning", params={"lon": 117.47, "lat": 0.096})
    assert r.status_code == 503 and "nonexistent" not in r.text and "socket" not in r.text


def test_the_api_docs_are_served_from_local_assets(client):
    for path in ("/docs", "/redoc"):
        page = client.get(path).text
        assert "cdn.jsdelivr" not in page and "fonts.googleapis" not in page and "/static/vendor/" in page
    assert client.get("/static/vendor/node_modules/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/vendor/node_modules/redoc/bundles/redoc.standalone.js").status_code == 200


def test_a_chunked_upload_above_the_limit_is_refused_while_it_streams(fresh_client, settings):
    from rdtr.safe_open import UPLOAD_PREFIX

    settings.max_json_bytes = 1024 * 1024
    sent = {"bytes": 0}

    def body():  # 50 MB in 64 kB chunks, no Content-Length: only counting while it streams can stop it
        boundary = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="p.geojson"\r\n\r\n'
        yield boundary
        for _ in range(800):
            sent["bytes"] += 65536
            yield b" " * 65536

    before = {p.name for p in Path(tempfile.gettempdir()).iterdir() if p.name.startswith(UPLOAD_PREFIX)}
    r = fresh_client.post(
        "/v1/parcels/convert", content=body(), headers={"Content-Type": "multipart/form-data; boundary=xyz"}
    )
    assert r.status_code == 413 and "RDTR_MAX_JSON_BYTES" in r.json()["detail"]
    after = {p.name for p in Path(tempfile.gettempdir()).iterdir() if p.name.startswith(UPLOAD_PREFIX)}
    assert after == before


def test_unpacking_is_bounded_in_entries_and_in_bytes_written(tmp_path, monkeypatch):
    import rdtr.safe_open as so
    from rdtr.errors import InvalidInput

    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(30):
            zf.writestr(f"f{i}.txt", "x")
    monkeypatch.setattr(so, "MAX_ZIP_ENTRIES", 20)
    with pytest.raises(InvalidInput, match="entries"):
        so.safe_extract(many, tmp_path / "out1")
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.bin", b"\0" * 5_000_000)  # 5 MB that packs to a few kB
    with pytest.raises(InvalidInput, match="limit"):
        so.safe_extract(big, tmp_path / "out2", max_total_bytes=1_000_000)


def test_an_upload_refused_before_validation_is_audited_too(fresh_database, fresh_client):
    from rdtr.auth import create_token

    admin = create_token(fresh_database, "Admin Early", "admin", actor="test")
    auth = {"Authorization": f"Bearer {admin}"}
    r = fresh_client.post("/v1/plans", headers=auth, files={"package": ("plan.zip", b"not a zip", "application/zip")})
    assert r.status_code == 415
    entry = fresh_client.get("/v1/audit", params={"action": "plan.upload_rejected"}, headers=auth).json()["entries"][0]
    assert entry["actor"] == "Admin Early" and entry["detail"]["status"] == 415 and "zip" in entry["detail"]["reason"]


def test_a_stored_extract_verifies_whatever_the_server_is_configured_as_now(fresh_database, fresh_client, settings):
    from rdtr.auth import create_token

    officer = create_token(fresh_database, "Officer Verify", "officer", actor="test")
    settings.public_url = "https://rdtr.example.go.id"
    made = fresh_client.post(
        "/v1/extracts", json={"parcel": BOX, "activity": "A001"}, headers={"Authorization": f"Bearer {officer}"}
    ).json()
    settings.public_url = None
    record = fresh_client.get(f"/v1/extracts/{made['id']}", headers={"Host": "evil.example"}).json()
    assert record["verify"] == made["verify"] and record["pdf"].startswith("https://rdtr.example.go.id/")


def test_a_database_that_is_gone_during_an_ingest_is_one_line(monkeypatch):

    monkeypatch.setenv("RDTR_DATABASE_URL", "postgresql+psycopg2://rdtr@/rdtr?host=/nonexistent-dir&port=1")
    monkeypatch.delenv("RDTR_OWNER_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["ingest", str(SAMPLE_PACKAGE)])
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "database is unavailable" in result.output and "Traceback" not in result.output
    assert "nonexistent-dir" not in result.output
