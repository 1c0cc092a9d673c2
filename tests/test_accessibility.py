"""Accessibility requirements that plain code can prove (rows of shared/accessibility.md)."""

from __future__ import annotations

import shutil

import pytest
from fontTools.ttLib import TTFont

from accessibility.bidi import for_display
from accessibility.fonts import ARABIC_FONT, READING_FONT, WIDE_FONT, characters, font_for
from accessibility.languages import LANGUAGE_NAMES
from accessibility.pictograms import ICON_FONT, PICTOGRAMS
from accessibility.speech import RecordingEngine, SpeechManager
from accessibility.themes import THEMES, contrast_ratio
from kiosk.i18n import translator, ui_messages
from kiosk.viewmodels import Line, Mark, speech_text, spoken_description

from support.harness import Harness


# Row 17: contrast of every theme.
@pytest.mark.parametrize("theme", sorted(THEMES))
def test_every_text_pair_is_at_least_7_to_1_and_controls_3_to_1(theme: str) -> None:
    palette = THEMES[theme]
    for name, (foreground, background) in palette.text_pairs().items():
        assert contrast_ratio(foreground, background) >= 7, f"{theme}: {name}"
    for name, (foreground, background) in palette.control_pairs().items():
        assert contrast_ratio(foreground, background) >= 3, f"{theme}: {name}"


def test_contrast_formula_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


# Row 4: every pictogram is drawn by the shipped icon font and has a spoken alternative.
def test_every_pictogram_has_a_glyph_and_an_alternative() -> None:
    glyphs = characters(ICON_FONT)
    for name, pictogram in PICTOGRAMS.items():
        assert ord(pictogram.glyph) in glyphs, name
        assert len(pictogram.alt.split()) >= 2, name


# Fonts: glyphs for every offered language, under an open licence.
@pytest.mark.parametrize("language", sorted(LANGUAGE_NAMES))
def test_every_language_is_drawn_by_a_shipped_font(language: str) -> None:
    tr = translator(language)
    texts = [LANGUAGE_NAMES[language], *(tr(message) for message in ui_messages())]
    for text in texts:
        font = font_for(text, READING_FONT)
        if language == "ar" and any("\u0600" <= c <= "\u06ff" for c in text):
            assert font == ARABIC_FONT
        assert set(map(ord, text.replace(" ", ""))) <= characters(font) | {0x2009, 0x202F}, text


def test_french_is_drawn_in_the_hyperlegible_font() -> None:
    for message in ui_messages():
        assert font_for(message, READING_FONT) == READING_FONT, message
    assert font_for("Українська", READING_FONT) == WIDE_FONT


# Row 14: capital letters at least 4.8 mm, and 6.1 mm in large text mode.
@pytest.mark.parametrize(
    ("size", "pixels_per_mm"),
    [((1080, 1920), 4.03), ((1920, 1080), 4.03), ((1280, 800), 3.7)],
    ids=["totem-21.5in", "landscape-21.5in", "landscape-15.6in"],
)
def test_capital_letters_are_tall_enough(size: tuple[int, int], pixels_per_mm: float) -> None:
    from screens.style import Style

    with TTFont(READING_FONT, lazy=True) as font:
        cap_ratio = font["OS/2"].sCapHeight / font["head"].unitsPerEm
    style = Style()
    for scale, minimum in ((1.0, 4.8), (1.5, 6.1), (2.0, 6.1)):
        style.fit(*size, scale)
        assert style.body * cap_ratio / pixels_per_mm >= minimum, (scale, style.body)


# Rows 6 and 1: personal lines are spoken only in private listening.
def test_personal_lines_are_left_out_of_speech_unless_private() -> None:
    lines = [Line("Votre nom :"), Line("MARTIN", private=True)]
    assert "MARTIN" not in speech_text(spoken_description("Carte lue", lines, [], "Vos choix :"))
    assert "MARTIN" in speech_text(
        spoken_description("Carte lue", lines, [], "Vos choix :", private_listening=True)
    )


def test_headset_makes_listening_private_and_turns_speech_on(harness: Harness) -> None:
    speech = harness.journey.speech_controls
    assert not speech.private_listening and not harness.session.speech_mode
    harness.journey.headset(True)
    assert speech.private_listening and harness.session.speech_mode
    assert harness.spoken()[-1][0].startswith("Bonjour")
    harness.journey.headset(False)
    assert not speech.private_listening


# Row 5: the keypad's help key on the welcome screen turns speech on; twice, it calls a mediator.
def test_help_key_on_home_turns_speech_on_then_calls_help(harness: Harness) -> None:
    harness.journey.key("help")
    assert harness.session.speech_mode and harness.screen == "home"
    screen, hint = harness.spoken()[-2:]
    assert screen[0].startswith("Bonjour")
    assert hint[0] == "Pour appeler un conseiller, appuyez deux fois sur la touche Aide."
    harness.journey.key("help")  # within 2 s
    assert harness.screen == "help" and harness.help.sent


# Row 5: a help key pressed once, later, says the screen again and never calls by itself.
def test_the_help_key_once_says_the_screen_again(harness: Harness) -> None:
    harness.walk("listen_toggle", "start")
    harness.advance(5)
    harness.journey.key("help")
    screen, _hint = harness.spoken()[-2:]
    assert screen[0] == harness.page.spoken_text and harness.screen == "catalogue"
    harness.advance(3)
    harness.journey.key("help")
    assert harness.screen == "catalogue" and not harness.help.sent, "two presses 3 s apart are not a call"


# Row 5: help, another key or a touch, help: however fast, that is not "twice in a row".
@pytest.mark.parametrize("between", ["down", "enter", "touch"])
def test_help_then_something_else_then_help_is_not_a_call(harness: Harness, between: str) -> None:
    harness.journey.keypad_used("help")
    harness.journey.key("help")
    if between == "touch":
        harness.journey.touched_screen()
    else:
        harness.journey.keypad_used(between)
    harness.journey.keypad_used("help")
    harness.journey.key("help")  # within 2 s of the first
    assert harness.screen == "home" and not harness.help.sent
    screen, _hint = harness.spoken()[-2:]
    assert screen[0].startswith("Bonjour"), "the second press says the screen again"
    harness.journey.keypad_used("help")
    harness.journey.key("help")
    assert harness.screen == "help" and harness.help.sent, "two presses in a row still call"


# Row 7: masked entry is never echoed.
def test_pin_digits_are_never_spoken(harness: Harness) -> None:
    harness.tap("listen_toggle")
    harness.journey.mediator.open()
    before = len(harness.spoken())
    harness.walk("pin_9", "pin_1", "pin_7", "pin_3")
    said = [text for text, _ in harness.spoken()]
    # Each new digit interrupts the last "Chiffre saisi"; whatever is said is only that.
    assert said[before:] and set(said[before:]) == {"Chiffre saisi"}
    assert not any("9173" in text or "9 1 7 3" in text for text in said)
    assert "9173" not in harness.page.spoken_text


# Row 8: volume in steps, back to the default at the end of the session.
def test_volume_steps_and_reset(harness: Harness) -> None:
    default = harness.speech.volume
    harness.journey.key("volume_up")
    assert harness.speech.volume == pytest.approx(default + 0.1)
    assert harness.spoken()[-1][0] == "Plus fort."
    harness.journey.key("volume_down")
    harness.journey.key("volume_down")
    assert harness.speech.volume == pytest.approx(default - 0.1)
    harness.walk("listen_toggle", "speech_slower")
    assert harness.speech.rate == pytest.approx(0.9)
    harness.journey.end_session()
    assert harness.speech.volume == pytest.approx(default) and harness.speech.rate == pytest.approx(1.0)


# Row 9: the speech language is the screen language, with a voice of that language.
@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_voice_matches_the_screen_language(harness: Harness) -> None:
    from accessibility.speech import Pyttsx3Engine

    engine = Pyttsx3Engine()
    try:
        assert engine.voice_for("fr") == "roa/fr"
        assert engine.voice_for("ar") == "sem/ar"
        assert (engine.voice_for("en") or "").startswith("gmw/en")
    finally:
        engine.close()
    harness.tap("listen_toggle")
    for language in ("en", "ar", "fr"):
        harness.tap(f"lang_{language}")
        assert harness.spoken()[-1][1] == language


# Row 10: errors are named and explained by voice, even with speech mode off.
def test_a_wrong_pin_is_explained_aloud(harness: Harness) -> None:
    harness.journey.mediator.open()
    harness.enter_pin("1111")
    text, _ = harness.spoken()[-1]
    assert text == "Le code est faux. Tapez le code encore une fois. Il reste 4 essais."


# Row 11: everything printed on the receipt can be heard.
def test_every_receipt_line_is_in_the_spoken_receipt(harness: Harness) -> None:
    harness.to_summary()
    harness.walk("receipt", "print")
    document = harness.journey.printing.last_receipt
    assert document is not None
    spoken = harness.page.spoken_text
    for line in document.lines:
        assert line.text.rstrip(". ") in spoken, line.text
    assert document.qr_caption in spoken


# Row 12: every sound has a visual equivalent (the idle warning is said and shown).
def test_spoken_warning_is_the_displayed_warning(harness: Harness) -> None:
    harness.to_summary()
    harness.advance(harness.config.timeouts.idle_seconds)
    said = harness.spoken()[-1][0]
    for line in harness.page.lines:
        assert line.text.rstrip(".") in said


# Row 18: marks are never colour alone.
def test_summary_marks_carry_icons_and_words(harness: Harness) -> None:
    harness.to_summary()
    marked = [line for line in harness.page.lines if line.mark in (Mark.OK, Mark.MISSING)]
    assert marked
    for line in marked:
        assert line.pictogram in ("yes", "no")
        assert line.text.startswith(("À trouver", "Vous l'avez"))


# Row 23: the receipt is reached only through the summary.
def test_printing_is_only_offered_after_the_summary(harness: Harness) -> None:
    harness.walk("start", "topic_papiers", "procedure_carte-identite")
    while harness.page.name == "step":
        assert all(action.id not in ("print", "receipt") for action in harness.page.actions)
        ids = [action.id for action in harness.page.actions]
        harness.tap("doc_yes" if "doc_yes" in ids else ids[0])
    assert harness.page.name == "summary"


# Row 24: every identification step has a way without the card.
def test_every_card_step_offers_a_way_without_the_card(harness: Harness) -> None:
    found = 0
    for procedure in harness.content.catalogue.procedures.values():
        if not any(step.kind == "identity_card" for step in procedure.steps):
            continue
        harness.journey.procedure.open_procedure(procedure.id)
        for _ in range(50):
            run = harness.session.run
            if harness.screen != "step" or run.step.kind == "identity_card":
                break
            ids = harness.ids()
            harness.tap(next((i for i in ids if i in ("choice_renouvellement", "doc_yes")), ids[0]))
        if harness.screen == "step":
            found += 1
            assert "no_card" in harness.ids(), procedure.id
    assert found


# Row 26: no transition unless asked; a transition is one slow fade.
def test_motion_is_off_by_default_and_a_citizen_setting(harness: Harness) -> None:
    assert harness.session.reduce_motion and not harness.journey.presentation.animate
    harness.walk("settings", "motion")
    assert not harness.session.reduce_motion and harness.journey.presentation.animate
    harness.journey.end_session()
    assert harness.session.reduce_motion


def test_speech_failure_is_shown_and_reported(harness: Harness) -> None:
    harness.journey.speech_unavailable()
    assert "La voix ne marche pas" in harness.page.note
    assert harness.help.sent[-1].reason.value == "speech_unavailable"


def test_speech_comes_back_for_the_next_citizen(harness: Harness) -> None:
    harness.tap("listen_toggle")
    harness.engine.fail_with = OSError("the sound card is busy")
    harness.tap("start")
    harness.speech.wait_idle(2.0)
    harness.journey.speech_unavailable()  # as the app hands the manager's report to the UI
    assert "La voix ne marche pas" in harness.page.note
    harness.engine.fail_with = None

    harness.journey.end_session()
    assert harness.speech.available
    assert "La voix ne marche pas" not in harness.page.note
    harness.tap("listen_toggle")
    assert harness.spoken(), "the next citizen hears the kiosk"


def fail_the_voice(harness: Harness) -> None:
    """The engine breaks as the kiosk speaks; the manager's report reaches the journey."""
    harness.engine.fail_with = OSError("the sound card is busy")
    harness.speech.speak("Au revoir.")
    harness.speech.wait_idle(2.0)
    assert not harness.speech.available
    harness.journey.speech_unavailable()  # as the app hands the manager's report to the UI


def test_asking_for_speech_gives_a_failed_voice_another_try(harness: Harness) -> None:
    """The voice failed after the last session ended: the next citizen, blind, presses the help
    key on the welcome screen and hears it, without waiting for a session to end."""
    fail_the_voice(harness)
    harness.engine.fail_with = None  # the fault passed
    assert not harness.session.active
    harness.journey.key("help")
    assert harness.speech.available
    assert "La voix ne marche pas" not in harness.page.note
    assert harness.spoken()[-1][0] == "Pour appeler un conseiller, appuyez deux fois sur la touche Aide."


def test_a_voice_that_fails_again_is_reported_to_mediators_once_a_session(harness: Harness) -> None:
    harness.tap("start")
    fail_the_voice(harness)
    harness.tap("bar_listen")  # another try: it fails again
    harness.speech.wait_idle(2.0)
    assert not harness.speech.available
    harness.journey.speech_unavailable()
    assert "La voix ne marche pas" in harness.page.note
    assert [help.reason.value for help in harness.help.sent] == ["speech_unavailable"]


def test_speech_controls_appear_with_speech_mode(harness: Harness) -> None:
    assert harness.page.tools == []
    harness.tap("listen_toggle")
    ids = [action.id for action in harness.page.tools]
    assert ids == [
        "speech_repeat",
        "speech_pause",
        "speech_slower",
        "speech_faster",
        "speech_quieter",
        "speech_louder",
    ]
    harness.tap("speech_pause")
    assert harness.speech.paused and harness.page.action("speech_pause").text == "Reprendre"
    harness.tap("speech_pause")
    assert not harness.speech.paused


def test_recording_engine_is_the_real_queue() -> None:
    manager = SpeechManager(RecordingEngine())
    try:
        manager.speak("Bonjour", language="fr")
        assert manager.wait_idle(2)
        assert manager.history == ["Bonjour"]
    finally:
        manager.close()


def test_an_alef_then_a_lam_are_kept_apart_once_reversed_for_drawing() -> None:
    """In visual order they stand as a lam then an alef, which the screen's shaper would merge
    into the lam-alef ligature (tests/gui: test_arabic_letters_are_drawn_as_reshaped_...)."""
    drawn = for_display("الحالة")
    assert drawn == "\ufe94\ufedf\u200c\ufe8e\ufea4\ufedf\u200c\ufe8d"
    assert for_display("السلام") == "\ufee1\ufefc\ufeb4\ufedf\u200c\ufe8d", "a real lam-alef is one letter"
    assert for_display("Mairie") == "Mairie"
