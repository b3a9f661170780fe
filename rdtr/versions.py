"""Plan versions: the one place that chooses which version answers a question, and each version's data,
read once per process.

The version in force on a date is, per plan, the one with the latest ``effective_from`` on or before that
date (ties cannot happen: ``effective_from`` is unique per plan and must move forward).

A loaded ``plan_version`` and the rows below it never change (a new version never overwrites an old one),
so everything an answer needs besides the geometry is read once per version and process into
:class:`VersionData`: the citation, the sub-zone table, intensity rows, the ITBX legend and TPZ texts, the
activity look-ups, and — lazily, per activity — that activity's ITBX cells. :class:`VersionCache` holds them
(one per :class:`rdtr.db.Database`; the ``RDTR_VERSION_CACHE_SIZE`` most recently used), with one
:meth:`VersionCache.clear`.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from rdtr.conditions import RULE_NAMES, ConditionRule
from rdtr.config import get_settings
from rdtr.errors import NotFound
from rdtr.messages import Message
from rdtr.text import kbli_key, name_key
from rdtr.units import INTENSITY

if TYPE_CHECKING:
    from rdtr.db import Database

IN_FORCE_SQL = """
SELECT DISTINCT ON (pv.plan_id)
       pv.id, pv.plan_id, pv.version, pv.name, pv.legal_basis, pv.effective_from
FROM plan_version pv
WHERE pv.effective_from <= :at AND (CAST(:plan AS text) IS NULL OR pv.plan_id = :plan)
ORDER BY pv.plan_id, pv.effective_from DESC, pv.version DESC
"""

INTENSITY_FIELDS = tuple(m.field for m in INTENSITY)  #: the intensity table's columns, in rdtr.units' order

#: Bounds on the per-version memos (a dense city has ~100,000 zones; these keep memory flat beyond that).
ZONE_MEMO_MAX = 200_000
IN_FORCE_TTL_S = 5.0  #: a version loaded meanwhile is seen by the cold paths within this time
EXTENTS_TTL_S = 30.0  #: how long the versions' extents are trusted (only speed depends on it: rdtr.answers.sql)


def versions_in_force(conn, at: date, plan: str | None = None) -> list[dict]:
    """Plan versions in force on ``at`` (one per plan, or only ``plan``'s), as dicts; ``conn`` is SQLAlchemy."""
    rows = conn.execute(text(IN_FORCE_SQL), {"at": at, "plan": plan}).mappings().all()
    return [dict(r) for r in rows]


@dataclass(frozen=True)
class Activity:
    """One activity (*kegiatan*) of a version's ITBX matrix."""

    id: int
    plan_version_id: int
    code: str
    name: str
    name_key: str
    kbli: tuple[str, ...]
    group: str | None

    def ref(self) -> dict:
        """``{code, name}`` for messages and suggestions."""
        return {"code": self.code, "name": self.name}


@dataclass(frozen=True)
class IntensityRow:
    """One row of a version's intensity table (KDB/KLB/KDH in percent as written, KLB a ratio, m, m²)."""

    subzone_code: str
    lot_area_min_m2: float | None
    lot_area_max_m2: float | None
    block: str | None
    tpz: str | None
    variant: str | None  #: a qualifier as written; "features 3, 7, …" = the rows of those zone polygons
    values: dict  #: the INTENSITY_FIELDS, None = not regulated
    note: str | None
    extra: dict | None
    #: the zone polygons (feature ids) a "features …" variant belongs to, else None
    features: frozenset[str] | None = None

    @property
    def by_lot_size(self) -> bool:
        """True when the row belongs to a lot-size class."""
        return self.lot_area_min_m2 is not None or self.lot_area_max_m2 is not None

    def fits_lot(self, area_m2: float) -> bool:
        """Half-open lot-size class ``[min, max)`` in m²; a missing bound is open."""
        lo, hi = self.lot_area_min_m2, self.lot_area_max_m2
        return (lo is None or area_m2 >= lo) and (hi is None or area_m2 < hi)


@dataclass
class VersionData:
    """Everything about one plan version an answer needs besides geometry; immutable once loaded."""

    id: int
    plan_id: str
    version: int
    plan: dict  #: the citation every answer carries: {id, version, name, legal_basis, effective_from}
    subzones: dict[str, dict]
    intensity: dict[str, list[IntensityRow]]
    itbx_codes: dict[str, str]
    condition_rules: dict[str, ConditionRule]  #: the legend's codes with their machine-readable constraints
    tpz_codes: dict[str, str]
    activities: list[Activity]
    by_code: dict[str, Activity]
    by_name: dict[str, Activity]
    by_kbli: dict[str, list[Activity]]
    db: Database = field(repr=False)
    cells: dict[int, dict[str, tuple[str, list[str]]]] = field(default_factory=dict)
    #: the rows that apply per (sub-zone, block, feature id), filled by rdtr.answers.assemble
    rows_memo: dict = field(default_factory=dict)
    #: assembled zone fields per zone id (zones never change once loaded), filled by the answers
    zone_memo: dict = field(default_factory=dict)
    #: things derived once per version (the map palette, the inset outline), see :meth:`derived`
    derived_memo: dict = field(default_factory=dict)

    def subzone(self, code: str) -> dict:
        """The sub-zone's names and zone (``{subzone_name, zone_code, zone_name}``), or ``{}``."""
        return self.subzones.get(code) or {}

    def cells_for(self, activity: Activity) -> dict[str, tuple[str, list[str]]]:
        """The activity's ITBX row: sub-zone code → (class, condition codes). Read on first use."""
        got = self.cells.get(activity.id)
        if got is None:
            rows = self.db.fetch_sql(
                "SELECT subzone_code, class, codes FROM itbx WHERE activity_id = %s", (activity.id,)
            )
            got = {sz: (cls, list(codes or [])) for sz, cls, codes in rows}
            self.cells[activity.id] = got
        return got

    def conditions(self, codes: list[str]) -> list[str]:
        """Texts of the condition codes that the legend explains, in the cell's order."""
        return [self.itbx_codes[c] for c in codes if c in self.itbx_codes]

    def derived(self, name: str, build):
        """Something computed once per version (a palette, an outline): ``build()`` the first time."""
        got = self.derived_memo.get(name)
        if got is None:
            got = self.derived_memo[name] = build()
        return got

    def remember_zone(self, zone_id: int, fields: dict) -> dict:
        """Keep a zone's assembled fields (bounded: the memo starts over beyond ``ZONE_MEMO_MAX``)."""
        if len(self.zone_memo) >= ZONE_MEMO_MAX:
            self.zone_memo.clear()
        self.zone_memo[zone_id] = fields
        return fields


class BytesLRU:
    """A small thread-safe LRU of bytes (rendered tiles), bounded by their total size."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key) -> bytes | None:
        """The bytes stored under ``key``, or ``None``."""
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value: bytes) -> None:
        """Store ``value``; the least recently used items go when the total exceeds ``max_bytes``."""
        with self.lock:
            if key in self.items:
                return
            self.items[key] = value
            self.size += len(value)
            while self.size > self.max_bytes and self.items:
                _, old = self.items.popitem(last=False)
                self.size -= len(old)

    def clear(self) -> None:
        """Forget every item."""
        with self.lock:
            self.items.clear()
            self.size = 0


class VersionCache:
    """The :class:`VersionData` of the versions asked about (a bounded LRU), which versions are in force
    (briefly), and the rendered vector tiles of the versions (immutable too).

    ``max_versions`` (``RDTR_VERSION_CACHE_SIZE``; 0: unbounded) bounds the versions kept: on a national
    instance a process answering over hundreds of plans keeps the most recently used ones, and an evicted
    version is read again on its next question. A hit costs a dict look-up and ``move_to_end`` — both atomic
    under the GIL, so the hot path takes no lock; only a miss (a read from the database) locks.
    """

    def __init__(self, db: Database, tile_bytes: int = 64 * 1024 * 1024, max_versions: int | None = None):
        self.db = db
        if max_versions is None:
            max_versions = get_settings().version_cache_size
        self.max_versions = max_versions
        self._versions: OrderedDict[int, VersionData] = OrderedDict()
        self._in_force: dict[tuple, tuple[float, list[int]]] = {}
        self._extents: Extents | None = None
        self._lock = threading.Lock()
        self.tiles = BytesLRU(tile_bytes)

    def get(self, plan_version_id: int) -> VersionData:
        """The version's data, read from the database the first time (and again after its eviction)."""
        versions = self._versions
        vd = versions.get(plan_version_id)
        if vd is not None:
            if self.max_versions:
                try:
                    versions.move_to_end(plan_version_id)
                except KeyError:  # evicted by another thread meanwhile: this answer still has its data
                    pass
            return vd
        with self._lock:
            vd = versions.get(plan_version_id)
            if vd is None:
                vd = versions[plan_version_id] = _load(self.db, plan_version_id)
                while self.max_versions and len(versions) > self.max_versions:
                    versions.popitem(last=False)
        return vd

    def held(self) -> int:
        """How many versions are held now."""
        return len(self._versions)

    def in_force(self, at: date, plan: str | None = None) -> list[VersionData]:
        """The versions in force on ``at`` (every plan, or ``plan``'s), remembered ``IN_FORCE_TTL_S`` seconds.

        Only for the cold paths (activity search, "where allowed", an activity check where no zone answered):
        the answers themselves choose their versions inside their one query.
        """
        key = (at, plan)
        hit = self._in_force.get(key)
        now = time.monotonic()
        if hit is None or now - hit[0] > IN_FORCE_TTL_S:
            with self.db.engine.connect() as conn:
                ids = [r["id"] for r in versions_in_force(conn, at, plan)]
            if len(self._in_force) > 1000:
                self._in_force.clear()
            self._in_force[key] = hit = (now, ids)
        return [self.get(pv) for pv in hit[1]]

    def forget_in_force(self) -> None:
        """Forget which versions are in force (a version was just loaded through this database object;
        other processes see it within ``IN_FORCE_TTL_S``)."""
        self._in_force.clear()
        self._extents = None

    def extents(self) -> Extents:
        """Every version's extent, read at most every ``EXTENTS_TTL_S`` seconds (:class:`Extents`)."""
        got = self._extents
        if got is None or time.monotonic() - got.read_at > EXTENTS_TTL_S:
            rows = self.db.fetch_sql(
                "SELECT id, plan_id, ST_XMin(bbox), ST_YMin(bbox), ST_XMax(bbox), ST_YMax(bbox) FROM plan_version"
            )
            got = self._extents = Extents(time.monotonic(), max((r[0] for r in rows), default=0), tuple(rows))
        return got

    def clear(self) -> None:
        """Forget everything (tests; a process never needs it: versions never change)."""
        with self._lock:
            self._versions.clear()
            self._in_force.clear()
            self._extents = None
        self.tiles.clear()


@dataclass(frozen=True)
class Extents:
    """Every plan version's id, plan and extent (lon/lat; ``None`` when unknown) as read at ``read_at``
    (``time.monotonic()``), and the newest version id then. The answers use it to read only the partitions
    of the versions whose extent holds the place; a version loaded since has a higher id, which the answer's
    SQL checks (``rdtr.answers.sql``), so a stale copy costs speed, never an answer."""

    read_at: float
    newest: int
    boxes: tuple  #: (id, plan_id, xmin, ymin, xmax, ymax)

    def candidates(self, xmin: float, ymin: float, xmax: float, ymax: float, plan: str | None) -> list[int]:
        """The versions (of ``plan``, if given) whose extent meets the box, or that have none."""
        return [
            pv
            for pv, plan_id, x0, y0, x1, y1 in self.boxes
            if (plan is None or plan_id == plan)
            and (x0 is None or (x0 <= xmax and xmin <= x1 and y0 <= ymax and ymin <= y1))
        ]


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _num(value):
    if value is None:
        return None
    f = float(value)
    return int(f) if f.is_integer() else f


def _load(db: Database, pv: int) -> VersionData:
    rows = db.fetch_sql(
        "SELECT id, plan_id, version, name, legal_basis, effective_from FROM plan_version WHERE id = %s", (pv,)
    )
    if not rows:
        raise NotFound(Message("no_plan_version", id=str(pv)))
    pid, plan_id, version, name, legal_basis, effective_from = rows[0]
    plan = {
        "id": plan_id,
        "version": version,
        "name": name,
        "legal_basis": legal_basis,
        "effective_from": _iso(effective_from),
    }

    rows = db.fetch_sql(
        "SELECT subzone_code, subzone_name, zone_code, zone_name FROM subzone WHERE plan_version_id = %s", (pv,)
    )
    subzones = {r[0]: {"subzone_name": r[1], "zone_code": r[2], "zone_name": r[3]} for r in rows}

    rows = db.fetch_sql(
        "SELECT subzone_code, lot_area_min_m2, lot_area_max_m2, block, tpz, variant, "
        + ", ".join(INTENSITY_FIELDS)
        + ", note, extra FROM intensity WHERE plan_version_id = %s "
        "ORDER BY subzone_code, lot_area_min_m2 NULLS FIRST, id",
        (pv,),
    )
    intensity: dict[str, list[IntensityRow]] = {}
    for r in rows:
        values = {f: _num(v) for f, v in zip(INTENSITY_FIELDS, r[6 : 6 + len(INTENSITY_FIELDS)])}
        if values.get("floors_max") is not None:
            values["floors_max"] = int(values["floors_max"])
        variant = r[5] or ""
        features = (
            frozenset(x.strip() for x in variant[len("features ") :].split(",") if x.strip())
            if variant.startswith("features ")
            else None
        )
        intensity.setdefault(r[0], []).append(
            IntensityRow(
                subzone_code=r[0],
                lot_area_min_m2=r[1],
                lot_area_max_m2=r[2],
                block=r[3],
                tpz=r[4],
                variant=r[5],
                values=values,
                note=r[-2],
                extra=r[-1],
                features=features,
            )
        )

    rows = db.fetch_sql(f"SELECT code, text, {', '.join(RULE_NAMES)} FROM itbx_code WHERE plan_version_id = %s", (pv,))
    itbx_codes = {r[0].upper(): r[1] for r in rows}
    condition_rules = {}
    for r in rows:
        values = dict(zip(RULE_NAMES, r[2:]))
        values["requires"] = tuple(values["requires"] or ())
        condition_rules[r[0].upper()] = ConditionRule(code=r[0].upper(), text=r[1], **values)
    rows = db.fetch_sql("SELECT code, text FROM tpz_code WHERE plan_version_id = %s", (pv,))
    tpz_codes = dict(rows)

    rows = db.fetch_sql(
        "SELECT id, activity_code, activity_name, name_key, kbli, activity_group FROM activity "
        "WHERE plan_version_id = %s ORDER BY activity_code",
        (pv,),
    )
    activities = [
        Activity(
            id=r[0],
            plan_version_id=pv,
            code=r[1],
            name=r[2],
            name_key=r[3] or name_key(r[2]),
            kbli=tuple(k for k in (r[4] or []) if k),
            group=r[5],
        )
        for r in rows
    ]
    by_code = {a.code.upper(): a for a in activities}
    by_name: dict[str, Activity] = {}
    by_kbli: dict[str, list[Activity]] = {}
    for a in activities:
        by_name.setdefault(a.name_key, a)
        for k in a.kbli:
            by_kbli.setdefault(kbli_key(k), []).append(a)
    return VersionData(
        id=pid,
        plan_id=plan_id,
        version=version,
        plan=plan,
        subzones=subzones,
        intensity=intensity,
        itbx_codes=itbx_codes,
        condition_rules=condition_rules,
        tpz_codes=tpz_codes,
        activities=activities,
        by_code=by_code,
        by_name=by_name,
        by_kbli=by_kbli,
        db=db,
    )
