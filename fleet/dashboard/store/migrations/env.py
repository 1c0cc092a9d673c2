"""Alembic's environment: runs the migrations on the connection that `database.migrate` hands over."""

from __future__ import annotations

from alembic import context

from fleet.dashboard.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things: Alembic copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
