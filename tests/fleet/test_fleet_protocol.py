"""The fleet protocol: topics built and parsed, payloads round-trip, anything malformed refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleet.protocol import (
    FLEET_FILTERS,
    MAX_PAYLOAD_BYTES,
    CommandName,
    CommandReply,
    DeviceFault,
    EventKind,
    HealthPayload,
    HelpAckCommand,
    HelpRequested,
    KioskState,
    ProtocolError,
    ReplyCode,
    RestartCommand,
    SessionOutcome,
    SessionStatistics,
    StatePayload,
    Topic,
    TopicKind,
    account_name,
    command_filter,
    command_topic,
    encode,
    kiosk_root,
    parse_command,
    parse_event,
    parse_health,
    parse_message,
    parse_reply,
    parse_state,
    parse_topic,
    reply_topic,
    shared_filter,
    state_topic,
)

NOW = dt.datetime(2024, 6, 1, 10, tzinfo=dt.UTC)


def test_topics_of_one_kiosk_live_under_its_root() -> None:
    assert kiosk_root("mairie-lyon", "borne_1") == "kiosk/v1/mairie-lyon/borne_1"
    assert state_topic("s", "k") == "kiosk/v1/s/k/state"
    assert command_topic("s", "k", "restart") == "kiosk/v1/s/k/cmd/restart"
    assert command_filter("s", "k") == "kiosk/v1/s/k/cmd/+"
    assert reply_topic("s", "k") == "kiosk/v1/s/k/reply"
    assert account_name("s", "k") == "s/k"
    assert shared_filter("fleet", FLEET_FILTERS[0]) == "$share/fleet/kiosk/v1/+/+/state"


@pytest.mark.parametrize("identifier", ["", "+", "#", "a/b", "A", "é", "a b", "x" * 65, "$sys"])
def test_ids_that_could_escape_their_topic_level_are_refused(identifier: str) -> None:
    with pytest.raises(ProtocolError):
        state_topic(identifier, "k")
    with pytest.raises(ProtocolError):
        command_topic("s", identifier, CommandName.PING)


def test_parse_topic_names_site_kiosk_kind_and_command() -> None:
    expected = Topic("s-1", "k_2", TopicKind.COMMAND, CommandName.HELP_ACK)
    assert parse_topic("kiosk/v1/s-1/k_2/cmd/help_ack") == expected
    assert parse_topic("kiosk/v1/s/k/event") == Topic("s", "k", TopicKind.EVENT)


@pytest.mark.parametrize(
    "topic",
    [
        "kiosk/v1/s/k",
        "kiosk/v1/s/k/cmd",
        "kiosk/v1/s/k/cmd/format_disk",
        "kiosk/v1/s/k/state/extra",
        "kiosk/v1/s/k/health/",
        "kiosk/v2/s/k/state",
        "kiosk/v1/+/k/state",
        "kiosk/v1/s/#",
        "/kiosk/v1/s/k/state",
        "kiosk/v1/s/k/cmd/ping/x",
        "x" * 600,
    ],
)
def test_malformed_topics_are_refused(topic: str) -> None:
    with pytest.raises(ProtocolError):
        parse_topic(topic)


@given(st.text(max_size=80))
def test_parse_topic_raises_only_protocol_errors(topic: str) -> None:
    try:
        parsed = parse_topic(topic)
    except ProtocolError:
        return
    assert topic.startswith("kiosk/v1/") and parsed.kind in TopicKind


def test_birth_and_will_encode_as_the_design_says() -> None:
    will = json.loads(encode(StatePayload(state=KioskState.LOST, bd_seq=7)))
    assert will == {"v": 1, "state": "lost", "bdSeq": 7}
    birth = parse_state(encode(StatePayload(state="ready", bd_seq=7, at=dt.datetime.now(dt.UTC))))
    assert birth.state is KioskState.READY and birth.bd_seq == 7


def test_events_round_trip_with_their_id_and_utc_time() -> None:
    events = [
        DeviceFault(device="printer", detail="paper_out"),
        HelpRequested(site="s", kiosk_id="k", procedure="carte_grise", step="adresse", reason="help_button"),
        SessionStatistics(
            procedure="carte_grise",
            duration_s=312.5,
            outcome=SessionOutcome.ABANDONED,
            help_asked=True,
            satisfaction=2,
            language="ar",
            accessibility=("large_text", "speech"),
        ),
    ]
    for event in events:
        assert parse_event(encode(event)) == event
        assert len(event.id) == 32 and event.at.tzinfo is dt.UTC
    assert len({event.id for event in events}) == len(events)
    assert SessionStatistics.droppable and not DeviceFault.droppable


def test_timestamps_are_read_into_utc() -> None:
    payload = b'{"v":1,"id":"%s","at":"2024-06-01T12:00:00+02:00","kind":"device_recovered","device":"p"}'
    event = parse_event(payload % (b"a" * 32))
    assert event.kind is EventKind.DEVICE_RECOVERED
    assert event.at == dt.datetime(2024, 6, 1, 10, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"null",
        b"[]",
        b"{}",
        b"\xff\xfe",
        b'{"v":2,"state":"ready","bdSeq":1}',
        b'{"v":"1","state":"ready","bdSeq":1}',
        b'{"v":true,"state":"ready","bdSeq":1}',
        b'{"state":"ready","bdSeq":1}',
        b'{"v":1,"state":"asleep","bdSeq":1}',
        b'{"v":1,"state":"ready","bdSeq":-1}',
        b'{"v":1,"state":"ready"}',
        b"[" * 5000,
    ],
)
def test_malformed_state_is_refused(payload: bytes) -> None:
    with pytest.raises(ProtocolError):
        parse_state(payload)


def test_events_need_their_id_and_time_on_the_wire() -> None:
    without_id = b'{"v":1,"at":"2024-06-01T10:00:00Z","kind":"device_fault","device":"p","detail":"x"}'
    with pytest.raises(ProtocolError, match="missing id"):
        parse_event(without_id)


def test_free_text_cannot_slip_into_a_code_field() -> None:
    # A help request names the procedure and step by their ids: a sentence (which could quote a
    # citizen) does not validate.
    with pytest.raises(ProtocolError):
        parse_event(
            encode(HelpRequested(site="s", kiosk_id="k", reason="help_button")).replace(
                b'"reason":"help_button"', b'"reason":"Mme Dupont, 12 rue"'
            )
        )


def test_oversized_payloads_are_refused_unread() -> None:
    huge = b'{"v":1,"force":true,"pad":"' + b"x" * MAX_PAYLOAD_BYTES + b'"}'
    with pytest.raises(ProtocolError, match="over"):
        parse_command(CommandName.RESTART, huge)


def test_commands_are_strict() -> None:
    assert parse_command("restart", b'{"v":1,"force":true}') == RestartCommand(force=True)
    assert parse_command("ping", b'{"v":1}').name is CommandName.PING
    assert parse_command("help_ack", b'{"v":1,"request_id":"%s"}' % (b"0" * 32)) == HelpAckCommand(
        request_id="0" * 32
    )
    for name, payload in [
        ("restart", b'{"v":1,"force":"yes"}'),
        ("restart", b'{"v":1,"force":1}'),
        ("ping", b'{"v":1,"extra":1}'),
        ("help_ack", b'{"v":1,"request_id":"not-an-id"}'),
        ("format_disk", b'{"v":1}'),
    ]:
        with pytest.raises(ProtocolError):
            parse_command(name, payload)


def test_replies_are_short_single_lines() -> None:
    reply = CommandReply.refusal(ReplyCode.IN_SESSION, "a citizen is here\nsecond line" + "x" * 300)
    assert reply.detail == "a citizen is here" and not reply.ok
    assert parse_reply(encode(reply)) == reply
    assert json.loads(encode(CommandReply.success())) == {"v": 1, "ok": True, "code": "ok", "detail": ""}


def test_parse_message_dispatches_on_the_topic() -> None:
    health = HealthPayload(
        app_version="0.1.0",
        uptime_s=12,
        screen="home",
        speech="ready",
        devices=[{"device": "printer", "present": True, "ready": False, "detail": "paper_out"}],
        seq=4,
        at=dt.datetime.now(dt.UTC),
    )
    topic, parsed = parse_message("kiosk/v1/s/k/health", encode(health))
    assert topic.kind is TopicKind.HEALTH and parsed == health
    assert parse_health(encode(health)).devices[0].detail == "paper_out"
    _topic, command = parse_message("kiosk/v1/s/k/cmd/restart", b'{"v":1}')
    assert command == RestartCommand()


@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_give_a_payload_or_one_protocol_error(payload: bytes) -> None:
    for parse in (parse_state, parse_health, parse_event, parse_reply):
        try:
            parse(payload)
        except ProtocolError as error:
            assert error.reason and len(error.reason) <= 120


def test_every_kind_of_payload_needs_its_version_on_the_wire() -> None:
    health = encode(HealthPayload(app_version="1", uptime_s=1, screen="home", speech="ready", seq=1, at=NOW))
    assert health.startswith(b'{"v":1,')
    with pytest.raises(ProtocolError, match="unsupported version"):
        parse_health(health.replace(b'"v":1,', b""))
    with pytest.raises(ProtocolError, match="unsupported version"):
        parse_reply(b'{"ok":true,"code":"ok"}')
