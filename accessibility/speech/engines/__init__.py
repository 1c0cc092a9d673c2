"""Speech engines: the interface the speech manager drives, espeak-ng through pyttsx3, and fakes.

One module per job: ``base`` (the protocol), ``voices`` (voice matching), ``silent``,
``recording`` (a test fake), ``espeak`` (the real synthesiser) and ``factory``.
"""

from __future__ import annotations

from .base import SpeechEngine, SpeechEngineError
from .espeak import Pyttsx3Engine, find_audio_player, split_sentences, wav_duration_seconds
from .factory import create_engine
from .recording import RecordingEngine, SaidItem
from .silent import SilentEngine
from .voices import language_matches

__all__ = [
    "Pyttsx3Engine",
    "RecordingEngine",
    "SaidItem",
    "SilentEngine",
    "SpeechEngine",
    "SpeechEngineError",
    "create_engine",
    "find_audio_player",
    "language_matches",
    "split_sentences",
    "wav_duration_seconds",
]
