"""The silent engine: the fallback that says nothing and keeps nothing."""

from __future__ import annotations

__all__ = ["SilentEngine"]


class SilentEngine:
    """The fallback that says nothing, so a missing or broken synthesiser never breaks the kiosk.

    ``muted``: speech is wanted but must not be heard (benchmarks, a demonstration without
    sound); the engine then counts as available, so the kiosk behaves as it does with a voice.
    Either way it keeps no text: it is safe in production.
    """

    def __init__(self, reason: str = "speech is switched off", muted: bool = False) -> None:
        #: Why there is no speech, for `kiosk doctor` and the fleet's health report.
        self.reason = reason
        self.muted = muted

    @property
    def available(self) -> bool:
        return self.muted

    def say(self, text: str, language: str, rate: float, volume: float) -> None:
        # Returns at once: the queue still advances (history, callbacks) without sound.
        return None

    def stop(self) -> None:
        return None

    def forget(self) -> None:
        # Nothing to drop: say() keeps no text.
        return None

    def voice_for(self, language: str) -> str | None:
        return None
