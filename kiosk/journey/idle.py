"""The idle flow: the "Êtes-vous encore là ?" warning, its countdown, the wipe when it runs out, and
the quiet return to the welcome screen of a kiosk left as a visitor set it outside a session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from kiosk.idle import IdleState, IdleTimer
from kiosk.journey.context import Change, FlowContext, Handlers, ScreenViews, SessionEnd
from kiosk.journey.router import Location, ScreenName


class IdleCommand(Enum):
    STILL_HERE = "still_here"  #: "Je suis encore là"


@dataclass(frozen=True)
class IdleView:
    seconds_left: int
    #: False once every extension is used: the session ends when the countdown does.
    can_extend: bool


class IdleFlow:
    """Owns the idle timer of the session; the application calls :meth:`tick` a few times a second."""

    def __init__(self, context: FlowContext, end_session: Callable[[SessionEnd], None]) -> None:
        self._context = context
        self._end_session = end_session
        timeouts = context.config.timeouts
        self.timer = IdleTimer(timeouts.idle_seconds, timeouts.warning_seconds, timeouts.max_extensions)
        #: Outside a session, the time a kiosk left as a visitor set it waits before it goes back
        #: to the welcome screen: as long as an idle session's warning and countdown.
        self.unattended_seconds = timeouts.idle_seconds + timeouts.warning_seconds
        self._last_touch = context.clock()

    def screens(self) -> ScreenViews:
        return {ScreenName.IDLE: lambda _location: self.view()}

    def handlers(self) -> Handlers:
        return {IdleCommand.STILL_HERE: lambda _: self.still_here()}

    def view(self) -> IdleView:
        return IdleView(
            seconds_left=self.timer.seconds_left(self._context.clock()),
            can_extend=self.timer.can_extend,
        )

    @property
    def warning(self) -> bool:
        """The warning is counting down."""
        return self.timer.state is IdleState.WARNING

    def start(self) -> None:
        """A session starts: a full idle delay, every extension available."""
        self.timer.restart(self._context.clock())

    def activity(self) -> None:
        """A touch or a key somewhere: the citizen is there (the warning needs its own answer)."""
        now = self._context.clock()
        self._last_touch = now
        self.timer.activity(now)

    def tick(self) -> None:
        if not self._context.session.active:
            self._welcome_again_if_unattended()
            return
        change = self.timer.tick(self._context.clock())
        if change is IdleState.WARNING:
            self._context.show(Location(ScreenName.IDLE))
        elif change is IdleState.EXPIRED:
            self._end_session(SessionEnd.TIMEOUT)
        elif self._context.router.screen is ScreenName.IDLE:
            self._context.redraw(Change.QUIET)

    def keep(self) -> bool:
        """Answer the warning (the citizen acted): the session goes on; False when it cannot."""
        return self.timer.extend(self._context.clock())

    def still_here(self) -> None:
        """ "Je suis encore là": back to the screen the citizen was on."""
        if self.keep() and self._context.router.screen is ScreenName.IDLE:
            self._context.router.back()
            self._context.redraw(Change.NEW_SCREEN)

    def _welcome_again_if_unattended(self) -> None:
        """Outside a session, what a visitor left — a language, big text, speech, the help
        screen, the mediator's menu — would greet the next one, or stay open to anyone: once
        nobody has touched the kiosk for ``unattended_seconds``, the kiosk is wiped as at a
        session's end (a voice that failed meanwhile is given back), with nothing said."""
        context = self._context
        # The clock first: this runs a few times a second on the UI thread.
        if context.clock() - self._last_touch < self.unattended_seconds:
            return
        # The home location: the welcome screen, or the maintenance screen in its place.
        if context.router.location != context.router.home or not context.session.untouched:
            self._end_session(SessionEnd.UNATTENDED)

    def forget(self) -> None:
        # The timer holds no citizen data; a new session restarts it.
        return None
