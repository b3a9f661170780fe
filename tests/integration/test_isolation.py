"""The suite's isolation rule itself (tests/conftest.py): a module that writes gets a database of its own, a
copy of the session's template (migrated, the sample plan loaded) that ``rdtr`` commands reach too; what it
writes never shows in the shared database the read-only modules use."""

from __future__ import annotations

import json

from sqlalchemy import make_url, text
from typer.testing import CliRunner

from rdtr.cli import app
from rdtr.config import get_settings
from rdtr.ingest import ingest_package
from tests.support.ingest import make_package


def _plans(db) -> list[str]:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT id FROM plan ORDER BY id")).scalars().all()


def test_the_module_database_is_its_own_copy_of_the_template(fresh_database, database, sample_plan):
    assert fresh_database.engine.url.database != database.engine.url.database
    assert sample_plan.plan_id == "bontang"
    assert "bontang" in _plans(fresh_database)
    with fresh_database.engine.connect() as conn:
        assert (
            conn.execute(
                text(
                    "SELECT count(*) FROM zone z JOIN plan_version v ON v.id = z.plan_version_id "
                    "WHERE v.plan_id = 'bontang'"
                )
            ).scalar()
            > 0
        )


def test_the_shared_database_holds_only_the_sample_plan(database):
    assert _plans(database) == ["bontang"], "a module loaded plans into the shared database: give it fresh_database"


def test_what_the_module_writes_stays_in_its_database(fresh_database, database, tmp_path):
    ingest_package(fresh_database, make_package(tmp_path / "pkg", "isolation-test"))
    assert "isolation-test" in _plans(fresh_database)
    assert "isolation-test" not in _plans(database)


def test_rdtr_commands_reach_the_module_database(fresh_database):
    assert make_url(get_settings().database_url).database == fresh_database.engine.url.database
    result = CliRunner().invoke(app, ["plans", "--json"])
    assert result.exit_code == 0, result.output
    assert sorted(p["id"] for p in json.loads(result.stdout)["plans"]) == _plans(fresh_database)
