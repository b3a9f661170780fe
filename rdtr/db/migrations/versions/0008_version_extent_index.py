"""a GiST index on plan_version.bbox: the versions whose extent holds a point, found without a scan

Revision ID: 0008
Revises: 0007

The point and parcel answers first choose the versions in force whose extent (``bbox``, the zones' bounds,
set by the ingest in its transaction) holds the point or meets a parcel, then name them as parameters so
PostgreSQL prunes ``zone_part`` and ``zone_edge`` to their partitions at executor start-up
(``rdtr.answers.sql``). With hundreds of plans that choice must not scan every version. A version loaded
before ``bbox`` was always set gets it from its zones here. ``rdtr_app`` already reads ``plan_version``:
nothing to grant.
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "UPDATE plan_version pv SET bbox = e.box FROM (SELECT plan_version_id, ST_Envelope(ST_Collect(geom)) AS box "
        "FROM zone GROUP BY plan_version_id) e WHERE pv.bbox IS NULL AND e.plan_version_id = pv.id "
        "AND GeometryType(e.box) = 'POLYGON'"
    )
    op.create_index("plan_version_bbox_gist", "plan_version", ["bbox"], postgresql_using="gist")


def downgrade() -> None:
    op.drop_index("plan_version_bbox_gist", table_name="plan_version")
