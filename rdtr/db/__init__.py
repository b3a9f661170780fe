"""Database access: the one pool (:class:`Database`), the schema, migrations and the embedded default cluster."""

from rdtr.db.database import Database, Query
from rdtr.db.engine import database_url, upgrade

__all__ = ["Database", "Query", "database_url", "upgrade"]
