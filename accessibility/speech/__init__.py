"""Speech for the kiosk: one prioritised speech queue over a replaceable synthesiser."""

from __future__ import annotations

from .commands import Callback, LanguageChange, Pause, Rate, SpeechCommand, SpeechItem, Utterance
from .engines import (
    Pyttsx3Engine,
    RecordingEngine,
    SaidItem,
    SilentEngine,
    SpeechEngine,
    SpeechEngineError,
    create_engine,
)
from .manager import SpeechManager
from .priorities import Priority

__all__ = [
    "Callback",
    "LanguageChange",
    "Pause",
    "Priority",
    "Pyttsx3Engine",
    "Rate",
    "RecordingEngine",
    "SaidItem",
    "SilentEngine",
    "SpeechCommand",
    "SpeechEngine",
    "SpeechEngineError",
    "SpeechItem",
    "SpeechManager",
    "Utterance",
    "create_engine",
]
