"""An ESC/POS printer on a serial port through pyserial (python-escpos's Serial): it only moves bytes.

pyserial is optional (``pip install pyserial``): without it ``is_usable()`` is False,
``status()`` says "driver_missing" and printing raises PrinterError(OFFLINE). The kiosk's user
needs to be in the ``dialout`` group for /dev/ttyS* and /dev/ttyUSB*.
"""

from __future__ import annotations

from escpos.escpos import Escpos
from escpos.printer import Serial

from devices.printer.address import BAUDRATES
from devices.printer.driver import (
    SEND_TIMEOUT,
    STATUS_TIMEOUT,
    EscposReceiptPrinter,
    TransportLost,
    error_code,
)
from devices.printer.profile import PrinterProfile, printer_profile
from devices.printer.status import last_answer


class SerialReceiptPrinter(EscposReceiptPrinter):
    """A receipt printer on a serial port (8 data bits, no parity, 1 stop bit, DSR/DTR flow).

    Threads: blocks while reading the status and sending: not on the UI thread.
    """

    def __init__(
        self,
        device: str,
        baudrate: int = 9600,
        profile: PrinterProfile | None = None,
        timeout: float = STATUS_TIMEOUT,
        send_timeout: float = SEND_TIMEOUT,
    ) -> None:
        if baudrate not in BAUDRATES:
            raise ValueError(f"baud rate {baudrate} is not one of {', '.join(map(str, BAUDRATES))}")
        super().__init__(profile or printer_profile(80), min(timeout, STATUS_TIMEOUT), send_timeout)
        self.device, self.baudrate = device, baudrate

    @property
    def address(self) -> str:
        return f"serial://{self.device}?baudrate={self.baudrate}"

    def is_usable(self) -> bool:
        return bool(Serial.is_usable())

    def _open(self) -> Escpos:
        printer = Serial(
            self.device, baudrate=self.baudrate, timeout=self.status_timeout, profile=self.profile.name
        )
        printer.open()
        port = printer.device
        port.write_timeout = self.send_timeout  # python-escpos leaves writes unbounded
        return printer

    def _ask(self, printer: Escpos, request: bytes) -> int | None:
        """One byte answers: read one, not python-escpos's 16 (which waits out the timeout)."""
        port = printer.device
        port.reset_input_buffer()
        try:
            port.write(request)
            reply = port.read(1)
        except OSError as error:
            raise TransportLost(error_code(error)) from error
        return last_answer(reply)
