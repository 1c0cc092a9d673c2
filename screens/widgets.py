"""Shared widgets: the big action button and the text line with its pictogram."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.effects.scroll import ScrollEffect
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.stacklayout import StackLayout

from accessibility.bidi import needs_shaping, wrap_for_display
from accessibility.fonts import ARABIC_FONT, font_for
from accessibility.pictograms import PICTOGRAMS
from accessibility.typography import keep_together


class BidiLabel(Label):
    """A wrapping label for any script: Arabic is joined, ordered and wrapped line by line.

    Set ``logical`` (the text in reading order) and ``base_font``; ``text`` and ``font_name``
    follow. Kivy's SDL2 text provider has no bidi and no font fallback, hence this label.
    """

    logical = StringProperty("")
    base_font = StringProperty("")
    rtl = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for name in ("logical", "base_font", "width", "font_size"):
            self.fbind(name, self._update)
        self._update()

    def _update(self, *_args: Any) -> None:
        text = keep_together(self.logical)
        if not needs_shaping(text):
            self.font_name = font_for(text, self.base_font) if self.base_font else self.font_name
            self.text = text
            return
        self.font_name = ARABIC_FONT
        if self.width <= 1:
            return
        measurer = CoreLabel(font_name=ARABIC_FONT, font_size=self.font_size)

        def measure(part: str) -> float:
            return measurer.get_extents(part)[0]

        self.text = "\n".join(wrap_for_display(text, self.width - 2, measure))


def mirror(box: BoxLayout, rtl: bool) -> None:
    """Put a row's children right to left (pictogram on the right) or back left to right."""
    if len(box.children) < 2:
        return
    # Kivy lays out ``children`` from the last to the first: children[-1] is on the left.
    is_mirrored = not isinstance(box.children[-1], Pictogram)
    if rtl != is_mirrored:
        children = list(box.children)
        box.clear_widgets()
        for child in children:
            box.add_widget(child)


class KioskScrollView(ScrollView):
    """Kivy 2.3.1's ScrollView, with a still bar and without its pile of bindings.

    Its ``update_from_scroll`` binds ``bar_color`` again at every scroll update and unbinds it
    once, half a second after the last: every burst of updates (a page change lays out over
    several frames) leaves bindings behind, and a kiosk that runs for months grows. Unbinding
    first keeps exactly one.

    Half a second after the last update, it also fades the bar to ``bar_inactive_color`` over
    another half second. The kiosk's bar has one colour (it always shows that there is more),
    so the fade moved nothing, yet drew some thirty frames after every page change: work for a
    small board's GPU, and an app that is never idle while a citizen taps. The bar takes its
    inactive colour at once.

    Its scrolling stops at the ends (``ScrollEffect``) instead of Kivy's default spring past them
    (``DampedScrollEffect``), whose update ran every frame for more than 10 s after a key on the
    landscape home screen (the landscape soak, seed 11): an app never idle again. Pages move with
    "Voir la suite" anyway; a finger still drags them.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("effect_cls", ScrollEffect)
        super().__init__(**kwargs)

    def update_from_scroll(self, *args: Any) -> None:
        self.funbind("bar_color", self._change_bar_color)
        super().update_from_scroll(*args)

    def _bind_inactive_bar_color(self, *_args: Any) -> None:
        self.funbind("bar_color", self._change_bar_color)
        self.fbind("bar_inactive_color", self._change_bar_color)
        self._bar_color = self.bar_inactive_color


class Pictogram(Label):
    """The icon-font glyph at the start of a row (left, or right in right-to-left languages)."""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))


def glyph(pictogram: str | None) -> str:
    return PICTOGRAMS[pictogram].glyph if pictogram else ""


def alt_text(pictogram: str | None) -> str:
    return PICTOGRAMS[pictogram].alt if pictogram else ""


class KioskButton(ButtonBehavior, BoxLayout):
    """A pictogram-and-words button; it acts on release, never on press or long press."""

    style = ObjectProperty(None)
    action_id = StringProperty("")
    text = StringProperty("")
    glyph = StringProperty("")
    rtl = BooleanProperty(False)
    #: What the pictogram shows, for speech (pictograms are never the only label).
    alt = StringProperty("")
    primary = BooleanProperty(False)
    focused = BooleanProperty(False)
    #: The view-model action this button draws (its command goes to the dispatcher).
    action = ObjectProperty(None, allownone=True)
    #: Called with (action, touched) when the button is used: the application's journey.
    dispatcher = ObjectProperty(None, allownone=True)

    def on_rtl(self, _instance: Any, rtl: bool) -> None:
        if self.orientation == "horizontal":
            mirror(self, rtl)

    def on_release(self) -> None:
        self.use(touched=True)

    def use(self, touched: bool) -> None:
        """Send the button's action: by a finger (``touched``), or by the keypad's Enter."""
        if self.dispatcher is not None and self.action is not None and not self.disabled:
            self.dispatcher(self.action, touched)


class ChoiceButton(KioskButton):
    """A large answer or choice button."""


class TextLine(BoxLayout):
    """A paragraph with an optional pictogram and mark (heading, ok, missing, error)."""

    style = ObjectProperty(None)
    text = StringProperty("")
    glyph = StringProperty("")
    mark = StringProperty("none")
    rtl = BooleanProperty(False)

    def on_rtl(self, _instance: Any, rtl: bool) -> None:
        mirror(self, rtl)


def show_action(
    button: KioskButton, action: Any, dispatcher: Any, primary: bool = False, rtl: bool = False
) -> None:
    """Draw a view-model action (id, text, pictogram, enabled) on a button that sends it."""
    button.action_id = action.id
    button.text = action.text
    button.glyph = glyph(action.pictogram)
    button.alt = alt_text(action.pictogram)
    button.primary = primary
    button.action = action
    button.dispatcher = dispatcher
    button.disabled = not action.enabled
    button.focused = False
    button.rtl = rtl


def show_line(widget: TextLine, line: Any, rtl: bool = False) -> None:
    """Draw a view-model line (text, pictogram, mark) on a text line."""
    widget.rtl = rtl
    widget.mark = line.mark.value
    widget.text = line.text
    widget.glyph = glyph(line.pictogram)


class ToolButton(KioskButton):
    """A small button of the row under the title (other languages, speech controls): as wide
    as its words, so a row of them wraps onto a second line instead of cutting a word."""

    #: The widest it may be (the row's width); a label wider than this wraps between words.
    max_width = NumericProperty(0)
    #: The size of its words (the style's small size; the welcome screen's languages: body).
    font_size = NumericProperty(0)
    #: Never lower than this (a touch target).
    min_height = NumericProperty(0)
    #: The height its own words need, and the height of its row (the tallest's need): a row
    #: of languages is even, though Arabic letters stand taller than Latin ones.
    needed = NumericProperty(0)
    row_height = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for name in ("text", "max_width", "glyph", "font_size"):
            self.fbind(name, self._fit)
        self._fit()

    def _fit(self, *_args: Any) -> None:
        label = self.ids.label
        # Measured as BidiLabel wraps it: Arabic in logical order, in the Arabic font.
        font = ARABIC_FONT if needs_shaping(self.text) else font_for(self.text, self.style.font_bold)
        natural = CoreLabel(font_name=font, font_size=self.font_size).get_extents(self.text)[0] + 4
        chrome = (
            self.padding[0] + self.padding[2] + (self.font_size * 1.3 + self.spacing if self.glyph else 0)
        )
        wanted = natural + chrome
        self.width = min(wanted, self.max_width) if self.max_width > 0 else wanted
        label.width = max(1, self.width - chrome)


class LanguageButton(ToolButton):
    """A language of the welcome screen, named in itself, in the body's size."""


class BarButton(KioskButton):
    """A button of the persistent bar: pictogram above a short word, same place on every screen."""

    #: The height its pictogram and words need; a row of them is as tall as the tallest.
    needed = NumericProperty(0)


class PagerButton(ToolButton):
    """A button of a ScrollPager: it scrolls its area by one screenful, it sends no command."""

    #: 1: further down; -1: back towards the top.
    direction = NumericProperty(1)
    pager = ObjectProperty(None, allownone=True)

    def use(self, touched: bool) -> None:
        if self.pager is not None and not self.disabled:
            self.pager.turn(self.direction)


class ScrollPager(StackLayout):
    """Two buttons that scroll a page's areas without dragging (WCAG 2.5.7): "Voir la suite"
    goes on through the first area that has more (the text, then the buttons), "Remonter" back.

    They show only while some area's content is taller than the area; each press moves by one
    screenful less a line, so the reader keeps their place.

    Showing them takes their row's height from the areas, so they show at once but go only on
    the next frame, if nothing overflows once the layout has settled. Decided both ways on each
    height change, they read an area laid out with the row and the other one without: with
    content taller than the areas with the row and shorter than without (both layouts are
    right), each decision undid the last, one pass behind, and the page never settled.
    """

    style = ObjectProperty(None)
    #: The scrolling areas, in reading order.
    areas = ListProperty([])
    #: Some area's content is taller than the area: the buttons show.
    needed = BooleanProperty(False)
    #: Counts the presses: the page knows the citizen has moved from the top.
    turns = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.down: PagerButton | None = None
        self.up: PagerButton | None = None
        self._hide_if_it_fits = Clock.create_trigger(self._hide_unless_needed)
        self.fbind("style", self._build)
        self.fbind("areas", self._watch)
        self._build()

    def _build(self, *_args: Any) -> None:
        # The style arrives from the parent's rule, just after the pager itself is made.
        if self.style is None or self.down is not None:
            return
        self.down = PagerButton(style=self.style, direction=1, pager=self, action_id="page_down")
        self.up = PagerButton(style=self.style, direction=-1, pager=self, action_id="page_up")
        self.down.glyph, self.up.glyph = glyph("down"), glyph("up")
        self.down.alt, self.up.alt = alt_text("down"), alt_text("up")
        for button in (self.down, self.up):
            self.add_widget(button)
        self.fbind("minimum_height", self.update)
        self.fbind("width", self._fit)
        self._fit()
        self.update()

    def _fit(self, *_args: Any) -> None:
        for button in (self.down, self.up):
            if button is not None:
                button.max_width = self.width

    def _watch(self, *_args: Any) -> None:
        for area in self.areas:
            area.fbind("scroll_y", self.update)
            area.fbind("height", self.update)
            for child in area.children:
                child.fbind("height", self.update)
        self.update()

    def set_labels(self, down: str, up: str) -> None:
        if self.down is not None and self.up is not None:
            self.down.text, self.up.text = down, up

    @staticmethod
    def _overflow(area: Any) -> float:
        """How much taller than ``area`` its content is (px; 0 or less: it fits)."""
        return area.children[0].height - area.height if area.children else 0.0

    def _scrollable(self, direction: int) -> list[Any]:
        """The areas that can still move ``direction`` (1 down, -1 up), in reading order."""
        return [
            area
            for area in self.areas
            if self._overflow(area) > 1
            and (area.scroll_y > 0.001 if direction > 0 else area.scroll_y < 0.999)
        ]

    def update(self, *_args: Any) -> None:
        if self.down is None or self.up is None:
            return
        self.down.disabled = not self._scrollable(1)
        self.up.disabled = not self._scrollable(-1)
        if self._overflowing():
            self._set_needed(True)
        elif self.needed:
            self._hide_if_it_fits()
        else:
            self._set_needed(False)

    def _overflowing(self) -> bool:
        return any(self._overflow(area) > 1 for area in self.areas)

    def _hide_unless_needed(self, *_args: Any) -> None:
        if not self._overflowing():
            self._set_needed(False)

    def _set_needed(self, needed: bool) -> None:
        self.needed = needed
        self.height = self.minimum_height if needed else 0
        self.opacity = 1 if needed else 0

    def turn(self, direction: int) -> None:
        """Scroll by one screenful less a line: 1 on through the text then the buttons, -1 back."""
        areas = self._scrollable(direction)
        if not areas:
            return
        area = areas[0] if direction > 0 else areas[-1]
        step = max(area.height - self.style.body * 1.5, self.style.body) / self._overflow(area)
        area.scroll_y = min(1.0, max(0.0, area.scroll_y - direction * step))
        self.turns += 1
        self.update()
