"""API tokens: created by ``rdtr token create``, stored as sha256 hashes, checked per request.

Roles: ``officer`` (may create map extracts) and ``admin`` (may also upload plan packages); an admin may
do everything an officer may.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import text

from rdtr.errors import Forbidden, InvalidInput, Unauthorized

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


def create_token(db, name: str, role: str) -> str:
    """A new random token for ``name`` with ``role``; only its hash is stored, so show it once."""
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    name = (name or "").strip()
    if not name:
        raise InvalidInput("a token needs a name (who or what uses it)")
    token = PREFIX + secrets.token_urlsafe(32)
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO api_token (name, role, token_hash) VALUES (:n, :r, :h)"),
                     {"n": name, "r": role, "h": hash_token(token)})
    return token


def verify_token(db, token: str | None) -> TokenInfo:
    """The token's name and role; raises :class:`Unauthorized` for a missing, unknown or revoked token."""
    if not token or not token.strip():
        raise Unauthorized("this needs a token: send Authorization: Bearer <token>")
    with db.engine.connect() as conn:
        row = conn.execute(text("SELECT name, role FROM api_token WHERE token_hash = :h AND revoked_at IS NULL"),
                           {"h": hash_token(token.strip())}).first()
    if row is None:
        raise Unauthorized("the token is not valid (unknown or revoked)")
    return TokenInfo(row.name, row.role)


def require(info: TokenInfo, role: str) -> TokenInfo:
    """``info`` when it allows ``role``; raises :class:`Forbidden` otherwise."""
    if not info.allows(role):
        raise Forbidden(f"this needs the {role} role; the token {info.name!r} is {info.role}")
    return info


def revoke_token(db, name: str) -> int:
    """Revoke every active token named ``name``; returns how many."""
    with db.engine.begin() as conn:
        return conn.execute(text("UPDATE api_token SET revoked_at = now() WHERE name = :n AND revoked_at IS NULL"),
                            {"n": name}).rowcount
