"""The soak script (benchmarks/soak.py) loaded for the tests, and the checks of a short run."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

SOAK = Path(__file__).resolve().parents[2] / "benchmarks" / "soak.py"


def load_soak() -> ModuleType:
    """benchmarks/soak.py (the benchmarks are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("benchmarks_soak", SOAK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it runs
    spec.loader.exec_module(module)
    return module


def run_short_soak(sessions: int, seed: int, size: tuple[int, int], work: Path) -> None:
    """Run ``sessions`` random sessions in a ``size`` window; no crash, no lost event, the voice
    back after a killed engine, each kind of fault injected. No timing is asserted."""
    soak = load_soak()
    memory_log = soak.MemoryLog(work / "memory.jsonl", every=sessions // 4)
    figures = soak.run_soak(sessions, seed=seed, work=work, size=size, memory_log=memory_log)
    memory_log.close()
    summary = soak.report(figures)
    assert figures.sessions == sessions, summary
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
    # The memory's breakdown, four times: the mappings' kinds add up to the resident memory.
    readings = [json.loads(line) for line in (work / "memory.jsonl").read_text().splitlines()]
    assert [reading["session"] for reading in readings] == [sessions // 4 * n for n in (1, 2, 3, 4)]
    for reading in readings:
        assert sum(reading["resident"].values()) == pytest.approx(reading["rss_mb"], abs=2.0)
        assert reading["objects"]["(all)"] > 0 and reading["c_allocator"]["in_use"] > 0, reading
    # No check of the freed widget trees here: pytest keeps each logged record of the test, and a
    # crash's record keeps its traceback, whose frames hold that kiosk. The soak script, which
    # keeps no record, reports them.
