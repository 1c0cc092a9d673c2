"""Help requests: the mediators' list, acknowledging one, and what changed since the last look."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, or_, select, update

from fleet.dashboard.store import schema

help_requests = schema.help_requests


def _json(row: Any) -> dict[str, Any]:
    return {
        "request_id": row.event_id,
        "kiosk_id": row.kiosk_id,
        "site": row.site,
        "procedure": row.procedure,
        "step": row.step,
        "reason": row.reason,
        "requested_at": row.requested_at,
        "acknowledged_at": row.acknowledged_at,
        "acknowledged_by": row.acknowledged_by,
    }


def list_help_requests(
    engine: Engine, *, only_site: str | None, since: float, open_only: bool = False, limit: int = 200
) -> list[dict[str, Any]]:
    """Requests received since `since`, newest first (open ones only if asked)."""
    query = (
        select(help_requests)
        .where(or_(help_requests.c.changed_at >= since, help_requests.c.acknowledged_at.is_(None)))
        .order_by(help_requests.c.requested_at.desc())
        .limit(limit)
    )
    if only_site:
        query = query.where(help_requests.c.site == only_site)
    if open_only:
        query = query.where(help_requests.c.acknowledged_at.is_(None))
    with engine.connect() as connection:
        return [_json(row) for row in connection.execute(query)]


def help_request(engine: Engine, request_id: str) -> dict[str, Any] | None:
    with engine.connect() as connection:
        row = connection.execute(select(help_requests).where(help_requests.c.event_id == request_id)).first()
    return _json(row) if row else None


def changed_help_requests(engine: Engine, since: float) -> list[dict[str, Any]]:
    """Requests received or acknowledged after `since` (dashboard clock), any site."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(help_requests)
            .where(help_requests.c.changed_at > since)
            .order_by(help_requests.c.changed_at)
        )
        return [_json(row) for row in rows]


def mark_acknowledged(engine: Engine, request_id: str, by: str, at: float) -> bool:
    """Record who answers the request; False if someone already did."""
    with engine.begin() as connection:
        result = connection.execute(
            update(help_requests)
            .where(help_requests.c.event_id == request_id, help_requests.c.acknowledged_at.is_(None))
            .values(acknowledged_at=at, acknowledged_by=by, changed_at=at)
        )
    return result.rowcount > 0
