"""`kiosk-fleet export`: the open-data file (CSV or JSON) of daily usage, small counts suppressed."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from fleet.dashboard.cli.common import add_database_option, open_or_explain
from fleet.dashboard.opendata import MIN_COUNT, open_data_rows, to_csv, to_json


def _day(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError("a date is YYYY-MM-DD") from None


def _threshold(value: str) -> int:
    number = int(value)
    if number < MIN_COUNT:
        raise argparse.ArgumentTypeError(f"at least {MIN_COUNT}")
    return number


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export",
        help="open data: daily usage per site and procedure (CSV or JSON)",
        description=f"Rows with fewer than {MIN_COUNT} sessions are left out, and any count under "
        f"{MIN_COUNT} is suppressed (empty in CSV, null in JSON).",
    )
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--from", dest="first_day", type=_day, help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="last_day", type=_day, help="last day, YYYY-MM-DD")
    parser.add_argument(
        "--threshold",
        type=_threshold,
        default=MIN_COUNT,
        help=f"smallest published count (at least {MIN_COUNT})",
    )
    parser.add_argument("--output", type=Path, help="write here instead of standard output")
    add_database_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from fleet.dashboard.store.usage import daily_usage

    engine = open_or_explain(args.db)
    if engine is None:
        return 1
    try:
        rows = daily_usage(engine, group_by="procedure", first_day=args.first_day, last_day=args.last_day)
    finally:
        engine.dispose()
    records = open_data_rows(rows, args.threshold)
    text = to_json(records, args.threshold) if args.format == "json" else to_csv(records)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
