"""The journey in plain Python: navigation, flows, what is said, where the focus goes, the wipe."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from devices.printer import PrinterError, PrinterFault, ReceiptDocument
from devices.printer.simulated import SimulatedPrinter
from fleet.help import HelpReason
from kiosk.config import load_config
from kiosk.content import DEFAULT_CONTENT_DIR
from kiosk.journey.mediator import Device, DeviceState, DeviceStatus
from kiosk.journey.router import ScreenName
from kiosk.pages.registry import RENDERERS
from kiosk.viewmodels import Mark

from support.fake_card import ANNE_MARTIN
from support.harness import Harness


class BrokenPrinter(SimulatedPrinter):
    def print_receipt(self, document: ReceiptDocument) -> None:
        raise PrinterError(PrinterFault.OFFLINE, "connection refused")


def test_every_screen_has_a_flow_and_a_page(harness: Harness) -> None:
    assert set(RENDERERS) == set(ScreenName)
    assert set(harness.journey._views) == set(ScreenName)


def test_catalogue_never_shows_more_than_six_choices(harness: Harness) -> None:
    harness.tap("start")
    seen = set()
    for _ in range(3):
        assert len(harness.page.actions) <= 6
        assert harness.page.actions[-1].id == "not_found"
        seen |= {a.id for a in harness.page.actions if a.id.startswith("topic_")}
        harness.tap("more")
    assert len(seen) == 8


def test_not_found_calls_a_mediator(harness: Harness) -> None:
    harness.walk("start", "not_found")
    assert harness.screen == "help"
    assert "Un conseiller va venir vous aider." in [line.text for line in harness.page.lines]
    (request,) = harness.help.sent
    assert request.reason is HelpReason.NOT_FOUND and request.kiosk_id == "demo-borne-1"
    assert harness.session.statistics.help_requested


def test_summary_marks_missing_documents_with_words_and_icon(harness: Harness) -> None:
    harness.to_summary()
    missing = [line for line in harness.page.lines if line.mark is Mark.MISSING]
    assert missing and all(line.text.startswith("À trouver") and line.pictogram == "no" for line in missing)
    assert harness.page.qr_url and harness.page.qr_url.startswith("https://")


def test_a_summary_partly_in_french_says_so(harness: Harness) -> None:
    """The procedure is translated; the site's address and opening hours are not."""
    harness.session.language = "ar"
    harness.to_summary()
    assert harness.page.note == "جزء من هذا النص موجود بالفرنسية فقط."
    assert any(line.language == "fr" for line in harness.page.lines), "the address is read in French"
    harness.tap("lang_fr")
    assert harness.page.note == ""


def test_a_language_change_on_a_step_keeps_the_place_and_answers(harness: Harness) -> None:
    harness.walk("start", "topic_papiers", "procedure_carte-identite", "continue")
    run = harness.session.run
    assert run is not None and run.step.id == "situation"
    answers = dict(run.answers)
    progress = harness.page.progress

    harness.tap("lang_en")

    assert harness.screen == "step" and harness.session.run is run and run.step.id == "situation"
    assert run.answers == answers
    assert harness.page.title == "Your situation" and harness.page.progress == "Step 2 of 11" != progress
    harness.tap("lang_ar")
    assert harness.screen == "step" and harness.page.title == "وضعك" and harness.page.rtl


def test_french_fallback_is_announced(tmp_path: Path) -> None:
    # A procedure that exists only in French, in a site's own content directory.
    directory = tmp_path / "procedures"
    directory.mkdir()
    text = (DEFAULT_CONTENT_DIR / "passeport.yaml").read_text(encoding="utf-8")
    french_only = "\n".join(line for line in text.splitlines() if not line.strip().startswith(("en:", "ar:")))
    (directory / "passeport.yaml").write_text(french_only, encoding="utf-8")
    config = load_config().model_copy(update={"content_directory": directory})
    harness = Harness(config=config)
    try:
        harness.walk("start", "lang_en", "topic_papiers", "procedure_passeport")
        assert harness.page.note == "This text is only in French."
        assert "This text is only in French." in [piece.text for piece in harness.page.spoken]
        assert harness.page.lines[0].language == "fr", "the French text is said by the French voice"
    finally:
        harness.close()


def test_speech_mode_speaks_each_new_screen_in_its_language(harness: Harness) -> None:
    harness.tap("listen_toggle")
    harness.tap("start")
    text, language = harness.spoken()[-1]
    assert text.startswith("Votre démarche. Choisissez un sujet.") and language == "fr"
    harness.tap("lang_en")
    assert harness.spoken()[-1] == (harness.page.spoken_text, "en")
    assert harness.page.spoken_text.startswith("Your paperwork. Choose a topic. 6 choices: ID papers.")


def test_without_speech_mode_a_new_screen_says_nothing(harness: Harness) -> None:
    harness.walk("start", "topic_papiers")
    assert harness.spoken() == []


def test_a_step_says_its_spoken_text_and_shows_its_written_one(harness: Harness) -> None:
    harness.walk("listen_toggle", "start", "topic_papiers", "procedure_carte-identite", "continue")
    harness.tap("choice_perte")
    step = harness.session.run.step
    assert step.id == "timbre" and step.spoken is not None
    line = harness.page.lines[0]
    assert line.text == step.text["fr"] and line.spoken == step.spoken["fr"]
    assert step.spoken["fr"] in harness.spoken()[-1][0] and step.text["fr"] not in harness.spoken()[-1][0]


def test_the_idle_warning_counts_down_in_words_that_agree_with_the_number(harness: Harness) -> None:
    harness.tap("start")
    harness.advance(harness.config.timeouts.idle_seconds)
    assert harness.screen == "idle"
    assert harness.page.lines[0].text == "Sans réponse, tout sera effacé dans 30 secondes."
    harness.advance(harness.config.timeouts.warning_seconds - 1)
    assert harness.page.lines[0].text == "Sans réponse, tout sera effacé dans 1 seconde."
    harness.tap("lang_en")
    assert harness.page.lines[0].text == "If you do not answer, everything will be erased in 1 second."


def test_the_countdown_redraws_only_when_the_seconds_change(harness: Harness) -> None:
    harness.tap("start")
    harness.advance(harness.config.timeouts.idle_seconds)
    drawn = len(harness.presented)
    harness.advance(0.1)
    harness.advance(0.1)
    assert len(harness.presented) == drawn
    harness.advance(1)
    assert len(harness.presented) == drawn + 1
    assert harness.presented[-1].focus is None, "a countdown never moves the keypad focus"


def test_idle_warning_then_wipe(harness: Harness, kept: Callable[..., list[str]]) -> None:
    harness.tap("listen_toggle")
    harness.to_summary()
    harness.tap("bar_bigger")
    harness.session.identity_document = replace(ANNE_MARTIN, surname="DURAND")
    summary_said = harness.spoken()[-1][0]
    harness.advance(harness.config.timeouts.idle_seconds)
    assert harness.screen == "idle"
    assert "Êtes-vous encore là" in harness.spoken()[-1][0]
    harness.tap("still_here")
    assert harness.screen == "summary"
    harness.advance(harness.config.timeouts.idle_seconds)
    harness.advance(harness.config.timeouts.warning_seconds)

    session = harness.session
    assert harness.screen == "home"
    assert session.run is None and session.identity_document is None and session.text_scale == 1.0
    assert not session.active and not session.speech_mode
    assert harness.speech.history == [] and harness.speech.last is None
    # Nothing the citizen heard is kept anywhere in the speech layer, nor in the journey.
    assert harness.speech.wait_idle(2), "the engine never forgot the session"
    assert kept(harness.speech, summary_said, "DURAND") == []
    assert kept(harness.journey, summary_said, "DURAND", "Récapitulatif") == []


def test_a_kiosk_left_as_a_visitor_set_it_goes_back_to_the_welcome_screen(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    # Outside a session: Arabic, speech, big text and the help screen, then the visitor leaves.
    harness.walk("listen_toggle", "bar_bigger", "lang_ar", "bar_help")
    assert harness.screen == "help" and not harness.session.active and not harness.session.untouched
    said = len(harness.spoken())
    wait = harness.config.timeouts.idle_seconds + harness.config.timeouts.warning_seconds
    harness.advance(wait - 1)
    assert harness.screen == "help", "someone may still be reading"
    with caplog.at_level("INFO"):
        harness.advance(1)
    assert harness.screen == "home" and harness.session.untouched
    assert harness.session.language == "fr" and harness.session.text_scale == 1.0
    assert harness.speech.wait_idle(2) and len(harness.spoken()) == said, "nobody is there to hear it"
    assert "back to the welcome screen (unattended)" in caplog.text


def test_a_touch_outside_a_session_postpones_the_return_to_welcome(harness: Harness) -> None:
    harness.tap("bar_bigger")
    wait = harness.config.timeouts.idle_seconds + harness.config.timeouts.warning_seconds
    harness.advance(wait - 10)
    harness.tap("bar_help")
    harness.advance(wait - 1)
    assert harness.screen == "help" and harness.session.text_scale == 1.5
    harness.advance(1)
    assert harness.screen == "home" and harness.session.untouched


def test_an_untouched_welcome_screen_is_left_alone(harness: Harness) -> None:
    drawn = len(harness.presented)
    harness.advance(3600)
    assert len(harness.presented) == drawn, "nothing to wipe: the screen is not drawn again"


def test_the_maintenance_screen_is_home_and_left_alone(harness: Harness) -> None:
    assert harness.journey.fleet.enter_maintenance()
    drawn = len(harness.presented)
    harness.advance(3600)
    assert harness.screen == "maintenance" and len(harness.presented) == drawn


def test_the_mediators_menu_left_open_outside_a_session_closes(harness: Harness) -> None:
    harness.journey.activity()
    harness.journey.mediator.open()
    harness.enter_pin()
    assert harness.screen == "mediator"
    harness.advance(harness.config.timeouts.idle_seconds + harness.config.timeouts.warning_seconds)
    assert harness.screen == "home", "the mediator's menu must not stay open to the public"
    assert not harness.journey.mediator.active


def test_a_voice_that_failed_outside_a_session_is_back_once_the_kiosk_is_left(harness: Harness) -> None:
    harness.engine.fail_with = RuntimeError("the synthesiser crashed")
    harness.tap("listen_toggle")
    assert harness.speech.wait_idle(2) and not harness.speech.available
    harness.engine.fail_with = None  # a passing fault
    harness.advance(harness.config.timeouts.idle_seconds + harness.config.timeouts.warning_seconds)
    assert harness.speech.available, "the next visitor, blind perhaps, must hear the kiosk"


@pytest.mark.parametrize("answer", ["bar_back", "bar_help", "bar_home"])
def test_any_answer_to_the_idle_warning_keeps_the_citizen(harness: Harness, answer: str) -> None:
    harness.walk("start", "topic_papiers", "procedure_passeport")
    harness.advance(harness.config.timeouts.idle_seconds)
    assert harness.screen == "idle"
    harness.tap(answer)
    assert harness.screen != "idle"
    harness.advance(harness.config.timeouts.warning_seconds)
    assert harness.session.active, "the warning was answered: the session must go on"


def test_back_from_the_help_screen_returns_where_the_citizen_was(harness: Harness) -> None:
    harness.walk("start", "topic_papiers", "procedure_passeport")
    harness.tap("bar_help")
    assert harness.screen == "help" and harness.help.sent[-1].screen == "step"
    assert harness.help.sent[-1].procedure_id == "passeport"
    harness.tap("help_close")
    assert harness.screen == "step"


def test_paper_out_offers_the_qr_code_and_tells_a_mediator(harness: Harness) -> None:
    harness.printer.set_paper("out")
    harness.to_summary()
    harness.walk("receipt", "print")
    assert harness.page.qr_url
    assert any("plus de papier" in line.text and line.mark is Mark.ERROR for line in harness.page.lines)
    assert harness.help.sent[-1].reason is HelpReason.PRINTER_PAPER_OUT
    assert not harness.session.statistics.help_requested, "the citizen did not ask: the kiosk did"


def test_a_printer_that_fails_never_breaks_the_journey() -> None:
    harness = Harness(printer=BrokenPrinter())
    try:
        harness.to_summary()
        harness.walk("receipt", "print")
        assert harness.screen == "receipt" and harness.page.qr_url
        assert harness.page.lines[0].text.startswith("L'imprimante ne marche pas.")
        harness.walk("finish", "skip")
        assert harness.screen == "home"
    finally:
        harness.close()


def test_printed_receipt_is_previewed_and_matches_the_summary(harness: Harness) -> None:
    harness.to_summary()
    missing = [line.text for line in harness.page.lines if line.mark is Mark.MISSING]
    harness.walk("receipt", "print")
    assert harness.printer.printed and harness.page.preview
    flat = " ".join(harness.page.preview.split())
    for text in missing:
        assert " ".join(text.split()) in flat


def test_a_receipt_printed_after_the_session_ended_is_not_shown_to_the_next_citizen() -> None:
    finished: list[Callable[[], None]] = []

    def later(job: Callable[[], object], done: Callable[[object], None]) -> None:
        finished.append(lambda: done(job()))

    harness = Harness()
    try:
        harness.journey.printing._context.background = later
        harness.to_summary()
        harness.walk("receipt", "print")
        assert harness.page.lines[0].text == "Impression en cours…"
        harness.journey.end_session()
        finished.pop()()
        harness.walk("start", "topic_papiers")
        assert harness.journey.printing.last_receipt is None
    finally:
        harness.close()


def test_feedback_ends_the_session_with_anonymous_statistics(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    harness.to_summary()
    harness.walk("finish")
    assert harness.screen == "feedback"
    with caplog.at_level("INFO"):
        harness.tap("face_3")
    assert harness.screen == "home"
    assert "procedure=carte-identite completed=True" in caplog.text and "satisfaction=3" in caplog.text


def test_mediator_pin_lockout_and_menu(harness: Harness) -> None:
    harness.journey.mediator.open()
    assert harness.screen == "mediator_pin"
    for _ in range(5):
        harness.enter_pin("1111")
    assert harness.screen == "mediator_pin"
    assert harness.page.lines[0].text == "Trop d'essais. Réessayez dans 5 min 0 s."
    assert not harness.page.action("pin_ok").enabled
    harness.advance(61)
    assert harness.page.lines[0].text == "Trop d'essais. Réessayez dans 3 min 59 s."
    # Left untouched, the pad closes (as any screen outside a session); the lockout outlives it.
    harness.advance(60)
    assert harness.screen == "home"
    harness.journey.activity()  # the long press on the corner
    harness.journey.mediator.open()
    assert harness.page.lines[0].text == "Trop d'essais. Réessayez dans 2 min 59 s."
    harness.advance(100)
    harness.journey.activity()  # a touch: the mediator waits in front of the pad
    harness.advance(80)
    assert harness.screen == "mediator_pin"
    harness.walk("pin_2", "pin_4", "pin_6", "pin_8")
    assert harness.page.entry == "●●●●"
    assert all("2468" not in text for text, _ in harness.spoken())
    harness.tap("pin_ok")
    assert harness.screen == "mediator"
    harness.tap("mediator_test_print")
    assert harness.printer.printed and harness.page.lines[0].text == "Le ticket de test est imprimé."
    harness.tap("mediator_quit")
    assert harness.quit


def test_mediator_status_lists_devices_and_procedures(harness: Harness) -> None:
    harness.journey.mediator.open()
    harness.enter_pin()
    harness.tap("mediator_status")
    texts = [line.text for line in harness.page.lines]
    assert texts[:2] == ["Imprimante : marche. (simulée)", "10 démarches chargées"]
    catalogue = harness.content.catalogue
    oldest = catalogue.oldest_check.strftime("%d/%m/%Y")
    assert texts[2] == f"Version des démarches : {catalogue.version}. Vérifiées au plus tôt le {oldest}."
    harness.tap("mediator_back")
    harness.tap("mediator_reload")
    assert harness.page.lines[0].text == "Les démarches sont rechargées."


def test_mediator_status_words_each_fault_with_what_to_do(harness: Harness) -> None:
    harness.device_statuses = [
        DeviceStatus(Device.PRINTER, DeviceState.FAULT, "tcp://10.0.0.5:9100", "paper_out"),
        DeviceStatus(Device.CARD_READER, DeviceState.FAULT, "pcsc", "flux_capacitor"),
        DeviceStatus(Device.SPEECH, DeviceState.WORKING),
        DeviceStatus(Device.SCREEN, DeviceState.WORKING, "llvmpipe (LLVM 15)", "drawn_in_software"),
        DeviceStatus(Device.FLEET, DeviceState.FAULT, "mqtts://fleet", "not_connected", queued=1),
    ]
    harness.journey.mediator.open()
    harness.enter_pin()
    harness.tap("mediator_status")
    lines = harness.page.lines[:5]
    assert [line.text for line in lines] == [
        "Imprimante : ne marche pas. Il n'y a plus de papier. Mettez un rouleau. (tcp://10.0.0.5:9100)",
        "Lecteur de carte : ne marche pas. Code de l'appareil : flux_capacitor. (pcsc)",
        "Voix : marche.",
        "Écran : marche. L'écran est lent. Il manque le logiciel de la carte graphique. "
        "Appelez le service informatique. (llvmpipe (LLVM 15))",
        "Supervision : ne marche pas. La borne n'est pas reliée à la supervision. Vérifiez le réseau. "
        "1 message attend d'être envoyé. (mqtts://fleet)",
    ]
    assert [line.mark for line in lines] == [Mark.ERROR, Mark.ERROR, Mark.NONE, Mark.NONE, Mark.ERROR]
    harness.session.language = "en"
    harness.tap("mediator_back")
    harness.tap("mediator_status")
    assert harness.page.lines[0].text == (
        "Printer: not working. The paper has run out. Put in a new roll. (tcp://10.0.0.5:9100)"
    )


def test_mediator_preview_of_a_procedure_returns_to_the_menu(harness: Harness) -> None:
    harness.journey.mediator.open()
    harness.enter_pin()
    harness.tap("mediator_preview")
    first = next(a.id for a in harness.page.actions if a.id.startswith("procedure_"))
    harness.tap(first)
    assert harness.screen == "step"
    while harness.screen == "step":
        ids = harness.ids()
        harness.tap("doc_yes" if "doc_yes" in ids else ids[0])
    harness.tap("finish")
    assert harness.screen == "mediator"
    assert harness.session.statistics.procedure_id is None and harness.session.run is None
    harness.tap("mediator_close")
    assert harness.screen == "home"


# -- the keypad focus ---------------------------------------------------------------------------


def test_a_new_screen_puts_the_focus_on_its_main_action(harness: Harness) -> None:
    assert harness.journey.presentation.focus == "start"
    harness.walk("start", "topic_papiers", "procedure_carte-identite")
    assert harness.journey.presentation.focus == "continue"
    harness.tap("continue")
    assert harness.journey.presentation.focus == harness.ids()[0]


@pytest.mark.parametrize("control", ["speech_pause", "speech_repeat", "speech_slower", "lang_en"])
def test_the_focus_stays_on_a_control_that_keeps_the_screen(harness: Harness, control: str) -> None:
    harness.walk("listen_toggle", "start", "topic_papiers")
    before = len(harness.presented)
    harness.tap(control)
    assert harness.screen == "catalogue"
    # Either the screen was not drawn again (the focus stays where it was), or it was, with
    # the focus on the control just used.
    assert all(shown.focus in (control, None) for shown in harness.presented[before:])
    if control in ("speech_pause", "lang_en"):
        assert harness.presented[before:], f"{control} changes what the screen shows"
        assert harness.presented[before].focus == control


def test_a_keypad_user_hears_where_the_focus_starts(harness: Harness) -> None:
    harness.journey.keypad_used("help")
    harness.journey.keypad_help()  # speech on
    harness.tap("start")
    said = harness.spoken()[-1][0]
    assert said.startswith("Votre démarche.") and said.endswith("Vous êtes sur : Papiers d'identité.")


# -- touch to hear ----------------------------------------------------------------------------


def test_touch_to_hear_says_a_button_first_then_uses_it(harness: Harness) -> None:
    harness.walk("settings", "touch_to_hear")
    assert harness.session.touch_to_hear and harness.session.speech_mode
    harness.tap("touch_to_hear")  # the first touch on another control only says it
    assert harness.session.touch_to_hear
    assert harness.spoken()[-1][0] == "Toucher pour entendre : oui"
    harness.tap("settings_done")
    assert harness.screen == "settings"
    assert harness.spoken()[-1][0] == "C'est bon"
    harness.tap("settings_done")
    assert harness.screen == "home"
    harness.journey.end_session()
    assert not harness.session.touch_to_hear


def test_every_button_of_every_page_sends_a_command_the_journey_handles(harness: Harness) -> None:
    from support.walks import every_page

    for where, page in every_page(harness):
        for action in (*page.actions, *page.secondary, *page.tools):
            assert action.command in harness.journey._handlers, f"{where}: {action.id}"
    for action in harness.journey.presentation.bar:
        assert action.command in harness.journey._handlers, action.id


# -- the identity card ------------------------------------------------------------------------


def to_card_step(harness: Harness) -> None:
    harness.walk("start", "topic_papiers", "procedure_carte-identite", "continue", "choice_renouvellement")
    for _ in range(20):
        if harness.session.run.step.kind == "identity_card":
            return
        harness.tap("doc_yes" if "doc_yes" in harness.ids() else harness.ids()[0])
    raise AssertionError("no card step on the renewal path")


def type_can(harness: Harness, can: str) -> None:
    harness.walk(*(f"can_{digit}" for digit in can), "can_ok")


def test_a_card_read_with_consent_then_on_with_the_procedure(harness: Harness) -> None:
    to_card_step(harness)
    step = harness.session.run.step.id
    assert harness.ids()[:2] == ["read_card", "no_card"]
    harness.tap("read_card")
    assert harness.screen == "identity_consent"
    assert any("ne garde rien" in line.text for line in harness.page.lines)
    harness.tap("card_consent")
    assert harness.screen == "identity_can" and not harness.page.action("can_ok").enabled
    type_can(harness, "123456")
    assert harness.screen == "identity_result"
    texts = [line.text for line in harness.page.lines]
    assert "Anne Marie Martin" in texts and "Votre carte est valable jusqu'au 01/03/2031." in texts
    harness.tap("card_confirm")
    assert harness.screen == "step" and harness.session.run.step.id != step, "on to the next step"
    assert harness.session.identity_document is ANNE_MARTIN
    harness.journey.end_session()
    assert harness.session.identity_document is None


def test_the_can_is_never_said_and_the_read_data_only_in_private(harness: Harness) -> None:
    harness.tap("listen_toggle")
    to_card_step(harness)
    harness.walk("read_card", "card_consent")
    type_can(harness, "123456")
    said = " ".join(text for text, _ in harness.spoken())
    assert "123456" not in said and "1 2 3 4 5 6" not in said
    assert "Martin" not in said and "03/05/1980" not in said
    harness.tap("card_speak")
    assert "Anne Marie Martin" in harness.spoken()[-1][0]
    harness.journey.end_session()
    assert not harness.session.identity_speech_agreed


def test_a_wrong_can_says_the_tries_left_and_lets_the_citizen_type_it_again(harness: Harness) -> None:
    to_card_step(harness)
    harness.walk("read_card", "card_consent")
    type_can(harness, "999999")
    assert harness.screen == "identity_failed"
    texts = [line.text for line in harness.page.lines]
    assert texts == ["Le code n'est pas le bon.", "Attention : encore 2 essais, puis la carte se bloque."]
    harness.tap("card_retype")
    assert harness.screen == "identity_can" and harness.page.entry == ""
    type_can(harness, "123456")
    assert harness.screen == "identity_result"


@pytest.mark.parametrize(
    ("fault", "message", "way_on"),
    [
        ("no_card", "La borne ne voit pas de carte sur le lecteur.", "card_retry"),
        (
            "card_removed",
            "La carte a bougé pendant la lecture. Posez-la encore et ne la bougez pas.",
            "card_retry",
        ),
        ("unknown_document", "La borne ne connaît pas ce document.", "card_by_hand"),
        ("tampered", "La borne ne peut pas vérifier cette carte.", "card_by_hand"),
        ("reader_missing", "Le lecteur de carte ne marche pas. Un conseiller est prévenu.", "card_by_hand"),
    ],
)
def test_each_failure_has_its_message_and_a_way_on(
    harness: Harness, fault: str, message: str, way_on: str
) -> None:
    from devices.idcard import CardFault

    harness.card_reader.fault = CardFault(fault)
    to_card_step(harness)
    step = harness.session.run.step.id
    harness.walk("read_card", "card_consent")
    type_can(harness, "123456")
    assert harness.screen == "identity_failed" and harness.page.lines[0].text == message
    assert way_on in harness.ids() and "card_by_hand" in harness.ids()
    if fault == "reader_missing":
        assert harness.help.sent[-1].reason is HelpReason.CARD_READER_MISSING
    harness.tap("card_by_hand")
    assert harness.screen == "step" and harness.session.run.step.id != step


def test_without_a_reader_the_card_step_offers_no_read(harness: Harness) -> None:
    harness.card_reader.usable = False
    to_card_step(harness)
    assert "read_card" not in harness.ids() and "no_card" in harness.ids()


def test_an_expired_card_is_said_so(harness: Harness) -> None:
    import dataclasses
    import datetime as dt

    harness.card_reader.document = dataclasses.replace(ANNE_MARTIN, expiry_date=dt.date(2024, 3, 3))
    to_card_step(harness)
    harness.walk("read_card", "card_consent")
    type_can(harness, "123456")
    errors = [line for line in harness.page.lines if line.mark is Mark.ERROR]
    assert [line.text for line in errors] == ["Votre carte a expiré le 03/03/2024."]


# -- the printer -------------------------------------------------------------------------------


class PrinterThatStopsMidway(SimulatedPrinter):
    def print_receipt(self, document: ReceiptDocument) -> None:
        raise PrinterError(PrinterFault.PAPER_OUT, "ran out", during=True)


def test_a_fault_while_printing_says_the_paper_may_be_incomplete_and_offers_to_print_again() -> None:
    harness = Harness(printer=PrinterThatStopsMidway())
    try:
        harness.to_summary()
        harness.walk("receipt", "print")
        stopped = "L'impression s'est arrêtée. Votre papier est peut-être incomplet."
        assert harness.page.lines[0].text == stopped
        assert harness.page.action("print").text == "Imprimer encore" and harness.page.qr_url
        assert harness.help.sent[-1].reason is HelpReason.PRINTER_PAPER_OUT
    finally:
        harness.close()


def test_a_printer_known_to_be_out_shows_the_qr_code_before_anyone_asks(harness: Harness) -> None:
    harness.health.poll_now()
    harness.to_summary()
    harness.tap("receipt")
    assert harness.page.action("print").enabled
    harness.printer.set_paper("out")
    harness.health.poll_now()  # the monitor's next poll: the receipt screen follows at once
    assert harness.page.lines[0].text == "L'imprimante ne marche pas pour le moment."
    assert harness.page.qr_url and not harness.page.action("print").enabled
    harness.printer.set_paper("ok")
    harness.health.poll_now()  # paper reloaded: printing is offered again, no restart
    assert harness.page.action("print").enabled


def test_the_printer_is_asked_again_after_each_receipt(harness: Harness) -> None:
    harness.health.poll_now()
    harness.to_summary()
    harness.tap("receipt")
    polls: list[str] = []
    harness.health.poll_soon = lambda: polls.append("soon")  # type: ignore[method-assign]
    harness.tap("print")
    assert polls == ["soon"]


@pytest.mark.parametrize(("language", "right_to_left"), [("en", False), ("ar", True)])
def test_a_receipt_is_in_french_and_in_the_citizens_language(
    harness: Harness, language: str, right_to_left: bool
) -> None:
    from kiosk.receipt import CHECKLIST_MAX_CHARACTERS, build_receipt

    harness.to_summary()
    document = build_receipt(harness.journey.procedure.summary_facts(), language)
    assert document.lines[0].text == "Carte d'identité"  # the French, for the office
    assert document.translation is not None and document.translation.language == language
    assert document.translation.right_to_left is right_to_left
    assert (document.translation.font is not None) is right_to_left
    assert document.translation.lines[0].text != "Carte d'identité"
    assert 0 < len(document.checklist) <= CHECKLIST_MAX_CHARACTERS
    french = build_receipt(harness.journey.procedure.summary_facts(), "fr")
    assert french.translation is None and "Carte d'identité" in french.checklist
