"""The composition root: reads the configuration, builds devices, speech and screens, and wires them."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from kiosk.bootstrap import prepare_kivy

prepare_kivy()

from kivy.app import App  # noqa: E402
from kivy.base import ExceptionHandler, ExceptionManager  # noqa: E402
from kivy.clock import Clock  # noqa: E402
from kivy.core.window import Window  # noqa: E402

from accessibility.speech import SpeechEngine, SpeechManager, create_engine  # noqa: E402
from devices.health import DeviceHealth  # noqa: E402
from devices.idcard import CardReader  # noqa: E402
from devices.printer import ReceiptPrinter  # noqa: E402
from fleet.help import HelpChannel, LoggedHelpChannel  # noqa: E402
from fleet.protocol import AppCrash, AppRestart, KioskState  # noqa: E402
from kiosk import __version__  # noqa: E402
from kiosk.config import SiteConfig  # noqa: E402
from kiosk.content import DEFAULT_CONTENT_DIR, ContentLibrary  # noqa: E402
from kiosk.display import desktop_size, drawn_in_software, fit_window, renderer  # noqa: E402
from kiosk.fleet_link import FleetLink  # noqa: E402
from kiosk.hardware import build_card_reader, build_health_monitor, build_printer  # noqa: E402
from kiosk.heap import give_back_free_memory, map_large_blocks_apart, set_aside_startup_objects  # noqa: E402
from kiosk.journey.context import SessionEnd  # noqa: E402
from kiosk.journey.journey import Journey, Presentation, Services  # noqa: E402
from kiosk.journey.mediator import Device, DeviceState, DeviceStatus  # noqa: E402
from kiosk.journey.voice import CHOICE_PAUSE_MS  # noqa: E402
from kiosk.session import SessionReport  # noqa: E402
from kiosk.supervision import CrashRecord, ServiceNotifier, fingerprint, state_directory  # noqa: E402
from kiosk.viewmodels import Action, Said  # noqa: E402
from screens.root import KioskRoot  # noqa: E402
from screens.style import Style  # noqa: E402

logger = logging.getLogger(__name__)

#: How often the journey's clock ticks (idle warning, lockout countdown), in seconds.
TICK_SECONDS = 0.25
#: Seconds "La borne redémarre" stays before the process ends after a crash.
RESTART_SCREEN_SECONDS = 3.0
#: The keypad's focus keys; the others go to the journey.
FOCUS_KEYS = {"up": -1, "left": -1, "down": 1, "right": 1}


class BackgroundJobs:
    """Runs blocking jobs (printing) one after another on one worker thread, and hands each
    outcome to the UI thread.

    Threads: ``run`` is called on the UI thread; jobs run, in order, on the one worker (a
    printer does one thing at a time, and one long-lived thread keeps memory flat where a thread
    per job made the allocator grow); ``done`` is called on the UI thread (through
    ``Clock.schedule_once``). ``pending`` counts the jobs whose outcome has not been handed back
    yet (the test pilot waits for it to be 0).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending = 0
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-background")

    @property
    def pending(self) -> int:
        with self._lock:
            return self._pending

    def run(self, job: Callable[[], object], done: Callable[[object], None]) -> None:
        with self._lock:
            self._pending += 1

        def work() -> None:
            try:
                outcome: object = job()
            except Exception as error:  # noqa: BLE001 - the outcome is shown to the citizen, not raised
                outcome = error
            Clock.schedule_once(lambda _dt: self._finish(done, outcome))

        self._worker.submit(work)

    def _finish(self, done: Callable[[object], None], outcome: object) -> None:
        try:
            done(outcome)
        finally:
            with self._lock:
                self._pending -= 1

    def close(self) -> None:
        """No new job; the one running (if any) finishes on its own."""
        self._worker.shutdown(wait=False, cancel_futures=True)


class Kiosk:
    """The wired kiosk: the journey, the window's root, and the adapters between them.

    Every adapter runs on the UI thread; what other threads report (speech failure, headset,
    background jobs) is handed over with ``Clock.schedule_once``.
    """

    def __init__(
        self,
        config: SiteConfig,
        speech: SpeechManager,
        printer: ReceiptPrinter,
        card_reader: CardReader,
        clock: Callable[[], float],
        on_quit: Callable[[], None],
        choice_pause_ms: int = CHOICE_PAUSE_MS,
    ) -> None:
        self.config = config
        self.speech = speech
        self.printer = printer
        self.card_reader = card_reader
        self.fleet: FleetLink | None = None
        #: A session ended: the screens it showed are emptied after the next drawing.
        self._forget_screens = False
        self.jobs = BackgroundJobs()
        self.style = Style()
        self.style.fit(Window.width, Window.height, 1.0)
        self.root = KioskRoot(self.style, dispatcher=self.dispatch)
        self.content = ContentLibrary(config.content_directory or DEFAULT_CONTENT_DIR)
        # The monitor reports on its own thread: hand each change to the UI thread (and to the
        # fleet's agent, which takes events from any thread).
        #: What draws the window (OpenGL's renderer): the mediator's status screen names it.
        self.renderer = renderer()
        self.health = build_health_monitor(
            config, printer, card_reader, self._device_changed, drawn_in_software(self.renderer)
        )
        if config.fleet.enabled:
            self.fleet = FleetLink(
                config,
                lambda: self.journey,
                self.content,
                self.health,
                speech_state=lambda: "ready" if speech.available else "unavailable",
                call_soon=lambda job: Clock.schedule_once(lambda _dt: job()),
                restart=on_quit,
                state_directory=state_directory(),
            )
        self.help_channel: HelpChannel = self.fleet or LoggedHelpChannel()
        services = Services(
            speech=speech,
            printer=printer,
            card_reader=card_reader,
            help_channel=self.help_channel,
            clock=clock,
            background=self.jobs.run,
            device_status=self.device_status,
            devices=self.health,
            quit=on_quit,
            choice_pause_ms=choice_pause_ms,
            session_ended=self._session_ended,
        )
        self.journey = Journey(config, self.content, services, on_present=self.present)
        # The speech worker reports a failure on its own thread: hand it to the UI thread.
        speech.on_unavailable = lambda: Clock.schedule_once(lambda _dt: self.journey.speech_unavailable())
        self._keys = config.keypad.actions_by_code()
        self.root.bind_mediator_corner(config.mediator.long_press_seconds, self.journey.mediator.open)
        self._tick_event = Clock.schedule_interval(lambda _dt: self.journey.tick(), TICK_SECONDS)
        Window.bind(on_key_down=self._on_key_down, on_touch_down=self._on_touch_down, size=self._on_resize)
        self.present(self.journey.presentation)
        self.health.start()
        if self.fleet is not None:
            self.fleet.start()
            # Refused at start-up, before the agent listened; later reloads report by themselves.
            self.fleet.content_refused(self.content.catalogue.errors)
            self.content.on_refused = self.fleet.content_refused

    def close(self) -> None:
        """Wipe a citizen's session if one is on, and stop the clocks and threads this kiosk
        started (the window itself stays); the fleet is told ``disconnected``."""
        if self.journey.session.active:
            self.journey.end_session(SessionEnd.QUIT)
        self._tick_event.cancel()
        Window.unbind(on_key_down=self._on_key_down, on_touch_down=self._on_touch_down, size=self._on_resize)
        self.jobs.close()
        self.health.close(timeout=1.0)
        if self.fleet is not None:
            self.fleet.stop(timeout=2.0)
        self.speech.close()

    def device_status(self) -> list[DeviceStatus]:
        """What the mediator's status screen shows of each device (from the last poll: never blocks)."""
        config = self.config

        def state(health: DeviceHealth) -> DeviceState:
            return DeviceState.WORKING if health.ready else DeviceState.FAULT

        printer = self.health.get("printer")
        reader_type = config.devices.card_reader.type
        reader = self.health.get("card_reader")
        return [
            DeviceStatus(Device.PRINTER, state(printer), config.devices.printer.url, printer.detail),
            DeviceStatus(Device.CARD_READER, DeviceState.OFF, reader_type)
            if reader_type == "none"
            else DeviceStatus(Device.CARD_READER, state(reader), reader_type, reader.detail),
            DeviceStatus(Device.SPEECH, DeviceState.WORKING if self.speech.available else DeviceState.FAULT),
            DeviceStatus(Device.SCREEN, DeviceState.WORKING, self.renderer, self.health.get("screen").detail),
            self._fleet_status(),
        ]

    def _session_ended(self, report: SessionReport) -> None:
        if self.fleet is not None:
            self.fleet.session_ended(report)
        # The journey draws its welcome screen next; then the other screens are emptied.
        self._forget_screens = True

    def _fleet_status(self) -> DeviceStatus:
        if self.fleet is None:
            return DeviceStatus(Device.FLEET, DeviceState.OFF)
        agent = self.fleet.agent
        state = DeviceState.WORKING if agent.connected else DeviceState.FAULT
        return DeviceStatus(
            Device.FLEET,
            state,
            self.config.fleet.broker_url,
            "" if agent.connected else "not_connected",
            agent.queued_events,
        )

    def _device_changed(self, health: DeviceHealth) -> None:
        """The health monitor's thread: a device's health changed."""
        if self.fleet is not None:
            self.fleet.device_changed(health)
        Clock.schedule_once(lambda _dt: self.journey.device_changed(health))

    # -- adapters between Kivy and the journey, all on the UI thread -------------------------

    def present(self, presentation: Presentation) -> None:
        self.style.apply_theme(presentation.theme)
        self.style.fit(Window.width, Window.height, presentation.text_scale)
        self.root.show_page(
            presentation.page,
            presentation.bar,
            focus=presentation.focus,
            show_focus=presentation.show_focus,
            animate=presentation.animate,
        )
        if self._forget_screens:
            self._forget_screens = False
            # At the clock's next pass: after a real touch (dispatched after the clock) that is
            # the next frame, so the welcome screen is drawn first and the screens off the
            # display are emptied right after (15-30 ms).
            Clock.schedule_once(self._tidy_after_session)

    def _tidy_after_session(self, _dt: float) -> None:
        """The screens off the display emptied, and the memory the session freed given back."""
        self.root.forget_screens()
        give_back_free_memory()

    def dispatch(self, action: Action, touched: bool) -> None:
        self.journey.dispatch(action, touched)

    def _on_resize(self, _window: Any, size: tuple[int, int]) -> None:
        self.style.fit(size[0], size[1], self.journey.session.text_scale)

    def _on_touch_down(self, _window: Any, _touch: Any) -> bool:
        self.journey.activity()
        self.journey.touched_screen()
        return False

    def _on_key_down(self, _window: Any, key: int, _scancode: int, _text: Any, modifiers: list[str]) -> bool:
        self.journey.activity()
        if key == ord("m") and "ctrl" in modifiers and "alt" in modifiers:
            self.journey.mediator.open()
            return True
        name = self._keys.get(key)
        if name is None:
            return False
        self.press(name)
        return True

    def press(self, key: str) -> None:
        """A keypad key, by name: up down left right enter back help volume_up volume_down."""
        self.journey.keypad_used(key)
        if key in FOCUS_KEYS:
            focused = self.root.move_focus(FOCUS_KEYS[key])
            if focused is not None:
                # Each focus change is said: the button's words (its state words, never colour
                # alone), its role and its place in its row. The scroll buttons carry no action.
                action = focused.action
                label = Said(focused.text, action.language if action else None)
                secret = bool(action and action.secret)
                self.journey.focus_moved(label, secret, *self.root.place_of(focused))
        elif key == "enter":
            self.root.activate_focus()
        else:
            self.journey.key(key)

    def headset(self, plugged: bool) -> None:
        """The audio layer's headset-jack event (any thread): handed to the UI thread."""
        Clock.schedule_once(lambda _dt: self.journey.headset(plugged))


def assemble(
    config: SiteConfig,
    *,
    speech_engine: SpeechEngine | None = None,
    clock: Callable[[], float] = time.monotonic,
    on_quit: Callable[[], None] = lambda: None,
    choice_pause_ms: int = CHOICE_PAUSE_MS,
) -> Kiosk:
    """Build and wire the whole kiosk on the current Kivy window."""
    map_large_blocks_apart()
    speech = SpeechManager(speech_engine or create_engine())
    return Kiosk(
        config, speech, build_printer(config), build_card_reader(config), clock, on_quit, choice_pause_ms
    )


class KioskApp(App):
    """The Kivy application: full screen; a citizen can never close it, the service manager can.

    Under systemd it says READY=1 once the first screen is drawn and WATCHDOG=1 from the main
    loop; SIGTERM (``systemctl stop``) and SIGINT stop it cleanly (session wiped, fleet told).
    A crash in the main loop shows "La borne redémarre" and ends the process with the error's
    fingerprint reported; repeated crashes start it in the safe mode.
    """

    title = "Borne d'accueil"
    #: Kivy's settings panel (F1, the menu key) is never opened in the product.
    use_kivy_settings = False

    def __init__(self, config: SiteConfig, demo: bool) -> None:
        super().__init__()
        self.site_config = config
        self.demo = demo
        self.kiosk: Kiosk | None = None
        self._quitting = False
        #: The process ends because of a crash: the command exits non-zero.
        self.crashed = False
        self.notifier = ServiceNotifier()
        self.crashes = CrashRecord(state_directory() / "crashes")

    def build(self) -> KioskRoot:
        display = self.site_config.display
        if display.fullscreen:
            Window.fullscreen = "auto"
        else:
            # A demo or test window never opens partly off the screen it is on.
            Window.size = fit_window(display.size, desktop_size())
            Window.top, Window.left = 0, 0
        Window.bind(on_request_close=self._on_request_close)
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop_signal, self._on_stop_signal)
        ExceptionManager.add_handler(_CrashHandler(self))
        # KIOSK_SILENT (benchmarks, a demonstration without sound): speech works but is not
        # heard, and the engine keeps nothing of what it is asked to say.
        engine = create_engine("muted") if os.environ.get("KIOSK_SILENT") else None
        self.kiosk = assemble(self.site_config, speech_engine=engine, on_quit=self._quit)
        self._log_renderer(self.kiosk.renderer)
        self._report_start()
        return self.kiosk.root

    def _log_renderer(self, drawn_by: str) -> None:
        """Say in the journal what draws the screen: a sluggish kiosk without its graphics driver
        is drawn by the processor."""
        if drawn_in_software(drawn_by):
            logger.warning(
                "the screen is drawn by the processor (%s), not a graphics chip: every screen changes "
                "more slowly; install the graphics driver (kiosk doctor)",
                drawn_by,
            )
        else:
            logger.info("the screen is drawn by %s", drawn_by)

    def _report_start(self) -> None:
        assert self.kiosk is not None
        recent = self.crashes.recent(time.time())
        if self.crashes.safe_mode(time.time()):
            self.kiosk.journey.supervision.enter_safe_mode()
        fleet = self.kiosk.fleet
        if fleet is not None:
            last = recent[-1][1] if recent else None
            fleet.agent.publish_event(
                AppRestart(reason="crash" if recent else "boot", app_version=__version__, fingerprint=last)
            )
            if self.kiosk.journey.supervision.safe_mode:
                fleet.agent.set_state(KioskState.ALERT, "safe_mode")

    def on_start(self) -> None:
        # Scheduled for the next frame: READY=1 once the first screen is on the display.
        Clock.schedule_once(lambda _dt: self._started())
        interval = self.notifier.watchdog_interval
        if interval:
            # From the main loop on purpose: a frozen UI stops the pings and is restarted.
            Clock.schedule_interval(lambda _dt: self.notifier.watchdog(), interval)

    def _started(self) -> None:
        set_aside_startup_objects()
        self.notifier.ready()

    def open_settings(self, *_args: Any) -> bool:
        return False

    def _on_request_close(self, *_args: Any) -> bool:
        # The window's close (Alt+F4, the desktop) is ignored: only the mediator's "Quitter la
        # borne" and the service manager's signal stop the kiosk.
        return not self._quitting

    def _on_stop_signal(self, signum: int, _frame: object) -> None:
        logger.info("stopping on %s", signal.Signals(signum).name)
        self._quitting = True
        Clock.schedule_once(lambda _dt: self.stop())

    def _quit(self) -> None:
        self._quitting = True
        self.stop()

    def crash(self, error: BaseException) -> None:
        """A fault escaped to the main loop: wipe, report, show "La borne redémarre", then end
        the process (the service manager starts it again). Never raises."""
        if self.crashed:
            return
        self.crashed = True
        name = fingerprint(error)
        count = self.crashes.add(time.time(), name)
        # The message is not logged: it could quote what a citizen typed. The frames are.
        trace = "\n".join(
            f"  {frame.filename}:{frame.lineno} in {frame.name}"
            for frame in traceback.extract_tb(error.__traceback__)
        )
        logger.error("crash %s (%s, %d within 10 min):\n%s", type(error).__name__, name, count, trace)
        kiosk = self.kiosk
        try:
            if kiosk is not None:
                screen = kiosk.journey.router.screen.value
                kiosk.journey.session.wipe()
                if kiosk.fleet is not None:
                    kiosk.fleet.agent.publish_event(
                        AppCrash(error=type(error).__name__, screen=screen, fingerprint=name)
                    )
                kiosk.journey.supervision.restarting()
        except Exception:  # noqa: BLE001 - the calm screen is a courtesy; ending the process is not
            logger.exception("the restart screen could not be shown")
        Clock.schedule_once(lambda _dt: self._quit(), RESTART_SCREEN_SECONDS)

    def on_stop(self) -> None:
        self.notifier.stopping()
        if self.kiosk is not None:
            self.kiosk.close()


class _CrashHandler(ExceptionHandler):
    """Kivy's hook for exceptions raised in the main loop: the app's ``crash`` takes them."""

    def __init__(self, app: KioskApp) -> None:
        super().__init__()
        self._app = app

    def handle_exception(self, inst: BaseException) -> int:
        if isinstance(inst, KeyboardInterrupt):
            return ExceptionManager.RAISE
        self._app.crash(inst)
        return ExceptionManager.PASS
