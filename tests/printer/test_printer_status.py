"""Status through DLE EOT and the faults of a real printer, against the fake network printer:
checked before printing (nothing sent) and after (``during``), a dropped connection, a printer
that never answers, and the transports whose driver is missing."""

from __future__ import annotations

import errno
import socket
import time

import pytest
from escpos.exceptions import DeviceNotFoundError

from devices.printer import PaperState, PrinterError, PrinterFault, ReceiptDocument, ReceiptLine
from devices.printer.driver import TransportLost, error_code
from devices.printer.file import FileReceiptPrinter
from devices.printer.layout import to_bytes
from devices.printer.network import NetworkReceiptPrinter
from devices.printer.serial import SerialReceiptPrinter
from devices.printer.status import OFFLINE_CAUSE, PAPER_SENSOR, PRINTER_STATUS, parse_status
from devices.printer.usb import UsbReceiptPrinter

from support.fake_printer import FakeNetworkPrinter

DOCUMENT = ReceiptDocument(lines=[ReceiptLine(f"Ligne {n} : démarche, pièces, coût 25 €") for n in range(40)])
#: What a printer is asked before printing: its status, the offline cause, the paper sensor.
STATUS_QUESTIONS = PRINTER_STATUS + OFFLINE_CAUSE + PAPER_SENSOR


def printer_for(fake: FakeNetworkPrinter, timeout: float = 1.0) -> NetworkReceiptPrinter:
    return NetworkReceiptPrinter("127.0.0.1", fake.port, timeout=timeout)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- reading the answers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("online", "cover_open", "paper", "expected"),
    [
        (True, False, "ok", (True, False, PaperState.OK, None)),
        (True, False, "near_end", (True, False, PaperState.NEAR_END, None)),
        (True, False, "out", (False, False, PaperState.OUT, PrinterFault.PAPER_OUT)),
        (True, True, "ok", (False, True, PaperState.OK, PrinterFault.COVER_OPEN)),
        (False, False, "ok", (False, False, PaperState.OK, PrinterFault.OFFLINE)),
    ],
)
def test_status_is_read_with_dle_eot(fake_printer, online, cover_open, paper, expected) -> None:
    fake_printer.online, fake_printer.cover_open, fake_printer.paper = online, cover_open, paper
    status = printer_for(fake_printer).status()
    assert (status.online, status.cover_open, status.paper, status.fault) == expected
    assert fake_printer.requests == [1, 2, 4] and status.address == fake_printer.url


def test_answers_are_checked_for_their_fixed_bits() -> None:
    assert parse_status(0x12, 0x12, 0x12, "x").fault is None
    stray = parse_status(0xFF, None, 0x00, "x")  # not status bytes: unknown, not a fault
    assert (stray.online, stray.paper, stray.fault, stray.detail) == (
        None,
        PaperState.UNKNOWN,
        None,
        "no_answer",
    )
    # Printing stopped at the paper's end (DLE EOT 2, bit 5) is paper out, whatever the sensor says.
    assert parse_status(0x1A, 0x32, 0x12, "x").paper is PaperState.OUT


def test_an_unreachable_printer_is_offline_with_the_reason() -> None:
    status = NetworkReceiptPrinter("127.0.0.1", free_port(), timeout=1).status()
    assert (status.online, status.fault, status.detail) == (False, PrinterFault.OFFLINE, "connection_refused")


def test_a_printer_that_never_answers_is_unknown_and_still_prints(fake_printer) -> None:
    fake_printer.answers = False
    printer = printer_for(fake_printer, timeout=0.2)
    started = time.monotonic()
    status = printer.status()
    assert (status.online, status.paper, status.fault, status.detail) == (
        None,
        PaperState.UNKNOWN,
        None,
        "no_answer",
    )
    assert time.monotonic() - started < 1.0  # one unanswered question, not three
    printer.print_receipt(DOCUMENT)
    assert fake_printer.wait_for_receipts(1) == [to_bytes(DOCUMENT)]


# -- faults before, during and after -------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "fault"),
    [
        (("paper", "out"), PrinterFault.PAPER_OUT),
        (("online", False), PrinterFault.OFFLINE),
        (("cover_open", True), PrinterFault.COVER_OPEN),
    ],
)
def test_a_fault_before_printing_sends_nothing(fake_printer, setting, fault) -> None:
    setattr(fake_printer, *setting)
    with pytest.raises(PrinterError) as caught:
        printer_for(fake_printer).print_receipt(DOCUMENT)
    assert (caught.value.fault, caught.value.during) == (fault, False)
    time.sleep(0.05)
    assert bytes(fake_printer.received) == STATUS_QUESTIONS and fake_printer.receipts == []


def test_paper_near_end_still_prints(fake_printer) -> None:
    fake_printer.paper = "near_end"
    printer_for(fake_printer).print_receipt(DOCUMENT)
    assert fake_printer.wait_for_receipts(1) == [to_bytes(DOCUMENT)]


def test_paper_that_runs_out_while_printing_is_a_fault_during(fake_printer) -> None:
    fake_printer.paper_out_after = 200
    with pytest.raises(PrinterError) as caught:
        printer_for(fake_printer).print_receipt(DOCUMENT)
    assert (caught.value.fault, caught.value.during) == (PrinterFault.PAPER_OUT, True)
    assert fake_printer.requests == [1, 2, 4, 1, 2, 4]  # asked before, and after sending


def test_a_connection_dropped_mid_receipt_is_offline_during(fake_printer) -> None:
    fake_printer.drop_after = 300
    with pytest.raises(PrinterError) as caught:
        printer_for(fake_printer).print_receipt(DOCUMENT)
    assert (caught.value.fault, caught.value.during) == (PrinterFault.OFFLINE, True)
    assert caught.value.detail == "connection_lost"
    received = fake_printer.wait_for_receipts(1)[0]
    assert 300 <= len(received) < len(to_bytes(DOCUMENT))


def test_an_unreachable_printer_fails_before_anything_is_sent() -> None:
    with pytest.raises(PrinterError) as caught:
        NetworkReceiptPrinter("127.0.0.1", free_port(), timeout=1).print_receipt(DOCUMENT)
    assert (caught.value.fault, caught.value.during, caught.value.detail) == (
        PrinterFault.OFFLINE,
        False,
        "connection_refused",
    )


def test_a_document_that_cannot_be_laid_out_is_refused_before_connecting(fake_printer) -> None:
    from devices.printer import ReceiptPart

    bad = ReceiptDocument(lines=[], translation=ReceiptPart("ar", [ReceiptLine("نص")], right_to_left=True))
    with pytest.raises(ValueError):
        printer_for(fake_printer).print_receipt(bad)
    assert fake_printer.connections == 0


def test_a_paper_reload_is_seen_by_the_next_status(fake_printer) -> None:
    printer = printer_for(fake_printer)
    fake_printer.paper = "out"
    assert printer.status().fault is PrinterFault.PAPER_OUT
    fake_printer.paper = "ok"
    assert printer.status().fault is None
    printer.print_receipt(DOCUMENT)


# -- the other transports ------------------------------------------------------------------


def test_usb_and_serial_without_their_driver_are_unusable_not_crashing(monkeypatch) -> None:
    from escpos.printer import Serial, Usb

    monkeypatch.setattr(Usb, "is_usable", staticmethod(lambda: False))
    monkeypatch.setattr(Serial, "is_usable", staticmethod(lambda: False))
    for printer in (UsbReceiptPrinter(0x04B8, 0x0E15), SerialReceiptPrinter("/dev/ttyUSB0", 19200)):
        assert not printer.is_usable()
        status = printer.status()
        assert (status.online, status.fault, status.detail) == (False, PrinterFault.OFFLINE, "driver_missing")
        with pytest.raises(PrinterError) as caught:
            printer.print_receipt(DOCUMENT)
        assert (caught.value.fault, caught.value.during, caught.value.detail) == (
            PrinterFault.OFFLINE,
            False,
            "driver_missing",
        )
    assert UsbReceiptPrinter(0x04B8, 0x0E15).address == "usb://04b8:0e15"


def test_a_file_printer_writes_the_bytes_and_cannot_read_a_status(tmp_path) -> None:
    target = tmp_path / "lp0"
    printer = FileReceiptPrinter(str(target))
    status = printer.status()
    assert (status.online, status.cover_open, status.paper, status.fault) == (
        None,
        None,
        PaperState.UNKNOWN,
        None,
    )
    printer.print_receipt(DOCUMENT)
    assert target.read_bytes() == to_bytes(DOCUMENT)
    missing = FileReceiptPrinter(str(tmp_path / "no" / "lp0"))
    assert missing.status().detail == "not_found"
    with pytest.raises(PrinterError) as caught:
        missing.print_receipt(DOCUMENT)
    assert (caught.value.fault, caught.value.during, caught.value.detail) == (
        PrinterFault.OFFLINE,
        False,
        "not_found",
    )


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ConnectionRefusedError(errno.ECONNREFUSED, "refused"), "connection_refused"),
        (BrokenPipeError(errno.EPIPE, "pipe"), "connection_lost"),
        (PermissionError(errno.EACCES, "denied"), "permission_denied"),
        (OSError(errno.EACCES, "Access denied (insufficient permissions)"), "permission_denied"),  # pyusb's
        (OSError(errno.ENODEV, "No such device"), "not_found"),
        (TimeoutError(), "timeout"),
        (TransportLost("connection_lost"), "connection_lost"),
        (DeviceNotFoundError("USB device not found"), "not_found"),
        (OSError(errno.EIO, "I/O error"), "io_error"),
    ],
)
def test_transport_errors_become_short_codes(error, code) -> None:
    assert error_code(error) == code


def test_a_wrapped_error_is_read_through_its_cause() -> None:
    try:
        try:
            raise ConnectionRefusedError(errno.ECONNREFUSED, "refused")
        except OSError as inner:
            raise DeviceNotFoundError("Could not open socket") from inner
    except DeviceNotFoundError as outer:
        assert error_code(outer) == "connection_refused"
