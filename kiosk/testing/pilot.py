"""KioskPilot: drives the real kiosk in-process on the current display, as a citizen would.

Like Textual's pilot, every action (``tap``, ``key``, ``advance``) returns once the app has
settled: no background job running, no clock event due, the speech queue drained, and two
frames drawn after that. It never waits a fixed time; an app that does not settle within the
bound raises :class:`SettleTimeout` saying what was still pending.
"""

from __future__ import annotations

import gc
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from kiosk.config import SiteConfig, load_config
from kiosk.testing.clock import ManualClock

#: Names of keypad keys accepted by :meth:`KioskPilot.key`.
KEYPAD = ("up", "down", "left", "right", "enter", "back", "help", "volume_up", "volume_down")
#: A clock event due within this many seconds is work in progress (layout, scroll, an animation
#: frame); a later one (the journey's tick, a long press's timer) is not.
IMMINENT_SECONDS = 0.1
#: The most presses of "Voir la suite" (or "Remonter") :meth:`KioskPilot.reveal` makes.
PAGER_PRESSES = 100
#: Frames drawn after the app went quiet before it counts as settled.
QUIET_FRAMES = 2


class SettleTimeout(AssertionError):
    """The app kept working past the bound: the message says what was still pending."""


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
        wait_for_speech: bool = True,
        settle_timeout: float = 10.0,
        choice_pause_ms: int = 0,
    ) -> None:
        """``speech_engine``: a RecordingEngine (the default) or one with a duration per utterance;
        ``wait_for_speech``: settling waits for the speech queue to drain (turn it off to act
        while a long utterance is being said); ``choice_pause_ms``: the silence before each
        choice (none by default, so that tests need not wait for it)."""
        self.size = size
        self._speech_engine = speech_engine
        self.wait_for_speech = wait_for_speech
        self.settle_timeout = settle_timeout
        self.choice_pause_ms = choice_pause_ms
        self.config = config if isinstance(config, SiteConfig) else load_config(config)
        self.clock = ManualClock()
        self.kiosk: Any = None
        self.quit_requested = False
        self.leaked = False
        self._paced_fps = 0.0

    def __enter__(self) -> KioskPilot:
        from kiosk.bootstrap import prepare_kivy

        prepare_kivy()
        from kivy.base import EventLoop
        from kivy.clock import Clock
        from kivy.core.window import Window

        from accessibility.speech import RecordingEngine
        from kiosk.app import assemble

        EventLoop.ensure_window()
        Window.size = self.size
        # Kivy paces its frames to 60 a second by sleeping between them. The pilot draws a frame
        # only when it needs one, and waits for the app's own work with settle(): the pacing
        # only added sleeps (a sixth of a soak's time, and of the GUI tests').
        self._paced_fps, Clock._max_fps = Clock._max_fps, 0
        self.engine = self._speech_engine or RecordingEngine()
        self.kiosk = assemble(
            self.config,
            speech_engine=self.engine,
            clock=self.clock,
            on_quit=self._on_quit,
            choice_pause_ms=self.choice_pause_ms,
        )
        self.utterances: list[tuple[str, str]] = []
        self.kiosk.speech.on_started = lambda utterance: self.utterances.append(
            (utterance.text, utterance.language)
        )
        Window.add_widget(self.kiosk.root)
        self._window = Window
        self.settle()
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
            self._frame()
            gc.collect()
            if reference() is None:
                break
        self.leaked = reference() is not None
        from kivy.clock import Clock

        Clock._max_fps = self._paced_fps

    def _on_quit(self) -> None:
        self.quit_requested = True

    # -- waiting for the app -----------------------------------------------------------------

    def _frame(self) -> None:
        from kivy.base import EventLoop

        EventLoop.idle()

    def pending(self) -> list[str]:
        """What keeps the app from being settled now (empty when it is settled)."""
        from kivy.clock import Clock

        busy = []
        jobs = self.kiosk.jobs.pending
        if jobs:
            busy.append(f"{jobs} background job(s)")
        for event in Clock.get_events():
            if event.timeout <= IMMINENT_SECONDS:
                busy.append(f"clock event {getattr(event.callback, '__qualname__', event.callback)}")
        if self.wait_for_speech and not self.kiosk.speech.wait_idle(0):
            busy.append("speech still queued or being said")
        return busy

    def settle(self) -> None:
        """Run the app until it is idle (see the module docstring), at most ``settle_timeout`` s."""
        deadline = time.monotonic() + self.settle_timeout
        quiet = 0
        while quiet < QUIET_FRAMES:
            self._frame()
            busy = self.pending()
            quiet = 0 if busy else quiet + 1
            if busy and time.monotonic() > deadline:
                raise SettleTimeout(f"the app did not settle in {self.settle_timeout} s: {', '.join(busy)}")
            if busy and not self.kiosk.jobs.pending:
                # Speech or a clock event: let other threads run instead of spinning.
                time.sleep(0.001)

    def settle_until(self, condition: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
        """Run the app until ``condition`` holds, then settle: for what another process or thread
        brings (a command from the fleet's broker); SettleTimeout after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise SettleTimeout(f"not reached in {timeout} s: {what or condition}")
            self._frame()
            time.sleep(0.001)
        self.settle()

    def wait(self, seconds: float) -> None:
        """Let the app run for ``seconds`` of real time: only for what takes time by nature
        (a finger held down); everything else waits with :meth:`settle`."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self._frame()
            time.sleep(0.001)  # unpaced frames: let the app's other threads run meanwhile

    # -- reading the screen ------------------------------------------------------------------

    @property
    def journey(self) -> Any:
        return self.kiosk.journey

    @property
    def screen(self) -> str:
        """Name of the screen shown: home, catalogue, step, summary, receipt, feedback..."""
        return self.kiosk.root.page_name

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

    def visible(self, widget: Any) -> bool:
        return self._visible_box(widget) is not None

    def _walk(self) -> list[Any]:
        return [w for w in self.kiosk.root.walk(restrict=True) if self.visible(w)]

    def labels(self) -> list[Any]:
        """The visible labels with text (pictogram glyphs left out), top to bottom."""
        from kivy.uix.label import Label

        from accessibility.pictograms import ICON_FONT

        labels = [w for w in self._walk() if isinstance(w, Label) and w.text and w.font_name != ICON_FONT]
        labels.sort(key=lambda w: -w.to_window(w.x, w.top)[1])
        return labels

    def texts(self) -> list[str]:
        """Texts of the visible labels (pictogram glyphs left out), top to bottom, as a reader
        reads them (a no-break space is a space)."""
        return [label.text.replace("\u00a0", " ") for label in self.labels()]

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
                        "focused": widget.focused,
                        "widget": widget,
                    }
                )
        return found

    def ids(self) -> list[str]:
        """The ids of the visible buttons, bar included."""
        return [item["id"] for item in self.widgets()]

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

    def focused(self) -> Any:
        """The control that has the keypad focus (a KioskButton), or None."""
        return self.kiosk.root.focused

    @property
    def spoken(self) -> list[str]:
        """The texts that reached the speech engine, oldest first: an utterance reaches it in
        pieces (the text between two silences, each language's text apart)."""
        self.kiosk.speech.wait_idle(2.0)
        return [item.text for item in self.engine.said]

    @property
    def heard(self) -> list[str]:
        """Every utterance the speech manager began, whole, oldest first (not wiped at the end
        of a session: the test's own record)."""
        self.kiosk.speech.wait_idle(2.0)
        return [text for text, _language in self.utterances]

    # -- acting ------------------------------------------------------------------------------

    def tap(self, target: str) -> None:
        """Touch down and up at the centre of the widget ``target`` (id or text).

        A control scrolled out of sight is first brought into view the way a citizen would,
        with the page's "Voir la suite" / "Remonter" buttons, never by dragging.
        """
        item = self.reveal(target)
        self.touch(item["x"] + item["width"] / 2, item["y"] + item["height"] / 2)

    def reveal(self, target: str) -> dict[str, Any]:
        """The visible widget ``target``, after using the page's scroll buttons if it is hidden."""
        for direction in ("page_down", "page_up"):
            for _ in range(PAGER_PRESSES):
                try:
                    return self.find(target)
                except LookupError:
                    pagers = [w for w in self.widgets() if w["id"] == direction and not w["disabled"]]
                    if not pagers:
                        break
                    (pager,) = pagers
                    self.touch(pager["x"] + pager["width"] / 2, pager["y"] + pager["height"] / 2)
        return self.find(target)

    def touch(self, x: float, y: float, hold: float = 0.0) -> None:
        """A finger at window pixel (x, y), held ``hold`` seconds of real time."""
        from kivy.tests.common import UnitTestTouch

        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self._frame()
        if hold:
            self.wait(hold)
        touch.touch_up()
        self.settle()

    def press_only(self, target: str) -> Any:
        """Touch down on ``target`` without lifting; returns the touch (call ``touch_up()``)."""
        from kivy.tests.common import UnitTestTouch

        item = self.find(target)
        touch = UnitTestTouch(item["x"] + item["width"] / 2, item["y"] + item["height"] / 2)
        touch.touch_down()
        self.settle()
        return touch

    def key(self, name: str) -> None:
        """A keypad key: up down left right enter back help volume_up volume_down."""
        self.send_key(name)
        self.settle()

    def send_key(self, name: str) -> None:
        """Press and release a keypad key without waiting for the app (see :meth:`key`)."""
        if name not in KEYPAD:
            raise ValueError(f"unknown key '{name}'; keys: {', '.join(KEYPAD)}")
        code = getattr(self.config.keypad, name)[0]
        self._window.dispatch("on_key_down", code, 0, None, [])
        self._window.dispatch("on_key_up", code, 0)

    def plug_headset(self, plugged: bool = True) -> None:
        """Simulate the headset jack's event, as the audio layer raises it."""
        self.kiosk.headset(plugged)
        self.settle()

    def advance(self, seconds: float) -> None:
        """Move the kiosk's clock forward (idle timeouts, PIN lockout) and let it react."""
        self.clock.offset += seconds
        self.journey.tick()
        self.settle()

    def screenshot(self, path: str | Path) -> Path:
        """Save what the window shows to ``path`` (PNG), read back while the frame is drawn."""
        from kiosk.display import screenshot

        self.settle()
        return screenshot(self._window, Path(path), self._frame)
