"""What every dashboard subcommand shares: the `--db` option and opening the database it names.

The subcommand modules import the dashboard's libraries (SQLAlchemy, Starlette, argon2...) only
when they run: `kiosk-fleet simulate` must start on a kiosk that installed the package without
the `dashboard` extra.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

from fleet.dashboard.store.location import DATABASE_ENV, DEFAULT_DATABASE_URL

if TYPE_CHECKING:
    from sqlalchemy import Engine


def add_database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help=f"sqlite:///FILE or postgresql://USER@HOST/NAME "
        f"(default: ${DATABASE_ENV}, else {DEFAULT_DATABASE_URL})",
    )


def open_or_explain(url: str | None) -> Engine | None:
    """The migrated database, or None after saying on stderr why it cannot be opened."""
    from fleet.dashboard.store.database import DatabaseError, open_database

    # Alembic says at INFO each plugin it loads and each migration context: debugging detail.
    alembic = logging.getLogger("alembic")
    if alembic.getEffectiveLevel() > logging.DEBUG:
        alembic.setLevel(logging.WARNING)
    try:
        return open_database(url)
    except DatabaseError as error:
        print(f"kiosk-fleet: {error}", file=sys.stderr)
        return None
