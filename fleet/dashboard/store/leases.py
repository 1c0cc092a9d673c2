"""Leases: one serve process runs the fleet-wide jobs (alerts, pruning); another takes over if it dies."""

from __future__ import annotations

from sqlalchemy import Engine, or_, update

from fleet.dashboard.store import schema
from fleet.dashboard.store.dialect import upsert_insert


def try_acquire(engine: Engine, name: str, holder: str, ttl_s: float, now: float) -> bool:
    """Take or renew the lease; True when `holder` holds it until `now + ttl_s`."""
    leases = schema.leases
    with engine.begin() as connection:
        renewed = connection.execute(
            update(leases)
            .where(leases.c.name == name, or_(leases.c.holder == holder, leases.c.expires_at < now))
            .values(holder=holder, expires_at=now + ttl_s)
        )
        if renewed.rowcount:
            return True
        # RETURNING rather than rowcount: psycopg does not report the rows an INSERT ... ON
        # CONFLICT DO NOTHING inserted.
        created = connection.execute(
            upsert_insert(connection, leases).on_conflict_do_nothing().returning(leases.c.name),
            {"name": name, "holder": holder, "expires_at": now + ttl_s},
        )
        return created.first() is not None


def release(engine: Engine, name: str, holder: str) -> None:
    """Give the lease up at a clean stop, so another process takes over at once."""
    leases = schema.leases
    with engine.begin() as connection:
        connection.execute(
            update(leases).where(leases.c.name == name, leases.c.holder == holder).values(expires_at=0.0)
        )
