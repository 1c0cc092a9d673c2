"""Printers from URLs: each scheme, its options, and the plain errors for anything else."""

from __future__ import annotations

import pytest

from devices.printer import ReceiptDocument, ReceiptLine
from devices.printer.address import SCHEMES, parse_printer_url
from devices.printer.factory import create_printer
from devices.printer.file import FileReceiptPrinter
from devices.printer.network import NetworkReceiptPrinter
from devices.printer.serial import SerialReceiptPrinter
from devices.printer.simulated import SimulatedPrinter
from devices.printer.usb import UsbReceiptPrinter


def test_the_schemes() -> None:
    assert SCHEMES == ("tcp", "usb", "serial", "file", "sim")


def test_tcp() -> None:
    printer = create_printer("tcp://192.0.2.10:9101")
    assert isinstance(printer, NetworkReceiptPrinter)
    assert (printer.host, printer.port, printer.profile.columns) == ("192.0.2.10", 9101, 42)
    assert parse_printer_url("tcp://printer.local").port == 9100
    assert parse_printer_url("TCP://[2001:db8::5]:9100/").host == "2001:db8::5"
    assert create_printer("tcp://[2001:db8::5]").address == "tcp://[2001:db8::5]:9100"
    assert create_printer("tcp://192.0.2.10?timeout=0.5").status_timeout == 0.5


def test_usb_ids_are_hex() -> None:
    printer = create_printer("usb://04b8:0e15?in_ep=0x81", paper_mm=58)
    assert isinstance(printer, UsbReceiptPrinter)
    assert (printer.vendor_id, printer.product_id, printer.in_endpoint, printer.out_endpoint) == (
        0x04B8,
        0x0E15,
        0x81,
        0x01,
    )
    assert printer.profile.columns == 32 and printer.address == "usb://04b8:0e15"
    assert parse_printer_url("usb://0x0416:0x5011").product_id == 0x5011


def test_serial_and_file_take_a_path() -> None:
    printer = create_printer("serial:///dev/ttyUSB0?baudrate=19200")
    assert isinstance(printer, SerialReceiptPrinter)
    assert (printer.device, printer.baudrate) == ("/dev/ttyUSB0", 19200)
    assert create_printer("serial:///dev/ttyS0").baudrate == 9600
    printer = create_printer("file:///dev/usb/lp0", profile="TM-T20II")
    assert isinstance(printer, FileReceiptPrinter)
    assert (printer.path, printer.profile.columns) == ("/dev/usb/lp0", 48)


def test_sim_is_the_simulator_with_a_png_preview() -> None:
    printer = create_printer("sim://", paper_mm=58)
    assert isinstance(printer, SimulatedPrinter) and printer.profile.dots == 384
    with pytest.raises(LookupError):
        printer.preview_png()
    printer.print_receipt(ReceiptDocument(lines=[ReceiptLine("Carte grise")], qr_url="https://example.org/"))
    png = printer.preview_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(png[16:20], "big")
    assert width >= 384


def test_keyword_options_win_over_the_url() -> None:
    printer = create_printer("tcp://192.0.2.10?timeout=1.5", timeout=0.25, send_timeout=5)
    assert (printer.status_timeout, printer.send_timeout) == (0.25, 5)


def test_an_unknown_scheme_is_named() -> None:
    with pytest.raises(ValueError, match=r"unknown printer scheme 'lpr'.*tcp://, usb://"):
        parse_printer_url("lpr://printer")


@pytest.mark.parametrize(
    "url",
    [
        "",
        "192.0.2.10:9100",
        "tcp://",
        "tcp://:9100",
        "tcp://host:99999",
        "tcp://host:0",
        "tcp://host:port",
        "tcp://host/queue",
        "tcp://user:secret@host",
        "tcp://host#x",
        "tcp://host?colour=red",
        "tcp://host?timeout=5",
        "tcp://host?timeout=1&timeout=2",
        "usb://04b8",
        "usb://xyz:0001",
        "usb://0000:0e15",
        "usb://04b8:0e15/1",
        "usb://04b8:0e15?in_ep=0x100",
        "serial://dev/ttyUSB0",
        "serial:///",
        "serial:///dev/ttyUSB0?baudrate=1234",
        "serial:///dev/ttyUSB0?baudrate=fast",
        "file://lp0",
        "file:///dev/usb/lp0?baudrate=9600",
        "sim://printer",
        "sim://?timeout=1",
    ],
)
def test_a_bad_url_is_a_value_error_with_a_plain_message(url) -> None:
    with pytest.raises(ValueError) as caught:
        parse_printer_url(url)
    message = str(caught.value)
    assert message and "\n" not in message and "Traceback" not in message


@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        ({"paper_mm": 57}, "paper width"),
        ({"profile": "TM-NOPE"}, "unknown printer profile"),
        ({"colour": "red"}, "no option 'colour'"),
        ({"columns": 5}, "columns"),
    ],
)
def test_bad_options_are_value_errors(arguments, match) -> None:
    with pytest.raises(ValueError, match=match):
        create_printer("tcp://192.0.2.10", **arguments)
