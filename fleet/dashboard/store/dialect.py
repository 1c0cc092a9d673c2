"""The INSERT with ON CONFLICT for the engine's dialect: SQLite or PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def upsert_insert(connection: Connection, table: Table) -> Any:
    """An INSERT that offers `on_conflict_do_nothing` and `on_conflict_do_update`."""
    return upsert_insert_for(connection.dialect.name, table)


def upsert_insert_for(dialect: str, table: Table) -> Any:
    """The same, for a dialect named "postgresql" or "sqlite"."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
