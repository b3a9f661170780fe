"""One engine per process, pointed at ``RDTR_DATABASE_URL`` or, when unset, the embedded cluster."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from rdtr.config import get_settings

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def using_embedded() -> bool:
    return not get_settings().database_url


def database_url(start: bool = True) -> str:
    """The SQLAlchemy URL to use. Starts the embedded cluster when no server is configured."""
    settings = get_settings()
    if settings.database_url:
        url = settings.database_url
        # Accept plain libpq URLs too.
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg2://" + url[len("postgresql://"):]
        return url
    from rdtr.db.local import LocalCluster

    cluster = LocalCluster(settings.resolved_home())
    return cluster.ensure_running() if start else cluster.url()


def get_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = create_engine(
                url,
                pool_size=5,
                max_overflow=10,
                pool_pre_ping=True,
                connect_args={"application_name": "rdtr", "options": "-c jit=off"},
            )
            _engines[url] = engine
        return engine


def dispose_engines() -> None:
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def alembic_config(url: str):
    from alembic.config import Config

    here = Path(__file__).parent / "migrations"
    cfg = Config()
    cfg.set_main_option("script_location", str(here))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> str:
    """Apply the schema migrations; returns the revision the database is at."""
    from alembic import command

    url = url or database_url()
    command.upgrade(alembic_config(url), revision)
    return current_revision(url)


def current_revision(url: str | None = None) -> str | None:
    engine = get_engine(url)
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar()
        if not exists:
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
