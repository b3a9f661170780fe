"""Database roles: the service answers as a member of ``rdtr_app`` (least privilege, migration 0003); the
schema owner migrates and loads from the command line.

- ``RDTR_DATABASE_URL``: what ``rdtr serve`` and answering commands use — a login role in ``rdtr_app``;
- ``RDTR_OWNER_DATABASE_URL``: when set, what ``rdtr db upgrade``, ``rdtr ingest`` and ``rdtr token`` use;
- the embedded default sets up both itself: its initdb superuser owns the schema, and ``rdtr serve`` runs
  as the login role :data:`SERVICE_ROLE` in ``rdtr_app``.

``rdtr serve`` refuses to run as a superuser or as the owner of the schema unless
``RDTR_ALLOW_SUPERUSER=true`` (or ``--allow-superuser``) says so.
"""

from __future__ import annotations

import re

from sqlalchemy import text

from rdtr.errors import RdtrError

APP_ROLE = "rdtr_app"
SERVICE_ROLE = "rdtr_service"  #: the embedded default's login role for `rdtr serve`
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class RoleRefused(RdtrError):
    """The service was asked to run with more privilege than it needs."""

    status = 503
    title = "Refused to serve with this database role"


def ensure_login_role(owner_db, name: str, password: str | None = None) -> None:
    """Make ``name`` a login role that is a member of ``rdtr_app`` (created when missing; its password set
    when given). Needs the owner's connection (CREATEROLE)."""
    if not _ROLE_NAME.match(name) or name == APP_ROLE:
        raise RdtrError(f"{name!r} is not a usable role name (lower-case letters, digits, _)")
    from psycopg2 import sql

    with owner_db.engine.begin() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).scalar()
        cur = conn.connection.dbapi_connection.cursor()
        try:
            if not exists:
                cur.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
            if password is not None:
                cur.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(name), sql.Literal(password)))
            cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(APP_ROLE), sql.Identifier(name)))
        finally:
            cur.close()


def describe(db) -> dict:
    """``{user, superuser, owner, app_member}`` of the role ``db`` connects as."""
    with db.engine.connect() as conn:
        row = (
            conn.execute(
                text(
                    "SELECT current_user AS user, r.rolsuper AS superuser, "
                    "coalesce((SELECT tableowner = current_user FROM pg_tables WHERE tablename = 'plan_version' "
                    "          AND schemaname = 'public'), false) AS owner, "
                    "coalesce((SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles "
                    "          WHERE rolname = :app), false) "
                    "  AS app_member "
                    "FROM pg_roles r WHERE r.rolname = current_user"
                ),
                {"app": APP_ROLE},
            )
            .mappings()
            .one()
        )
    return dict(row)


def check_service_role(db, allow_superuser: bool) -> dict:
    """Refuse (:class:`RoleRefused`) a superuser or the schema owner unless allowed; returns :func:`describe`."""
    role = describe(db)
    if (role["superuser"] or role["owner"]) and not allow_superuser:
        what = "a superuser" if role["superuser"] else "the owner of the rdtr schema"
        raise RoleRefused(
            f"RDTR_DATABASE_URL connects as {role['user']!r}, {what}: the service runs as a login role "
            f"in the {APP_ROLE} group (see README, 'Database roles'), or set RDTR_ALLOW_SUPERUSER=true"
        )
    return role
