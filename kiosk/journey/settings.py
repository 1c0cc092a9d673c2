"""The display settings flow: colour theme, text size and animations, for this citizen only."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from kiosk.i18n import N_
from kiosk.journey.context import Change, FlowContext, Handlers, ScreenViews
from kiosk.journey.router import Location, ScreenName

#: The colour themes a citizen steps through, in order (names from accessibility/themes.py).
THEME_ORDER = ("default", "high_contrast", "light")


class SettingsCommand(Enum):
    OPEN = "open"  #: the welcome screen's "Affichage"
    NEXT_THEME = "next_theme"
    BIGGER_TEXT = "bigger_text"  #: the settings' text size, and the bar's "Texte plus grand"
    TOGGLE_MOTION = "toggle_motion"


@dataclass(frozen=True)
class SettingsView:
    theme: str
    text_scale: float
    reduce_motion: bool
    speech_mode: bool
    touch_to_hear: bool


class SettingsFlow:
    """Owns the citizen's display settings; the session keeps them and its end resets them."""

    def __init__(self, context: FlowContext) -> None:
        self._context = context

    def screens(self) -> ScreenViews:
        return {ScreenName.SETTINGS: lambda _location: self.view()}

    def handlers(self) -> Handlers:
        return {
            SettingsCommand.OPEN: lambda _: self._context.show(Location(ScreenName.SETTINGS)),
            SettingsCommand.NEXT_THEME: lambda _: self.next_theme(),
            SettingsCommand.BIGGER_TEXT: lambda _: self.bigger_text(),
            SettingsCommand.TOGGLE_MOTION: lambda _: self.toggle_motion(),
        }

    def view(self) -> SettingsView:
        session = self._context.session
        return SettingsView(
            theme=session.theme,
            text_scale=session.text_scale,
            reduce_motion=session.reduce_motion,
            speech_mode=session.speech_mode,
            touch_to_hear=session.touch_to_hear,
        )

    def next_theme(self) -> None:
        session = self._context.session
        index = THEME_ORDER.index(session.theme) if session.theme in THEME_ORDER else -1
        session.theme = THEME_ORDER[(index + 1) % len(THEME_ORDER)]
        session.statistics.features.add(f"theme:{session.theme}")
        self._context.redraw(Change.UPDATED)

    def bigger_text(self) -> None:
        """The next text size; on another screen than the settings, only the size is said."""
        scale = self._context.session.next_text_scale()
        if self._context.router.screen is ScreenName.SETTINGS:
            self._context.redraw(Change.UPDATED)
            return
        self._context.redraw(Change.QUIET)
        self._context.tell(self._context.tr(N_("Taille du texte : {percent} %"), percent=round(scale * 100)))

    def toggle_motion(self) -> None:
        session = self._context.session
        session.reduce_motion = not session.reduce_motion
        self._context.redraw(Change.UPDATED)

    def forget(self) -> None:
        # The settings live in the session, which its end wipes: nothing is kept here.
        return None
