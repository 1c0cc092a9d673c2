"""The production broker configuration (TLS) and the other transports, with a real Mosquitto."""

from __future__ import annotations

import os
import pwd
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fleet.agent import FleetAgent
from fleet.protocol import DeviceFault, account_name, parse_state, state_topic

from support.agents import RecordingKiosk, agent_settings
from support.mosquitto import (
    DEPLOY,
    Broker,
    Listener,
    add_account,
    add_dashboard_account,
    free_port,
    make_certificates,
)

SITE, KIOSK = "mairie-test", "borne-1"


@pytest.fixture
def production_broker(tmp_path: Path) -> Iterator[Broker]:
    """deploy/mosquitto/mosquitto.conf with its paths moved into the test's directory."""
    directory = tmp_path / "production"
    directory.mkdir()
    certificates = make_certificates(directory)
    broker = Broker(directory, password_file=directory / "passwords")
    broker.password_file.touch(mode=0o600)  # type: ignore[union-attr]
    config = (DEPLOY / "mosquitto.conf").read_text()
    for production, test in {
        "pid_file /run/mosquitto/mosquitto.pid": f"pid_file {directory}/mosquitto.pid",
        "password_file /etc/mosquitto/passwords": f"password_file {broker.password_file}",
        "acl_file /etc/mosquitto/acl": f"acl_file {DEPLOY / 'acl'}",
        "persistence_location /var/lib/mosquitto/": f"persistence_location {directory}/",
        "log_dest syslog": "log_dest stderr",
        "listener 8883\n": f"listener {broker.port} 127.0.0.1\n",
        "certfile /etc/mosquitto/certs/fleet.crt": f"certfile {certificates.certificate}",
        "keyfile /etc/mosquitto/certs/fleet.key": f"keyfile {certificates.key}",
    }.items():
        assert production in config, f"deploy/mosquitto/mosquitto.conf no longer has {production!r}"
        config = config.replace(production, test)
    broker.config_file = directory / "mosquitto.conf"
    broker.config_file.write_text(f"user {pwd.getpwuid(os.getuid()).pw_name}\n{config}")
    add_account(broker, account_name(SITE, KIOSK), "kiosk-secret")
    add_dashboard_account(broker, "fleet-dashboard", "dashboard-secret")
    yield broker.start()
    broker.stop()


def test_a_kiosk_reaches_the_production_broker_over_tls(
    production_broker: Broker, listeners: list[Listener], tmp_path: Path
) -> None:
    ca_file = production_broker.directory / "ca.crt"
    dashboard = Listener(
        production_broker, ("kiosk/v1/#",), "fleet-dashboard", "dashboard-secret", ca_file=ca_file
    )
    listeners.append(dashboard)
    password_file = tmp_path / "password"
    password_file.write_text("kiosk-secret\n")
    settings = agent_settings(
        f"mqtts://127.0.0.1:{production_broker.port}",
        tmp_path / "agent",
        username=account_name(SITE, KIOSK),
        password_file=password_file,
        ca_file=ca_file,
    )
    agent = FleetAgent(settings, RecordingKiosk()).start()
    try:
        birth = dashboard.wait_for(lambda message: message.topic == state_topic(SITE, KIOSK))
        assert parse_state(birth.payload).state == "ready"
    finally:
        agent.stop()


def test_without_the_right_ca_a_kiosk_stays_out_but_runs_on(
    production_broker: Broker, tmp_path: Path
) -> None:
    settings = agent_settings(f"mqtts://127.0.0.1:{production_broker.port}", tmp_path / "agent")
    agent = FleetAgent(settings, RecordingKiosk()).start()
    try:
        # A negative can only be waited for: a second is several attempts on localhost.
        assert not agent.wait_until_connected(1.0)
        # The kiosk's events still go somewhere: the outbox, for when the CA is fixed.
        agent.publish_event(DeviceFault(device="printer", detail="paper_out"))
        deadline = time.monotonic() + 10
        while agent.queued_events < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert agent.queued_events == 1
    finally:
        agent.stop(timeout=1)


def test_a_kiosk_reaches_a_broker_over_websockets(tmp_path: Path, listeners: list[Listener]) -> None:
    directory = tmp_path / "ws"
    directory.mkdir()
    broker = Broker(directory, websocket_port=free_port()).start()
    try:
        dashboard = Listener(broker, (state_topic(SITE, KIOSK),))
        listeners.append(dashboard)
        settings = agent_settings(f"ws://127.0.0.1:{broker.websocket_port}/mqtt", tmp_path / "agent")
        agent = FleetAgent(settings, RecordingKiosk()).start()
        try:
            assert parse_state(dashboard.wait_for(lambda _message: True).payload).state == "ready"
        finally:
            agent.stop()
    finally:
        broker.stop()


def test_add_kiosk_is_idempotent_and_hands_out_a_password(tmp_path: Path) -> None:
    passwords = tmp_path / "passwords"
    output = tmp_path / "kiosk-password"
    add_kiosk = [str(DEPLOY / "add-kiosk"), "--password-file", str(passwords), "--no-reload"]
    first = subprocess.run([*add_kiosk, "--output", str(output), "mairie-a", "borne-1"], capture_output=True)
    assert first.returncode == 0, first.stderr
    password = output.read_text().strip()
    assert len(password) >= 30 and oct(output.stat().st_mode & 0o777) == "0o600"
    hashed = passwords.read_text()
    assert hashed.startswith("mairie-a/borne-1:") and password not in hashed
    again = subprocess.run([*add_kiosk, "mairie-a/borne-1"], capture_output=True, text=True)
    assert again.returncode == 0 and "already" in again.stdout
    assert passwords.read_text() == hashed
    rotated = subprocess.run([*add_kiosk, "--rotate", "mairie-a", "borne-1"], capture_output=True, text=True)
    assert rotated.returncode == 0 and rotated.stdout.strip() != password
    assert passwords.read_text() != hashed and passwords.read_text().count("\n") == 1
    for wrong in (["mairie-a"], ["Mairie", "b"], ["a", "b+"], ["a/b", "c"], ["a", "#"]):
        assert subprocess.run([*add_kiosk, *wrong], capture_output=True).returncode == 2, wrong
