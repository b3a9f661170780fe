"""Where the database is (``RDTR_DATABASE_URL`` or the embedded cluster) and its schema migrations."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from rdtr.config import get_settings


def using_embedded() -> bool:
    """True when no server is configured, so the embedded cluster under ``RDTR_HOME`` is the database."""
    return not get_settings().database_url


def database_url(start: bool = True, owner: bool = False) -> str:
    """The SQLAlchemy URL to use — the schema owner's with ``owner`` (``RDTR_OWNER_DATABASE_URL`` when set).
    Starts the embedded cluster when no server is configured (``start``); its URL is the owner's."""
    from rdtr.db.database import sqlalchemy_url

    settings = get_settings()
    if owner and settings.owner_database_url:
        return sqlalchemy_url(settings.owner_database_url)
    if settings.database_url:
        return sqlalchemy_url(settings.database_url)
    from rdtr.db.local import LocalCluster

    cluster = LocalCluster(settings.resolved_home())
    return cluster.ensure_running() if start else cluster.url()


def alembic_config(url: str):
    """The Alembic configuration of rdtr's migrations for ``url``."""
    from alembic.config import Config

    here = Path(__file__).parent / "migrations"
    cfg = Config()
    cfg.set_main_option("script_location", str(here))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> str | None:
    """Apply the schema migrations; returns the revision the database is at."""
    from alembic import command

    from rdtr.db.database import Database

    url = url or database_url(owner=True)
    command.upgrade(alembic_config(url), revision)
    with Database(url, pool_size=1) as db:
        return current_revision(db)


def current_revision(db) -> str | None:
    """The Alembic revision of the database, or None before the first migration."""
    with db.engine.connect() as conn:
        exists = conn.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar()
        if not exists:
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
