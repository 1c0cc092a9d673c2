"""The production ACL (deploy/mosquitto/acl) on a real Mosquitto: each kiosk stays in its lane."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from fleet.agent import FleetAgent
from fleet.protocol import (
    CommandReply,
    DeviceFault,
    account_name,
    command_topic,
    encode,
    event_topic,
    health_topic,
    parse_reply,
    parse_state,
    reply_topic,
    state_topic,
)

from support.agents import RecordingKiosk, agent_settings
from support.mosquitto import Broker, Listener, add_account, add_dashboard_account

NOT_AUTHORIZED = 135  #: MQTT 5 reason code
DASHBOARD = ("fleet-dashboard", "dashboard-secret")
#: Two kiosks of one site, and a kiosk of another site with the same id as the first.
KIOSKS = {
    ("mairie-a", "borne-1"): "secret-a1",
    ("mairie-a", "borne-2"): "secret-a2",
    ("mairie-b", "borne-1"): "b1",
}


@pytest.fixture
def broker(secured_mosquitto: Broker) -> Broker:
    for (site, kiosk_id), password in KIOSKS.items():
        add_account(secured_mosquitto, account_name(site, kiosk_id), password)
    add_dashboard_account(secured_mosquitto, *DASHBOARD)
    return secured_mosquitto.start()


def as_kiosk(broker: Broker, site: str, kiosk_id: str, topics: tuple[str, ...]) -> Listener:
    return Listener(broker, topics, account_name(site, kiosk_id), KIOSKS[site, kiosk_id])


def as_dashboard(broker: Broker, topics: tuple[str, ...] = ("kiosk/v1/#",)) -> Listener:
    return Listener(broker, topics, *DASHBOARD)


def kiosk_agent(
    broker: Broker, tmp_path: Path, kiosk_id: str, kiosk: RecordingKiosk | None = None
) -> FleetAgent:
    """The agent of kiosk ``mairie-a/kiosk_id``, with its own account (password in a file), started."""
    password_file = tmp_path / "password"
    password_file.write_text(KIOSKS["mairie-a", kiosk_id] + "\n")
    settings = agent_settings(
        broker.url,
        tmp_path / "agent",
        site="mairie-a",
        kiosk_id=kiosk_id,
        username=account_name("mairie-a", kiosk_id),
        password_file=password_file,
    )
    return FleetAgent(settings, kiosk or RecordingKiosk()).start()


def test_a_kiosk_agent_with_its_own_account_reports_and_obeys(
    broker: Broker, listeners: list[Listener], tmp_path: Path
) -> None:
    dashboard = as_dashboard(broker)
    listeners.append(dashboard)
    agent = kiosk_agent(broker, tmp_path, "borne-1")
    try:
        birth = dashboard.wait_for(lambda m: m.topic == state_topic("mairie-a", "borne-1"))
        assert parse_state(birth.payload).state == "ready"
        dashboard.wait_for(lambda m: m.topic == health_topic("mairie-a", "borne-1"))
        agent.publish_event(DeviceFault(device="printer", detail="paper_out"))
        dashboard.wait_for(lambda m: m.topic == event_topic("mairie-a", "borne-1"))
        code = dashboard.publish(
            command_topic("mairie-a", "borne-1", "ping"),
            b'{"v":1}',
            b"c1",
            reply_topic("mairie-a", "borne-1"),
        )
        assert not code.is_failure
        reply = dashboard.wait_for(lambda m: m.correlation == b"c1" and m.topic.endswith("/reply"))
        assert parse_reply(reply.payload).ok
    finally:
        agent.stop()
    # The clean stop's "disconnected" passed the ACL too (it is a retained state message).
    dashboard.wait_for(
        lambda m: m.topic.endswith("/state") and parse_state(m.payload).state == "disconnected"
    )


def test_a_changed_password_is_used_at_the_next_connection_without_a_restart(
    broker: Broker, tmp_path: Path
) -> None:
    agent = kiosk_agent(broker, tmp_path, "borne-1")
    try:
        assert agent.wait_until_connected(10)
        # IT staff change the kiosk's password on the broker (which restarts), then in its file.
        broker.stop()
        deadline = time.monotonic() + 10
        while agent.connected and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not agent.connected
        add_account(broker, account_name("mairie-a", "borne-1"), "new-secret")
        broker.start()
        (tmp_path / "password").write_text("new-secret\n")
        assert agent.wait_until_connected(10), "the new password was not used"
        assert agent.reconnects == 1
    finally:
        agent.stop()


def test_a_kiosk_cannot_publish_as_another_kiosk(broker: Broker, listeners: list[Listener]) -> None:
    dashboard = as_dashboard(broker)
    kiosk = as_kiosk(broker, "mairie-a", "borne-1", ())
    listeners += [dashboard, kiosk]
    forged = encode(DeviceFault(device="printer", detail="paper_out"))
    for topic in (
        event_topic("mairie-a", "borne-2"),  # a neighbour
        state_topic("mairie-a", "borne-2"),
        health_topic("mairie-b", "borne-1"),  # its own id at another site
        event_topic("mairie-b", "borne-1"),
        "kiosk/v1/mairie-a/borne-1",  # beside its topics, not one of them
        "kiosk/v1/mairie-a/borne-1/event/extra",
        "dashboard/anything",
    ):
        assert kiosk.publish(topic, forged).value == NOT_AUTHORIZED, topic
    assert not kiosk.publish(event_topic("mairie-a", "borne-1"), forged).is_failure
    received = dashboard.wait_until(lambda messages: any(m.topic.endswith("/event") for m in messages))
    assert [message.topic for message in received] == [event_topic("mairie-a", "borne-1")]


def test_a_kiosk_cannot_read_what_is_not_its_own(broker: Broker, listeners: list[Listener]) -> None:
    dashboard = as_dashboard(broker)
    # It may ask for everything: the broker delivers only its own commands.
    kiosk = as_kiosk(broker, "mairie-a", "borne-1", ("kiosk/v1/#", "kiosk/v1/mairie-a/borne-2/cmd/+", "#"))
    neighbour = as_kiosk(broker, "mairie-a", "borne-2", ())
    listeners += [dashboard, kiosk, neighbour]
    neighbour.publish(event_topic("mairie-a", "borne-2"), b'{"v":1}')
    dashboard.publish(command_topic("mairie-a", "borne-2", "restart"), b'{"v":1}', b"for-2")
    dashboard.publish(command_topic("mairie-b", "borne-1", "restart"), b'{"v":1}', b"for-b1")
    dashboard.publish(command_topic("mairie-a", "borne-1", "ping"), b'{"v":1}', b"for-1")
    kiosk.wait_for(lambda m: m.correlation == b"for-1")
    dashboard.wait_for(lambda m: m.correlation == b"for-1")  # the dashboard saw everything
    assert {message.correlation for message in kiosk.received} == {b"for-1"}
    # (One copy per matching subscription: it asked three overlapping ways.)
    assert {message.topic for message in kiosk.received} == {command_topic("mairie-a", "borne-1", "ping")}


def test_a_kiosk_cannot_send_commands(broker: Broker, listeners: list[Listener], tmp_path: Path) -> None:
    kiosk = RecordingKiosk()
    agent = kiosk_agent(broker, tmp_path, "borne-2", kiosk)
    attacker = as_kiosk(broker, "mairie-a", "borne-1", ())
    dashboard = as_dashboard(broker)
    listeners += [attacker, dashboard]
    try:
        assert agent.wait_until_connected(10)
        for target in (("mairie-a", "borne-2"), ("mairie-a", "borne-1")):
            code = attacker.publish(command_topic(*target, "restart"), b'{"v":1,"force":true}', b"x")
            assert code.value == NOT_AUTHORIZED
        # Nor answer for another kiosk: a forged reply is refused too.
        forged = encode(CommandReply.success())
        assert attacker.publish(reply_topic("mairie-a", "borne-2"), forged, b"x").value == NOT_AUTHORIZED
        dashboard.publish(command_topic("mairie-a", "borne-2", "ping"), b'{"v":1}', b"real")
        dashboard.wait_for(lambda m: m.correlation == b"real" and m.topic.endswith("/reply"))
        assert [command.name for command in kiosk.commands] == ["ping"]
    finally:
        agent.stop()


def connection_refused(broker: Broker, username: str | None, password: str | None) -> bool:
    answered = threading.Event()
    outcome: list[bool] = []

    def on_connect(_client, _userdata, _flags, reason_code, _properties) -> None:  # type: ignore[no-untyped-def]
        outcome.append(reason_code.is_failure)
        answered.set()

    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.on_connect = on_connect
    if username is not None:
        client.username_pw_set(username, password)
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    try:
        assert answered.wait(10)
        return outcome[0]
    finally:
        client.disconnect()
        client.loop_stop()


def test_strangers_and_wrong_passwords_are_refused(broker: Broker) -> None:
    assert connection_refused(broker, None, None)
    assert connection_refused(broker, "mairie-a/borne-1", "wrong")
    assert connection_refused(broker, "mairie-a/borne-3", "secret-a1")
    assert not connection_refused(broker, "mairie-a/borne-1", "secret-a1")
