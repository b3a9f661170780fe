"""Plans and their versions, as the API (``GET /v1/plans``) and ``rdtr plans --json`` show them."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import text

from rdtr.errors import NotFound, UnknownPlan
from rdtr.messages import Message
from rdtr.text import is_plan_id
from rdtr.versions import versions_in_force

_VERSIONS_SQL = """
SELECT pv.id, pv.plan_id, pv.version, pv.name, pv.legal_basis, pv.effective_from, pv.loaded_at,
       pv.source_checksum, pv.source_crs, pv.synthetic, pv.zone_count,
       ST_XMin(pv.bbox) AS x0, ST_YMin(pv.bbox) AS y0, ST_XMax(pv.bbox) AS x1, ST_YMax(pv.bbox) AS y1,
       (pv.validation_report ->> 'n_warnings')::int AS n_warnings,
       (pv.validation_report ->> 'n_repaired')::int AS n_repaired
FROM plan_version pv
WHERE (CAST(:plan AS text) IS NULL OR pv.plan_id = :plan)
ORDER BY pv.plan_id, pv.version
"""


def _bbox(r) -> list[float] | None:
    if r.x0 is None:
        return None
    return [round(float(v), 7) for v in (r.x0, r.y0, r.x1, r.y1)]


def _version_doc(r, in_force_id: int | None) -> dict:
    return {
        "version": r.version,
        "name": r.name,
        "legal_basis": r.legal_basis,
        "effective_from": r.effective_from.isoformat(),
        "loaded_at": r.loaded_at.isoformat(),
        "zones": r.zone_count,
        "bbox": _bbox(r),
        "source_crs": r.source_crs,
        "source_checksum": r.source_checksum,
        "synthetic": r.synthetic,
        "in_force": r.id == in_force_id,
        "warnings": r.n_warnings or 0,
        "repaired": r.n_repaired or 0,
    }


def _collect(conn, plan_id: str | None, at: date):
    rows = conn.execute(text(_VERSIONS_SQL), {"plan": plan_id}).all()
    plans = {
        r.id: r
        for r in conn.execute(
            text(
                "SELECT id, name, region, region_code FROM plan WHERE CAST(:plan AS text) IS NULL OR id = :plan "
                "ORDER BY id"
            ),
            {"plan": plan_id},
        ).all()
    }
    in_force = {v["plan_id"]: v["id"] for v in versions_in_force(conn, at, plan_id)}
    by_plan: dict[str, list] = {}
    for r in rows:
        by_plan.setdefault(r.plan_id, []).append(r)
    return plans, by_plan, in_force


def _current(versions: list, in_force_id: int | None):
    """The version in force, or the latest when none is in force yet."""
    for r in versions:
        if r.id == in_force_id:
            return r
    return versions[-1]


def list_plans(db, at: date | None = None) -> dict:
    """``{"plans": [{id, name, legal_basis, effective_from, version, zones, bbox, versions, …}]}``: per plan the
    version in force on ``at`` (default today), or the latest when none is in force yet."""
    at = at or date.today()
    with db.engine.connect() as conn:
        plans, by_plan, in_force = _collect(conn, None, at)
    out = []
    for pid, plan in plans.items():
        versions = by_plan.get(pid)
        if not versions:
            continue
        cur = _current(versions, in_force.get(pid))
        out.append(
            {
                "id": pid,
                "name": cur.name,
                "legal_basis": cur.legal_basis,
                "effective_from": cur.effective_from.isoformat(),
                "version": cur.version,
                "zones": cur.zone_count,
                "bbox": _bbox(cur),
                "versions": len(versions),
                "in_force": in_force.get(pid) == cur.id,
                "region": plan.region,
                "region_code": plan.region_code,
                "synthetic": cur.synthetic,
            }
        )
    return {"plans": out}


def get_plan(db, plan_id: str, at: date | None = None) -> dict:
    """The plan with all its versions (oldest first); raises :class:`NotFound`."""
    if not is_plan_id(plan_id):
        raise UnknownPlan(plan_id)
    at = at or date.today()
    with db.engine.connect() as conn:
        plans, by_plan, in_force = _collect(conn, plan_id, at)
    if plan_id not in plans or not by_plan.get(plan_id):
        raise UnknownPlan(plan_id)
    plan = plans[plan_id]
    versions = by_plan[plan_id]
    cur = _current(versions, in_force.get(plan_id))
    return {
        "id": plan_id,
        "name": cur.name,
        "region": plan.region,
        "region_code": plan.region_code,
        "legal_basis": cur.legal_basis,
        "effective_from": cur.effective_from.isoformat(),
        "version": cur.version,
        "zones": cur.zone_count,
        "bbox": _bbox(cur),
        "versions": [_version_doc(r, in_force.get(plan_id)) for r in versions],
    }


def validation_report(db, plan_id: str, version: int, lang: str = "en") -> dict:
    """The validation report stored with a version (``rdtr ingest --report`` wrote the same), its messages in
    ``lang``; ``language`` says which it is: a version loaded before migration 0009 has its report in English
    only, and then says so in ``language_note``."""
    if not is_plan_id(plan_id):
        raise UnknownPlan(plan_id)
    with db.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT validation_report AS en, validation_report_id AS id FROM plan_version "
                "WHERE plan_id = :p AND version = :v"
            ),
            {"p": plan_id, "v": version},
        ).first()
    if row is None:
        raise NotFound(Message("no_version_of", plan=repr(plan_id), version=str(version)))
    stored = row.id if lang == "id" and row.id is not None else row.en
    doc = dict(stored if isinstance(stored, dict) else json.loads(stored))
    doc["language"] = "id" if stored is row.id else "en"
    if lang == "id" and doc["language"] == "en":
        doc["language_note"] = Message("report_english_only")
    return doc
