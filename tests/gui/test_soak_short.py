"""A short soak (issue 13) in the portrait window: random valid sessions with faults injected,
no crash and no lost event; and the soak's own figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.soak import load_soak, run_short_soak

pytestmark = pytest.mark.gui

#: Sessions in the short run: about 5 minutes on a 2-core machine under Xvfb (the full soak,
#: `make soak`, runs 10,000; test_soak_landscape.py runs 100 more in a landscape window).
SESSIONS = 200
#: A smaller window than the totem's: Xvfb draws in software, and the faults, not the pixels,
#: are what this run is about.
SIZE = (540, 960)


@pytest.mark.timeout(1500)
def test_a_short_soak_has_no_crash_and_loses_no_event(display: str, tmp_path: Path) -> None:
    run_short_soak(SESSIONS, seed=13, size=SIZE, work=tmp_path)


def test_the_memory_trend_is_the_second_half_slope() -> None:
    soak = load_soak()
    steady_leak = soak.array("d", (400 + 0.05 * session for session in range(200)))
    assert soak.trend_per_1000(steady_leak) == pytest.approx(50.0)
    # Screens built on their first use: a step early on, then flat.
    warm_up = soak.array("d", (370 if session < 60 else 410 for session in range(200)))
    assert soak.trend_per_1000(warm_up) == pytest.approx(0.0)
    assert soak.trend_per_1000(soak.array("d", range(30))) is None


def test_the_memory_growth_compares_medians_of_two_tenths() -> None:
    soak = load_soak()
    # A flat run where a few sessions end in a heavy state (10 MB more in use) near its end:
    # the medians see no growth.
    heavy = {181, 186, 190, 195}
    flat = soak.array("d", (310 if session in heavy else 300 for session in range(200)))
    assert soak.window_growth(flat) == pytest.approx(0.0)
    steady_leak = soak.array("d", (300 + 0.1 * session for session in range(200)))
    assert soak.window_growth(steady_leak) == pytest.approx(0.1 * (190 - 30), abs=0.2)
    assert soak.window_growth(soak.array("d", range(40))) is None


def test_a_paused_run_waits_until_told_to_go_on_or_to_stop() -> None:
    soak = load_soak()
    pause, stop = soak.threading.Event(), soak.threading.Event()
    polls: list[float] = []

    # The sleep is handed in, not patched on the time module: every thread of the test process
    # shares that one (a patched time.sleep once hung a worker).
    def go_on_at_the_third_poll(seconds: float) -> None:
        polls.append(seconds)
        if len(polls) == 3:
            pause.clear()

    pause.set()
    assert soak.wait_while_paused(pause, stop, go_on_at_the_third_poll) >= 0
    assert polls == [soak.PAUSE_POLL_SECONDS] * 3
    # Ctrl-C (or SIGTERM) during a pause ends the wait: the figures so far are then printed.
    polls.clear()
    pause.set()

    def stopped(seconds: float) -> None:
        polls.append(seconds)
        stop.set()

    soak.wait_while_paused(pause, stop, stopped)
    assert len(polls) == 1 and pause.is_set()
