"""The privacy audit (``privacy_audit.py``) in a fresh interpreter of its own.

The audit searches the whole Python heap for the citizen's data; in a worker process that ran
other test files first, it would also find what they left (their cards, hypothesis's table of
literals), so it runs alone. ``.venv/bin/pytest tests/gui/privacy_audit.py`` runs it directly.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

AUDIT = Path(__file__).with_name("privacy_audit.py")


def test_the_privacy_audit_passes_in_its_own_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider", str(AUDIT)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=AUDIT.parents[2],
    )
    assert result.returncode == 0, result.stdout[-8000:]
    assert " passed" in result.stdout.splitlines()[-1]
