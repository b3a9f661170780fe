"""The database schema (SQLAlchemy 2 Core + GeoAlchemy2).

Everything an answer says comes from one ``plan_version``; rows below it are never updated after a
load, so per-version results can be cached for the life of a process.

Geometry is stored in EPSG:4326 (longitude/latitude) with GiST indexes. ``zone_part`` holds the zones
cut into small pieces (``ST_Subdivide``) once per version, so a point lookup touches tiny polygons.
"""

from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

metadata = MetaData()

plan = Table(
    "plan",
    metadata,
    Column("id", String(64), primary_key=True, comment="planning-area id, [a-z0-9-]+"),
    Column("name", Text, nullable=False),
    Column("region", Text),
    Column("region_code", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("id ~ '^[a-z0-9-]+$'", name="plan_id_format"),
)

plan_version = Table(
    "plan_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", String(64), ForeignKey("plan.id", ondelete="RESTRICT"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("legal_basis", Text, nullable=False, comment="the instrument an answer cites"),
    Column("effective_from", Date, nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("source_checksum", String(64), nullable=False, comment="sha256 of the package contents"),
    Column("validation_report", JSONB, nullable=False, server_default="{}"),
    Column(
        "validation_report_id",
        JSONB,
        comment="validation_report with its messages in Indonesian (NULL: loaded before migration 0009)",
    ),
    Column("source_crs", Text),
    Column("synthetic", Boolean, nullable=False, server_default="false"),
    Column("zone_count", Integer, nullable=False, server_default="0"),
    Column("bbox", Geometry("POLYGON", srid=4326, spatial_index=False)),
    UniqueConstraint("plan_id", "version", name="plan_version_number"),
    UniqueConstraint("plan_id", "source_checksum", name="plan_version_checksum"),
    UniqueConstraint("plan_id", "effective_from", name="plan_version_effective"),
    # The answers' first step: the versions whose extent holds a point (rdtr.answers.sql, migration 0008).
    Index("plan_version_bbox_gist", "bbox", postgresql_using="gist"),
)

subzone = Table(
    "subzone",
    metadata,
    Column("plan_version_id", Integer, ForeignKey("plan_version.id", ondelete="CASCADE"), primary_key=True),
    Column("subzone_code", Text, primary_key=True),
    Column("subzone_name", Text),
    Column("zone_code", Text),
    Column("zone_name", Text),
)

zone = Table(
    "zone",
    metadata,
    Column("id", BigInteger, primary_key=True, comment="from one sequence: unique on its own"),
    Column("plan_version_id", Integer, ForeignKey("plan_version.id", ondelete="CASCADE"), primary_key=True),
    Column("feature_id", Text, comment="the feature's id in the delivered file"),
    Column("subzone_code", Text, nullable=False),
    Column("subzone_name", Text),
    Column("zone_code", Text),
    Column("zone_name", Text),
    Column("block", Text, comment="KODBLK"),
    Column("subblock", Text, comment="KODSBL"),
    Column("kecamatan", Text, comment="WADMKC"),
    Column("kelurahan", Text, comment="WADMKD"),
    Column("tpz", ARRAY(Text), comment="TPZ_00 codes"),
    Column("special_provisions", JSONB, comment='[{"kind": "KKOP", "value": "..."}]'),
    Column("attributes", JSONB, comment="the delivered attributes, verbatim"),
    Column("area_m2", Float, comment="geodesic area, recomputed (LUASHA is never trusted)"),
    Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False),
    Index("zone_geom_gist", "geom", postgresql_using="gist"),
    Index("zone_version_subzone", "plan_version_id", "subzone_code"),
    # One partition per plan version (zone_v<id>), filled and indexed in bulk by the ingest, then attached
    # (migration 0010).
    postgresql_partition_by="LIST (plan_version_id)",
)

zone_part = Table(
    "zone_part",
    metadata,
    Column("zone_id", BigInteger, nullable=False, comment="zone.id of the same version (derived in its load)"),
    Column("plan_version_id", Integer, ForeignKey("plan_version.id", ondelete="CASCADE"), nullable=False),
    Column("geom", Geometry("POLYGON", srid=4326, spatial_index=False), nullable=False),
    Index("zone_part_geom_gist", "geom", postgresql_using="gist"),
    Index("zone_part_zone", "zone_id"),
    # One partition per plan version (zone_part_v<id>), filled and indexed in bulk by the ingest, then attached.
    postgresql_partition_by="LIST (plan_version_id)",
)

activity = Table(
    "activity",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_version_id", Integer, ForeignKey("plan_version.id", ondelete="CASCADE"), nullable=False),
    Column("activity_code", Text, nullable=False),
    Column("activity_name", Text, nullable=False),
    Column("name_key", Text, nullable=False, comment="lower-case, accent-free name for exact matching"),
    Column("kbli", ARRAY(Text)),
    Column("activity_group", Text),
    UniqueConstraint("plan_version_id", "activity_code", name="activity_code_per_version"),
    Index("activity_name_key", "plan_version_id", "name_key"),
)

itbx = Table(
    "itbx",
    metadata,
    Column("activity_id", Integer, ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    Column("subzone_code", Text, primary_key=True),
    Column("plan_version_id", Integer, ForeignKey("plan_version.id", ondelete="CASCADE"), nullable=False),
    Column("class", String(1), nullable=False, comment="I, T, B or X: the most restrictive letter"),
    Column("codes", ARRAY(Text), nullable=False, comment="condition codes as written, e.g. {T1,B2}"),
    CheckConstraint("class IN ('I','T','B','X')", name="itbx_class"),
    Index("itbx_version_subzone", "plan_version_id", "subzone_code"),
)

itbx_code = Table(
    "itbx_code",
    metadata,
    Column("plan_version_id", Integer, ForeignKey("plan_version.id", ondelete="CASCADE"), primary_key=True),
    Column("code", Text, primary_key=True),
    Column("text", Text, nullable=False),
    # Conditions as rules (migration 0004): every column optional; a code with none of them stays text.
    Column("max_footprint_share_pct", Float, comment="percent of the piece's area"),
    Column("max_floor_area_m2", Float, comment="cap on the activity's total floor area on the pieces it governs"),
    Column("max_floors", Integer),
    Column("max_height_m", Float),
    Column("min_lot_area_m2", Float),
    Column("max_lot_area_m2", Float),
    Column("hours", Text, comment="HH:MM-HH:MM (may pass midnight)"),
    Column("requires", ARRAY(Text), comment="approvals or documents the condition requires"),
)

intensity = Table(
    "intensity",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_version_id", Integer, ForeignKey("plan_version.id", ondelete="CASCADE"), nullable=False),
    Column("subzone_code", Text, nullable=False),
    Column("lot_area_min_m2", Float, comment="lot-size class, half-open [min, max)"),
    Column("lot_area_max_m2", Float),
    Column("block", Text),
    Column("tpz", Text),
    Column("variant", Text, comment="qualifier of the row as written, e.g. 'persil disebelah barat jalan Nasional'"),
    Column("kdb_max", Float, comment="percent"),
    Column("klb_max", Float, comment="ratio"),
    Column("kdh_min", Float, comment="percent"),
    Column("ktb_max", Float, comment="percent"),
    Column("height_max_m", Float),
    Column("floors_max", Integer),
    Column("gsb_min_m", Float),
    Column("lot_min_m2", Float),
    Column("note", Text, comment="free-text intensity kept verbatim"),
    Column("extra", JSONB, comment="other delivered columns (e.g. GSB by road class)"),
    Index("intensity_version_subzone", "plan_version_id", "subzone_code"),
)

tpz_code = Table(
    "tpz_code",
    metadata,
    Column("plan_version_id", Integer, ForeignKey("plan_version.id", ondelete="CASCADE"), primary_key=True),
    Column("code", Text, primary_key=True),
    Column("text", Text, nullable=False),
)

overlay = Table(
    "overlay",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("plan_version_id", Integer, ForeignKey("plan_version.id", ondelete="CASCADE"), nullable=False),
    Column("kind", Text, nullable=False, comment="KKOP, KRB, LP2B, ..."),
    Column("name", Text),
    Column("text", Text),
    Column("attributes", JSONB),
    Column("max_height_m", Float, comment="structured height limit (m), e.g. KKOP (migration 0004)"),
    Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False),
    Index("overlay_geom_gist", "geom", postgresql_using="gist"),
)

api_token = Table(
    "api_token",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True, comment="sha256 of the token"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("revoked_at", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True), comment="after this the token is refused (NULL: no expiry)"),
    Column("plans", ARRAY(Text), comment="the plan ids this token may act on; NULL: every plan (national)"),
    CheckConstraint("role IN ('admin','officer')", name="api_token_role"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("actor", Text, nullable=False, comment="token name, or cli:<user>"),
    Column(
        "action",
        Text,
        nullable=False,
        comment="plan.upload | plan.upload_rejected | token.create | token.revoke | extract.issue",
    ),
    Column("target", Text, comment="plan id/version, token name or extract id"),
    Column("detail", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Index("audit_log_at", "at"),
)

extract = Table(
    "extract",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("officer", Text, nullable=False, comment="name of the token that made it"),
    Column("reference", Text),
    Column("request", JSONB, nullable=False),
    Column("answer", JSONB, nullable=False),
    Column("plan_version_ids", ARRAY(Integer), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("pdf", LargeBinary, nullable=False),
    # rdtr.extract_records: the hash printed in the PDF, the plans it cites, where its QR code points.
    Column("answer_sha256", String(64), comment="sha256 of the answer as canonical JSON (printed in the PDF)"),
    Column("plans", JSONB, comment="[{id, version, name, legal_basis, effective_from}] the answer cites"),
    Column("verify_url", Text, comment="the verification URL in the PDF's QR code"),
)

ingest_run = Table(
    "ingest_run",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", Text),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("ok", Boolean, nullable=False),
    Column("dry_run", Boolean, nullable=False, server_default="false"),
    Column("plan_version_id", Integer, ForeignKey("plan_version.id", ondelete="SET NULL")),
    Column("source", Text),
    Column("source_checksum", String(64)),
    Column("report", JSONB, nullable=False),
)


# --- Per-version precomputation for answers (owned by rdtr.answers) --------------------------------

zone_edge = Table(
    "zone_edge",
    metadata,
    Column("zone_id", BigInteger, nullable=False, comment="zone.id of the same version (derived in its load)"),
    Column("plan_version_id", Integer, ForeignKey("plan_version.id", ondelete="CASCADE"), nullable=False),
    Column(
        "geom",
        Geometry("LINESTRING", srid=4326, spatial_index=False),
        nullable=False,
        comment="a short piece of the zone's boundary (ST_Subdivide of ST_Boundary)",
    ),
    Index("zone_edge_geom_gist", "geom", postgresql_using="gist"),
    Index("zone_edge_zone", "zone_id"),
    # One partition per plan version (zone_edge_v<id>), filled and indexed in bulk, then attached.
    postgresql_partition_by="LIST (plan_version_id)",
    comment="zone boundaries cut into short pieces, so boundary distances touch only nearby edges",
)

zone_edge_done = Table(
    "zone_edge_done",
    metadata,
    Column("plan_version_id", Integer, ForeignKey("plan_version.id", ondelete="CASCADE"), primary_key=True),
    Column("edges", Integer, nullable=False),
    Column("done_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    comment="versions whose zone_edge rows are complete",
)


# --- Places and parcels (migration 0005): finding a plot without coordinates -------------------------------

parcel = Table(
    "parcel",
    metadata,
    Column("plan_version_id", Integer, ForeignKey("plan_version.id", ondelete="CASCADE"), nullable=False),
    Column(
        "parcel_id", Text, nullable=False, comment="the parcel number as delivered ([[parcels]] id_field: NIB, NOP)"
    ),
    Column("label", Text, comment="[[parcels]] label_field, e.g. the address"),
    Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False),
    UniqueConstraint("plan_version_id", "parcel_id", name="parcel_id_per_version"),
    Index("parcel_geom_gist", "geom", postgresql_using="gist"),
    comment="a package's parcel layers ([[parcels]]), loaded with its version",
)

place = Table(
    "place",
    metadata,
    Column("plan_version_id", Integer, ForeignKey("plan_version.id", ondelete="CASCADE"), nullable=False),
    Column("kind", Text, nullable=False, comment="kelurahan, kecamatan, block, subblock, subzone or parcel"),
    Column("name", Text, nullable=False, comment="as the plan writes it; a sub-zone: 'R-2 Perumahan …'"),
    Column("label", Text, comment="context: a kelurahan's kecamatan, a block's kelurahan, a parcel's label"),
    Column("name_key", Text, nullable=False, comment="rdtr.text.name_key(name)"),
    Column("keys", ARRAY(Text), nullable=False, comment="every searchable key: the name's, a code's, a label's"),
    Column("search", Text, nullable=False, comment="the keys joined by ' | ' (the substring filter's column)"),
    Column("minlon", Float, nullable=False),
    Column("minlat", Float, nullable=False),
    Column("maxlon", Float, nullable=False),
    Column("maxlat", Float, nullable=False),
    Column("point", Geometry("POINT", srid=4326, spatial_index=False), nullable=False, comment="ST_PointOnSurface"),
    CheckConstraint("kind IN ('kelurahan','kecamatan','block','subblock','subzone','parcel')", name="place_kind"),
    Index("place_version", "plan_version_id"),
    Index("place_name_key", "name_key", postgresql_ops={"name_key": "text_pattern_ops"}),
    # and, where pg_trgm could be created, place_search_trgm: GIN (search gin_trgm_ops) (migration 0005)
    comment="what GET /v1/places finds, filled once per version by the load",
)


# --- Watches (migration 0006): webhooks for a parcel or an area, from a transactional outbox -----------------

watch = Table(
    "watch",
    metadata,
    Column("id", Text, primary_key=True, comment="a UUID"),
    Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False),
    Column("activity", Text, comment="the activity whose class the deliveries compare, if any"),
    Column("plan_id", Text, ForeignKey("plan.id"), comment="only this plan's new versions; null: any plan"),
    Column("url", Text, nullable=False, comment="where deliveries are POSTed (http/https, public addresses)"),
    Column("secret", Text, nullable=False, comment="signs each delivery (HMAC-SHA256); shown once, at creation"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("deleted_at", DateTime(timezone=True)),
    Index("watch_geom_gist", "geom", postgresql_using="gist"),
    Index("watch_plan", "plan_id"),
    comment="POST /v1/watches: who is told when a new plan version changes the answer for a parcel",
)

watch_delivery = Table(
    "watch_delivery",
    metadata,
    Column("id", Text, primary_key=True, comment="a UUID, sent as X-Rdtr-Delivery"),
    Column("watch_id", Text, ForeignKey("watch.id", ondelete="CASCADE"), nullable=False),
    Column("plan_id", Text, nullable=False),
    Column("from_version", Integer, comment="the version in force before; null when none was"),
    Column("to_version", Integer, nullable=False),
    Column("body", JSONB, nullable=False, comment="{watch, plan, from_version, to_version, compare}"),
    Column("status", Text, nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("delivered_at", DateTime(timezone=True)),
    CheckConstraint("status IN ('pending','delivered','failed')", name="watch_delivery_status"),
    UniqueConstraint("watch_id", "plan_id", "to_version", name="watch_delivery_once"),
    Index("watch_delivery_due", "next_attempt_at", postgresql_where=text("status = 'pending'")),
    Index("watch_delivery_watch", "watch_id"),
    comment="the outbox: written in the load's transaction, sent by rdtr.watches.deliver_pending",
)
