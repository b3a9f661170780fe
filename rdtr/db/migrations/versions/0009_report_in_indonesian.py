"""plan_version.validation_report_id: a loaded version's validation report said in Indonesian

Revision ID: 0009
Revises: 0008

``validation_report`` keeps the report in English (every reader of it stays as it is); the new column holds
the same document with its messages in Indonesian, written by the load in its transaction through a
three-argument ``rdtr_finish_version`` (``rdtr_app`` may not update ``plan_version``: the definer function
writes only the version this transaction created, then does what the two-argument one does).
``GET /v1/plans/{id}/versions/{v}/report`` chooses by ``Accept-Language``; a version loaded before this
migration has NULL here and answers its English report, saying so. ``rdtr_app`` already reads
``plan_version``: it is granted only EXECUTE on the new function.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

FINISH_BOTH = "rdtr_finish_version(integer, jsonb, jsonb)"


def upgrade() -> None:
    op.add_column(
        "plan_version",
        sa.Column(
            "validation_report_id",
            postgresql.JSONB(),
            nullable=True,
            comment="validation_report with its messages in Indonesian (NULL: loaded before migration 0009)",
        ),
    )
    # report_in_id, not report_id: a parameter named like the column would make the UPDATE ambiguous.
    op.execute("""CREATE FUNCTION rdtr_finish_version(pv integer, report jsonb, report_in_id jsonb) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM plan_version WHERE id = pv AND xmin = pg_current_xact_id()::xid) THEN
                RAISE EXCEPTION 'plan version % was not created in this transaction: refused', pv;
            END IF;
            UPDATE plan_version SET validation_report_id = report_in_id WHERE id = pv;
            PERFORM rdtr_finish_version(pv, report);
        END $$""")
    op.execute(f"REVOKE ALL ON FUNCTION {FINISH_BOTH} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {FINISH_BOTH} TO rdtr_app")


def downgrade() -> None:
    op.execute(f"DROP FUNCTION IF EXISTS {FINISH_BOTH}")
    op.drop_column("plan_version", "validation_report_id")
