"""conditions as rules: machine-readable constraints on the ITBX legend, structured overlay heights

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

RULES = (
    ("max_footprint_share_pct", sa.Float(), "percent of the piece's area the activity's footprint may cover"),
    ("max_floor_area_m2", sa.Float(), "cap on the activity's total floor area (m²) on the pieces it applies to"),
    ("max_floors", sa.Integer(), "storeys"),
    ("max_height_m", sa.Float(), "metres"),
    ("min_lot_area_m2", sa.Float(), "m²"),
    ("max_lot_area_m2", sa.Float(), "m²"),
    ("hours", sa.Text(), "opening hours as HH:MM-HH:MM (may pass midnight)"),
    ("requires", postgresql.ARRAY(sa.Text()), "approvals or documents the condition requires"),
)


def upgrade() -> None:
    for name, type_, comment in RULES:
        op.add_column("itbx_code", sa.Column(name, type_, nullable=True, comment=comment))
    op.add_column("overlay", sa.Column("max_height_m", sa.Float(), nullable=True,
                                       comment="structured height limit (m) of this overlay polygon, e.g. KKOP"))


def downgrade() -> None:
    op.drop_column("overlay", "max_height_m")
    for name, _, _ in reversed(RULES):
        op.drop_column("itbx_code", name)
