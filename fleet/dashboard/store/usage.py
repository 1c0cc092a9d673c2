"""Usage: the anonymous session statistics summed per day and per procedure, kiosk or site."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from fleet.dashboard.store import schema

sessions = schema.sessions

#: What the usage page can group the days by.
GROUPINGS = ("procedure", "kiosk_id", "site")


@dataclass
class UsageRow:
    """Sums of one day and one group; rates and means are computed from them."""

    day: str
    site: str
    group: str
    sessions: int = 0
    completed: int = 0
    duration_total_s: float = 0.0
    satisfaction_total: int = 0
    satisfaction_answers: int = 0
    help_requests: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    features: Counter[str] = field(default_factory=Counter)

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.sessions if self.sessions else None

    @property
    def mean_duration_s(self) -> float | None:
        return self.duration_total_s / self.sessions if self.sessions else None

    @property
    def satisfaction_mean(self) -> float | None:
        return self.satisfaction_total / self.satisfaction_answers if self.satisfaction_answers else None

    def as_json(self) -> dict[str, Any]:
        return {
            "day": self.day,
            "site": self.site,
            "group": self.group,
            "sessions": self.sessions,
            "completed": self.completed,
            "completion_rate": self.completion_rate,
            "mean_duration_s": self.mean_duration_s,
            "satisfaction_mean": self.satisfaction_mean,
            "satisfaction_answers": self.satisfaction_answers,
            "help_requests": self.help_requests,
            "languages": dict(self.languages),
            "features": dict(self.features),
        }


def daily_usage(
    engine: Engine,
    *,
    group_by: str = "procedure",
    first_day: str | None = None,
    last_day: str | None = None,
    only_site: str | None = None,
) -> list[UsageRow]:
    """One row per day, site and group (procedure, kiosk or the site itself), days in order.

    Sums in Python over the day range: the languages and features need splitting anyway, and a
    département's year is a few hundred thousand rows.
    """
    if group_by not in GROUPINGS:
        raise ValueError(f"group_by must be one of {GROUPINGS}")
    query = select(
        sessions.c.day,
        sessions.c.site,
        sessions.c.kiosk_id,
        sessions.c.procedure,
        sessions.c.duration_s,
        sessions.c.completed,
        sessions.c.help_requested,
        sessions.c.satisfaction,
        sessions.c.language,
        sessions.c.features,
    )
    if first_day:
        query = query.where(sessions.c.day >= first_day)
    if last_day:
        query = query.where(sessions.c.day <= last_day)
    if only_site:
        query = query.where(sessions.c.site == only_site)
    rows: dict[tuple[str, str, str], UsageRow] = {}
    with engine.connect() as connection:
        for session in connection.execute(query):
            group = session.site if group_by == "site" else getattr(session, group_by)
            key = (session.day, session.site, group)
            row = rows.get(key)
            if row is None:
                row = rows[key] = UsageRow(day=session.day, site=session.site, group=group)
            row.sessions += 1
            row.completed += bool(session.completed)
            row.duration_total_s += session.duration_s
            if session.satisfaction is not None:
                row.satisfaction_total += session.satisfaction
                row.satisfaction_answers += 1
            row.help_requests += bool(session.help_requested)
            if session.language:
                row.languages[session.language] += 1
            for feature in filter(None, session.features.split(",")):
                row.features[feature] += 1
    return [rows[key] for key in sorted(rows)]
