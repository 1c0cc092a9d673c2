"""The monitor: the fleet-wide jobs (silence, alerts, expiry, pruning) of the process holding the lease."""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from prometheus_client import CollectorRegistry
from sqlalchemy import Connection, Engine, and_, func, select, update

from fleet.dashboard.alerts.notify import Notifier, send_all
from fleet.dashboard.alerts.rules import ALERT_LABEL, AlertKind, AlertRules, Condition, current_conditions
from fleet.dashboard.alerts.tracker import AlertPolicy, AlertTracker, Clear, Key, Raise
from fleet.dashboard.commands import expire_commands
from fleet.dashboard.metrics import MonitorMetrics
from fleet.dashboard.store import schema
from fleet.dashboard.store.leases import release, try_acquire
from fleet.dashboard.store.retention import Retention, prune

logger = logging.getLogger(__name__)

LEASE = "monitor"


@dataclass(frozen=True)
class MonitorSettings:
    #: A kiosk silent this long is offline even without its will (health comes every 30 s).
    offline_after_s: float = 95.0
    #: A command unanswered this long is marked "timeout".
    command_timeout_s: float = 60.0
    interval_s: float = 2.0
    prune_every_s: float = 3600.0
    rules: AlertRules = field(default_factory=AlertRules)
    policy: AlertPolicy = field(default_factory=AlertPolicy)
    retention: Retention = field(default_factory=Retention)


class AlertMonitor:
    """Runs every `interval_s` on its own thread while this process holds the lease.

    It marks silent kiosks, raises and clears alerts (one row per change in the store), hands
    the notifications to a second thread (a slow SMTP server must not delay the next check),
    times out unanswered commands and prunes old history.
    """

    def __init__(
        self,
        engine: Engine,
        settings: MonitorSettings,
        notifiers: list[Notifier],
        holder: str,
        clock: Callable[[], float] = time.time,
        stale_content_before: Callable[[], str | None] = lambda: None,
        metrics: MonitorMetrics | None = None,
    ) -> None:
        self._engine = engine
        self._settings = settings
        self._notifiers = notifiers
        self._holder = holder
        self._clock = clock
        self._stale_content_before = stale_content_before
        self._metrics = metrics or MonitorMetrics(CollectorRegistry())
        self._tracker = AlertTracker(settings.policy)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fleet-monitor", daemon=True)
        self._outbox: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._sender = threading.Thread(target=self._send, name="fleet-notifier", daemon=True)
        self._last_prune = 0.0
        self.holds_lease = False

    def start(self) -> None:
        self._thread.start()
        self._sender.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)
        self._outbox.put(None)
        if self._sender.is_alive():
            self._sender.join(30)
        if self.holds_lease:
            release(self._engine, LEASE, self._holder)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:
                # The database may be briefly away: the next tick tries again.
                logger.exception("monitor tick failed")
            self._stop.wait(self._settings.interval_s)

    def tick(self) -> list[Raise | Clear]:
        """One round of the jobs; returns the alert changes it made (none without the lease)."""
        now = self._clock()
        self.holds_lease = try_acquire(self._engine, LEASE, self._holder, self._settings.interval_s * 5, now)
        self._metrics.lease.set(1 if self.holds_lease else 0)
        if not self.holds_lease:
            return []
        self._mark_silent(now)
        with self._engine.connect() as connection:
            rules = replace(self._settings.rules, stale_content_before=self._stale_content_before())
            conditions = current_conditions(connection, rules, now)
            alerts = schema.alerts
            active = {
                (row.site, row.kiosk_id, AlertKind(row.kind))
                for row in connection.execute(
                    select(alerts.c.site, alerts.c.kiosk_id, alerts.c.kind).where(
                        alerts.c.active_key.is_not(None)
                    )
                )
            }
        changes = self._tracker.update(conditions, active, now)
        for change in changes:
            if isinstance(change, Raise):
                self._raise(change.condition, now)
                self._metrics.alerts.labels("raised").inc()
            else:
                self._clear(change.key, now)
                self._metrics.alerts.labels("cleared").inc()
        expire_commands(self._engine, now - self._settings.command_timeout_s, now)
        if now - self._last_prune >= self._settings.prune_every_s:
            self._last_prune = now
            deleted = prune(self._engine, self._settings.retention, now)
            if any(deleted.values()):
                logger.info("pruned %s", {table: count for table, count in deleted.items() if count})
        self._metrics.ticks.inc()
        return changes

    def _mark_silent(self, now: float) -> None:
        kiosks = schema.kiosks
        with self._engine.begin() as connection:
            connection.execute(
                update(kiosks)
                .where(
                    kiosks.c.silent.is_(False),
                    kiosks.c.state.in_(("ready", "maintenance", "alert")),
                    kiosks.c.last_seen_at < now - self._settings.offline_after_s,
                )
                .values(silent=True, changed_at=now)
            )

    def _raise(self, condition: Condition, now: float) -> None:
        alerts = schema.alerts
        with self._engine.begin() as connection:
            connection.execute(
                alerts.insert().values(
                    kiosk_id=condition.kiosk_id,
                    site=condition.site,
                    kind=condition.kind.value,
                    raised_at=now,
                    detail=condition.detail,
                    active_key=_active_key(condition.key),
                )
            )
            raised = self._raises_within(connection, condition.key, now)
        label = ALERT_LABEL[condition.kind]
        where = f"Borne {condition.kiosk_id} (site {condition.site})"
        if raised < self._settings.policy.flap_count:
            detail = f" ({condition.detail})" if condition.detail else ""
            self._queue(
                f"Alerte : {where} : {label}", f"{where} : {label}{detail}, depuis {_clock_time(now)}."
            )
        elif raised == self._settings.policy.flap_count:
            self._queue(
                f"Alerte instable : {where} : {label}",
                f"{where} : {label}, {raised} fois en peu de temps. Les prochains changements de cette "
                "alerte ne seront plus envoyés pendant un moment : voir le tableau de bord.",
            )

    def _clear(self, key: Key, now: float) -> None:
        site, kiosk_id, kind = key
        alerts = schema.alerts
        with self._engine.begin() as connection:
            connection.execute(
                update(alerts)
                .where(alerts.c.active_key == _active_key(key))
                .values(cleared_at=now, active_key=None)
            )
            raised = self._raises_within(connection, key, now)
        if raised < self._settings.policy.flap_count:
            where = f"Borne {kiosk_id} (site {site})"
            self._queue(
                f"Fin d'alerte : {where}", f"{where} : {ALERT_LABEL[kind]}, c'est réglé ({_clock_time(now)})."
            )

    def _raises_within(self, connection: Connection, key: Key, now: float) -> int:
        alerts = schema.alerts
        site, kiosk_id, kind = key
        return connection.execute(
            select(func.count()).where(
                and_(
                    alerts.c.site == site,
                    alerts.c.kiosk_id == kiosk_id,
                    alerts.c.kind == kind.value,
                    alerts.c.raised_at >= now - self._settings.policy.flap_window_s,
                )
            )
        ).scalar_one()

    def _queue(self, subject: str, text: str) -> None:
        logger.info("%s", subject)
        if self._notifiers:
            self._outbox.put((subject, text))

    def _send(self) -> None:
        while (item := self._outbox.get()) is not None:
            sent = send_all(self._notifiers, *item)
            self._metrics.notifications.labels("sent").inc(sent)
            self._metrics.notifications.labels("failed").inc(len(self._notifiers) - sent)


def _active_key(key: Key) -> str:
    site, kiosk_id, kind = key
    return f"{site}/{kiosk_id}/{kind.value}"


def _clock_time(at: float) -> str:
    return dt.datetime.fromtimestamp(at, dt.UTC).strftime("%d/%m/%Y %H:%M UTC")
