"""Writes one batch of ingested records in one transaction: upserts, history, de-duplicated events."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, and_, case, false, not_, or_, select, tuple_, update
from sqlalchemy.dialects import sqlite

from fleet.dashboard.records import CommandAnswer, DeviceState, EventRecord, HealthUpdate, Record, StateUpdate
from fleet.dashboard.status import CARD_READER, PRINTER, device_problems, encode_problems
from fleet.dashboard.store import schema
from fleet.dashboard.store.dialect import upsert_insert, upsert_insert_for


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
        _execute_many(connection, _SAMPLE_INSERT, [_sample_row(health) for health in samples])
    # One row per kiosk, the last report winning: a batch may hold several reports of one kiosk,
    # and PostgreSQL refuses to update a row twice in one statement.
    latest = {(health.site, health.kiosk_id): health for health in healths}
    _execute_many(connection, _HEALTH_UPSERT, [_health_row(health) for health in latest.values()])


#: The columns of a kiosk's row that a health report sets, in the order of `_health_row`'s tuple.
_HEALTH_COLUMNS = (
    "site",
    "kiosk_id",
    "state",
    "last_seen_at",
    "changed_at",
    "health_seq",
    "app_version",
    "content_version",
    "content_checked_on",
    "uptime_s",
    "screen",
    "cpu_percent",
    "memory_percent",
    "disk_percent",
    "temperature_c",
    "speech",
    "reconnects",
    "printer_present",
    "printer_ready",
    "printer_detail",
    "reader_present",
    "reader_ready",
    "reader_detail",
    "devices",
    "problems",
)
#: The columns of a health sample, in the order of `_sample_row`'s tuple.
_SAMPLE_COLUMNS = (
    "site",
    "kiosk_id",
    "received_at",
    "seq",
    "cpu_percent",
    "memory_percent",
    "disk_percent",
    "temperature_c",
    "printer_detail",
    "reader_detail",
)


def _health_upsert(dialect: str) -> Any:
    insert = upsert_insert_for(dialect, schema.kiosks)
    kiosks = schema.kiosks
    excluded = insert.excluded
    shown = ("app_version", "content_version", "content_checked_on", "problems")
    changed = or_(kiosks.c.silent, *(kiosks.c[name].is_distinct_from(excluded[name]) for name in shown))
    updated: dict[str, Any] = {
        name: excluded[name]
        for name in _HEALTH_COLUMNS
        if name not in ("site", "kiosk_id", "state", "changed_at")
    }
    # Literals, not bound values: the statement's only parameters are the row's columns.
    updated["silent"] = false()
    updated["changed_at"] = case((changed, excluded.last_seen_at), else_=kiosks.c.changed_at)
    return insert.on_conflict_do_update(index_elements=[kiosks.c.site, kiosks.c.kiosk_id], set_=updated)


@dataclass(frozen=True)
class _BulkStatement:
    """A statement run once per row of a batch, its rows given as tuples in `columns`' order."""

    build: Callable[[str], Any]
    columns: tuple[str, ...]


_HEALTH_UPSERT = _BulkStatement(_health_upsert, _HEALTH_COLUMNS)
_SAMPLE_INSERT = _BulkStatement(lambda _dialect: schema.health_samples.insert(), _SAMPLE_COLUMNS)


def _execute_many(connection: Connection, bulk: _BulkStatement, rows: list[tuple[Any, ...]]) -> None:
    """Run the statement for every row: on SQLite straight through the driver.

    SQLAlchemy checks and converts every parameter of every row, which costs twice what SQLite
    takes to upsert the row (about 20 µs against 9 µs for a kiosk's 25 columns here): a health
    report per message makes it the writer's largest cost. The SQL is compiled once. PostgreSQL
    keeps SQLAlchemy's path, which packs the rows into multi-row statements.
    """
    dialect = connection.dialect.name
    if dialect == "sqlite":
        connection.exec_driver_sql(_sqlite_sql(bulk), rows)
    else:
        connection.execute(bulk.build(dialect), [dict(zip(bulk.columns, row, strict=True)) for row in rows])


@functools.cache
def _sqlite_sql(bulk: _BulkStatement) -> str:
    compiled = bulk.build("sqlite").compile(dialect=sqlite.dialect(), column_keys=list(bulk.columns))
    # The driver takes each row's values by position: they must be the statement's parameters,
    # in its order (SQLAlchemy lists an INSERT's columns in the table's order).
    if tuple(compiled.positiontup or ()) != bulk.columns:
        raise AssertionError(f"{bulk.columns} are not the parameters {compiled.positiontup}")
    return str(compiled)


def _sample_row(health: HealthUpdate) -> tuple[Any, ...]:
    printer, reader = _watched_devices(health.devices)
    return (
        health.site,
        health.kiosk_id,
        health.received_at,
        health.seq,
        health.cpu_percent,
        health.memory_percent,
        health.disk_percent,
        health.temperature_c,
        printer.detail if printer else "",
        reader.detail if reader else "",
    )


def _health_row(health: HealthUpdate) -> tuple[Any, ...]:
    printer, reader = _watched_devices(health.devices)
    devices, problems = _devices_columns(health.devices)
    return (
        health.site,
        health.kiosk_id,
        # A kiosk first heard through its health is running; its retained state follows.
        "ready",
        health.received_at,
        health.received_at,
        health.seq,
        health.app_version,
        health.content_version,
        health.content_checked_on,
        health.uptime_s,
        health.screen,
        health.cpu_percent,
        health.memory_percent,
        health.disk_percent,
        health.temperature_c,
        health.speech,
        health.reconnects,
        printer.present if printer else None,
        printer.ready if printer else None,
        printer.detail if printer else "",
        reader.present if reader else None,
        reader.ready if reader else None,
        reader.detail if reader else "",
        devices,
        problems,
    )


def _watched_devices(devices: tuple[DeviceState, ...]) -> tuple[DeviceState | None, DeviceState | None]:
    printer = reader = None
    for device in devices:
        if device.name == PRINTER:
            printer = device
        elif device.name == CARD_READER:
            reader = device
    return printer, reader


@functools.lru_cache(maxsize=1024)
def _devices_columns(devices: tuple[DeviceState, ...]) -> tuple[str, str]:
    """The devices' JSON and problems: the fleet's kiosks share a handful of device states, so
    each is worked out once rather than for every report."""
    return (
        json.dumps([_device_json(device) for device in devices]),
        encode_problems(device_problems(devices)),
    )


def _device_json(device: DeviceState) -> dict[str, Any]:
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
