"""``kiosk-fleet simulate``: simulated kiosks that behave, agents in one process or several."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from fleet import cli
from fleet.protocol import (
    CommandReply,
    HelpAckCommand,
    HelpAcknowledged,
    KioskHealth,
    MaintenanceEnterCommand,
    RestartCommand,
    TestPrintCommand,
    parse_health,
)
from fleet.simulation import FleetSimulation, SimulatedKiosk, SimulationOptions, identities

from support.mosquitto import Broker, Listener


def answer(kiosk: SimulatedKiosk, command) -> CommandReply:  # type: ignore[no-untyped-def]
    replies: list[CommandReply] = []
    kiosk.on_command(command, replies.append)
    (reply,) = replies
    return reply


def test_a_simulated_kiosk_lives_a_plausible_day() -> None:
    kiosk = SimulatedKiosk("site-001", "kiosk-00001", random.Random(7), pace=1000)
    kinds: list[str] = []
    for _ in range(2000):
        kinds += [event.kind for event in kiosk.tick(1.0)]
    assert "session" in kinds and "help_request" in kinds
    assert isinstance(kiosk.health(), KioskHealth)


def test_a_simulated_kiosk_obeys_like_the_real_one() -> None:
    kiosk = SimulatedKiosk("site-001", "kiosk-00001", random.Random(1), pace=1000)
    while not kiosk.health().in_session:
        kiosk.tick(1.0)
    assert answer(kiosk, RestartCommand()).code == "in_session"
    assert answer(kiosk, RestartCommand(force=True)).ok
    assert answer(kiosk, MaintenanceEnterCommand()).ok and kiosk.health().screen == "maintenance"
    assert answer(kiosk, HelpAckCommand(request_id="ab" * 16)).ok
    assert any(isinstance(event, HelpAcknowledged) for event in kiosk.tick(0.1))
    assert answer(kiosk, TestPrintCommand()).ok


def test_kiosks_spread_evenly_over_sites() -> None:
    members = identities(5, 2)
    assert members[:3] == [
        ("site-001", "kiosk-00001"),
        ("site-002", "kiosk-00002"),
        ("site-001", "kiosk-00003"),
    ]
    assert len(set(members)) == 5


def test_simulate_runs_agents_that_report(
    mosquitto: Broker, listeners: list[Listener], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dashboard = Listener(mosquitto, ("kiosk/v1/+/+/health",))
    listeners.append(dashboard)
    arguments = ["--log-level", "WARNING", "simulate", "--broker", mosquitto.url, "--kiosks", "3"]
    arguments += ["--sites", "2", "--interval", "0.2", "--duration", "1.5", "--data-dir", str(tmp_path)]
    assert cli.main(arguments) == 0
    received = dashboard.wait_until(lambda messages: len({m.topic for m in messages}) == 3)
    assert {message.topic.split("/")[2] for message in received} == {"site-001", "site-002"}
    assert all(parse_health(message.payload).app_version for message in received)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("simulating 3 kiosks on 2 site(s) in 1 process")
    assert lines[-1].startswith("3/3 connected")


def test_a_larger_simulation_spreads_over_processes(mosquitto: Broker, tmp_path: Path) -> None:
    options = SimulationOptions(
        broker=mosquitto.url, kiosks=4, interval=0.5, data_dir=tmp_path, agents_per_process=2
    )
    simulation = FleetSimulation(options).start()
    try:
        assert len(simulation.processes) == 2
        deadline = time.monotonic() + 30
        while simulation.report().connected < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert simulation.report().connected == 4
    finally:
        report = simulation.stop()
    assert report.agents == 4 and report.messages_sent > 0
    assert all(process.exitcode is not None for process in simulation.processes)
