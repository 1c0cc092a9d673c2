"""A monotonic clock a test moves forward: idle timeouts and lockouts without waiting."""

from __future__ import annotations

import time


class ManualClock:
    """Monotonic time plus an offset the test moves forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset
