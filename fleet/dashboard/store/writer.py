"""Writes one batch of ingested records in one transaction: upserts, history, de-duplicated events."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, and_, case, not_, or_, select, tuple_, update

from fleet.dashboard.records import CommandAnswer, DeviceState, EventRecord, HealthUpdate, Record, StateUpdate
from fleet.dashboard.status import CARD_READER, PRINTER, device_problems, encode_problems
from fleet.dashboard.store import schema
from fleet.dashboard.store.dialect import upsert_insert


@dataclass
class BatchResult:
    """What a batch changed, for the counters and the live pages."""

    new_events: int = 0
    duplicate_events: int = 0
    new_help_requests: list[str] = field(default_factory=list)
    answered_commands: list[str] = field(default_factory=list)


class HealthSampler:
    """Keeps one health report per kiosk and `every_s` seconds in the history.

    Every report still updates the kiosk's current state; the history needs no more: a fleet of
    10,000 kiosks reporting every 30 s would otherwise add 29 million rows a day. Per process:
    with several serve processes, a kiosk may get a sample from each.
    """

    def __init__(self, every_s: float) -> None:
        self._every_s = every_s
        self._last: dict[tuple[str, str], float] = {}

    def keep(self, health: HealthUpdate) -> bool:
        key = (health.site, health.kiosk_id)
        last = self._last.get(key)
        if last is not None and health.received_at - last < self._every_s:
            return False
        self._last[key] = health.received_at
        return True


def write_batch(
    engine: Engine, records: Sequence[Record], sampler: HealthSampler | None = None
) -> BatchResult:
    """Store the records in one transaction (what makes ingestion keep up with the fleet).

    Without a sampler, every health report goes into the history.
    """
    states = [record for record in records if isinstance(record, StateUpdate)]
    healths = [record for record in records if isinstance(record, HealthUpdate)]
    events = [record for record in records if isinstance(record, EventRecord)]
    answers = [record for record in records if isinstance(record, CommandAnswer)]
    result = BatchResult()
    with engine.begin() as connection:
        if healths:
            _write_health(connection, healths, sampler)
        if states:
            _write_states(connection, states)
        if events:
            _write_events(connection, events, result)
        for answer in answers:
            if _write_answer(connection, answer):
                result.answered_commands.append(answer.correlation)
    return result


def _write_health(connection: Connection, healths: list[HealthUpdate], sampler: HealthSampler | None) -> None:
    samples = [health for health in healths if sampler is None or sampler.keep(health)]
    if samples:
        _write_samples(connection, samples)
    # One row per kiosk: a batch may hold several health messages of one kiosk, and PostgreSQL
    # refuses to update a row twice in one statement.
    latest = {(health.site, health.kiosk_id): health for health in healths}
    insert = upsert_insert(connection, schema.kiosks)
    kiosks = schema.kiosks
    excluded = insert.excluded
    shown = ("app_version", "content_version", "content_checked_on", "problems")
    changed = or_(kiosks.c.silent, *(kiosks.c[name].is_distinct_from(excluded[name]) for name in shown))
    updated = {
        name: excluded[name]
        for name in _health_row(healths[0])
        if name not in ("site", "kiosk_id", "state", "changed_at")
    }
    updated["silent"] = False
    updated["changed_at"] = case((changed, excluded.last_seen_at), else_=kiosks.c.changed_at)
    statement = insert.on_conflict_do_update(index_elements=[kiosks.c.site, kiosks.c.kiosk_id], set_=updated)
    connection.execute(statement, [_health_row(health) for health in latest.values()])


def _write_samples(connection: Connection, samples: list[HealthUpdate]) -> None:
    connection.execute(
        schema.health_samples.insert(),
        [
            {
                "site": health.site,
                "kiosk_id": health.kiosk_id,
                "received_at": health.received_at,
                "seq": health.seq,
                "cpu_percent": health.cpu_percent,
                "memory_percent": health.memory_percent,
                "disk_percent": health.disk_percent,
                "temperature_c": health.temperature_c,
                "printer_detail": _detail(health, PRINTER),
                "reader_detail": _detail(health, CARD_READER),
            }
            for health in samples
        ],
    )


def _detail(health: HealthUpdate, name: str) -> str:
    device = health.device(name)
    return device.detail if device else ""


def _health_row(health: HealthUpdate) -> dict[str, Any]:
    printer = health.device(PRINTER)
    reader = health.device(CARD_READER)
    return {
        "kiosk_id": health.kiosk_id,
        "site": health.site,
        # A kiosk first heard through its health is running; its retained state follows.
        "state": "ready",
        "last_seen_at": health.received_at,
        "changed_at": health.received_at,
        "health_seq": health.seq,
        "app_version": health.app_version,
        "content_version": health.content_version,
        "content_checked_on": health.content_checked_on,
        "uptime_s": health.uptime_s,
        "screen": health.screen,
        "cpu_percent": health.cpu_percent,
        "memory_percent": health.memory_percent,
        "disk_percent": health.disk_percent,
        "temperature_c": health.temperature_c,
        "speech": health.speech,
        "reconnects": health.reconnects,
        "printer_present": printer.present if printer else None,
        "printer_ready": printer.ready if printer else None,
        "printer_detail": printer.detail if printer else "",
        "reader_present": reader.present if reader else None,
        "reader_ready": reader.ready if reader else None,
        "reader_detail": reader.detail if reader else "",
        "devices": json.dumps([_device_json(device) for device in health.devices]),
        "problems": encode_problems(device_problems(health.devices)),
    }


def _device_json(device: DeviceState) -> dict[str, Any]:
    # Written out rather than dataclasses.asdict, which deep-copies: this runs for every message.
    return {"name": device.name, "present": device.present, "ready": device.ready, "detail": device.detail}


def _write_states(connection: Connection, states: list[StateUpdate]) -> None:
    latest: dict[tuple[str, str], StateUpdate] = {}
    for state in states:
        if not _is_stale_will(state, latest.get((state.site, state.kiosk_id))):
            latest[(state.site, state.kiosk_id)] = state
    insert = upsert_insert(connection, schema.kiosks)
    kiosks = schema.kiosks
    excluded = insert.excluded
    # Sparkplug's rule: a will whose bdSeq is not the current birth's belongs to an older
    # connection (the broker may deliver it after the kiosk came back) and is ignored.
    stale_will = and_(
        excluded.state == "lost",
        kiosks.c.bd_seq.is_not(None),
        excluded.bd_seq.is_not(None),
        excluded.bd_seq != kiosks.c.bd_seq,
    )
    statement = insert.on_conflict_do_update(
        index_elements=[kiosks.c.site, kiosks.c.kiosk_id],
        set_={
            "state": excluded.state,
            "bd_seq": case((excluded.bd_seq.is_(None), kiosks.c.bd_seq), else_=excluded.bd_seq),
            "state_detail": excluded.state_detail,
            "state_at": excluded.state_at,
            "last_seen_at": excluded.last_seen_at,
            "changed_at": excluded.changed_at,
            "silent": False,
        },
        where=not_(stale_will),
    )
    connection.execute(
        statement,
        [
            {
                "kiosk_id": state.kiosk_id,
                "site": state.site,
                "state": state.state,
                "bd_seq": state.bd_seq,
                "state_detail": state.detail,
                "state_at": state.received_at,
                "last_seen_at": state.received_at,
                "changed_at": state.received_at,
            }
            for state in latest.values()
        ],
    )
    # History keeps what the kiosk's row took, not the stale wills it refused.
    current = {
        (row.site, row.kiosk_id, row.state, row.bd_seq)
        for row in connection.execute(
            select(kiosks.c.site, kiosks.c.kiosk_id, kiosks.c.state, kiosks.c.bd_seq).where(
                tuple_(kiosks.c.site, kiosks.c.kiosk_id).in_(list(latest))
            )
        )
    }
    history = [
        state for state in states if (state.site, state.kiosk_id, state.state, state.bd_seq) in current
    ]
    if history:
        connection.execute(
            upsert_insert(connection, schema.state_history).on_conflict_do_nothing(),
            [
                {
                    "site": state.site,
                    "kiosk_id": state.kiosk_id,
                    "state": state.state,
                    "bd_seq": state.bd_seq,
                    "at": state.received_at,
                }
                for state in history
            ],
        )


def _is_stale_will(state: StateUpdate, previous: StateUpdate | None) -> bool:
    return (
        state.state == "lost"
        and previous is not None
        and previous.bd_seq is not None
        and state.bd_seq is not None
        and state.bd_seq != previous.bd_seq
    )


def _write_events(connection: Connection, events: list[EventRecord], result: BatchResult) -> None:
    unique = list({event.event_id: event for event in events}.values())
    inserted = connection.execute(
        upsert_insert(connection, schema.events).on_conflict_do_nothing().returning(schema.events.c.event_id),
        [
            {
                "event_id": event.event_id,
                "kiosk_id": event.kiosk_id,
                "site": event.site,
                "kind": event.kind,
                "occurred_at": event.occurred_at,
                "received_at": event.received_at,
                "data": json.dumps(dict(event.data), default=str),
            }
            for event in unique
        ],
    )
    new_ids = {row.event_id for row in inserted}
    result.new_events += len(new_ids)
    result.duplicate_events += len(events) - len(new_ids)
    fresh = [event for event in unique if event.event_id in new_ids]
    helps = [event for event in fresh if event.help_request is not None]
    if helps:
        connection.execute(
            upsert_insert(connection, schema.help_requests).on_conflict_do_nothing(),
            [_help_row(event) for event in helps],
        )
        result.new_help_requests.extend(event.event_id for event in helps)
    acknowledged = [event for event in fresh if event.acknowledges is not None]
    for event in acknowledged:
        _acknowledge(connection, event.acknowledges or "", event.received_at, "borne")
    finished = [event for event in fresh if event.session is not None]
    if finished:
        connection.execute(
            upsert_insert(connection, schema.sessions).on_conflict_do_nothing(),
            [_session_row(event) for event in finished],
        )


def _help_row(event: EventRecord) -> dict[str, Any]:
    assert event.help_request is not None
    return {
        "event_id": event.event_id,
        "kiosk_id": event.kiosk_id,
        "site": event.site,
        "procedure": event.help_request.procedure,
        "step": event.help_request.step,
        "reason": event.help_request.reason,
        "requested_at": event.occurred_at,
        "changed_at": event.received_at,
    }


def _session_row(event: EventRecord) -> dict[str, Any]:
    session = event.session
    assert session is not None
    return {
        "event_id": event.event_id,
        "kiosk_id": event.kiosk_id,
        "site": event.site,
        "day": dt.datetime.fromtimestamp(event.occurred_at, dt.UTC).date().isoformat(),
        "ended_at": event.occurred_at,
        "procedure": session.procedure or "",
        "duration_s": session.duration_s,
        "completed": session.completed,
        "help_requested": session.help_requested,
        "satisfaction": session.satisfaction,
        "language": session.language,
        "features": ",".join(sorted(set(session.features))),
    }


def _acknowledge(connection: Connection, request_id: str, at: float, by: str) -> None:
    help_requests = schema.help_requests
    connection.execute(
        update(help_requests)
        .where(help_requests.c.event_id == request_id, help_requests.c.acknowledged_at.is_(None))
        .values(acknowledged_at=at, acknowledged_by=by, changed_at=at)
    )


def _write_answer(connection: Connection, answer: CommandAnswer) -> bool:
    commands = schema.commands
    outcome = connection.execute(
        update(commands)
        .where(commands.c.command_id == answer.correlation, commands.c.status == "pending")
        .values(
            status=answer.status,
            answered_at=answer.received_at,
            answer=json.dumps(dict(answer.data), default=str),
        )
    )
    return outcome.rowcount > 0
