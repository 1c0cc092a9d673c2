"""Commands to kiosks: checked, stored, published with a response topic and correlation data."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from pydantic import ValidationError
from sqlalchemy import Engine, select, update

from fleet import protocol
from fleet.dashboard.store import schema
from fleet.dashboard.store.fleet import command_json, kiosk_exists

logger = logging.getLogger(__name__)

#: A command a kiosk has not received by then is dropped by the broker: an old order is no order.
COMMAND_EXPIRY_S = 300


class CommandError(Exception):
    """A command that cannot be sent; `code` is what the API answers ("unknown_command", ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class CommandSender:
    """Stores each command, then publishes it on the serve process's MQTT connection.

    Thread-safe (paho's publish is); the answer comes back on the kiosk's reply topic to any serve
    process of the group, which stores it by correlation data (the command's id).
    """

    def __init__(self, engine: Engine, client: mqtt.Client, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._client = client
        self._clock = clock

    def send(
        self, site: str, kiosk_id: str, name: str, arguments: Mapping[str, Any], requested_by: str
    ) -> dict[str, Any]:
        """Send the command and return its row (status "pending" until the kiosk answers)."""
        command = checked_command(name, arguments)
        if not kiosk_exists(self._engine, site, kiosk_id):
            raise CommandError("unknown_kiosk", "no such kiosk")
        command_id = uuid.uuid4().hex
        row = {
            "command_id": command_id,
            "kiosk_id": kiosk_id,
            "site": site,
            "name": command.name.value,
            "arguments": json.dumps(command.model_dump(mode="json", exclude={"v"})),
            "requested_by": requested_by,
            "requested_at": self._clock(),
            "status": "pending",
        }
        with self._engine.begin() as connection:
            connection.execute(schema.commands.insert(), row)
        properties = mqtt.Properties(PacketTypes.PUBLISH)
        properties.ResponseTopic = protocol.reply_topic(site, kiosk_id)
        properties.CorrelationData = command_id.encode("ascii")
        properties.MessageExpiryInterval = COMMAND_EXPIRY_S
        info = self._client.publish(
            protocol.command_topic(site, kiosk_id, command.name),
            protocol.encode(command),
            qos=protocol.COMMAND_QOS,
            properties=properties,
        )
        if info.rc not in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN):
            # NO_CONN still queues a QoS 1 message for the reconnection; anything else does not.
            self._finish(command_id, "error", {"code": "not_sent", "detail": mqtt.error_string(info.rc)})
        logger.info("command %s sent to %s by %s", command.name.value, kiosk_id, requested_by)
        return {**row, "arguments": json.loads(row["arguments"]), "answered_at": None, "answer": None}

    def _finish(self, command_id: str, status: str, answer: Mapping[str, Any]) -> None:
        commands = schema.commands
        with self._engine.begin() as connection:
            connection.execute(
                update(commands)
                .where(commands.c.command_id == command_id, commands.c.status == "pending")
                .values(status=status, answered_at=self._clock(), answer=json.dumps(dict(answer)))
            )


def checked_command(name: str, arguments: Mapping[str, Any]) -> protocol.Command:
    """The protocol's command for the name and arguments, or CommandError."""
    try:
        command_type = protocol.COMMAND_TYPES[protocol.CommandName(name)]
    except ValueError:
        raise CommandError("unknown_command", f"unknown command {name[:50]!r}") from None
    try:
        return command_type.model_validate(dict(arguments))
    except ValidationError as error:
        first = error.errors(include_url=False, include_input=False)[0]
        place = ".".join(str(part) for part in first.get("loc", ())) or "arguments"
        raise CommandError("invalid_arguments", f"{place}: {first.get('type', 'invalid')}") from None


def command(engine: Engine, command_id: str) -> dict[str, Any] | None:
    """The command's row as the API shows it, or None."""
    with engine.connect() as connection:
        row = connection.execute(
            select(schema.commands).where(schema.commands.c.command_id == command_id)
        ).first()
    return command_json(row) if row is not None else None


def expire_commands(engine: Engine, older_than: float, now: float) -> int:
    """Mark commands still pending since before `older_than` as timed out; returns how many."""
    commands = schema.commands
    with engine.begin() as connection:
        result = connection.execute(
            update(commands)
            .where(commands.c.status == "pending", commands.c.requested_at < older_than)
            .values(status="timeout", answered_at=now, answer=json.dumps({"code": "timeout", "detail": ""}))
        )
    return result.rowcount
