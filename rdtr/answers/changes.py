"""What changed between two versions of a plan: zones added, removed, reshaped or recoded, and the rules.

Zones are matched by the package's stable id (``[zones] id_field``, stored as ``zone.feature_id`` and named in
the version's report as ``info.zone_id_field``) when both versions name the same one, else by geometry: a
pair of zones whose intersection covers at least 90 % of both is the same polygon (a one-to-many overlap is a
removal and an addition). A matched pair is ``reshaped`` when the symmetric difference exceeds
``max(1 m², 0.1 % of the zone)`` (geodesic), else ``recoded`` when a plan attribute differs — attributes
derived from the geometry (``LUASHA``, ``SHAPE_Area``, …) and row numbers (``OBJECTID``) never count.

The spatial work is one set-based query on the GiST index. :func:`plan_changes` takes the
:class:`rdtr.db.Database` or an open SQLAlchemy connection (the dry run's, before its rollback).
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from datetime import date

from sqlalchemy import text
from sqlalchemy.engine import Connection

from rdtr.conditions import RULE_NAMES
from rdtr.errors import InvalidInput, NotFound, UnknownPlan
from rdtr.messages import Message
from rdtr.versions import IN_FORCE_SQL, INTENSITY_FIELDS

MATCH_SHARE = 0.9  #: a pair is the same polygon when its intersection covers this share of both
RESHAPE_MIN_M2 = 1.0  #: a symmetric difference at or below max(this, RESHAPE_SHARE × area) is noise
RESHAPE_SHARE = 0.001
SMALL_FEATURES = 200  #: a dry run's report keeps the FeatureCollection up to this many changed zones

#: Attribute keys derived from the geometry or numbering rows: never a reason to call a zone recoded.
DERIVED_KEYS = (
    r"^(luas.*|.*_?area(_?(m2|ha|km2))?|.*_?leng(th)?|.*_?len|panjang.*|keliling.*|perimeter|hektar.*|ha"
    r"|objectid(_\d+)?|fid|oid|gid|globalid)$"
)
_DERIVED = re.compile(DERIVED_KEYS, re.IGNORECASE)
ZONE_FIELDS = ("subzone_code", "subzone_name", "zone_code", "zone_name", "block", "subblock", "kecamatan", "kelurahan")
_VERSION_TEXT = re.compile(r"^\d{1,9}$")
_VERSION_COLUMNS = (
    "pv.id, pv.plan_id, pv.version, pv.name, pv.legal_basis, pv.effective_from, "
    "pv.validation_report->'info'->>'zone_id_field' AS zone_id_field"
)

# The plan attributes of a zone, compared between versions (derived keys and the id field left out).
_ZONE_KEY = """jsonb_build_array({z}.subzone_code, {z}.subzone_name, {z}.zone_code, {z}.zone_name, {z}.block,
  {z}.subblock, {z}.kecamatan, {z}.kelurahan, to_jsonb(COALESCE({z}.tpz, '{{}}')),
  COALESCE({z}.special_provisions, '[]'::jsonb),
  (SELECT jsonb_object_agg(e.k, e.v) FROM jsonb_each(CASE WHEN jsonb_typeof({z}.attributes) = 'object'
     THEN {z}.attributes ELSE '{{}}'::jsonb END) AS e(k, v)
   WHERE e.k !~* :derived AND lower(e.k) <> lower(:id_field)))"""

_PAIR_COLUMNS = f"""za.id AS a_id, zb.id AS b_id, za.geom = zb.geom AS same,
  {_ZONE_KEY.format(z="za")} IS DISTINCT FROM {_ZONE_KEY.format(z="zb")} AS recoded, za.geom AS ga, zb.geom AS gb"""

_MEASURE = """
SELECT a_id, b_id, same, recoded,
       CASE WHEN same THEN NULL ELSE ST_Area(ga::geography) END AS area_a,
       CASE WHEN same THEN NULL ELSE ST_Area(gb::geography) END AS area_b,
       CASE WHEN same THEN NULL ELSE ST_Area(ST_Intersection(ga, gb)::geography) END AS inter
FROM pairs"""

#: Pairs by the stable id: every pair sharing a feature id.
PAIRS_BY_ID_SQL = f"""
WITH pairs AS MATERIALIZED (
  SELECT {_PAIR_COLUMNS}
  FROM zone za JOIN zone zb ON zb.plan_version_id = :vb AND zb.feature_id = za.feature_id
  WHERE za.plan_version_id = :va
)
{_MEASURE}"""

#: Pairs by geometry: bounding boxes overlapping (GiST), their overlap large enough to hold 90 % of both
#: (planar, a cheap necessary condition), then the geodesic share test on the intersection.
PAIRS_BY_GEOMETRY_SQL = f"""
WITH pairs AS MATERIALIZED (
  SELECT {_PAIR_COLUMNS}
  FROM zone za JOIN zone zb ON zb.plan_version_id = :vb AND za.geom && zb.geom
  WHERE za.plan_version_id = :va
    AND (LEAST(ST_XMax(za.geom), ST_XMax(zb.geom)) - GREATEST(ST_XMin(za.geom), ST_XMin(zb.geom)))
      * (LEAST(ST_YMax(za.geom), ST_YMax(zb.geom)) - GREATEST(ST_YMin(za.geom), ST_YMin(zb.geom)))
      >= 0.85 * GREATEST(ST_Area(za.geom), ST_Area(zb.geom))
), measured AS ({_MEASURE})
SELECT * FROM measured
WHERE same OR (inter >= {MATCH_SHARE} * area_a AND inter >= {MATCH_SHARE} * area_b)"""

ZONE_IDS_SQL = "SELECT id, plan_version_id FROM zone WHERE plan_version_id IN (:va, :vb)"

ZONE_DETAILS_SQL = f"""
SELECT id, feature_id, {", ".join(ZONE_FIELDS)}, tpz, special_provisions, attributes, area_m2,
       ST_AsGeoJSON(geom, 7) AS geojson
FROM zone WHERE plan_version_id IN (:va, :vb) AND id = ANY(:ids)"""

AREAS_SQL = """
SELECT plan_version_id, {col} AS code, sum(area_m2) AS area FROM zone
WHERE plan_version_id IN (:va, :vb) GROUP BY 1, 2"""


@contextmanager
def _connection(db):
    """``db`` as a SQLAlchemy connection: itself when it is one, else one of the Database's engine."""
    if isinstance(db, Connection):
        yield db
    else:
        with db.engine.connect() as conn:
            yield conn


def parse_version(value) -> int | date:
    """A version as given: a number (``2``, ``"2"``) or an ISO date (the version in force on it)."""
    if isinstance(value, date):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raw = str(value).strip()
    if _VERSION_TEXT.match(raw):
        return int(raw)
    try:
        if len(raw) == 10:
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise InvalidInput(Message("not_version_or_date", raw=repr(raw[:40])))


def resolve_version(conn, plan_id: str, value) -> dict:
    """The plan version a number or a date names (404 for an unknown plan or version)."""
    wanted = parse_version(value)
    if isinstance(wanted, date):
        sql = f"SELECT {_VERSION_COLUMNS} FROM ({IN_FORCE_SQL}) f JOIN plan_version pv ON pv.id = f.id"
        row = conn.execute(text(sql), {"at": wanted, "plan": plan_id}).mappings().first()
    else:
        sql = f"SELECT {_VERSION_COLUMNS} FROM plan_version pv WHERE pv.plan_id = :p AND pv.version = :v"
        row = conn.execute(text(sql), {"p": plan_id, "v": wanted}).mappings().first()
    if row is not None:
        return dict(row)
    first = conn.execute(
        text("SELECT min(effective_from), max(version) FROM plan_version WHERE plan_id = :p"), {"p": plan_id}
    ).first()
    if first is None or first[0] is None:
        raise UnknownPlan(plan_id)
    if isinstance(wanted, date):
        raise NotFound(Message("none_in_force_first", plan=plan_id, at=wanted.isoformat(), first=first[0].isoformat()))
    raise NotFound(Message("no_version_numbered", plan=plan_id, version=str(wanted), last=str(first[1])))


def _ref(v: dict) -> dict:
    eff = v["effective_from"]
    return {
        "version": v["version"],
        "effective_from": eff.isoformat() if isinstance(eff, date) else eff,
        "name": v["name"],
        "legal_basis": v["legal_basis"],
    }


def plan_changes(db, plan_id: str, from_, to, *, features: bool = True) -> dict:
    """The diff of two versions of ``plan_id`` (numbers or dates): summary, zones, rules, areas."""
    with _connection(db) as conn:
        va, vb = resolve_version(conn, plan_id, from_), resolve_version(conn, plan_id, to)
        return _diff(conn, plan_id, va, vb, features)


def _diff(conn, plan_id: str, va: dict, vb: dict, features: bool) -> dict:
    id_a, id_b = va["zone_id_field"], vb["zone_id_field"]  # the packages' [zones] id_field, from their reports
    id_field = id_a if id_a and id_b and id_a.casefold() == id_b.casefold() else None
    params = {"va": va["id"], "vb": vb["id"], "derived": DERIVED_KEYS, "id_field": id_field or ""}
    sql = PAIRS_BY_ID_SQL if id_field else PAIRS_BY_GEOMETRY_SQL
    pairs = _one_to_one(conn.execute(text(sql), params).mappings().all())
    zones_a, zones_b = set(), set()
    for zid, pv in conn.execute(text(ZONE_IDS_SQL), params):
        (zones_a if pv == va["id"] else zones_b).add(zid)
    matched_a = {p["a_id"] for p in pairs}
    matched_b = {p["b_id"] for p in pairs}
    changed: list[tuple[str, int | None, int | None, dict]] = []
    summary = {"added": 0, "removed": 0, "reshaped": 0, "recoded": 0, "unchanged": 0}
    for p in pairs:
        kind, extra = _classify(p)
        summary[kind] += 1
        if kind != "unchanged":
            changed.append((kind, p["a_id"], p["b_id"], extra))
    for zid in sorted(zones_a - matched_a):
        changed.append(("removed", zid, None, {}))
    for zid in sorted(zones_b - matched_b):
        changed.append(("added", None, zid, {}))
    summary["removed"] = len(zones_a - matched_a)
    summary["added"] = len(zones_b - matched_b)
    doc = {
        "plan": plan_id,
        "from": _ref(va),
        "to": _ref(vb),
        "matched_by": "id_field" if id_field else "geometry",
        "id_field": id_field,
        "summary": summary,
        "by_subzone": _areas(conn, params, "subzone_code", "subzone_code"),
        "by_kelurahan": _areas(conn, params, "kelurahan", "kelurahan"),
        "rules": rule_changes(conn, va["id"], vb["id"]),
    }
    if features:
        doc["zones"] = _features(conn, changed, id_field, params)
    else:
        doc["zones"] = None
        doc["changed_zones"] = len(changed)
    return doc


def _one_to_one(rows) -> list[dict]:
    """The pairs whose two zones are in no other pair (a polygon split or merged is removed + added)."""
    count_a: dict[int, int] = {}
    count_b: dict[int, int] = {}
    for r in rows:
        count_a[r["a_id"]] = count_a.get(r["a_id"], 0) + 1
        count_b[r["b_id"]] = count_b.get(r["b_id"], 0) + 1
    return [dict(r) for r in rows if count_a[r["a_id"]] == 1 and count_b[r["b_id"]] == 1]


def _classify(p: dict) -> tuple[str, dict]:
    """``reshaped`` (with the areas gained and lost), ``recoded`` or ``unchanged``."""
    if not p["same"]:
        gained = max(0.0, p["area_b"] - p["inter"])
        lost = max(0.0, p["area_a"] - p["inter"])
        if gained + lost > max(RESHAPE_MIN_M2, RESHAPE_SHARE * max(p["area_a"], p["area_b"])):
            return "reshaped", {"area_gained_m2": round(gained, 2), "area_lost_m2": round(lost, 2)}
    return ("recoded" if p["recoded"] else "unchanged"), {}


def _areas(conn, params: dict, column: str, key: str) -> list[dict]:
    """Area per sub-zone (or kelurahan) before and after, m², every one in either version."""
    got: dict = {}
    for pv, code, area in conn.execute(text(AREAS_SQL.format(col=column)), params):
        entry = got.setdefault(code, {key: code, "area_before_m2": 0.0, "area_after_m2": 0.0})
        entry["area_before_m2" if pv == params["va"] else "area_after_m2"] = round(float(area or 0.0), 2)
    out = sorted(got.values(), key=lambda e: (e[key] is None, e[key] or ""))
    for e in out:
        e["change_m2"] = round(e["area_after_m2"] - e["area_before_m2"], 2)
    return out


def _plan_attributes(row: dict, id_field: str | None) -> dict:
    """The zone's attributes that a recoding changes (derived ones and the id field left out)."""
    attrs = row["attributes"] if isinstance(row["attributes"], dict) else {}
    out = {f: row[f] for f in ZONE_FIELDS}
    out["tpz"] = list(row["tpz"] or [])
    out["special_provisions"] = row["special_provisions"] or []
    skip = (id_field or "").casefold()
    out.update({k: v for k, v in attrs.items() if not _DERIVED.match(k) and k.casefold() != skip})
    return out


def _side(row: dict | None) -> dict | None:
    if row is None:
        return None
    area = row["area_m2"]
    return {"subzone_code": row["subzone_code"], "area_m2": None if area is None else round(float(area), 2)}


def _features(conn, changed: list, id_field: str | None, params: dict) -> dict:
    """The changed zones as a FeatureCollection: the after geometry (the before one for removed zones)."""
    ids = [i for _, a, b, _ in changed for i in (a, b) if i is not None]
    found = conn.execute(text(ZONE_DETAILS_SQL), {"va": params["va"], "vb": params["vb"], "ids": ids})
    rows = {r["id"]: dict(r) for r in found.mappings()}
    order = {"removed": 0, "added": 1, "reshaped": 2, "recoded": 3}
    out = []
    for kind, a, b, extra in changed:
        before, after = rows.get(a), rows.get(b)
        shown = after or before
        props: dict = {"change": kind, "before": _side(before), "after": _side(after), **extra}
        if id_field:
            props[id_field] = shown["feature_id"]
        else:
            props["feature_id"] = {"before": before and before["feature_id"], "after": after and after["feature_id"]}
        props["kelurahan"] = shown["kelurahan"]
        if before is not None and after is not None:
            pa, pb = _plan_attributes(before, id_field), _plan_attributes(after, id_field)
            props["changed_fields"] = sorted(k for k in set(pa) | set(pb) if pa.get(k) != pb.get(k))
        feature = {"type": "Feature", "geometry": json.loads(shown["geojson"]), "properties": props}
        if id_field:
            feature["id"] = shown["feature_id"]
        out.append(feature)
    out.sort(key=lambda f: (order[f["properties"]["change"]], str(f.get("id") or "")))
    return {"type": "FeatureCollection", "features": out}


# --- the rules ----------------------------------------------------------------------------------------

ITBX_SQL = """
SELECT a.plan_version_id, a.activity_code, a.activity_name, i.subzone_code, i.class, i.codes
FROM itbx i JOIN activity a ON a.id = i.activity_id WHERE i.plan_version_id IN (:va, :vb)"""
INTENSITY_SQL = f"""
SELECT plan_version_id, subzone_code, lot_area_min_m2, lot_area_max_m2, block, variant, tpz,
       {", ".join(INTENSITY_FIELDS)}, note, extra
FROM intensity WHERE plan_version_id IN (:va, :vb) ORDER BY id"""
CONDITIONS_SQL = (
    f"SELECT plan_version_id, code, text, {', '.join(RULE_NAMES)} FROM itbx_code WHERE plan_version_id IN (:va, :vb)"
)
OVERLAYS_SQL = "SELECT plan_version_id, kind, count(*) FROM overlay WHERE plan_version_id IN (:va, :vb) GROUP BY 1, 2"


def _keyed_diff(before: dict, after: dict, describe) -> dict:
    """``{added, removed, changed}`` between two ``{key: value}`` maps; ``describe(key, before, after)``."""
    out = {"added": [], "removed": [], "changed": []}
    for key in sorted(set(before) | set(after), key=lambda k: tuple("" if x is None else str(x) for x in k)):
        b, a = before.get(key), after.get(key)
        if b == a:
            continue
        kind = "added" if b is None else "removed" if a is None else "changed"
        out[kind].append(describe(key, b, a))
    return out


def _split(rows, va: int) -> tuple[dict, dict]:
    before: dict = {}
    after: dict = {}
    for pv, key, value in rows:
        target = before if pv == va else after
        target.setdefault(key, value)
    return before, after


def rule_changes(conn, va: int, vb: int) -> dict:
    """ITBX cells, intensity rows, condition texts (with their rule columns) and overlays that changed."""
    params = {"va": va, "vb": vb}
    rows = conn.execute(text(ITBX_SQL), params).all()
    names = {(r.activity_code, r.subzone_code): r.activity_name for r in rows}
    before, after = _split(
        ((r.plan_version_id, (r.activity_code, r.subzone_code), (r[4], list(r.codes or []))) for r in rows),
        va,
    )

    def cell(key, b, a):
        side = lambda v: None if v is None else {"class": v[0], "codes": v[1]}  # noqa: E731
        return {"activity_code": key[0], "activity_name": names.get(key), "subzone_code": key[1]} | {
            "before": side(b),
            "after": side(a),
        }

    itbx = _keyed_diff(before, after, cell)

    value_names = (*INTENSITY_FIELDS, "note", "extra")
    rows = conn.execute(text(INTENSITY_SQL), params).mappings().all()
    before, after = _split(
        (
            (r["plan_version_id"], tuple(r[k] for k in INTENSITY_KEY), {f: r[f] for f in ("tpz", *value_names)})
            for r in rows
        ),
        va,
    )

    def row(key, b, a):
        out = dict(zip(INTENSITY_KEY, key))
        if b is not None and a is not None:
            out["values"] = {f: {"before": b[f], "after": a[f]} for f in b if b[f] != a[f]}
        else:
            out["values"] = b or a
        return out

    intensity = _keyed_diff(before, after, row)

    rows = conn.execute(text(CONDITIONS_SQL), params).mappings().all()
    fields = ("text", *RULE_NAMES)
    before, after = _split(
        ((r["plan_version_id"], (r["code"].upper(),), {f: _plain(r[f]) for f in fields}) for r in rows), va
    )

    def condition(key, b, a):
        out = {"code": key[0]}
        if b is not None and a is not None:
            out["fields"] = {f: {"before": b[f], "after": a[f]} for f in fields if b[f] != a[f]}
        else:
            out["text"] = (b or a)["text"]
        return out

    conditions = _keyed_diff(before, after, condition)

    kinds: dict = {"before": {}, "after": {}}
    for pv, kind, n in conn.execute(text(OVERLAYS_SQL), params):
        kinds["before" if pv == va else "after"][kind] = n
    overlays = {
        "count_before": sum(kinds["before"].values()),
        "count_after": sum(kinds["after"].values()),
        "kinds_before": dict(sorted(kinds["before"].items())),
        "kinds_after": dict(sorted(kinds["after"].items())),
    }
    overlays["changed"] = overlays["kinds_before"] != overlays["kinds_after"]
    return {"itbx": itbx, "intensity": intensity, "conditions": conditions, "overlays": overlays}


INTENSITY_KEY = ("subzone_code", "lot_area_min_m2", "lot_area_max_m2", "block", "variant")


def _plain(value):
    return list(value) if isinstance(value, (list, tuple)) else value


# --- the dry run ----------------------------------------------------------------------------------------


def dry_run_changes(conn, plan_id: str, previous, version: int, report) -> dict:
    """In a dry run's transaction, after the load: the diff against the version before (``previous``: the
    plan's versions), then the rollback of the transaction; returns the report with the diff as ``changes``."""
    diff = None
    try:
        if previous:
            last = max(previous, key=lambda r: r.effective_from)
            diff = plan_changes(conn, plan_id, last.version, version, features=True)
            if len(diff["zones"]["features"]) > SMALL_FEATURES:
                diff["changed_zones"] = len(diff["zones"]["features"])
                diff["zones"] = None
    finally:
        conn.rollback()
    report.info["dry_run"] = "validated and loaded in a transaction that was rolled back: nothing was written"
    doc = report.to_dict()
    if diff is not None:
        doc["changes"] = diff
    return doc


def summary_line(changes: dict) -> str:
    """One line: ``v1 → v2: 1 added · 1 removed · …`` and the rule changes."""
    s = changes["summary"]
    zones = " · ".join(f"{s[k]:,} {k}" for k in ("added", "removed", "reshaped", "recoded", "unchanged"))
    rules = changes["rules"]
    counts = [
        (sum(len(rules[k][x]) for x in ("added", "removed", "changed")), label)
        for k, label in (("itbx", "ITBX cells"), ("intensity", "intensity rows"), ("conditions", "conditions"))
    ]
    ruled = ", ".join(f"{n} {label}" for n, label in counts if n) or "no rule changes"
    overlays = " (overlays changed)" if rules["overlays"]["changed"] else ""
    return f"version {changes['from']['version']} → {changes['to']['version']}: zones {zones}; {ruled}{overlays}"
