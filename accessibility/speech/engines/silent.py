"""The silent engine: the fallback that says nothing and keeps nothing."""

from __future__ import annotations

__all__ = ["SilentEngine"]


class SilentEngine:
    """The fallback that says nothing, so a missing or broken synthesiser never breaks the kiosk."""

    def __init__(self, reason: str = "speech is switched off") -> None:
        #: Why there is no speech, for `kiosk doctor` and the fleet's health report.
        self.reason = reason

    @property
    def available(self) -> bool:
        return False

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
