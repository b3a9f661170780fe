"""Fixtures of the browser tier: the real app under ``rdtr serve`` on a free port, and an officer token.

Browser tests write (the officer makes extracts from the page), so each module serves its own database
(``fresh_database``, see tests/conftest.py).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from tests.support.paths import REPO, TEST_OUTPUT


@pytest.fixture(scope="module")
def officer_token(fresh_database) -> str:
    """An officer's API token in this module's database."""
    from rdtr.auth import create_token

    return create_token(fresh_database, "Petugas Uji", "officer")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(fresh_database):
    """The real app under ``rdtr serve`` (granian) on a free port, on this module's database (the sample plan
    loaded); yields its base URL."""
    import httpx

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env["RDTR_DATABASE_URL"] = fresh_database.engine.url.render_as_string(hide_password=False)
    env["RDTR_PUBLIC_URL"] = base  # its public address: what extracts print as their verification links
    TEST_OUTPUT.mkdir(exist_ok=True)
    log = open(TEST_OUTPUT / "live-server.log", "wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from rdtr.cli import main; main()",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            log.close()
            raise RuntimeError(f"the server exited ({proc.returncode}); see {TEST_OUTPUT / 'live-server.log'}")
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            proc.terminate()
            raise RuntimeError("the server did not answer /health within 60 s")
        time.sleep(0.2)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
