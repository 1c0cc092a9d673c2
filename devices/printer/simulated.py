"""The simulated printer, for demos and tests: it behaves like a real one and records what it printed."""

from __future__ import annotations

from collections import deque

from devices.printer.layout import to_bytes
from devices.printer.preview import preview_png
from devices.printer.profile import PrinterProfile, printer_profile
from devices.printer.types import PaperState, PrinterError, PrinterFault, PrinterStatus, ReceiptDocument

#: Receipts the simulator remembers: enough for a test or a demonstration, bounded for a
#: demonstration kiosk that runs for days.
REMEMBERED_RECEIPTS = 20
#: The paper states ``set_paper`` accepts.
PAPER_STATES = {"ok": PaperState.OK, "near_end": PaperState.NEAR_END, "out": PaperState.OUT}


class SimulatedPrinter:
    """A receipt printer that keeps the ESC/POS bytes it would have sent (the last
    ``REMEMBERED_RECEIPTS``), the same bytes a real printer of its profile gets; paper can run
    out, the cover open, the printer go offline, and a receipt stop half way.

    Threads: nothing blocks; the injection methods and printing may be called from any thread
    (each is one assignment or one append).
    """

    reads_status = True
    address = "sim://"

    def __init__(self, paper_mm: int = 80, profile: PrinterProfile | None = None) -> None:
        self.profile = profile or printer_profile(paper_mm)
        self.printed: deque[bytes] = deque(maxlen=REMEMBERED_RECEIPTS)
        self.documents: deque[ReceiptDocument] = deque(maxlen=REMEMBERED_RECEIPTS)
        self.paper = "ok"
        self.online = True
        self.cover_open = False
        self._interrupt: PrinterFault | None = None

    # -- injection ----------------------------------------------------------------------------

    def set_paper(self, state: str) -> None:
        """``"ok"``, ``"near_end"`` (still prints) or ``"out"``."""
        if state not in PAPER_STATES:
            raise ValueError("paper is 'ok', 'near_end' or 'out'")
        self.paper = state

    def set_online(self, online: bool) -> None:
        self.online = online

    def set_cover_open(self, cover_open: bool) -> None:
        self.cover_open = cover_open

    def interrupt_next_receipt(self, fault: PrinterFault = PrinterFault.PAPER_OUT) -> None:
        """The next receipt stops half way with ``fault`` (its first half is recorded), and the
        printer stays in that state."""
        self._interrupt = fault

    # -- the ReceiptPrinter interface ---------------------------------------------------------

    def is_usable(self) -> bool:
        return True

    def status(self) -> PrinterStatus:
        return PrinterStatus(self.online, self.cover_open, PAPER_STATES[self.paper], self.address)

    def print_receipt(self, document: ReceiptDocument) -> None:
        payload = to_bytes(document, self.profile)
        fault = self.status().fault
        if fault is not None:
            raise PrinterError(fault, "before_printing")
        if self._interrupt is not None:
            fault, self._interrupt = self._interrupt, None
            self.printed.append(payload[: len(payload) // 2])
            self.documents.append(document)
            self._enter(fault)
            raise PrinterError(fault, "after_printing", during=True)
        self.printed.append(payload)
        self.documents.append(document)

    def _enter(self, fault: PrinterFault) -> None:
        if fault is PrinterFault.PAPER_OUT:
            self.paper = "out"
        elif fault is PrinterFault.COVER_OPEN:
            self.cover_open = True
        else:
            self.online = False

    def preview_png(self, document: ReceiptDocument | None = None) -> bytes:
        """A PNG picture of ``document`` as this printer would print it, or of the last receipt.
        Raises LookupError when there is neither."""
        if document is None:
            if not self.documents:
                raise LookupError("nothing printed yet")
            document = self.documents[-1]
        return preview_png(document, self.profile)
