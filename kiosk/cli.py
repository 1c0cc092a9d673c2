"""The `kiosk` command: run the kiosk, check the machine, content, printer and identity cards, hash a PIN."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
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
    card = commands.add_parser("card", help="identity cards: readers, read a card, parse an MRZ")
    card_commands = card.add_subparsers(dest="card_command", required=True)
    card_commands.add_parser("readers", help="list the card readers pcscd sees")
    read = card_commands.add_parser("read", help="read the card on a reader (prints the holder's data)")
    read.add_argument("--reader", help="a reader's name or part of it (default: the first contactless one)")
    access = read.add_mutually_exclusive_group(required=True)
    access.add_argument("--can", help="the 6 digits printed at the bottom right of the card")
    access.add_argument("--mrz-info", help="DOCUMENT NUMBER,YYMMDD,YYMMDD (birth, then expiry)")
    read.add_argument("--csca", help="CSCA certificates (file, directory or master list) to check against")
    read.add_argument("--simulated", action="store_true", help="read the simulator's demo card (CAN 123456)")
    read.add_argument("--json", action="store_true", help="print JSON")
    mrz_text = card_commands.add_parser("mrz", help="parse an MRZ given as text (lines separated by \\n)")
    mrz_text.add_argument("text")
    mrz_text.add_argument("--json", action="store_true", help="print JSON")
    doctor = commands.add_parser(
        "doctor", help="is this machine ready to be a kiosk? (exit 0 only when it is)"
    )
    doctor.add_argument("--config", type=Path, help="site configuration (TOML); the demo site by default")
    doctor.add_argument("--printer", help="check this printer URL instead of the configuration's")
    doctor.add_argument("--max-age", default="12m", help="content facts older than this are a warning")
    doctor.add_argument("--json", action="store_true", help="print JSON")
    printer = commands.add_parser("print", help="the receipt printer: its status, a test receipt")
    printer_commands = printer.add_subparsers(dest="print_command", required=True)
    for name, what in (("status", "what the printer says of itself"), ("test", "print a test receipt")):
        action = printer_commands.add_parser(name, help=what)
        action.add_argument(
            "--printer", help="the printer's URL (tcp://, usb://, serial://, file://, sim://)"
        )
        action.add_argument(
            "--paper-mm", type=int, choices=(58, 80), help="paper width (default: the configuration's)"
        )
        action.add_argument("--config", type=Path, help="take the printer from this site configuration")
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

    app = KioskApp(config, demo=arguments.demo)
    app.run()
    # Non-zero after a crash, so the service manager logs a failure (it restarts either way).
    return 1 if app.crashed else 0


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


def doctor(arguments: argparse.Namespace) -> int:
    """`kiosk doctor`: one line per part; exit 0 only when nothing is a problem, 1 otherwise."""
    from kiosk import doctor as checks

    try:
        config = load_config(arguments.config)
        max_age = parse_age(arguments.max_age)
    except (ConfigError, ValueError) as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return 2
    found = checks.examine(config, max_age, arguments.printer)
    print(json.dumps(checks.as_json(found), indent=2) if arguments.json else checks.table(found))
    return 0 if checks.healthy(found) else 1


def print_command(arguments: argparse.Namespace) -> int:
    """`kiosk print status|test`: uses the printer library alone (exit 0 well, 1 fault, 2 usage)."""
    from devices.printer import commands as printer_commands

    try:
        printer = load_config(arguments.config).devices.printer
    except ConfigError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return 2
    url, paper_mm = arguments.printer or printer.url, arguments.paper_mm or printer.paper_mm
    act = (
        printer_commands.printer_status
        if arguments.print_command == "status"
        else printer_commands.print_test
    )
    code, lines = act(url, paper_mm)
    print("\n".join(lines), file=sys.stdout if code == 0 else sys.stderr)
    return code


def card(arguments: argparse.Namespace) -> int:
    """`kiosk card`: uses the device library alone (no Kivy, no configuration)."""
    from devices.idcard import CardError
    from devices.idcard import commands as card_commands

    try:
        if arguments.card_command == "readers":
            readers = card_commands.list_readers()
            print("\n".join(readers) if readers else "no reader (is one plugged in?)")
            return 0 if readers else 1
        if arguments.card_command == "mrz":
            result = card_commands.parse_mrz_text(arguments.text.replace("\\n", "\n"), arguments.json)
        else:
            result = card_commands.read_card(
                arguments.can or arguments.mrz_info,
                reader=arguments.reader,
                csca=arguments.csca,
                as_json=arguments.json,
                kind="simulated" if arguments.simulated else "pcsc",
            )
    except (CardError, ValueError) as error:
        print(f"kiosk: {card_commands.describe_error(error)}", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2) if isinstance(result, dict) else result)
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
    if arguments.command == "card":
        return card(arguments)
    if arguments.command == "doctor":
        return doctor(arguments)
    if arguments.command == "print":
        return print_command(arguments)
    return run(arguments)


if __name__ == "__main__":
    sys.exit(main())
