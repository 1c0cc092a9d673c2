"""An ESC/POS printer behind a file (a /dev/usb/lp* device, or a plain file for a dry run): it only
moves bytes, and reads nothing back, so its status is unknown (online None, paper UNKNOWN)."""

from __future__ import annotations

import os
from pathlib import Path

from escpos.escpos import Escpos
from escpos.printer import File

from devices.printer.driver import SEND_TIMEOUT, EscposReceiptPrinter
from devices.printer.profile import PrinterProfile, printer_profile
from devices.printer.types import PaperState, PrinterStatus


class FileReceiptPrinter(EscposReceiptPrinter):
    """Writes each receipt's bytes to ``path`` (a device file, or a plain file it replaces).

    Threads: blocks while writing (a device file blocks while the printer is busy).
    """

    reads_status = False

    def __init__(
        self, path: str, profile: PrinterProfile | None = None, send_timeout: float = SEND_TIMEOUT
    ) -> None:
        super().__init__(profile or printer_profile(80), send_timeout=send_timeout)
        self.path = path

    @property
    def address(self) -> str:
        return f"file://{self.path}"

    def _open(self) -> Escpos:
        printer = File(self.path, profile=self.profile.name)
        printer.open()
        return printer

    def _closed_status(self) -> PrinterStatus:
        """Unknown, unless the file clearly cannot be written (opening it here would empty a
        plain file, so only its permissions are looked at)."""
        path = Path(self.path)
        if path.exists():
            problem = "" if os.access(path, os.W_OK) else "permission_denied"
        elif path.parent.is_dir() and not str(path).startswith("/dev/"):
            problem = "" if os.access(path.parent, os.W_OK) else "permission_denied"
        else:
            problem = "not_found"
        if problem:
            return PrinterStatus(False, None, PaperState.UNKNOWN, self.address, problem)
        return PrinterStatus(None, None, PaperState.UNKNOWN, self.address, "no_read_back")
