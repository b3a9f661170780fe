"""Watches as a plan's officers see them: the list of a plan's watches, for a token scoped to it (the
watch itself — creation, its secret, deliveries — is :mod:`rdtr.watches`)."""

from __future__ import annotations

from sqlalchemy import text

from rdtr.auth import TokenInfo, require_watch_plan
from rdtr.db import Database

LIST_LIMIT = 500  #: watches per listing, newest first


def list_watches(db: Database, token: TokenInfo, plan: str | None = None) -> dict:
    """``{"watches": [{id, url, plan, activity, created_at}], "limit"}`` — never a secret — newest first: of
    ``plan``, or of every plan ``token`` (:class:`rdtr.auth.TokenInfo`) may act on (a national token: every
    watch, those without a plan too); :class:`Forbidden` for a plan outside its scope."""
    if plan is not None:
        require_watch_plan(token, plan)
    plans = [plan] if plan is not None else (list(token.plans) if token.plans is not None else None)
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, url, plan_id, activity, created_at FROM watch WHERE deleted_at IS NULL "
                "AND (CAST(:plans AS text[]) IS NULL OR plan_id = ANY(CAST(:plans AS text[]))) "
                "ORDER BY created_at DESC, id LIMIT :n"
            ),
            {"plans": plans, "n": LIST_LIMIT},
        ).mappings()
        watches = [
            {
                "id": r["id"],
                "url": r["url"],
                "plan": r["plan_id"],
                "activity": r["activity"],
                "created_at": r["created_at"].isoformat(),
            }
            for r in rows
        ]
    return {"watches": watches, "limit": LIST_LIMIT}
