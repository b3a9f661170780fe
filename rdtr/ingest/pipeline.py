"""``ingest_package``: validate a plan package and load it as the plan's next version, all or nothing."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import psycopg2
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from rdtr import audit, watches
from rdtr.conditions import BY_NAME, parse_rule_value
from rdtr.errors import Conflict, DatabaseUnavailable, InvalidInput, PackageError, RdtrError, database_unavailable
from rdtr.ingest import load as loader
from rdtr.ingest.crs import WGS84, CrsError, outside_features, resolve_crs
from rdtr.ingest.intensity_table import read_intensity
from rdtr.ingest.itbx_matrix import read_itbx
from rdtr.ingest.legend import read_tpz
from rdtr.ingest.parcel_layer import ParcelLayer, read_parcel_layers
from rdtr.ingest.report import Report
from rdtr.ingest.rule_tables import Rules
from rdtr.ingest.stages import Stages
from rdtr.ingest.subzones import table_from_file
from rdtr.ingest.tables import TableError, read_table
from rdtr.ingest.topology import check_zone_topology, read_boundary
from rdtr.ingest.vector import LayerError, polygons_only, read_layer
from rdtr.ingest.zones import ZoneLayer, attributes_json, clean_series, normalise_zones, repair_geometries
from rdtr.messages import Message, reason
from rdtr.package import OpenedPackage, Package, SpecErrors, checksum, load_package


@dataclass
class IngestResult:
    plan_id: str
    version: int | None
    plan_version_id: int | None
    dry_run: bool
    report: dict = field(default_factory=dict)


@dataclass
class OverlayLayer:
    kind: str
    gdf: gpd.GeoDataFrame
    names: list
    texts: list
    attributes: list
    heights: list | None = None  # max_height_m per feature (metres or None)


def ingest_package(
    db,
    source: str | Path,
    *,
    dry_run: bool = False,
    progress: bool = False,
    label: str | None = None,
    actor: str | None = None,
) -> IngestResult:
    """Validate the package at ``source`` (folder or .zip) and load it as its plan's next version.

    One transaction: plan, plan_version, subzone, zone (+ zone_part pieces), activity, itbx, itbx_code,
    intensity, tpz_code, overlay, parcel, place. ``dry_run`` validates fully (including against the plan's existing
    versions) and writes nothing but the ``ingest_run`` record.

    Raises :class:`PackageError` (with the report) for an invalid package and :class:`Conflict` when the
    identical package (same checksum) is already loaded for the plan. Every run, failed or not, is recorded
    in ``ingest_run``. ``label`` names the source in the report and the run record (default: the path).
    A load (not a dry run), accepted or rejected, has its entry in the audit log by ``actor`` (default: the
    command-line user).
    """
    actor = actor or audit.cli_actor()
    started = datetime.now(UTC)
    label = label or str(source)
    report = Report(source=label)
    pkg_checksum = None
    plan_id = None
    try:
        with Stages(progress, report) as stages, OpenedPackage(source) as root:
            with stages.stage("read plan.toml"):
                pkg_checksum = checksum(root)
                report.checksum = pkg_checksum
                try:
                    pkg = load_package(root, label)
                except SpecErrors as exc:
                    for problem in exc.problems:
                        report.error("plan_toml", problem, file="plan.toml")
                    raise _Invalid() from None
                plan_id = report.plan_id = pkg.plan.id
            data = _validate(pkg, report, stages)
            if not report.ok:
                if data is not None:
                    data.topology.finish(report)
                raise _Invalid()
            result = _write(db, actor, pkg, data, report, stages, started, dry_run)
            if not result.dry_run:
                db.versions.forget_in_force()  # this process answers under the new version at once
            return result
    except _Invalid:
        doc = report.to_dict()
        _record_failure(db, actor, started, plan_id, dry_run, label, pkg_checksum, doc)
        raise PackageError(_summary(report), doc) from None
    except PackageError as exc:
        if exc.report is None:
            report.error("package", exc.detail)
            exc.report = report.to_dict()
        _record_failure(db, actor, started, plan_id, dry_run, label, pkg_checksum, exc.report)
        raise
    except Conflict as exc:
        report.error("conflict", exc.detail)
        _record_failure(db, actor, started, plan_id, dry_run, label, pkg_checksum, report.to_dict())
        raise
    except DatabaseUnavailable:
        raise
    except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:  # the server went away mid-load (COPY)
        raise database_unavailable(exc, "rdtr.ingest") from None
    except Exception as exc:  # a database refusal or a bug: still recorded, then raised
        detail = exc.detail if isinstance(exc, RdtrError) else f"{type(exc).__name__}: {exc}"
        report.error("load_failed", detail)
        _record_failure(db, actor, started, plan_id, dry_run, label, pkg_checksum, report.to_dict())
        raise


class _Invalid(Exception):
    pass


def _summary(report: Report) -> str:
    n = report.n_errors()
    first = report.first_error() or Message("invalid_package")
    if n <= 1:
        return first
    return Message("and_more_errors" if n > 2 else "and_one_more_error", first=first, more=n - 1)


# --- validation ----------------------------------------------------------------------------------
@dataclass
class _Data:
    zones: ZoneLayer
    rules: Rules
    overlays: list[OverlayLayer]
    topology: _TopologyJob
    parcels: list[ParcelLayer] = field(default_factory=list)


def _validate(pkg: Package, report: Report, stages: Stages) -> _Data | None:
    subzone_table = None
    if pkg.subzones:
        with stages.stage("sub-zone table"):
            try:
                subzone_table = table_from_file(read_table(pkg.root, pkg.subzones), pkg.subzones.columns, report)
            except TableError as exc:
                what = Message("what_subzone_table")
                report.error("unreadable", Message("cannot_read", what=what, why=reason(exc)), file=pkg.subzones.path)
            if subzone_table is not None and len(subzone_table) == 0:
                report.error("empty_table", Message("subzone_table_empty"), file=pkg.subzones.path)
                subzone_table = None
        if subzone_table is None:
            return None
    with stages.stage("zones: read and check"):
        zones = normalise_zones(pkg, report, subzone_table)
    if zones is None:
        return None
    # Overlaps and gaps are computed in a thread (GEOS releases the GIL) while the rules are read and the
    # zones are loaded; they only add warnings, and are in the report before anything is committed.
    zones.boundary_m = read_boundary(pkg, zones.crs_m, report)
    topology = _TopologyJob(zones)
    rules = Rules()
    with stages.stage("rules: ITBX, intensity, TPZ"):
        if pkg.itbx:
            read_itbx(pkg, zones.subzones, zones, report, rules)
        else:
            report.warning("no_itbx", Message("no_itbx"), file="plan.toml")
        if pkg.intensity:
            read_intensity(pkg, zones.subzones, zones, report, rules)
        else:
            report.warning("no_intensity", Message("no_intensity_table"), file="plan.toml")
        if pkg.tpz:
            read_tpz(pkg, report, rules)
        used_tpz = sorted({t for lst in zones.gdf["tpz"] for t in lst})
        if rules.tpz:
            unknown = [t for t in used_tpz if t not in rules.tpz]
            if unknown:
                report.warning(
                    "undefined_tpz",
                    Message("tpz_undefined", codes=", ".join(unknown)),
                    file=pkg.tpz.path,
                )
        if rules.activities:
            unused = sorted(set(zones.subzones.rows) - {c[1] for c in rules.cells})
            if unused and pkg.itbx and pkg.itbx.layout != "polygon-lists":
                report.warning(
                    "subzone_without_rules",
                    Message("subzones_without_cells", codes=", ".join(unused[:30])),
                    file=pkg.itbx.path,
                )
            mapped = set(zones.gdf["subzone_code"].dropna())
            norules = sorted(mapped - {c[1] for c in rules.cells})
            if norules:
                report.warning(
                    "zones_without_rules",
                    Message("zones_without_rules", codes=", ".join(norules[:30])),
                    file=pkg.zones.path,
                )
    overlays = []
    with stages.stage("overlays", total=max(1, len(pkg.overlays))) as advance:
        for spec in pkg.overlays:
            ov = _read_overlay(pkg, spec, report)
            if ov is not None:
                overlays.append(ov)
            advance()
        report.count("overlays", sum(len(o.gdf) for o in overlays))
    parcels = []
    if pkg.parcels:
        with stages.stage("parcels"):
            parcels = read_parcel_layers(pkg, report)
    return _Data(zones, rules, overlays, topology, parcels)


class _TopologyJob:
    def __init__(self, zones: ZoneLayer):
        self.zones = zones
        self.result: dict | None = None
        self.error: BaseException | None = None
        self.seconds = 0.0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        start = time.perf_counter()
        try:
            self.result = check_zone_topology(self.zones)
        except BaseException as exc:  # noqa: BLE001 - reported by finish()
            self.error = exc
        self.seconds = time.perf_counter() - start

    def finish(self, report: Report) -> None:
        """Wait for the result and put it in the report (once)."""
        if self._thread is None:
            return
        self._thread.join()
        self._thread = None
        report.timings["zones: overlaps and gaps"] = self.seconds
        if self.error is not None:
            report.warning("topology_failed", Message("topology_failed", why=reason(self.error)), file=self.zones.file)
            return
        _topology(self.zones, report, self.result)


def _topology(zones: ZoneLayer, report: Report, topo: dict) -> None:
    report.topology = topo
    report.count("overlaps", topo["overlaps"]["count"])
    report.count("gaps", topo["gaps"]["count"])
    file = zones.file
    for o in topo["overlaps"]["items"]:
        report.warning(
            "overlap",
            Message("overlap", first=str(o["features"][0]), second=str(o["features"][1]), area=_m2(o), near=_near(o)),
            file=file,
            feature=o["features"][0],
            location=o["location"],
            area_m2=o["area_m2"],
        )
    for g in topo["gaps"]["items"]:
        report.warning(
            "gap",
            Message("gap", area=_m2(g), near=_near(g)),
            file=file,
            location=g["location"],
            area_m2=g["area_m2"],
        )


def _m2(item: dict) -> str:
    return f"{item['area_m2']:.2f}"


def _near(item: dict) -> str:
    return f"{item['location'][0]:.6f}, {item['location'][1]:.6f}"  # lon, lat (EPSG:4326)


def _read_overlay(pkg: Package, spec, report: Report) -> OverlayLayer | None:
    file = spec.path
    try:
        gdf, _ = read_layer(pkg.file(file), spec.layer)
    except (LayerError, InvalidInput) as exc:
        report.error("unreadable", Message("cannot_read_overlay", kind=spec.kind, why=reason(exc)), file=file)
        return None
    gdf = polygons_only(gdf, report, file)
    if len(gdf) == 0:
        report.error("empty_layer", Message("overlay_no_polygons", kind=spec.kind), file=file)
        return None
    try:
        res = resolve_crs(gdf, spec.crs, report, file, where_key="[[overlays]].crs")
    except CrsError as exc:
        report.error("crs", reason(exc), file=file)
        return None
    gdf = repair_geometries(res.gdf, report, file, counted_as="overlays_repaired").to_crs(WGS84)
    for i in outside_features(gdf):
        report.error("outside_indonesia", Message("overlay_outside_indonesia"), file=file, feature=str(gdf.index[i]))
    raw = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))

    def column(field_name, label):
        if not field_name:
            return None
        col = next((c for c in raw.columns if str(c).casefold() == field_name.casefold()), None)
        if col is None:
            columns = ", ".join(str(c) for c in raw.columns)
            report.error(
                "unknown_column",
                Message("overlays_no_column", setting=label, column=repr(field_name), columns=columns),
                file=file,
            )
            return None
        return clean_series(raw[col]).tolist()

    names = column(spec.name_field, "name_field") or [spec.name] * len(gdf)
    texts = column(spec.text_field, "text_field") or [spec.text] * len(gdf)
    heights = [spec.max_height_m] * len(gdf)
    for i, value in enumerate(column(spec.height_field, "height_field") or []):
        try:
            heights[i] = parse_rule_value(BY_NAME["max_height_m"], value)
        except ValueError as exc:
            fid = str(gdf.index[i])
            where = {"file": file, "feature": fid, "column": spec.height_field}
            why = Message("overlay_bad_height", kind=spec.kind, feature=fid, field=spec.height_field, why=reason(exc))
            report.error("bad_value", why, **where)
    return OverlayLayer(spec.kind, gdf, names, texts, attributes_json(raw), heights)


# --- writing -------------------------------------------------------------------------------------
def _write(
    db, actor: str, pkg: Package, data: _Data, report: Report, stages: Stages, started, dry_run: bool
) -> IngestResult:
    plan = pkg.plan
    zones = data.zones
    try:
        engine = db.engine
        with engine.begin() as conn:
            if not conn.execute(text("SELECT to_regclass('plan_version') IS NOT NULL")).scalar():
                raise DatabaseUnavailable(Message("no_schema"))
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"rdtr-ingest:{plan.id}"})
            previous = conn.execute(
                text(
                    "SELECT version, effective_from, source_checksum FROM plan_version WHERE plan_id = :p "
                    "ORDER BY version"
                ),
                {"p": plan.id},
            ).all()
            same = [r for r in previous if r.source_checksum == pkg.checksum]
            if same:
                data.topology.finish(report)
                raise Conflict(
                    Message("already_loaded", plan=plan.id, version=str(same[0].version), checksum=pkg.checksum[:12])
                )
            if previous:
                last = max(previous, key=lambda r: r.effective_from)
                if plan.effective_from <= last.effective_from:
                    data.topology.finish(report)
                    took = {"last": str(last.effective_from), "version": str(last.version)}
                    report.error(
                        "effective_from",
                        Message("effective_from_order", date=str(plan.effective_from), plan=plan.id, **took),
                        file="plan.toml",
                    )
                    raise _Invalid()
            version = (max(r.version for r in previous) + 1) if previous else 1
            report.info["version"] = version
            if pkg.zones.id_field:  # the stable zone id a diff of two versions matches by (rdtr.answers.changes)
                report.info["zone_id_field"] = pkg.zones.id_field

            conn.execute(
                text(
                    "INSERT INTO plan (id, name, region, region_code) VALUES (:id, :name, :region, :code) "
                    "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, "
                    "region = COALESCE(EXCLUDED.region, plan.region), "
                    "region_code = COALESCE(EXCLUDED.region_code, plan.region_code)"
                ),
                {"id": plan.id, "name": plan.name, "region": plan.region, "code": plan.region_code},
            )
            minx, miny, maxx, maxy = (float(v) for v in zones.gdf.total_bounds)
            version_id = conn.execute(
                text(
                    "INSERT INTO plan_version (plan_id, version, name, legal_basis, effective_from, source_checksum, "
                    "source_crs, synthetic, zone_count, bbox) VALUES (:p, :v, :n, :lb, :ef, :cs, :crs, :syn, :zc, "
                    "ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326)) RETURNING id"
                ),
                {
                    "p": plan.id,
                    "v": version,
                    "n": plan.name,
                    "lb": plan.legal_basis,
                    "ef": plan.effective_from,
                    "cs": pkg.checksum,
                    "crs": zones.source_crs,
                    "syn": plan.synthetic,
                    "zc": len(zones.gdf),
                    "x0": minx,
                    "y0": miny,
                    "x1": maxx,
                    "y1": maxy,
                },
            ).scalar_one()
            cur = conn.connection.dbapi_connection.cursor()
            try:
                loader.load_subzones(cur, version_id, zones.subzones)
                with stages.stage("load zones (COPY)", total=len(zones.gdf)) as advance:
                    _, parts = loader.load_zones(cur, version_id, zones.gdf, zones.raw, on_chunk=advance)
                report.count("zone_parts", parts)
                with stages.stage("load rules and overlays"):
                    loader.load_rules(cur, version_id, data.rules)
                    loader.load_overlays(cur, version_id, data.overlays)
                with stages.stage("parcels and places"):
                    loader.load_parcels(cur, version_id, data.parcels)
                    report.count("places", loader.load_places(cur, version_id))
                with stages.stage("zone edges (boundary distances)"):
                    # Once per version, here rather than on the first question after the load.
                    from rdtr.ingest.edges import precompute_version

                    report.count("zone_edges", precompute_version(conn, version_id))
            finally:
                cur.close()
            data.topology.finish(report)
            if dry_run:  # loaded, compared with the version before, rolled back; only the run is recorded
                from rdtr.answers.changes import dry_run_changes  # the answers' modules: only for a dry run

                doc = dry_run_changes(conn, plan.id, previous, version, report)
                with engine.begin() as run:
                    _insert_run(run, started, plan.id, True, True, None, pkg.source, pkg.checksum, doc)
                return IngestResult(plan.id, version, None, True, doc)
            with stages.stage("analyze"):
                doc = report.to_dict()
                # The report (English, and Indonesian beside it), then ANALYZE of the new partitions only (of
                # the partitioned parents it would re-sample every version's).
                loader.finish_version(conn, version_id, doc)
            _insert_run(conn, started, plan.id, True, False, version_id, pkg.source, pkg.checksum, doc)
            # The watches' outbox, in this transaction: a load that rolls back notifies nobody.
            watches.write_outbox(conn, plan.id, version, version_id, plan.effective_from)
            audit.record(
                conn,
                actor,
                "plan.upload",
                f"{plan.id}/{version}",
                {
                    "source": pkg.source,
                    "checksum": pkg.checksum,
                    "zones": report.counts.get("zones"),
                    "legal_basis": plan.legal_basis,
                    "effective_from": str(plan.effective_from),
                },
            )
            return IngestResult(plan.id, version, version_id, False, doc)
    except OperationalError as exc:
        raise database_unavailable(exc, "rdtr.ingest") from None
    except DBAPIError as exc:
        raise RdtrError(Message("load_refused", why=str(exc.orig).strip().splitlines()[0])) from exc


def _insert_run(conn, started, plan_id, ok, dry_run, version_id, source, checksum_, doc) -> None:
    conn.execute(
        text(
            "INSERT INTO ingest_run (plan_id, started_at, ok, dry_run, plan_version_id, source, source_checksum, "
            "report) "
            "VALUES (:p, :s, :ok, :d, :v, :src, :cs, CAST(:r AS jsonb))"
        ),
        {
            "p": plan_id,
            "s": started,
            "ok": ok,
            "d": dry_run,
            "v": version_id,
            "src": source,
            "cs": checksum_,
            "r": json.dumps(doc, ensure_ascii=False, default=str),
        },
    )


def _record_failure(db, actor, started, plan_id, dry_run, source, checksum_, doc) -> None:
    """A failed run is recorded (and, unless a dry run, audited) in its own transaction, after the rollback."""
    try:
        with db.engine.begin() as conn:
            if conn.execute(text("SELECT to_regclass('ingest_run') IS NOT NULL")).scalar():
                _insert_run(conn, started, plan_id, False, dry_run, None, source, checksum_, doc)
            if not dry_run and conn.execute(text("SELECT to_regclass('audit_log') IS NOT NULL")).scalar():
                errors = [e.get("message") for e in (doc or {}).get("errors", [])[:5]]
                audit.record(conn, actor, "plan.upload_rejected", plan_id, {"source": source, "errors": errors})
    except Exception:  # noqa: BLE001 - recording must never hide the real error
        pass
