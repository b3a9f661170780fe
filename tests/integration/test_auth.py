"""API tokens: created hashed, verified, roles (admin ⊇ officer), the CLI prints the token alone.

The module writes (tokens): it runs on a database of its own (``fresh_database``)."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from rdtr.auth import create_token, require, revoke_token, verify_token
from rdtr.cli import app
from rdtr.errors import Forbidden, InvalidInput, Unauthorized


def test_token_is_stored_only_as_its_hash(fresh_database):
    token = create_token(fresh_database, "auth-test-officer", "officer")
    with fresh_database.engine.connect() as conn:
        rows = conn.execute(text("SELECT token_hash FROM api_token WHERE name = 'auth-test-officer'")).scalars().all()
        leaked = conn.execute(
            text("SELECT count(*) FROM api_token WHERE token_hash = :t OR name = :t"), {"t": token}
        ).scalar()
    assert rows == [hashlib.sha256(token.encode()).hexdigest()]
    assert leaked == 0
    info = verify_token(fresh_database, token)
    assert (info.name, info.role) == ("auth-test-officer", "officer")


def test_roles_admin_includes_officer(fresh_database):
    admin = verify_token(fresh_database, create_token(fresh_database, "auth-test-admin", "admin"))
    officer = verify_token(fresh_database, create_token(fresh_database, "auth-test-officer-2", "officer"))
    assert require(admin, "officer") is admin and require(admin, "admin") is admin
    assert require(officer, "officer") is officer
    with pytest.raises(Forbidden, match="admin role"):
        require(officer, "admin")


def test_unknown_revoked_and_missing_tokens_are_unauthorized(fresh_database):
    with pytest.raises(Unauthorized):
        verify_token(fresh_database, "rdtr_not-a-real-token")
    with pytest.raises(Unauthorized):
        verify_token(fresh_database, None)
    token = create_token(fresh_database, "auth-test-revoked", "admin")
    assert revoke_token(fresh_database, "auth-test-revoked") == 1
    with pytest.raises(Unauthorized, match="revoked"):
        verify_token(fresh_database, token)


def test_bad_role_or_name(fresh_database):
    with pytest.raises(InvalidInput):
        create_token(fresh_database, "x", "superuser")
    with pytest.raises(InvalidInput):
        create_token(fresh_database, "  ", "admin")


def test_cli_prints_the_token_alone_on_stdout(fresh_database):
    result = CliRunner().invoke(app, ["token", "create", "--role", "admin", "--name", "auth-test-cli"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert verify_token(fresh_database, lines[0]).role == "admin"
    bad = CliRunner().invoke(app, ["token", "create", "--role", "root", "--name", "x"])
    assert bad.exit_code == 2 and "officer, admin" in bad.output


def test_a_token_without_plans_is_national_and_a_scoped_one_covers_its_plans(fresh_database):
    from rdtr.auth import require_plan, require_watch_plan

    national = verify_token(fresh_database, create_token(fresh_database, "auth-test-national", "admin"))
    scoped = verify_token(
        fresh_database, create_token(fresh_database, "auth-test-scoped", "officer", plans=["bontang", "bontang", "x-1"])
    )
    assert national.plans is None and national.covers("any-plan")
    assert scoped.plans == ("bontang", "x-1")  # de-duplicated, in the given order
    assert require_plan(scoped, "x-1") is scoped and require_watch_plan(national, None) is national
    with pytest.raises(Forbidden, match="not scoped to the plan samarinda") as refused:
        require_plan(scoped, "samarinda")
    assert refused.value.detail.say("id").startswith("token 'auth-test-scoped' tidak berwenang atas rencana samarinda")
    with pytest.raises(Forbidden, match="a watch without a plan"):
        require_watch_plan(scoped, None)
    with pytest.raises(InvalidInput, match="not a plan id"):
        create_token(fresh_database, "auth-test-bad-plan", "admin", plans=["../etc"])
