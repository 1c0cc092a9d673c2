"""How each device is doing, polled off the UI thread: ``DeviceHealth``, ``HealthMonitor``, sources.

A source is a callable that asks one device how it is (it may block: a network printer's status
takes up to a few seconds) and returns a ``DeviceHealth``. The monitor calls its sources on its
own thread every ``interval`` seconds and keeps the latest answer per device, so the UI, the
mediator's screen and the fleet agent read a snapshot that never blocks. A device that comes
back (paper reloaded, cable plugged in) shows as ready at the next poll, without a restart.
Details and errors are short codes ("paper_out", "connection_refused"), never sentences: the
application words them.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from devices.idcard.types import CardReader
from devices.printer.types import PaperState, PrinterFault, ReceiptPrinter

log = logging.getLogger(__name__)

#: Seconds between two polls, by default (the fleet's health period).
POLL_INTERVAL = 30.0


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class DeviceHealth:
    """One device's state at one poll."""

    #: The device's name in the kiosk ("printer", "card_reader", "screen").
    device: str
    #: It is there: driver installed, reachable, answering.
    present: bool
    #: It can do its job now (present, and no fault such as paper out).
    ready: bool
    #: A short code: "ok", "paper_near_end", "paper_out", "cover_open", "connection_refused", ...
    detail: str = "ok"
    #: The last fault's code, kept after the device recovers, and when it was seen (UTC).
    last_error: str | None = None
    last_error_at: dt.datetime | None = None


HealthSource = Callable[[], DeviceHealth]


def printer_health(
    printer: ReceiptPrinter, device: str = "printer", now: Callable[[], dt.datetime] = utc_now
) -> DeviceHealth:
    """The printer's health from its status (blocks as ``printer.status()`` does).

    Not present: no driver, or unreachable (the status carries the transport's code). Present
    but not ready: the printer answered with a fault (paper out, cover open, offline).
    """
    status = printer.status() if printer.is_usable() else None
    if status is None:
        return DeviceHealth(device, False, False, "driver_missing", "driver_missing", now())
    fault = status.fault
    # Offline with a transport code: nothing answered. Offline without one: the printer said so.
    unreachable = fault is PrinterFault.OFFLINE and bool(status.detail)
    if fault is None:
        detail = "paper_near_end" if status.paper is PaperState.NEAR_END else (status.detail or "ok")
        return DeviceHealth(device, True, True, detail)
    detail = status.detail if unreachable else fault.value
    return DeviceHealth(device, not unreachable, False, detail, detail, now())


def card_reader_health(
    reader: CardReader, device: str = "card_reader", now: Callable[[], dt.datetime] = utc_now
) -> DeviceHealth:
    """The card reader's health: its driver (for PC/SC, pcscd) answers and a reader is plugged in."""
    if not reader.is_usable():
        return DeviceHealth(device, False, False, "driver_missing", "driver_missing", now())
    if not reader.readers():
        return DeviceHealth(device, False, False, "no_reader", "no_reader", now())
    return DeviceHealth(device, True, True)


def screen_health(drawn_in_software: bool, device: str = "screen") -> DeviceHealth:
    """The screen's health: it works either way, but drawn by the processor (no graphics driver)
    every screen change is slower, which IT staff want to know ("drawn_in_software")."""
    return DeviceHealth(device, True, True, "drawn_in_software" if drawn_in_software else "ok")


class HealthMonitor:
    """Polls health sources on its own daemon thread and keeps the latest state of each device.

    Threads: ``start`` starts the polling thread; sources and ``on_change`` are called on it.
    ``snapshot``, ``get``, ``poll_soon`` and ``close`` may be called from any thread and never
    wait for a device (``close`` waits for the current poll to end, up to its timeout).
    ``poll_now`` polls on the caller's thread (tests, ``kiosk doctor``).
    """

    def __init__(
        self,
        sources: Mapping[str, HealthSource],
        interval: float = POLL_INTERVAL,
        on_change: Callable[[DeviceHealth], None] | None = None,
        now: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        if interval <= 0:
            raise ValueError("interval must be more than 0 s")
        self._sources = dict(sources)
        self.interval = interval
        self._on_change = on_change
        self._now = now
        self._lock = threading.Lock()
        self._latest: dict[str, DeviceHealth] = {}
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> HealthMonitor:
        """Start polling (the first poll at once); returns the monitor."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="device-health", daemon=True)
            self._thread.start()
        return self

    def __enter__(self) -> HealthMonitor:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.poll_now()
            self._wake.wait(self.interval)
            self._wake.clear()

    def poll_soon(self) -> None:
        """Poll without waiting for the interval to end (after the paper was reloaded, say)."""
        self._wake.set()

    def poll_now(self) -> dict[str, DeviceHealth]:
        """Ask every source once, on this thread; returns the new snapshot."""
        for name, source in self._sources.items():
            if self._stop.is_set():
                break
            try:
                health = source()
            except Exception:  # noqa: BLE001 - a broken source is reported, never raised into the loop
                log.exception("health source %s failed", name)
                health = DeviceHealth(name, False, False, "source_error", "source_error", self._now())
            self._store(name, health)
        return self.snapshot()

    def _store(self, name: str, health: DeviceHealth) -> None:
        with self._lock:
            previous = self._latest.get(name)
            if health.last_error is None and previous is not None and previous.last_error is not None:
                health = replace(health, last_error=previous.last_error, last_error_at=previous.last_error_at)
            self._latest[name] = health
        changed = previous is None or (previous.present, previous.ready, previous.detail) != (
            health.present,
            health.ready,
            health.detail,
        )
        if changed and self._on_change is not None:
            try:
                self._on_change(health)
            except Exception:  # noqa: BLE001 - a listener's bug must not stop the polling
                log.exception("health listener failed for %s", name)

    def snapshot(self) -> dict[str, DeviceHealth]:
        """The latest state of each device polled so far."""
        with self._lock:
            return dict(self._latest)

    def get(self, device: str) -> DeviceHealth:
        """The latest state of ``device``; not present and not ready before its first poll."""
        with self._lock:
            return self._latest.get(device) or DeviceHealth(device, False, False, "not_polled")

    def close(self, timeout: float = 5.0) -> None:
        """Stop polling; waits up to ``timeout`` seconds for a poll in progress to end."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
