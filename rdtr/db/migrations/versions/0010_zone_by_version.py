"""zone partitioned by plan version, like zone_part and zone_edge

Revision ID: 0010
Revises: 0009

A load wrote its zones into the one shared ``zone`` table, whose GiST, primary-key and (version, sub-zone)
indexes grew row by row: at 1,000,000 zones that COPY was half the ingest (issue #12). Now each version's
zones go into a fresh table ``zone_v<id>`` without indexes, which the load then attaches: its indexes are
built in bulk, and ANALYZE samples that version alone instead of every version on the instance.

A partitioned table's primary key must hold its partition key, so it is ``(id, plan_version_id)``; ids still
come from the one sequence, so ``id`` stays unique on its own. ``zone_part`` and ``zone_edge`` no longer
name ``zone`` in a foreign key: they are derived from the version's zones in the load's own transaction and
go with the version (their foreign key to ``plan_version`` cascades), and a key to a partitioned table
would have every load re-validate its pieces against every version's zones.
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

OWN_VERSION = """
    IF NOT EXISTS (SELECT 1 FROM plan_version WHERE id = pv AND xmin = pg_current_xact_id()::xid) THEN
        RAISE EXCEPTION 'plan version % was not created in this transaction: refused', pv;
    END IF;"""

# rdtr_version_partition / rdtr_attach_partition (migration 0003) for {parents}.
PARTITION = """CREATE OR REPLACE FUNCTION rdtr_version_partition(parent text, pv integer) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE part text := parent || '_v' || pv;
    BEGIN
        IF parent NOT IN ({parents}) THEN RAISE EXCEPTION 'no partitions of %', parent; END IF;
        {own}
        EXECUTE format('DROP TABLE IF EXISTS %I', part);
        EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS, CONSTRAINT %I CHECK (plan_version_id = %s))',
                       part, parent, part || '_version', pv);
        EXECUTE format('GRANT SELECT, INSERT ON %I TO rdtr_app', part);
        RETURN part;
    END $$"""
ATTACH = """CREATE OR REPLACE FUNCTION rdtr_attach_partition(parent text, pv integer) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    BEGIN
        IF parent NOT IN ({parents}) THEN RAISE EXCEPTION 'no partitions of %', parent; END IF;
        {own}
        EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES IN (%s)', parent, parent || '_v' || pv, pv);
        EXECUTE format('REVOKE INSERT ON %I FROM rdtr_app', parent || '_v' || pv);
    END $$"""
# rdtr_finish_version (migrations 0003, 0005): {zone} is what ANALYZE samples of the zones.
FINISH = """CREATE OR REPLACE FUNCTION rdtr_finish_version(pv integer, report jsonb) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    BEGIN
        {own}
        UPDATE plan_version SET validation_report = report WHERE id = pv;
        {zone}
        EXECUTE format('ANALYZE %I', 'zone_part_v' || pv);
        EXECUTE format('ANALYZE %I', 'zone_edge_v' || pv);
        ANALYZE subzone; ANALYZE activity; ANALYZE itbx; ANALYZE itbx_code; ANALYZE intensity; ANALYZE tpz_code;
        ANALYZE overlay (plan_version_id, kind, geom); ANALYZE plan_version (plan_id, effective_from);
        ANALYZE parcel; ANALYZE place;
    END $$"""

COLUMNS = """
    id bigint NOT NULL DEFAULT nextval('zone_id_seq'),
    plan_version_id integer NOT NULL REFERENCES plan_version (id) ON DELETE CASCADE,
    feature_id text, subzone_code text NOT NULL, subzone_name text, zone_code text, zone_name text,
    block text, subblock text, kecamatan text, kelurahan text, tpz text[], special_provisions jsonb,
    attributes jsonb, area_m2 double precision, geom geometry(MULTIPOLYGON, 4326) NOT NULL"""
COMMENTS = {
    "feature_id": "the feature's id in the delivered file",
    "block": "KODBLK",
    "subblock": "KODSBL",
    "kecamatan": "WADMKC",
    "kelurahan": "WADMKD",
    "tpz": "TPZ_00 codes",
    "special_provisions": '[{"kind": "KKOP", "value": "..."}]',
    "attributes": "the delivered attributes, verbatim",
    "area_m2": "geodesic area, recomputed (LUASHA is never trusted)",
}


def _functions(parents: str, zone_analyze: str) -> None:
    op.execute(PARTITION.format(parents=parents, own=OWN_VERSION))
    op.execute(ATTACH.format(parents=parents, own=OWN_VERSION))
    op.execute(FINISH.format(own=OWN_VERSION, zone=zone_analyze))


def _replace_zone(partitioned: bool) -> None:
    """Rebuild ``zone`` partitioned by version (or back as one table), moving every row and keeping its id."""
    op.execute("ALTER TABLE zone RENAME TO zone_old")
    op.execute("ALTER TABLE zone_old RENAME CONSTRAINT zone_pkey TO zone_old_pkey")
    op.execute("ALTER INDEX zone_geom_gist RENAME TO zone_old_geom_gist")
    op.execute("ALTER INDEX zone_version_subzone RENAME TO zone_old_version_subzone")
    op.execute("ALTER TABLE zone_old ALTER COLUMN id DROP DEFAULT")
    op.execute("ALTER SEQUENCE zone_id_seq OWNED BY NONE")
    if partitioned:
        op.execute(f"CREATE TABLE zone ({COLUMNS}, PRIMARY KEY (id, plan_version_id)) PARTITION BY LIST (plan_version_id)")
    else:
        op.execute(f"CREATE TABLE zone ({COLUMNS}, PRIMARY KEY (id))")
    op.execute("ALTER SEQUENCE zone_id_seq OWNED BY zone.id")
    for column, comment in COMMENTS.items():
        quoted = comment.replace("'", "''")
        op.execute(f"COMMENT ON COLUMN zone.{column} IS '{quoted}'")
    if partitioned:
        # One partition per version, filled and then attached: the parent's indexes are built on it in bulk.
        op.execute("""DO $$ DECLARE pv integer; BEGIN
            FOR pv IN SELECT id FROM plan_version ORDER BY id LOOP
                EXECUTE format('CREATE TABLE %I (LIKE zone INCLUDING DEFAULTS, CONSTRAINT %I CHECK '
                               '(plan_version_id = %s))', 'zone_v' || pv, 'zone_v' || pv || '_version', pv);
                EXECUTE format('INSERT INTO %I SELECT * FROM zone_old WHERE plan_version_id = %s', 'zone_v' || pv, pv);
                EXECUTE format('ALTER TABLE zone ATTACH PARTITION %I FOR VALUES IN (%s)', 'zone_v' || pv, pv);
                EXECUTE format('GRANT SELECT ON %I TO rdtr_app', 'zone_v' || pv);
            END LOOP; END $$""")
    else:
        op.execute("INSERT INTO zone SELECT * FROM zone_old")
    op.execute("CREATE INDEX zone_geom_gist ON zone USING gist (geom)")
    op.execute("CREATE INDEX zone_version_subzone ON zone (plan_version_id, subzone_code)")
    op.execute("DROP TABLE zone_old")
    op.execute("GRANT SELECT ON zone TO rdtr_app")


def upgrade() -> None:
    for table in ("zone_part", "zone_edge"):
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_zone_id_fkey")
    _replace_zone(partitioned=True)
    # The columns answers filter, join or sort on (the verbatim attributes' JSON alone would double its cost).
    analyze = "EXECUTE format('ANALYZE %I (id, subzone_code, zone_code, geom)', 'zone_v' || pv);"
    _functions("'zone', 'zone_part', 'zone_edge'", analyze)


def downgrade() -> None:
    _replace_zone(partitioned=False)
    op.execute("GRANT INSERT ON zone TO rdtr_app")
    for table in ("zone_part", "zone_edge"):
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_zone_id_fkey FOREIGN KEY (zone_id) REFERENCES zone (id) "
            "ON DELETE CASCADE"
        )
    _functions("'zone_part', 'zone_edge'", "ANALYZE zone (plan_version_id, subzone_code, zone_code, geom);")
