"""`kiosk-fleet user add NAME --role admin|mediator|viewer [--site S] [--password-file F]`."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from fleet.dashboard.cli.common import add_database_option, open_or_explain
from fleet.dashboard.roles import Role


class PasswordError(ValueError):
    """The two passwords typed differ."""


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("user", help="dashboard accounts")
    commands = parser.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = commands.add_parser(
        "add",
        help="create a user, or change an existing one's role, site and password",
        description="The password comes from --password-file, else is asked twice on the terminal, "
        "else is read as two lines on standard input.",
    )
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--site", help="the mediator's site (required for --role mediator)")
    add.add_argument("--password-file", type=Path, help="a file whose first line is the password")
    add_database_option(add)
    add.set_defaults(run=run_add)


def read_password(password_file: Path | None) -> str:
    """The password from the file, the terminal (twice) or standard input (two lines)."""
    if password_file is not None:
        lines = password_file.read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    if sys.stdin.isatty():
        first = getpass.getpass("Mot de passe : ")
        second = getpass.getpass("Encore une fois : ")
    else:
        first = sys.stdin.readline().rstrip("\r\n")
        second = sys.stdin.readline().rstrip("\r\n")
    if first != second:
        raise PasswordError("the two passwords differ")
    return first


def run_add(args: argparse.Namespace) -> int:
    from fleet.dashboard.store.accounts import AccountError, add_user

    try:
        password = read_password(args.password_file)
    except (PasswordError, OSError) as error:
        print(f"kiosk-fleet user add: {error}", file=sys.stderr)
        return 2
    engine = open_or_explain(args.db)
    if engine is None:
        return 1
    try:
        user = add_user(engine, args.name, Role(args.role), password, site=args.site)
    except AccountError as error:
        print(f"kiosk-fleet user add: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    where = f", site {user.site}" if user.site else ""
    print(f"user {user.name}: {user.role.value}{where}")
    return 0
