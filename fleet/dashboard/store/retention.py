"""Pruning: history older than the retention is deleted; usage statistics are kept longer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, delete

from fleet.dashboard.store import schema

DAY_S = 86_400.0


@dataclass(frozen=True)
class Retention:
    #: Health samples, state history, events, commands, help requests and cleared alerts.
    history_days: float = 30.0
    #: The anonymous session statistics behind the usage page and the open data.
    usage_days: float = 730.0


def prune(engine: Engine, retention: Retention, now: float) -> dict[str, int]:
    """Delete what is older than the retention; returns the rows deleted per table."""
    history_cutoff = now - retention.history_days * DAY_S
    usage_cutoff = now - retention.usage_days * DAY_S
    deletions = {
        "health_samples": delete(schema.health_samples).where(
            schema.health_samples.c.received_at < history_cutoff
        ),
        "state_history": delete(schema.state_history).where(schema.state_history.c.at < history_cutoff),
        "events": delete(schema.events).where(schema.events.c.received_at < history_cutoff),
        "commands": delete(schema.commands).where(schema.commands.c.requested_at < history_cutoff),
        "help_requests": delete(schema.help_requests).where(
            schema.help_requests.c.requested_at < history_cutoff
        ),
        "alerts": delete(schema.alerts).where(
            schema.alerts.c.cleared_at.is_not(None), schema.alerts.c.cleared_at < history_cutoff
        ),
        "sessions": delete(schema.sessions).where(schema.sessions.c.ended_at < usage_cutoff),
        "web_sessions": delete(schema.web_sessions).where(schema.web_sessions.c.expires_at < now),
    }
    deleted: dict[str, int] = {}
    with engine.begin() as connection:
        for table, statement in deletions.items():
            deleted[table] = connection.execute(statement).rowcount
    return deleted
