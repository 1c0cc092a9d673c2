"""The composition root: reads the configuration, builds devices, speech and screens, and wires them."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.bootstrap import prepare_kivy

prepare_kivy()

from kivy.app import App  # noqa: E402
from kivy.clock import Clock  # noqa: E402
from kivy.core.window import Window  # noqa: E402

from accessibility.speech import RecordingEngine, SpeechEngine, SpeechManager, create_engine  # noqa: E402
from devices.escpos_printer import NetworkReceiptPrinter  # noqa: E402
from devices.receipt import ReceiptPrinter  # noqa: E402
from devices.simulators import SimulatedPrinter  # noqa: E402
from fleet.help import HelpChannel, LoggedHelpChannel  # noqa: E402
from kiosk import pages  # noqa: E402
from kiosk.config import SiteConfig  # noqa: E402
from kiosk.content import DEFAULT_CONTENT_DIR, Catalogue, load_catalogue  # noqa: E402
from kiosk.controller import KioskController  # noqa: E402
from kiosk.viewmodels import Page  # noqa: E402
from screens.root import KioskRoot  # noqa: E402
from screens.style import Style  # noqa: E402

logger = logging.getLogger(__name__)


def build_printer(config: SiteConfig) -> ReceiptPrinter:
    printer = config.devices.printer
    if printer.type == "escpos-network":
        return NetworkReceiptPrinter(printer.host, printer.port)
    return SimulatedPrinter()


def run_in_background(job: Callable[[], object], done: Callable[[object], None]) -> None:
    """Run a blocking job (printing) on a worker thread; hand the outcome to the UI thread."""

    def work() -> None:
        try:
            outcome: object = job()
        except Exception as error:  # noqa: BLE001 - the outcome is shown to the citizen, not raised
            outcome = error
        Clock.schedule_once(lambda _dt: done(outcome))

    threading.Thread(target=work, name="kiosk-background", daemon=True).start()


@dataclass
class Kiosk:
    """Everything the composition root built, for the application and for the test pilot."""

    config: SiteConfig
    controller: KioskController
    root: KioskRoot
    style: Style
    speech: SpeechManager
    printer: ReceiptPrinter
    help_channel: HelpChannel
    _events: list[Any]

    def __post_init__(self) -> None:
        # Key code -> keypad key, worked out once rather than on every key press.
        self._keys = self.config.keypad.actions_by_code()

    def close(self) -> None:
        """Stop the clocks and threads this kiosk started (the window itself stays)."""
        for event in self._events:
            event.cancel()
        Window.unbind(on_key_down=self._on_key_down, on_touch_down=self._on_touch_down)
        Window.unbind(size=self._on_resize)
        self.speech.close()

    # -- adapters from Kivy events to the controller, all on the UI thread -------------------

    def show(self, page: Page) -> None:
        session = self.controller.session
        self.style.apply_theme(session.theme)
        self.style.fit(Window.width, Window.height, session.text_scale)
        self.root.show_page(page, pages.bar(self.controller), animate=not session.reduce_motion)

    def _on_resize(self, _window: Any, size: tuple[int, int]) -> None:
        self.style.fit(size[0], size[1], self.controller.session.text_scale)

    def _on_touch_down(self, _window: Any, _touch: Any) -> bool:
        self.controller.activity()
        return False

    def _on_key_down(self, _window: Any, key: int, _scancode: int, _text: Any, modifiers: list[str]) -> bool:
        controller = self.controller
        controller.activity()
        if key == ord("m") and "ctrl" in modifiers and "alt" in modifiers:
            controller.open_mediator()
            return True
        action = self._keys.get(key)
        if action is None:
            return False
        self.press(action)
        return True

    def press(self, action: str) -> None:
        """A keypad key, by name: up down left right enter back help volume_up volume_down."""
        controller = self.controller
        if action in ("up", "left", "down", "right"):
            focused = self.root.move_focus(-1 if action in ("up", "left") else 1)
            if focused is not None and controller.session.speech_mode:
                # Each focus change is said, with the button's state words (never colour alone).
                self.speech.speak(focused.text, language=controller.session.language)
        elif action == "enter":
            self.root.activate_focus()
        elif action == "back":
            controller.back()
        elif action == "help":
            controller.keypad_help()
        elif action == "volume_up":
            controller.volume_up()
        elif action == "volume_down":
            controller.volume_down()

    def headset(self, plugged: bool) -> None:
        """The audio layer's headset-jack event (any thread): handed to the UI thread."""
        Clock.schedule_once(lambda _dt: self.controller.headset(plugged))


def assemble(
    config: SiteConfig,
    *,
    speech_engine: SpeechEngine | None = None,
    clock: Callable[[], float] = time.monotonic,
    on_quit: Callable[[], None] = lambda: None,
) -> Kiosk:
    """Build and wire the whole kiosk on the current Kivy window."""
    content_directory = config.content_directory or DEFAULT_CONTENT_DIR

    def reload_catalogue(previous: Catalogue | None = None) -> Catalogue:
        catalogue = load_catalogue(content_directory, previous)
        for error in catalogue.errors:
            logger.warning("content refused: %s", error)
        return catalogue

    speech = SpeechManager(speech_engine or create_engine())
    controller_ref: list[KioskController] = []
    # The speech worker reports a failure on its own thread: hand it to the UI thread.
    speech.on_unavailable = lambda: Clock.schedule_once(lambda _dt: controller_ref[0].speech_unavailable())
    printer = build_printer(config)
    help_channel = LoggedHelpChannel()
    style = Style()
    style.fit(Window.width, Window.height, 1.0)
    root = KioskRoot(style)
    kiosk_ref: list[Kiosk] = []

    def device_status() -> list[tuple[str, str]]:
        return [
            ("Imprimante", printer.status()),
            ("Lecteur de carte", config.devices.card_reader.type),
            ("Voix", "disponible" if speech.available else "indisponible"),
            ("Supervision", "activée" if config.fleet.enabled else "désactivée"),
        ]

    controller = KioskController(
        config=config,
        catalogue=reload_catalogue(),
        speech=speech,
        printer=printer,
        help_channel=help_channel,
        clock=clock,
        background=run_in_background,
        on_page=lambda page: kiosk_ref[0].show(page) if kiosk_ref else None,
        on_quit=on_quit,
        reload_catalogue=reload_catalogue,
        device_status=device_status,
    )
    controller_ref.append(controller)
    events = [Clock.schedule_interval(lambda _dt: controller.tick(), 0.25)]
    kiosk = Kiosk(config, controller, root, style, speech, printer, help_channel, events)
    kiosk_ref.append(kiosk)
    root.bind_mediator_corner(config.mediator.long_press_seconds, controller.open_mediator)
    Window.bind(on_key_down=kiosk._on_key_down, on_touch_down=kiosk._on_touch_down)
    Window.bind(size=kiosk._on_resize)
    kiosk.show(controller.page)
    return kiosk


class KioskApp(App):
    """The Kivy application: full screen, and a citizen can never close it."""

    title = "Borne d'accueil"

    def __init__(self, config: SiteConfig, demo: bool) -> None:
        super().__init__()
        self.site_config = config
        self.demo = demo
        self.kiosk: Kiosk | None = None
        self._quitting = False

    def build(self) -> KioskRoot:
        display = self.site_config.display
        if display.fullscreen:
            Window.fullscreen = "auto"
        else:
            Window.size = display.size
        Window.bind(on_request_close=self._on_request_close)
        self.kiosk = assemble(
            self.site_config,
            speech_engine=RecordingEngine() if os.environ.get("KIOSK_SILENT") else None,
            on_quit=self._quit,
        )
        return self.kiosk.root

    def _on_request_close(self, *_args: Any) -> bool:
        # Only the mediator's "Quitter la borne" closes the kiosk; the window's close is ignored.
        return not self._quitting

    def _quit(self) -> None:
        self._quitting = True
        self.stop()

    def on_stop(self) -> None:
        if self.kiosk is not None:
            self.kiosk.close()
