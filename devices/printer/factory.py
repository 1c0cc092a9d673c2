"""A printer from its address (see ``devices.printer.address``): ``create_printer(url)``."""

from __future__ import annotations

from typing import Any

from devices.printer.address import options_for, parse_printer_url
from devices.printer.file import FileReceiptPrinter
from devices.printer.network import NetworkReceiptPrinter
from devices.printer.profile import printer_profile
from devices.printer.serial import SerialReceiptPrinter
from devices.printer.simulated import SimulatedPrinter
from devices.printer.types import ReceiptPrinter
from devices.printer.usb import UsbReceiptPrinter


def create_printer(url: str, paper_mm: int = 80, **options: Any) -> ReceiptPrinter:
    """The printer at ``url`` on paper ``paper_mm`` wide (58 or 80), with ``options`` (see the
    module's docstring) over those in the URL. Raises ValueError for a bad URL or option.

    Nothing is opened here: a printer that is switched off still gives a printer object, whose
    ``status()`` says so."""
    address = parse_printer_url(url)
    merged = {**address.options, **options_for(address.scheme, options)}
    profile = printer_profile(paper_mm, merged.get("profile"), merged.get("columns"))
    timeouts = {name: merged[name] for name in ("timeout", "send_timeout") if name in merged}
    if address.scheme == "tcp":
        return NetworkReceiptPrinter(address.host, address.port, profile=profile, **timeouts)
    if address.scheme == "usb":
        endpoints = {
            key: merged[option]
            for key, option in (("in_endpoint", "in_ep"), ("out_endpoint", "out_ep"))
            if option in merged
        }
        return UsbReceiptPrinter(
            address.vendor_id, address.product_id, profile=profile, **endpoints, **timeouts
        )
    if address.scheme == "serial":
        return SerialReceiptPrinter(address.path, merged.get("baudrate", 9600), profile=profile, **timeouts)
    if address.scheme == "file":
        return FileReceiptPrinter(address.path, profile=profile, **timeouts)
    return SimulatedPrinter(paper_mm, profile=profile)
