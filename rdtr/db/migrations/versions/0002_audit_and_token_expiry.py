"""audit log (append-only), token expiry; extracts refuse DELETE and TRUNCATE too

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("api_token", sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True,
                                         comment="after this the token is refused (NULL: no expiry)"))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False, comment="token name, or cli:<user>"),
        sa.Column("action", sa.Text(), nullable=False,
                  comment="plan.upload | plan.upload_rejected | token.create | token.revoke | extract.issue"),
        sa.Column("target", sa.Text(), nullable=True, comment="plan id/version, token name or extract id"),
        sa.Column("detail", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
    )
    op.create_index("audit_log_at", "audit_log", ["at"])
    # Append-only records: a row once written is never changed or removed (by anyone but a superuser who
    # disables the trigger — which the service's own role cannot do).
    op.execute("""CREATE FUNCTION rdtr_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP; END $$""")
    for table in ("audit_log", "extract"):
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION rdtr_append_only()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION rdtr_append_only()")


def downgrade() -> None:
    for table in ("audit_log", "extract"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    op.execute("DROP FUNCTION IF EXISTS rdtr_append_only()")
    op.drop_index("audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_column("api_token", "expires_at")
