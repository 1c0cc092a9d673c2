"""Kiosk figures under Xvfb: cold start, tap-to-next-screen latency, frame cost, fade, memory.

Targets on a 2-core machine: start <= 2 s, tap median <= 50 ms and p95 <= 100 ms,
memory growth <= 5 MB from 10 to 500 sessions. The frame cost (a whole redraw with its buffer
swap, where llvmpipe rasterizes on the CPU) has no target: it is most of the soak's time, and a
jump in it is drawing work that a kiosk's GPU pays too; nor has the fade a citizen may turn on
(what a tap to the next screen costs with it, and the C memory still held after a hundred).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

from kiosk.display import virtual_display
from kiosk.heap import give_back_free_memory
from kiosk.testing import KioskPilot
from kiosk.testing import memory as memory_breakdown

#: Run in a fresh interpreter: time from process start to the first frame of the home screen.
START_PROBE = Path(__file__).with_name("start_probe.py")


def cold_start(runs: int = 5) -> list[float]:
    figures = []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, str(START_PROBE), repr(time.time())],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "KIOSK_SILENT": "1"},
        )
        lines = [line for line in output.stdout.splitlines() if line.strip()]
        if output.returncode != 0 or not lines:
            raise RuntimeError(f"start probe failed: {output.stderr[-2000:]}")
        figures.append(float(lines[-1]))
    return figures


def _tap_and_time(pilot: KioskPilot, target: str, window: object) -> float:
    """Seconds from the finger's release to the end of the first frame showing the new screen."""
    from kivy.base import EventLoop
    from kivy.tests.common import UnitTestTouch

    item = pilot.find(target)
    before = pilot.journey.page
    drawn: list[float] = []

    def on_flip(*_: object) -> None:
        if pilot.journey.page is not before and not drawn:
            drawn.append(time.perf_counter())

    touch = UnitTestTouch(item["x"] + item["width"] / 2, item["y"] + item["height"] / 2)
    touch.touch_down()
    EventLoop.idle()
    window.bind(on_flip=on_flip)
    released = time.perf_counter()
    touch.touch_up()
    while not drawn and time.perf_counter() - released < 2:
        EventLoop.idle()
    window.unbind(on_flip=on_flip)
    return drawn[0] - released if drawn else float("inf")


def tap_latency(taps: int = 200) -> list[float]:
    figures: list[float] = []
    with KioskPilot(size=(1080, 1920)) as pilot:
        window = pilot._window
        pilot.tap("start")
        cycle = [
            "topic_papiers",
            "procedure_carte-identite",
            "continue",
            "choice_premiere",
            "bar_back",
            "bar_back",
            "bar_back",
            "bar_back",
        ]
        while len(figures) < taps:
            for target in cycle:
                figures.append(_tap_and_time(pilot, target, window))
                if len(figures) >= taps:
                    break
    return figures


#: The screens whose redraw is timed, reached by these taps from the welcome screen.
FRAME_TOUR = (
    ("home", ()),
    ("catalogue", ("start",)),
    ("procedure list", ("topic_papiers",)),
    ("question", ("procedure_carte-identite", "continue")),
)


def frame_cost(frames: int = 30, size: tuple[int, int] = (540, 960)) -> dict[str, float]:
    """Median milliseconds to redraw each screen of FRAME_TOUR in full, buffer swap included."""
    from kivy.core.window import Window

    figures: dict[str, float] = {}
    with KioskPilot(size=size) as pilot:
        for screen, taps in FRAME_TOUR:
            for target in taps:
                pilot.tap(target)
            times = []
            for _ in range(frames):
                Window.canvas.ask_update()
                started = time.perf_counter()
                pilot._frame()
                times.append((time.perf_counter() - started) * 1000)
            figures[screen] = statistics.median(times)
    return figures


def _c_memory_mb() -> float:
    """glibc's bytes in use, in its arenas and mapped apart, once the garbage is collected."""
    gc.collect()
    give_back_free_memory()
    allocator = memory_breakdown.c_allocator() or {}
    return allocator.get("in_use", 0.0) + allocator.get("mapped", 0.0)


def fade_cost(swaps: int = 100, size: tuple[int, int] = (540, 960)) -> dict[str, float]:
    """With the fade turned on ("Affichage", "Animations"): the median tap to the next screen's
    first frame, and the C memory held after ``swaps`` fades minus before, welcome screen and
    catalogue in turn (the soak's memory step came from Kivy's FadeTransition)."""
    with KioskPilot(size=size) as pilot:
        for target in ("settings", "motion", "settings_done", "start", "bar_back"):
            pilot.tap(target)
        before = _c_memory_mb()
        times = []
        for index in range(swaps):
            times.append(_tap_and_time(pilot, "bar_back" if index % 2 else "start", pilot._window))
            pilot.settle()
        return {"tap_ms": statistics.median(times) * 1000, "held_mb": _c_memory_mb() - before}


def _one_session(pilot: KioskPilot) -> None:
    """A complete session through the buttons' own actions, one drawn frame per screen."""
    from kivy.base import EventLoop

    journey = pilot.journey

    def act(action_id: str) -> None:
        journey.dispatch(journey.page.action(action_id), touched=True)
        EventLoop.idle()

    act("start")
    act("topic_papiers")
    act("procedure_carte-identite")
    while journey.page.name == "step":
        ids = [action.id for action in journey.page.actions]
        act("doc_no" if "doc_no" in ids else ids[0])
    act("receipt")
    act("print")
    while pilot.kiosk.jobs.pending:
        EventLoop.idle()
    act("show_qr")
    act("finish")
    act("face_3")


def memory(sessions: tuple[int, ...] = (10, 100, 250, 500)) -> dict[int, float]:
    process = psutil.Process()
    figures: dict[int, float] = {}
    with KioskPilot(size=(1080, 1920)) as pilot:
        done = 0
        for target in sessions:
            while done < target:
                _one_session(pilot)
                done += 1
            gc.collect()
            figures[target] = process.memory_info().rss / 2**20
    return figures


def main() -> None:
    # Larger than the windows measured, so that none is shrunk to fit the screen.
    with virtual_display("2160x2160x24"):
        starts = cold_start()
        print(
            f"cold start to interactive home screen: median {statistics.median(starts):.2f} s "
            f"(runs: {', '.join(f'{s:.2f}' for s in starts)}; target <= 2 s)"
        )
        taps = sorted(tap_latency())
        p95 = taps[int(len(taps) * 0.95) - 1]
        median = statistics.median(taps)
        print(
            f"tap to next screen drawn over {len(taps)} taps: median {median * 1000:.1f} ms, "
            f"p95 {p95 * 1000:.1f} ms, max {taps[-1] * 1000:.1f} ms (targets 50 / 100 ms)"
        )
        frames = frame_cost()
        print(
            "one frame redrawn in full at 540x960, with the swap: "
            + ", ".join(f"{screen} {milliseconds:.1f} ms" for screen, milliseconds in frames.items())
            + " (medians of 30; no target)"
        )
        fade = fade_cost()
        print(
            f"fade turned on, 100 screens in turn at 540x960: tap to next screen drawn median "
            f"{fade['tap_ms']:.1f} ms; C memory held after them {fade['held_mb']:+.1f} MB (no target)"
        )
        rss = memory()
        counts = sorted(rss)
        first, last = counts[0], counts[-1]
        curve = ", ".join(f"{rss[count]:.1f} MB after {count}" for count in counts)
        print(f"resident memory: {curve} sessions; growth {rss[last] - rss[first]:+.1f} MB (target <= 5 MB)")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent.parent))
    main()
