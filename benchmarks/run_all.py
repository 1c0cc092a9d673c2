"""Runs every benchmark in turn and prints their figures (`make benchmark`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent

if __name__ == "__main__":
    failures = 0
    for script in (
        "bench_kiosk.py",
        "bench_speech.py",
        "bench_spoken_time.py",
        "bench_idcard.py",
        "bench_fleet_agent.py",
        "bench_dashboard.py",
    ):
        print(f"== {script}", flush=True)
        failures += subprocess.call([sys.executable, str(HERE / script)]) != 0
    sys.exit(1 if failures else 0)
