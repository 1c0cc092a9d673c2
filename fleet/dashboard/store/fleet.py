"""Reads the fleet: counts by status, the filtered and sorted table, one kiosk with its history."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, and_, case, desc, false, func, or_, select, tuple_

from fleet.dashboard.status import STATUS_LEVEL, Level, Problem, Status, decode_problems
from fleet.dashboard.store import schema

kiosks = schema.kiosks


def status_expression(stale_content_before: str | None) -> ColumnElement[str]:
    """The SQL form of a kiosk's status, so that filters, sorting and counts run in the database.

    `stale_content_before` is the ISO date before which content facts count as old (None: never).
    """
    return case(
        (or_(kiosks.c.state == "lost", kiosks.c.silent), Status.OFFLINE.value),
        (kiosks.c.state == "disconnected", Status.STOPPED.value),
        (kiosks.c.state == "maintenance", Status.MAINTENANCE.value),
        (
            or_(kiosks.c.state == "alert", kiosks.c.problems != "", _stale_content(stale_content_before)),
            Status.PROBLEM.value,
        ),
        else_=Status.OK.value,
    )


def _stale_content(stale_content_before: str | None) -> ColumnElement[bool]:
    if stale_content_before is None:
        return false()
    return and_(kiosks.c.content_checked_on.is_not(None), kiosks.c.content_checked_on < stale_content_before)


def problem_condition(problem: Problem, stale_content_before: str | None) -> ColumnElement[bool]:
    """Kiosks that have this problem now."""
    if problem is Problem.STALE_CONTENT:
        return _stale_content(stale_content_before)
    return kiosks.c.problems.like(f"%,{problem.value},%")


@dataclass(frozen=True)
class FleetFilter:
    """What the fleet table shows: filters (None: all), sort column and direction, page."""

    site: str | None = None
    status: Status | None = None
    problem: Problem | None = None
    version: str | None = None
    sort: str = "status"
    descending: bool = False
    page: int = 1
    page_size: int = 100


#: The columns the table can be sorted by; status sorts the most urgent first.
SORT_COLUMNS = ("status", "kiosk_id", "site", "app_version", "last_seen_at")
_STATUS_ORDER = {status: rank for rank, status in enumerate(Status)}


@dataclass(frozen=True)
class KioskRow:
    """One kiosk as the fleet table and the API show it."""

    kiosk_id: str
    site: str
    state: str
    status: Status
    problems: tuple[Problem, ...]
    app_version: str
    content_version: str
    content_checked_on: str | None
    last_seen_at: float
    printer_detail: str
    reader_detail: str

    @property
    def level(self) -> Level:
        return STATUS_LEVEL[self.status]

    @property
    def key(self) -> str:
        """ "site/kiosk_id": how pages and the API name a kiosk (an id is unique within its site)."""
        return f"{self.site}/{self.kiosk_id}"

    def as_json(self) -> dict[str, Any]:
        return {
            "kiosk_id": self.kiosk_id,
            "site": self.site,
            "state": self.state,
            "status": self.status.value,
            "level": self.level.value,
            "problems": [problem.value for problem in self.problems],
            "app_version": self.app_version,
            "content_version": self.content_version,
            "content_checked_on": self.content_checked_on,
            "last_seen_at": self.last_seen_at,
            "printer": self.printer_detail,
            "card_reader": self.reader_detail,
        }


@dataclass(frozen=True)
class FleetPage:
    counts: dict[Status, int]
    rows: list[KioskRow]
    total: int
    sites: list[str]
    versions: list[str]


def _row_columns(stale_content_before: str | None) -> list[Any]:
    return [
        kiosks.c.kiosk_id,
        kiosks.c.site,
        kiosks.c.state,
        status_expression(stale_content_before).label("status"),
        kiosks.c.problems,
        kiosks.c.app_version,
        kiosks.c.content_version,
        kiosks.c.content_checked_on,
        kiosks.c.last_seen_at,
        kiosks.c.printer_detail,
        kiosks.c.reader_detail,
    ]


def kiosk_problems(
    problems: str, content_checked_on: str | None, stale_content_before: str | None
) -> list[Problem]:
    """A kiosk's problems now: its devices' (the ``problems`` column) and its content's age."""
    found = decode_problems(problems)
    if stale_content_before and content_checked_on and content_checked_on < stale_content_before:
        found.append(Problem.STALE_CONTENT)
    return found


def _kiosk_row(row: Any, stale_content_before: str | None) -> KioskRow:
    problems = kiosk_problems(row.problems, row.content_checked_on, stale_content_before)
    return KioskRow(
        kiosk_id=row.kiosk_id,
        site=row.site,
        state=row.state,
        status=Status(row.status),
        problems=tuple(problems),
        app_version=row.app_version,
        content_version=row.content_version,
        content_checked_on=row.content_checked_on,
        last_seen_at=row.last_seen_at,
        printer_detail=row.printer_detail,
        reader_detail=row.reader_detail,
    )


def fleet_page(
    engine: Engine,
    wanted: FleetFilter,
    *,
    only_site: str | None = None,
    stale_content_before: str | None = None,
) -> FleetPage:
    """Counts by status (of what the person may see), then one page of the filtered table."""
    status = status_expression(stale_content_before)
    scope = [kiosks.c.site == only_site] if only_site else []
    conditions = list(scope)
    if wanted.site:
        conditions.append(kiosks.c.site == wanted.site)
    if wanted.status:
        conditions.append(status == wanted.status.value)
    if wanted.problem:
        conditions.append(problem_condition(wanted.problem, stale_content_before))
    if wanted.version:
        conditions.append(kiosks.c.app_version == wanted.version)
    with engine.connect() as connection:
        counts = {member: 0 for member in Status}
        for value, count in connection.execute(select(status, func.count()).where(*scope).group_by(status)):
            counts[Status(value)] = count
        total = connection.execute(select(func.count()).select_from(kiosks).where(*conditions)).scalar_one()
        order = _order(wanted, status)
        rows = connection.execute(
            select(*_row_columns(stale_content_before))
            .where(*conditions)
            .order_by(*order)
            .limit(wanted.page_size)
            .offset((max(wanted.page, 1) - 1) * wanted.page_size)
        ).all()
        sites = list(
            connection.execute(
                select(kiosks.c.site).where(*scope).distinct().order_by(kiosks.c.site)
            ).scalars()
        )
        versions = list(
            connection.execute(
                select(kiosks.c.app_version)
                .where(*scope, kiosks.c.app_version != "")
                .distinct()
                .order_by(kiosks.c.app_version)
            ).scalars()
        )
    return FleetPage(
        counts=counts,
        rows=[_kiosk_row(row, stale_content_before) for row in rows],
        total=total,
        sites=sites,
        versions=versions,
    )


def _order(wanted: FleetFilter, status: ColumnElement[str]) -> list[Any]:
    if wanted.sort == "status":
        rank = case({member.value: rank for member, rank in _STATUS_ORDER.items()}, value=status)
        key: Any = rank
    elif wanted.sort in SORT_COLUMNS:
        key = kiosks.c[wanted.sort]
    else:
        key = kiosks.c.kiosk_id
    return [desc(key) if wanted.descending else key, kiosks.c.kiosk_id, kiosks.c.site]


def kiosk_rows(
    engine: Engine,
    keys: Sequence[tuple[str, str]] | None = None,
    *,
    only_site: str | None = None,
    changed_since: float | None = None,
    stale_content_before: str | None = None,
    limit: int | None = None,
) -> list[KioskRow]:
    """Rows by (site, kiosk id), by site or changed since a time (the live updates), in id order."""
    query = select(*_row_columns(stale_content_before)).order_by(kiosks.c.kiosk_id, kiosks.c.site)
    if keys is not None:
        query = query.where(tuple_(kiosks.c.site, kiosks.c.kiosk_id).in_(list(keys)))
    if only_site:
        query = query.where(kiosks.c.site == only_site)
    if changed_since is not None:
        query = query.where(kiosks.c.changed_at > changed_since)
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as connection:
        return [_kiosk_row(row, stale_content_before) for row in connection.execute(query)]


@dataclass(frozen=True)
class KioskDetail:
    """Everything the kiosk page shows."""

    row: KioskRow
    health: dict[str, Any]
    devices: list[dict[str, Any]]
    samples: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    states: list[dict[str, Any]] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)


def kiosk_detail(
    engine: Engine,
    site: str,
    kiosk_id: str,
    *,
    since: float,
    only_site: str | None = None,
    stale_content_before: str | None = None,
    limit: int = 100,
) -> KioskDetail | None:
    """The kiosk (None if unknown or outside `only_site`) with its history since `since`."""
    if only_site and site != only_site:
        return None
    key = (site, kiosk_id)
    with engine.connect() as connection:
        row = connection.execute(
            select(*_row_columns(stale_content_before), *_health_columns()).where(
                kiosks.c.site == site, kiosks.c.kiosk_id == kiosk_id
            )
        ).first()
        if row is None:
            return None
        return KioskDetail(
            row=_kiosk_row(row, stale_content_before),
            health={column.name: getattr(row, column.name) for column in _health_columns()},
            devices=json.loads(row.devices),
            samples=_samples(connection, key, since),
            events=_events(connection, key, since, limit),
            states=_states(connection, key, since, limit),
            commands=_commands(connection, key, limit),
            alerts=_alerts(connection, key, limit),
        )


def _health_columns() -> list[Any]:
    return [
        kiosks.c.state_detail,
        kiosks.c.bd_seq,
        kiosks.c.state_at,
        kiosks.c.uptime_s,
        kiosks.c.screen,
        kiosks.c.cpu_percent,
        kiosks.c.memory_percent,
        kiosks.c.disk_percent,
        kiosks.c.temperature_c,
        kiosks.c.speech,
        kiosks.c.reconnects,
        kiosks.c.health_seq,
        kiosks.c.devices,
    ]


def _samples(connection: Connection, key: tuple[str, str], since: float) -> list[dict[str, Any]]:
    samples = schema.health_samples
    rows = connection.execute(
        select(
            samples.c.received_at,
            samples.c.cpu_percent,
            samples.c.memory_percent,
            samples.c.disk_percent,
            samples.c.temperature_c,
        )
        .where(samples.c.site == key[0], samples.c.kiosk_id == key[1], samples.c.received_at >= since)
        .order_by(samples.c.received_at)
    )
    return [dict(row._mapping) for row in rows]


def _events(connection: Connection, key: tuple[str, str], since: float, limit: int) -> list[dict[str, Any]]:
    events = schema.events
    rows = connection.execute(
        select(events.c.event_id, events.c.kind, events.c.occurred_at, events.c.data)
        .where(events.c.site == key[0], events.c.kiosk_id == key[1], events.c.occurred_at >= since)
        .order_by(events.c.occurred_at.desc())
        .limit(limit)
    )
    return [{**dict(row._mapping), "data": json.loads(row.data)} for row in rows]


def _states(connection: Connection, key: tuple[str, str], since: float, limit: int) -> list[dict[str, Any]]:
    history = schema.state_history
    rows = connection.execute(
        select(history.c.state, history.c.bd_seq, history.c.at)
        .where(history.c.site == key[0], history.c.kiosk_id == key[1], history.c.at >= since)
        .order_by(history.c.at.desc(), history.c.id.desc())
        .limit(limit)
    )
    return [dict(row._mapping) for row in rows]


def _commands(connection: Connection, key: tuple[str, str], limit: int) -> list[dict[str, Any]]:
    commands = schema.commands
    rows = connection.execute(
        select(commands)
        .where(commands.c.site == key[0], commands.c.kiosk_id == key[1])
        .order_by(commands.c.requested_at.desc())
        .limit(limit)
    )
    return [command_json(row) for row in rows]


def command_json(row: Any) -> dict[str, Any]:
    """A command row as the pages and the API show it."""
    return {
        "command_id": row.command_id,
        "kiosk_id": row.kiosk_id,
        "site": row.site,
        "name": row.name,
        "arguments": json.loads(row.arguments),
        "requested_by": row.requested_by,
        "requested_at": row.requested_at,
        "status": row.status,
        "answered_at": row.answered_at,
        "answer": json.loads(row.answer) if row.answer else None,
    }


def _alerts(connection: Connection, key: tuple[str, str], limit: int) -> list[dict[str, Any]]:
    alerts = schema.alerts
    rows = connection.execute(
        select(alerts.c.kind, alerts.c.raised_at, alerts.c.cleared_at, alerts.c.detail)
        .where(alerts.c.site == key[0], alerts.c.kiosk_id == key[1])
        .order_by(alerts.c.raised_at.desc())
        .limit(limit)
    )
    return [dict(row._mapping) for row in rows]


def kiosk_exists(engine: Engine, site: str, kiosk_id: str) -> bool:
    with engine.connect() as connection:
        found = connection.execute(
            select(kiosks.c.kiosk_id).where(kiosks.c.site == site, kiosks.c.kiosk_id == kiosk_id)
        ).first()
    return found is not None


def sites_of_kiosk(engine: Engine, kiosk_id: str, *, only_site: str | None = None) -> list[str]:
    """The sites that have a kiosk of this id (ids are unique within a site only), in order."""
    query = select(kiosks.c.site).where(kiosks.c.kiosk_id == kiosk_id).order_by(kiosks.c.site)
    if only_site:
        query = query.where(kiosks.c.site == only_site)
    with engine.connect() as connection:
        return list(connection.execute(query).scalars())
