"""No key, combination or close request takes a citizen out of the kiosk (issue 13, lockdown)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

PROBE = Path(__file__).parents[1] / "support" / "lockdown_probe.py"


def test_keys_and_close_requests_leave_the_kiosk_on_its_welcome_screen(display: str, tmp_path: Path) -> None:
    environment = {**os.environ, "DISPLAY": display, "KIOSK_SILENT": "1", "HOME": str(tmp_path)}
    environment["STATE_DIRECTORY"] = str(tmp_path / "state")
    result = subprocess.run(
        [sys.executable, str(PROBE)], capture_output=True, text=True, timeout=120, env=environment
    )
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("LOCKDOWN ")]
    report = json.loads(line.removeprefix("LOCKDOWN "))
    assert report["running"] and report["close_request_ignored"], report
    assert not report["settings_opened"] and not report["popups"], report
    assert "inspector" not in report["modules"] and "monitor" not in report["modules"]
    assert report["screen"] == "home"
    assert result.returncode == 0 and "Traceback" not in result.stderr
