"""The welcome flow: the home screen, the start of a session, the language, the satisfaction question."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from kiosk.journey.context import Change, FlowContext, Handlers, ScreenViews, SessionEnd
from kiosk.journey.router import Location, ScreenName


class WelcomeCommand(Enum):
    START = "start"  #: none: "Touchez l'écran pour commencer"
    CHOOSE_LANGUAGE = "choose_language"  #: a language code
    GIVE_FEEDBACK = "give_feedback"  #: 1 to 3, or None: "Passer"


@dataclass(frozen=True)
class HomeView:
    speech_mode: bool
    #: The citizen uses the keypad: the screen says how to start with it.
    keypad: bool


@dataclass(frozen=True)
class FeedbackView:
    """The satisfaction question shows nothing of the session: its answer is anonymous."""


class WelcomeFlow:
    """Owns the welcome screen and the start of a session; its end belongs to the journey."""

    def __init__(
        self, context: FlowContext, on_start: Callable[[], None], end_session: Callable[[SessionEnd], None]
    ) -> None:
        self._context = context
        self._on_start = on_start
        self._end_session = end_session

    def screens(self) -> ScreenViews:
        return {
            ScreenName.HOME: lambda _location: HomeView(
                self._context.session.speech_mode, self._context.session.keypad
            ),
            ScreenName.FEEDBACK: lambda _location: FeedbackView(),
        }

    def handlers(self) -> Handlers:
        return {
            WelcomeCommand.START: lambda _: self.start(),
            WelcomeCommand.CHOOSE_LANGUAGE: lambda code: self.choose_language(str(code)),
            WelcomeCommand.GIVE_FEEDBACK: lambda score: self.give_feedback(
                None if score is None else int(str(score))
            ),
        }

    def start(self) -> None:
        session = self._context.session
        if not session.active:
            session.start(self._context.clock())
            self._on_start()
        self._context.router.restart()
        self._context.show(Location(ScreenName.CATALOGUE))

    def choose_language(self, language: str) -> None:
        """Change language anywhere; the citizen stays on the same screen with the same answers."""
        session = self._context.session
        session.language = language
        if language != self._context.config.languages.default:
            session.statistics.features.add(f"language:{language}")
        self._context.redraw(Change.REREAD)

    def give_feedback(self, score: int | None) -> None:
        self._context.session.statistics.satisfaction = score
        self._end_session(SessionEnd.FINISHED)

    def forget(self) -> None:
        # The session itself holds the language and the statistics; its wipe drops them.
        return None
