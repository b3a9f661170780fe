"""places and parcels: finding a plot without coordinates (GET /v1/places, GET /v1/parcels/{plan}/{id})

Revision ID: 0005
Revises: 0004

``parcel`` holds a package's ``[[parcels]]`` layers; ``place`` what a search by name finds — kelurahan,
kecamatan, blocks, sub-blocks, sub-zones and parcels — filled once per version by the load (here for the
versions loaded before this migration). ``rdtr_app`` may read both and add rows (a version uploaded through
the API), never change them. The substring search uses a pg_trgm index where the extension can be created
(it is trusted: the schema owner needs no superuser); without it the search scans the version's places.
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

KINDS = "('kelurahan','kecamatan','block','subblock','subzone','parcel')"

# rdtr_finish_version (migration 0003) with the two new tables analysed too.
FINISH = """CREATE OR REPLACE FUNCTION rdtr_finish_version(pv integer, report jsonb) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM plan_version WHERE id = pv AND xmin = pg_current_xact_id()::xid) THEN
            RAISE EXCEPTION 'plan version % was not created in this transaction: refused', pv;
        END IF;
        UPDATE plan_version SET validation_report = report WHERE id = pv;
        ANALYZE zone (plan_version_id, subzone_code, zone_code, geom);
        EXECUTE format('ANALYZE %I', 'zone_part_v' || pv);
        EXECUTE format('ANALYZE %I', 'zone_edge_v' || pv);
        ANALYZE subzone; ANALYZE activity; ANALYZE itbx; ANALYZE itbx_code; ANALYZE intensity; ANALYZE tpz_code;
        ANALYZE overlay (plan_version_id, kind, geom); ANALYZE plan_version (plan_id, effective_from);
        {extra}
    END $$"""


def upgrade() -> None:
    op.create_table(
        "parcel",
        sa.Column("plan_version_id", sa.Integer(), sa.ForeignKey("plan_version.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("parcel_id", sa.Text(), nullable=False,
                  comment="the parcel number as delivered ([[parcels]] id_field: NIB, NOP)"),
        sa.Column("label", sa.Text(), comment="[[parcels]] label_field, e.g. the address"),
        sa.Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False),
        sa.UniqueConstraint("plan_version_id", "parcel_id", name="parcel_id_per_version"),
        comment="a package's parcel layers ([[parcels]]), loaded with its version",
    )
    op.create_index("parcel_geom_gist", "parcel", ["geom"], postgresql_using="gist")
    op.create_table(
        "place",
        sa.Column("plan_version_id", sa.Integer(), sa.ForeignKey("plan_version.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("label", sa.Text()),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("keys", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("search", sa.Text(), nullable=False),
        sa.Column("minlon", sa.Float(), nullable=False),
        sa.Column("minlat", sa.Float(), nullable=False),
        sa.Column("maxlon", sa.Float(), nullable=False),
        sa.Column("maxlat", sa.Float(), nullable=False),
        sa.Column("point", Geometry("POINT", srid=4326, spatial_index=False), nullable=False),
        sa.CheckConstraint(f"kind IN {KINDS}", name="place_kind"),
        comment="what GET /v1/places finds, filled once per version by the load",
    )
    op.create_index("place_version", "place", ["plan_version_id"])
    op.create_index("place_name_key", "place", ["name_key"], postgresql_ops={"name_key": "text_pattern_ops"})
    # pg_trgm when it can be had (trusted since PostgreSQL 13: CREATE on the database suffices); else no index.
    op.execute("""DO $$ BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm not available (%): place search scans without a trigram index', SQLERRM;
    END $$""")
    op.execute("""DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
            EXECUTE 'CREATE INDEX place_search_trgm ON place USING gin (search gin_trgm_ops)';
        END IF;
    END $$""")
    op.execute("GRANT SELECT, INSERT ON parcel, place TO rdtr_app")
    op.execute(FINISH.replace("{extra}", "ANALYZE parcel; ANALYZE place;"))

    # The versions loaded before this migration get their places (from their zones; they have no parcels).
    from rdtr.ingest.load import load_places

    bind = op.get_bind()
    versions = [r[0] for r in bind.execute(sa.text("SELECT id FROM plan_version ORDER BY id"))]
    if versions:
        cur = bind.connection.dbapi_connection.cursor()
        try:
            for pv in versions:
                load_places(cur, pv)
        finally:
            cur.close()


def downgrade() -> None:
    op.execute(FINISH.replace("{extra}", ""))
    op.drop_table("place")
    op.drop_table("parcel")
