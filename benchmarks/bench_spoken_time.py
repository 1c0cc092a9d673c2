"""Spoken time of the key-only "Carte d'identité" journey, per language (issue: heard once).

A blind citizen's run through the real app under Xvfb (speech on with the help key, then Down
and Enter only): every utterance the speech engine is asked to say is kept, rendered with
espeak-ng at the default rate and volume, and its length added up. Each utterance counts in
full, even one the next key cut short: the figure is what the kiosk asks a citizen to listen to.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from accessibility.speech import Pause, Pyttsx3Engine, RecordingEngine, SaidItem  # noqa: E402
from accessibility.speech.engines import wav_duration_seconds  # noqa: E402
from accessibility.speech.manager import DEFAULT_VOLUME  # noqa: E402
from kiosk.display import virtual_display  # noqa: E402
from kiosk.journey.voice import CHOICE_PAUSE_MS  # noqa: E402
from kiosk.testing import KioskPilot  # noqa: E402
from kiosk.testing.keypad import carte_identite_by_keys  # noqa: E402

LANGUAGES = ("fr", "en", "ar")


class KeepingEngine(RecordingEngine):
    """A recording engine that keeps what it was asked to say across the end of the session
    (benchmark only: the kiosk's engines forget it)."""

    def __init__(self) -> None:
        super().__init__()
        self.everything: list[SaidItem] = []

    def say(self, text: str, language: str, rate: float, volume: float) -> None:
        super().say(text, language, rate, volume)
        self.everything.append(self.said[-1])


def journey_utterances(language: str) -> tuple[list[SaidItem], float, int]:
    """What the engine was asked to say, the silences between choices (s), the arrow presses."""
    engine = KeepingEngine()
    silences: list[float] = []
    with KioskPilot(size=(1080, 1920), speech_engine=engine, choice_pause_ms=CHOICE_PAUSE_MS) as pilot:
        pilot.kiosk.speech.on_started = lambda utterance: silences.extend(
            item.ms / 1000 for item in utterance.items if isinstance(item, Pause)
        )
        presses = carte_identite_by_keys(pilot, language)
    return engine.everything, sum(silences), presses


def main() -> None:
    synthesiser = Pyttsx3Engine(player=["true"])
    if not synthesiser.can_synthesise:
        print(f"espeak-ng unavailable: {synthesiser.unavailable_reason}")
        raise SystemExit(1)
    durations: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory() as work, virtual_display("2160x2160x24"):
        for language in LANGUAGES:
            said, silences, presses = journey_utterances(language)
            total = silences
            for item in said:
                key = (item.text, item.language)
                if key not in durations:
                    path = Path(work) / "utterance.wav"
                    synthesiser.save_to_file(item.text, item.language, path, rate=1.0, volume=DEFAULT_VOLUME)
                    durations[key] = wav_duration_seconds(path)
                total += durations[key]
            print(
                f"{language}: {total / 60:.1f} min spoken ({silences:.0f} s of it silences between choices) "
                f"in {len(said)} pieces of text, {presses} arrow presses, for the key-only "
                "Carte d'identité journey"
            )
    synthesiser.close()


if __name__ == "__main__":
    main()
