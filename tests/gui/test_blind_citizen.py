"""A blind citizen on the real app: speech on with the help key, then the keypad only (issue 7)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from accessibility.speech import RecordingEngine
from kiosk.i18n import translator
from kiosk.testing import KioskPilot
from kiosk.testing.keypad import carte_identite_by_keys, key_to

pytestmark = pytest.mark.gui

PORTRAIT = (1080, 1920)
#: Presentation forms: the shapes drawn on screen, never what the voice must be given.
PRESENTATION_FORMS = range(0xFB50, 0xFEFF)


@pytest.fixture
def pilot(display: str) -> Iterator[KioskPilot]:
    with KioskPilot(size=PORTRAIT) as running:
        yield running


def said(pilot: KioskPilot) -> list[str]:
    """The texts the engine was given since the last end of session, oldest first."""
    return pilot.spoken


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_the_whole_carte_identite_journey_by_keys(display: str, language: str) -> None:
    engine = RecordingEngine()
    heard: list[tuple[str, str]] = []
    with KioskPilot(size=PORTRAIT, speech_engine=engine) as pilot:
        pilot.kiosk.speech.on_started = lambda utterance: heard.append((utterance.text, utterance.language))
        carte_identite_by_keys(pilot, language)
        assert pilot.screen == "home"
        texts = [item for item in engine.said]  # since the session ended: the goodbye
        assert texts and texts[-1].language == language
    everything = " ".join(text for text, _ in heard)
    # The summary is heard in full once: the receipt screen does not read it again on arrival.
    heading = translator(language)("Ce que vous devez faire")
    assert sum(heading in text for text, _ in heard) == 1, heading
    # The Arabic voice gets logical-order text, never the shapes drawn on screen.
    assert not any(ord(character) in PRESENTATION_FORMS for character in everything)
    # Step totals never grow under the citizen's feet.
    totals = [
        int(text.split(".")[0].split()[-1]) for text, _ in heard if text.startswith(("Étape ", "Step "))
    ]
    assert all(later <= earlier for earlier, later in zip(totals, totals[1:], strict=False)), totals


def test_a_language_is_named_by_its_own_voice(pilot: KioskPilot) -> None:
    pilot.key("help")
    for _ in range(20):
        if pilot.focused().action_id == "lang_ar":
            break
        pilot.key("down")
    assert pilot.focused().action_id == "lang_ar"
    name = next(item for item in reversed(pilot.engine.said) if item.text.startswith("العربية"))
    assert name.language == "ar"
    assert pilot.engine.said[-1].language == "fr" and pilot.engine.said[-1].text.startswith("Bouton, ")


def test_each_focus_says_its_words_role_and_place(pilot: KioskPilot) -> None:
    pilot.key("help")
    key_to(pilot, "start")
    key_to(pilot, "topic_papiers")
    assert pilot.focused().action_id == "procedure_carte-identite"
    pilot.key("down")
    assert pilot.spoken[-1] == "Passeport. Bouton, 2 sur 3."
    pilot.key("up")
    pilot.key("up")  # from the first choice, up wraps to the end of the bar
    assert pilot.focused().action_id == "bar_bigger"
    assert pilot.spoken[-1] == "Texte plus grand. Bouton, 5 sur 5."


def test_the_idle_warning_is_answered_from_the_keypad(pilot: KioskPilot) -> None:
    pilot.key("help")
    key_to(pilot, "start")
    key_to(pilot, "topic_papiers")
    key_to(pilot, "procedure_passeport")
    pilot.advance(pilot.config.timeouts.idle_seconds)
    assert pilot.screen == "idle"
    assert pilot.focused().action_id == "still_here", "the warning's focus starts on its answer"
    for _ in range(3):
        pilot.advance(1)  # the countdown redraws the screen
        assert pilot.focused().action_id == "still_here", "a countdown never moves the focus"
    pilot.key("enter")
    assert pilot.screen == "step" and pilot.journey.session.active


def test_back_and_help_keys_answer_the_idle_warning(pilot: KioskPilot) -> None:
    pilot.key("help")
    key_to(pilot, "start")
    pilot.advance(pilot.config.timeouts.idle_seconds)
    pilot.key("back")
    assert pilot.screen == "catalogue"
    pilot.advance(pilot.config.timeouts.warning_seconds)
    assert pilot.journey.session.active


def test_repeat_says_the_screen_again_not_its_own_label(pilot: KioskPilot) -> None:
    pilot.key("help")
    before = len(pilot.spoken)
    key_to(pilot, "start")
    arrival = pilot.spoken[before:]
    for _ in range(20):
        if pilot.focused().action_id == "speech_repeat":
            break
        pilot.key("down")
    assert pilot.spoken[-1] == "Répéter. Bouton, 3 sur 8."  # after English and العربية
    pilot.key("enter")
    assert pilot.spoken[-len(arrival) :] == arrival, "Répéter says the screen as it was said"
    assert pilot.focused().action_id == "speech_repeat"


def test_pause_from_the_keypad_says_so_and_keeps_the_focus(display: str) -> None:
    # The screen takes time to say: long enough to pause it.
    engine = RecordingEngine(duration=lambda text: 3.0 if len(text) > 40 else 0.0)
    with KioskPilot(size=PORTRAIT, speech_engine=engine, wait_for_speech=False) as pilot:
        pilot.key("help")
        for _ in range(20):
            if pilot.focused().action_id == "speech_pause":
                break
            pilot.key("down")
        pilot.advance(3)  # not a second press of the help key: that would call a mediator
        pilot.key("help")  # hear the screen again; the focus stays on Pause
        assert engine.wait_until_saying()
        pilot.key("enter")
        assert pilot.kiosk.speech.paused
        assert pilot.focused().action_id == "speech_pause" and pilot.focused().text == "Reprendre"
        assert engine.wait_until_saying("Pause.") or "Pause." in engine.texts
        pilot.key("enter")
        assert not pilot.kiosk.speech.paused and pilot.focused().text == "Pause"


def test_the_pin_pad_never_says_the_digit_under_the_focus(pilot: KioskPilot) -> None:
    pilot.key("help")
    pilot.journey.mediator.open()
    pilot.settle()
    assert pilot.focused().action_id == "pin_1"
    heard = []
    for _ in range(12):
        pilot.key("down")
        heard.append(pilot.spoken[-1])
    keys = [text for text in heard if text.startswith("Touche ")]
    assert len(keys) == 9 and keys[0] == "Touche 2 sur 12."
    assert not any(text.split(".")[0] in "0123456789" for text in heard), heard
    pilot.plug_headset()  # private listening: a digit may be said
    for _ in range(12):
        pilot.key("up")
        if pilot.focused().action_id.removeprefix("pin_").isdigit():
            break
    digit = pilot.focused().text
    assert pilot.spoken[-1] == f"{digit}. Bouton, {int(digit) or 10} sur 12."


def test_the_end_of_a_session_is_said(pilot: KioskPilot) -> None:
    pilot.key("help")
    key_to(pilot, "start")
    pilot.advance(pilot.config.timeouts.idle_seconds)
    pilot.advance(pilot.config.timeouts.warning_seconds)
    assert pilot.screen == "home"
    assert pilot.spoken[-1] == "Le temps est passé. Vos réponses sont effacées. Au revoir."
