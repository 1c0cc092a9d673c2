"""The engine factory: builds the engine the configuration names, or silence."""

from __future__ import annotations

import logging
from typing import Any

from .base import SpeechEngine
from .espeak import Pyttsx3Engine
from .recording import RecordingEngine
from .silent import SilentEngine

logger = logging.getLogger(__name__)

__all__ = ["create_engine"]


def create_engine(kind: str = "pyttsx3", **options: Any) -> SpeechEngine:
    """Build the engine named ``kind`` ("pyttsx3", "muted", "silent" or "recording"); never raises.

    "muted" speaks without sound and keeps nothing (benchmarks, a demonstration without sound);
    "recording" keeps every text until ``forget()``: a test fake, never for a kiosk.

    When the requested engine cannot start (no pyttsx3, no espeak-ng, no audio player, an
    unknown kind) this logs a warning and returns a SilentEngine, whose ``reason`` says why:
    the kiosk then works on screen only and reports the fault, as design.md asks.
    """
    try:
        if kind == "pyttsx3":
            engine = Pyttsx3Engine(**options)
            if engine.available:
                return engine
            reason = engine.unavailable_reason
            engine.close()
        elif kind == "recording":
            return RecordingEngine(**options)
        elif kind == "muted":
            return SilentEngine("speech is muted", muted=True)
        elif kind == "silent":
            return SilentEngine()
        else:
            reason = f"unknown speech engine {kind!r} (use pyttsx3, muted, silent or recording)"
    except Exception as error:  # a bad option must not stop the kiosk either
        reason = f"speech engine {kind!r} failed to start: {error}"
    logger.warning("Speech unavailable, continuing silently: %s", reason)
    return SilentEngine(reason)
