"""Turns one untrusted MQTT message into a store record through fleet.protocol's validation."""

from __future__ import annotations

import functools

from fleet import protocol
from fleet.dashboard.records import (
    CommandAnswer,
    DeviceState,
    EventRecord,
    HealthUpdate,
    HelpRequestDetails,
    Record,
    SessionStatistics,
    StateUpdate,
)
from fleet.protocol import ProtocolError, ReplyCode, TopicKind

#: Reply codes that say the kiosk tried and failed, rather than refused.
_FAILURES = frozenset({ReplyCode.FAILED, ReplyCode.TIMEOUT})


def decode(topic: str, payload: bytes, received_at: float, correlation: bytes | None = None) -> Record | None:
    """The record a message stands for; None for messages the dashboard does not store.

    Raises ProtocolError for anything malformed: a bad topic, an oversized or invalid payload,
    an event whose own site or kiosk differs from its topic's (the broker's ACL vouches for the
    topic, not for what a payload claims).
    """
    parsed = _parse_topic(topic)
    if parsed.kind is TopicKind.COMMAND:
        # The dashboards' own commands, seen when subscribed more widely than the fleet filters.
        return None
    if parsed.kind is TopicKind.STATE:
        return _state(parsed, protocol.parse_state(payload), received_at)
    if parsed.kind is TopicKind.HEALTH:
        return _health(parsed, protocol.parse_health(payload), received_at)
    if parsed.kind is TopicKind.EVENT:
        return _event(parsed, protocol.parse_event(payload), received_at)
    return _answer(protocol.parse_reply(payload), received_at, correlation)


@functools.lru_cache(maxsize=16_384)
def _parse_topic(topic: str) -> protocol.Topic:
    """`protocol.parse_topic`, remembered (2 µs a message): each kiosk sends on the same few
    topics all day. A refused topic raises and is not remembered; 16,384 topics take about 6 MB,
    and a larger fleet sends too few messages a second for the parsing to matter."""
    return protocol.parse_topic(topic)


def _state(topic: protocol.Topic, state: protocol.StatePayload, received_at: float) -> StateUpdate:
    return StateUpdate(
        site=topic.site,
        kiosk_id=topic.kiosk_id,
        state=state.state.value,
        bd_seq=state.bd_seq,
        received_at=received_at,
        detail=state.reason or "",
    )


def _health(topic: protocol.Topic, health: protocol.HealthPayload, received_at: float) -> HealthUpdate:
    system = health.system
    return HealthUpdate(
        site=topic.site,
        kiosk_id=topic.kiosk_id,
        received_at=received_at,
        seq=health.seq,
        app_version=health.app_version,
        content_version=health.content_version or "",
        content_checked_on=health.content_oldest_check.isoformat() if health.content_oldest_check else None,
        uptime_s=health.uptime_s,
        screen=health.screen,
        cpu_percent=system.cpu_percent if system else None,
        memory_percent=system.memory_percent if system else None,
        disk_percent=system.disk_percent if system else None,
        temperature_c=system.temperature_c if system else None,
        speech=health.speech,
        reconnects=health.reconnects,
        devices=tuple(
            DeviceState(name=device.device, present=device.present, ready=device.ready, detail=device.detail)
            for device in health.devices
        ),
    )


def _event(topic: protocol.Topic, event: protocol.Event, received_at: float) -> EventRecord:
    data = event.model_dump(mode="json", exclude={"v", "id", "at", "kind"}, exclude_none=True)
    help_request = None
    session = None
    acknowledges = None
    if isinstance(event, protocol.HelpRequested):
        if (event.site, event.kiosk_id) != (topic.site, topic.kiosk_id):
            raise ProtocolError("help request for another kiosk than its topic's")
        help_request = HelpRequestDetails(procedure=event.procedure, step=event.step, reason=event.reason)
    elif isinstance(event, protocol.SessionStatistics):
        session = SessionStatistics(
            procedure=event.procedure,
            duration_s=event.duration_s,
            completed=event.outcome is protocol.SessionOutcome.COMPLETED,
            help_requested=event.help_asked,
            satisfaction=event.satisfaction,
            language=event.language,
            features=event.accessibility,
        )
    elif isinstance(event, protocol.HelpAcknowledged):
        acknowledges = event.request_id
    return EventRecord(
        event_id=event.id,
        site=topic.site,
        kiosk_id=topic.kiosk_id,
        kind=event.kind.value,
        occurred_at=event.at.timestamp(),
        received_at=received_at,
        data=data,
        help_request=help_request,
        session=session,
        acknowledges=acknowledges,
    )


def _answer(reply: protocol.CommandReply, received_at: float, correlation: bytes | None) -> CommandAnswer:
    if not correlation or len(correlation) > protocol.MAX_CORRELATION_BYTES:
        raise ProtocolError("reply without correlation data")
    try:
        command_id = correlation.decode("ascii")
    except UnicodeDecodeError:
        raise ProtocolError("reply with foreign correlation data") from None
    return CommandAnswer(
        correlation=command_id,
        received_at=received_at,
        status="ok" if reply.ok else "error" if reply.code in _FAILURES else "refused",
        data={"code": reply.code, "detail": reply.detail},
    )
