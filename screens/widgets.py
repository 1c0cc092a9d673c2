"""Shared widgets: the big action button and the text line with its pictogram."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.core.text import Label as CoreLabel
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from accessibility.bidi import needs_shaping, wrap_for_display
from accessibility.fonts import ARABIC_FONT, font_for
from accessibility.pictograms import PICTOGRAMS


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
        text = self.logical
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
    callback = ObjectProperty(None, allownone=True)

    def on_rtl(self, _instance: Any, rtl: bool) -> None:
        if self.orientation == "horizontal":
            mirror(self, rtl)

    def on_release(self) -> None:
        if self.callback is not None and not self.disabled:
            self.callback()


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


def show_action(button: KioskButton, action: Any, primary: bool = False, rtl: bool = False) -> None:
    """Draw a view-model action (id, text, pictogram, run, enabled) on a button."""
    button.action_id = action.id
    button.text = action.text
    button.glyph = glyph(action.pictogram)
    button.alt = alt_text(action.pictogram)
    button.primary = primary
    button.callback = action.run
    button.disabled = not action.enabled
    button.focused = False
    button.rtl = rtl


def show_line(widget: TextLine, line: Any, rtl: bool = False) -> None:
    """Draw a view-model line (text, pictogram, mark) on a text line."""
    widget.rtl = rtl
    widget.mark = line.mark.value
    widget.text = line.text
    widget.glyph = glyph(line.pictogram)


class BarButton(KioskButton):
    """A button of the persistent bar: pictogram above a short word, same place on every screen."""

    #: The height its pictogram and words need; a row of them is as tall as the tallest.
    needed = NumericProperty(0)
