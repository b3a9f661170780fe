"""watches: webhooks for a parcel or an area, from a transactional outbox (POST /v1/watches)

Revision ID: 0006
Revises: 0005

``watch`` holds who asked to be told; ``watch_delivery`` is the outbox a plan load writes in its own
transaction (a load that rolls back notifies nobody) and the delivery worker sends. ``rdtr_app`` may add
watches and mark them deleted, add deliveries and update their status — never rewrite what they say.
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watch",
        sa.Column("id", sa.Text(), primary_key=True, comment="a UUID"),
        sa.Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False),
        sa.Column("activity", sa.Text(), comment="the activity whose class the deliveries compare, if any"),
        sa.Column(
            "plan_id", sa.Text(), sa.ForeignKey("plan.id"), comment="only this plan's new versions; null: any plan"
        ),
        sa.Column(
            "url", sa.Text(), nullable=False, comment="where deliveries are POSTed (http/https, public addresses)"
        ),
        sa.Column(
            "secret", sa.Text(), nullable=False, comment="signs each delivery (HMAC-SHA256); shown once, at creation"
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("deleted_at", sa.DateTime(timezone=True)),
        comment="POST /v1/watches: who is told when a new plan version changes the answer for a parcel",
    )
    op.create_index("watch_geom_gist", "watch", ["geom"], postgresql_using="gist")
    op.create_index("watch_plan", "watch", ["plan_id"])
    op.create_table(
        "watch_delivery",
        sa.Column("id", sa.Text(), primary_key=True, comment="a UUID, sent as X-Rdtr-Delivery"),
        sa.Column("watch_id", sa.Text(), sa.ForeignKey("watch.id", ondelete="CASCADE"), nullable=False),
        sa.Column("plan_id", sa.Text(), nullable=False),
        sa.Column("from_version", sa.Integer(), comment="the version in force before; null when none was"),
        sa.Column("to_version", sa.Integer(), nullable=False),
        sa.Column(
            "body", postgresql.JSONB(), nullable=False, comment="{watch, plan, from_version, to_version, compare}"
        ),
        sa.Column("status", sa.Text(), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('pending','delivered','failed')", name="watch_delivery_status"),
        sa.UniqueConstraint("watch_id", "plan_id", "to_version", name="watch_delivery_once"),
        comment="the outbox: written in the load's transaction, sent by rdtr.watches.deliver_pending",
    )
    op.create_index(
        "watch_delivery_due", "watch_delivery", ["next_attempt_at"], postgresql_where=sa.text("status = 'pending'")
    )
    op.create_index("watch_delivery_watch", "watch_delivery", ["watch_id"])
    op.execute("GRANT SELECT, INSERT ON watch, watch_delivery TO rdtr_app")
    op.execute("GRANT UPDATE (deleted_at) ON watch TO rdtr_app")
    op.execute(
        "GRANT UPDATE (status, attempts, next_attempt_at, last_error, delivered_at) ON watch_delivery TO rdtr_app"
    )


def downgrade() -> None:
    op.drop_table("watch_delivery")
    op.drop_table("watch")
