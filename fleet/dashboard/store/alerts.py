"""Reads the alerts: active first, then the recent ones, for the pages and the API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from fleet.dashboard.store import schema


def list_alerts(
    engine: Engine, *, only_site: str | None = None, active_only: bool = False, limit: int = 200
) -> list[dict[str, Any]]:
    """Alerts newest first; `active_only` keeps those not yet cleared."""
    alerts = schema.alerts
    query = select(
        alerts.c.id,
        alerts.c.kiosk_id,
        alerts.c.site,
        alerts.c.kind,
        alerts.c.raised_at,
        alerts.c.cleared_at,
        alerts.c.detail,
    ).order_by(alerts.c.raised_at.desc(), alerts.c.id.desc())
    if only_site:
        query = query.where(alerts.c.site == only_site)
    if active_only:
        query = query.where(alerts.c.active_key.is_not(None))
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query.limit(limit))]
