"""The window's root: the screen area, the persistent bar, the mediator corner and keypad focus."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import NumericProperty, ObjectProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import FadeTransition, NoTransition, ScreenManager
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from screens.page import PageScreen
from screens.pin import PinScreen
from screens.widgets import BarButton, KioskButton, alt_text, glyph

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

#: Which screen class draws which page; pages not listed use the plain PageScreen.
SCREEN_CLASSES: dict[str, type[PageScreen]] = {"mediator_pin": PinScreen}
#: The bar's buttons, left to right; the same on every screen.
BAR_IDS = ("bar_home", "bar_back", "bar_listen", "bar_help", "bar_bigger")


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
    """Shows pages handed in by the application; it reads and decides nothing itself."""

    style = ObjectProperty(None)

    def __init__(self, style: Any, **kwargs: Any) -> None:
        super().__init__(style=style, **kwargs)
        self.manager: ScreenManager = self.ids.manager
        self.manager.transition = NoTransition()
        self._screens: dict[str, PageScreen] = {}
        self.focus_index = -1
        self.bar = [BarButton(style=style, action_id=bar_id) for bar_id in BAR_IDS]
        for button in self.bar:
            button.size_hint_y = 1
            self.ids.bar.add_widget(button)
            button.bind(needed=self._fit_bar)
        self._fit_bar()

    def show_page(self, page: Any, bar: list[Any], animate: bool = False) -> None:
        """Draw ``page`` on its screen and the bar's actions, and make that screen current.

        ``animate`` fades between screens (0.25 s, no flashing); off unless a citizen asks for it.
        """
        self.manager.transition = FadeTransition(duration=0.25) if animate else NoTransition()
        screen = self._screens.get(page.name)
        if screen is None:
            screen_class = SCREEN_CLASSES.get(page.name, PageScreen)
            screen = screen_class(name=page.name, style=self.style)
            self._screens[page.name] = screen
            self.manager.add_widget(screen)
        screen.show(page)
        for button, action in zip(self.bar, bar, strict=True):
            button.text = action.text
            button.glyph = glyph(action.pictogram)
            button.alt = alt_text(action.pictogram)
            button.callback = action.run
            button.disabled = not action.enabled
        self.manager.current = page.name
        self.set_focus(-1)

    def _fit_bar(self, *_args: Any) -> None:
        """The bar is as tall as its tallest button (two lines of words at large text sizes)."""
        self.ids.bar.height = max(button.needed for button in self.bar) + 2 * self.style.spacing

    @property
    def screen(self) -> PageScreen:
        return self.manager.current_screen

    def focusables(self) -> list[KioskButton]:
        return [w for w in self.screen.focusables() + self.bar if not w.disabled]

    def set_focus(self, index: int) -> KioskButton | None:
        widgets = self.focusables()
        for widget in widgets:
            widget.focused = False
        if not widgets or index < 0:
            self.focus_index = -1
            return None
        self.focus_index = index % len(widgets)
        focused = widgets[self.focus_index]
        focused.focused = True
        scroll = focused.parent
        while scroll is not self and not isinstance(scroll, ScrollView):
            scroll = scroll.parent
        if isinstance(scroll, ScrollView):
            scroll.scroll_to(focused, padding=self.style.padding, animate=False)
        return focused

    def move_focus(self, step: int) -> KioskButton | None:
        start = self.focus_index if self.focus_index >= 0 else (-1 if step > 0 else 0)
        return self.set_focus(start + step)

    def activate_focus(self) -> bool:
        widgets = self.focusables()
        if 0 <= self.focus_index < len(widgets):
            widgets[self.focus_index].trigger_action(duration=0)
            return True
        return False

    def bind_mediator_corner(self, seconds: float, callback: Callable[[], None]) -> None:
        corner = self.ids.corner
        corner.seconds = seconds
        corner.on_long_press = callback
