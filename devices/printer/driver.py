"""What every real printer does the same, whatever carries its bytes: status before, send, status after.

A transport (network.py, usb.py, serial.py, file.py) only opens a python-escpos printer object,
moves bytes through it and reads the printer's answers back; the receipt's bytes are made once
by layout.py, so every transport sends exactly the same ones.

How printing fails (``PrinterError(fault, detail, during)``):

- the transport cannot be opened (refused, unknown host, no such device, permission denied,
  driver missing) -> OFFLINE, ``during=False``;
- the status read before sending shows cover open / paper out / offline -> that fault,
  ``during=False``: nothing was sent;
- the connection breaks while sending, or while reading the status after -> OFFLINE,
  ``during=True``: part of the receipt may have come out;
- the status read after sending shows a fault -> that fault, ``during=True``.

A printer that does not answer DLE EOT (some cheap network boards) reads as unknown, which is
not a fault: the receipt is sent.
"""

from __future__ import annotations

import errno
import socket
import threading
from abc import ABC, abstractmethod

from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError

from devices.printer.address import STATUS_TIMEOUT
from devices.printer.layout import to_bytes
from devices.printer.profile import PrinterProfile
from devices.printer.status import OFFLINE_CAUSE, PAPER_SENSOR, PRINTER_STATUS, last_answer, parse_status
from devices.printer.types import PaperState, PrinterError, PrinterFault, PrinterStatus, ReceiptDocument

#: How long sending one receipt may take, in seconds: the printer reads as it prints.
SEND_TIMEOUT = 20.0


class TransportLost(Exception):
    """The connection to the printer broke; ``code`` says how ("connection_lost", ...)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def error_code(error: BaseException) -> str:
    """A short code for a transport error, from the error or what caused it (python-escpos wraps
    the socket's or pyusb's error in its own)."""
    chain: list[BaseException] = []
    seen: BaseException | None = error
    while seen is not None and seen not in chain:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for cause in chain:
        code = getattr(cause, "errno", None)
        if isinstance(cause, TransportLost):
            return cause.code
        if isinstance(cause, ConnectionRefusedError):
            return "connection_refused"
        if isinstance(cause, socket.gaierror):
            return "unknown_host"
        if isinstance(cause, TimeoutError) or code == errno.ETIMEDOUT:
            return "timeout"
        if isinstance(cause, BrokenPipeError | ConnectionResetError | ConnectionAbortedError):
            return "connection_lost"
        if isinstance(cause, PermissionError) or code in (errno.EACCES, errno.EPERM):
            return "permission_denied"
        if isinstance(cause, FileNotFoundError) or code in (errno.ENOENT, errno.ENODEV, errno.ENXIO):
            return "not_found"
    if any(isinstance(cause, EscposError) and "not found" in str(cause).lower() for cause in chain):
        return "not_found"
    return "io_error"


class EscposReceiptPrinter(ABC):
    """A real receipt printer behind a python-escpos printer object.

    Threads: ``status`` and ``print_receipt`` block (each status answer up to ``status_timeout``,
    a receipt up to ``send_timeout``); call them off the UI thread. They take one lock, so a
    health poll and a print never talk to the printer at the same time.
    """

    #: Whether this transport reads the printer's answers (DLE EOT) back.
    reads_status = True

    def __init__(
        self,
        profile: PrinterProfile,
        status_timeout: float = STATUS_TIMEOUT,
        send_timeout: float = SEND_TIMEOUT,
    ) -> None:
        if not 0 < status_timeout <= STATUS_TIMEOUT:
            raise ValueError(f"status timeout must be more than 0 and at most {STATUS_TIMEOUT} s")
        if send_timeout <= 0:
            raise ValueError("send timeout must be more than 0 s")
        self.profile = profile
        self.status_timeout = status_timeout
        self.send_timeout = send_timeout
        self._lock = threading.Lock()

    # -- what a transport provides ------------------------------------------------------------

    @property
    @abstractmethod
    def address(self) -> str:
        """Where the printer is, as a printer URL."""

    def is_usable(self) -> bool:
        """Whether the transport's optional dependency is installed."""
        return True

    @abstractmethod
    def _open(self) -> Escpos:
        """An opened python-escpos printer object; raises OSError or python-escpos's Error."""

    def _send(self, printer: Escpos, payload: bytes) -> None:
        printer._raw(payload)

    def _ask(self, printer: Escpos, request: bytes) -> int | None:
        """Send one DLE EOT request; its answer byte, or None if none came within the timeout.
        Raises TransportLost when the connection broke."""
        try:
            reply = bytes(printer.query_status(request))
        except (OSError, EscposError) as error:
            if isinstance(error, TimeoutError) or getattr(error, "errno", None) == errno.ETIMEDOUT:
                return None
            raise TransportLost(error_code(error)) from error
        return self._answer(reply)

    def _answer(self, reply: bytes) -> int | None:
        """The answer in ``reply``; an empty reply is no answer (a transport whose empty read
        means a closed connection says so instead)."""
        return last_answer(reply)

    def _close(self, printer: Escpos) -> None:
        try:
            printer.close()
        except (OSError, EscposError):
            pass  # already gone: nothing left to release

    def _closed_status(self) -> PrinterStatus:
        """The status when the transport reads nothing back."""
        return PrinterStatus(None, None, PaperState.UNKNOWN, self.address, "no_read_back")

    # -- the same for every transport ---------------------------------------------------------

    def _read_status(self, printer: Escpos) -> PrinterStatus:
        state = self._ask(printer, PRINTER_STATUS)
        if state is None:  # it does not answer: do not wait twice more for nothing
            return parse_status(None, None, None, self.address, "no_answer")
        cause = self._ask(printer, OFFLINE_CAUSE)
        paper = self._ask(printer, PAPER_SENSOR)
        return parse_status(state, cause, paper, self.address)

    def status(self) -> PrinterStatus:
        """What the printer says now (blocks up to about three status timeouts)."""
        if not self.is_usable():
            return PrinterStatus(False, None, PaperState.UNKNOWN, self.address, "driver_missing")
        with self._lock:
            if not self.reads_status:
                return self._closed_status()
            try:
                printer = self._open()
            except (OSError, EscposError) as error:
                return PrinterStatus(False, None, PaperState.UNKNOWN, self.address, error_code(error))
            try:
                return self._read_status(printer)
            except TransportLost as lost:
                return PrinterStatus(False, None, PaperState.UNKNOWN, self.address, lost.code)
            finally:
                self._close(printer)

    def print_receipt(self, document: ReceiptDocument) -> None:
        """Print ``document``; raises PrinterError (see the module's docstring) when it fails."""
        payload = to_bytes(document, self.profile)
        if not self.is_usable():
            raise PrinterError(PrinterFault.OFFLINE, "driver_missing")
        with self._lock:
            try:
                printer = self._open()
            except (OSError, EscposError) as error:
                raise PrinterError(PrinterFault.OFFLINE, error_code(error)) from error
            try:
                self._print(printer, payload)
            finally:
                self._close(printer)

    def _print(self, printer: Escpos, payload: bytes) -> None:
        if self.reads_status:
            try:
                before = self._read_status(printer)
            except TransportLost as lost:
                raise PrinterError(PrinterFault.OFFLINE, lost.code) from lost
            if before.fault is not None:
                raise PrinterError(before.fault, "before_printing")
        try:
            self._send(printer, payload)
        except (OSError, EscposError) as error:
            raise PrinterError(PrinterFault.OFFLINE, error_code(error), during=True) from error
        if self.reads_status:
            try:
                after = self._read_status(printer)
            except TransportLost as lost:
                raise PrinterError(PrinterFault.OFFLINE, lost.code, during=True) from lost
            if after.fault is not None:
                raise PrinterError(after.fault, "after_printing", during=True)
