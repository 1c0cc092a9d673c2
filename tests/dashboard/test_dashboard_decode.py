"""Decoding: every message goes through fleet.protocol; anything malformed is refused, never guessed."""

from __future__ import annotations

import datetime as dt

import pytest

from fleet import protocol
from fleet.dashboard.ingest.decode import decode
from fleet.dashboard.records import CommandAnswer, EventRecord, HealthUpdate, StateUpdate
from fleet.protocol import ProtocolError

ROOT = "kiosk/v1/mairie-a/borne-1"
AT = dt.datetime(2026, 9, 21, 10, 0, tzinfo=dt.UTC)


def health_payload(**changes: object) -> bytes:
    values: dict[str, object] = {
        "seq": 7,
        "at": AT,
        "app_version": "0.1.0",
        "uptime_s": 30.0,
        "screen": "home",
        "speech": "ready",
        "devices": [{"device": "printer", "present": True, "ready": False, "detail": "paper_out"}],
        "content_oldest_check": dt.date(2026, 1, 15),
        "system": {"cpu_percent": 5.0, "memory_percent": 40.0, "disk_percent": 20.0, "boot_uptime_s": 100.0},
    }
    values.update(changes)
    return protocol.encode(protocol.HealthPayload(**values))


def test_a_birth_becomes_a_state_update() -> None:
    payload = protocol.encode(protocol.StatePayload(state=protocol.KioskState.READY, bd_seq=3))
    record = decode(f"{ROOT}/state", payload, 100.0)
    assert record == StateUpdate("mairie-a", "borne-1", "ready", 3, 100.0, "")


def test_health_keeps_devices_system_and_content_date() -> None:
    record = decode(f"{ROOT}/health", health_payload(), 100.0)
    assert isinstance(record, HealthUpdate)
    assert (record.seq, record.cpu_percent, record.content_checked_on) == (7, 5.0, "2026-01-15")
    assert record.device("printer") is not None and record.device("printer").detail == "paper_out"  # type: ignore[union-attr]


def test_a_help_request_keeps_where_never_who() -> None:
    event = protocol.HelpRequested(
        site="mairie-a", kiosk_id="borne-1", procedure="passeport", step="step-3", reason="help_button", at=AT
    )
    record = decode(f"{ROOT}/event", protocol.encode(event), 100.0)
    assert isinstance(record, EventRecord)
    assert record.event_id == event.id
    assert record.help_request is not None and record.help_request.step == "step-3"
    assert record.occurred_at == AT.timestamp()


def test_a_session_becomes_statistics() -> None:
    event = protocol.SessionStatistics(
        duration_s=95.0,
        outcome=protocol.SessionOutcome.ABANDONED,
        help_asked=True,
        satisfaction=2,
        language="ar",
        accessibility=("speech", "large_text"),
        procedure="passeport",
    )
    record = decode(f"{ROOT}/event", protocol.encode(event), 100.0)
    assert isinstance(record, EventRecord) and record.session is not None
    assert (record.session.completed, record.session.help_requested, record.session.features) == (
        False,
        True,
        ("speech", "large_text"),
    )


def test_a_reply_is_matched_by_its_correlation_data() -> None:
    payload = protocol.encode(
        protocol.CommandReply.refusal(protocol.ReplyCode.IN_SESSION, "a citizen is here")
    )
    record = decode(f"{ROOT}/reply", payload, 100.0, correlation=b"c" * 32)
    assert record == CommandAnswer(
        "c" * 32, 100.0, "refused", {"code": "in_session", "detail": "a citizen is here"}
    )


def test_commands_are_not_stored() -> None:
    assert decode(f"{ROOT}/cmd/ping", protocol.encode(protocol.PingCommand()), 100.0) is None


@pytest.mark.parametrize(
    ("topic", "payload"),
    [
        ("kiosk/v1/mairie-a/borne-1/state", b"{not json"),
        ("kiosk/v1/mairie-a/borne-1/state", b'{"v": 2, "state": "ready", "bdSeq": 1}'),
        ("kiosk/v1/mairie-a/borne-1/state", b'{"v": 1, "state": "exploded", "bdSeq": 1}'),
        ("kiosk/v1/mairie-a/borne-1/health", b'{"v": 1, "seq": -1}'),
        ("kiosk/v1/mairie-a/borne-1/event", b'{"v": 1, "kind": "session"}'),
        ("kiosk/v1/mairie-a/borne-1/event", b"[]"),
        ("kiosk/v1/mairie-a/borne-1/health", b"x" * (protocol.MAX_PAYLOAD_BYTES + 1)),
        ("kiosk/v1/mairie-a/borne-1/health", b""),
        ("kiosk/v1/MAIRIE/borne-1/state", b'{"v": 1, "state": "ready", "bdSeq": 1}'),
        ("kiosk/v1/mairie-a/borne-1/secrets", b"{}"),
        ("kiosk/v1/mairie-a/borne-1/reply", b'{"v": 1, "ok": true, "code": "ok"}'),
    ],
)
def test_malformed_messages_raise_protocol_errors(topic: str, payload: bytes) -> None:
    with pytest.raises(ProtocolError):
        decode(topic, payload, 100.0)


def test_a_help_request_naming_another_kiosk_is_refused() -> None:
    event = protocol.HelpRequested(site="mairie-b", kiosk_id="borne-9", reason="help_button")
    with pytest.raises(ProtocolError):
        decode(f"{ROOT}/event", protocol.encode(event), 100.0)
