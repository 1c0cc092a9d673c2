"""Opens the database a URL names (SQLite by default, PostgreSQL by URL) and migrates its schema."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from fleet.dashboard.store.location import database_url, normalise_url

MIGRATIONS = Path(__file__).parent / "migrations"
#: Any fixed number: PostgreSQL's advisory lock that serialises migrations of several processes.
_MIGRATION_LOCK_ID = 0x6B696F736B


class DatabaseError(Exception):
    """The database URL cannot be used (unknown kind, unreachable server, bad path)."""


def create_database_engine(url: str) -> Engine:
    """An engine for the URL, with SQLite tuned for one writer and many readers (WAL)."""
    normalised = normalise_url(url)
    parsed = make_url(normalised)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(normalised, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(normalised, pool_pre_ping=True, pool_size=5, max_overflow=5)
    raise DatabaseError(
        f"unsupported database {parsed.get_backend_name()!r}: use sqlite:/// or postgresql://"
    )


def _tune_sqlite(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    # WAL lets the web pages read while ingestion writes; NORMAL sync is safe with WAL and
    # several times faster; the busy timeout lets two serve processes share one file.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Apply every Alembic migration not yet applied; safe when several processes start at once."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with _migration_lock(engine), engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """A file lock beside an SQLite database (PostgreSQL locks inside the transaction)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migration-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def open_database(url: str | None, *, upgrade: bool = True) -> Engine:
    """The engine for a subcommand's `--db`, its schema migrated to the latest version."""
    engine = create_database_engine(database_url(url))
    try:
        if upgrade:
            migrate(engine)
    except Exception as error:
        engine.dispose()
        reason = f"{type(error).__name__}: {_first_line(error)}"
        raise DatabaseError(f"cannot open the database: {reason}") from error
    return engine


def _first_line(error: Exception) -> str:
    # Driver errors can span many lines and echo the SQL; the first line says what failed.
    return str(error).splitlines()[0] if str(error) else ""
