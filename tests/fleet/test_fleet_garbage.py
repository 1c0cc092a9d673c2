"""Whatever arrives on a kiosk's command topics, the agent answers or ignores it, and lives on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleet.agent import FleetAgent
from fleet.protocol import MAX_PAYLOAD_BYTES, CommandName, parse_reply

from support.agents import RecordingKiosk, agent_settings
from support.mosquitto import Broker, Listener

SITE, KIOSK = "mairie-test", "borne-1"
COMMANDS = f"kiosk/v1/{SITE}/{KIOSK}/cmd/"


@pytest.fixture
def running(mosquitto: Broker, tmp_path: Path) -> Iterator[tuple[FleetAgent, RecordingKiosk, Listener]]:
    kiosk = RecordingKiosk()
    agent = FleetAgent(agent_settings(mosquitto.url, tmp_path / "agent"), kiosk).start()
    dashboard = Listener(mosquitto, ("kiosk/v1/+/+/reply",))
    assert agent.wait_until_connected(10)
    yield agent, kiosk, dashboard
    dashboard.close()
    agent.stop()


names = st.sampled_from([name.value for name in CommandName]) | st.from_regex(r"[a-z_]{1,20}", fullmatch=True)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)
payloads = (
    st.binary(max_size=500)
    | json_values.map(lambda value: json.dumps(value).encode())
    | st.dictionaries(st.sampled_from(["v", "force", "request_id", "x"]), json_values, max_size=3).map(
        lambda value: json.dumps(value).encode()
    )
    | st.sampled_from([b" " * (MAX_PAYLOAD_BYTES + 1), b"[" * 100_000, b'{"v":1,"force":true}'])
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names, payload=payloads, correlation=st.binary(min_size=1, max_size=64))
def test_random_commands_are_answered_once_and_never_stop_the_agent(
    running: tuple[FleetAgent, RecordingKiosk, Listener], name: str, payload: bytes, correlation: bytes
) -> None:
    agent, _kiosk, dashboard = running
    dashboard.publish(COMMANDS + name, payload, correlation)
    reply = parse_reply(dashboard.wait_for(lambda message: message.correlation == correlation).payload)
    valid = (payload == b'{"v":1}' and name in set(CommandName) - {"help_ack"}) or (
        payload == b'{"v":1,"force":true}' and name == "restart"
    )
    assert reply.ok == valid, (name, payload[:40], reply)
    # Still alive and obeying: a ping goes round.
    dashboard.publish(COMMANDS + "ping", b'{"v":1}', b"alive?" + correlation)
    dashboard.wait_for(lambda message: message.correlation == b"alive?" + correlation)
    assert agent.connected


def test_a_packet_past_the_agents_limit_is_dropped_by_the_broker(
    running: tuple[FleetAgent, RecordingKiosk, Listener],
) -> None:
    agent, kiosk, dashboard = running
    # Past the agent's Maximum Packet Size (MQTT 5): the broker never sends it.
    dashboard.publish(COMMANDS + "restart", b" " * (5 * MAX_PAYLOAD_BYTES), b"huge")
    dashboard.publish(COMMANDS + "ping", b'{"v":1}', b"after")
    dashboard.wait_for(lambda message: message.correlation == b"after")
    assert all(message.correlation != b"huge" for message in dashboard.received)
    assert [command.name for command in kiosk.commands] == ["ping"] and agent.connected
