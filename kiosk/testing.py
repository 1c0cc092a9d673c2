"""KioskPilot: drives the real kiosk in-process on the current display, as a citizen would."""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import subprocess
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from kiosk.config import SiteConfig, load_config

#: Names of keypad keys accepted by :meth:`KioskPilot.key`.
KEYPAD = ("up", "down", "left", "right", "enter", "back", "help", "volume_up", "volume_down")


@contextlib.contextmanager
def virtual_display(size: str = "1920x1920x24") -> Iterator[str]:
    """Start Xvfb on a display number it picks itself (-displayfd) and point DISPLAY at it."""
    if shutil.which("Xvfb") is None:
        raise RuntimeError("Xvfb is missing: `make test` installs it (Debian package xvfb)")
    read_end, write_end = os.pipe()
    log = open(os.environ.get("KIOSK_XVFB_LOG", os.devnull), "ab")  # noqa: SIM115 - lives with Xvfb
    process = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", size, "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=log,
        stderr=log,
    )
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    if not number:
        process.kill()
        raise RuntimeError("Xvfb did not start")
    previous = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = f":{number}"
    try:
        yield os.environ["DISPLAY"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        if previous is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = previous


class ManualClock:
    """Monotonic time plus an offset the test moves forward (idle timeouts without waiting)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset


class KioskPilot:
    """Runs the real app (real widgets, real Kivy window, simulated devices, recorded speech).

    Needs a display (Xvfb in tests). Touches go through the window's input dispatch like a
    finger's; the clock can be advanced with :meth:`advance` to test idle timeouts.
    """

    def __init__(
        self,
        size: tuple[int, int] = (1080, 1920),
        config: SiteConfig | Path | None = None,
        speech_engine: Any = None,
    ) -> None:
        """``speech_engine``: a RecordingEngine (the default) or one with a duration per utterance."""
        self.size = size
        self._speech_engine = speech_engine
        self.config = config if isinstance(config, SiteConfig) else load_config(config)
        self.clock = ManualClock()
        self.kiosk: Any = None
        self.quit_requested = False

    def __enter__(self) -> KioskPilot:
        from kiosk.bootstrap import prepare_kivy

        prepare_kivy()
        from kivy.base import EventLoop
        from kivy.core.window import Window

        from accessibility.speech import RecordingEngine
        from kiosk.app import assemble

        EventLoop.ensure_window()
        Window.size = self.size
        self.engine = self._speech_engine or RecordingEngine()
        self.kiosk = assemble(self.config, speech_engine=self.engine, clock=self.clock, on_quit=self._on_quit)
        Window.add_widget(self.kiosk.root)
        self._window = Window
        self.wait(0.15)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        root = self.kiosk.root
        self._window.remove_widget(root)
        self.kiosk.close()
        reference = weakref.ref(root)
        self.kiosk = None
        del root
        # Kivy lets go of the last touches, scroll effects and layout triggers over a few frames.
        for _ in range(30):
            self.wait(0.05)
            gc.collect()
            if reference() is None:
                break
        self.leaked = reference() is not None

    def _on_quit(self) -> None:
        self.quit_requested = True

    # -- reading the screen ------------------------------------------------------------------

    @property
    def controller(self) -> Any:
        return self.kiosk.controller

    @property
    def screen(self) -> str:
        """Name of the screen shown: home, catalogue, step, summary, receipt, feedback..."""
        return self.kiosk.root.manager.current

    def _visible_box(self, widget: Any) -> tuple[float, float, float, float] | None:
        """The part of ``widget`` a person can see (window px: x, y, width, height), or None.

        Hidden screens, zero opacity, and whatever a scroll view has scrolled out of sight are
        not visible: a finger cannot reach them without scrolling.
        """
        from kivy.uix.screenmanager import Screen
        from kivy.uix.scrollview import ScrollView

        left, bottom = widget.to_window(widget.x, widget.y)
        right, top = left + widget.width, bottom + widget.height
        node = widget
        while node is not None and node is not self._window:
            if node.opacity == 0 or node.width <= 0 or node.height <= 0:
                return None
            if (
                isinstance(node, Screen)
                and node.manager is not None
                and node.manager.current_screen is not node
            ):
                return None
            if isinstance(node, ScrollView) and node is not widget:
                view_left, view_bottom = node.to_window(node.x, node.y)
                left, bottom = max(left, view_left), max(bottom, view_bottom)
                right, top = min(right, view_left + node.width), min(top, view_bottom + node.height)
            node = node.parent
        left, bottom = max(left, 0), max(bottom, 0)
        right, top = min(right, self._window.width), min(top, self._window.height)
        if right - left < 1 or top - bottom < 1:
            return None
        return left, bottom, right - left, top - bottom

    def _visible(self, widget: Any) -> bool:
        return self._visible_box(widget) is not None

    def _walk(self) -> list[Any]:
        return [w for w in self.kiosk.root.walk(restrict=True) if self._visible(w)]

    def texts(self) -> list[str]:
        """Texts of the visible labels (pictogram glyphs left out), top to bottom."""
        from kivy.uix.label import Label

        from accessibility.pictograms import ICON_FONT

        labels = [w for w in self._walk() if isinstance(w, Label) and w.text and w.font_name != ICON_FONT]
        labels.sort(key=lambda w: -w.to_window(w.x, w.top)[1])
        return [label.text for label in labels]

    def widgets(self) -> list[dict[str, Any]]:
        """Visible interactive widgets: id, text, and the visible part's x, y, width, height (px)."""
        from screens.widgets import KioskButton

        found = []
        for widget in self._walk():
            box = self._visible_box(widget) if isinstance(widget, KioskButton) else None
            if box is not None:
                x, y, width, height = box
                found.append(
                    {
                        "id": widget.action_id,
                        "text": widget.text,
                        "x": x,
                        "y": y,
                        "width": width,
                        "height": height,
                        "disabled": widget.disabled,
                        "widget": widget,
                    }
                )
        return found

    def find(self, target: str) -> dict[str, Any]:
        """The visible widget whose id is ``target``, else the first whose text contains it."""
        widgets = self.widgets()
        for item in widgets:
            if item["id"] == target:
                return item
        for item in widgets:
            if target.lower() in item["text"].lower():
                return item
        raise LookupError(f"no visible widget with id or text '{target}' on screen '{self.screen}'")

    @property
    def spoken(self) -> list[str]:
        """Utterances that reached the speech engine, oldest first."""
        self.kiosk.speech.wait_idle(2.0)
        return [item.text for item in self.engine.said]

    # -- acting ------------------------------------------------------------------------------

    def tap(self, target: str) -> None:
        """Touch down and up at the centre of the widget ``target`` (id or text)."""
        item = self.find(target)
        self.touch(item["x"] + item["width"] / 2, item["y"] + item["height"] / 2)

    def touch(self, x: float, y: float, hold: float = 0.0) -> None:
        """A finger at window pixel (x, y), held ``hold`` seconds."""
        from kivy.tests.common import UnitTestTouch

        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.wait(max(hold, 0.02))
        touch.touch_up()
        self.wait(0.05)

    def press_only(self, target: str) -> Any:
        """Touch down on ``target`` without lifting; returns the touch (call ``touch_up()``)."""
        from kivy.tests.common import UnitTestTouch

        item = self.find(target)
        touch = UnitTestTouch(item["x"] + item["width"] / 2, item["y"] + item["height"] / 2)
        touch.touch_down()
        self.wait(0.05)
        return touch

    def key(self, name: str) -> None:
        """A keypad key: up down left right enter back help volume_up volume_down."""
        if name not in KEYPAD:
            raise ValueError(f"unknown key '{name}'; keys: {', '.join(KEYPAD)}")
        code = getattr(self.config.keypad, name)[0]
        self._window.dispatch("on_key_down", code, 0, None, [])
        self._window.dispatch("on_key_up", code, 0)
        self.wait(0.05)

    def wait(self, seconds: float = 0.1) -> None:
        """Let the app run (frames, clock events, background results) for ``seconds``."""
        from kivy.base import EventLoop

        end = time.monotonic() + seconds
        while True:
            EventLoop.idle()
            if time.monotonic() >= end:
                break

    def plug_headset(self, plugged: bool = True) -> None:
        """Simulate the headset jack's event, as the audio layer raises it."""
        self.kiosk.headset(plugged)
        self.wait(0.1)

    def advance(self, seconds: float) -> None:
        """Move the kiosk's clock forward (idle timeouts, PIN lockout) and let it react."""
        self.clock.offset += seconds
        self.wait(0.35)

    def screenshot(self, path: str | Path) -> Path:
        """Save what the window shows to ``path`` (PNG), read back while the frame is drawn."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        written: list[str] = []

        def capture(window: Any) -> None:
            # Before the buffers swap, the back buffer holds the frame just drawn.
            name = str(path.resolve()).replace("{", "{{").replace("}", "}}")
            written.append(window.screenshot(name=name))

        self.wait(0.05)
        self._window.bind(on_flip=capture)
        try:
            for _ in range(50):
                self._window.canvas.ask_update()
                self.wait(0.02)
                if written:
                    break
        finally:
            self._window.unbind(on_flip=capture)
        if not written:
            raise RuntimeError("the window drew no frame to capture")
        # Window.screenshot adds a counter to the name it is given: move its file to ``path``.
        Path(written[0]).replace(path)
        return path
