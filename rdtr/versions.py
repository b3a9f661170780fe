"""The one place that chooses which plan version answers a question.

The version in force on a date is, per plan, the one with the latest ``effective_from`` on or before
that date (ties cannot happen: ``effective_from`` is unique per plan and must move forward).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

IN_FORCE_SQL = """
SELECT DISTINCT ON (pv.plan_id)
       pv.id, pv.plan_id, pv.version, pv.name, pv.legal_basis, pv.effective_from
FROM plan_version pv
WHERE pv.effective_from <= :at AND (CAST(:plan AS text) IS NULL OR pv.plan_id = :plan)
ORDER BY pv.plan_id, pv.effective_from DESC, pv.version DESC
"""


def versions_in_force(conn, at: date, plan: str | None = None) -> list[dict]:
    """Plan versions in force on ``at`` (one per plan, or only ``plan``'s), as dicts."""
    rows = conn.execute(text(IN_FORCE_SQL), {"at": at, "plan": plan}).mappings().all()
    return [dict(r) for r in rows]
