"""The mediator flow: a citizen calls a mediator, and the mediator's own PIN-protected mode."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from fleet.help import HelpReason
from kiosk.content import Catalogue
from kiosk.i18n import N_
from kiosk.journey.context import Change, FlowContext, Handlers, ScreenViews, SessionEnd
from kiosk.journey.router import MEDIATOR_SCREENS, Location, ScreenName
from kiosk.mediator import PinLock
from kiosk.procedures import Procedure

#: Digits a PIN may have at most (the pad ignores more).
PIN_MAX_DIGITS = 12


class MediatorCommand(Enum):
    """The help call (citizens) and the mediator mode; the argument each takes is in the comment."""

    ASK_HELP = "ask_help"  #: a HelpReason, or None for the "Aide" button
    OPEN = "open"  #: the long press on the corner, or Ctrl+Alt+M
    DIGIT = "digit"  #: the digit typed, "0" to "9"
    CLEAR = "clear"
    SUBMIT = "submit"
    MENU = "menu"
    STATUS = "status"
    PREVIEW_LIST = "preview_list"
    RELOAD = "reload"
    END_SESSION = "end_session"
    QUIT = "quit"
    CLOSE = "close"


class Device(Enum):
    PRINTER = "printer"
    CARD_READER = "card_reader"
    SPEECH = "speech"
    SCREEN = "screen"
    FLEET = "fleet"


class DeviceState(Enum):
    WORKING = "working"
    FAULT = "fault"
    OFF = "off"  #: not configured, or switched off on purpose


@dataclass(frozen=True)
class DeviceStatus:
    device: Device
    state: DeviceState
    #: Where the device is, as configured (a printer's URL, the reader's kind, the broker's URL).
    address: str = ""
    #: The driver's short code for what is wrong or worth knowing ("paper_out", "no_reader"),
    #: worded for the mediator by the page; "" or "ok" when there is nothing to say.
    code: str = ""
    #: Events waiting to be sent (the fleet's link only).
    queued: int = 0


class MenuNotice(Enum):
    NONE = "none"
    TEST_PRINTED = "test_printed"
    TEST_FAILED = "test_failed"


@dataclass(frozen=True)
class HelpView:
    #: The site's phone number, said and shown as another way to get help ("" when none).
    phone: str
    #: A mediator answered the call from the dashboard: they are on their way.
    acknowledged: bool = False


@dataclass(frozen=True)
class PinView:
    digits_typed: int
    #: Whole seconds before the pad accepts a PIN again (0: it does).
    seconds_locked: int
    attempts_left: int
    wrong: bool  #: the last PIN was wrong


@dataclass(frozen=True)
class MenuView:
    notice: MenuNotice


@dataclass(frozen=True)
class StatusView:
    devices: tuple[DeviceStatus, ...]
    procedures: int
    #: A fingerprint of the procedures' versions, and the oldest date their facts were checked.
    content_version: str
    oldest_check: dt.date | None
    #: The content files refused, as "file:line: problem" (the first ones).
    errors: tuple[str, ...]
    reloaded: bool


@dataclass(frozen=True)
class PreviewListView:
    procedures: tuple[Procedure, ...]
    choices_page: int


class MediatorFlow:
    """Owns the help call and the mediator mode: PIN pad, menu, device status, content reload."""

    def __init__(
        self,
        context: FlowContext,
        pin_lock: PinLock,
        catalogue: Callable[[], Catalogue],
        reload_catalogue: Callable[[], None],
        device_status: Callable[[], list[DeviceStatus]],
        end_session: Callable[[SessionEnd], None],
        on_quit: Callable[[], None],
    ) -> None:
        self._context = context
        self._pin_lock = pin_lock
        self._catalogue = catalogue
        self._reload_catalogue = reload_catalogue
        self._device_status = device_status
        self._end_session = end_session
        self._on_quit = on_quit
        self._entry = ""
        self._wrong = False
        self._notice = MenuNotice.NONE
        self._reloaded = False
        self.help_acknowledged = False

    def screens(self) -> ScreenViews:
        return {
            ScreenName.HELP: lambda _location: HelpView(
                self._context.config.site.phone, self.help_acknowledged
            ),
            ScreenName.MEDIATOR_PIN: lambda _location: self.pin_view(),
            ScreenName.MEDIATOR_MENU: lambda _location: MenuView(self._notice),
            ScreenName.MEDIATOR_STATUS: lambda _location: self.status_view(),
            ScreenName.MEDIATOR_PREVIEW: self.preview_view,
        }

    def handlers(self) -> Handlers:
        return {
            MediatorCommand.ASK_HELP: lambda reason: self.ask_help(
                HelpReason(reason) if reason else HelpReason.HELP_BUTTON
            ),
            MediatorCommand.OPEN: lambda _: self.open(),
            MediatorCommand.DIGIT: lambda digit: self.digit(str(digit)),
            MediatorCommand.CLEAR: lambda _: self.clear(),
            MediatorCommand.SUBMIT: lambda _: self.submit(),
            MediatorCommand.MENU: lambda _: self._menu(MenuNotice.NONE),
            MediatorCommand.STATUS: lambda _: self._status(reloaded=False),
            MediatorCommand.PREVIEW_LIST: lambda _: self._context.show(
                Location(ScreenName.MEDIATOR_PREVIEW), remember=False
            ),
            MediatorCommand.RELOAD: lambda _: self.reload(),
            MediatorCommand.END_SESSION: lambda _: self._end_session(SessionEnd.MEDIATOR),
            MediatorCommand.QUIT: lambda _: self.quit(),
            MediatorCommand.CLOSE: lambda _: self.close(),
        }

    @property
    def active(self) -> bool:
        """The mediator mode (or its PIN pad) is on screen."""
        return self._context.router.screen in MEDIATOR_SCREENS

    # -- the citizen's call ------------------------------------------------------------------

    def ask_help(self, reason: HelpReason = HelpReason.HELP_BUTTON) -> None:
        """ "Aide": the request goes out and the citizen is told someone comes."""
        self._context.request_help(reason)
        self.help_acknowledged = False
        self._context.session.statistics.help_requested = True
        if self._context.router.screen is not ScreenName.HELP:
            self._context.show(Location(ScreenName.HELP))

    def mediator_coming(self) -> None:
        """A mediator answered the call from the dashboard: shown and said at once, wherever
        the citizen is (the help screen comes back if they had left it)."""
        self.help_acknowledged = True
        if self._context.router.screen is ScreenName.HELP:
            self._context.redraw(Change.QUIET)
        else:
            self._context.show(Location(ScreenName.HELP))
        self._context.say(self._context.tr(N_("Un conseiller arrive.")))

    # -- the PIN pad -------------------------------------------------------------------------

    def open(self) -> None:
        """The long press on the corner (or the keyboard combination): the PIN pad."""
        if self.active:
            return
        self._entry, self._wrong = "", False
        self._context.show(Location(ScreenName.MEDIATOR_PIN))

    def digit(self, digit: str) -> None:
        if len(self._entry) < PIN_MAX_DIGITS:
            self._entry += digit
        self._wrong = False
        self._context.redraw(Change.QUIET)
        if self._context.session.speech_mode:
            # A masked entry is never echoed aloud: only that a digit was typed.
            self._context.say(self._context.tr(N_("Chiffre saisi")))

    def clear(self) -> None:
        self._entry = ""
        self._context.redraw(Change.QUIET)

    def submit(self) -> None:
        entry, self._entry = self._entry, ""
        if self._pin_lock.try_pin(entry):
            self._menu(MenuNotice.NONE)
            return
        self._wrong = True
        self._context.redraw(Change.ERROR)

    def pin_view(self) -> PinView:
        return PinView(
            digits_typed=len(self._entry),
            seconds_locked=math.ceil(self._pin_lock.seconds_locked()),
            attempts_left=self._pin_lock.attempts_left,
            wrong=self._wrong,
        )

    # -- the menu ----------------------------------------------------------------------------

    def _menu(self, notice: MenuNotice) -> None:
        self._notice = notice
        self._context.show(Location(ScreenName.MEDIATOR_MENU), remember=False)

    def _status(self, reloaded: bool) -> None:
        self._reloaded = reloaded
        self._context.show(Location(ScreenName.MEDIATOR_STATUS), remember=False)

    def test_printed(self, printed: bool) -> None:
        """The printing flow's answer to the menu's test ticket."""
        self._menu(MenuNotice.TEST_PRINTED if printed else MenuNotice.TEST_FAILED)

    def preview_finished(self) -> None:
        """The mediator's preview of a procedure ended: back to the menu."""
        self._context.session.run = None
        self._menu(MenuNotice.NONE)

    def reload(self) -> None:
        """Read the content again; refused files keep their last good version."""
        self._reload_catalogue()
        self._status(reloaded=True)

    def status_view(self) -> StatusView:
        catalogue = self._catalogue()
        return StatusView(
            devices=tuple(self._device_status()),
            procedures=len(catalogue.procedures),
            content_version=catalogue.version,
            oldest_check=catalogue.oldest_check,
            errors=tuple(str(error) for error in catalogue.errors[:5]),
            reloaded=self._reloaded,
        )

    def preview_view(self, location: Location) -> PreviewListView:
        procedures = sorted(self._catalogue().procedures.values(), key=lambda p: p.title["fr"])
        return PreviewListView(tuple(procedures), location.choices_page)

    def quit(self) -> None:
        self._end_session(SessionEnd.QUIT)
        self._on_quit()

    def close(self) -> None:
        self._entry, self._wrong, self._notice = "", False, MenuNotice.NONE
        self._context.router.leave(MEDIATOR_SCREENS)
        self._context.redraw(Change.NEW_SCREEN)

    def forget(self) -> None:
        self._entry, self._wrong, self._notice, self._reloaded = "", False, MenuNotice.NONE, False
        self.help_acknowledged = False
