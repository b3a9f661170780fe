"""Tokens scoped to plans: a bontang token is refused (403 naming the plan, in English and Indonesian) on
another plan's upload, extract and watches, and acts on its own; a national token acts on every plan.

Two plans: the Bontang sample and a small test plan 50 km north of it. The module writes (tokens, uploads,
extracts, watches): it runs on a database of its own (``fresh_database``)."""

from __future__ import annotations

import orjson
import pytest
import shapely
from sqlalchemy import text
from typer.testing import CliRunner

from tests.support.ingest import ORIGIN, grid_zones, make_package, zip_dir

OTHER = "kutai-test"
NORTH = (ORIGIN[0], ORIGIN[1] + 50_000.0)  # 50 km north of the sample: no zone of bontang's under it
BONTANG_BOX = {
    "type": "Polygon",
    "coordinates": [
        [[117.4700, 0.0960], [117.4706, 0.0960], [117.4706, 0.0966], [117.4700, 0.0966], [117.4700, 0.0960]]
    ],
}
HOOK = "http://127.0.0.1:9/hook"  # never called: no version is loaded while these watches exist


def _cell(k: int) -> dict:
    """Cell ``k`` of the other plan's grid, 10 m inside its edges, as a GeoJSON Polygon (EPSG:4326)."""
    inner = grid_zones(origin=NORTH).geometry.iloc[[k]].buffer(-10).to_crs(4326).iloc[0]
    return shapely.geometry.mapping(inner) | {"coordinates": [list(map(list, inner.exterior.coords))]}


def _bearer(token: str, lang: str = "en") -> dict:
    return {"Authorization": f"Bearer {token}", "Accept-Language": lang}


def _count(db, sql: str, **params) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


@pytest.fixture(scope="module")
def world(fresh_database, tmp_path_factory):
    """The other plan loaded (v1), its v2 package zipped for uploads, and the tokens."""
    from rdtr.auth import create_token
    from rdtr.ingest import ingest_package

    tmp = tmp_path_factory.mktemp("scopes")
    zones = grid_zones(origin=NORTH)
    ingest_package(fresh_database, make_package(tmp / "v1", OTHER, zones=zones))
    packages = {
        v: zip_dir(
            make_package(tmp / f"v{v}", OTHER, effective_from=f"202{v + 3}-01-01", zones=zones), tmp / f"{v}.zip"
        )
        for v in (2, 3)
    }

    def token(name, role, plans=None):
        return create_token(fresh_database, name, role, plans=plans, actor="test")

    return {
        "packages": packages,
        "bontang_admin": token("Bontang Admin", "admin", ["bontang"]),
        "bontang_officer": token("Bontang Officer", "officer", ["bontang"]),
        "other_admin": token("Kutai Admin", "admin", [OTHER]),
        "both_officer": token("Two-City Officer", "officer", ["bontang", OTHER]),
        "national": token("National Admin", "admin"),
    }


def _upload(client, token: str, package, lang: str = "en"):
    files = {"package": (package.name, package.read_bytes(), "application/zip")}
    return client.post("/v1/plans", headers=_bearer(token, lang), files=files)


def test_another_plans_upload_is_refused_and_writes_nothing(world, fresh_client, fresh_database):
    versions = "SELECT count(*) FROM plan_version WHERE plan_id = :p"
    runs_before = _count(fresh_database, "SELECT count(*) FROM ingest_run")
    r = _upload(fresh_client, world["bontang_admin"], world["packages"][2])
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["detail"] == (
        f"the token 'Bontang Admin' is not scoped to the plan {OTHER} (it may act on: bontang)"
    )
    r = _upload(fresh_client, world["bontang_admin"], world["packages"][2], lang="id")
    assert r.status_code == 403
    assert r.json()["title"] == "Tidak diizinkan"
    assert f"tidak berwenang atas rencana {OTHER}" in r.json()["detail"]
    # nothing loaded, no ingest run; the refusal itself is in the audit log, with the plan and the scope
    assert _count(fresh_database, versions, p=OTHER) == 1
    assert _count(fresh_database, "SELECT count(*) FROM ingest_run") == runs_before
    with fresh_database.engine.connect() as conn:
        entry = conn.execute(
            text(
                "SELECT actor, target, detail FROM audit_log WHERE action = 'plan.upload_rejected' "
                "ORDER BY id DESC LIMIT 1"
            )
        ).one()
    assert (entry.actor, entry.target) == ("Bontang Admin", OTHER)
    assert entry.detail["status"] == 403 and entry.detail["token_plans"] == ["bontang"]

    # the plan's own admin and a national admin load it
    r = _upload(fresh_client, world["other_admin"], world["packages"][2])
    assert r.status_code == 201, r.text
    assert (r.json()["plan_id"], r.json()["version"], r.json()["uploaded_by"]) == (OTHER, 2, "Kutai Admin")
    r = _upload(fresh_client, world["national"], world["packages"][3])
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 3
    assert _count(fresh_database, versions, p=OTHER) == 3


def test_a_scoped_admin_uploads_its_own_plan(world, fresh_client, fresh_database, tmp_path):
    import shutil

    from tests.support.paths import SAMPLE_PACKAGE

    # the Bontang sample as a later version, as a dry run: the scope lets it through to the full validation,
    # and nothing is loaded
    shutil.copytree(SAMPLE_PACKAGE, tmp_path / "bontang")
    toml = tmp_path / "bontang" / "plan.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("2024-05-01", "2031-01-01", 1), encoding="utf-8")
    package = zip_dir(tmp_path / "bontang", tmp_path / "bontang.zip")
    r = fresh_client.post(
        "/v1/plans",
        params={"dry_run": "true"},
        headers=_bearer(world["bontang_admin"]),
        files={"package": ("bontang.zip", package.read_bytes(), "application/zip")},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["plan_id"], r.json()["dry_run"], r.json()["uploaded_by"]) == ("bontang", True, "Bontang Admin")
    assert _count(fresh_database, "SELECT count(*) FROM plan_version WHERE plan_id = 'bontang'") == 1


def _extract(client, token: str, parcel: dict, lang: str = "en", **extra):
    return client.post(
        "/v1/extracts", json={"parcel": parcel, "activity": "A001", **extra}, headers=_bearer(token, lang)
    )


@pytest.mark.parametrize("who", ["bontang_officer", "bontang_admin"])
def test_another_plans_extract_is_refused(world, fresh_client, fresh_database, who):
    before = _count(fresh_database, "SELECT count(*) FROM extract")
    name = {"bontang_officer": "Bontang Officer", "bontang_admin": "Bontang Admin"}[who]
    r = _extract(fresh_client, world[who], _cell(5))  # the plan is the one under the parcel
    assert r.status_code == 403, r.text
    assert r.json()["detail"] == f"the token {name!r} is not scoped to the plan {OTHER} (it may act on: bontang)"
    r = _extract(fresh_client, world[who], _cell(5), lang="id", plan=OTHER)  # or the one asked for
    assert r.status_code == 403
    assert f"tidak berwenang atas rencana {OTHER}" in r.json()["detail"]
    assert _count(fresh_database, "SELECT count(*) FROM extract") == before  # nothing stored


def test_extracts_on_own_plan_and_by_national_or_two_city_tokens(world, fresh_client, fresh_database):
    r = _extract(fresh_client, world["bontang_officer"], BONTANG_BOX)
    assert r.status_code == 201, r.text
    record = fresh_client.get(r.json()["verify"].replace("http://testserver", ""), params={"f": "json"}).json()
    assert [p["id"] for p in record["plans"]] == ["bontang"]
    for who in ("national", "both_officer"):
        r = _extract(fresh_client, world[who], _cell(5))
        assert r.status_code == 201, (who, r.text)
        record = fresh_client.get(r.json()["verify"].replace("http://testserver", ""), params={"f": "json"}).json()
        assert [p["id"] for p in record["plans"]] == [OTHER]
    # a parcel no plan covers: the extract's own 422, not a 403
    far = {"type": "Polygon", "coordinates": [[[110.0, -7.0], [110.001, -7.0], [110.001, -6.999], [110.0, -7.0]]]}
    assert _extract(fresh_client, world["bontang_officer"], far).status_code == 422


@pytest.fixture()
def hooks(settings):
    settings.webhook_allow_private = True  # HOOK is on loopback; nothing is delivered in this module


def _watch(client, token: str | None = None, lang: str = "en", **body):
    headers = _bearer(token, lang) if token else {"Accept-Language": lang}
    return client.post("/v1/watches", json={"url": HOOK, **body}, headers=headers)


def test_watch_creation_by_a_scoped_token(world, fresh_client, hooks):
    r = _watch(fresh_client, world["bontang_admin"], parcel=_cell(1), plan=OTHER)
    assert r.status_code == 403
    assert r.json()["detail"] == f"the token 'Bontang Admin' is not scoped to the plan {OTHER} (it may act on: bontang)"
    r = _watch(fresh_client, world["bontang_admin"], lang="id", parcel=_cell(1))  # no plan: every plan
    assert r.status_code == 403
    assert r.json()["detail"].startswith("pantauan tanpa rencana menyangkut semua rencana")
    assert _watch(fresh_client, world["bontang_admin"], parcel=BONTANG_BOX, plan="bontang").status_code == 201
    assert _watch(fresh_client, world["national"], parcel=_cell(1), plan=OTHER).status_code == 201
    assert _watch(fresh_client, world["national"], parcel=_cell(1)).status_code == 201
    # still public: without a token anyone may watch any plan
    assert _watch(fresh_client, parcel=_cell(1), plan=OTHER).status_code == 201
    bad = _watch(fresh_client, "rdtr_not-a-token", parcel=_cell(1), plan=OTHER)
    assert bad.status_code == 401 and bad.headers["www-authenticate"].startswith("Bearer")


def test_watch_deletion_and_listing_by_token(world, fresh_client, fresh_database, hooks):
    other = _watch(fresh_client, parcel=_cell(2), plan=OTHER).json()
    mine = _watch(fresh_client, parcel=BONTANG_BOX, plan="bontang").json()
    anyplan = _watch(fresh_client, parcel=_cell(2)).json()
    deleted = "SELECT deleted_at IS NOT NULL FROM watch WHERE id = :w"

    r = fresh_client.delete(f"/v1/watches/{other['id']}", headers=_bearer(world["bontang_admin"]))
    assert r.status_code == 403
    assert r.json()["detail"] == f"the token 'Bontang Admin' is not scoped to the plan {OTHER} (it may act on: bontang)"
    r = fresh_client.delete(f"/v1/watches/{anyplan['id']}", headers=_bearer(world["bontang_admin"], "id"))
    assert r.status_code == 403 and "pantauan tanpa rencana" in r.json()["detail"]
    assert not _count(fresh_database, deleted, w=other["id"]) and not _count(fresh_database, deleted, w=anyplan["id"])

    # listing: the scoped token sees its plan's watches only, and is refused another plan's
    listed = fresh_client.get("/v1/watches", headers=_bearer(world["bontang_admin"]))
    assert listed.status_code == 200, listed.text
    assert mine["id"] in {w["id"] for w in listed.json()["watches"]}
    assert {w["plan"] for w in listed.json()["watches"]} == {"bontang"}
    assert "secret" not in orjson.dumps(listed.json()).decode()
    r = fresh_client.get("/v1/watches", params={"plan": OTHER}, headers=_bearer(world["bontang_officer"]))
    assert r.status_code == 403 and OTHER in r.json()["detail"]
    national = fresh_client.get("/v1/watches", headers=_bearer(world["national"])).json()["watches"]
    assert {other["id"], mine["id"], anyplan["id"]} <= {w["id"] for w in national}
    unauthenticated = fresh_client.get("/v1/watches")
    assert unauthenticated.status_code == 401 and unauthenticated.headers["www-authenticate"].startswith("Bearer")

    # deletion by the plan's own token, by a national one, and (as before) by the secret
    assert fresh_client.delete(f"/v1/watches/{mine['id']}", headers=_bearer(world["bontang_admin"])).status_code == 204
    assert fresh_client.delete(f"/v1/watches/{other['id']}", headers=_bearer(world["national"])).status_code == 204
    r = fresh_client.delete(f"/v1/watches/{anyplan['id']}", headers={"X-Watch-Secret": anyplan["secret"]})
    assert r.status_code == 204
    assert all(_count(fresh_database, deleted, w=w["id"]) for w in (other, mine, anyplan))
    r = fresh_client.delete(f"/v1/watches/{mine['id']}", headers=_bearer(world["national"]))
    assert r.status_code == 404  # already deleted: unknown, whoever asks


def test_plans_stay_public(world, fresh_client):
    r = fresh_client.get("/v1/plans")
    assert r.status_code == 200
    assert {"bontang", OTHER} <= {p["id"] for p in r.json()["plans"]}


def test_cli_token_create_with_plans_list_and_audit(world, fresh_database):
    runner = CliRunner()
    from rdtr.auth import verify_token
    from rdtr.cli import app

    made = runner.invoke(
        app, ["token", "create", "--role", "officer", "--name", "cli-two", "--plan", "bontang", "--plan", OTHER]
    )
    assert made.exit_code == 0, made.output
    assert verify_token(fresh_database, made.stdout.strip()).plans == ("bontang", OTHER)
    shown = runner.invoke(app, ["token", "list"])
    assert shown.exit_code == 0
    lines = {ln.split("  ")[0]: ln for ln in shown.stdout.splitlines()}
    assert f"plans bontang,{OTHER}" in lines["cli-two"]
    assert "all plans" in lines["National Admin"]
    doc = orjson.loads(runner.invoke(app, ["token", "list", "--json"]).stdout)
    by_name = {t["name"]: t for t in doc["tokens"]}
    assert by_name["cli-two"]["plans"] == ["bontang", OTHER] and by_name["National Admin"]["plans"] is None
    audit = orjson.loads(runner.invoke(app, ["audit", "--json", "--action", "token.create"]).stdout)
    created = next(e for e in audit["entries"] if e["target"] == "cli-two")
    assert created["detail"]["plans"] == ["bontang", OTHER]
    assert f"officer plans bontang,{OTHER}" in runner.invoke(app, ["audit", "--action", "token.create"]).stdout
    bad = runner.invoke(app, ["token", "create", "--role", "admin", "--name", "x", "--plan", "Bontang City"])
    assert bad.exit_code == 1 and "is not a plan id" in bad.output


def test_the_app_role_reads_the_scope_and_cannot_change_it(fresh_database):
    with fresh_database.engine.connect() as conn:
        can = conn.execute(
            text(
                "SELECT has_column_privilege('rdtr_app', 'api_token', 'plans', 'SELECT'), "
                "has_column_privilege('rdtr_app', 'api_token', 'plans', 'UPDATE')"
            )
        ).one()
    assert tuple(can) == (True, False)


def test_the_audit_log_spans_every_plan_and_needs_a_national_token(world, fresh_client):
    r = fresh_client.get("/v1/audit", headers=_bearer(world["bontang_admin"], "id"))
    assert r.status_code == 403
    assert r.json()["detail"] == (
        "ini menyangkut semua rencana dan memerlukan token nasional; token 'Bontang Admin' hanya berwenang atas bontang"
    )
    r = fresh_client.get("/v1/audit", params={"action": "token.create"}, headers=_bearer(world["national"]))
    assert r.status_code == 200
    scopes = {e["target"]: e["detail"]["plans"] for e in r.json()["entries"]}
    assert scopes["Bontang Admin"] == ["bontang"] and scopes["National Admin"] is None


def test_the_secret_still_deletes_whatever_token_comes_with_it(world, fresh_client, hooks):
    other = _watch(fresh_client, parcel=_cell(3), plan=OTHER).json()
    headers = _bearer(world["bontang_admin"]) | {"X-Watch-Secret": "not-the-secret"}
    assert fresh_client.delete(f"/v1/watches/{other['id']}", headers=headers).status_code == 403
    headers["X-Watch-Secret"] = other["secret"]
    assert fresh_client.delete(f"/v1/watches/{other['id']}", headers=headers).status_code == 204
