"""The window's root: the screen area, the persistent bar, the mediator corner and keypad focus."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.animation import Animation
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from screens.page import PageScreen
from screens.registry import screen_class
from screens.widgets import BarButton, KioskButton, show_action

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

#: The bar's buttons, left to right; the same on every screen.
BAR_IDS = ("bar_home", "bar_back", "bar_listen", "bar_help", "bar_bigger")
#: How long a new screen takes to fade in, when a citizen turned animations on.
FADE_SECONDS = 0.25


def fade_in(screen: Widget, animate: bool) -> None:
    """Show ``screen`` at once, or fading in from the background over ``FADE_SECONDS``.

    Kivy's FadeTransition draws both screens into two window-sized framebuffers and a shader
    at every swap: with the software renderer, each swap took 70–150 ms instead of 45–75, and
    every burst of fades kept 5–11 MB more of the graphics driver's memory for good (the long
    soak's memory step, docs/benchmarks.md). Fading the new screen's opacity draws nothing
    off-screen and holds nothing.
    """
    Animation.cancel_all(screen, "opacity")
    if animate:
        screen.opacity = 0
        Animation(opacity=1, duration=FADE_SECONDS).start(screen)
    else:
        screen.opacity = 1


class MediatorCorner(Widget):
    """An invisible top-left corner: a long press opens the mediator's PIN pad. Touches pass through."""

    seconds = NumericProperty(3.0)
    on_long_press = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pending: Any = None

    def on_touch_down(self, touch: Any) -> bool:
        if self.collide_point(*touch.pos):
            self._cancel()
            self._pending = Clock.schedule_once(self._fire, self.seconds)
        return False

    def on_touch_up(self, touch: Any) -> bool:
        self._cancel()
        return False

    def _cancel(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def _fire(self, _dt: float) -> None:
        self._pending = None
        if self.on_long_press is not None:
            self.on_long_press()


class KioskRoot(FloatLayout):
    """Shows pages handed in by the application; it reads and decides nothing itself.

    Every button sends its action to ``dispatcher(action, touched)``. The keypad focus is an
    index into :meth:`focusables` (speech row, languages, actions, then the bar); the
    application says where it goes on each page, and whether its ring shows.
    """

    style = ObjectProperty(None)
    #: The name of the page shown (the journey's ScreenName value: "home", "step", ...).
    page_name = StringProperty("")

    def __init__(self, style: Any, dispatcher: Callable[[Any, bool], None], **kwargs: Any) -> None:
        super().__init__(style=style, **kwargs)
        self.dispatcher = dispatcher
        self.manager: ScreenManager = self.ids.manager
        self.manager.transition = NoTransition()
        #: The screens by name ("PageScreen-0", "PageScreen-1", "PinScreen-0"...): see `_spare`.
        self._screens: dict[str, PageScreen] = {}
        self.focus_index = -1
        #: The focus ring is drawn (the citizen uses the keypad).
        self.show_focus = False
        self.bar = [BarButton(style=style, action_id=bar_id) for bar_id in BAR_IDS]
        for button in self.bar:
            button.size_hint_y = 1
            self.ids.bar.add_widget(button)
            button.bind(needed=self._fit_bar)
        self._fit_bar()

    def show_page(
        self, page: Any, bar: list[Any], focus: str | None, show_focus: bool, animate: bool = False
    ) -> None:
        """Draw ``page`` on its screen and the bar's actions, and make that screen current.

        ``focus``: the id of the control the keypad focus goes to; None keeps it on the same
        control (or at the same place, when that control is gone).
        ``animate`` fades a new screen in (``FADE_SECONDS``, no flashing); off unless a citizen
        asks for it.
        """
        screen = self.screen if page.name == self.page_name else self._spare(screen_class(page.name))
        kept = self.focused.action_id if focus is None and self.focused is not None else focus
        screen.show(page, self.dispatcher)
        for button, action in zip(self.bar, bar, strict=True):
            show_action(button, action, self.dispatcher)
        if screen is not self.manager.current_screen:
            fade_in(screen, animate)
        self.manager.current = screen.name
        self.page_name = page.name
        self.show_focus = show_focus
        # The control keeps the focus even when others appear before it (the speech row).
        ids = [widget.action_id for widget in self.focusables()]
        self.set_focus(ids.index(kept) if kept in ids else self.focus_index)

    def _spare(self, kind: type[PageScreen]) -> PageScreen:
        """A screen of ``kind`` that is not the one shown, built the first time.

        Every page is drawn by one of two screens of its class, in turn: the page shown and the
        one fading in are never the same widget, and the kiosk holds four screens (two of
        PageScreen, two PIN pads) rather than one per kind of page — fewer widgets to build on a
        first visit, to keep in memory, to empty at a session's end and to lay out again when
        the text size changes.
        """
        for turn in (0, 1):
            name = f"{kind.__name__}-{turn}"
            screen = self._screens.get(name)
            if screen is None:
                screen = self._screens[name] = kind(name=name, style=self.style)
                self.manager.add_widget(screen)
            if screen is not self.manager.current_screen:
                return screen
        raise AssertionError("two screens of a kind cannot both be the one shown")

    def forget_screens(self) -> None:
        """Empty every screen but the one shown (at the end of a session): the screens are kept
        for the next pages, and none of them keeps what a citizen saw."""
        for screen in self._screens.values():
            if screen is not self.manager.current_screen:
                screen.forget()

    def _fit_bar(self, *_args: Any) -> None:
        """The bar is as tall as its tallest button (two lines of words at large text sizes)."""
        self.ids.bar.height = max(button.needed for button in self.bar) + 2 * self.style.spacing

    @property
    def screen(self) -> PageScreen:
        return self.manager.current_screen

    def focusables(self) -> list[KioskButton]:
        return [w for w in self.screen.focusables() + self.bar if not w.disabled]

    @property
    def focused(self) -> KioskButton | None:
        widgets = self.focusables()
        return widgets[self.focus_index] if 0 <= self.focus_index < len(widgets) else None

    def set_focus(self, index: int) -> KioskButton | None:
        """Put the focus on the ``index``-th control (wrapping around); -1 puts it nowhere."""
        widgets = self.focusables()
        for widget in widgets:
            widget.focused = False
        if not widgets or index < 0:
            self.focus_index = -1
            return None
        self.focus_index = index % len(widgets)
        focused = widgets[self.focus_index]
        focused.focused = self.show_focus
        if not self.show_focus:
            return focused  # nobody uses the keypad: the page stays as the finger left it
        scroll = focused.parent
        while scroll is not self and not isinstance(scroll, ScrollView):
            scroll = scroll.parent
        if isinstance(scroll, ScrollView):
            scroll.scroll_to(focused, padding=self.style.padding, animate=False)
        return focused

    def move_focus(self, step: int) -> KioskButton | None:
        """The next (``step`` 1) or previous (-1) control, from wherever the focus is; it wraps."""
        self.show_focus = True
        count = len(self.focusables())
        if not count:
            return None
        if self.focus_index < 0:
            return self.set_focus(0 if step > 0 else count - 1)
        return self.set_focus((self.focus_index + step) % count)

    def place_of(self, widget: KioskButton) -> tuple[int, int]:
        """(position, count) of ``widget`` among the usable buttons of its row: "2 sur 3"."""
        row = [w for w in reversed(widget.parent.children) if isinstance(w, KioskButton) and not w.disabled]
        return row.index(widget) + 1, len(row)

    def activate_focus(self) -> bool:
        """The keypad's Enter: use the focused control."""
        focused = self.focused
        if focused is None:
            return False
        focused.use(touched=False)
        return True

    def bind_mediator_corner(self, seconds: float, callback: Callable[[], None]) -> None:
        corner = self.ids.corner
        corner.seconds = seconds
        corner.on_long_press = callback
