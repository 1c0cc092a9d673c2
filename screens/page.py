"""The base screen: a header, text lines, an optional QR code and preview, then the actions."""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

import qrcode
from kivy.core.image import Image as CoreImage
from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget

from screens.widgets import (
    BarButton,
    ChoiceButton,
    KioskButton,
    TextLine,
    glyph,
    mirror,
    show_action,
    show_line,
)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


@cache
def qr_texture(url: str) -> Texture:
    """The QR code of ``url`` as a texture (made once per URL: the catalogue is small)."""
    image = qrcode.make(url, box_size=10, border=2)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    texture = CoreImage(buffer, ext="png").texture
    texture.mag_filter = "nearest"
    return texture


class PageScreen(Screen):
    """Draws a page view-model. Subclasses change the arrangement in their .kv, not the logic."""

    style = ObjectProperty(None)
    title = StringProperty("")
    rtl = BooleanProperty(False)
    progress = StringProperty("")
    note = StringProperty("")
    glyph = StringProperty("")
    entry = StringProperty("")
    preview = StringProperty("")
    qr_caption = StringProperty("")
    has_qr = BooleanProperty(False)
    #: Columns of the action grid (two on wide screens with many choices).
    columns = NumericProperty(1)
    qr = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pools: dict[int, list[Widget]] = {}

    def show(self, page: Any) -> None:
        """Replace the content with ``page`` (a kiosk view-model)."""
        self.rtl = page.rtl
        self.title = page.title
        self.progress = page.progress
        self.note = page.note
        self.glyph = glyph(page.pictogram)
        self.entry = page.entry
        self.preview = page.preview
        self.qr_caption = page.qr_caption
        self.qr = qr_texture(page.qr_url) if page.qr_url else None
        self.has_qr = page.qr_url is not None
        self.columns = self.columns_for(len(page.actions))
        lines = self._widgets(self.ids.lines, TextLine, len(page.lines))
        for widget, line in zip(lines, page.lines, strict=True):
            show_line(widget, line, page.rtl)
        buttons = self._widgets(self.ids.actions, ChoiceButton, len(page.actions))
        for index, (button, action) in enumerate(zip(buttons, page.actions, strict=True)):
            show_action(button, action, page.primary_first and index == 0, page.rtl)
        secondary = self._widgets(self.ids.secondary, ChoiceButton, len(page.secondary))
        for button, action in zip(secondary, page.secondary, strict=True):
            show_action(button, action, rtl=page.rtl)
        tools = self._widgets(self.ids.tools, BarButton, len(page.tools))
        for button, action in zip(tools, page.tools, strict=True):
            show_action(button, action)
        # A new page is read from its top.
        self.ids.scroll.scroll_y = 1
        self.ids.actions_scroll.scroll_y = 1

    def _widgets(self, container: Widget, kind: type[Widget], count: int) -> list[Any]:
        """``count`` widgets of ``kind`` in ``container``, reused from earlier pages where possible.

        Reusing them keeps a screen change to a few property updates, and keeps the number of
        widgets bound to the long-lived style from growing session after session.
        """
        pool: list[Widget] = self._pools.setdefault(id(container), [])
        while len(pool) < count:
            pool.append(kind(style=self.style))
        shown = list(reversed(container.children))
        if shown != pool[:count]:
            container.clear_widgets()
            for widget in pool[:count]:
                container.add_widget(widget)
        return pool[:count]

    def on_rtl(self, _instance: Any, rtl: bool) -> None:
        mirror(self.ids.header, rtl)

    def columns_for(self, count: int) -> int:
        wide = self.width > self.height * 1.2
        return 2 if wide and count > 3 and self.style.scale < 2 else 1

    def focusables(self) -> list[KioskButton]:
        """The actionable widgets in reading order, for the keypad."""
        found: list[KioskButton] = []
        for container in (self.ids.tools, self.ids.secondary, self.ids.actions):
            found += [w for w in reversed(container.children) if isinstance(w, KioskButton)]
        return found
