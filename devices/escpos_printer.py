"""Formats a receipt as ESC/POS through python-escpos; the transports only move the bytes."""

from __future__ import annotations

from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError
from escpos.printer import Dummy, Network

from devices.receipt import MARKS, LineStyle, PrinterError, PrinterFault, ReceiptDocument

#: python-escpos capability profile: an 80 mm, 512-dot printer such as the Epson TM-T88V.
PROFILE = "TM-T88V"


def render(document: ReceiptDocument, printer: Escpos) -> None:
    """Write ``document`` to any python-escpos printer object (all formatting lives here)."""
    printer.hw("INIT")
    for line in document.lines:
        if line.style is LineStyle.TITLE:
            printer.set(align="center", bold=True, double_height=True, double_width=True)
        elif line.style is LineStyle.HEADING:
            printer.set(align="left", bold=True, normal_textsize=True)
        else:
            printer.set(align="left", bold=False, normal_textsize=True)
        printer.textln(MARKS.get(line.style, "") + line.text)
    if document.qr_url:
        printer.set(align="center", bold=False, normal_textsize=True)
        printer.ln()
        printer.qr(document.qr_url, size=6, native=False)
        if document.qr_caption:
            printer.textln(document.qr_caption)
    for text in document.footer:
        printer.set(align="center", normal_textsize=True)
        printer.textln(text)
    printer.cut()


def to_bytes(document: ReceiptDocument) -> bytes:
    """The ESC/POS bytes of ``document`` (through python-escpos's Dummy printer)."""
    dummy = Dummy(profile=PROFILE)
    render(document, dummy)
    return dummy.output


class NetworkReceiptPrinter:
    """An ESC/POS printer on a raw TCP socket (port 9100). Blocks while sending: not on the UI thread."""

    def __init__(self, host: str, port: int = 9100, timeout: float = 5.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout

    def is_usable(self) -> bool:
        return True

    def status(self) -> str:
        return f"ESC/POS réseau {self.host}:{self.port}"

    def print_receipt(self, document: ReceiptDocument) -> None:
        payload = to_bytes(document)
        printer = Network(self.host, self.port, timeout=self.timeout, profile=PROFILE)
        try:
            printer.open()
            printer._raw(payload)
        except (OSError, EscposError) as error:
            raise PrinterError(PrinterFault.OFFLINE, str(error)) from error
        finally:
            printer.close()
