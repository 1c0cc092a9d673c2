"""What the fleet agent asks of the kiosk it runs in: ``KioskLink``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from fleet.protocol import Command, CommandReply, KioskHealth

#: Sends the answer to one command; the kiosk may call it from any thread, once.
ReplyFunction = Callable[[CommandReply], None]


class KioskLink(Protocol):
    """The kiosk side of the agent. Both methods are called on the agent's threads (the MQTT
    loop's or the agent's worker) and must return at once: the kiosk hands anything that
    touches its screens to its UI thread."""

    def health(self) -> KioskHealth:
        """The kiosk's current state (screen kind, speech, devices, content); never citizen data.

        Called every health interval and at each birth; must not block (read snapshots)."""
        ...

    def on_command(self, command: Command, reply: ReplyFunction) -> None:
        """Carry out ``command`` (ping, reload_content, maintenance_enter, maintenance_leave,
        test_print, restart, help_ack; the agent answers rebirth itself).

        Called on the MQTT loop's thread: hand the command to the UI thread and return. Call
        ``reply`` later, from any thread, with the outcome; without a reply in time the agent
        answers ``timeout`` for the kiosk. ``restart`` is refused (``in_session``) while a
        citizen is in a session, unless ``force``."""
        ...
