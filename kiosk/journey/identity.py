"""The identity flow: the citizen may have their card read instead of typing, safely and kindly.

Consent first (what is read, and that nothing is kept), then the 6-digit CAN on a masked pad,
the card on the reader, the read off the UI thread, and the result ("Est-ce bien vous ?") with
the checks (expired, expiring soon). Every failure has its own message and a way on, and
"Taper à la main" is always there. What was read lives in the session, in memory only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from devices.idcard import Can, CardError, CardFault, CardReader, IdentityDocument
from fleet.help import HelpReason
from kiosk.i18n import N_
from kiosk.journey.context import Change, FlowContext, Handlers, ScreenViews
from kiosk.journey.router import Location, ScreenName

#: The CAN has 6 digits (printed at the bottom right of the French identity card's front).
CAN_DIGITS = 6
#: Seconds the kiosk waits for a card on the reader before saying it saw none.
CARD_WAIT_SECONDS = 30.0
#: A card that runs out within this many days is "bientôt finie".
EXPIRING_DAYS = 183

IDENTITY_SCREENS = frozenset(
    {
        ScreenName.IDENTITY_CONSENT,
        ScreenName.IDENTITY_CAN,
        ScreenName.IDENTITY_READING,
        ScreenName.IDENTITY_RESULT,
        ScreenName.IDENTITY_FAILED,
    }
)


class IdentityCommand(Enum):
    START = "start"  #: "Lire ma carte", on a procedure's card step
    CONSENT = "consent"  #: "Oui, lire ma carte"
    BY_HAND = "by_hand"  #: "Je n'ai pas ma carte" / "Taper à la main": on without the card
    DIGIT = "digit"  #: a CAN digit, "0" to "9"
    CLEAR = "clear"
    SUBMIT = "submit"  #: the CAN is typed: read the card
    RETRY = "retry"  #: read again (the card moved, no card came)
    RETYPE = "retype"  #: type the CAN again (it was wrong)
    CONFIRM = "confirm"  #: "Oui, c'est moi"
    NOT_ME = "not_me"
    SPEAK = "speak"  #: the citizen agrees that what was read is said on the loudspeaker


class Expiry(Enum):
    VALID = "valid"
    EXPIRING = "expiring"  #: runs out within about 6 months
    EXPIRED = "expired"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class CanView:
    digits_typed: int


@dataclass(frozen=True)
class ResultView:
    document: IdentityDocument
    expiry: Expiry
    #: What was read may be said: a headset is plugged in, or the citizen agreed.
    private_listening: bool
    speech_mode: bool


@dataclass(frozen=True)
class FailedView:
    fault: CardFault
    #: After a wrong CAN, the tries the chip still allows (None: it did not say).
    tries_left: int | None


def expiry_of(document: IdentityDocument, today: dt.date) -> Expiry:
    if document.expiry_date is None:
        return Expiry.UNKNOWN
    if document.expiry_date < today:
        return Expiry.EXPIRED
    if document.expiry_date <= today + dt.timedelta(days=EXPIRING_DAYS):
        return Expiry.EXPIRING
    return Expiry.VALID


class IdentityFlow:
    """Owns the card read. The read runs on the background runner (it blocks for seconds);
    its outcome comes back on the UI thread."""

    def __init__(
        self,
        context: FlowContext,
        reader: CardReader,
        on_done: Callable[[], None],
        private_listening: Callable[[], bool],
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self._context = context
        self._reader = reader
        self._on_done = on_done
        self._private_listening = private_listening
        self._today = today
        self._can = ""
        self._fault: CardFault | None = None
        self._tries_left: int | None = None
        #: Bumped by every read asked for and by the session's end: a late outcome is dropped.
        self._read_number = 0

    def screens(self) -> ScreenViews:
        return {
            ScreenName.IDENTITY_CONSENT: lambda _location: None,
            ScreenName.IDENTITY_CAN: lambda _location: CanView(len(self._can)),
            ScreenName.IDENTITY_READING: lambda _location: None,
            ScreenName.IDENTITY_RESULT: lambda _location: self.result_view(),
            ScreenName.IDENTITY_FAILED: lambda _location: FailedView(
                self._fault or CardFault.UNREADABLE, self._tries_left
            ),
        }

    def handlers(self) -> Handlers:
        return {
            IdentityCommand.START: lambda _: self._show(ScreenName.IDENTITY_CONSENT),
            IdentityCommand.CONSENT: lambda _: self.consent(),
            IdentityCommand.BY_HAND: lambda _: self.by_hand(),
            IdentityCommand.DIGIT: lambda digit: self.digit(str(digit)),
            IdentityCommand.CLEAR: lambda _: self.clear(),
            IdentityCommand.SUBMIT: lambda _: self.read(),
            IdentityCommand.RETRY: lambda _: self.read(),
            IdentityCommand.RETYPE: lambda _: self.consent(),
            IdentityCommand.CONFIRM: lambda _: self.confirm(),
            IdentityCommand.NOT_ME: lambda _: self.not_me(),
            IdentityCommand.SPEAK: lambda _: self.speak_aloud(),
        }

    @property
    def reader_usable(self) -> bool:
        return self._reader.is_usable()

    def _show(self, screen: ScreenName) -> None:
        # The identity screens replace each other: "Retour" leaves them all at once.
        if self._context.router.screen in IDENTITY_SCREENS:
            self._context.router.replace(Location(screen))
            self._context.redraw(Change.NEW_SCREEN)
        else:
            self._context.show(Location(screen))

    # -- the CAN ----------------------------------------------------------------------------

    def consent(self) -> None:
        self._can = ""
        self._context.session.statistics.features.add("card_reader")
        self._show(ScreenName.IDENTITY_CAN)

    def digit(self, digit: str) -> None:
        if len(self._can) < CAN_DIGITS:
            self._can += digit
        self._context.redraw(Change.QUIET)
        # A masked entry is never echoed aloud: only that a digit was typed.
        self._context.tell(self._context.tr(N_("Chiffre saisi")))

    def clear(self) -> None:
        self._can = ""
        self._context.redraw(Change.QUIET)

    # -- the read ---------------------------------------------------------------------------

    def read(self) -> None:
        if len(self._can) != CAN_DIGITS:
            return
        can = Can(self._can)
        self._read_number += 1
        number = self._read_number
        reader = self._reader
        self._show(ScreenName.IDENTITY_READING)

        def job() -> object:
            if not reader.wait_for_card(CARD_WAIT_SECONDS):
                raise CardError(CardFault.NO_CARD)
            return reader.read(can)

        self._context.background(job, lambda outcome: self._read_done(number, outcome))

    def _read_done(self, number: int, outcome: object) -> None:
        if number != self._read_number or self._context.router.screen is not ScreenName.IDENTITY_READING:
            return  # the citizen left, or the session ended, while the card was read
        if isinstance(outcome, tuple) and isinstance(outcome[0], IdentityDocument):
            self._context.session.identity_document = outcome[0]
            self._fault, self._tries_left = None, None
            self._show(ScreenName.IDENTITY_RESULT)
            return
        if isinstance(outcome, CardError):
            self._fault, self._tries_left = outcome.fault, outcome.tries_left
        else:
            self._fault, self._tries_left = CardFault.UNREADABLE, None
        if self._fault is CardFault.WRONG_KEY:
            self._can = ""
        if self._fault is CardFault.READER_MISSING:
            self._context.request_help(HelpReason.CARD_READER_MISSING)
        self._show(ScreenName.IDENTITY_FAILED)

    def result_view(self) -> ResultView:
        document = self._context.session.identity_document
        if document is None:
            raise RuntimeError("no card was read")
        return ResultView(
            document=document,
            expiry=expiry_of(document, self._today()),
            private_listening=self._private_listening(),
            speech_mode=self._context.session.speech_mode,
        )

    # -- the end ----------------------------------------------------------------------------

    def confirm(self) -> None:
        self._context.session.statistics.features.add("card_read")
        self._leave()

    def not_me(self) -> None:
        # Someone else's card: nothing of it is kept.
        self._context.session.identity_document = None
        self._leave()

    def by_hand(self) -> None:
        self._context.session.identity_document = None
        self._leave()

    def speak_aloud(self) -> None:
        self._context.session.identity_speech_agreed = True
        self._context.redraw(Change.REREAD)

    def _leave(self) -> None:
        self._can = ""
        self._context.router.leave(IDENTITY_SCREENS)
        self._on_done()

    def forget(self) -> None:
        self._can = ""
        self._fault, self._tries_left = None, None
        self._read_number += 1
