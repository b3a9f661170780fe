"""Point and parcel answers touch only the partitions of the versions whose extent holds the place
(``rdtr.answers.sql``: one version's own partitions when its extent alone holds the place; else
POINT_VERSIONS / PARCEL_VERSIONS, then POINT / PARCEL pruned at executor start-up; more candidates than
``VERSION_SLOTS`` take POINT_ALL / PARCEL_ALL). The answers are the same either way.

The module loads plans: it runs on a database of its own (``fresh_database``)."""

from __future__ import annotations

from datetime import date

import pytest
import shapely

from rdtr.answers import analyze, sql, zoning_at
from tests.support.ingest import ORIGIN, grid_zones, make_package, to_lonlat

#: Six plans over the same 400 × 300 m (more than VERSION_SLOTS overlap there), and one 20 km away.
STACKED = [f"stack-{k}" for k in range(6)]
AWAY = "stack-away"


@pytest.fixture(scope="module")
def plans(fresh_database, tmp_path_factory):
    """plan id → version id, for the stacked plans and the one away from them."""
    from rdtr.ingest import ingest_package

    base = tmp_path_factory.mktemp("pruning")
    versions = {}
    for k, plan_id in enumerate([*STACKED, AWAY]):
        origin = (ORIGIN[0] + 20_000.0, ORIGIN[1]) if plan_id == AWAY else ORIGIN
        codes = [["R-2", "K-1", "R-3", "RTH-2", "R-3", "K-1"][k % 6]] + ["R-2"] * 11
        zones = grid_zones(origin=origin, codes=codes)
        pkg = make_package(base / plan_id, plan_id, zones=zones, overlay=False)
        versions[plan_id] = ingest_package(fresh_database, pkg).plan_version_id
    return versions


def _lonlat(x: float, y: float) -> tuple[float, float]:
    p = to_lonlat(shapely.Point(x, y))
    return p.x, p.y


def test_every_piece_lies_inside_its_versions_extent(fresh_database, plans):
    """The extent the candidates come from covers every zone piece (else a point could miss its zone)."""
    outside = fresh_database.fetch_sql(
        "SELECT count(*) FROM zone_part zp JOIN plan_version pv ON pv.id = zp.plan_version_id "
        "WHERE NOT pv.bbox ~ zp.geom"
    )[0][0]
    pieces = fresh_database.fetch_sql("SELECT count(*) FROM zone_part")[0][0]
    assert pieces >= 12 * len(plans) and outside == 0


def test_candidates_are_the_versions_in_force_whose_extent_holds_the_point(fresh_database, plans):
    today = date.today()
    away = _lonlat(ORIGIN[0] + 20_050.0, ORIGIN[1] + 50.0)
    rows = fresh_database.fetch(sql.POINT_VERSIONS, (*away, today, None))
    assert [r.plan_version_id for r in rows] == [plans[AWAY]]
    stacked = _lonlat(ORIGIN[0] + 50.0, ORIGIN[1] + 50.0)
    rows = fresh_database.fetch(sql.POINT_VERSIONS, (*stacked, today, None))
    assert [r.plan_version_id for r in rows] == sorted(plans[p] for p in STACKED)
    rows = fresh_database.fetch(sql.POINT_VERSIONS, (*stacked, today, "stack-2"))
    assert [r.plan_version_id for r in rows] == [plans["stack-2"]]
    # before the plans came into force, none is a candidate
    assert fresh_database.fetch(sql.POINT_VERSIONS, (*stacked, date(2020, 1, 1), None)) == []
    nowhere = _lonlat(ORIGIN[0] + 10_000.0, ORIGIN[1] + 50.0)  # between the stack and the plan away
    assert fresh_database.fetch(sql.POINT_VERSIONS, (*nowhere, today, None)) == []
    assert zoning_at(fresh_database, *nowhere)["zones"] == []


def test_the_pruned_point_query_opens_only_the_candidate_partition(fresh_database, plans):
    """EXPLAIN of the generic plan: zone_part and zone_edge pruned to one partition before execution."""
    lon, lat = _lonlat(ORIGIN[0] + 20_050.0, ORIGIN[1] + 50.0)
    slots = [plans[AWAY]] + [None] * (sql.VERSION_SLOTS - 1)
    fresh_database.fetch(sql.POINT, (lon, lat, date.today(), None, *slots))  # PREPAREd on some connection
    with fresh_database.engine.connect() as conn:
        cur = conn.connection.driver_connection.cursor()
        cur.execute("SET plan_cache_mode = force_generic_plan")
        cur.execute(f"PREPARE pruned AS {sql.POINT.sql}")
        cur.execute(
            "EXPLAIN (ANALYZE, COSTS OFF) EXECUTE pruned(%s, %s, %s, %s, %s, %s, %s, %s)",
            (lon, lat, date.today(), None, *slots),
        )
        plan = "\n".join(r[0] for r in cur.fetchall())
        cur.execute("DEALLOCATE pruned")
    partitions = fresh_database.fetch_sql("SELECT count(*) FROM pg_inherits WHERE inhparent = 'zone_part'::regclass")[
        0
    ][0]
    assert partitions >= len(plans)
    removed = [int(line.split(":")[1]) for line in plan.splitlines() if "Subplans Removed" in line]
    # zone_part, zone (migration 0010), and zone_edge twice (the nearest edge, then the edges within reach of it)
    assert removed == [partitions - 1] * 4, plan
    assert f"zone_part_v{plans[AWAY]}" in plan


def test_answers_are_the_same_pruned_and_unpruned(fresh_database, plans):
    today = date.today()
    for x in (50.0, 150.0, 250.0, 100.0):  # inside squares, and on an edge between two
        lon, lat = _lonlat(ORIGIN[0] + x, ORIGIN[1] + 50.0)
        pruned = sql.point_rows(fresh_database, lon, lat, today, "stack-1")
        unpruned = fresh_database.fetch(sql.POINT_ALL, (lon, lat, today, "stack-1"))
        assert pruned == unpruned and pruned
        assert {r.plan_version_id for r in pruned} == {plans["stack-1"]}


def test_more_overlapping_plans_than_slots_still_answer_every_plan(fresh_database, plans):
    """Six plans at one point: more than VERSION_SLOTS, so the unpruned form answers — one zone per plan."""
    assert len(STACKED) > sql.VERSION_SLOTS
    lon, lat = _lonlat(ORIGIN[0] + 50.0, ORIGIN[1] + 50.0)
    zones = zoning_at(fresh_database, lon, lat)["zones"]
    assert sorted((z["plan"]["id"], z["subzone_code"]) for z in zones) == [
        ("stack-0", "R-2"),
        ("stack-1", "K-1"),
        ("stack-2", "R-3"),
        ("stack-3", "RTH-2"),
        ("stack-4", "R-3"),
        ("stack-5", "K-1"),
    ]


def test_a_parcel_is_answered_by_the_plans_it_meets(fresh_database, plans):
    """A parcel over two squares of the plan away: its two pieces; the same parcel in the stack: six plans."""
    ring = [(60.0, 40.0), (140.0, 40.0), (140.0, 60.0), (60.0, 60.0), (60.0, 40.0)]
    for dx, expected in ((20_000.0, {AWAY}), (0.0, set(STACKED))):
        coords = [list(_lonlat(ORIGIN[0] + dx + x, ORIGIN[1] + y)) for x, y in ring]
        doc = analyze(fresh_database, {"type": "Polygon", "coordinates": [coords]}, activity="A001")
        assert {z["plan"]["id"] for z in doc["zones"]} == expected
        pieces = [z for z in doc["zones"] if z["plan"]["id"] == min(expected)]
        assert len(pieces) == 2 and abs(sum(z["area_m2"] for z in pieces) - 1600.0) < 5.0


def test_a_database_of_few_versions_answers_a_point_in_one_trip(fresh_database, plans, monkeypatch):
    """Up to FEW_VERSIONS versions, one statement (POINT_ALL); beyond, the candidates then POINT — same rows."""
    ran: list[str] = []
    real_fetch = fresh_database.fetch

    def spy(query, params):
        ran.append(query.name)
        return real_fetch(query, params)

    monkeypatch.setattr(fresh_database, "fetch", spy)
    lon, lat = _lonlat(ORIGIN[0] + 20_050.0, ORIGIN[1] + 50.0)
    answers = {}
    for few in (1000, 0):
        monkeypatch.setattr(sql, "FEW_VERSIONS", few)
        fresh_database.versions.clear()
        fresh_database.versions.extents()
        ran.clear()
        answers[few] = sql.point_rows(fresh_database, lon, lat, date.today(), None)
        # beyond FEW_VERSIONS: the one version whose extent holds the point, from its own partitions
        expected = [sql.POINT_ALL.name] if few else [sql.point_one(plans[AWAY]).name]
        assert ran == expected
    assert answers[1000] == answers[0] and [r.plan_version_id for r in answers[0]] == [plans[AWAY]]
    # one plan asked for among those stacked there: its own partitions; all six: the candidates, then (more
    # than VERSION_SLOTS) the unpruned statement
    stacked = _lonlat(ORIGIN[0] + 50.0, ORIGIN[1] + 50.0)
    ran.clear()
    rows = sql.point_rows(fresh_database, *stacked, date.today(), "stack-2")
    assert ran == [sql.point_one(plans["stack-2"]).name] and {r.plan_version_id for r in rows} == {plans["stack-2"]}
    ran.clear()
    rows = sql.point_rows(fresh_database, *stacked, date.today(), None)
    assert ran == [sql.POINT_VERSIONS.name, sql.POINT_ALL.name] and len({r.plan_version_id for r in rows}) == 6


def test_a_database_of_few_versions_answers_a_parcel_in_one_trip(fresh_database, plans, monkeypatch):
    """The parcel overlay alike: PARCEL_ALL up to FEW_VERSIONS, else PARCEL_VERSIONS then PARCEL — same rows."""
    ran: list[str] = []
    real_fetch = fresh_database.fetch

    def spy(query, params):
        ran.append(query.name)
        return real_fetch(query, params)

    monkeypatch.setattr(fresh_database, "fetch", spy)
    ring = [_lonlat(ORIGIN[0] + 20_000.0 + x, ORIGIN[1] + y) for x, y in ((60, 40), (140, 40), (140, 60), (60, 40))]
    params = ([0], [shapely.to_wkb(shapely.Polygon(ring), hex=True)], date.today(), None)
    answers = {}
    geoms = [shapely.Polygon(ring)]
    for few, with_box in ((1000, True), (0, False), (0, True)):
        monkeypatch.setattr(sql, "FEW_VERSIONS", few)
        fresh_database.versions.clear()
        ran.clear()
        answers[few, with_box] = sorted(sql.parcel_rows(fresh_database, params, geoms if with_box else None), key=repr)
        if few:
            assert ran == [sql.PARCEL_ALL.name]
        elif with_box:  # the parcels' box lies in one version's extent: its own partitions, one round trip
            assert ran == [sql.parcel_one(plans[AWAY]).name]
        else:
            assert ran == [sql.PARCEL_VERSIONS.name, sql.PARCEL.name]
    assert answers[1000, True] == answers[0, False] == answers[0, True]
    assert sorted(r.kind for r in answers[0, True]) == ["p", "z", "z"]


def test_a_version_loaded_after_the_extents_were_read_is_answered(fresh_database, plans, tmp_path, monkeypatch):
    """The process's copy of the extents predates a new plan: the one-version statement sees that a newer
    version exists and answers nothing, and the answer comes from the candidates query instead — the old
    plan's points as well as the new plan's."""
    from rdtr.ingest import ingest_package

    monkeypatch.setattr(sql, "FEW_VERSIONS", 0)
    fresh_database.versions.clear()
    away = _lonlat(ORIGIN[0] + 20_050.0, ORIGIN[1] + 50.0)
    assert [r.plan_version_id for r in sql.point_rows(fresh_database, *away, date.today(), None)] == [plans[AWAY]]
    stale = fresh_database.versions.extents()
    zones = grid_zones(origin=(ORIGIN[0] + 40_000.0, ORIGIN[1]), codes=["K-1"] * 12)
    late = ingest_package(fresh_database, make_package(tmp_path / "late", "stack-late", zones=zones, overlay=False))
    assert fresh_database.versions.extents() is stale or late.plan_version_id > stale.newest
    fresh_database.versions._extents = stale  # as another process would still hold it
    there = _lonlat(ORIGIN[0] + 40_050.0, ORIGIN[1] + 50.0)
    rows = sql.point_rows(fresh_database, *there, date.today(), None)
    assert [(r.plan_version_id, r.subzone_code) for r in rows] == [(late.plan_version_id, "K-1")]
    fresh_database.versions._extents = stale
    assert [r.plan_version_id for r in sql.point_rows(fresh_database, *away, date.today(), None)] == [plans[AWAY]]


def test_per_version_statements_are_bounded_per_connection(fresh_database, plans, monkeypatch):
    """Beyond PREPARED_MAX statements on a connection the least recently used are deallocated; the answers
    go on (a deallocated statement is prepared again when next asked)."""
    from rdtr.db import database

    monkeypatch.setattr(sql, "FEW_VERSIONS", 0)
    monkeypatch.setattr(database, "PREPARED_MAX", 3)
    fresh_database.versions.clear()
    stacked = _lonlat(ORIGIN[0] + 50.0, ORIGIN[1] + 50.0)
    for _ in range(2):
        for plan_id in STACKED:
            rows = sql.point_rows(fresh_database, *stacked, date.today(), plan_id)
            assert {r.plan_version_id for r in rows} == {plans[plan_id]}
    # the backend that answers this holds at most PREPARED_MAX statements (+ none for plain SQL)
    held = fresh_database.fetch_sql("SELECT count(*) FROM pg_prepared_statements")[0][0]
    assert held <= 3


def test_overlays_are_the_same_from_one_versions_partitions(fresh_database, plans, monkeypatch):
    """An overlay of another plan over the place (a KKOP reaching past its city's zones) is answered through
    one version's partitions as through the others: each overlay checked against its own plan's version."""
    monkeypatch.setattr(sql, "FEW_VERSIONS", 0)
    fresh_database.versions.clear()
    x0, y0 = _lonlat(ORIGIN[0] + 19_900.0, ORIGIN[1] - 100.0)
    x1, y1 = _lonlat(ORIGIN[0] + 20_500.0, ORIGIN[1] + 400.0)
    owners = (plans[AWAY], plans["stack-0"])
    with fresh_database.engine.begin() as conn:
        for k, pv in enumerate(owners):
            conn.exec_driver_sql(
                "INSERT INTO overlay (id, plan_version_id, kind, name, geom) VALUES "
                "(%s, %s, 'KKOP', %s, ST_Multi(ST_MakeEnvelope(%s, %s, %s, %s, 4326)))",
                (-1 - k, pv, f"test {k}", x0, y0, x1, y1),
            )
    try:
        today = date.today()
        lon, lat = _lonlat(ORIGIN[0] + 20_050.0, ORIGIN[1] + 50.0)
        one = sql.point_rows(fresh_database, lon, lat, today, None)
        assert one == fresh_database.fetch(sql.POINT_ALL, (lon, lat, today, None))
        assert sorted(o[0] for o in one[0].overlays) == sorted(owners)
        ring = [_lonlat(ORIGIN[0] + 20_000.0 + x, ORIGIN[1] + y) for x, y in ((60, 40), (140, 40), (140, 60), (60, 40))]
        params = ([0], [shapely.to_wkb(shapely.Polygon(ring), hex=True)], today, None)
        rows = sql.parcel_rows(fresh_database, params, [shapely.Polygon(ring)])
        assert sorted(rows, key=repr) == sorted(fresh_database.fetch(sql.PARCEL_ALL, params), key=repr)
        assert sorted(r.plan_version_id for r in rows if r.kind == "o") == sorted(owners)
    finally:
        with fresh_database.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM overlay WHERE id < 0")
