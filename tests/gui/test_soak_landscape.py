"""A short soak (issue 13) in a landscape window, where big text puts the choices beside the
text: 100 random valid sessions with faults injected, no crash and no lost event.

Its own file, so that it can run beside the portrait one (test_soak_short.py) on another worker.
The landscape soak found two layouts that never settled (docs/benchmarks.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.soak import run_short_soak

pytestmark = pytest.mark.gui

#: About 5 minutes on a 2-core machine under Xvfb (twice the pixels of the portrait run).
SESSIONS = 100
SIZE = (1280, 800)


@pytest.mark.timeout(1500)
def test_a_short_soak_in_landscape_has_no_crash_and_loses_no_event(display: str, tmp_path: Path) -> None:
    run_short_soak(SESSIONS, seed=11, size=SIZE, work=tmp_path)
