"""`rdtr db start|status|upgrade|stop` on the embedded cluster, as a user runs them (RDTR_DATABASE_URL unset).

Runs the real command in subprocesses (as whoever runs the tests — root in CI, which PostgreSQL itself
refuses: the cluster must handle that).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.support.paths import REPO


def rdtr(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RDTR_")}
    env["RDTR_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "rdtr.cli", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def home():
    with tempfile.TemporaryDirectory(prefix="rdtr-cli-") as d:
        path = Path(d) / "home"
        yield path
        rdtr(path, "db", "stop")


def test_db_commands_run_the_embedded_cluster(home):
    stopped = rdtr(home, "db", "status", "--json")
    assert stopped.returncode == 1 and json.loads(stopped.stdout)["running"] is False

    started = rdtr(home, "db", "start")
    assert started.returncode == 0, started.stderr
    status = json.loads(rdtr(home, "db", "status", "--json").stdout)
    assert status["running"] is True and status["embedded"] is True
    assert str(home) in status["home"]

    # Asking before the schema exists is a clear one-line error, not a traceback.
    early = rdtr(home, "lookup", "117.4709", "0.0968")
    assert early.returncode == 1
    assert "rdtr db upgrade" in early.stderr and "Traceback" not in early.stderr

    upgraded = rdtr(home, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "schema at revision" in upgraded.stdout
    assert rdtr(home, "db", "start").returncode == 0  # idempotent
    assert json.loads(rdtr(home, "db", "status", "--json").stdout)["port"] == status["port"]

    # With the schema in place and no plan loaded, a point is answered as not covered.
    answer = rdtr(home, "lookup", "117.4709", "0.0968", "--json")
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["covered"] is False

    assert rdtr(home, "db", "stop").returncode == 0
    assert json.loads(rdtr(home, "db", "status", "--json").stdout)["running"] is False
    assert rdtr(home, "db", "stop").returncode == 0  # idempotent


def test_db_commands_refuse_to_manage_a_configured_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RDTR_")}
    env.update(RDTR_HOME=str(tmp_path), RDTR_DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    result = subprocess.run(
        [sys.executable, "-m", "rdtr.cli", "db", "start"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "RDTR_DATABASE_URL is set" in result.stderr
    assert not (tmp_path / "pgdata").exists(), "nothing local is started"
