"""the rdtr_app group role: exactly what `rdtr serve` needs, and narrow definer functions for loads

Revision ID: 0003
Revises: 0002

`rdtr serve` connects as a login role that is a member of ``rdtr_app`` (NOLOGIN). It may read everything
and add rows — a new plan version through the API included — but never change or remove what is loaded or
issued: no UPDATE, DELETE or TRUNCATE on plan versions, zones, rules, extracts or the audit log, and, not
owning any table, it cannot disable a trigger. The few steps of a load that need more than INSERT (making
and attaching the new version's partitions, ANALYZE, writing the version's validation report) go through
SECURITY DEFINER functions owned by the schema owner, each refusing any version but one created in the
caller's own, still open transaction.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

READ = ("plan", "plan_version", "subzone", "zone", "zone_part", "zone_edge", "zone_edge_done", "activity", "itbx",
        "itbx_code", "intensity", "tpz_code", "overlay", "extract", "api_token", "ingest_run", "audit_log",
        "spatial_ref_sys")
APPEND = ("plan", "plan_version", "subzone", "zone", "zone_edge_done", "activity", "itbx", "itbx_code", "intensity",
          "tpz_code", "overlay", "extract", "ingest_run", "audit_log")

# A version "of this transaction": its row was inserted by the transaction calling the function.
OWN_VERSION = """
    IF NOT EXISTS (SELECT 1 FROM plan_version WHERE id = pv AND xmin = pg_current_xact_id()::xid) THEN
        RAISE EXCEPTION 'plan version % was not created in this transaction: refused', pv;
    END IF;"""


def upgrade() -> None:
    op.execute("""DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rdtr_app') THEN CREATE ROLE rdtr_app NOLOGIN; END IF;
    END $$""")
    op.execute("GRANT USAGE ON SCHEMA public TO rdtr_app")
    op.execute(f"GRANT SELECT ON {', '.join(READ)} TO rdtr_app")
    op.execute(f"GRANT INSERT ON {', '.join(APPEND)} TO rdtr_app")
    op.execute("GRANT UPDATE (name, region, region_code) ON plan TO rdtr_app")  # a new version may rename its plan
    op.execute("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO rdtr_app")
    # The partitions of versions loaded before this migration: readable like their parents.
    op.execute("""DO $$ DECLARE t text; BEGIN
        FOR t IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                  JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname IN ('zone_part', 'zone_edge') LOOP
            EXECUTE format('GRANT SELECT ON %I TO rdtr_app', t);
        END LOOP; END $$""")

    op.execute(f"""CREATE FUNCTION rdtr_version_partition(parent text, pv integer) RETURNS text
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        DECLARE part text := parent || '_v' || pv;
        BEGIN
            IF parent NOT IN ('zone_part', 'zone_edge') THEN RAISE EXCEPTION 'no partitions of %', parent; END IF;
            {OWN_VERSION}
            EXECUTE format('DROP TABLE IF EXISTS %I', part);
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS, CONSTRAINT %I CHECK (plan_version_id = %s))',
                           part, parent, part || '_version', pv);
            EXECUTE format('GRANT SELECT, INSERT ON %I TO rdtr_app', part);
            RETURN part;
        END $$""")
    op.execute(f"""CREATE FUNCTION rdtr_attach_partition(parent text, pv integer) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        BEGIN
            IF parent NOT IN ('zone_part', 'zone_edge') THEN RAISE EXCEPTION 'no partitions of %', parent; END IF;
            {OWN_VERSION}
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES IN (%s)', parent, parent || '_v' || pv, pv);
            EXECUTE format('REVOKE INSERT ON %I FROM rdtr_app', parent || '_v' || pv);
        END $$""")
    op.execute(f"""CREATE FUNCTION rdtr_finish_version(pv integer, report jsonb) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        BEGIN
            {OWN_VERSION}
            UPDATE plan_version SET validation_report = report WHERE id = pv;
            ANALYZE zone (plan_version_id, subzone_code, zone_code, geom);
            EXECUTE format('ANALYZE %I', 'zone_part_v' || pv);
            EXECUTE format('ANALYZE %I', 'zone_edge_v' || pv);
            ANALYZE subzone; ANALYZE activity; ANALYZE itbx; ANALYZE itbx_code; ANALYZE intensity; ANALYZE tpz_code;
            ANALYZE overlay (plan_version_id, kind, geom); ANALYZE plan_version (plan_id, effective_from);
        END $$""")
    for fn in ("rdtr_version_partition(text, integer)", "rdtr_attach_partition(text, integer)",
               "rdtr_finish_version(integer, jsonb)"):
        op.execute(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {fn} TO rdtr_app")


def downgrade() -> None:
    for fn in ("rdtr_finish_version(integer, jsonb)", "rdtr_attach_partition(text, integer)",
               "rdtr_version_partition(text, integer)"):
        op.execute(f"DROP FUNCTION IF EXISTS {fn}")
    op.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM rdtr_app")
    op.execute("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM rdtr_app")
    op.execute("REVOKE USAGE ON SCHEMA public FROM rdtr_app")
