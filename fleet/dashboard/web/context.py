"""What every request handler needs: the store, the settings, the command sender, the metrics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry
from sqlalchemy import Engine

from fleet.dashboard.commands import CommandSender
from fleet.dashboard.settings import WebSettings


@dataclass
class DashboardContext:
    engine: Engine
    settings: WebSettings = field(default_factory=WebSettings)
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    #: None when the process has no broker connection (the pages still work, commands do not).
    commands: CommandSender | None = None
    #: Whether ingestion is subscribed now (for /healthz).
    ingest_ready: Callable[[], bool] = lambda: False
