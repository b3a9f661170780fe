"""Is the database answering?"""

from __future__ import annotations


def check_database(db) -> bool:
    """True when the database answers a trivial query now."""
    return db.ping()
