"""The recording engine: a fake for tests that records what it is asked to say."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .voices import language_matches

__all__ = ["RECORDING_VOICES", "RecordingEngine", "SaidItem"]


@dataclass(frozen=True, slots=True)
class SaidItem:
    """One ``say`` call as the recording engine saw it."""

    text: str
    language: str
    rate: float
    volume: float
    voice: str | None


#: Voice ids the recording engine reports: the espeak-ng ids, so tests read like production.
RECORDING_VOICES: dict[str, tuple[str, ...]] = {
    "roa/fr": ("fr-fr",),
    "gmw/en": ("en-gb",),
    "sem/ar": ("ar",),
}


class RecordingEngine:
    """A fake engine for tests: records every ``say`` and ``stop``, can take time and can fail.

    It keeps every text until ``forget()``: a test fake, never the kiosk's engine.

    Threads: ``say`` blocks its caller for the simulated ``duration`` (ended early by
    ``stop()`` from another thread); the recorded lists are guarded by a lock, so tests may
    read them from the test thread while the manager's worker speaks.
    """

    def __init__(
        self,
        duration: float | Callable[[str], float] = 0.0,
        voices: Mapping[str, Sequence[str]] = RECORDING_VOICES,
    ) -> None:
        #: Seconds each ``say`` lasts, or a function of its text (to make one item "long").
        self.duration = duration
        #: When set, ``say`` raises it: simulates a synthesiser that breaks at run time.
        self.fail_with: Exception | None = None
        self._voices = {voice_id: tuple(langs) for voice_id, langs in voices.items()}
        self._condition = threading.Condition()
        self._stopped = threading.Event()
        self._events: list[SaidItem | str] = []
        self._completed: list[str] = []
        self._saying: str | None = None

    @property
    def available(self) -> bool:
        return True

    def voice_for(self, language: str) -> str | None:
        return language_matches(language, self._voices)

    def say(self, text: str, language: str, rate: float, volume: float) -> None:
        item = SaidItem(text, language, rate, volume, self.voice_for(language))
        with self._condition:
            self._stopped.clear()
            self._events.append(item)
            self._saying = text
            self._condition.notify_all()
        try:
            if self.fail_with is not None:
                raise self.fail_with
            seconds = self.duration(text) if callable(self.duration) else self.duration
            interrupted = self._stopped.wait(seconds) if seconds > 0 else False
        finally:
            with self._condition:
                self._saying = None
                self._condition.notify_all()
        if not interrupted:
            with self._condition:
                self._completed.append(text)

    def stop(self) -> None:
        with self._condition:
            self._events.append("stop")
        self._stopped.set()

    def forget(self) -> None:
        # The text being said (``_saying``) is None here: forget() never runs during a say().
        with self._condition:
            self._events.clear()
            self._completed.clear()

    @property
    def said(self) -> list[SaidItem]:
        """Every ``say`` call since the last ``forget()``, oldest first."""
        with self._condition:
            return [event for event in self._events if isinstance(event, SaidItem)]

    @property
    def texts(self) -> list[str]:
        """The text of every ``say`` call since the last ``forget()``, oldest first."""
        return [item.text for item in self.said]

    @property
    def completed(self) -> list[str]:
        """Texts whose ``say`` ran its whole duration (was not stopped)."""
        with self._condition:
            return list(self._completed)

    @property
    def events(self) -> list[SaidItem | str]:
        """``say`` calls, and ``"stop"`` for each ``stop`` call, in the order they happened."""
        with self._condition:
            return list(self._events)

    def wait_until_saying(self, text: str | None = None, timeout: float = 2.0) -> bool:
        """Block the test until ``say`` is running (with ``text``, if given)."""
        with self._condition:
            return self._condition.wait_for(
                lambda: self._saying is not None and (text is None or self._saying == text),
                timeout,
            )
