"""tokens scoped to plans: api_token.plans (NULL: every plan, the national scope)

Revision ID: 0007
Revises: 0006

A token made with ``rdtr token create --plan ID [--plan ID…]`` may upload, issue extracts and manage
watches for those plans only. No foreign key to ``plan``: a city's admin token is made before the city's
first upload. Existing tokens keep NULL, i.e. today's meaning. ``rdtr_app`` already reads ``api_token``
(table-wide SELECT, migration 0003) and may not change it: nothing to grant.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "api_token",
        sa.Column(
            "plans",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="the plan ids this token may act on; NULL: every plan (national)",
        ),
    )
    op.create_check_constraint(
        "api_token_plans",
        "api_token",
        "plans IS NULL OR (cardinality(plans) > 0 AND array_position(plans, NULL) IS NULL)",
    )


def downgrade() -> None:
    op.drop_constraint("api_token_plans", "api_token")
    op.drop_column("api_token", "plans")
