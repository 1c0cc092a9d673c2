"""Shared widgets: the big action button and the text line with its pictogram."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from accessibility.bidi import ARABIC_FONT, for_display, needs_shaping
from accessibility.pictograms import PICTOGRAMS

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


def glyph(pictogram: str | None) -> str:
    return PICTOGRAMS[pictogram].glyph if pictogram else ""


def alt_text(pictogram: str | None) -> str:
    return PICTOGRAMS[pictogram].alt if pictogram else ""


def script_font(text: str) -> str:
    """The Arabic font for text with Arabic letters (Kivy has no font fallback), else "" (the style's)."""
    return ARABIC_FONT if needs_shaping(text) else ""


class KioskButton(ButtonBehavior, BoxLayout):
    """A pictogram-and-words button; it acts on release, never on press or long press."""

    style = ObjectProperty(None)
    action_id = StringProperty("")
    text = StringProperty("")
    #: ``text`` as drawn: Arabic joined and in visual order.
    shown = StringProperty("")
    font = StringProperty("")
    glyph = StringProperty("")
    #: What the pictogram shows, for speech (pictograms are never the only label).
    alt = StringProperty("")
    primary = BooleanProperty(False)
    focused = BooleanProperty(False)
    callback = ObjectProperty(None, allownone=True)

    def on_text(self, _instance: Any, text: str) -> None:
        self.shown = for_display(text)
        self.font = script_font(text)

    def on_release(self) -> None:
        if self.callback is not None and not self.disabled:
            self.callback()


class ChoiceButton(KioskButton):
    """A large answer or choice button."""


class TextLine(BoxLayout):
    """A paragraph with an optional pictogram and mark (heading, ok, missing, error)."""

    style = ObjectProperty(None)
    text = StringProperty("")
    shown = StringProperty("")
    font = StringProperty("")
    glyph = StringProperty("")
    mark = StringProperty("none")

    def on_text(self, _instance: Any, text: str) -> None:
        self.shown = for_display(text)
        self.font = script_font(text)


def show_action(button: KioskButton, action: Any, primary: bool = False) -> None:
    """Draw a view-model action (id, text, pictogram, run, enabled) on a button."""
    button.action_id = action.id
    button.text = action.text
    button.glyph = glyph(action.pictogram)
    button.alt = alt_text(action.pictogram)
    button.primary = primary
    button.callback = action.run
    button.disabled = not action.enabled
    button.focused = False


def show_line(widget: TextLine, line: Any) -> None:
    """Draw a view-model line (text, pictogram, mark) on a text line."""
    widget.mark = line.mark.value
    widget.text = line.text
    widget.glyph = glyph(line.pictogram)


class BarButton(KioskButton):
    """A button of the persistent bar: pictogram above a short word, same place on every screen."""
