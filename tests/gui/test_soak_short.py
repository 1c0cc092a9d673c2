"""A short soak (issue 13): random valid sessions with faults injected, no crash and no lost event."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.gui

SOAK = Path(__file__).resolve().parents[2] / "benchmarks" / "soak.py"
#: Sessions in the short run: about 9 minutes on a 2-core machine under Xvfb (the full soak,
#: `make soak`, runs 10,000).
SESSIONS = 300
#: A smaller window than the totem's: Xvfb draws in software, and the faults, not the pixels,
#: are what this run is about.
SIZE = (540, 960)


def load_soak() -> ModuleType:
    """benchmarks/soak.py (the benchmarks are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("benchmarks_soak", SOAK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it runs
    spec.loader.exec_module(module)
    return module


@pytest.mark.timeout(1500)
def test_a_short_soak_has_no_crash_and_loses_no_event(display: str, tmp_path: Path) -> None:
    soak = load_soak()
    figures = soak.run_soak(SESSIONS, seed=13, work=tmp_path, size=SIZE)
    summary = soak.report(figures)
    assert figures.sessions == SESSIONS, summary
    assert figures.crashes == 0, summary
    assert figures.events_lost == 0 and figures.events_sent == figures.sessions_ended > 0, summary
    # After a killed speech engine, the kiosk speaks again by itself from the next session on.
    assert figures.speech_back == figures.speech_checked > 0, summary
    # Every kind of fault was injected at least once (the cycles in soak.Faults make sure of it).
    assert set(figures.faults) >= {
        "broker restarted",
        "speech engine killed",
        "card pulled mid-read",
        "paper out",
    }, summary
    # No check of the freed widget trees here: pytest keeps each logged record of the test, and a
    # crash's record keeps its traceback, whose frames hold that kiosk. The soak script, which
    # keeps no record, reports them.


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
