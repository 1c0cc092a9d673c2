"""`kiosk-fleet serve`: ingestion, the web UI, the API, /metrics and the alert monitor in one process."""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fleet.dashboard.cli.common import add_database_option, open_or_explain

if TYPE_CHECKING:
    from fleet.dashboard.alerts.notify import Notifier

logger = logging.getLogger(__name__)

#: The shared-subscription group of a dashboard's serve processes.
DEFAULT_GROUP = "fleet"


def default_client_id(http_port: int) -> str:
    """A serve process's MQTT client id when none is given: the same after a restart (its
    session, with what it had not acknowledged, waits for it at the broker), another for each
    process of the machine (each listens on its own HTTP port)."""
    return f"kiosk-fleet-{socket.gethostname()}-{http_port}"


def _address(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError("HOST:PORT, such as 127.0.0.1:8080")
    return host.strip("[]"), int(port)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="the fleet dashboard: ingest the kiosks' messages, serve the web UI and the API",
        description="Several serve processes may share the load: same --group, same --db (PostgreSQL).",
    )
    parser.add_argument("--broker", required=True, metavar="URL", help="mqtt://, mqtts://, ws:// or wss://")
    parser.add_argument(
        "--broker-password-file", type=Path, help="the broker password (better than in the URL)"
    )
    parser.add_argument("--broker-ca", type=Path, help="CA certificate(s) for mqtts:// and wss://")
    parser.add_argument(
        "--client-id",
        help="the MQTT client id, fixed so that the session outlives a restart "
        "(default kiosk-fleet-HOSTNAME-PORT: one per serve process, by its --http port)",
    )
    parser.add_argument(
        "--group", default=DEFAULT_GROUP, help=f"shared-subscription group (default {DEFAULT_GROUP})"
    )
    add_database_option(parser)
    parser.add_argument(
        "--http",
        type=_address,
        default=("127.0.0.1", 8080),
        metavar="HOST:PORT",
        help="default 127.0.0.1:8080",
    )
    parser.add_argument(
        "--insecure-cookies",
        action="store_true",
        help="send cookies over plain HTTP (only for a trial on this machine; put HTTPS in front otherwise)",
    )
    parser.add_argument("--history-days", type=float, default=30.0, help="history kept (default 30 days)")
    parser.add_argument(
        "--usage-days", type=float, default=730.0, help="session statistics kept (default 730)"
    )
    parser.add_argument(
        "--offline-after",
        type=float,
        default=95.0,
        help="seconds of silence before a kiosk is offline (default 95)",
    )
    parser.add_argument(
        "--alert-after",
        type=float,
        default=60.0,
        help="seconds a condition lasts before alerting (default 60)",
    )
    parser.add_argument(
        "--clear-after",
        type=float,
        default=120.0,
        help="seconds it is gone before the alert ends (default 120)",
    )
    parser.add_argument(
        "--monitor-interval", type=float, default=2.0, help="seconds between two alert checks (default 2)"
    )
    parser.add_argument("--stale-content-days", type=int, default=365, help="content facts older are stale")
    parser.add_argument(
        "--webhook-file", type=Path, help="a file of webhook URLs, one per line (kept out of ps)"
    )
    parser.add_argument("--smtp", type=_address, metavar="HOST:PORT", help="SMTP relay for alert e-mails")
    parser.add_argument("--smtp-from", default="kiosk-fleet@localhost")
    parser.add_argument(
        "--smtp-to", action="append", default=[], metavar="ADDRESS", help="repeat for several"
    )
    parser.add_argument("--smtp-user")
    parser.add_argument("--smtp-password-file", type=Path)
    parser.add_argument("--smtp-plain", action="store_true", help="no STARTTLS (a relay on this machine)")
    parser.add_argument(
        "--sample-every",
        type=float,
        default=60.0,
        help="seconds between two health samples kept per kiosk (60)",
    )
    parser.add_argument("--batch-size", type=int, default=1000, help="records per transaction at most")
    parser.add_argument("--batch-delay", type=float, default=0.2, help="seconds a record waits at most")
    parser.add_argument("--access-log", action="store_true", help="log every HTTP request")
    parser.set_defaults(run=run)


def notifiers(args: argparse.Namespace) -> list[Notifier]:
    from fleet.dashboard.alerts.notify import SmtpNotifier, WebhookNotifier

    found: list[Notifier] = []
    if args.webhook_file:
        for line in args.webhook_file.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                found.append(WebhookNotifier(line.strip()))
    if args.smtp and args.smtp_to:
        host, port = args.smtp
        found.append(
            SmtpNotifier(
                host=host,
                port=port,
                sender=args.smtp_from,
                recipients=tuple(args.smtp_to),
                starttls=not args.smtp_plain,
                username=args.smtp_user,
                password_file=args.smtp_password_file,
            )
        )
    return found


def run(args: argparse.Namespace) -> int:
    import uvicorn
    from prometheus_client import CollectorRegistry, disable_created_metrics

    from fleet.dashboard.alerts.monitor import AlertMonitor, MonitorSettings
    from fleet.dashboard.alerts.rules import AlertRules
    from fleet.dashboard.alerts.tracker import AlertPolicy
    from fleet.dashboard.broker import BrokerError, parse_broker_url
    from fleet.dashboard.commands import CommandSender
    from fleet.dashboard.ingest.batcher import BatchWriter
    from fleet.dashboard.ingest.subscriber import FleetSubscriber
    from fleet.dashboard.metrics import FleetCollector, IngestMetrics, MonitorMetrics
    from fleet.dashboard.settings import WebSettings
    from fleet.dashboard.store.retention import Retention
    from fleet.dashboard.web.app import create_app
    from fleet.dashboard.web.context import DashboardContext

    try:
        address = parse_broker_url(
            args.broker, password_file=args.broker_password_file, ca_file=args.broker_ca
        )
    except (BrokerError, OSError) as error:
        print(f"kiosk-fleet serve: {error}", file=sys.stderr)
        return 2
    engine = open_or_explain(args.db)
    if engine is None:
        return 1
    settings = WebSettings(
        secure_cookies=not args.insecure_cookies, stale_content_days=args.stale_content_days
    )
    # The *_created series double every counter for little use on a dashboard's own metrics.
    disable_created_metrics()
    registry = CollectorRegistry()
    metrics = IngestMetrics(registry)
    registry.register(FleetCollector(engine, settings.stale_content_before))
    writer = BatchWriter(
        engine,
        metrics,
        max_batch=args.batch_size,
        max_delay=args.batch_delay,
        sample_every_s=args.sample_every,
    )
    client_id = args.client_id or default_client_id(args.http[1])
    subscriber = FleetSubscriber(address, writer, metrics, group=args.group, client_id=client_id)
    context = DashboardContext(
        engine=engine,
        settings=settings,
        registry=registry,
        commands=CommandSender(engine, subscriber.client),
        ingest_ready=subscriber.subscribed.is_set,
    )
    app = create_app(context)
    writer.add_listener(lambda _result, _batch: app.state.hub.wake())
    monitor = AlertMonitor(
        engine,
        MonitorSettings(
            offline_after_s=args.offline_after,
            interval_s=args.monitor_interval,
            rules=AlertRules(),
            policy=AlertPolicy(raise_after_s=args.alert_after, clear_after_s=args.clear_after),
            retention=Retention(history_days=args.history_days, usage_days=args.usage_days),
        ),
        notifiers(args),
        holder=f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}",
        stale_content_before=settings.stale_content_before,
        metrics=MonitorMetrics(registry),
    )
    host, port = args.http
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level=logging.getLevelName(logging.getLogger().level).lower(),
            access_log=args.access_log,
            # Live streams never end by themselves: past this, they are closed so the process stops.
            timeout_graceful_shutdown=3,
            log_config=None,
        )
    )
    writer.start()
    subscriber.start()
    monitor.start()
    logger.info("dashboard on http://%s:%d, broker %s", host, port, address.display())
    try:
        server.run()
    finally:
        subscriber.stop()  # stops the writer first: what it holds is committed, then acknowledged
        monitor.stop()
        engine.dispose()
    return 0
