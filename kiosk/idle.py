"""Decides when an idle session gets its warning and when it ends, from a clock it is given."""

from __future__ import annotations

from enum import Enum


class IdleState(Enum):
    ACTIVE = "active"
    WARNING = "warning"  #: the "Êtes-vous encore là ?" warning is showing
    EXPIRED = "expired"  #: the session must be wiped


class IdleTimer:
    """Plain state machine; the application calls :meth:`tick` with the time, a few times a second."""

    def __init__(self, idle_seconds: float, warning_seconds: float, max_extensions: int) -> None:
        self.idle_seconds = idle_seconds
        self.warning_seconds = warning_seconds
        self.max_extensions = max_extensions
        self.state = IdleState.ACTIVE
        self.extensions = 0
        self._last_activity = 0.0
        self._warning_since = 0.0

    def restart(self, now: float) -> None:
        """A new session starts: no warning, no extension used."""
        self.state = IdleState.ACTIVE
        self.extensions = 0
        self._last_activity = now

    def activity(self, now: float) -> None:
        """A touch or key press; it does not dismiss a warning (only :meth:`extend` does)."""
        if self.state is IdleState.ACTIVE:
            self._last_activity = now

    @property
    def can_extend(self) -> bool:
        return self.extensions < self.max_extensions

    def extend(self, now: float) -> bool:
        """ "Je suis encore là": back to active if extensions remain."""
        if self.state is not IdleState.WARNING or not self.can_extend:
            return False
        self.extensions += 1
        self.state = IdleState.ACTIVE
        self._last_activity = now
        return True

    def seconds_left(self, now: float) -> int:
        """Whole seconds before the session ends, while the warning shows."""
        if self.state is not IdleState.WARNING:
            return int(self.warning_seconds)
        return max(0, round(self._warning_since + self.warning_seconds - now))

    def tick(self, now: float) -> IdleState | None:
        """Advance to ``now``; return the new state when it changed, else None."""
        if self.state is IdleState.ACTIVE and now - self._last_activity >= self.idle_seconds:
            self.state = IdleState.WARNING
            self._warning_since = now
            return self.state
        if self.state is IdleState.WARNING and now - self._warning_since >= self.warning_seconds:
            self.state = IdleState.EXPIRED
            return self.state
        return None
