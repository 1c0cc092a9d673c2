"""Receipt printing: ESC/POS bytes through python-escpos, to a real TCP printer socket, and faults."""

from __future__ import annotations

import socket
import threading

import pytest

from devices.escpos_printer import NetworkReceiptPrinter, to_bytes
from devices.receipt import (
    LineStyle,
    PrinterError,
    PrinterFault,
    ReceiptDocument,
    ReceiptLine,
    receipt_text,
)
from devices.simulators import SimulatedPrinter

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
    assert b"\x1dv0" in data  # the QR code, rendered as a raster image


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
    NetworkReceiptPrinter("127.0.0.1", port, timeout=5).print_receipt(DOCUMENT)
    thread.join(timeout=5)
    server.close()
    assert bytes(received) == to_bytes(DOCUMENT)


def test_network_printer_offline_is_a_printer_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(PrinterError) as caught:
        NetworkReceiptPrinter("127.0.0.1", port, timeout=2).print_receipt(DOCUMENT)
    assert caught.value.fault is PrinterFault.OFFLINE
