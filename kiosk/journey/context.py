"""What every flow of the journey is given: the session, the site, the services, and how to redraw."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from fleet.help import HelpChannel, HelpReason, HelpRequest
from kiosk.config import SiteConfig
from kiosk.i18n import Translator, translator
from kiosk.journey.router import Location, Router, ScreenName
from kiosk.session import Session


class Change(Enum):
    """What a flow changed, so the journey knows what to say and where the keypad focus goes."""

    #: Another screen, or the next step of a procedure: read aloud in speech mode (any speech
    #: of the screen before is cut short), and the keypad focus starts on its main action.
    NEW_SCREEN = "new_screen"
    #: The same screen in another state (a setting, a language): read aloud again in speech
    #: mode; the keypad focus stays on the control the citizen used.
    UPDATED = "updated"
    #: The same screen with a detail changed (a countdown, a PIN digit, pause): nothing is
    #: said, the focus stays, and the screen is not redrawn when nothing it shows changed.
    QUIET = "quiet"
    #: The same screen now shows an error on its first line: that line is said aloud even
    #: outside speech mode (EN 301 549 5.1.3.15); in speech mode the whole screen is.
    ERROR = "error"
    #: Nothing changed, but the citizen asked to hear the screen ("Écouter"): read aloud even
    #: outside speech mode.
    READ_ALOUD = "read_aloud"


class Speaker(Protocol):
    """The speech the journey drives: the accessibility library's SpeechManager fits it."""

    @property
    def available(self) -> bool: ...

    @property
    def paused(self) -> bool: ...

    def speak(self, content: str, language: str = "fr") -> None: ...

    def stop(self) -> None: ...

    def reset(self) -> None: ...

    def repeat(self) -> None: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def slower(self) -> float: ...

    def faster(self) -> float: ...

    def volume_up(self) -> float: ...

    def volume_down(self) -> float: ...


#: Runs a blocking job off the UI thread, then hands its result (or exception) back on the UI thread.
Background = Callable[[Callable[[], object], Callable[[object], None]], None]
#: What a flow shows on each of its screens: a read-only snapshot, built from the location.
ScreenViews = Mapping[ScreenName, Callable[[Location], object]]
#: What a flow does for each command its screens' buttons send, given the command's argument.
Handlers = Mapping[Enum, Callable[[object], None]]


class Flow(Protocol):
    """One room of the journey: its screens, the commands it handles, what it forgets."""

    def screens(self) -> ScreenViews: ...

    def handlers(self) -> Handlers: ...

    def forget(self) -> None:
        """End of the session: drop everything this flow keeps about the citizen."""
        ...


@dataclass
class FlowContext:
    """Shared by the flows; every method is called on the UI thread."""

    config: SiteConfig
    session: Session
    speech: Speaker
    help_channel: HelpChannel
    clock: Callable[[], float]
    background: Background
    router: Router
    #: Set by the journey: draws the current state again (and says it, as ``Change`` asks).
    redraw: Callable[[Change], None] = lambda _change: None

    @property
    def tr(self) -> Translator:
        return translator(self.session.language)

    def show(self, location: Location, remember: bool = True) -> None:
        """Go to ``location`` and draw it as a new screen; ``remember``: "Retour" comes back here."""
        if remember:
            self.router.go(location)
        else:
            self.router.replace(location)
        self.redraw(Change.NEW_SCREEN)

    def say(self, text: str) -> None:
        """Say a short confirmation in the citizen's language (it interrupts what is said)."""
        self.speech.speak(text, language=self.session.language)

    def request_help(self, reason: HelpReason) -> None:
        """Tell the mediators: which kiosk, screen and procedure, and why; never who."""
        run = self.session.run
        self.help_channel.request_help(
            HelpRequest(
                kiosk_id=self.config.kiosk_id,
                screen=self.router.screen.value,
                procedure_id=run.procedure.id if run else None,
                reason=reason,
            )
        )
