"""The receipt printer: its interface and types, ESC/POS layout, transports and simulator."""

from devices.printer.types import (
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
