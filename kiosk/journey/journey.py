"""The journey: a small router over the flows, the session's end, and what is shown and said.

Each flow owns its screens' state and the commands their buttons send; the journey only routes
a command to the flow that handles it, asks the flow on screen for a read-only snapshot, has
the page registry draw it, and decides what is said and where the keypad focus goes (from the
``Change`` the flow reports). Plain Python: every method is called on the UI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Protocol

from devices.health import DeviceHealth
from devices.idcard import CardReader
from devices.printer import ReceiptPrinter
from fleet.help import HelpChannel
from kiosk.config import SiteConfig
from kiosk.content import ContentLibrary
from kiosk.i18n import N_, translator
from kiosk.journey.context import (
    Background,
    Change,
    Flow,
    FlowContext,
    Handlers,
    ScreenViews,
    SessionEnd,
    Speaker,
)
from kiosk.journey.fleet import FleetFlow
from kiosk.journey.glossary import GlossaryFlow
from kiosk.journey.identity import IdentityFlow
from kiosk.journey.idle import IdleFlow
from kiosk.journey.mediator import DeviceStatus, MediatorCommand, MediatorFlow
from kiosk.journey.printing import PrintingFlow, printer_fault_of
from kiosk.journey.procedure import ProcedureFlow
from kiosk.journey.router import MEDIATOR_SCREENS, Location, NavigationCommand, Router, ScreenName
from kiosk.journey.settings import SettingsFlow
from kiosk.journey.speech_controls import SpeechControl, SpeechControlsFlow
from kiosk.journey.supervision import SupervisionFlow
from kiosk.journey.voice import CHOICE_PAUSE_MS, Voice
from kiosk.journey.welcome import WelcomeFlow
from kiosk.mediator import PinLock
from kiosk.pages import bar, registry
from kiosk.pages.frame import Frame
from kiosk.session import Session, SessionReport
from kiosk.viewmodels import Action, Page, Said

logger = logging.getLogger(__name__)

#: Commands that answer the idle warning when they are used on it, as "Je suis encore là" does
#: ("Retour" answers it too); the language and speech rows keep it, so it can be understood.
ANSWERS_TO_THE_WARNING = frozenset({NavigationCommand.HOME, MediatorCommand.ASK_HELP})
#: Seconds within which a second press of the help key calls a mediator.
HELP_AGAIN_SECONDS = 2.0
#: The keypad keys the journey answers itself; the arrows and Enter move and use the focus,
#: which the screens own.
JOURNEY_KEYS = ("back", "help", "volume_up", "volume_down")


class DeviceWatch(Protocol):
    """The devices' latest health, kept by the application's health monitor: reads never block."""

    def get(self, device: str) -> DeviceHealth: ...

    def poll_soon(self) -> None: ...


@dataclass(frozen=True)
class Services:
    """What the composition root hands the journey: devices, speech, and how to run blocking jobs."""

    speech: Speaker
    printer: ReceiptPrinter
    card_reader: CardReader
    help_channel: HelpChannel
    #: Monotonic seconds (tests move it forward to reach the idle timeout).
    clock: Callable[[], float]
    background: Background
    device_status: Callable[[], list[DeviceStatus]]
    #: Each device's health ("printer", "card_reader"), polled off the UI thread.
    devices: DeviceWatch
    #: Tells the application to stop (the mediator's "Quitter la borne").
    quit: Callable[[], None]
    #: The silence before each choice a screen says (tests make it 0 to run faster).
    choice_pause_ms: int = CHOICE_PAUSE_MS
    #: Hears each finished session's anonymous statistics (the fleet's agent).
    session_ended: Callable[[SessionReport], None] = lambda _report: None


@dataclass(frozen=True)
class Presentation:
    """Everything the window needs to draw one state of the journey."""

    page: Page
    bar: list[Action]
    #: The control the keypad focus goes to; None keeps the focus where it is.
    focus: str | None
    #: The focus ring shows (the citizen uses the keypad).
    show_focus: bool
    theme: str
    text_scale: float
    animate: bool


class Journey:
    """Routes commands to flows and presents their screens (see the module docstring)."""

    def __init__(
        self,
        config: SiteConfig,
        content: ContentLibrary,
        services: Services,
        on_present: Callable[[Presentation], None] = lambda _presentation: None,
    ) -> None:
        self.config = config
        self.content = content
        self.speech = services.speech
        self._on_present = on_present
        self.session = Session(
            default_language=config.languages.default, default_reduce_motion=config.display.reduce_motion
        )
        self.session.wipe()
        self.router = Router()
        context = FlowContext(
            config=config,
            session=self.session,
            speech=services.speech,
            help_channel=services.help_channel,
            clock=services.clock,
            background=services.background,
            router=self.router,
            redraw=self.redraw,
        )
        self.welcome = WelcomeFlow(context, on_start=lambda: self.idle.start(), end_session=self.end_session)
        self.speech_controls = SpeechControlsFlow(context)
        self.settings = SettingsFlow(context)
        self.idle = IdleFlow(context, end_session=self.end_session)
        self.mediator = MediatorFlow(
            context,
            pin_lock=PinLock(config.mediator.pin_hash, services.clock),
            catalogue=lambda: content.catalogue,
            reload_catalogue=content.reload,
            device_status=services.device_status,
            end_session=self.end_session,
            on_quit=services.quit,
        )
        self.procedure = ProcedureFlow(
            context,
            lambda: content.catalogue,
            on_preview_finished=self.mediator.preview_finished,
            card_reader_usable=services.card_reader.is_usable,
        )
        self.identity = IdentityFlow(
            context,
            services.card_reader,
            on_done=self.procedure.proceed,
            private_listening=lambda: self.speech_controls.private_listening,
        )
        self.printing = PrintingFlow(
            context,
            services.printer,
            summary=self.procedure.summary_facts,
            on_test_printed=self.mediator.test_printed,
            show_preview=config.devices.printer.simulated,
            printer_fault=lambda: printer_fault_of(services.devices.get("printer")),
            after_print=lambda: services.devices.poll_soon(),
        )
        self.glossary = GlossaryFlow(context, lambda: content.glossary)
        self.fleet = FleetFlow(context)
        self.supervision = SupervisionFlow(context)
        self.flows: tuple[Flow, ...] = (
            self.welcome,
            self.fleet,
            self.supervision,
            self.glossary,
            self.speech_controls,
            self.settings,
            self.idle,
            self.mediator,
            self.procedure,
            self.identity,
            self.printing,
        )
        self._views: dict[ScreenName, Callable[[Location], object]] = {}
        self._handlers: dict[Enum, Callable[[object], None]] = {
            NavigationCommand.HOME: lambda _: self.go_home(),
            NavigationCommand.BACK: lambda _: self.back(),
        }
        for flow in self.flows:
            _merge(self._views, flow.screens(), "screen")
            _merge(self._handlers, flow.handlers(), "command")
        missing = set(ScreenName) - set(self._views)
        if missing:
            raise RuntimeError(f"no flow shows the screens {sorted(missing)}")
        self.voice = Voice(
            services.speech,
            self.session,
            headset=lambda: self.speech_controls.headset_plugged,
            choice_pause_ms=services.choice_pause_ms,
        )
        self._clock = services.clock
        self._session_ended = services.session_ended
        #: The control the citizen used last: the focus stays on it while the screen stays.
        self._activated: str | None = None
        #: When the help key was last pressed: a second press soon after calls a mediator.
        self._help_pressed_at: float | None = None
        self.presentation = self._present(Change.NEW_SCREEN)

    # -- what is shown -----------------------------------------------------------------------

    @property
    def page(self) -> Page:
        return self.presentation.page

    def frame(self) -> Frame:
        return Frame(
            screen=self.router.screen,
            language=self.session.language,
            offered_languages=tuple(self.config.languages.offered),
            speech=self.speech_controls.view(),
            glossary=self.content.glossary,
        )

    def render(self) -> Page:
        """The page of the current location, drawn from its flow's snapshot."""
        location = self.router.location
        return registry.render(location.screen, self._views[location.screen](location), self.frame())

    def _present(self, change: Change) -> Presentation:
        page = self.render()
        session = self.session
        if change is Change.NEW_SCREEN:
            main = page.main_action
            focus = main.id if main else None
        else:
            focus = self._activated
        return Presentation(
            page=page,
            bar=bar.render(self.frame()),
            focus=focus,
            show_focus=session.keypad,
            theme=session.theme,
            text_scale=session.text_scale,
            animate=not session.reduce_motion,
        )

    def redraw(self, change: Change) -> None:
        """Draw the current state again and say what ``change`` asks (see ``Change``)."""
        presentation = self._present(change)
        unchanged = replace(presentation, focus=None) == replace(self.presentation, focus=None)
        if change is Change.QUIET and unchanged:
            return  # a countdown tick that changed nothing on screen
        self.presentation = presentation
        used, self._activated = self._activated, None
        # The control used is where the focus stays for this drawing only: a later redraw (a
        # countdown tick) leaves the focus wherever the keypad has moved it since.
        self._on_present(presentation)
        if change is Change.NEW_SCREEN:
            self.speech_controls.new_screen()
        # The idle warning is said even with speech off: it must reach every citizen.
        always = self.router.screen is ScreenName.IDLE and change is Change.NEW_SCREEN
        self.voice.changed(change, presentation.page, presentation.focus, used, always)

    # -- what the citizen does -----------------------------------------------------------------

    def dispatch(self, action: Action, touched: bool = False) -> None:
        """A button was used: by a finger (``touched``) or by the keypad's Enter."""
        if touched and not self.speech_controls.touched(action.id, action.text):
            return  # "touch to hear": the first touch only said the button
        if not action.enabled:
            return
        if self.idle.warning and action.command in ANSWERS_TO_THE_WARNING:
            # Leaving the warning shows the citizen is there: back where they were first.
            self.idle.still_here()
        self._activated = action.id
        self._handlers[action.command](action.argument)

    def activity(self) -> None:
        """A touch or a key somewhere: the citizen is there."""
        self.idle.activity()

    def touched_screen(self) -> None:
        """A finger touched the screen: the keypad's focus ring is no longer needed."""
        self.session.keypad = False
        self._help_pressed_at = None

    def keypad_used(self, key: str) -> None:
        """The keypad's ``key`` was pressed: the focus ring shows from now on in this session."""
        if key != "help":
            # Help, another key, help: not "twice in a row", however fast the hands.
            self._help_pressed_at = None
        if not self.session.keypad:
            self.session.keypad = True
            self.session.statistics.features.add("keypad")
            self.redraw(Change.QUIET)

    def focus_moved(self, label: Said, secret: bool, position: int, count: int) -> None:
        """The keypad moved the focus to a control, the ``position``-th of ``count`` in its row;
        ``secret``: its words would give away a masked entry."""
        self.voice.focus_moved(label, secret, position, count)

    def key(self, name: str) -> None:
        """A keypad key the journey answers: back, help, volume_up, volume_down."""
        if name == "back":
            self.back()
        elif name == "help":
            self.keypad_help()
        elif name == "volume_up":
            self._handlers[SpeechControl.LOUDER](None)
        elif name == "volume_down":
            self._handlers[SpeechControl.QUIETER](None)
        else:
            raise ValueError(f"the journey has no key '{name}' (keys: {', '.join(JOURNEY_KEYS)})")

    def keypad_help(self) -> None:
        """The keypad's help key: hear the screen again (turning speech on if it is off); pressed
        twice in a row, it calls a mediator (the same meaning on every screen)."""
        now = self._clock()
        again = self._help_pressed_at is not None and now - self._help_pressed_at <= HELP_AGAIN_SECONDS
        self._help_pressed_at = None if again else now
        if again:
            if self.idle.warning:
                self.idle.still_here()
            self.mediator.ask_help()
            return
        if self.idle.warning:
            self.idle.still_here()
        if not self.session.speech_mode:
            self.speech_controls.toggle_speech()
        else:
            self.speech_controls.listen()
        self.voice.hint(
            self.session_tr(N_("Pour appeler un conseiller, appuyez deux fois sur la touche Aide."))
        )

    def session_tr(self, message: str) -> str:
        return translator(self.session.language)(message)

    def go_home(self) -> None:
        """ "Accueil": during a session, back to the list of subjects; the session goes on."""
        if self.mediator.active:
            self.mediator.close()
            return
        self.session.run = None
        if self.session.active:
            self.router.restart(Location(ScreenName.CATALOGUE))
        else:
            self.router.restart()
        self.redraw(Change.NEW_SCREEN)

    def back(self) -> None:
        """ "Retour": one screen back, forgetting the answer given there."""
        screen = self.router.screen
        if screen is ScreenName.IDLE:
            self.idle.still_here()
        elif screen in MEDIATOR_SCREENS:
            self.mediator.close()
        elif not self.procedure.back() and self.router.back() is not None:
            if self.router.screen in (ScreenName.HOME, ScreenName.CATALOGUE):
                self.session.run = None
            self.redraw(Change.NEW_SCREEN)

    def tick(self) -> None:
        """Called a few times a second by the application: idle timeout, lockout countdown."""
        if self.router.screen is ScreenName.MEDIATOR_PIN:
            self.redraw(Change.QUIET)
        self.idle.tick()

    def headset(self, plugged: bool) -> None:
        self.speech_controls.headset(plugged)

    def speech_unavailable(self) -> None:
        self.speech_controls.unavailable()

    def device_changed(self, health: DeviceHealth) -> None:
        """A device's health changed (paper out, paper reloaded): the screens that show it follow."""
        logger.info("device %s: %s", health.device, health.detail)
        if self.router.screen in (ScreenName.RECEIPT, ScreenName.MEDIATOR_STATUS):
            self.redraw(Change.QUIET)

    def end_session(self, reason: SessionEnd = SessionEnd.MEDIATOR) -> None:
        """Wipe the citizen's session and every flow's memory of it; back to the welcome screen,
        saying goodbye in the session's language if it was heard."""
        statistics = self.session.statistics
        if self.session.active:
            logger.info(
                "session ended (%s): procedure=%s completed=%s help=%s satisfaction=%s",
                reason.value,
                statistics.procedure_id,
                statistics.completed,
                statistics.help_requested,
                statistics.satisfaction,
            )
            self._session_ended(self.session.report(self._clock()))
        else:
            logger.info("back to the welcome screen (%s), no session under way", reason.value)
        language = self.session.language
        heard = self.session.speech_mode or reason is SessionEnd.TIMEOUT
        self.session.wipe()
        self.speech.reset()
        for flow in self.flows:
            flow.forget()
        self._activated = None
        self._help_pressed_at = None
        self.router.restart()
        self.redraw(Change.NEW_SCREEN)
        self.voice.goodbye(reason, language, heard)


def _merge(into: dict[Any, Any], more: ScreenViews | Handlers, what: str) -> None:
    for key, value in more.items():
        if key in into:
            raise RuntimeError(f"two flows claim the {what} {key}")
        into[key] = value
