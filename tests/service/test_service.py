"""The kiosk as systemd runs it (issue 13): READY=1 and the watchdog from the main loop, a clean
stop on SIGTERM, a calm end on a crash with its fingerprint sent, the safe mode after three."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fleet.protocol import event_topic, health_topic, state_topic
from kiosk.supervision import SAFE_MODE_CRASHES

from support.mosquitto import Broker, Listener
from support.sites import fleet_site

pytestmark = pytest.mark.gui

SITE, KIOSK = "demo", "demo-borne-1"
KIOSK_COMMAND = Path(sys.executable).parent / "kiosk"
CRASHING = Path(__file__).parents[1] / "support" / "crashing_kiosk.py"


class Notifications:
    """The service manager's side of sd_notify: a datagram socket that keeps what it receives."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(str(path))
        self.received: list[str] = []

    def wait_for(self, message: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while message not in self.received:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {message} in {timeout} s; got {self.received}")
            self.socket.settimeout(remaining)
            try:
                self.received.append(self.socket.recv(256).decode())
            except TimeoutError:
                continue


@pytest.fixture
def service(display: str, tmp_path: Path) -> Iterator[tuple[dict[str, str], Notifications]]:
    notifications = Notifications(tmp_path / "notify")
    environment = {**os.environ, "DISPLAY": display, "KIOSK_SILENT": "1", "HOME": str(tmp_path)}
    environment |= {
        "NOTIFY_SOCKET": str(notifications.path),
        "WATCHDOG_USEC": "1000000",
        "STATE_DIRECTORY": str(tmp_path / "state"),
    }
    yield environment, notifications
    notifications.socket.close()


def test_ready_watchdog_and_a_clean_stop_on_sigterm(
    service: tuple[dict[str, str], Notifications], mosquitto: Broker, tmp_path: Path
) -> None:
    environment, notifications = service
    watcher = Listener(mosquitto, (state_topic(SITE, KIOSK),))
    journal = tmp_path / "stderr.log"
    with journal.open("w") as stderr:
        process = subprocess.Popen(
            [str(KIOSK_COMMAND), "run", "--config", str(fleet_site(tmp_path, mosquitto))],
            env=environment,
            stderr=stderr,
        )
    try:
        notifications.wait_for("READY=1")
        notifications.wait_for("WATCHDOG=1")
        watcher.wait_for(lambda m: b'"ready"' in m.payload, timeout=30)
        stopped_at = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
        assert time.monotonic() - stopped_at < 5
        notifications.wait_for("STOPPING=1")
        watcher.wait_for(lambda m: b'"disconnected"' in m.payload)
        # Xvfb has no graphics chip: the journal says the screen is drawn in software.
        assert "the screen is drawn by the processor (" in journal.read_text()
    finally:
        process.kill()
        watcher.close()


def test_crashes_are_reported_and_three_switch_to_the_safe_mode(
    service: tuple[dict[str, str], Notifications], mosquitto: Broker, tmp_path: Path
) -> None:
    environment, _notifications = service
    config = fleet_site(tmp_path, mosquitto)
    events = Listener(
        mosquitto, (event_topic(SITE, KIOSK), health_topic(SITE, KIOSK), state_topic(SITE, KIOSK))
    )
    try:
        for _ in range(SAFE_MODE_CRASHES):
            run = subprocess.run(
                [sys.executable, str(CRASHING), str(config)],
                env=environment,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert run.returncode == 1 and "Traceback" not in run.stderr and "EXEMPLE" not in run.stderr
            assert "crash PlantedFault" in run.stderr
        crashes = events.wait_until(
            lambda got: sum(b'"app_crash"' in m.payload for m in got) == SAFE_MODE_CRASHES, timeout=30
        )
        reported = [json.loads(m.payload) for m in crashes if b'"app_crash"' in m.payload]
        assert {crash["error"] for crash in reported} == {"PlantedFault"}
        assert len({crash["fingerprint"] for crash in reported}) == 1  # the same fault, the same name
        assert all(b"EXEMPLE" not in m.payload for m in crashes)
        restarts = [json.loads(m.payload) for m in crashes if b'"app_restart"' in m.payload]
        assert restarts[0]["reason"] == "boot" and restarts[-1]["reason"] == "crash"
        assert restarts[-1]["fingerprint"] == reported[0]["fingerprint"]
        process = subprocess.Popen([str(KIOSK_COMMAND), "run", "--config", str(config)], env=environment)
        try:
            # A slow machine may take a while to start the kiosk: wait for what it says, not a time.
            events.wait_for(
                lambda m: m.topic.endswith("/state") and b'"reason":"safe_mode"' in m.payload, timeout=90
            )
            events.wait_for(lambda m: m.topic.endswith("/health") and b'"safe_mode"' in m.payload, timeout=30)
            process.send_signal(signal.SIGTERM)
            assert process.wait(10) == 0
        finally:
            process.kill()
    finally:
        events.close()
