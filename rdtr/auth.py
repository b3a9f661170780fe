"""API tokens: created by ``rdtr token create``, stored as sha256 hashes, checked per request.

Roles: ``officer`` (may create map extracts) and ``admin`` (may also upload plan packages); an admin may
do everything an officer may.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text

from rdtr import audit
from rdtr.errors import Forbidden, InvalidInput, Unauthorized
from rdtr.messages import Message

ROLES = ("officer", "admin")
_RANK = {"officer": 1, "admin": 2}
PREFIX = "rdtr_"


@dataclass(frozen=True)
class TokenInfo:
    name: str
    role: str

    def allows(self, role: str) -> bool:
        """True when this token's role includes ``role`` (admin ⊇ officer)."""
        return _RANK.get(self.role, 0) >= _RANK[role]


def hash_token(token: str) -> str:
    """The stored form of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(db, name: str, role: str, *, expires_at: datetime | None = None, actor: str | None = None) -> str:
    """A new random token for ``name`` with ``role`` (valid until ``expires_at`` when given); only its hash
    is stored, so show it once. The creation is audited (``actor``: who made it, default the CLI user)."""
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
            text("INSERT INTO api_token (name, role, token_hash, expires_at) VALUES (:n, :r, :h, :e)"),
            {"n": name, "r": role, "h": hash_token(token), "e": expires_at},
        )
        audit.record(
            conn,
            actor or audit.cli_actor(),
            "token.create",
            name,
            {"role": role, "expires_at": expires_at.isoformat() if expires_at else None},
        )
    return token


def verify_token(db, token: str | None) -> TokenInfo:
    """The token's name and role; raises :class:`Unauthorized` for a missing, unknown, expired or revoked token."""
    if not token or not token.strip():
        raise Unauthorized(Message("token_needed"))
    with db.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT name, role FROM api_token WHERE token_hash = :h AND revoked_at IS NULL "
                "AND (expires_at IS NULL OR expires_at > now())"
            ),
            {"h": hash_token(token.strip())},
        ).first()
    if row is None:
        raise Unauthorized(Message("token_invalid"))
    return TokenInfo(row.name, row.role)


def require(info: TokenInfo, role: str) -> TokenInfo:
    """``info`` when it allows ``role``; raises :class:`Forbidden` otherwise."""
    if not info.allows(role):
        raise Forbidden(f"this needs the {role} role; the token {info.name!r} is {info.role}")
    return info


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
    """``{"tokens": [{name, role, created, expires, revoked}]}`` — never a token or its hash."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT name, role, created_at, expires_at, revoked_at FROM api_token ORDER BY created_at, id")
        ).all()

    def iso(value):
        return value.isoformat().replace("+00:00", "Z") if value else None

    return {
        "tokens": [
            {
                "name": r.name,
                "role": r.role,
                "created": iso(r.created_at),
                "expires": iso(r.expires_at),
                "revoked": iso(r.revoked_at),
            }
            for r in rows
        ]
    }
