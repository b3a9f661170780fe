"""Which plans an answer may use: the plan asked for exists, has a version in force, knows the activity."""

from __future__ import annotations

from datetime import date

from rdtr.answers.assemble import find_activity, unknown_activity
from rdtr.db import Database
from rdtr.errors import UnknownPlan
from rdtr.messages import Message
from rdtr.versions import VersionData


def require_plan(db: Database, plan: str) -> None:
    """Raise :class:`UnknownPlan` (404) unless a plan with this id is loaded."""
    if not db.fetch_sql("SELECT 1 FROM plan WHERE id = %s", (plan,)):
        raise UnknownPlan(plan)


def versions_for(db: Database, at: date, plan: str | None) -> list[VersionData]:
    """The versions in force on ``at`` (only ``plan``'s when given, which must exist)."""
    versions = db.versions.in_force(at, plan)
    if not versions and plan is not None:
        require_plan(db, plan)
    return versions


def check_activity_known(db: Database, activity: str, at: date, plan: str | None) -> None:
    """404 with suggestions when no plan in force knows the activity (where no zone answered)."""
    versions = db.versions.in_force(at, plan)
    if versions and not any(find_activity(vd, activity) for vd in versions):
        raise unknown_activity(activity, versions)


def check_plan_message(db: Database, plan: str, at: date) -> str | None:
    """404 for a plan that does not exist; a message when it has no version in force on ``at`` yet."""
    rows = db.fetch_sql("SELECT min(effective_from) FROM plan_version WHERE plan_id = %s", (plan,))
    first = rows[0][0] if rows else None
    if first is None:
        raise UnknownPlan(plan)
    if first > at:
        return Message("no_version_yet", plan=plan, at=at.isoformat(), first=first.isoformat())
    return None
