"""Real audio from espeak-ng through pyttsx3: WAV files a person can listen to in tests/artifacts.

There is no sound card on CI, so nothing is played out loud. Instead espeak-ng renders to WAV
files (``save_to_file``) and, for speech through the manager, a stand-in audio player (a tiny
script given as the engine's ``player``) keeps a copy of each WAV it is handed and then takes
as long as the audio lasts, as aplay would. That exercises the very path the kiosk uses:
manager -> worker thread -> pyttsx3/espeak-ng -> WAV -> player subprocess, and interruption.
"""

from __future__ import annotations

import array
import math
import shutil
import sys
import threading
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from accessibility.speech import LanguageChange, Priority, Pyttsx3Engine, SpeechManager
from accessibility.speech.engines import wav_duration_seconds

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (apt install espeak-ng)"
)

#: Where the WAVs are copied so that a person can listen to them (git-ignored).
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "speech"
FRENCH = "Bonjour. Je peux vous aider à demander un acte de naissance."
ARABIC = "مرحبا، كيف يمكنني مساعدتك؟"
#: RMS of 16-bit samples: digital silence is 0, espeak-ng speech at full volume is in thousands.
SILENCE_RMS = 300

# A stand-in for aplay: copies the WAV it is given into the directory named by argv[1],
# then "plays" it by waiting as long as the audio lasts (so stop() has something to cut).
FAKE_PLAYER = """
import shutil, sys, time, wave
from pathlib import Path
target, wav = Path(sys.argv[1]), sys.argv[2]
target.mkdir(parents=True, exist_ok=True)
number = len(list(target.glob("*.wav"))) + 1
shutil.copy(wav, target / f"{number:02d}.wav")
with wave.open(wav, "rb") as audio:
    time.sleep(audio.getnframes() / audio.getframerate())
"""


def rms(path: Path) -> float:
    with wave.open(str(path), "rb") as audio:
        assert audio.getsampwidth() == 2 and audio.getnchannels() == 1
        samples = array.array("h", audio.readframes(audio.getnframes()))
    return math.sqrt(sum(sample * sample for sample in samples) / max(1, len(samples)))


def keep_for_listening(path: Path, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, ARTIFACTS / name)


@pytest.fixture
def engine() -> Iterator[Pyttsx3Engine]:
    speech_engine = Pyttsx3Engine()
    if not speech_engine.can_synthesise:
        pytest.fail(f"espeak-ng is installed but pyttsx3 cannot use it: {speech_engine.unavailable_reason}")
    yield speech_engine
    speech_engine.close()


@pytest.mark.parametrize(
    ("language", "text", "voice_languages"),
    [("fr", FRENCH, ("fr-fr",)), ("ar", ARABIC, ("ar",))],
)
def test_save_to_file_renders_audible_speech_with_the_language_voice(
    engine: Pyttsx3Engine,
    tmp_path: Path,
    language: str,
    text: str,
    voice_languages: tuple[str, ...],
) -> None:
    wav_file = engine.save_to_file(text, language, tmp_path / f"{language}.wav")
    keep_for_listening(wav_file, f"save_to_file-{language}.wav")

    assert 0.5 < wav_duration_seconds(wav_file) < 15
    assert rms(wav_file) > SILENCE_RMS
    voice = engine.voice_for(language)
    assert voice is not None and engine.voices[voice] == voice_languages
    # Read back from espeak-ng itself: pyttsx3 would silently keep the old voice otherwise.
    assert engine.last_voice == voice


def test_voice_ids_are_the_espeak_ones(engine: Pyttsx3Engine) -> None:
    assert engine.voice_for("fr") == "roa/fr"
    assert engine.voice_for("ar") == "sem/ar"
    assert engine.voice_for("en") in {"gmw/en", "gmw/en-gb"}
    assert engine.voice_for("klingon-but-not-really") is None


def test_rate_and_volume_reach_espeak(engine: Pyttsx3Engine, tmp_path: Path) -> None:
    slow = engine.save_to_file(FRENCH, "fr", tmp_path / "slow.wav", rate=0.6)
    fast = engine.save_to_file(FRENCH, "fr", tmp_path / "fast.wav", rate=1.8)
    quiet = engine.save_to_file(FRENCH, "fr", tmp_path / "quiet.wav", volume=0.2)
    loud = engine.save_to_file(FRENCH, "fr", tmp_path / "loud.wav", volume=1.0)

    assert wav_duration_seconds(slow) > 1.5 * wav_duration_seconds(fast)
    assert rms(quiet) < 0.5 * rms(loud)


def test_unknown_language_is_read_with_the_french_voice(engine: Pyttsx3Engine, tmp_path: Path) -> None:
    engine.save_to_file(ARABIC, "ar", tmp_path / "ar.wav")
    engine.save_to_file("Bonjour", "xx", tmp_path / "xx.wav")
    assert engine.last_voice == "roa/fr"  # not the Arabic voice left over from before


@pytest.fixture
def player_output(tmp_path: Path) -> tuple[list[str], Path]:
    script = tmp_path / "fake_player.py"
    script.write_text(FAKE_PLAYER, encoding="utf-8")
    output = tmp_path / "played"
    return [sys.executable, str(script), str(output)], output


def test_the_manager_speaks_through_espeak(player_output: tuple[list[str], Path]) -> None:
    player, played = player_output
    engine = Pyttsx3Engine(player=player)
    manager = SpeechManager(engine)
    try:
        assert manager.available
        manager.speak(FRENCH)
        manager.speak(["Langue :", LanguageChange("ar"), ARABIC], priority=Priority.NORMAL)
        assert manager.wait_idle(30)
    finally:
        manager.close()
        engine.close()

    files = sorted(played.glob("*.wav"))
    # Two French sentences (rendered one by one), "Langue :" and the Arabic sentence.
    assert len(files) == 4
    for index, wav_file in enumerate(files, start=1):
        keep_for_listening(wav_file, f"manager-{index:02d}.wav")
        assert 0.3 < wav_duration_seconds(wav_file) < 15
        assert rms(wav_file) > SILENCE_RMS
    assert manager.history == [FRENCH, f"Langue : {ARABIC}"]


def test_now_interrupts_espeak_speech_at_once(player_output: tuple[list[str], Path]) -> None:
    player, played = player_output
    audio_started = threading.Event()
    engine = Pyttsx3Engine(player=player, on_audio_start=audio_started.set)
    manager = SpeechManager(engine)
    long_text = " ".join(["Ceci est une très longue explication sans fin."] * 6)
    try:
        manager.speak(long_text)
        assert audio_started.wait(10)
        # The stand-in player is a Python process: wait until it has really begun "playing".
        deadline = time.monotonic() + 10
        while not (played / "01.wav").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        started = time.monotonic()
        manager.speak("Retour.")
        assert manager.wait_idle(15)
        interrupted_after = time.monotonic() - started
    finally:
        manager.close()
        engine.close()

    # Each of the six sentences lasts about 3 s: only the first one was begun.
    assert interrupted_after < 3.0
    files = sorted(played.glob("*.wav"))
    assert len(files) == 2
    assert wav_duration_seconds(files[-1]) < 1.5  # "Retour.", not the next long sentence
    keep_for_listening(files[-1], "interrupt-retour.wav")


def test_a_failing_player_makes_the_manager_silent_and_report_it() -> None:
    engine = Pyttsx3Engine(player=["false"])  # exits 1, like aplay without a sound card
    reports: list[str] = []
    manager = SpeechManager(engine, on_unavailable=lambda: reports.append("unavailable"))
    try:
        manager.speak("Bonjour.")
        manager.speak("Encore.", priority=Priority.NORMAL)
        assert manager.wait_idle(10)
    finally:
        manager.close()
        engine.close()
    assert reports == ["unavailable"]
    assert not manager.available
    assert manager.history == ["Bonjour.", "Encore."]
