"""Commands from the dashboard: validated, handed to the kiosk, each answered exactly once.

A command arrives on ``kiosk/v1/{site}/{kiosk_id}/cmd/{name}`` with an MQTT 5 response topic
and correlation data. The dispatcher checks the topic, the size and the payload; refuses what is
wrong with a reply (``too_large``, ``unknown_command``, ``malformed``) when it can; answers
``rebirth`` itself and hands the others to the kiosk's ``KioskLink.on_command``. The kiosk's
reply, from any thread, goes out once with the command's correlation data; a kiosk that does
not answer within ``reply_timeout`` is answered for (``timeout``). Nothing here raises into the
MQTT loop: a broker or dashboard sending garbage costs a log line, never the kiosk.

Replies always go to the kiosk's own ``reply`` topic, whatever response topic the command
names: a kiosk may write only under its own root (deploy/mosquitto/acl).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from fleet.agent.link import KioskLink
from fleet.protocol import (
    MAX_CORRELATION_BYTES,
    MAX_PAYLOAD_BYTES,
    Command,
    CommandName,
    CommandReply,
    ProtocolError,
    ReplyCode,
    command_filter,
    parse_command,
    reply_topic,
)

log = logging.getLogger(__name__)

#: Seconds the kiosk has to answer a command before the agent answers ``timeout`` for it.
REPLY_TIMEOUT = 30.0

#: Sends one reply with its correlation data (``None`` when the command had none).
SendReply = Callable[[CommandReply, bytes | None], None]
#: A command the agent answers itself, without the kiosk.
LocalHandler = Callable[[Command], CommandReply]


@dataclass(eq=False)
class PendingReply:
    """The ``reply`` function handed to the kiosk with one command: the first call wins."""

    command: Command
    correlation: bytes | None
    deadline: float
    _dispatcher: CommandDispatcher
    _lock: threading.Lock = field(default_factory=threading.Lock)
    answered: bool = False

    def __call__(self, reply: CommandReply) -> None:
        """Send ``reply`` (any thread); a second call is ignored and logged."""
        if not isinstance(reply, CommandReply):
            log.error(
                "the kiosk answered %s with a %s, not a CommandReply", self.command.name, type(reply).__name__
            )
            reply = CommandReply.refusal(ReplyCode.FAILED, "invalid reply from the kiosk")
        with self._lock:
            if self.answered:
                log.info("a second reply to %s ignored (%s)", self.command.name, reply.code)
                return
            self.answered = True
        self._dispatcher.finish(self, reply)


class CommandDispatcher:
    """Validates the commands addressed to one kiosk, dispatches them and answers each once.

    Threads: ``handle`` is called on the MQTT loop's thread, ``expire`` on the agent's worker;
    replies may come from any thread. ``send`` is called on whichever thread answered and must
    not block.
    """

    def __init__(
        self,
        site: str,
        kiosk_id: str,
        link: KioskLink,
        send: SendReply,
        local: Mapping[CommandName, LocalHandler] | None = None,
        reply_timeout: float = REPLY_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._prefix = command_filter(site, kiosk_id).removesuffix("+")
        self.reply_topic = reply_topic(site, kiosk_id)
        self._link = link
        self._send = send
        self._local = dict(local or {})
        self._reply_timeout = reply_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: list[PendingReply] = []
        #: Commands refused before reaching the kiosk (malformed, oversized, unknown).
        self.refused = 0

    def handle(
        self,
        topic: str,
        payload: bytes,
        correlation: bytes | None = None,
        response_topic: str | None = None,
        retained: bool = False,
    ) -> None:
        """Check one incoming message and act on it; never raises."""
        try:
            self._handle(topic, payload, correlation, response_topic, retained)
        except Exception:  # noqa: BLE001 - the MQTT loop must survive any bug below
            log.exception("command on %.100r failed", topic)

    def _handle(
        self,
        topic: str,
        payload: bytes,
        correlation: bytes | None,
        response_topic: str | None,
        retained: bool,
    ) -> None:
        if not isinstance(topic, str) or not topic.startswith(self._prefix):
            log.warning("message on %.100r ignored: not a command for this kiosk", topic)
            return
        if retained:
            # A retained command would run again at every reconnection (a restart loop): whoever
            # sent it is not waiting for this reply anyway.
            log.warning("retained command on %.100r ignored", topic)
            return
        if correlation is not None and len(correlation) > MAX_CORRELATION_BYTES:
            self._refuse(None, ReplyCode.MALFORMED, "correlation data too long")
            return
        if response_topic is not None and response_topic != self.reply_topic:
            log.info("command's response topic %.100r replaced by %s", response_topic, self.reply_topic)
        name = topic.removeprefix(self._prefix)
        try:
            command_name = CommandName(name)
        except ValueError:
            self._refuse(correlation, ReplyCode.UNKNOWN_COMMAND, "unknown command")
            return
        if len(payload) > MAX_PAYLOAD_BYTES:
            self._refuse(correlation, ReplyCode.TOO_LARGE, f"payload over {MAX_PAYLOAD_BYTES} bytes")
            return
        try:
            command = parse_command(command_name, payload)
        except ProtocolError as error:
            self._refuse(correlation, ReplyCode.MALFORMED, error.reason)
            return
        log.info("command %s received", command.name)
        pending = PendingReply(command, correlation, self._clock() + self._reply_timeout, self)
        local = self._local.get(command.name)
        if local is not None:
            pending(local(command))
            return
        with self._lock:
            self._pending.append(pending)
        try:
            self._link.on_command(command, pending)
        except Exception:  # noqa: BLE001 - the kiosk's bug is answered, not raised into the loop
            log.exception("the kiosk failed to take command %s", command.name)
            pending(CommandReply.refusal(ReplyCode.FAILED, "the kiosk could not take the command"))

    def _refuse(self, correlation: bytes | None, code: ReplyCode, detail: str) -> None:
        self.refused += 1
        log.warning("command refused: %s (%s)", code.value, detail)
        self._send(CommandReply.refusal(code, detail), correlation)

    def finish(self, pending: PendingReply, reply: CommandReply) -> None:
        """Send the one reply to ``pending`` (called by ``PendingReply`` only)."""
        with self._lock:
            if pending in self._pending:
                self._pending.remove(pending)
        log.info("command %s answered: %s", pending.command.name, reply.code)
        try:
            self._send(reply, pending.correlation)
        except Exception:  # noqa: BLE001 - the kiosk's thread that replied must not get our error
            log.exception("reply to %s not sent", pending.command.name)

    def expire(self) -> float | None:
        """Answer ``timeout`` for every overdue command; returns the seconds until the next
        deadline, or None when no command waits."""
        now = self._clock()
        with self._lock:
            overdue = [pending for pending in self._pending if pending.deadline <= now]
            later = [pending.deadline for pending in self._pending if pending.deadline > now]
        for pending in overdue:
            pending(CommandReply.refusal(ReplyCode.TIMEOUT, "the kiosk did not answer in time"))
        return min(later) - now if later else None

    @property
    def waiting(self) -> int:
        """Commands handed to the kiosk and not answered yet."""
        with self._lock:
            return len(self._pending)
