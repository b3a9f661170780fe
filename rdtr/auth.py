"""API tokens: created by ``rdtr token create``, stored as sha256 hashes, checked per request.

Roles: ``officer`` (may create map extracts) and ``admin`` (may also upload plan packages); an admin may
do everything an officer may.

Scopes: a token made with plans (``rdtr token create --plan bontang``) acts on those plans only — uploads
of their packages, extracts on them, their watches; a token without plans (``plans`` NULL) acts on every
plan (the national scope, and the meaning of every token made before scopes existed). Which plan a
request concerns is decided here, once per kind: :func:`package_plan` (an upload), :func:`extract_plans`
(an extract), a watch's own plan (:func:`require_watch_plan`). A refusal is a :class:`Forbidden` naming
the plan the token is not scoped to.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import text

from rdtr import audit
from rdtr.errors import Forbidden, InvalidInput, RdtrError, Unauthorized
from rdtr.messages import Message
from rdtr.text import is_plan_id
from rdtr.versions import IN_FORCE_SQL

ROLES = ("officer", "admin")
_RANK = {"officer": 1, "admin": 2}
PREFIX = "rdtr_"


@dataclass(frozen=True)
class TokenInfo:
    name: str
    role: str
    plans: tuple[str, ...] | None = None  #: the plans it may act on; None: every plan (national)

    def allows(self, role: str) -> bool:
        """True when this token's role includes ``role`` (admin ⊇ officer)."""
        return _RANK.get(self.role, 0) >= _RANK[role]

    def covers(self, plan: str) -> bool:
        """True when this token may act on ``plan`` (a national token covers every plan)."""
        return self.plans is None or plan in self.plans

    @property
    def scope(self) -> str:
        """The plans it may act on, for messages: ``"bontang, samarinda"`` or ``"every plan"``."""
        return Message("scope_every_plan") if self.plans is None else ", ".join(self.plans)


def clean_plans(plans) -> tuple[str, ...] | None:
    """A token's plan ids checked and de-duplicated in the given order; None (national) for none given."""
    out: list[str] = []
    for plan in plans or ():
        plan = str(plan).strip()
        if not is_plan_id(plan):
            raise InvalidInput(Message("not_a_plan_id", raw=repr(plan[:80])))
        if plan not in out:
            out.append(plan)
    return tuple(out) or None


def hash_token(token: str) -> str:
    """The stored form of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    db,
    name: str,
    role: str,
    *,
    plans=None,
    expires_at: datetime | None = None,
    actor: str | None = None,
) -> str:
    """A new random token for ``name`` with ``role`` (valid until ``expires_at`` when given), scoped to
    ``plans`` (plan ids; none: every plan — they need not be loaded yet, a city's first upload needs its
    token); only its hash is stored, so show it once. The creation is audited with its scope (``actor``:
    who made it, default the CLI user)."""
    plans = clean_plans(plans)
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    name = (name or "").strip()
    if not name:
        raise InvalidInput("a token needs a name (who or what uses it)")
    token = PREFIX + secrets.token_urlsafe(32)
    if expires_at is not None and expires_at <= datetime.now(UTC):
        raise InvalidInput(f"the expiry {expires_at.isoformat()} is in the past")
    with db.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO api_token (name, role, token_hash, expires_at, plans) VALUES (:n, :r, :h, :e, :p)"),
            {"n": name, "r": role, "h": hash_token(token), "e": expires_at, "p": list(plans) if plans else None},
        )
        audit.record(
            conn,
            actor or audit.cli_actor(),
            "token.create",
            name,
            {
                "role": role,
                "expires_at": expires_at.isoformat() if expires_at else None,
                "plans": list(plans) if plans else None,  # null: every plan
            },
        )
    return token


def verify_token(db, token: str | None) -> TokenInfo:
    """The token's name, role and plans; raises :class:`Unauthorized` for a missing, unknown, expired or
    revoked token."""
    if not token or not token.strip():
        raise Unauthorized(Message("token_needed"))
    with db.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT name, role, plans FROM api_token WHERE token_hash = :h AND revoked_at IS NULL "
                "AND (expires_at IS NULL OR expires_at > now())"
            ),
            {"h": hash_token(token.strip())},
        ).first()
    if row is None:
        raise Unauthorized(Message("token_invalid"))
    return TokenInfo(row.name, row.role, tuple(row.plans) if row.plans else None)


def require(info: TokenInfo, role: str) -> TokenInfo:
    """``info`` when it allows ``role``; raises :class:`Forbidden` otherwise."""
    if not info.allows(role):
        raise Forbidden(Message("token_role", role=role, token=repr(info.name), has=info.role))
    return info


def require_plan(info: TokenInfo, plan: str) -> TokenInfo:
    """``info`` when it may act on ``plan``; raises :class:`Forbidden` naming the plan otherwise."""
    if not info.covers(plan):
        raise Forbidden(Message("token_scope", token=repr(info.name), plan=plan, scope=info.scope))
    return info


def require_plans(info: TokenInfo, plans) -> TokenInfo:
    """``info`` when it may act on every plan of ``plans``; the refusal names the first one it may not."""
    for plan in plans:
        require_plan(info, plan)
    return info


def require_watch_plan(info: TokenInfo, plan: str | None) -> TokenInfo:
    """A watch's plan against the token. A watch without a plan hears of every plan covering its geometry,
    now and later (a plan loaded next year included), so it belongs to no one plan: only a national token
    may make or manage one by token (its secret still manages it)."""
    if plan is not None:
        return require_plan(info, plan)
    if info.plans is not None:
        raise Forbidden(Message("token_scope_any_plan", token=repr(info.name), scope=info.scope))
    return info


def require_national(info: TokenInfo) -> TokenInfo:
    """``info`` when it acts on every plan (no ``--plan``): for what spans all plans, e.g. the audit log."""
    if info.plans is not None:
        raise Forbidden(Message("token_national", token=repr(info.name), scope=info.scope))
    return info


def package_plan(source) -> str | None:
    """The plan id an upload concerns: ``[plan].id`` of the package at ``source`` (zip or folder), read by
    the ingest's own parser; None when it cannot be read (the ingest then reports why)."""
    from rdtr.package import OpenedPackage, SpecErrors, load_package

    try:
        with OpenedPackage(source) as root:
            return load_package(root, str(source)).plan.id
    except (SpecErrors, RdtrError):
        return None


#: The plans an extract of a parcel would cite: those whose version in force on the date has a zone
#: under the parcel (what the analysis would answer with), or the one plan asked for.
_EXTRACT_PLANS_SQL = f"""
WITH v AS ({IN_FORCE_SQL})
SELECT DISTINCT v.plan_id FROM v JOIN zone_part zp ON zp.plan_version_id = v.id
 WHERE ST_Intersects(zp.geom, ST_GeomFromText(:g, 4326))
 ORDER BY v.plan_id
"""


def extract_plans(db, parcel, at: date | None, plan: str | None) -> list[str]:
    """The plan ids an extract of ``parcel`` (GeoJSON, EPSG:4326) on ``at`` (default today) concerns:
    ``[plan]`` when one is asked for, else the plans in force under the parcel (the SQL does the overlay)."""
    if plan is not None:
        return [plan]
    from rdtr.extract_records import parcel_geometry

    _, geom = parcel_geometry(parcel)
    with db.engine.connect() as conn:
        rows = conn.execute(text(_EXTRACT_PLANS_SQL), {"g": geom.wkt, "at": at or date.today(), "plan": None}).scalars()
        return list(rows)


def revoke_token(db, name: str, *, actor: str | None = None) -> int:
    """Revoke every active token named ``name``; returns how many (audited when there were any)."""
    with db.engine.begin() as conn:
        n = conn.execute(
            text("UPDATE api_token SET revoked_at = now() WHERE name = :n AND revoked_at IS NULL"), {"n": name}
        ).rowcount
        if n:
            audit.record(conn, actor or audit.cli_actor(), "token.revoke", name, {"tokens": n})
        return n


def list_tokens(db) -> dict:
    """``{"tokens": [{name, role, plans, created, expires, revoked}]}`` (``plans`` null: every plan) — never a
    token or its hash."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT name, role, plans, created_at, expires_at, revoked_at FROM api_token ORDER BY created_at, id")
        ).all()

    def iso(value):
        return value.isoformat().replace("+00:00", "Z") if value else None

    return {
        "tokens": [
            {
                "name": r.name,
                "role": r.role,
                "plans": list(r.plans) if r.plans else None,
                "created": iso(r.created_at),
                "expires": iso(r.expires_at),
                "revoked": iso(r.revoked_at),
            }
            for r in rows
        ]
    }
