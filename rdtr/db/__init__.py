"""Database access: the engine, the schema, migrations and the embedded default cluster."""

from rdtr.db.engine import database_url, get_engine, upgrade

__all__ = ["database_url", "get_engine", "upgrade"]
