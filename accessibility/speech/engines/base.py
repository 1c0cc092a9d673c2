"""The interface the speech manager drives: the SpeechEngine protocol and its error."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["SpeechEngine", "SpeechEngineError"]


class SpeechEngineError(RuntimeError):
    """An engine could not synthesise or play speech."""


@runtime_checkable
class SpeechEngine(Protocol):
    """What the speech manager needs from a synthesiser.

    Threads: ``say`` and ``forget`` are called from one thread only (the manager's worker),
    never at the same time; ``say`` blocks it. ``stop`` is called from any other thread,
    must be thread-safe, must not block and must not call back into the manager. Any
    exception raised by ``say`` means the engine is broken: the manager switches to silence.
    """

    @property
    def available(self) -> bool:
        """True when this engine can actually produce sound."""
        ...

    def say(self, text: str, language: str, rate: float, volume: float) -> None:
        """Say ``text``; return when it has been said, or soon after ``stop()``.

        ``rate`` multiplies the voice's normal speed (1.0 = normal); ``volume`` is 0.0-1.0.
        A ``stop()`` made while no ``say`` runs has no effect on the next one.
        """
        ...

    def stop(self) -> None:
        """Interrupt the ``say`` in progress, if any (called from another thread)."""
        ...

    def forget(self) -> None:
        """Drop every text this engine keeps; called by SpeechManager.reset at the end of a session."""
        ...

    def voice_for(self, language: str) -> str | None:
        """The id of the voice used for ``language``, or None when there is none."""
        ...
