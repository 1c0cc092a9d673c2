"""What every flow of the journey is given: the session, the site, the services, and how to redraw."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from accessibility.speech.commands import SpeechCommand
from accessibility.speech.priorities import Priority
from fleet.help import HelpChannel, HelpReason, HelpRequest
from kiosk.config import SiteConfig
from kiosk.i18n import Translator, translator
from kiosk.journey.router import Location, Router, ScreenName
from kiosk.session import Session


class Change(Enum):
    """What a flow changed, so the journey knows what to say and where the keypad focus goes."""

    #: Another screen, or the next step of a procedure: in speech mode it says what it has to
    #: say on arrival (any speech of the screen before is cut short), and the keypad focus
    #: starts on its main action.
    NEW_SCREEN = "new_screen"
    #: A control changed state (a setting): in speech mode the control says its new words; the
    #: keypad focus stays on it.
    UPDATED = "updated"
    #: The same screen, to be heard again in full in speech mode (another language, speech just
    #: turned on); the focus stays.
    REREAD = "reread"
    #: The screen's first line says how something went (printing): in speech mode that line is
    #: said; the focus stays.
    STATUS = "status"
    #: The same screen with a detail changed (a countdown, a PIN digit, pause): nothing is
    #: said, the focus stays, and the screen is not redrawn when nothing it shows changed.
    QUIET = "quiet"
    #: The same screen now shows an error on its first line: that line is said aloud even
    #: outside speech mode (EN 301 549 5.1.3.15); in speech mode the whole screen is.
    ERROR = "error"
    #: Nothing changed, but the citizen asked to hear the screen ("Écouter", the help key):
    #: read aloud in full even outside speech mode.
    READ_ALOUD = "read_aloud"


class SessionEnd(Enum):
    """Why a session ended: what the kiosk says as it wipes it."""

    FINISHED = "finished"  #: the satisfaction question was answered (or skipped)
    TIMEOUT = "timeout"  #: the idle warning ran out
    MEDIATOR = "mediator"  #: the mediator ended it
    QUIT = "quit"  #: the kiosk stops
    #: Outside a session, a visitor left a setting or a screen (help, display, the mediator's
    #: menu) and nobody touched the kiosk for the idle delay and the warning's: nothing is said.
    UNATTENDED = "unattended"


#: What the speech layer is asked to say: text, or text and speech commands (pause, language).
SpeechContent = str | Sequence[str | SpeechCommand]


class Speaker(Protocol):
    """The speech the journey drives: the accessibility library's SpeechManager fits it."""

    @property
    def available(self) -> bool: ...

    @property
    def paused(self) -> bool: ...

    def speak(
        self,
        content: SpeechContent,
        language: str = "fr",
        priority: Priority = Priority.NOW,
        remember: bool = True,
    ) -> None: ...

    def announce(self, content: SpeechContent, language: str = "fr") -> None: ...

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
        """Say a short confirmation in the citizen's language, at once and even with speech mode
        off (a volume key's sample); "Répéter" does not repeat it."""
        self.speech.speak(text, language=self.session.language, remember=False)

    def tell(self, text: str) -> None:
        """Like ``say``, in speech mode only (what a sighted citizen sees on the screen)."""
        if self.session.speech_mode:
            self.say(text)

    def request_help(self, reason: HelpReason) -> None:
        """Tell the mediators: which kiosk, screen and procedure, and why; never who."""
        run = self.session.run
        self.help_channel.request_help(
            HelpRequest(
                kiosk_id=self.config.kiosk_id,
                screen=self.router.screen.value,
                procedure_id=run.procedure.id if run else None,
                reason=reason,
                step=run.position.step_id if run and run.position else None,
            )
        )
