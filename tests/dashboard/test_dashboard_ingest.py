"""Ingestion end to end: a real Mosquitto, real agents (`kiosk-fleet simulate`) and `kiosk-fleet serve`."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx2
import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import func, select

from fleet import protocol
from fleet.dashboard.store import schema
from fleet.dashboard.store.database import open_database

from support.dashboard import ServeProcess, WebhookReceiver, add_user, create_token, wait_until
from support.mosquitto import Broker


@pytest.fixture
def admin_token(tmp_path: Path) -> tuple[str, str]:
    """A SQLite database with an admin, and the admin's API token."""
    database = f"sqlite:///{tmp_path / 'dashboard.sqlite3'}"
    add_user(database, "admin", "admin")
    return database, create_token(database, "admin")


@pytest.fixture
def serves() -> Iterator[list[ServeProcess]]:
    started: list[ServeProcess] = []
    yield started
    for serve in started:
        serve.stop()


def simulate(broker: Broker, log: Path, *arguments: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fleet.cli",
                "simulate",
                "--broker",
                broker.url,
                "--seed",
                "7",
                *arguments,
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def api(serve: ServeProcess, token: str, path: str) -> dict:  # type: ignore[type-arg]
    response = httpx2.get(f"{serve.url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    response.raise_for_status()
    return response.json()


def publisher(broker: Broker) -> mqtt.Client:
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    return client


def test_serve_shows_the_simulated_kiosks_and_their_clean_stop(
    mosquitto: Broker, admin_token: tuple[str, str], serves: list[ServeProcess], tmp_path: Path
) -> None:
    database, token = admin_token
    serve = ServeProcess(mosquitto.url, database, tmp_path / "serve.log").start()
    serves.append(serve)
    options = ("--kiosks", "6", "--sites", "2", "--interval", "0.5", "--pace", "60")
    agents = simulate(mosquitto, tmp_path / "simulate.log", *options)
    try:
        wait_until(lambda: api(serve, token, "/api/kiosks")["total"] == 6, what="six kiosks")
        wait_until(lambda: api(serve, token, "/api/usage")["days"], timeout=30, what="sessions")
        kiosk = api(serve, token, "/api/kiosks/site-001/kiosk-00001")
        assert kiosk["site"] == "site-001" and kiosk["state"] == "ready"
        assert {device["name"] for device in kiosk["devices"]} >= {"printer", "card_reader"}
        wait_until(
            lambda: api(serve, token, "/api/kiosks/site-001/kiosk-00001")["samples"], what="health history"
        )
    finally:
        agents.send_signal(signal.SIGTERM)
        agents.wait(30)
    wait_until(lambda: api(serve, token, "/api/kiosks?status=stopped")["total"] == 6, what="clean stops")


def session_event(number: int) -> tuple[str, bytes]:
    event = protocol.SessionStatistics(
        id=uuid.UUID(int=number).hex,
        duration_s=60.0,
        outcome=protocol.SessionOutcome.COMPLETED,
        language="fr",
        procedure="passeport",
    )
    return protocol.event_topic(f"site-{number % 3}", f"kiosk-{number % 20}"), protocol.encode(event)


def test_two_serve_processes_split_one_stream_and_count_each_event_once(
    mosquitto: Broker, postgres_url: str, serves: list[ServeProcess], tmp_path: Path
) -> None:
    add_user(postgres_url, "admin", "admin")
    token = create_token(postgres_url, "admin")
    for number in range(2):
        serves.append(ServeProcess(mosquitto.url, postgres_url, tmp_path / f"serve-{number}.log").start())
    client = publisher(mosquitto)
    # 400 events, and 100 of them sent again as an agent does after reconnecting.
    messages = [session_event(number) for number in range(400)] + [
        session_event(number) for number in range(100)
    ]
    for topic, payload in messages:
        client.publish(topic, payload, qos=1)
    client.loop_stop()
    client.disconnect()

    engine = open_database(postgres_url)

    def stored() -> int:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(schema.sessions)).scalar_one()

    def received() -> list[float]:
        return [serve.metric(token, "fleet_ingest_messages_total", {"kind": "event"}) for serve in serves]

    wait_until(lambda: sum(received()) == 500, what="500 messages received")
    wait_until(lambda: sum(serve.metric(token, "fleet_ingest_stored_total") for serve in serves) == 500)
    assert stored() == 400
    assert all(share > 0 for share in received()), f"one process got nothing: {received()}"
    assert sum(serve.metric(token, "fleet_ingest_duplicate_events_total") for serve in serves) == 100
    assert sum(day["sessions"] for day in api(serves[1], token, "/api/usage")["days"]) == 400
    engine.dispose()


def test_malformed_and_oversized_messages_are_counted_and_dropped(
    mosquitto: Broker, admin_token: tuple[str, str], serves: list[ServeProcess], tmp_path: Path
) -> None:
    database, token = admin_token
    serve = ServeProcess(mosquitto.url, database, tmp_path / "serve.log").start()
    serves.append(serve)
    client = publisher(mosquitto)
    garbage = [
        ("kiosk/v1/site-a/k1/state", b"{not json"),
        ("kiosk/v1/site-a/k1/state", b'{"v": 9, "state": "ready", "bdSeq": 1}'),
        ("kiosk/v1/site-a/k1/health", b"\xff\xfe\x00binary"),
        ("kiosk/v1/site-a/k1/event", b'{"v": 1, "kind": "session", "id": "nope"}'),
        ("kiosk/v1/site-a/k1/reply", b'{"v": 1, "ok": true, "code": "ok"}'),
        ("kiosk/v1/site-a/k1/health", b"{" + b" " * (protocol.MAX_PAYLOAD_BYTES + 10) + b"}"),
    ]
    for topic, payload in garbage:
        client.publish(topic, payload, qos=1).wait_for_publish(5)
    birth = protocol.encode(protocol.StatePayload(state=protocol.KioskState.READY, bd_seq=1))
    client.publish("kiosk/v1/site-a/k2/state", birth, qos=1).wait_for_publish(5)
    client.loop_stop()
    client.disconnect()

    wait_until(lambda: api(serve, token, "/api/kiosks")["total"] == 1, what="the valid kiosk")
    assert serve.metric(token, "fleet_ingest_dropped_total", {"reason": "malformed"}) == 5
    assert serve.metric(token, "fleet_ingest_dropped_total", {"reason": "oversized"}) == 1
    assert serve.process is not None and serve.process.poll() is None
    assert "dropped a message on kiosk/v1/site-a/k1/state" in (tmp_path / "serve.log").read_text()


def test_a_kiosk_killed_with_sigkill_shows_as_lost_and_raises_exactly_one_alert(
    mosquitto: Broker, admin_token: tuple[str, str], serves: list[ServeProcess], tmp_path: Path
) -> None:
    database, token = admin_token
    webhook = WebhookReceiver()
    hooks = tmp_path / "webhooks"
    hooks.write_text(webhook.url + "\n")
    serve = ServeProcess(
        mosquitto.url,
        database,
        tmp_path / "serve.log",
        extra=("--webhook-file", str(hooks), "--alert-after", "0", "--clear-after", "3600"),
    ).start()
    serves.append(serve)
    options = ("--kiosks", "1", "--interval", "0.5", "--keepalive", "5", "--will-delay", "0")
    agent = simulate(mosquitto, tmp_path / "simulate.log", *options)
    try:
        wait_until(
            lambda: api(serve, token, "/api/kiosks?status=ok")["total"] == 1, what="the kiosk in service"
        )
        agent.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        agent.wait(10)
        lost = wait_until(
            lambda: api(serve, token, "/api/kiosks/site-001/kiosk-00001")["state"] == "lost",
            timeout=30,
            what="lost",
        )
        assert lost
        # The dead process's socket is closed by the system: the broker publishes the will at once.
        print(f"death to lost: {time.monotonic() - killed:.1f} s")
        assert api(serve, token, "/api/kiosks/site-001/kiosk-00001")["status"] == "offline"

        def offline_notices() -> list[str]:
            return [body["text"] for body in webhook.bodies if "hors ligne" in body["text"]]

        wait_until(offline_notices, what="the offline notification")
        ticks = serve.metric(token, "fleet_monitor_ticks_total")
        wait_until(
            lambda: serve.metric(token, "fleet_monitor_ticks_total") >= ticks + 10, what="ten more checks"
        )
        assert len(offline_notices()) == 1
        alerts = api(serve, token, "/api/alerts?active=true")["alerts"]
        assert [(alert["kiosk_id"], alert["kind"]) for alert in alerts if alert["kind"] == "offline"] == [
            ("kiosk-00001", "offline")
        ]
    finally:
        if agent.poll() is None:
            agent.kill()
        webhook.close()


def help_request_event(number: int) -> tuple[str, bytes]:
    event = protocol.HelpRequested(
        id=uuid.UUID(int=number).hex, site="site-a", kiosk_id="k1", procedure="passeport", reason="button"
    )
    return protocol.event_topic("site-a", "k1"), protocol.encode(event)


def test_events_received_but_not_committed_before_a_sigkill_are_delivered_again_and_stored_once(
    mosquitto: Broker, admin_token: tuple[str, str], serves: list[ServeProcess], tmp_path: Path
) -> None:
    database, token = admin_token
    engine = open_database(database)

    def stored(table: object) -> int:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(table)).scalar_one()  # type: ignore[arg-type]

    def received(serve: ServeProcess) -> float:
        return serve.metric(token, "fleet_ingest_messages_total", {"kind": "event"})

    # A fixed client id keeps the session; a batch delay of a minute holds what is received.
    session = ("--client-id", "dashboard-1")
    holding = ServeProcess(
        mosquitto.url, database, tmp_path / "serve-1.log", extra=(*session, "--batch-delay", "60")
    )
    serves.append(holding.start())
    client = publisher(mosquitto)
    for topic, payload in (help_request_event(1), session_event(2)):
        client.publish(topic, payload, qos=1).wait_for_publish(5)
    wait_until(lambda: received(holding) == 2, what="both events received")
    assert stored(schema.events) == 0  # received, not committed
    assert holding.process is not None
    holding.process.send_signal(signal.SIGKILL)
    holding.process.wait(10)

    restarted = ServeProcess(mosquitto.url, database, tmp_path / "serve-2.log", extra=session)
    serves.append(restarted.start())
    wait_until(lambda: stored(schema.events) == 2, what="the events delivered again")
    assert received(restarted) == 2
    assert (stored(schema.help_requests), stored(schema.sessions)) == (1, 1)
    help_requests = api(restarted, token, "/api/help-requests")["help_requests"]
    assert [request["request_id"] for request in help_requests] == [uuid.UUID(int=1).hex]

    # Committed, they were acknowledged: the next process of the session gets only what is new.
    restarted.stop()
    again = ServeProcess(mosquitto.url, database, tmp_path / "serve-3.log", extra=session)
    serves.append(again.start())
    topic, payload = session_event(3)
    client.publish(topic, payload, qos=1).wait_for_publish(5)
    wait_until(lambda: stored(schema.events) == 3, what="the new event")
    assert received(again) == 1
    assert again.metric(token, "fleet_ingest_duplicate_events_total") == 0
    client.loop_stop()
    client.disconnect()
    engine.dispose()
