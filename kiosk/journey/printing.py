"""The printing flow: the receipt screen, printing off the UI thread, faults, and the test ticket."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from devices.health import DeviceHealth
from devices.printer import PrinterError, PrinterFault, ReceiptDocument, ReceiptPrinter, receipt_text
from fleet.help import HelpReason
from kiosk.i18n import N_
from kiosk.journey.context import Change, FlowContext, Handlers, ScreenViews
from kiosk.journey.router import Location, ScreenName
from kiosk.receipt import SummaryFacts, build_receipt, test_ticket

logger = logging.getLogger(__name__)


class PrintingCommand(Enum):
    """What the summary, receipt and mediator screens ask of the printer."""

    OPEN_RECEIPT = "open_receipt"
    PRINT = "print"
    SHOW_QR = "show_qr"
    TEST_PRINT = "test_print"  #: the mediator's test ticket


class PrintStatus(Enum):
    READY = "ready"
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"  #: the fault says why


#: The help request sent for each printer fault.
FAULT_HELP = {
    PrinterFault.PAPER_OUT: HelpReason.PRINTER_PAPER_OUT,
    PrinterFault.OFFLINE: HelpReason.PRINTER_OFFLINE,
    PrinterFault.COVER_OPEN: HelpReason.PRINTER_COVER_OPEN,
}


#: What the printer's health detail means for the citizen's receipt.
HEALTH_FAULTS = {fault.value: fault for fault in PrinterFault}


def printer_fault_of(health: DeviceHealth) -> PrinterFault | None:
    """What stops the printer now, from its latest health; None when it can print or before the
    first poll (the status asked before printing still catches a fault)."""
    if health.ready or health.detail == "not_polled":
        return None
    return HEALTH_FAULTS.get(health.detail, PrinterFault.OFFLINE)


@dataclass(frozen=True)
class ReceiptView:
    """The receipt screen: the summary it prints, how printing went, whether the QR code shows."""

    facts: SummaryFacts
    status: PrintStatus
    fault: PrinterFault | None
    #: The fault came while printing: what came out may be incomplete.
    incomplete: bool
    #: What the printer's health says stops it now (known before the citizen asks to print).
    printer_fault: PrinterFault | None
    show_qr: bool
    #: The printed receipt as text, shown when the printer is simulated ("" otherwise).
    printed_preview: str


class PrintingFlow:
    """Owns the printer's use. ``print_receipt`` runs on a background job; its outcome comes back
    on the UI thread through the context's ``background``."""

    def __init__(
        self,
        context: FlowContext,
        printer: ReceiptPrinter,
        summary: Callable[[], SummaryFacts],
        on_test_printed: Callable[[bool], None],
        show_preview: bool,
        printer_fault: Callable[[], PrinterFault | None] = lambda: None,
        after_print: Callable[[], None] = lambda: None,
    ) -> None:
        self._context = context
        self._printer = printer
        self._printer_fault = printer_fault
        self._after_print = after_print
        self._summary = summary
        self._on_test_printed = on_test_printed
        self._show_preview = show_preview
        self.status = PrintStatus.READY
        self.fault: PrinterFault | None = None
        self.incomplete = False
        self.show_qr = False
        self.last_receipt: ReceiptDocument | None = None

    def screens(self) -> ScreenViews:
        return {ScreenName.RECEIPT: lambda _location: self.view()}

    def handlers(self) -> Handlers:
        return {
            PrintingCommand.OPEN_RECEIPT: lambda _: self.open_receipt(),
            PrintingCommand.PRINT: lambda _: self.print_receipt(),
            PrintingCommand.SHOW_QR: lambda _: self.show_qr_code(),
            PrintingCommand.TEST_PRINT: lambda _: self.test_print(),
        }

    def open_receipt(self) -> None:
        self.status, self.fault, self.incomplete, self.show_qr = PrintStatus.READY, None, False, False
        self._context.show(Location(ScreenName.RECEIPT))

    def show_qr_code(self) -> None:
        self.show_qr = True
        self._context.redraw(Change.QUIET)
        self._context.tell(
            self._context.tr(N_("Le QR code est sur l'écran. Photographiez-le avec votre téléphone."))
        )

    def print_receipt(self) -> None:
        if self.status is PrintStatus.PRINTING:
            return
        document = build_receipt(self._summary(), self._context.session.language)
        self.status, self.fault, self.incomplete = PrintStatus.PRINTING, None, False
        self.last_receipt = document
        self._context.redraw(Change.STATUS)
        self._context.background(lambda: self._printer.print_receipt(document), self._printed)

    def _printed(self, outcome: object) -> None:
        self._after_print()
        if self._context.router.screen is not ScreenName.RECEIPT or self.status is not PrintStatus.PRINTING:
            return  # the citizen left, or the session ended, while it printed
        if isinstance(outcome, Exception):
            if isinstance(outcome, PrinterError):
                self.fault, self.incomplete = outcome.fault, outcome.during
            else:
                logger.error("printing failed: %s", type(outcome).__name__)
                self.fault, self.incomplete = PrinterFault.OFFLINE, True
            self.status, self.show_qr = PrintStatus.FAILED, True
            self._context.request_help(FAULT_HELP[self.fault])
        else:
            self.status = PrintStatus.PRINTED
        self._context.redraw(Change.STATUS)

    def test_print(self, on_done: Callable[[bool], None] | None = None) -> None:
        """The test ticket: from the mediator's menu (its notice follows), or from the fleet's
        dashboard (``on_done`` hears whether it printed)."""
        document = test_ticket(
            self._context.config.site.name, self._context.config.kiosk_id, self._context.tr
        )

        def printed(outcome: object) -> None:
            (on_done or self._on_test_printed)(not isinstance(outcome, Exception))
            self._after_print()

        self._context.background(lambda: self._printer.print_receipt(document), printed)

    def forget(self) -> None:
        """End of the session: no receipt of this citizen stays in memory."""
        self.status, self.fault, self.incomplete, self.show_qr = PrintStatus.READY, None, False, False
        self.last_receipt = None

    def view(self) -> ReceiptView:
        printed = self.status is PrintStatus.PRINTED and self.last_receipt is not None
        return ReceiptView(
            facts=self._summary(),
            status=self.status,
            fault=self.fault,
            incomplete=self.incomplete,
            printer_fault=self._printer_fault() if self.status is PrintStatus.READY else None,
            show_qr=self.show_qr or (self.status is PrintStatus.READY and self._printer_fault() is not None),
            printed_preview=receipt_text(self.last_receipt) if printed and self._show_preview else "",
        )
