"""Threads that answer all day (the API's event loop and worker threads) keep one connection each instead of a
checkout and checkin per answer: the same server session answers them, the pool's bound still holds, a dropped
connection is replaced, and an app that stops gives its connections back."""

from __future__ import annotations

import threading

from rdtr.db.database import keep_connections

BACKEND = "SELECT pg_backend_pid()"


def _in_thread(work):
    """``work()`` in a new thread that keeps its connections, and what it returned."""
    out = {}

    def run():
        keep_connections()
        try:
            out["value"] = work()
        finally:
            keep_connections(False)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    return out["value"]


def test_a_keeping_thread_answers_on_one_session_and_gives_it_back(db_url):
    from rdtr.db import Database

    with Database(db_url) as db:
        pool = db.engine.pool

        def work():
            pids = {db.fetch_sql(BACKEND)[0][0] for _ in range(20)}
            held = pool.checkedout()
            db.release_thread()
            return pids, held, pool.checkedout()

        pids, held, after = _in_thread(work)
        assert len(pids) == 1  # twenty statements, one server session
        assert held == 1 and after == 0  # kept while answering, back in the pool once released
        # A thread that does not keep checks out and in per statement: nothing stays checked out.
        db.fetch_sql(BACKEND)
        assert pool.checkedout() == 0


def test_a_kept_connection_the_server_dropped_is_replaced(db_url):
    from rdtr.db import Database

    with Database(db_url) as db, Database(db_url) as admin:

        def work():
            first = db.fetch_sql(BACKEND)[0][0]
            admin.fetch_sql("SELECT pg_terminate_backend(%s)", (first,))
            second = db.fetch_sql(BACKEND)[0][0]  # answered, on a fresh session
            db.release_thread()
            return first, second

        first, second = _in_thread(work)
        assert first != second


def test_the_app_gives_its_connections_back_when_it_stops(database, sample_plan):
    """The lifespan keeps one connection on the event loop (and one per worker thread that answered); after
    the client closes, none of them is still checked out of the injected database's pool."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    pool = database.engine.pool
    before = pool.checkedout()
    with TestClient(create_app(database)) as client:
        for _ in range(5):
            assert client.get("/v1/zoning", params={"lon": 117.48, "lat": 0.13}).status_code == 200
        square = [[117.4800, 0.1300], [117.4803, 0.1300], [117.4803, 0.1303], [117.4800, 0.1303], [117.4800, 0.1300]]
        r = client.post("/v1/parcels/analyze", json={"type": "Polygon", "coordinates": [square]})
        assert r.status_code == 200
        assert pool.checkedout() >= before + 1  # the loop's (and the worker's) kept connections
    assert pool.checkedout() == before
