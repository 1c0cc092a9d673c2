"""Simulated devices for demos and tests: they behave like the real ones and record what they did."""

from __future__ import annotations

from collections import deque

from devices.escpos_printer import to_bytes
from devices.receipt import PrinterError, PrinterFault, ReceiptDocument

#: Receipts the simulator remembers: enough for a test or a demonstration, bounded for a
#: demonstration kiosk that runs for days.
REMEMBERED_RECEIPTS = 20


class SimulatedPrinter:
    """A receipt printer that keeps the ESC/POS bytes it would have sent (the last
    ``REMEMBERED_RECEIPTS``); paper can run out."""

    def __init__(self) -> None:
        self.printed: deque[bytes] = deque(maxlen=REMEMBERED_RECEIPTS)
        self.documents: deque[ReceiptDocument] = deque(maxlen=REMEMBERED_RECEIPTS)
        self.paper = "ok"

    def set_paper(self, state: str) -> None:
        """``"ok"`` or ``"out"``."""
        if state not in ("ok", "out"):
            raise ValueError("paper is 'ok' or 'out'")
        self.paper = state

    def is_usable(self) -> bool:
        return True

    def status(self) -> str:
        return "simulée, papier " + ("présent" if self.paper == "ok" else "épuisé")

    def print_receipt(self, document: ReceiptDocument) -> None:
        if self.paper == "out":
            raise PrinterError(PrinterFault.PAPER_OUT)
        self.printed.append(to_bytes(document))
        self.documents.append(document)
