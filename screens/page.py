"""The base screen: a header, text lines, an optional QR code and preview, then the actions."""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

import qrcode
from kivy.clock import Clock
from kivy.core.image import Image as CoreImage
from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget
from PIL import Image as PILImage

from screens.widgets import (
    ChoiceButton,
    KioskButton,
    LanguageButton,
    TextLine,
    ToolButton,
    glyph,
    mirror,
    show_action,
    show_line,
)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

#: The rows of small buttons go into the text's scroll area once they would take more than this
#: share of the screen above it, and come back once they take less than the second.
ROWS_RIDE_SHARE = 0.3
ROWS_STAY_SHARE = 0.22
#: A screen this many times wider than tall is a landscape one (the bar's height left out).
WIDE_RATIO = 1.2
#: From this text scale on, a landscape screen puts the choices beside the text.
SIDE_BY_SIDE_SCALE = 1.5


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


def picture_texture(data: bytes) -> Texture | None:
    """A JPEG or JPEG 2000 picture as a texture (Pillow decodes both; Kivy alone, not JPEG 2000).

    Never cached: the picture is the citizen's, and goes with the page.
    """
    try:
        with PILImage.open(BytesIO(data)) as picture:
            buffer = BytesIO()
            picture.convert("RGB").save(buffer, format="PNG")
    except (OSError, ValueError):
        return None  # an unreadable picture is not shown; the rest of the page is
    buffer.seek(0)
    return CoreImage(buffer, ext="png").texture


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
    #: A picture the page shows (the face read from an identity card), or None.
    image = ObjectProperty(None, allownone=True)
    #: The rows of small buttons (speech controls, languages) scroll with the text: fixed above
    #: it, they would leave no room for the text or the choices (big text on a small screen).
    rows_ride = BooleanProperty(False)
    #: The height the rows of small buttons take above the text (0 while they ride in it).
    rows_height = NumericProperty(0)
    #: The choices beside the text rather than under it (big text on a landscape screen).
    side_by_side = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pools: dict[int, list[Widget]] = {}
        #: The page was just shown and nobody has scrolled it: it stays at its top while its
        #: text is laid out (wrapping takes a few frames and moves the scroll position).
        self._at_top = True
        ids = self.ids
        for content in (ids.body, ids.actions):
            content.fbind("height", self._keep_top)
        for area in (ids.scroll, ids.actions_scroll):
            area.fbind("on_scroll_start", self._scrolled)
        ids.pager.fbind("turns", self._scrolled)
        ids.tools.fbind("width", self._fit_rows)
        ids.secondary.fbind("width", self._fit_rows)
        ids.glossary.fbind("width", self._fit_rows)
        self._place_rows = Clock.create_trigger(self._arrange_rows)
        for widget in (ids.tools, ids.secondary):
            widget.fbind("height", self._place_rows)
        self.fbind("height", self._place_rows)
        self._arrange_rows()
        self._action_count = 0
        self.fbind("size", self._choose_layout)
        self.fbind("side_by_side", self._order_columns)
        for widget, name in (
            (ids.actions, "height"),
            (ids.header, "height"),
            (ids.pager, "height"),
            (self, "height"),
            (self, "rows_height"),
            (self, "side_by_side"),
            (self.style, "padding"),
            (self.style, "spacing"),
        ):
            widget.fbind(name, self._fit_actions)
        self._fit_actions()

    def show(self, page: Any, dispatcher: Any) -> None:
        """Replace the content with ``page`` (a kiosk view-model); its buttons send to ``dispatcher``."""
        self.rtl = page.rtl
        self.title = page.title
        self.progress = page.progress
        self.note = page.note
        self.glyph = glyph(page.pictogram)
        self.entry = page.entry
        self.preview = page.preview
        self.qr_caption = page.qr_caption
        self.qr = qr_texture(page.qr_url) if page.qr_url else None
        self.image = picture_texture(page.image) if page.image else None
        self.has_qr = page.qr_url is not None
        self._action_count = len(page.actions)
        self._choose_layout()
        lines = self._widgets(self.ids.lines, TextLine, len(page.lines))
        for widget, line in zip(lines, page.lines, strict=True):
            show_line(widget, line, page.rtl)
        buttons = self._widgets(self.ids.actions, ChoiceButton, len(page.actions))
        for index, (button, action) in enumerate(zip(buttons, page.actions, strict=True)):
            show_action(button, action, dispatcher, page.primary_first and index == 0, page.rtl)
        secondary = self._widgets(self.ids.secondary, LanguageButton, len(page.secondary))
        for button, action in zip(secondary, page.secondary, strict=True):
            show_action(button, action, dispatcher, rtl=page.rtl)
        glossary = self._widgets(self.ids.glossary, ToolButton, len(page.glossary))
        for button, action in zip(glossary, page.glossary, strict=True):
            show_action(button, action, dispatcher, rtl=page.rtl)
        tools = self._widgets(self.ids.tools, ToolButton, len(page.tools))
        for button, action in zip(tools, page.tools, strict=True):
            show_action(button, action, dispatcher, rtl=page.rtl)
        self._fit_rows()
        # A new page is read from its top.
        self._at_top = True
        self._keep_top()
        self.ids.pager.set_labels(*page.pager)
        self.ids.pager.update()

    def forget(self) -> None:
        """Empty this screen: off screen, it keeps nothing of the page it last showed (a name or
        a face read from a card), its pooled widgets included."""
        self.title = self.progress = self.note = self.entry = self.preview = self.qr_caption = ""
        self.qr = self.image = None
        pooled = [widget for pool in self._pools.values() for widget in pool]
        for widget in pooled:
            widget.text = ""
        # Kivy's core label keeps the lines it last laid out even when its text becomes empty:
        # laying out a blank now replaces them (in pooled widgets off the screen too).
        for root in (self, *pooled):
            for label in root.walk(restrict=True):
                if isinstance(label, Label):
                    label.text = " "
                    label.texture_update()

    def _fit_rows(self, *_args: Any) -> None:
        """The rows of small buttons: none wider than its row."""
        for row in (self.ids.tools, self.ids.secondary, self.ids.glossary):
            for button in row.children:
                button.max_width = row.width
        self._even_rows()

    def _even_rows(self, *_args: Any) -> None:
        """The buttons of a row of small buttons are as tall as the tallest of them."""
        for row in (self.ids.tools, self.ids.secondary, self.ids.glossary):
            tallest = max((button.needed for button in row.children), default=0)
            for button in row.children:
                button.row_height = tallest

    def _arrange_rows(self, *_args: Any) -> None:
        """The rows of small buttons above the text while they take less than a fixed share of
        the screen; beyond (and side by side), at the end of the text's scroll area, so that the
        text comes first and "Voir la suite" leads to them."""
        ids = self.ids
        rows = ids.tools.height + ids.secondary.height
        # Apart from each other so that moving the rows (which rewraps them) cannot flip it back.
        share = ROWS_STAY_SHARE if self.rows_ride else ROWS_RIDE_SHARE
        # Side by side, the column is narrow: a row would wrap onto several lines over the text.
        ride = self.side_by_side or rows > self.height * share
        if ride != self.rows_ride:
            self.rows_ride = ride
            for row in (ids.tools, ids.secondary):
                row.parent.remove_widget(row)
            # Kivy lays children out from the end of their list: index 0 comes last.
            if ride:
                ids.body.add_widget(ids.tools, index=0)
                ids.body.add_widget(ids.secondary, index=0)
            else:
                place = len(ids.frame.children) - 1  # just under the header
                ids.frame.add_widget(ids.secondary, index=place)
                ids.frame.add_widget(ids.tools, index=place + 1)
        self.rows_height = 0 if self.rows_ride else rows

    def _fit_actions(self, *_args: Any) -> None:
        """Stacked, the choices' area is never taller than what the title, the rows above and a
        little text leave free. Side by side, its column sets its height: a height given here
        too would fight the column's (the pager, which shows when the area overflows, sits
        under both columns and would flip the height back and forth within a frame)."""
        if self.side_by_side:
            return
        ids, style = self.ids, self.style
        free = (
            self.height * 0.85
            - ids.header.height
            - self.rows_height
            - ids.pager.height
            - style.padding * 2
            - style.spacing * 5
        )
        ids.actions_scroll.height = max(0, min(ids.actions.height, self.height * 0.62, free))

    def _keep_top(self, *_args: Any) -> None:
        if self._at_top:
            self.ids.scroll.scroll_y = 1
            self.ids.actions_scroll.scroll_y = 1

    def _scrolled(self, *_args: Any) -> None:
        self._at_top = False

    def _widgets(self, container: Widget, kind: type[Widget], count: int) -> list[Any]:
        """``count`` widgets of ``kind`` in ``container``, reused from earlier pages where possible.

        Reusing them keeps a screen change to a few property updates, and keeps the number of
        widgets bound to the long-lived style from growing session after session.
        """
        pool: list[Widget] = self._pools.setdefault(id(container), [])
        while len(pool) < count:
            widget = kind(style=self.style)
            if isinstance(widget, ToolButton):
                widget.fbind("needed", self._even_rows)
            pool.append(widget)
        shown = list(reversed(container.children))
        if shown != pool[:count]:
            container.clear_widgets()
            for widget in pool[:count]:
                container.add_widget(widget)
        return pool[:count]

    def on_rtl(self, _instance: Any, rtl: bool) -> None:
        mirror(self.ids.header, rtl)
        self._order_columns()

    def _choose_layout(self, *_args: Any) -> None:
        """Side by side or stacked, and the columns of the choices, for this size and text scale
        (the style's scale is set before each page is shown)."""
        self.side_by_side = self.wide() and self.style.scale >= SIDE_BY_SIDE_SCALE
        self.columns = self.columns_for(self._action_count)

    def _order_columns(self, *_args: Any) -> None:
        """Side by side: the title heads the text's column, the choices take the other one's
        whole height, the text comes first in the reading direction (on the right in Arabic),
        the rows of small buttons ride in the text and the pager goes under both columns, on one
        row. Stacked: the title above all, the pager under the text."""
        ids = self.ids
        content, text = ids.content, ids.text_column
        # Kivy lays out ``children`` from the last to the first: children[-1] is first. (``==``,
        # not ``is``: ``ids`` holds weak proxies.)
        text_first = not (self.side_by_side and self.rtl)
        if (content.children[-1] == text) != text_first:
            children = list(content.children)
            content.clear_widgets()
            for child in children:
                content.add_widget(child)
        below = ids.frame if self.side_by_side else text
        if ids.pager.parent != below:
            ids.pager.parent.remove_widget(ids.pager)
            below.add_widget(ids.pager)
        above = text if self.side_by_side else ids.frame
        if ids.header.parent != above:
            ids.header.parent.remove_widget(ids.header)
            above.add_widget(ids.header, index=len(above.children))
        self._arrange_rows()

    def wide(self) -> bool:
        return self.width > self.height * WIDE_RATIO

    def columns_for(self, count: int) -> int:
        return 2 if self.wide() and count > 3 and not self.side_by_side else 1

    def focusables(self) -> list[KioskButton]:
        """The actionable widgets in the keypad's order (hidden pagers are disabled): the
        screen's own choices first, then "Que veut dire ... ?", the welcome screen's languages,
        the scroll buttons, and the speech and language row last, so that a citizen does not
        wade through the tools on every screen."""
        found: list[KioskButton] = []
        ids = self.ids
        for container in (ids.actions, ids.glossary, ids.secondary, ids.pager, ids.tools):
            found += [w for w in reversed(container.children) if isinstance(w, KioskButton)]
        return found
