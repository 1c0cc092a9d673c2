"""The `kiosk` command: run the kiosk, check content, hash a PIN."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import logging
import os
import sys
from pathlib import Path

from kiosk import __version__
from kiosk.config import ConfigError, load_config
from kiosk.content import DEFAULT_CONTENT_DIR, load_catalogue, parse_age
from kiosk.mediator import hash_pin

#: Where the headless demo writes its screenshots.
DEMO_SCREENSHOTS = Path("demo-screenshots")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Borne d'accueil inclusive")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the kiosk")
    run.add_argument("--demo", action="store_true", help="simulated devices, demo site")
    run.add_argument("--config", type=Path, help="site configuration (TOML)")
    run.add_argument(
        "--screenshots",
        type=Path,
        default=DEMO_SCREENSHOTS,
        help="where the headless demo writes its screenshots",
    )
    content = commands.add_parser("content", help="procedure content")
    content_commands = content.add_subparsers(dest="content_command", required=True)
    check = content_commands.add_parser(
        "check", help="validate every procedure file, and list those whose facts are old"
    )
    check.add_argument("directory", nargs="?", type=Path, default=DEFAULT_CONTENT_DIR)
    check.add_argument(
        "--max-age",
        default="12m",
        help="facts checked longer ago than this are listed: 12m (months), 2y, 90d (default 12m)",
    )
    check.add_argument("--strict", action="store_true", help="old facts are an error (exit 1), not a warning")
    pin = commands.add_parser("pin-hash", help="hash a mediator PIN for the configuration")
    pin.add_argument("--pin", help="the PIN (asked without echo when left out)")
    return parser


def content_check(directory: Path, max_age: str = "12m", strict: bool = False) -> int:
    try:
        age = parse_age(max_age)
    except ValueError as error:
        print(f"kiosk: --max-age: {error}", file=sys.stderr)
        return 2
    catalogue = load_catalogue(directory)
    for error in catalogue.errors:
        print(error, file=sys.stderr)
    stale = catalogue.stale(dt.date.today(), age)
    level = "error" if strict else "warning"
    for procedure in stale:
        checked = procedure.source.checked.strftime("%d/%m/%Y")
        print(
            f"{directory / (procedure.id + '.yaml')}: {level}: facts checked on {checked}, more than "
            f"{max_age} ago: check them again on {procedure.source.url} (see docs/content.md)",
            file=sys.stderr,
        )
    refused = len({error.path for error in catalogue.errors})
    oldest = catalogue.oldest_check
    print(
        f"{len(catalogue.procedures)} procedure(s) valid, {refused} file(s) refused in {directory}; "
        f"content version {catalogue.version}, oldest check "
        f"{oldest.strftime('%d/%m/%Y') if oldest else 'none'}, {len(stale)} older than {max_age}"
    )
    return 1 if catalogue.errors or (strict and stale) else 0


def pin_hash(pin: str | None) -> int:
    pin = pin or getpass.getpass("PIN (4 to 12 digits): ")
    try:
        print(hash_pin(pin))
    except ValueError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return 2
    return 0


def run(arguments: argparse.Namespace) -> int:
    if not arguments.demo and arguments.config is None:
        print("kiosk: give --config FILE for a real site, or --demo", file=sys.stderr)
        return 2
    try:
        config = load_config(arguments.config)
    except ConfigError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return 2
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        return _headless_demo(arguments)
    from kiosk.app import KioskApp

    KioskApp(config, demo=arguments.demo).run()
    return 0


def _headless_demo(arguments: argparse.Namespace) -> int:
    """No display here: run the demo tour on a virtual display and keep a screenshot per screen."""
    from kiosk.demo_tour import tour
    from kiosk.display import virtual_display

    print("kiosk: no display found (DISPLAY is not set).")
    print("kiosk: running the demo tour on a virtual display (Xvfb) instead...")
    try:
        with virtual_display():
            shots = tour(arguments.screenshots, arguments.config)
    except RuntimeError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return 1
    print(f"kiosk: the demo visited {len(shots)} screens; screenshots written:")
    for shot in shots:
        print(f"  {shot.resolve()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("kivy", "escpos"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    arguments = _parser().parse_args(argv)
    if arguments.command == "content":
        return content_check(arguments.directory, arguments.max_age, arguments.strict)
    if arguments.command == "pin-hash":
        return pin_hash(arguments.pin)
    return run(arguments)


if __name__ == "__main__":
    sys.exit(main())
