"""The kiosk's devices, built from its configuration through each library's factory (no Kivy)."""

from __future__ import annotations

from collections.abc import Callable

from devices.health import DeviceHealth, HealthMonitor, card_reader_health, printer_health, screen_health
from devices.idcard import CardReader
from devices.idcard.factory import create_reader
from devices.printer import ReceiptPrinter
from devices.printer.factory import create_printer
from kiosk.config import SiteConfig


def build_card_reader(config: SiteConfig) -> CardReader:
    reader = config.devices.card_reader
    options: dict[str, object] = {}
    if reader.type == "pcsc" and reader.reader:
        options["reader"] = reader.reader
    if reader.type != "none" and reader.csca is not None:
        options["csca"] = str(reader.csca)
    return create_reader(reader.type, **options)


def build_printer(config: SiteConfig) -> ReceiptPrinter:
    printer = config.devices.printer
    return create_printer(printer.url, printer.paper_mm)


def build_health_monitor(
    config: SiteConfig,
    printer: ReceiptPrinter,
    card_reader: CardReader,
    on_change: Callable[[DeviceHealth], None],
    drawn_in_software: bool = False,
) -> HealthMonitor:
    """The devices' health, polled on the monitor's own thread (a printer's status may take
    seconds); a card reader configured as "none" is not watched. ``drawn_in_software``: what
    draws the window, read once it is open (it does not change while the kiosk runs)."""
    sources = {"printer": lambda: printer_health(printer)}
    if config.devices.card_reader.type != "none":
        sources["card_reader"] = lambda: card_reader_health(card_reader)
    sources["screen"] = lambda: screen_health(drawn_in_software)
    return HealthMonitor(sources, config.devices.printer.poll_seconds, on_change)
