"""Speech latency benchmark: time from speak() to the start of speech, with real espeak-ng.

Run: ``.venv/bin/python benchmarks/bench_speech.py [--count 30] [--player "aplay -q"]``

Prints, over ``--count`` French utterances (after one warm-up), the median and 95th
percentile of:

* speak() -> on_started: the manager's own delay (queue, worker thread wake-up);
* speak() -> audio start: espeak-ng rendering the first sentence and the player process
  being started, i.e. what a citizen waits for (target: 0.2 s, accessibility.md);
* interruption -> new audio: a NOW utterance while a long one is playing.

Without a sound card (CI), the "player" is a stand-in process that waits as long as the
audio lasts, so everything but the sound device itself is measured. No assertions: figures.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from accessibility.speech import Priority, Pyttsx3Engine, SpeechManager, Utterance  # noqa: E402
from accessibility.speech.engines import find_audio_player  # noqa: E402

#: The target from accessibility.md: speech starts within 0.2 s of the action asking for it.
TARGET_SECONDS = 0.2
#: Plays nothing, but lasts as long as the WAV, like aplay would.
STAND_IN_PLAYER = [
    sys.executable,
    "-c",
    "import sys, time, wave; w = wave.open(sys.argv[1]); time.sleep(w.getnframes() / w.getframerate())",
]
SENTENCES = [
    "Bienvenue. Touchez l'écran pour commencer.",
    "Choisissez une démarche dans la liste.",
    "Insérez votre carte d'identité dans le lecteur.",
    "Votre demande d'acte de naissance est prête.",
    "Voulez-vous imprimer le reçu ?",
    "Appuyez sur Entrée pour continuer, ou sur Retour.",
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def report(name: str, values: list[float]) -> None:
    median = statistics.median(values)
    p95 = percentile(values, 0.95)
    verdict = "meets" if p95 <= TARGET_SECONDS else "MISSES"
    print(
        f"{name:<32} median {median * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"
        f"   max {max(values) * 1000:7.1f} ms   ({verdict} the {TARGET_SECONDS:.1f} s target)"
    )


def plays(player: list[str]) -> bool:
    """True when ``player`` can play a short silence here (a machine may have no sound card)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "silence.wav"
        with wave.open(str(path), "wb") as silence:
            silence.setnchannels(1)
            silence.setsampwidth(2)
            silence.setframerate(22050)
            silence.writeframes(b"\0\0" * 220)
        result = subprocess.run([*player, str(path)], capture_output=True, timeout=10)
    return result.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--player", help="audio player command (default: aplay/paplay if found)")
    arguments = parser.parse_args()

    if arguments.player:
        player = shlex.split(arguments.player)
        player_name = arguments.player
    elif (found := find_audio_player()) is not None and plays(found):
        player, player_name = found, " ".join(found)
    elif found is not None:
        player, player_name = STAND_IN_PLAYER, f"stand-in ({found[0]} is installed but finds no sound card)"
    else:
        player, player_name = STAND_IN_PLAYER, "stand-in (no audio player installed)"

    requested_at: list[float] = []
    started_at: list[float] = []
    audio_at: list[float] = []
    audio_started = threading.Event()

    def on_audio_start() -> None:
        audio_at.append(time.perf_counter())
        audio_started.set()

    def on_started(_: Utterance) -> None:
        started_at.append(time.perf_counter())

    engine = Pyttsx3Engine(player=player, on_audio_start=on_audio_start)
    if not engine.available:
        print(f"Pyttsx3Engine unavailable: {engine.unavailable_reason}")
        return 1
    manager = SpeechManager(engine, on_started=on_started)
    print(f"espeak-ng through pyttsx3, player: {player_name}; {arguments.count} utterances")

    synthesis: list[float] = []
    try:
        manager.speak("Préparation.")  # warm-up: espeak-ng loads its French data
        manager.wait_idle(30)
        for samples in (requested_at, started_at, audio_at):
            samples.clear()

        for index in range(arguments.count):
            audio_started.clear()
            requested_at.append(time.perf_counter())
            manager.speak(SENTENCES[index % len(SENTENCES)], priority=Priority.NOW)
            audio_started.wait(10)
            synthesis.append(engine.last_synthesis_seconds or 0.0)
            manager.wait_idle(30)

        dispatch = [start - asked for asked, start in zip(requested_at, started_at, strict=True)]
        to_audio = [audio - asked for asked, audio in zip(requested_at, audio_at, strict=True)]

        # Interruption: a long utterance plays, then a NOW one must be heard at once.
        interruption: list[float] = []
        long_text = " ".join(SENTENCES)
        for index in range(min(10, arguments.count)):
            audio_started.clear()
            manager.speak(long_text)
            audio_started.wait(10)
            time.sleep(0.3)
            audio_started.clear()
            asked = time.perf_counter()
            manager.speak(SENTENCES[index % len(SENTENCES)])
            audio_started.wait(10)
            interruption.append(audio_at[-1] - asked)
            manager.wait_idle(30)
    finally:
        manager.close()
        engine.close()

    report("speak() -> on_started", dispatch)
    report("espeak-ng render, 1st sentence", synthesis)
    report("speak() -> audio start", to_audio)
    report("interruption -> new audio start", interruption)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
