"""Tests of speech data, voice choice, the engine factory and the contract every engine keeps."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from accessibility.speech import (
    LanguageChange,
    Pause,
    Priority,
    Pyttsx3Engine,
    Rate,
    RecordingEngine,
    SilentEngine,
    SpeechEngine,
    SpeechEngineError,
    Utterance,
    create_engine,
)
from accessibility.speech.engines import language_matches, split_sentences

#: The voices espeak-ng 1.51 lists through pyttsx3 2.99 (a subset): id -> languages.
ESPEAK_VOICES = {
    "gmw/en": ["en-gb"],
    "gmw/en-us": ["en-us"],
    "roa/fr-be": ["fr-be"],
    "roa/fr": ["fr-fr"],
    "sem/ar": ["ar"],
    "zlw/pl": ["pl"],
}


def test_priorities_are_ordered_by_urgency() -> None:
    assert Priority.NORMAL < Priority.NEXT < Priority.NOW


def test_utterance_from_content_drops_blank_text_and_keeps_commands() -> None:
    utterance = Utterance.from_content(["  Bonjour ", "", Pause(300), "Madame"], "fr")
    assert utterance.items == ("Bonjour", Pause(300), "Madame")
    assert utterance.text == "Bonjour Madame"
    assert Utterance.from_content("   ", "fr").is_empty


def test_commands_are_frozen_and_validated() -> None:
    with pytest.raises(ValueError):
        Pause(-1)
    with pytest.raises(ValueError):
        Rate(0)
    with pytest.raises(ValueError):
        LanguageChange(" ")
    with pytest.raises(AttributeError):
        Pause(10).ms = 20  # type: ignore[misc]


@pytest.mark.parametrize(
    ("language", "voice"),
    [
        ("fr", "roa/fr"),
        ("fr-FR", "roa/fr"),
        ("fr-BE", "roa/fr-be"),
        ("ar", "sem/ar"),
        ("ar-MA", "sem/ar"),
        ("en", "gmw/en"),
        ("en-US", "gmw/en-us"),
        ("en_GB", "gmw/en"),
        ("tlh", None),
        ("", None),
    ],
)
def test_language_matches_picks_the_voice_for_each_locale(language: str, voice: str | None) -> None:
    assert language_matches(language, ESPEAK_VOICES) == voice


def test_split_sentences_cuts_after_latin_and_arabic_sentence_ends() -> None:
    assert split_sentences("Bonjour. Ça va ? Oui!  Fin") == ["Bonjour.", "Ça va ?", "Oui!", "Fin"]
    assert split_sentences("مرحبا؟ كيف") == ["مرحبا؟", "كيف"]
    assert split_sentences("  ") == []


def test_factory_builds_the_named_fakes() -> None:
    assert isinstance(create_engine("recording"), RecordingEngine)
    assert isinstance(create_engine("silent"), SilentEngine)


def test_factory_falls_back_to_silence_for_an_unknown_kind(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = create_engine("festival")
    assert isinstance(engine, SilentEngine)
    assert "festival" in engine.reason
    assert "Speech unavailable" in caplog.text


def test_factory_falls_back_to_silence_without_pyttsx3(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "pyttsx3", None)  # makes `import pyttsx3` fail
    engine = create_engine("pyttsx3")
    assert isinstance(engine, SilentEngine)
    assert "pyttsx3" in engine.reason
    assert not engine.available


def test_factory_falls_back_to_silence_without_an_audio_player() -> None:
    engine = create_engine("pyttsx3", player=["no-such-audio-player"])
    assert isinstance(engine, SilentEngine)
    assert "no-such-audio-player" in engine.reason


def test_factory_never_raises_on_bad_options() -> None:
    assert isinstance(create_engine("pyttsx3", colour="blue"), SilentEngine)


def _pyttsx3_engine_with_fake_player() -> SpeechEngine:
    # `true` stands in for aplay: it takes the WAV path and exits at once (no sound card here).
    engine = Pyttsx3Engine(player=["true"])
    if not engine.available:
        pytest.skip(f"espeak-ng through pyttsx3 cannot run here: {engine.unavailable_reason}")
    return engine


ENGINE_FACTORIES = {
    "recording": lambda: RecordingEngine(),
    "silent": lambda: SilentEngine(),
    "pyttsx3": _pyttsx3_engine_with_fake_player,
}


@pytest.fixture(params=sorted(ENGINE_FACTORIES))
def any_engine(request: pytest.FixtureRequest) -> Iterator[SpeechEngine]:
    engine = ENGINE_FACTORIES[request.param]()
    yield engine
    close = getattr(engine, "close", None)
    if close is not None:
        close()


def test_contract_every_engine_is_a_speech_engine(any_engine: SpeechEngine) -> None:
    assert isinstance(any_engine, SpeechEngine)
    assert isinstance(any_engine.available, bool)


def test_contract_say_returns_and_stop_when_idle_is_harmless(any_engine: SpeechEngine) -> None:
    any_engine.stop()
    any_engine.say("Bonjour.", "fr", 1.0, 0.8)  # a stop made while idle does not carry over
    any_engine.stop()


def test_contract_voice_for_matches_the_language_or_is_none(any_engine: SpeechEngine) -> None:
    for language in ("fr", "ar", "en"):
        voice = any_engine.voice_for(language)
        if any_engine.available:
            assert voice is not None
        if voice is not None:
            assert voice.rsplit("/", 1)[-1].startswith(language)


def test_contract_stop_from_another_thread_ends_a_long_say(any_engine: SpeechEngine) -> None:
    if isinstance(any_engine, RecordingEngine):
        any_engine.duration = 10.0
    elif isinstance(any_engine, Pyttsx3Engine):
        any_engine.player = [sys.executable, "-c", "import time; time.sleep(10)"]  # a 10 s player
    timer = threading.Timer(0.3, any_engine.stop)
    started = time.monotonic()
    timer.start()
    any_engine.say("Une longue phrase. Et une autre.", "fr", 1.0, 1.0)
    timer.join()
    assert time.monotonic() - started < 3.0


#: A citizen's data, as a screen in private listening would say it.
PRIVATE = "Votre nom est Dupont. Vous êtes né le 3 mai 1980."


def test_contract_forget_drops_every_text_said(
    any_engine: SpeechEngine, kept: Callable[..., list[str]]
) -> None:
    any_engine.forget()  # harmless before anything was said
    any_engine.say(PRIVATE, "fr", 1.0, 0.8)

    any_engine.forget()

    assert kept(any_engine, "Dupont", "3 mai") == []
    if isinstance(any_engine, RecordingEngine):
        assert (any_engine.said, any_engine.completed, any_engine.events) == ([], [], [])
    any_engine.say("Bonjour.", "fr", 1.0, 0.8)  # still works after forgetting


def test_silent_engine_keeps_nothing_it_is_asked_to_say(kept: Callable[..., list[str]]) -> None:
    engine = SilentEngine()
    engine.say(PRIVATE, "fr", 1.0, 0.8)
    assert kept(engine, "Dupont", "3 mai") == []


def _wav_files(engine: Pyttsx3Engine) -> list[Path]:
    return sorted(engine._work_dir.glob("*.wav"))


@pytest.fixture
def pyttsx3_engine() -> Iterator[Pyttsx3Engine]:
    engine = _pyttsx3_engine_with_fake_player()
    assert isinstance(engine, Pyttsx3Engine)
    yield engine
    engine.close()


def test_pyttsx3_keeps_no_text_nor_wav_once_a_say_returns(
    pyttsx3_engine: Pyttsx3Engine, kept: Callable[..., list[str]]
) -> None:
    pyttsx3_engine.say(PRIVATE, "fr", 1.0, 0.8)

    # Without forget(): pyttsx3 itself keeps the last text it rendered unless it is dropped.
    assert kept(pyttsx3_engine, "Dupont", "3 mai") == []
    assert _wav_files(pyttsx3_engine) == []


def test_pyttsx3_writes_nothing_on_stdout(
    pyttsx3_engine: Pyttsx3Engine, capfd: pytest.CaptureFixture[str]
) -> None:
    pyttsx3_engine.say("Bonjour.", "fr", 1.0, 0.8)

    # pyttsx3's driver would print "Audio saved to <path>" for each rendering, into the journal.
    assert capfd.readouterr().out == ""


def test_pyttsx3_deletes_the_wav_of_a_rendering_that_failed(
    pyttsx3_engine: Pyttsx3Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def render_then_fail(text: str, voice: str | None, rate: float, volume: float, path: Path) -> None:
        path.write_bytes(b"RIFF and the citizen's words")
        raise SpeechEngineError("espeak-ng stays busy")

    monkeypatch.setattr(pyttsx3_engine, "_render", render_then_fail)
    with pytest.raises(SpeechEngineError):
        pyttsx3_engine.say(PRIVATE, "fr", 1.0, 0.8)

    assert _wav_files(pyttsx3_engine) == []


def test_pyttsx3_forget_deletes_any_wav_left_in_its_work_dir(pyttsx3_engine: Pyttsx3Engine) -> None:
    leftover = pyttsx3_engine._work_dir / "utterance-1.wav"  # e.g. left by a killed process
    leftover.write_bytes(b"RIFF")

    pyttsx3_engine.forget()

    assert _wav_files(pyttsx3_engine) == []
