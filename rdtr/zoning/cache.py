"""Per-version data, cached in-process for the life of the process.

A loaded ``plan_version`` and the rows below it never change (a new version never overwrites an old
one), so everything an answer needs besides the geometry is read once per version and process: the
version's citation, its sub-zone table, intensity rows, the ITBX legend and TPZ texts, the activity
lookup maps, and — lazily, per activity — that activity's ITBX cells. A point answer then costs one SQL
round trip for the geometry plus dictionary look-ups.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rdtr.text import name_key
from rdtr.zoning import db

INTENSITY_FIELDS = ("kdb_max", "klb_max", "kdh_min", "ktb_max", "height_max_m", "floors_max", "gsb_min_m",
                    "lot_min_m2")


@dataclass(frozen=True)
class Activity:
    id: int
    plan_version_id: int
    code: str
    name: str
    name_key: str
    kbli: tuple[str, ...]
    group: str | None

    def ref(self) -> dict:
        return {"code": self.code, "name": self.name}


@dataclass(frozen=True)
class IntensityRow:
    subzone_code: str
    lot_area_min_m2: float | None
    lot_area_max_m2: float | None
    block: str | None
    tpz: str | None
    variant: str | None  #: a qualifier as written; "features 3, 7, …" = the rows of those zone polygons
    values: dict  # the INTENSITY_FIELDS, None = not regulated
    note: str | None
    extra: dict | None
    #: the zone polygons (feature ids) a "features …" variant belongs to, else None
    features: frozenset[str] | None = None

    @property
    def by_lot_size(self) -> bool:
        return self.lot_area_min_m2 is not None or self.lot_area_max_m2 is not None

    def fits_lot(self, area_m2: float) -> bool:
        """Half-open lot-size class ``[min, max)``; a missing bound is open."""
        lo, hi = self.lot_area_min_m2, self.lot_area_max_m2
        return (lo is None or area_m2 >= lo) and (hi is None or area_m2 < hi)


@dataclass
class VersionData:
    id: int
    plan_id: str
    version: int
    name: str
    legal_basis: str
    effective_from: str
    plan: dict  #: the citation every answer carries: {id, version, name, legal_basis, effective_from}
    subzones: dict[str, dict]
    intensity: dict[str, list[IntensityRow]]
    itbx_codes: dict[str, str]
    tpz_codes: dict[str, str]
    activities: list[Activity]
    by_code: dict[str, Activity]
    by_name: dict[str, Activity]
    by_kbli: dict[str, list[Activity]]
    cells: dict[int, dict[str, tuple[str, list[str]]]] = field(default_factory=dict)
    url: str = ""
    #: this process cut the version's zone edges just now: answers computed before lacked them
    fresh_edges: bool = False
    #: memo of the rows that apply per (sub-zone, block, feature id), filled by rdtr.zoning.rules
    rows_memo: dict = field(default_factory=dict)

    def subzone(self, code: str) -> dict:
        return self.subzones.get(code) or {}

    def cells_for(self, activity: Activity) -> dict[str, tuple[str, list[str]]]:
        """The activity's ITBX row: sub-zone code → (class, condition codes). Loaded on first use."""
        got = self.cells.get(activity.id)
        if got is None:
            _, rows = db.query("SELECT subzone_code, class, codes FROM itbx WHERE activity_id = %s",
                               (activity.id,), self.url)
            got = {sz: (cls, list(codes or [])) for sz, cls, codes in rows}
            self.cells[activity.id] = got
        return got

    def conditions(self, codes: list[str]) -> list[str]:
        """Texts of the condition codes that the legend explains, in the cell's order."""
        return [self.itbx_codes[c] for c in codes if c in self.itbx_codes]


_cache: dict[tuple[str, int], VersionData] = {}
_lock = threading.Lock()


def clear() -> None:
    """Forget every cached version (tests; a process never needs it)."""
    from rdtr.zoning import parcel, point

    with _lock:
        _cache.clear()
        _edges_done.clear()
        point._static.clear()
        point._in_force_memo.clear()
        parcel._static_fields.clear()


def get(url: str, plan_version_id: int) -> VersionData:
    key = (url, plan_version_id)
    vd = _cache.get(key)
    if vd is None:
        with _lock:
            vd = _cache.get(key)
            if vd is None:
                fresh = ensure_edges(url, plan_version_id)
                vd = _load(url, plan_version_id)
                vd.fresh_edges = fresh
                _cache[key] = vd
    return vd


def is_cached(url: str, plan_version_id: int) -> bool:
    return (url, plan_version_id) in _cache


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _num(value):
    if value is None:
        return None
    f = float(value)
    return int(f) if f.is_integer() else f


def _load(url: str, pv: int) -> VersionData:
    from rdtr.errors import NotFound

    _, rows = db.query(
        "SELECT id, plan_id, version, name, legal_basis, effective_from FROM plan_version WHERE id = %s", (pv,), url)
    if not rows:
        raise NotFound(f"plan version {pv} does not exist")
    pid, plan_id, version, name, legal_basis, effective_from = rows[0]
    plan = {"id": plan_id, "version": version, "name": name, "legal_basis": legal_basis,
            "effective_from": _iso(effective_from)}

    _, rows = db.query("SELECT subzone_code, subzone_name, zone_code, zone_name FROM subzone "
                       "WHERE plan_version_id = %s", (pv,), url)
    subzones = {r[0]: {"subzone_name": r[1], "zone_code": r[2], "zone_name": r[3]} for r in rows}

    _, rows = db.query(
        "SELECT subzone_code, lot_area_min_m2, lot_area_max_m2, block, tpz, variant, " + ", ".join(INTENSITY_FIELDS)
        + ", note, extra FROM intensity WHERE plan_version_id = %s "
        "ORDER BY subzone_code, lot_area_min_m2 NULLS FIRST, id", (pv,), url)
    intensity: dict[str, list[IntensityRow]] = {}
    for r in rows:
        values = {f: _num(v) for f, v in zip(INTENSITY_FIELDS, r[6:6 + len(INTENSITY_FIELDS)])}
        if values.get("floors_max") is not None:
            values["floors_max"] = int(values["floors_max"])
        variant = r[5] or ""
        features = (frozenset(x.strip() for x in variant[len("features "):].split(",") if x.strip())
                    if variant.startswith("features ") else None)
        intensity.setdefault(r[0], []).append(IntensityRow(
            subzone_code=r[0], lot_area_min_m2=r[1], lot_area_max_m2=r[2], block=r[3], tpz=r[4], variant=r[5],
            values=values, note=r[-2], extra=r[-1], features=features))

    _, rows = db.query("SELECT code, text FROM itbx_code WHERE plan_version_id = %s", (pv,), url)
    itbx_codes = {c.upper(): t for c, t in rows}
    _, rows = db.query("SELECT code, text FROM tpz_code WHERE plan_version_id = %s", (pv,), url)
    tpz_codes = {c: t for c, t in rows}

    _, rows = db.query("SELECT id, activity_code, activity_name, name_key, kbli, activity_group FROM activity "
                       "WHERE plan_version_id = %s ORDER BY activity_code", (pv,), url)
    activities = [Activity(id=r[0], plan_version_id=pv, code=r[1], name=r[2], name_key=r[3] or name_key(r[2]),
                           kbli=tuple(k for k in (r[4] or []) if k), group=r[5]) for r in rows]
    by_code = {a.code.upper(): a for a in activities}
    by_name: dict[str, Activity] = {}
    by_kbli: dict[str, list[Activity]] = {}
    for a in activities:
        by_name.setdefault(a.name_key, a)
        for k in a.kbli:
            by_kbli.setdefault(_kbli_key(k), []).append(a)
    return VersionData(id=pid, plan_id=plan_id, version=version, name=name, legal_basis=legal_basis,
                       effective_from=_iso(effective_from), plan=plan, subzones=subzones, intensity=intensity,
                       itbx_codes=itbx_codes, tpz_codes=tpz_codes, activities=activities, by_code=by_code,
                       by_name=by_name, by_kbli=by_kbli, url=url)


def _kbli_key(value: str) -> str:
    return re.sub(r"\D", "", str(value))


# --- per-version precomputation: zone edges --------------------------------------------------------

EDGE_VERTICES = 32

EDGES_SQL = f"""
INSERT INTO {{table}} (zone_id, plan_version_id, geom)
SELECT z.id, z.plan_version_id, d.geom
FROM zone z
CROSS JOIN LATERAL ST_Subdivide(ST_Boundary(z.geom), {EDGE_VERTICES}) AS s(geom)
CROSS JOIN LATERAL ST_Dump(s.geom) AS d
WHERE z.plan_version_id = :pv AND GeometryType(d.geom) = 'LINESTRING'
"""

_edges_done: set[tuple[str, int]] = set()


def precompute_version(conn, plan_version_id: int) -> int:
    """Cut the version's zone boundaries into short indexed edges (``zone_edge``), once per version.

    ``conn`` is a SQLAlchemy connection inside a transaction (ingest can call this in its load
    transaction). Idempotent and safe when several processes race: an advisory lock serialises them.
    Returns the number of edges (existing or new).
    """
    from sqlalchemy import text

    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('rdtr.zone_edge'), :pv)"), {"pv": plan_version_id})
    done = conn.execute(text("SELECT edges FROM zone_edge_done WHERE plan_version_id = :pv"),
                        {"pv": plan_version_id}).scalar()
    if done is not None:
        return done
    # A fresh partition filled without indexes, then attached: its indexes are built in bulk, far faster
    # than growing the shared ones row by row (as for zone_part).
    pv = int(plan_version_id)
    part = f"zone_edge_v{pv}"
    conn.execute(text(f"DROP TABLE IF EXISTS {part}"))
    conn.execute(text(f"CREATE TABLE {part} (LIKE zone_edge INCLUDING DEFAULTS, "
                      f"CONSTRAINT {part}_version CHECK (plan_version_id = {pv}))"))
    n = conn.execute(text(EDGES_SQL.format(table=part)), {"pv": pv}).rowcount
    conn.execute(text(f"ALTER TABLE zone_edge ATTACH PARTITION {part} FOR VALUES IN ({pv})"))
    conn.execute(text("INSERT INTO zone_edge_done (plan_version_id, edges) VALUES (:pv, :n)"),
                 {"pv": plan_version_id, "n": n})
    return n


def ensure_edges(url: str, plan_version_id: int) -> bool:
    """Make sure the version's zone edges exist; True when they had to be cut now."""
    key = (url, plan_version_id)
    if key in _edges_done:
        return False
    _, rows = db.query("SELECT 1 FROM zone_edge_done WHERE plan_version_id = %s", (plan_version_id,), url)
    created = False
    if not rows:
        from rdtr.db import get_engine

        with get_engine(url).begin() as conn:
            precompute_version(conn, plan_version_id)
        created = True
    _edges_done.add(key)
    return created
