"""Is the database answering?"""

from __future__ import annotations

from sqlalchemy import text


def check_database() -> bool:
    from rdtr.db import get_engine

    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not ok"
        return False
