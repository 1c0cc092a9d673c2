"""The journey as plain Python: navigation, help, language, idle wipe, printing, mediator mode."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from accessibility.speech import RecordingEngine, SpeechManager
from devices.receipt import PrinterError, PrinterFault, ReceiptDocument
from devices.simulators import SimulatedPrinter
from fleet.help import LoggedHelpChannel
from kiosk.config import load_config
from kiosk.content import load_catalogue
from kiosk.controller import KioskController
from kiosk.viewmodels import Mark, Page


class BrokenPrinter(SimulatedPrinter):
    def print_receipt(self, document: ReceiptDocument) -> None:
        raise PrinterError(PrinterFault.OFFLINE, "connection refused")


def now_runs(job: Callable[[], object], done: Callable[[object], None]) -> None:
    try:
        done(job())
    except Exception as error:  # noqa: BLE001
        done(error)


class Harness:
    def __init__(self, printer: SimulatedPrinter | None = None) -> None:
        self.config = load_config()
        self.time = 1000.0
        self.engine = RecordingEngine()
        self.speech = SpeechManager(self.engine)
        self.printer = printer or SimulatedPrinter()
        self.help = LoggedHelpChannel()
        self.pages: list[Page] = []
        self.quit = False
        self.kiosk = KioskController(
            self.config,
            load_catalogue(self.config.content_directory),
            self.speech,
            self.printer,
            self.help,
            lambda: self.time,
            now_runs,
            self.pages.append,
            self._quit,
            lambda previous: load_catalogue(self.config.content_directory, previous),
            lambda: [("Imprimante", "ok")],
        )

    def _quit(self) -> None:
        self.quit = True

    def spoken(self) -> list[tuple[str, str]]:
        """What reached the speech engine: (text, language), oldest first."""
        self.speech.wait_idle(2.0)
        return [(item.text, item.language) for item in self.engine.said]

    @property
    def page(self) -> Page:
        return self.kiosk.page

    def tap(self, action_id: str) -> None:
        self.kiosk.page.action(action_id).run()

    def walk(self, *ids: str) -> None:
        for action_id in ids:
            self.tap(action_id)

    def to_summary(self) -> None:
        self.walk("start", "theme_papiers", "procedure_carte-identite")
        while self.page.name == "step":
            ids = [a.id for a in self.page.actions]
            self.tap("doc_no" if "doc_no" in ids else ids[0])


@pytest.fixture
def harness() -> Iterator[Harness]:
    running = Harness()
    yield running
    running.speech.close()


def test_catalogue_never_shows_more_than_six_choices(harness: Harness) -> None:
    harness.tap("start")
    seen = set()
    for _ in range(3):
        assert len(harness.page.actions) <= 6
        assert harness.page.actions[-1].id == "not_found"
        seen |= {a.id for a in harness.page.actions if a.id.startswith("theme_")}
        harness.tap("more")
    assert len(seen) == 8


def test_not_found_calls_a_mediator(harness: Harness) -> None:
    harness.walk("start", "not_found")
    assert harness.page.name == "help"
    assert "Un conseiller va venir vous aider." in [line.text for line in harness.page.lines]
    (request,) = harness.help.sent
    assert request.reason == "not_found" and request.kiosk_id == "demo-borne-1"


def test_summary_marks_missing_documents_with_words_and_icon(harness: Harness) -> None:
    harness.to_summary()
    assert harness.page.name == "summary"
    missing = [line for line in harness.page.lines if line.mark is Mark.MISSING]
    assert missing and all(line.text.startswith("À trouver") and line.pictogram == "no" for line in missing)
    assert harness.page.qr_url and harness.page.qr_url.startswith("https://")


def test_language_change_keeps_the_place_and_answers(harness: Harness) -> None:
    harness.walk("start", "theme_papiers", "procedure_carte-identite", "continue")
    before = harness.kiosk.session.run
    step = before.step.id if before else None
    harness.kiosk.choose_language("en")
    assert harness.page.name == "step" and harness.kiosk.session.run is before
    assert before is not None and before.step.id == step
    assert harness.page.title == "Your situation" or harness.page.language == "en"
    harness.kiosk.choose_language("ar")
    assert harness.page.name == "step"


def test_french_fallback_is_announced(harness: Harness) -> None:
    harness.kiosk.choose_language("en")
    harness.tap("start")
    harness.kiosk.open_theme("logement")
    harness.tap(harness.page.actions[0].id)
    assert harness.page.note  # changement-adresse exists only in French


def test_speech_mode_speaks_each_new_screen_in_its_language(harness: Harness) -> None:
    harness.tap("listen_toggle")
    harness.tap("start")
    text, language = harness.spoken()[-1]
    assert "Votre démarche" in text and language == "fr"
    harness.kiosk.choose_language("en")
    assert harness.spoken()[-1][1] == "en"


def test_idle_warning_then_wipe(harness: Harness) -> None:
    harness.to_summary()
    harness.kiosk.bigger_text()
    harness.kiosk.session.identity["surname"] = "MARTIN"
    harness.time += harness.config.timeouts.idle_seconds
    harness.kiosk.tick()
    assert harness.page.name == "idle"
    assert "Êtes-vous encore là" in harness.spoken()[-1][0]
    harness.tap("still_here")
    assert harness.page.name == "summary"
    harness.time += harness.config.timeouts.idle_seconds
    harness.kiosk.tick()
    harness.time += harness.config.timeouts.warning_seconds
    harness.kiosk.tick()
    session = harness.kiosk.session
    assert harness.page.name == "home"
    assert session.run is None and session.identity == {} and session.text_scale == 1.0
    assert not session.active and harness.speech.history == [] and harness.speech.last is None


def test_paper_out_offers_the_qr_code_and_tells_a_mediator(harness: Harness) -> None:
    harness.printer.set_paper("out")
    harness.to_summary()
    harness.walk("receipt", "print")
    assert harness.page.qr_url
    assert any("plus de papier" in line.text and line.mark is Mark.ERROR for line in harness.page.lines)
    assert harness.help.sent[-1].reason == "printer_paper_out"


def test_a_printer_that_fails_never_breaks_the_journey() -> None:
    harness = Harness(printer=BrokenPrinter())
    harness.speech.close()
    harness.to_summary()
    harness.walk("receipt", "print")
    assert harness.page.name == "receipt" and harness.page.qr_url
    harness.walk("finish", "skip")
    assert harness.page.name == "home"


def test_printed_receipt_is_previewed_and_matches_the_summary(harness: Harness) -> None:
    harness.to_summary()
    missing = [line.text for line in harness.page.lines if line.mark is Mark.MISSING]
    harness.walk("receipt", "print")
    assert harness.printer.printed and harness.page.preview
    flat = " ".join(harness.page.preview.split())
    for text in missing:
        assert " ".join(text.split()) in flat


def test_feedback_ends_the_session_with_anonymous_statistics(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    harness.to_summary()
    harness.walk("finish")
    assert harness.page.name == "feedback"
    with caplog.at_level("INFO"):
        harness.tap("face_3")
    assert harness.page.name == "home"
    assert "completed=True" in caplog.text and "satisfaction=3" in caplog.text


def test_mediator_pin_lockout_and_menu(harness: Harness) -> None:
    harness.kiosk.open_mediator()
    assert harness.page.name == "mediator_pin"
    for _ in range(5):
        harness.walk("pin_1", "pin_1", "pin_1", "pin_1", "pin_ok")
    assert harness.page.name == "mediator_pin"
    assert any("Trop d'essais" in line.text for line in harness.page.lines)
    assert not harness.page.action("pin_ok").enabled
    harness.time += 300
    harness.kiosk.refresh()
    harness.walk("pin_2", "pin_4", "pin_6", "pin_8")
    assert harness.page.entry == "●●●●"
    assert all("2468" not in text for text, _ in harness.spoken())
    harness.tap("pin_ok")
    assert harness.page.name == "mediator"
    harness.tap("mediator_test_print")
    assert harness.printer.printed
    harness.tap("mediator_quit")
    assert harness.quit


def test_mediator_preview_of_a_procedure_returns_to_the_menu(harness: Harness) -> None:
    harness.kiosk.open_mediator()
    harness.walk("pin_2", "pin_4", "pin_6", "pin_8", "pin_ok", "mediator_preview")
    first = next(a.id for a in harness.page.actions if a.id.startswith("procedure_"))
    harness.tap(first)
    assert harness.page.name == "step"
    while harness.page.name == "step":
        ids = [a.id for a in harness.page.actions]
        harness.tap("doc_yes" if "doc_yes" in ids else ids[0])
    harness.tap("finish")
    assert harness.page.name == "mediator"
    assert harness.kiosk.session.statistics.procedure_id is None
