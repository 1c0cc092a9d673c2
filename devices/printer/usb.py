"""An ESC/POS printer on USB through pyusb (python-escpos's Usb): it only moves the bytes layout.py makes.

pyusb is optional (``pip install pyusb``, and Debian's libusb-1.0-0): without it ``is_usable()``
is False, ``status()`` says "driver_missing" and printing raises PrinterError(OFFLINE).
The kiosk's user needs write access to the device node: see deploy/udev/ and docs/printer.md.
"""

from __future__ import annotations

from escpos.escpos import Escpos
from escpos.printer import Usb

from devices.printer.driver import SEND_TIMEOUT, STATUS_TIMEOUT, EscposReceiptPrinter
from devices.printer.profile import PrinterProfile, printer_profile

#: The bulk endpoints most receipt printers use (python-escpos's defaults).
IN_ENDPOINT, OUT_ENDPOINT = 0x82, 0x01


class UsbReceiptPrinter(EscposReceiptPrinter):
    """A USB receipt printer found by vendor and product id, one claim of the device per job.

    Threads: blocks while reading the status (pyusb's 1 s read timeout per answer) and sending.
    """

    def __init__(
        self,
        vendor_id: int,
        product_id: int,
        profile: PrinterProfile | None = None,
        in_endpoint: int = IN_ENDPOINT,
        out_endpoint: int = OUT_ENDPOINT,
        timeout: float = STATUS_TIMEOUT,
        send_timeout: float = SEND_TIMEOUT,
    ) -> None:
        super().__init__(profile or printer_profile(80), min(timeout, STATUS_TIMEOUT), send_timeout)
        self.vendor_id, self.product_id = vendor_id, product_id
        self.in_endpoint, self.out_endpoint = in_endpoint, out_endpoint

    @property
    def address(self) -> str:
        return f"usb://{self.vendor_id:04x}:{self.product_id:04x}"

    def is_usable(self) -> bool:
        return bool(Usb.is_usable())

    def _open(self) -> Escpos:
        printer = Usb(
            self.vendor_id,
            self.product_id,
            timeout=int(self.send_timeout * 1000),  # pyusb counts milliseconds
            in_ep=self.in_endpoint,
            out_ep=self.out_endpoint,
            profile=self.profile.name,
        )
        printer.open()
        return printer
