"""A kiosk for the fleet agent's tests: ``RecordingKiosk`` answers commands as it is told."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fleet.agent import AgentSettings, ReplyFunction
from fleet.protocol import Command, CommandReply, KioskHealth


class RecordingKiosk:
    """A ``KioskLink`` that records the commands it gets and answers each from another thread
    (as the kiosk's UI thread would) with ``answer(command)``; ``None`` means no answer."""

    def __init__(self, answer: Callable[[Command], CommandReply | None] | None = None) -> None:
        self.answer = answer or (lambda command: CommandReply.success(command.name))
        self.commands: list[Command] = []
        self.in_session = False
        self.health_calls = 0

    def health(self) -> KioskHealth:
        self.health_calls += 1
        return KioskHealth(
            app_version="0.1.0",
            uptime_s=12.0,
            screen="step" if self.in_session else "home",
            speech="ready",
            devices=[{"device": "printer", "present": True, "ready": True}],
            content_version="2024.06",
            in_session=self.in_session,
        )

    def on_command(self, command: Command, reply: ReplyFunction) -> None:
        self.commands.append(command)
        answer = self.answer(command)
        if answer is not None:
            threading.Thread(target=reply, args=(answer,), daemon=True).start()


def agent_settings(broker_url: str, data_dir: Path, **overrides: Any) -> AgentSettings:
    """Settings for a test: short intervals so that tests wait on events, not on periods."""
    values: dict[str, Any] = {
        "broker_url": broker_url,
        "site": "mairie-test",
        "kiosk_id": "borne-1",
        "data_dir": data_dir,
        "health_interval": 0.5,
        "will_delay": 1,
        "keepalive": 5,
        "reconnect_max_delay": 1,
    }
    values.update(overrides)
    return AgentSettings(**values)
