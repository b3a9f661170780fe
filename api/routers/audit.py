"""``GET /v1/audit`` (admin): the append-only record of every state change."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request

from api.auth import AuthRoute, require_role
from api.params import Param, QuerySpec, choice, json_response, problem_responses
from api.runtime import database, in_worker
from rdtr.audit import ACTIONS, entries
from rdtr.auth import TokenInfo, require_national
from rdtr.errors import InvalidInput
from rdtr.messages import Message

router = APIRouter(tags=["audit"], route_class=AuthRoute)


def _instant(text: str) -> datetime:
    """An ISO 8601 date or date-time (a date means its start, UTC)."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(Message("not_an_instant", raw=repr(text[:40]))) from None
    return value if value.tzinfo else value.astimezone()


AUDIT_QUERY = QuerySpec(
    Param("since", _instant, {"type": "string", "format": "date-time"}, "only entries from this time on (ISO 8601)"),
    Param("action", choice(*ACTIONS), {"type": "string", "enum": list(ACTIONS)}, "only this kind of change"),
)


@router.get(
    "/v1/audit",
    summary="The audit log (admin)",
    openapi_extra=AUDIT_QUERY.openapi(),
    responses=problem_responses(401, 403, 422, 503),
)
async def audit(request: Request, who: TokenInfo = Depends(require_role("admin"))):
    """`{"entries": [{at, actor, action, target, detail}]}`, newest first: uploads accepted or rejected,
    tokens created or revoked, extracts issued. Rows can only be added, never changed or removed. The log
    spans every plan: a token scoped to plans (`--plan`) is a 403; it needs a national admin token."""
    require_national(who)
    q = AUDIT_QUERY.parse(request)
    return json_response(await in_worker(request, entries, database(request), since=q["since"], action=q["action"]))
