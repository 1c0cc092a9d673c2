"""The live style of the screens: theme colours, fonts and sizes scaled to the window and text size."""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.metrics import dp
from kivy.properties import ListProperty, NumericProperty, StringProperty

from accessibility.fonts import READING_FONT, READING_FONT_BOLD
from accessibility.pictograms import ICON_FONT
from accessibility.themes import THEMES, rgba


class Style(EventDispatcher):
    """Everything a screen needs to draw: no colour or size literal lives in a .kv file."""

    background = ListProperty(rgba("#ffffff"))
    surface = ListProperty(rgba("#ffffff"))
    text = ListProperty(rgba("#000000"))
    muted = ListProperty(rgba("#000000"))
    accent = ListProperty(rgba("#000000"))
    accent_text = ListProperty(rgba("#ffffff"))
    border = ListProperty(rgba("#000000"))
    focus = ListProperty(rgba("#000000"))
    ok = ListProperty(rgba("#000000"))
    error = ListProperty(rgba("#000000"))

    font = StringProperty(READING_FONT)
    font_bold = StringProperty(READING_FONT_BOLD)
    icon_font = StringProperty(ICON_FONT)

    #: Text size factor chosen by the citizen (1.0 to 2.0).
    scale = NumericProperty(1.0)
    #: Base size from the window: the shorter side divided by 27.
    unit = NumericProperty(dp(26))
    body = NumericProperty(dp(26))
    title_size = NumericProperty(dp(36))
    small = NumericProperty(dp(20))
    icon = NumericProperty(dp(36))
    spacing = NumericProperty(dp(12))
    padding = NumericProperty(dp(16))
    #: Touch targets never go below 64 dp (WCAG asks 44).
    target = NumericProperty(dp(64))
    bar_height = NumericProperty(dp(90))
    radius = NumericProperty(dp(14))
    focus_width = NumericProperty(dp(4))

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.apply_theme("default")

    def apply_theme(self, name: str) -> None:
        theme = THEMES[name]
        for key in (
            "background",
            "surface",
            "text",
            "accent",
            "accent_text",
            "border",
            "focus",
            "ok",
            "error",
        ):
            setattr(self, key, rgba(getattr(theme, key)))
        self.muted = rgba(theme.muted_text)

    def fit(self, width: float, height: float, scale: float) -> None:
        """Recompute sizes for a window of ``width`` x ``height`` px at text scale ``scale``."""
        self.unit = max(dp(18), min(width, height) / 27)
        self.scale = scale
        self.body = self.unit * scale
        self.title_size = self.unit * 1.35 * scale
        self.small = self.unit * 0.8 * scale
        self.icon = self.unit * 1.3 * min(scale, 1.5)
        self.spacing = self.unit * 0.4
        self.padding = self.unit * 0.6
        self.target = max(dp(64), self.unit * 2.6)
        # Room for the pictogram and two lines of the bar's words at their largest.
        self.bar_height = max(dp(72), self.unit * (1.2 + 2 * 0.7 * min(scale, 1.3) * 1.25 + 0.5))
        self.radius = self.unit * 0.4
        self.focus_width = max(dp(3), self.unit * 0.15)
