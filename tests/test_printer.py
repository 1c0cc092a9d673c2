"""Receipt printing: ESC/POS bytes through python-escpos, to a real TCP printer socket, and faults.

The printer library's fuller tests (code page, widths, QR codes, the citizen's language, status,
the contract every printer keeps, the factory, health) are in tests/printer/.
"""

from __future__ import annotations

import socket
import threading

import pytest

from devices.printer import (
    LineStyle,
    PrinterError,
    PrinterFault,
    ReceiptDocument,
    ReceiptLine,
    receipt_text,
)
from devices.printer.layout import to_bytes
from devices.printer.network import NetworkReceiptPrinter
from devices.printer.profile import printer_profile
from devices.printer.simulated import SimulatedPrinter

DOCUMENT = ReceiptDocument(
    lines=[
        ReceiptLine("Passeport", LineStyle.TITLE),
        ReceiptLine("Photo", LineStyle.MISSING),
        ReceiptLine("Timbre fiscal", LineStyle.CHECKED),
    ],
    qr_url="https://www.service-public.gouv.fr/particuliers/vosdroits/F14929",
    qr_caption="Continuer chez vous",
    footer=["Source : fiche F14929"],
)


def test_escpos_bytes_initialise_style_and_cut() -> None:
    data = to_bytes(DOCUMENT)
    assert b"\x1b\x45\x01" in data  # bold on for the title
    assert b"[ ] Photo" in data and b"[x] Timbre fiscal" in data
    assert data.endswith(b"\x1dV\x00")  # full cut, last
    assert b"\x1d(k" in data  # the QR code, drawn by the 80 mm printer itself (GS ( k)
    assert b"\x1dv0" in to_bytes(DOCUMENT, printer_profile(58))  # a raster image on a 58 mm POS-58


def test_text_preview_shows_marks_and_fits_the_paper() -> None:
    text = receipt_text(DOCUMENT)
    assert "[ ] Photo" in text and "[x] Timbre fiscal" in text
    assert max(len(line) for line in text.splitlines()) <= 42


def test_simulator_records_bytes_and_runs_out_of_paper() -> None:
    printer = SimulatedPrinter()
    printer.print_receipt(DOCUMENT)
    assert list(printer.printed) == [to_bytes(DOCUMENT)]
    printer.set_paper("out")
    with pytest.raises(PrinterError) as caught:
        printer.print_receipt(DOCUMENT)
    assert caught.value.fault is PrinterFault.PAPER_OUT


def test_network_printer_sends_the_bytes_to_a_printer_socket() -> None:
    """A bare socket that never answers DLE EOT: the status is unknown (not a fault), so the
    receipt goes out, between the two status requests that went unanswered."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    received = bytearray()

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            while chunk := connection.recv(65536):
                received.extend(chunk)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    NetworkReceiptPrinter("127.0.0.1", port, timeout=0.2).print_receipt(DOCUMENT)
    thread.join(timeout=5)
    server.close()
    request = b"\x10\x04\x01"  # DLE EOT 1: the printer's status, asked before and after
    assert bytes(received) == request + to_bytes(DOCUMENT) + request


def test_network_printer_offline_is_a_printer_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(PrinterError) as caught:
        NetworkReceiptPrinter("127.0.0.1", port, timeout=2).print_receipt(DOCUMENT)
    assert caught.value.fault is PrinterFault.OFFLINE and not caught.value.during
