"""Zone edges, cut once per plan version at ingest: each zone's boundary in short indexed pieces.

The answers measure a point's or parcel's distance to its zone's edge on these (``zone_edge``, partitioned
by version, GiST-indexed; see rdtr.answers.sql). They are made in the load transaction, so a version is
never answerable without them, and the read path never runs DDL.
"""

from __future__ import annotations

from sqlalchemy import text

EDGE_VERTICES = 32

EDGES_SQL = f"""
INSERT INTO {{table}} (zone_id, plan_version_id, geom)
SELECT z.id, z.plan_version_id, d.geom
FROM zone z
CROSS JOIN LATERAL ST_Subdivide(ST_Boundary(z.geom), {EDGE_VERTICES}) AS s(geom)
CROSS JOIN LATERAL ST_Dump(s.geom) AS d
WHERE z.plan_version_id = :pv AND GeometryType(d.geom) = 'LINESTRING'
"""


def precompute_version(conn, plan_version_id: int) -> int:
    """Cut the version's zone boundaries into short indexed edges (``zone_edge``), once per version.

    ``conn`` is a SQLAlchemy connection inside a transaction (ingest can call this in its load
    transaction). Idempotent and safe when several processes race: an advisory lock serialises them.
    Returns the number of edges (existing or new).
    """
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('rdtr.zone_edge'), :pv)"), {"pv": plan_version_id})
    done = conn.execute(
        text("SELECT edges FROM zone_edge_done WHERE plan_version_id = :pv"), {"pv": plan_version_id}
    ).scalar()
    if done is not None:
        return done
    # A fresh partition filled without indexes, then attached: its indexes are built in bulk, far faster
    # than growing the shared ones row by row (as for zone_part). Made and attached by definer functions
    # (migration 0003): the service's role may not run DDL, and only for the version it is loading.
    pv = int(plan_version_id)
    part = conn.execute(text("SELECT rdtr_version_partition('zone_edge', :pv)"), {"pv": pv}).scalar_one()
    n = conn.execute(text(EDGES_SQL.format(table=part)), {"pv": pv}).rowcount
    conn.execute(text("SELECT rdtr_attach_partition('zone_edge', :pv)"), {"pv": pv})
    conn.execute(
        text("INSERT INTO zone_edge_done (plan_version_id, edges) VALUES (:pv, :n)"), {"pv": plan_version_id, "n": n}
    )
    return n
