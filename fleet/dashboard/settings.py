"""The dashboard's settings that the web pages, the live updates and the monitor share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class WebSettings:
    #: Cookies only over HTTPS; turn off only behind no proxy on a trusted loopback (tests, a demo).
    secure_cookies: bool = True
    session_ttl_s: float = 12 * 3600.0
    #: Content whose facts were checked longer ago than this is "to review" (the kiosk's
    #: `content check --max-age` default is 12 months).
    stale_content_days: int = 365
    #: How far back a kiosk's page shows its health chart and history.
    kiosk_history_s: float = 24 * 3600.0
    #: How often the live updates look for changes made by other serve processes.
    live_poll_s: float = 1.0
    #: The fleet table's page size.
    page_size: int = 100
    #: How long the kiosk page waits for a command's answer before showing it as pending.
    command_wait_s: float = 5.0

    def stale_content_before(self, today: dt.date | None = None) -> str:
        """The ISO date before which content facts count as old."""
        return ((today or dt.date.today()) - dt.timedelta(days=self.stale_content_days)).isoformat()
