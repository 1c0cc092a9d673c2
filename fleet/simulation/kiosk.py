"""A simulated kiosk behind a real fleet agent: random but plausible health, events and answers."""

from __future__ import annotations

import random
import threading
import time
import zlib
from typing import Any

from fleet.agent import ReplyFunction
from fleet.help import HelpReason
from fleet.protocol import (
    Command,
    CommandName,
    CommandReply,
    DeviceFault,
    DeviceRecovered,
    HelpAcknowledged,
    HelpRequested,
    KioskHealth,
    ReplyCode,
    SessionOutcome,
    SessionStatistics,
)

#: Procedures a simulated citizen picks from (the ids of kiosk/content/procedures).
PROCEDURES = (
    "acte-de-naissance",
    "carte-identite",
    "changement-adresse",
    "compte-ameli-carte-vitale",
    "declaration-revenus",
    "inscription-france-travail",
    "inscription-scolaire",
    "passeport",
    "prime-activite",
    "signaler-voirie",
)
SCREENS = ("catalogue", "step", "step", "step", "summary", "printing")
LANGUAGES = ("fr",) * 8 + ("en", "ar")
FEATURES = ("large_text", "speech", "keypad", "high_contrast", "touch_to_hear")
#: Receipts in a full paper roll (few, so that a demo sees paper run out).
PAPER_ROLL = 40
#: Simulated seconds of a citizen's session, at most.
LONGEST_SESSION = 240.0
#: One kiosk in this many has no graphics driver (its screen drawn by the processor), chosen
#: by its id so that it is the same one at every start.
WITHOUT_GRAPHICS_DRIVER = 20


class SimulatedKiosk:
    """A ``KioskLink`` whose kiosk exists only in numbers: random but plausible.

    Threads: ``health`` (agent's worker), ``on_command`` (MQTT loop) and ``tick`` (the
    simulation's thread) share one lock; each returns at once.
    """

    def __init__(self, site: str, kiosk_id: str, rng: random.Random, pace: float = 1.0) -> None:
        self.site, self.kiosk_id = site, kiosk_id
        self._rng = rng
        self._pace = pace
        self._lock = threading.Lock()
        self._started = time.monotonic()
        #: Simulated seconds since the kiosk started.
        self._now = 0.0
        self._paper = rng.randint(PAPER_ROLL // 4, PAPER_ROLL)
        self._reload_at: float | None = None
        self._session: dict[str, Any] | None = None
        self._maintenance = False
        self._acknowledged: list[str] = []
        self._drawn_in_software = zlib.crc32(kiosk_id.encode()) % WITHOUT_GRAPHICS_DRIVER == 0

    def health(self) -> KioskHealth:
        with self._lock:
            session = self._session
            paper_out = self._paper <= 0
            return KioskHealth(
                app_version="0.1.0",
                uptime_s=time.monotonic() - self._started,
                screen="maintenance" if self._maintenance else (session["screen"] if session else "home"),
                speech="speaking" if session and session["speech"] else "ready",
                devices=[
                    {
                        "device": "printer",
                        "present": True,
                        "ready": not paper_out,
                        "detail": "paper_out"
                        if paper_out
                        else ("paper_near_end" if self._paper < 5 else "ok"),
                    },
                    {"device": "card_reader", "present": True, "ready": True},
                    {
                        "device": "screen",
                        "present": True,
                        "ready": True,
                        "detail": "drawn_in_software" if self._drawn_in_software else "ok",
                    },
                ],
                content_version="2024.06.1",
                in_session=session is not None,
            )

    def on_command(self, command: Command, reply: ReplyFunction) -> None:
        with self._lock:
            answer = self._obey(command)
        reply(answer)

    def _obey(self, command: Command) -> CommandReply:
        name = command.name
        if name is CommandName.RESTART and self._session is not None and not getattr(command, "force", False):
            return CommandReply.refusal(ReplyCode.IN_SESSION, "a citizen is using the kiosk")
        if name is CommandName.TEST_PRINT and self._paper <= 0:
            return CommandReply.refusal(ReplyCode.UNAVAILABLE, "paper_out")
        if name is CommandName.MAINTENANCE_ENTER:
            self._maintenance = True
        elif name is CommandName.MAINTENANCE_LEAVE:
            self._maintenance = False
        elif name is CommandName.HELP_ACK:
            # "Un conseiller arrive": the kiosk tells the fleet it showed the acknowledgement.
            self._acknowledged.append(getattr(command, "request_id", ""))
        return CommandReply.success(name.value)

    def tick(self, dt: float) -> list[Any]:
        """Advance the simulated kiosk by ``dt`` seconds; returns the events that happened."""
        events: list[Any] = []
        # Simulated time: the kiosk's day runs ``pace`` times faster than the wall clock.
        dt *= self._pace
        with self._lock:
            self._now += dt
            now = self._now
            events += [HelpAcknowledged(request_id=request_id) for request_id in self._acknowledged]
            self._acknowledged.clear()
            if self._reload_at is not None and now >= self._reload_at:
                self._paper, self._reload_at = PAPER_ROLL, None
                events.append(DeviceRecovered(device="printer"))
            if self._maintenance:
                return events
            session = self._session
            if session is None:
                # About one citizen every two minutes.
                if self._rng.random() < dt / 120:
                    self._start_session(now)
                return events
            session["screen"] = self._rng.choice(SCREENS)
            if not session["help"] and self._rng.random() < dt / 600:
                session["help"] = True
                events.append(
                    HelpRequested(
                        site=self.site,
                        kiosk_id=self.kiosk_id,
                        procedure=session["procedure"],
                        step=f"step-{self._rng.randint(1, 8)}",
                        reason=self._rng.choice(list(HelpReason)).value,
                    )
                )
            if now >= session["ends"]:
                events += self._end_session(now)
        return events

    def _start_session(self, now: float) -> None:
        features = self._rng.sample(FEATURES, self._rng.choice((0, 0, 0, 1, 2)))
        self._session = {
            "started": now,
            "ends": now + self._rng.uniform(20, LONGEST_SESSION),
            "procedure": self._rng.choice(PROCEDURES),
            "language": self._rng.choice(LANGUAGES),
            "features": features,
            "speech": "speech" in features,
            "help": False,
            "screen": "catalogue",
        }

    def _end_session(self, now: float) -> list[Any]:
        session, self._session = self._session, None
        assert session is not None
        completed = self._rng.random() < 0.8
        events: list[Any] = [
            SessionStatistics(
                procedure=session["procedure"],
                duration_s=round(now - session["started"], 1),
                outcome=SessionOutcome.COMPLETED if completed else SessionOutcome.ABANDONED,
                help_asked=session["help"],
                satisfaction=self._rng.choice((None, 1, 2, 3, 3)) if completed else None,
                language=session["language"],
                accessibility=tuple(session["features"]),
            )
        ]
        if completed and self._paper > 0 and self._rng.random() < 0.7:
            self._paper -= 1
            if self._paper == 0:
                events.append(DeviceFault(device="printer", detail="paper_out"))
                self._reload_at = now + self._rng.uniform(60, 600)
        return events
