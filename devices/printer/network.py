"""An ESC/POS printer on a raw TCP socket (port 9100): it only moves the bytes layout.py makes."""

from __future__ import annotations

import socket

from escpos.escpos import Escpos
from escpos.printer import Network

from devices.printer.driver import SEND_TIMEOUT, STATUS_TIMEOUT, EscposReceiptPrinter, TransportLost
from devices.printer.profile import PrinterProfile, printer_profile
from devices.printer.status import last_answer

#: At most this many stale bytes are read and dropped before a status request.
_DRAIN_LIMIT = 4096


class NetworkReceiptPrinter(EscposReceiptPrinter):
    """An ESC/POS printer on a raw TCP socket (usually port 9100), one connection per job.

    Threads: blocks while connecting (up to ``status_timeout``), reading the status and sending:
    not on the UI thread.
    """

    def __init__(
        self,
        host: str,
        port: int = 9100,
        timeout: float = STATUS_TIMEOUT,
        profile: PrinterProfile | None = None,
        send_timeout: float = SEND_TIMEOUT,
    ) -> None:
        super().__init__(profile or printer_profile(80), min(timeout, STATUS_TIMEOUT), send_timeout)
        self.host, self.port = host, port

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"tcp://{host}:{self.port}"

    def _open(self) -> Escpos:
        printer = Network(self.host, self.port, timeout=self.status_timeout, profile=self.profile.name)
        printer.open()
        return printer

    @staticmethod
    def _socket(printer: Escpos) -> socket.socket:
        device = printer.device
        assert isinstance(device, socket.socket)
        return device

    def _send(self, printer: Escpos, payload: bytes) -> None:
        connection = self._socket(printer)
        connection.settimeout(self.send_timeout)
        try:
            printer._raw(payload)
        finally:
            connection.settimeout(self.status_timeout)

    def _ask(self, printer: Escpos, request: bytes) -> int | None:
        self._drain(self._socket(printer))
        return super()._ask(printer, request)

    def _answer(self, reply: bytes) -> int | None:
        if not reply:  # an orderly end of stream: the printer closed the connection
            raise TransportLost("connection_lost")
        return last_answer(reply)

    @staticmethod
    def _drain(connection: socket.socket) -> None:
        """Drop answers that came late or stray bytes, so the next byte read answers the next
        request (a printer also answers DLE EOT bytes it finds inside image data)."""
        timeout = connection.gettimeout()
        connection.setblocking(False)
        dropped = 0
        try:
            while dropped < _DRAIN_LIMIT:
                chunk = connection.recv(256)
                if not chunk:
                    raise TransportLost("connection_lost")
                dropped += len(chunk)
        except BlockingIOError:
            pass  # nothing waiting: the usual case
        except OSError as error:
            raise TransportLost("connection_lost") from error
        finally:
            connection.settimeout(timeout)
