"""A newcomer's path: README's tour files (data/examples/) answer as the sample plan says, the plan's second
version loads and shows its change, and the CLI answers the question first, prints errors whole and in one line.

The module loads a plan version, so it has a database of its own (``fresh_database``).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

from rdtr.cli import app
from rdtr.config import get_settings
from tests.support.paths import REPO, SAMPLE_PACKAGE

EXAMPLES = REPO / "data" / "examples"
WRONG_URL = "postgresql://nobody@127.0.0.1:1/x"
RANK = {"I": 0, "T": 1, "B": 2, "X": 3}


def _make_examples():
    spec = importlib.util.spec_from_file_location("make_examples", REPO / "scripts" / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def _json(*args: str) -> dict:
    result = _run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _first_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.strip())


def _expected(features: gpd.GeoDataFrame, activity: str) -> list[tuple[set[str], str]]:
    """Per feature, from the sample's own files: the sub-zones it lies in (pieces ≥ 1 %) and the activity's
    ITBX class on them (the most restrictive letter of the cells)."""
    zones = gpd.read_file(SAMPLE_PACKAGE / "pola_ruang.gpkg", layer="pola_ruang").to_crs(32750)
    itbx = pd.read_csv(SAMPLE_PACKAGE / "itbx.csv", dtype=str).set_index("activity_code")
    out = []
    for geom in features.to_crs(32750).geometry:
        hits = zones[zones.intersects(geom)]
        codes = {c for c, g in zip(hits.KODSZN, hits.geometry) if g.intersection(geom).area / geom.area >= 0.01}
        letters = [code.strip()[0] for c in codes for code in itbx.loc[activity, c].split(",")]
        out.append((codes, max(letters, key=RANK.__getitem__)))
    return out


@pytest.fixture(scope="module")
def db(fresh_database):
    return fresh_database


@pytest.fixture(scope="module")
def v2_package(tmp_path_factory):
    """The sample's second version, as ``scripts/make_examples.py`` makes it (a copy; git ignores it)."""
    return _make_examples().make_v2(tmp_path_factory.mktemp("examples"))


# --- the example files -------------------------------------------------------------------------------------


def test_the_committed_example_files_are_what_the_script_makes():
    for name in ("parcel.geojson", "parcel.kml", "parcels.geojson", "proposal.json"):
        assert (EXAMPLES / name).is_file(), name
    assert _make_examples().main(["--check"]) == 0
    assert 3 <= len(json.loads((EXAMPLES / "parcels.geojson").read_text())["features"]) <= 5


@pytest.mark.parametrize("name", ["parcel.geojson", "parcels.geojson"])
def test_the_examples_analyse_inside_the_sample_as_its_files_say(db, name):
    features = gpd.read_file(EXAMPLES / name)
    answer = _json("analyze", EXAMPLES / name, "--activity", "A001", "--at", "2024-06-01")
    results = answer.get("results", [answer])
    assert len(results) == len(features)
    for r, (codes, cls) in zip(results, _expected(features, "A001")):
        assert r["covered_share"] > 0.999
        assert {z["subzone_code"] for z in r["zones"]} == codes
        assert r["activity"]["class"] == cls
    assert results[0]["zones"][0]["subzone_code"] == "C-1"  # README: "a C-1 zone of the sample"


def test_the_kml_and_the_geojson_parcel_give_the_same_answer(db):
    a = _json("analyze", EXAMPLES / "parcel.geojson", "--activity", "A001")
    b = _json("analyze", EXAMPLES / "parcel.kml", "--activity", "A001")
    assert a["id"] == b["id"] == "P-001"
    for key in ("zones", "limits", "activity", "covered_share", "at"):
        assert a[key] == b[key], key
    assert a["parcel"]["area_m2"] == pytest.approx(b["parcel"]["area_m2"], abs=0.01)


def test_the_proposal_checks(db):
    answer = _json(
        "check",
        EXAMPLES / "parcel.geojson",
        "-a",
        "47111",
        "--proposal",
        EXAMPLES / "proposal.json",
        "--at",
        "2024-06-01",
    )
    assert answer["activity"]["code"] == "B004" and answer["verdict"] == "conforms"


def test_the_second_version_loads_and_compare_shows_its_change(db, v2_package):
    loaded = _run("ingest", v2_package)
    assert loaded.exit_code == 0, loaded.output
    assert "loaded bontang version 2" in loaded.output
    answer = _json("analyze", EXAMPLES / "parcel.kml", "--compare", "2024-06-01", "2026-11-27")
    assert answer["changed"] is True
    assert answer["intensity"] == [
        {"plan": "bontang", "subzone_code": "C-1", "changes": {"kdb_max": {"from": 70, "to": 60}}}
    ]
    assert answer["limits"]["max_footprint_m2"]["changed"]
    text = _run("analyze", EXAMPLES / "parcel.kml", "--compare", "2024-06-01", "2026-11-27")
    assert text.exit_code == 0, text.output
    assert "bontang v1" in text.output and "bontang v2" in text.output
    assert "C-1 KDB max" in text.output and "70%" in text.output and "60%" in text.output


# --- ids ----------------------------------------------------------------------------------------------------


def test_the_csv_and_the_table_keep_each_features_id(db, tmp_path):
    out = tmp_path / "result.csv"
    result = _run("analyze", EXAMPLES / "parcels.geojson", "--activity", "A001", "--out", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    ids = [f["id"] for f in json.loads((EXAMPLES / "parcels.geojson").read_text())["features"]]
    assert [r["id"] for r in rows] == ids
    table = _run("analyze", EXAMPLES / "parcels.geojson", "--activity", "A001")
    assert all(i in table.output for i in ids)
    kml = tmp_path / "kml.csv"
    assert _run("analyze", EXAMPLES / "parcel.kml", "--out", kml).exit_code == 0
    assert next(csv.DictReader(io.StringIO(kml.read_text(encoding="utf-8"))))["id"] == "P-001"


# --- the answer first --------------------------------------------------------------------------------------


def test_lookup_with_an_activity_prints_the_verdict_first(db):
    result = _run("lookup", "117.4709", "0.0968", "--activity", "Rumah Tunggal")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[0] == "Diizinkan terbatas — permitted with limits: A001 Rumah Tunggal"
    assert "T1: footprint ≤ 20% of the lot" in lines[2]


def test_lookup_without_an_activity_names_the_subzone_and_its_purpose_first(db):
    result = _run("lookup", "117.4709", "0.0968")
    assert _first_line(result.output).startswith("C-1 Campuran Intensitas Tinggi (Zona Campuran) — mixed use")


def test_a_not_permitted_activity_gets_no_limits(db):
    features = json.loads((EXAMPLES / "parcels.geojson").read_text())["features"]
    k1 = next(f for f in features if "K-1" in f["properties"]["name"])
    result = CliRunner().invoke(app, ["analyze", "-", "--activity", "A001"], input=json.dumps(k1))
    assert result.exit_code == 0, result.output
    assert _first_line(result.output).startswith("Tidak diizinkan — not permitted: A001 Rumah Tunggal")
    assert "not applicable for this activity" in result.output
    assert "max footprint" not in result.output


def test_analyze_prints_the_verdict_first_and_json_stays_the_http_document(db, client):
    result = _run("analyze", EXAMPLES / "parcel.geojson", "--activity", "A001")
    assert _first_line(result.output) == "Diizinkan terbatas — permitted with limits: A001 Rumah Tunggal"
    body = json.loads((EXAMPLES / "parcel.geojson").read_text())
    http = client.post("/v1/parcels/analyze?activity=A001&at=2024-06-01", json=body).json()
    assert _json("analyze", EXAMPLES / "parcel.geojson", "--activity", "A001", "--at", "2024-06-01") == http


# --- errors -------------------------------------------------------------------------------------------------


def test_a_decimal_comma_gets_the_hint_to_write_a_dot():
    result = _run("lookup", "117,47", "0,13")
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "write decimals with a dot" in result.stderr and "rdtr lookup 117.47 0.13" in result.stderr


def test_bracketed_text_prints_whole(db, tmp_path):
    missing = tmp_path / "[itbx] codes [[parcels]] [bold]x[/].geojson"
    result = _run("analyze", missing)
    assert result.exit_code != 0
    assert missing.name in result.stderr.replace("\n", "")
    out = tmp_path / "[[out]].csv"
    result = _run("analyze", EXAMPLES / "parcel.geojson", "--out", out)
    assert result.exit_code == 0 and f"to {out}" in result.output.replace("\n", "")


@pytest.fixture()
def wrong_database(monkeypatch):
    monkeypatch.setenv("RDTR_DATABASE_URL", WRONG_URL)
    monkeypatch.delenv("RDTR_OWNER_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.mark.parametrize(
    "args",
    [
        ["plans"],
        ["lookup", "117.4709", "0.0968"],
        ["analyze", str(EXAMPLES / "parcel.geojson")],
        ["ingest", str(SAMPLE_PACKAGE)],
        ["check", str(EXAMPLES / "parcel.geojson"), "-a", "A001"],
        ["token", "list"],
        ["audit"],
        ["db", "upgrade"],
        ["serve", "--port", "0"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_a_wrong_database_url_is_one_line(wrong_database, args):
    result = _run(*args)
    assert result.exit_code not in (0, None), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "database is unavailable" in lines[0] and "RDTR_DATABASE_URL" in lines[0]
    assert "Connection refused" in lines[0] and "127.0.0.1" not in lines[0]


# --- Ctrl-C on the demo --------------------------------------------------------------------------------------


def _wait_healthy(port: int, deadline: float) -> None:
    import urllib.request

    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.3)


@pytest.mark.timeout(120)
def test_ctrl_c_on_the_demo_leaves_no_database_running(tmp_path_factory):
    from rdtr.db.local import LocalCluster

    home = tmp_path_factory.mktemp("demo") / ".rdtr"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("RDTR_DATABASE_URL", "RDTR_OWNER_DATABASE_URL")}
    env.update(RDTR_HOME=str(home))
    cmd = [sys.executable, "-m", "rdtr.cli", "demo", "--port", str(port), "--workers", "1"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    cluster = LocalCluster(home)
    try:
        out = b""
        deadline = time.monotonic() + 90
        while b"rdtr API on" not in out and time.monotonic() < deadline and proc.poll() is None:
            out += proc.stdout.read1(4096)
        assert b"rdtr API on" in out, out.decode(errors="replace")
        assert cluster.running()
        data_dir = cluster.data_dir
        _wait_healthy(port, deadline)  # as a user does: Ctrl-C once the page answers (workers started)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
        rest, _ = proc.communicate(timeout=60)
        assert b"embedded PostGIS stopped" in rest, rest.decode(errors="replace")
        assert not cluster.running()
        left = subprocess.run(["pgrep", "-f", str(data_dir)], capture_output=True, text=True)
        assert left.stdout.strip() == "", left.stdout
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        cluster.stop()
        for path in (cluster.data_dir, cluster.socket_dir):
            if home not in path.parents:
                shutil.rmtree(path.parent if path.name == "pgdata" else path, ignore_errors=True)
