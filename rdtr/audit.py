"""The audit log: an append-only record of every state change — who, when, what.

Actions: ``plan.upload`` and ``plan.upload_rejected`` (a package through the API or ``rdtr ingest``),
``token.create`` and ``token.revoke``, ``extract.issue``. Rows can only be inserted (a trigger refuses UPDATE,
DELETE and TRUNCATE). ``rdtr audit`` and ``GET /v1/audit`` (admin) read it, newest first.
"""

from __future__ import annotations

import getpass
import json
from datetime import datetime

from sqlalchemy import text

from rdtr.errors import InvalidInput
from rdtr.messages import Message

ACTIONS = ("plan.upload", "plan.upload_rejected", "token.create", "token.revoke", "extract.issue")


def cli_actor() -> str:
    """The actor of a command-line change: ``cli:<local user>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def record(conn, actor: str, action: str, target: str | None = None, detail: dict | None = None) -> None:
    """Append one entry in the caller's transaction (``conn`` is SQLAlchemy): the change and its record
    commit together or not at all."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    conn.execute(
        text("INSERT INTO audit_log (actor, action, target, detail) VALUES (:a, :c, :t, CAST(:d AS jsonb))"),
        {"a": actor, "c": action, "t": target, "d": json.dumps(detail or {}, ensure_ascii=False, default=str)},
    )


def record_now(db, actor: str, action: str, target: str | None = None, detail: dict | None = None) -> None:
    """Append one entry in a transaction of its own (for outcomes whose own transaction rolled back)."""
    with db.engine.begin() as conn:
        record(conn, actor, action, target, detail)


def entries(db, since: datetime | None = None, action: str | None = None, limit: int = 500) -> dict:
    """``{"entries": [{at, actor, action, target, detail}]}``, newest first (``since``: only from then on)."""
    if action is not None and action not in ACTIONS:
        raise InvalidInput(Message("not_one_of", raw=repr(action), allowed=", ".join(ACTIONS)))
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT at, actor, action, target, detail FROM audit_log "
                "WHERE (CAST(:since AS timestamptz) IS NULL OR at >= :since) "
                "AND (CAST(:action AS text) IS NULL OR action = :action) "
                "ORDER BY at DESC, id DESC LIMIT :limit"
            ),
            {"since": since, "action": action, "limit": limit},
        ).all()
    return {
        "entries": [
            {
                "at": r.at.isoformat().replace("+00:00", "Z"),
                "actor": r.actor,
                "action": r.action,
                "target": r.target,
                "detail": r.detail,
            }
            for r in rows
        ]
    }
