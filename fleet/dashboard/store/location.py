"""Where the database is: the URL a subcommand uses (plain Python, no database library imported)."""

from __future__ import annotations

import os

#: The database when none is given: a file in the working directory, enough for a département.
DEFAULT_DATABASE_URL = "sqlite:///fleet-dashboard.sqlite3"
#: Where `--db` falls back to before the default, so every subcommand finds the same database.
DATABASE_ENV = "KIOSK_FLEET_DB"


def database_url(given: str | None) -> str:
    """The URL a subcommand uses: the one given, else $KIOSK_FLEET_DB, else the default file."""
    return given or os.environ.get(DATABASE_ENV) or DEFAULT_DATABASE_URL


def normalise_url(url: str) -> str:
    """`postgresql://` and `postgres://` mean psycopg 3 (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
