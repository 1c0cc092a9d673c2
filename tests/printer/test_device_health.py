"""Device health: a printer's state as short codes, and the monitor that polls it off the UI
thread and notices a printer that comes back without a restart."""

from __future__ import annotations

import socket
import threading
import time

from devices.health import DeviceHealth, HealthMonitor, printer_health
from devices.printer.factory import create_printer
from devices.printer.simulated import SimulatedPrinter


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_printer_health_in_short_codes() -> None:
    printer = SimulatedPrinter()
    assert printer_health(printer) == DeviceHealth("printer", True, True, "ok")
    printer.set_paper("near_end")
    assert printer_health(printer) == DeviceHealth("printer", True, True, "paper_near_end")
    printer.set_paper("out")
    health = printer_health(printer)
    assert (health.present, health.ready, health.detail, health.last_error) == (
        True,
        False,
        "paper_out",
        "paper_out",
    )
    assert health.last_error_at is not None


def test_an_unreachable_printer_is_not_present() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    health = printer_health(create_printer(f"tcp://127.0.0.1:{port}", timeout=1))
    assert (health.present, health.ready, health.detail) == (False, False, "connection_refused")


def test_a_paper_out_printer_turns_ready_after_a_reload_without_a_restart(fake_printer) -> None:
    printer = create_printer(fake_printer.url, timeout=1)
    fake_printer.paper = "out"
    changes: list[DeviceHealth] = []
    monitor = HealthMonitor(
        {"printer": lambda: printer_health(printer)}, interval=0.05, on_change=changes.append
    )
    with monitor:
        wait_until(lambda: monitor.get("printer").detail == "paper_out")
        assert not monitor.get("printer").ready and monitor.get("printer").present
        fake_printer.paper = "ok"  # the mediator reloads the paper
        wait_until(lambda: monitor.get("printer").ready)
        now = monitor.get("printer")
        assert (now.detail, now.last_error) == ("ok", "paper_out")  # the last fault is remembered
        thread = monitor._thread
    assert thread is not None and not thread.is_alive()  # close() stopped it
    assert [change.detail for change in changes] == ["paper_out", "ok"]


def test_reads_never_wait_for_a_slow_device() -> None:
    release = threading.Event()

    def slow() -> DeviceHealth:
        release.wait(5)
        return DeviceHealth("card_reader", True, True)

    monitor = HealthMonitor({"card_reader": slow}, interval=10).start()
    try:
        started = time.monotonic()
        assert monitor.get("card_reader").detail == "not_polled"
        assert monitor.snapshot() == {}
        assert time.monotonic() - started < 0.5
        release.set()
        wait_until(lambda: monitor.get("card_reader").ready)
    finally:
        monitor.close()


def test_a_broken_source_is_reported_and_the_others_still_polled() -> None:
    def broken() -> DeviceHealth:
        raise RuntimeError("bug")

    monitor = HealthMonitor({"camera": broken, "printer": lambda: printer_health(SimulatedPrinter())})
    snapshot = monitor.poll_now()
    assert (snapshot["camera"].present, snapshot["camera"].detail) == (False, "source_error")
    assert snapshot["printer"].ready


def test_poll_soon_does_not_wait_for_the_interval() -> None:
    printer = SimulatedPrinter()
    printer.set_paper("out")
    monitor = HealthMonitor({"printer": lambda: printer_health(printer)}, interval=60).start()
    try:
        wait_until(lambda: monitor.get("printer").detail == "paper_out")
        printer.set_paper("ok")
        monitor.poll_soon()
        wait_until(lambda: monitor.get("printer").ready, timeout=2)
    finally:
        monitor.close()
