"""Prometheus metrics: this process's ingestion counters, and the fleet read from the store when scraped."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select

from fleet.dashboard.status import Problem, Status
from fleet.dashboard.store import schema
from fleet.dashboard.store.fleet import kiosk_problems, status_expression

#: The printer paper states `kiosk_printer_paper_state` reports, one series each (1 = current).
PAPER_STATES = ("ok", "low", "out", "unknown")


class IngestMetrics:
    """This process's ingestion counters (each serve process counts its own share)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.messages = Counter(
            "fleet_ingest_messages", "Messages received from the broker, by kind", ["kind"], registry=registry
        )
        self.dropped = Counter(
            "fleet_ingest_dropped",
            "Messages dropped: malformed, oversized, overflow (writer too far behind), error",
            ["reason"],
            registry=registry,
        )
        self.stored = Counter("fleet_ingest_stored", "Records written to the store", registry=registry)
        self.duplicates = Counter(
            "fleet_ingest_duplicate_events",
            "Events already stored (same id), not counted again",
            registry=registry,
        )
        self.write_errors = Counter(
            "fleet_ingest_write_errors", "Batches the store refused (retried)", registry=registry
        )
        self.batch_seconds = Histogram(
            "fleet_ingest_batch_seconds",
            "Time to write one batch",
            registry=registry,
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )
        self.pending = Gauge("fleet_ingest_pending", "Records waiting for the writer", registry=registry)


class MonitorMetrics:
    """The alert monitor's work in this process (only the lease holder's counters move)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.ticks = Counter(
            "fleet_monitor_ticks", "Rounds of the monitor while holding the lease", registry=registry
        )
        self.lease = Gauge(
            "fleet_monitor_lease_held", "1 when this process runs the fleet-wide jobs", registry=registry
        )
        self.alerts = Counter(
            "fleet_alerts_changes", "Alerts raised or cleared", ["change"], registry=registry
        )
        self.notifications = Counter(
            "fleet_alert_notifications", "Notifications sent or failed", ["outcome"], registry=registry
        )


class FleetCollector(Collector):
    """The fleet as the store sees it, read at each scrape (any serve process gives the same answer)."""

    def __init__(self, engine: Engine, stale_content_before: Callable[[], str | None] = lambda: None) -> None:
        self._engine = engine
        self._stale_content_before = stale_content_before

    def collect(self) -> Iterator[Metric]:
        kiosks = schema.kiosks
        up = GaugeMetricFamily(
            "kiosk_up", "1 when the kiosk is connected and not silent", labels=["site", "kiosk"]
        )
        paper = GaugeMetricFamily(
            "kiosk_printer_paper_state",
            "The printer's paper: one series per state, 1 for the current one",
            labels=["site", "kiosk", "state"],
        )
        problem = GaugeMetricFamily(
            "kiosk_problem",
            "The dashboard's problems: one series per kiosk and problem, 1 when the kiosk has it",
            labels=["site", "kiosk", "problem"],
        )
        stale_content_before = self._stale_content_before()
        status = status_expression(stale_content_before).label("status")
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(
                    kiosks.c.site,
                    kiosks.c.kiosk_id,
                    kiosks.c.printer_present,
                    kiosks.c.printer_detail,
                    kiosks.c.problems,
                    kiosks.c.content_checked_on,
                    status,
                )
            ).all()
            sessions = connection.execute(
                select(schema.sessions.c.site, schema.sessions.c.procedure, func.count()).group_by(
                    schema.sessions.c.site, schema.sessions.c.procedure
                )
            ).all()
        for row in rows:
            up.add_metric(
                [row.site, row.kiosk_id], 0.0 if row.status in (Status.OFFLINE, Status.STOPPED) else 1.0
            )
            current = _paper_state(row.printer_present, row.printer_detail)
            for state in PAPER_STATES:
                paper.add_metric([row.site, row.kiosk_id, state], 1.0 if state == current else 0.0)
            has = kiosk_problems(row.problems, row.content_checked_on, stale_content_before)
            for known in Problem:
                problem.add_metric([row.site, row.kiosk_id, known.value], 1.0 if known in has else 0.0)
        yield up
        yield paper
        yield problem
        total = CounterMetricFamily(
            "kiosk_sessions", "Citizen sessions finished, by site and procedure", labels=["site", "procedure"]
        )
        for site, procedure, count in sessions:
            total.add_metric([site, procedure], float(count))
        yield total


def _paper_state(present: bool | None, detail: str) -> str:
    if not present:
        return "unknown"
    return {"paper_out": "out", "paper_near_end": "low"}.get(detail, "ok")
