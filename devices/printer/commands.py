"""The printer's command-line actions (``kiosk print test``, ``kiosk print status``) as plain functions.

Each returns ``(exit code, lines to print)``: 0 when all is well, 1 when the printer cannot
print (out of paper, cover open, offline, unreachable) with one line saying so first, 2 for a
printer URL or option that is not valid. The lines are for the technician at the terminal,
in English like the rest of ``kiosk``'s command line, with the status codes in brackets.
"""

from __future__ import annotations

from typing import Any

from devices.printer.factory import create_printer
from devices.printer.types import (
    LINE_WIDTH,
    LineStyle,
    PaperState,
    PrinterError,
    PrinterFault,
    PrinterStatus,
    ReceiptDocument,
    ReceiptLine,
    ReceiptPrinter,
)

OK, FAULT, USAGE = 0, 1, 2
#: What each fault is, said to a technician.
FAULT_WORDS = {
    PrinterFault.PAPER_OUT: "out of paper",
    PrinterFault.COVER_OPEN: "cover open",
    PrinterFault.OFFLINE: "offline",
}
#: Transport codes that mean nothing answered.
UNREACHABLE_WORDS = {
    "connection_refused": "unreachable (connection refused)",
    "unknown_host": "unreachable (unknown host)",
    "timeout": "unreachable (no answer in time)",
    "connection_lost": "unreachable (connection lost)",
    "not_found": "not found (unplugged, or wrong id or path)",
    "permission_denied": "not accessible (permission denied: see docs/printer.md, udev)",
    "driver_missing": "not usable (pyusb or pyserial is not installed)",
}
#: The test receipt's QR code: the public-service site, so a phone shows something familiar.
TEST_URL = "https://www.service-public.gouv.fr/"


def _open(url: str, paper_mm: int, options: dict[str, Any]) -> tuple[ReceiptPrinter | None, list[str]]:
    try:
        return create_printer(url, paper_mm, **options), []
    except ValueError as error:
        return None, [f"printer: {error}"]


def _fault_line(address: str, fault: PrinterFault, detail: str) -> str:
    if fault is PrinterFault.OFFLINE and detail in UNREACHABLE_WORDS:
        return f"printer {address}: {UNREACHABLE_WORDS[detail]} [{detail}]"
    return f"printer {address}: {FAULT_WORDS[fault]} [{fault.value}]"


def _describe(status: PrinterStatus) -> list[str]:
    def said(value: bool | None, yes: str, no: str) -> str:
        return "unknown" if value is None else yes if value else no

    lines = [
        f"online: {said(status.online, 'yes', 'no')}",
        f"cover: {said(status.cover_open, 'open', 'closed')}",
        f"paper: {status.paper.value}",
    ]
    if status.detail:
        lines.append(f"detail: {status.detail}")
    return lines


def _profile_line(printer: ReceiptPrinter) -> list[str]:
    profile = getattr(printer, "profile", None)
    if profile is None:
        return []
    return [
        f"profile: {profile.name}, {profile.paper_mm} mm, {profile.columns} columns, {profile.dots} dots, "
        f"code page {profile.code_page.name}, QR {'native' if profile.native_qr else 'as image'}, "
        f"{'cutter' if profile.cutter else 'no cutter'}"
    ]


def printer_status(url: str, paper_mm: int = 80, **options: Any) -> tuple[int, list[str]]:
    """``kiosk print status``: what the printer at ``url`` says of itself."""
    printer, errors = _open(url, paper_mm, options)
    if printer is None:
        return USAGE, errors
    status = printer.status()
    fault = status.fault
    head = (
        _fault_line(status.address, fault, status.detail)
        if fault is not None
        else f"printer {status.address}: ready"
        + (" (paper near end)" if status.paper is PaperState.NEAR_END else "")
    )
    return (FAULT if fault is not None else OK), [head, *_describe(status), *_profile_line(printer)]


def test_receipt(columns: int = LINE_WIDTH) -> ReceiptDocument:
    """A receipt that shows the code page, the width (a ruler ``columns`` long) and the QR code
    work (no citizen's data)."""
    columns_ruler = "".join(str(n % 10) for n in range(1, columns + 1))
    return ReceiptDocument(
        lines=[
            ReceiptLine("Test", LineStyle.TITLE),
            ReceiptLine("Accents", LineStyle.HEADING),
            ReceiptLine("é è ê ë à â ç î ï ô ù û ü ÿ œ"),
            ReceiptLine("É È Ê À Â Ç Î Ô Ù Û « » 12,50 €"),
            ReceiptLine("Largeur", LineStyle.HEADING),
            ReceiptLine(columns_ruler),
            ReceiptLine("Document présent", LineStyle.CHECKED),
            ReceiptLine("Document à trouver", LineStyle.MISSING),
        ],
        qr_url=TEST_URL,
        qr_caption="service-public.gouv.fr",
    )


def print_test(url: str, paper_mm: int = 80, **options: Any) -> tuple[int, list[str]]:
    """``kiosk print test``: print ``test_receipt`` on the printer at ``url``."""
    printer, errors = _open(url, paper_mm, options)
    if printer is None:
        return USAGE, errors
    address = getattr(printer, "address", url)
    profile = getattr(printer, "profile", None)
    try:
        printer.print_receipt(test_receipt(profile.columns if profile else LINE_WIDTH))
    except PrinterError as error:
        when = (
            "stopped while printing: the test receipt may be incomplete"
            if error.during
            else "nothing printed"
        )
        return FAULT, [_fault_line(address, error.fault, error.detail), when]
    return OK, [f"printer {address}: test receipt printed", *_profile_line(printer)]
