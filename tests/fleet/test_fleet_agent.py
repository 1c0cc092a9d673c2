"""The fleet agent against a real Mosquitto: birth and will, health, the outbox, commands."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from fleet.agent import FleetAgent
from fleet.protocol import (
    CommandReply,
    DeviceFault,
    ReplyCode,
    SessionStatistics,
    command_topic,
    parse_event,
    parse_health,
    parse_reply,
    parse_state,
    reply_topic,
    state_topic,
)

from support.agents import RecordingKiosk, agent_settings
from support.mosquitto import Broker, Listener, Received

SITE, KIOSK = "mairie-test", "borne-1"
STATE = state_topic(SITE, KIOSK)
ROOT = Path(__file__).resolve().parents[2]


def state_is(state: str, bd_seq: int | None = None):  # type: ignore[no-untyped-def]
    def matches(message: Received) -> bool:
        if message.topic != STATE or not message.payload:
            return False
        payload = parse_state(message.payload)
        return payload.state == state and (bd_seq is None or payload.bd_seq == bd_seq)

    return matches


def events_in(messages: list[Received]) -> list[str]:
    """The ``detail`` of each distinct event, in the order first received (ids de-duplicate)."""
    seen: dict[str, str] = {}
    for message in messages:
        if message.topic.endswith("/event"):
            event = parse_event(message.payload)
            seen.setdefault(event.id, getattr(event, "detail", event.kind))
    return list(seen.values())


def test_birth_is_retained_with_bdseq_and_a_clean_stop_says_disconnected(
    mosquitto: Broker, listeners: list[Listener], tmp_path: Path
) -> None:
    settings = agent_settings(mosquitto.url, tmp_path / "agent")
    early = Listener(mosquitto, (STATE,))
    listeners.append(early)
    agent = FleetAgent(settings, RecordingKiosk()).start()
    assert agent.wait_until_connected(10)
    # Once the birth is out (connected comes first: a listener subscribing in between would
    # get it live, not retained), a listener that arrives later still learns the state.
    early.wait_for(state_is("ready"))
    late = Listener(mosquitto, (STATE,))
    listeners.append(late)
    birth = late.wait_for(state_is("ready"))
    assert birth.retain and json.loads(birth.payload)["bdSeq"] == 1
    assert json.loads(birth.payload)["app_version"] == "0.1.0"
    agent.stop()
    assert parse_state(late.wait_for(state_is("disconnected")).payload).bd_seq == 1
    # The next run of the kiosk counts on from the number kept in its data directory.
    again = FleetAgent(settings, RecordingKiosk()).start()
    try:
        late.wait_for(state_is("ready", bd_seq=2))
    finally:
        again.stop()


def test_a_killed_agent_is_marked_lost_by_its_will(
    mosquitto: Broker, listeners: list[Listener], tmp_path: Path
) -> None:
    watcher = Listener(mosquitto, ("kiosk/v1/+/+/state",))
    listeners.append(watcher)
    command = [
        sys.executable,
        "-m",
        "fleet.cli",
        "--log-level",
        "WARNING",
        "simulate",
        "--broker",
        mosquitto.url,
    ]
    command += ["--kiosks", "1", "--will-delay", "1", "--data-dir", str(tmp_path / "agents")]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        topic = "kiosk/v1/site-001/kiosk-00001/state"
        birth = watcher.wait_for(lambda m: m.topic == topic and parse_state(m.payload).state == "ready", 20)
        bd_seq = parse_state(birth.payload).bd_seq
        process.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        lost = watcher.wait_for(lambda m: m.topic == topic and parse_state(m.payload).state == "lost", 10)
        # The will names the connection it belongs to, and waited for the will delay.
        assert json.loads(lost.payload) == {"v": 1, "state": "lost", "bdSeq": bd_seq}
        assert time.monotonic() - killed >= 0.9
    finally:
        process.kill()
        process.wait(10)
    retained = Listener(mosquitto, (topic,))
    listeners.append(retained)
    assert parse_state(retained.wait_for(lambda m: m.retain).payload).state == "lost"


def test_a_broker_restart_loses_no_event(
    persistent_mosquitto: Broker, listeners: list[Listener], tmp_path: Path
) -> None:
    broker = persistent_mosquitto
    # The dashboard's side: a session kept on the broker, so nothing is missed while it is away.
    dashboard = Listener(broker, ("kiosk/v1/+/+/event",), client_id="dashboard", session=True)
    listeners.append(dashboard)
    agent = FleetAgent(agent_settings(broker.url, tmp_path / "agent"), RecordingKiosk()).start()
    try:
        assert agent.wait_until_connected(10)
        for number in range(20):
            agent.publish_event(DeviceFault(device="printer", detail=f"before-{number}"))
        dashboard.wait_until(lambda messages: len(events_in(messages)) == 20)
        # Settle: every acknowledgement taken. An acknowledgement still in the socket when the
        # broker stops can be lost with the connection; its event is then rightly sent again.
        deadline = time.monotonic() + 10
        while agent.queued_events and time.monotonic() < deadline:
            time.sleep(0.02)
        assert agent.queued_events == 0
        broker.stop(graceful=True)
        deadline = time.monotonic() + 10
        while agent.connected and time.monotonic() < deadline:
            time.sleep(0.02)
        for number in range(20):
            agent.publish_event(DeviceFault(device="printer", detail=f"down-{number}"))
        deadline = time.monotonic() + 10
        while agent.queued_events < 20 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert agent.queued_events == 20, "the events wait in the outbox"
        broker.start()
        for number in range(20):
            agent.publish_event(DeviceFault(device="printer", detail=f"after-{number}"))
        expected = [f"{phase}-{number}" for phase in ("before", "down", "after") for number in range(20)]
        received = dashboard.wait_until(lambda messages: len(events_in(messages)) == 60, timeout=20)
        assert events_in(received) == expected
        assert agent.reconnects == 1
        deadline = time.monotonic() + 10
        while agent.queued_events and time.monotonic() < deadline:
            time.sleep(0.02)
        assert agent.queued_events == 0
    finally:
        agent.stop()


def test_events_of_a_kiosk_that_never_reached_the_broker_go_out_after_its_restart(
    mosquitto: Broker, listeners: list[Listener], tmp_path: Path
) -> None:
    dashboard = Listener(mosquitto, ("kiosk/v1/+/+/event",))
    listeners.append(dashboard)
    unreachable = Broker(tmp_path / "nowhere").url  # a free port where nothing listens
    offline = FleetAgent(agent_settings(unreachable, tmp_path / "agent"), RecordingKiosk()).start()
    offline.publish_event(SessionStatistics(duration_s=42, outcome="completed", language="fr"))
    offline.publish_event(DeviceFault(device="printer", detail="paper_out"))
    offline.stop(timeout=1)
    online = FleetAgent(agent_settings(mosquitto.url, tmp_path / "agent"), RecordingKiosk()).start()
    try:
        received = dashboard.wait_until(lambda messages: len(events_in(messages)) == 2)
        assert events_in(received) == ["session", "paper_out"]
    finally:
        online.stop()


def test_health_reports_count_up_and_carry_the_kiosk_and_the_machine(
    mosquitto: Broker, listeners: list[Listener], tmp_path: Path
) -> None:
    dashboard = Listener(mosquitto, ("kiosk/v1/+/+/health",))
    listeners.append(dashboard)
    agent = FleetAgent(agent_settings(mosquitto.url, tmp_path / "agent"), RecordingKiosk()).start()
    try:
        received = dashboard.wait_until(lambda messages: len(messages) >= 2)
    finally:
        agent.stop()
    first, second = (parse_health(message.payload) for message in received[:2])
    assert (first.seq, second.seq) == (1, 2)
    assert first.screen == "home" and first.devices[0].device == "printer"
    assert first.system is not None and 0 <= first.system.memory_percent <= 100
    assert not received[0].retain


def test_commands_round_trip_with_their_correlation_data(
    mosquitto: Broker, listeners: list[Listener], tmp_path: Path
) -> None:
    def answer(command):  # type: ignore[no-untyped-def]
        if command.name == "restart" and kiosk.in_session and not command.force:
            return CommandReply.refusal(ReplyCode.IN_SESSION, "a citizen is using the kiosk")
        return CommandReply.success(command.name)

    kiosk = RecordingKiosk(answer)
    kiosk.in_session = True
    dashboard = Listener(mosquitto, ("kiosk/v1/+/+/reply", STATE))
    listeners.append(dashboard)
    agent = FleetAgent(agent_settings(mosquitto.url, tmp_path / "agent"), kiosk).start()
    try:
        dashboard.wait_for(state_is("ready"))
        sent = [
            ("ping", b'{"v":1}', "ok"),
            ("restart", b'{"v":1}', "in_session"),
            ("restart", b'{"v":1,"force":true}', "ok"),
            ("help_ack", b'{"v":1,"request_id":"%s"}' % (b"ab" * 16), "ok"),
            ("maintenance_enter", b'{"v":1}', "ok"),
            ("rebirth", b'{"v":1}', "ok"),
        ]
        for number, (name, payload, _code) in enumerate(sent):
            correlation = f"request-{number}".encode()
            dashboard.publish(
                command_topic(SITE, KIOSK, name), payload, correlation, reply_topic(SITE, KIOSK)
            )
        for number, (name, _payload, code) in enumerate(sent):
            reply = dashboard.wait_for(lambda m, n=number: m.correlation == f"request-{n}".encode())
            assert reply.topic == reply_topic(SITE, KIOSK)
            assert parse_reply(reply.payload).code == code, name
        # The kiosk decides its state (maintenance may wait for the citizen): not the agent.
        assert agent.state == "ready"
        assert [command.name for command in kiosk.commands] == [
            name for name, *_ in sent if name != "rebirth"
        ]
    finally:
        agent.stop()


def test_a_kiosk_that_does_not_answer_is_answered_for(
    mosquitto: Broker, listeners: list[Listener], tmp_path: Path
) -> None:
    dashboard = Listener(mosquitto, ("kiosk/v1/+/+/reply", STATE))
    listeners.append(dashboard)
    agent = FleetAgent(
        agent_settings(mosquitto.url, tmp_path / "agent"),
        RecordingKiosk(lambda _command: None),
        reply_timeout=0.3,
    ).start()
    try:
        dashboard.wait_for(state_is("ready"))
        dashboard.publish(command_topic(SITE, KIOSK, "test_print"), b'{"v":1}', b"slow")
        reply = dashboard.wait_for(lambda message: message.correlation == b"slow")
        assert parse_reply(reply.payload).code == "timeout"
    finally:
        agent.stop()
