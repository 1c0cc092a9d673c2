"""The alert conditions: which kiosks are offline, out of paper, without a reader, crashing, or stale."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, func, not_, or_, select

from fleet.dashboard.status import Problem
from fleet.dashboard.store import schema
from fleet.dashboard.store.fleet import problem_condition


class AlertKind(StrEnum):
    OFFLINE = "offline"
    PAPER_OUT = "paper_out"
    READER_MISSING = "reader_missing"
    CRASH_LOOP = "crash_loop"
    STALE_CONTENT = "stale_content"


#: How an alert reads in a notification and on the pages, in plain French.
ALERT_LABEL: dict[AlertKind, str] = {
    AlertKind.OFFLINE: "hors ligne",
    AlertKind.PAPER_OUT: "plus de papier",
    AlertKind.READER_MISSING: "lecteur de carte absent",
    AlertKind.CRASH_LOOP: "l'application redémarre en boucle",
    AlertKind.STALE_CONTENT: "contenu à revoir",
}


@dataclass(frozen=True)
class AlertRules:
    """The thresholds of the conditions."""

    #: This many crashes within the window make a crash loop.
    crash_count: int = 3
    crash_window_s: float = 600.0
    #: Content facts checked before this ISO date are stale (None: never).
    stale_content_before: str | None = None


@dataclass(frozen=True)
class Condition:
    kiosk_id: str
    site: str
    kind: AlertKind
    detail: str = ""

    @property
    def key(self) -> tuple[str, str, AlertKind]:
        return (self.site, self.kiosk_id, self.kind)


def current_conditions(
    connection: Connection, rules: AlertRules, now: float
) -> dict[tuple[str, AlertKind], Condition]:
    """Every alert condition that holds now, keyed by kiosk and kind."""
    kiosks = schema.kiosks
    found: dict[tuple[str, str, AlertKind], Condition] = {}

    def add(kind: AlertKind, rows: object) -> None:
        for row in rows:  # type: ignore[attr-defined]
            condition = Condition(row.kiosk_id, row.site, kind, getattr(row, "detail", "") or "")
            found[condition.key] = condition

    offline = or_(kiosks.c.state == "lost", kiosks.c.silent)
    # A kiosk that is offline or stopped reports nothing new about its devices: only "offline" holds.
    running = not_(or_(offline, kiosks.c.state == "disconnected"))
    add(AlertKind.OFFLINE, connection.execute(select(kiosks.c.kiosk_id, kiosks.c.site).where(offline)))
    add(
        AlertKind.PAPER_OUT,
        connection.execute(
            select(kiosks.c.kiosk_id, kiosks.c.site).where(
                running, problem_condition(Problem.PAPER_OUT, None)
            )
        ),
    )
    add(
        AlertKind.READER_MISSING,
        connection.execute(
            select(kiosks.c.kiosk_id, kiosks.c.site).where(
                running, problem_condition(Problem.READER_MISSING, None)
            )
        ),
    )
    if rules.stale_content_before:
        add(
            AlertKind.STALE_CONTENT,
            connection.execute(
                select(kiosks.c.kiosk_id, kiosks.c.site, kiosks.c.content_checked_on.label("detail")).where(
                    running, problem_condition(Problem.STALE_CONTENT, rules.stale_content_before)
                )
            ),
        )
    events = schema.events
    crashes = connection.execute(
        select(events.c.kiosk_id, events.c.site, func.count().label("crashes"))
        .where(events.c.kind == "app_crash", events.c.occurred_at >= now - rules.crash_window_s)
        .group_by(events.c.kiosk_id, events.c.site)
        .having(func.count() >= rules.crash_count)
    )
    for row in crashes:
        condition = Condition(row.kiosk_id, row.site, AlertKind.CRASH_LOOP, f"{row.crashes} plantages")
        found[condition.key] = condition
    return found
