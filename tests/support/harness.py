"""The journey in plain Python, as the kiosk wires it but without a window: for unit tests."""

from __future__ import annotations

from collections.abc import Callable

from accessibility.speech import RecordingEngine, SpeechManager
from devices.health import HealthMonitor, printer_health
from devices.printer import ReceiptPrinter
from devices.printer.simulated import SimulatedPrinter
from fleet.help import LoggedHelpChannel
from kiosk.config import SiteConfig, load_config
from kiosk.content import ContentLibrary
from kiosk.journey.journey import Journey, Presentation, Services
from kiosk.journey.mediator import Device, DeviceState, DeviceStatus
from kiosk.viewmodels import Page

from support.fake_card import FakeCardReader

#: The demo PIN (demo-site.toml).
DEMO_PIN = "2468"


def run_now(job: Callable[[], object], done: Callable[[object], None]) -> None:
    """The background runner of the tests: the job runs at once, its outcome comes back at once."""
    try:
        outcome: object = job()
    except Exception as error:  # noqa: BLE001 - handed to the flow, as the real runner does
        outcome = error
    done(outcome)


class Harness:
    """A journey with the demo site, a recording speech engine and a simulated printer."""

    def __init__(self, printer: ReceiptPrinter | None = None, config: SiteConfig | None = None) -> None:
        self.config = config or load_config()
        self.time = 1000.0
        self.engine = RecordingEngine()
        #: Every utterance the speech manager began: (its text, its language), oldest first.
        self.utterances: list[tuple[str, str]] = []
        self.speech = SpeechManager(
            self.engine,
            on_started=lambda utterance: self.utterances.append((utterance.text, utterance.language)),
        )
        self.printer = printer or SimulatedPrinter()
        self.card_reader = FakeCardReader()
        self.help = LoggedHelpChannel()
        #: Not started: a test polls it with ``poll_now()`` when it changed a device.
        self.health = HealthMonitor(
            {"printer": lambda: printer_health(self.printer)},
            on_change=lambda health: self.journey.device_changed(health),
        )
        self.presented: list[Presentation] = []
        #: What the mediator's status screen shows (a test sets faults here).
        self.device_statuses = [DeviceStatus(Device.PRINTER, DeviceState.WORKING, "simulée")]
        self.quit = False
        self.content = (
            ContentLibrary(self.config.content_directory)
            if self.config.content_directory
            else ContentLibrary()
        )
        self.journey = Journey(
            self.config,
            self.content,
            Services(
                speech=self.speech,
                printer=self.printer,
                card_reader=self.card_reader,
                help_channel=self.help,
                clock=lambda: self.time,
                background=run_now,
                device_status=lambda: list(self.device_statuses),
                devices=self.health,
                quit=self._quit,
                choice_pause_ms=0,
            ),
            self.presented.append,
        )

    def _quit(self) -> None:
        self.quit = True

    def close(self) -> None:
        self.speech.close()

    def spoken(self) -> list[tuple[str, str]]:
        """The utterances said, whole: (text, language), oldest first (the engine gets them in
        pieces: text by text, each in its own voice)."""
        assert self.speech.wait_idle(2.0), "speech never finished"
        return list(self.utterances)

    @property
    def session(self):  # noqa: ANN201 - the journey's Session
        return self.journey.session

    @property
    def page(self) -> Page:
        return self.journey.page

    @property
    def screen(self) -> str:
        return self.journey.page.name

    def ids(self) -> list[str]:
        return [action.id for action in self.page.actions]

    def tap(self, action_id: str) -> None:
        """Use the button ``action_id`` of the current page (or of the bar), as a finger would."""
        self.journey.activity()  # as the app does on every touch, before the button acts
        presentation = self.journey.presentation
        for action in (*presentation.bar,):
            if action.id == action_id:
                self.journey.dispatch(action, touched=True)
                return
        self.journey.dispatch(self.page.action(action_id), touched=True)

    def walk(self, *ids: str) -> None:
        for action_id in ids:
            self.tap(action_id)

    def advance(self, seconds: float) -> None:
        """Move the clock forward and let the kiosk's tick react."""
        self.time += seconds
        self.journey.tick()

    def to_summary(self, procedure: str = "carte-identite", topic: str = "papiers") -> None:
        """From the welcome screen to the summary, first choices, no documents."""
        self.walk("start", f"topic_{topic}", f"procedure_{procedure}")
        for _ in range(50):
            if self.screen != "step":
                break
            ids = self.ids()
            self.tap("doc_no" if "doc_no" in ids else ids[0])
        assert self.screen == "summary"

    def enter_pin(self, pin: str = DEMO_PIN) -> None:
        self.walk(*(f"pin_{digit}" for digit in pin), "pin_ok")
