"""`kiosk-fleet token create --user NAME`: prints a new API token (sent as `Authorization: Bearer TOKEN`)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fleet.dashboard.cli.common import add_database_option, open_or_explain


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("token", help="API tokens")
    commands = parser.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = commands.add_parser(
        "create", help="print a new API token for a user; it has the user's role and is shown only once"
    )
    create.add_argument("--user", required=True, help="the user the token acts as")
    add_database_option(create)
    create.set_defaults(run=run_create)


def run_create(args: argparse.Namespace) -> int:
    from fleet.dashboard.store.accounts import AccountError, create_token

    engine = open_or_explain(args.db)
    if engine is None:
        return 1
    try:
        token = create_token(engine, args.user)
    except AccountError as error:
        print(f"kiosk-fleet token create: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(token)
    return 0
