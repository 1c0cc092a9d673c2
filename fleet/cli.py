"""``kiosk-fleet``: the fleet's command line. Each subcommand is a module with ``add_parser``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

from fleet import simulate
from fleet.dashboard.cli import export, serve, tokens, users

#: The subcommands, in the order ``--help`` lists them: each module's
#: ``add_parser(subparsers)`` adds its parser and sets ``run`` (args -> exit status) as a default.
SUBCOMMANDS: tuple[ModuleType, ...] = (
    simulate,
    serve,
    users,
    tokens,
    export,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk-fleet", description="The kiosk fleet's tools.")
    parser.add_argument(
        "--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"), help="default INFO"
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # paho's own lines are for debugging the MQTT exchange itself.
    logging.getLogger("fleet.agent.paho").setLevel(max(logging.WARNING, logging.getLogger().level))
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
