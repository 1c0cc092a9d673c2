"""Hysteresis: a condition becomes an alert after holding for a while, and clears after being gone a while."""

from __future__ import annotations

from dataclasses import dataclass

from fleet.dashboard.alerts.rules import AlertKind, Condition

#: (site, kiosk id, kind): at most one alert of a kind per kiosk.
Key = tuple[str, str, AlertKind]


@dataclass(frozen=True)
class AlertPolicy:
    """How long a condition must hold (or be gone) before the alert changes, and what is flapping."""

    raise_after_s: float = 60.0
    clear_after_s: float = 120.0
    #: An alert raised this many times within the window is flapping: one notification says so,
    #: and its further changes are recorded without notifying anyone.
    flap_count: int = 4
    flap_window_s: float = 3600.0


@dataclass(frozen=True)
class Raise:
    condition: Condition


@dataclass(frozen=True)
class Clear:
    key: Key


class AlertTracker:
    """Decides when conditions become alerts and when alerts clear; plain logic, any clock.

    The active alerts live in the store (the source of truth, shared by every serve process);
    the tracker only remembers since when each condition has held, or been gone.
    """

    def __init__(self, policy: AlertPolicy) -> None:
        self._policy = policy
        self._holding_since: dict[Key, float] = {}
        self._gone_since: dict[Key, float] = {}

    def update(self, conditions: dict[Key, Condition], active: set[Key], now: float) -> list[Raise | Clear]:
        changes: list[Raise | Clear] = []
        for key, condition in conditions.items():
            self._gone_since.pop(key, None)
            if key in active:
                continue
            since = self._holding_since.setdefault(key, now)
            if now - since >= self._policy.raise_after_s:
                changes.append(Raise(condition))
                del self._holding_since[key]
        for key in list(self._holding_since):
            if key not in conditions:
                del self._holding_since[key]
        for key in active:
            if key in conditions:
                continue
            gone = self._gone_since.setdefault(key, now)
            if now - gone >= self._policy.clear_after_s:
                changes.append(Clear(key))
                del self._gone_since[key]
        for key in list(self._gone_since):
            if key not in active:
                del self._gone_since[key]
        return changes
