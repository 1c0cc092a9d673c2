"""``kiosk print test`` and ``kiosk print status`` as plain functions: exit code and lines."""

from __future__ import annotations

import socket

from devices.printer.commands import print_test, printer_status

from support.fake_printer import text_lines


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{probe.getsockname()[1]}"


def test_status_of_a_ready_printer(fake_printer) -> None:
    code, lines = printer_status(fake_printer.url)
    assert code == 0 and lines[0] == f"printer {fake_printer.url}: ready"
    assert "paper: ok" in lines and "cover: closed" in lines


def test_status_out_of_paper_is_non_zero_with_one_clear_line(fake_printer) -> None:
    fake_printer.paper = "out"
    code, lines = printer_status(fake_printer.url)
    assert code == 1 and lines[0] == f"printer {fake_printer.url}: out of paper [paper_out]"


def test_status_of_an_unreachable_printer() -> None:
    url = closed_port_url()
    code, lines = printer_status(url)
    assert code == 1 and lines[0] == f"printer {url}: unreachable (connection refused) [connection_refused]"


def test_a_bad_url_is_a_usage_error() -> None:
    code, lines = printer_status("lpr://printer")
    assert code == 2 and len(lines) == 1 and "unknown printer scheme" in lines[0]


def test_print_test_prints_accents_the_euro_and_a_ruler(fake_printer) -> None:
    code, lines = print_test(fake_printer.url, paper_mm=58)
    assert code == 0 and lines[0] == f"printer {fake_printer.url}: test receipt printed"
    printed = text_lines(fake_printer.wait_for_receipts(1)[0])
    assert "12345678901234567890123456789012" in printed  # exactly 32 columns on 58 mm
    assert any("€" in line for line in printed)


def test_print_test_out_of_paper_prints_nothing(fake_printer) -> None:
    fake_printer.paper = "out"
    code, lines = print_test(fake_printer.url)
    assert code == 1 and lines == [f"printer {fake_printer.url}: out of paper [paper_out]", "nothing printed"]
    assert fake_printer.receipts == []


def test_print_test_on_an_unreachable_printer() -> None:
    code, lines = print_test(closed_port_url())
    assert code == 1 and "unreachable" in lines[0]


def test_print_test_on_the_simulator() -> None:
    assert print_test("sim://")[0] == 0
