"""The receipt printer: its interface and types, ESC/POS layout, transports and simulator."""

from devices.printer.escpos_cache import keep_escpos_database

# Before any module of this package imports python-escpos.
keep_escpos_database()

from devices.printer.types import (  # noqa: E402 - after the cache is chosen
    LineStyle,
    PaperState,
    PrinterError,
    PrinterFault,
    PrinterStatus,
    ReceiptDocument,
    ReceiptLine,
    ReceiptPart,
    ReceiptPrinter,
    receipt_text,
)

__all__ = [
    "LineStyle",
    "PaperState",
    "PrinterError",
    "PrinterFault",
    "PrinterStatus",
    "ReceiptDocument",
    "ReceiptLine",
    "ReceiptPart",
    "ReceiptPrinter",
    "receipt_text",
]
