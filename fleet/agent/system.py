"""The machine's health for the fleet (psutil): CPU, memory, disk, temperature, uptime."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import psutil

from fleet.protocol import SystemHealth

log = logging.getLogger(__name__)


class SystemProbe:
    """Measures the machine; each call returns at once (CPU is the average since the last call).

    Threads: one caller at a time (the agent's worker). Never raises: a failing measure is logged
    once and the report goes without it (``None``).
    """

    def __init__(self, disk_path: Path = Path("/")) -> None:
        self._disk_path = disk_path
        self._warned = False
        # The first cpu_percent(None) has nothing to compare with and says 0.0: prime it now.
        psutil.cpu_percent(interval=None)

    def __call__(self) -> SystemHealth | None:
        try:
            return SystemHealth(
                cpu_percent=psutil.cpu_percent(interval=None),
                memory_percent=psutil.virtual_memory().percent,
                disk_percent=psutil.disk_usage(str(self._disk_path)).percent,
                temperature_c=hottest_sensor(),
                boot_uptime_s=max(0.0, time.time() - psutil.boot_time()),
            )
        except (OSError, ValueError, psutil.Error):
            if not self._warned:
                log.warning("cannot measure the machine's health", exc_info=True)
                self._warned = True
            return None


def hottest_sensor() -> float | None:
    """The highest temperature psutil can read (°C), or None (no sensor, or not on this OS)."""
    read = getattr(psutil, "sensors_temperatures", None)
    if read is None:
        return None
    try:
        sensors = read()
    except (OSError, RuntimeError):
        return None
    readings = [entry.current for entries in sensors.values() for entry in entries if entry.current]
    return round(max(readings), 1) if readings else None
