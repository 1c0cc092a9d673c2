"""The fleet's MQTT protocol: topics, versioned payloads and their validation (plain Python, no paho).

Every kiosk writes under its own root ``kiosk/v1/{site}/{kiosk_id}/``:

- ``state``: retained, QoS 1. The birth ``{"v": 1, "state": "ready", "bdSeq": n, ...}`` after
  each connection; the will ``{"v": 1, "state": "lost", "bdSeq": n}`` (same ``bdSeq`` as the
  birth of that connection, so a late will is recognised as stale); ``disconnected`` before a
  clean stop; ``maintenance`` and ``alert`` while they last.
- ``health``: QoS 0 with message expiry, every N seconds, with a ``seq`` counter.
- ``event``: QoS 1, not retained. Every event has a unique ``id`` (uuid4 hex): an event sent
  again after a reconnection is recognised as a duplicate.
- ``reply``: QoS 1, the answers to commands (the dashboard names this topic as the MQTT 5
  response topic; a kiosk may write only under its own root, so it answers nowhere else).

and reads ``cmd/{name}`` (QoS 1, from the dashboard). Every payload is a JSON object with
``"v": 1``. Consumers ignore fields they do not know (additive changes keep ``v``); commands are
strict (a kiosk acts only on what it fully understands).

Everything that arrives from the network goes through a ``parse_*`` function: it checks the
size, the JSON and the schema, and raises one ``ProtocolError`` with a short reason.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)

#: The version every payload carries as ``"v"``; also the ``v1`` level of every topic.
SCHEMA_VERSION = 1
#: The first two levels of every topic.
TOPIC_PREFIX = "kiosk/v1"
#: The largest payload any ``parse_*`` function reads; larger ones are refused unread.
MAX_PAYLOAD_BYTES = 64 * 1024
#: The largest MQTT 5 correlation data a kiosk echoes back.
MAX_CORRELATION_BYTES = 256
#: QoS of each kind of message.
STATE_QOS = 1
HEALTH_QOS = 0
EVENT_QOS = 1
COMMAND_QOS = 1
REPLY_QOS = 1

#: The validation context of payloads read from the network.
_WIRE = "wire"
_IDENTIFIER = re.compile(r"[a-z0-9_-]{1,64}")

#: A site or kiosk id: a topic level that can be neither a wildcard nor two levels.
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,64}$")]
#: A short machine code ("paper_out", "step", "speaking"): never free text, so never citizen data.
Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_.:-]{1,64}$")]
#: An event id: uuid4 as 32 lowercase hex digits.
EventId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
#: A language tag such as "fr", "ar" or "pt-BR".
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")]
#: A version string of the application or the content ("0.1.0", "2024-06-01.3").
Version = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.+:-]{1,64}$")]
#: A moment, with its time zone on the way in, in UTC once read.
UtcDatetime = Annotated[AwareDatetime, AfterValidator(lambda value: value.astimezone(dt.UTC))]
#: Short human-readable text (a command reply's detail): bounded, one line.
ShortText = Annotated[str, StringConstraints(max_length=200, pattern=r"^[^\r\n]*$")]


class ProtocolError(ValueError):
    """A topic or payload that breaks the protocol; ``reason`` is short and safe to log or reply."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_event_id() -> str:
    return uuid.uuid4().hex


# --- Topics -------------------------------------------------------------------------------------


class TopicKind(StrEnum):
    """The last level (or, for commands, the level before the name) of a kiosk's topics."""

    STATE = "state"
    HEALTH = "health"
    EVENT = "event"
    REPLY = "reply"
    COMMAND = "cmd"


class CommandName(StrEnum):
    """The commands a kiosk obeys; the value is the topic's last level."""

    PING = "ping"
    REBIRTH = "rebirth"  #: publish the birth again (the dashboard lost its retained copy)
    RELOAD_CONTENT = "reload_content"
    MAINTENANCE_ENTER = "maintenance_enter"  #: the kiosk shows and says "Borne en maintenance"
    MAINTENANCE_LEAVE = "maintenance_leave"
    TEST_PRINT = "test_print"
    RESTART = "restart"  #: refused while a citizen is in a session, unless ``force``
    HELP_ACK = "help_ack"  #: the kiosk shows and says "Un conseiller arrive"


@dataclass(frozen=True)
class Topic:
    """A parsed kiosk topic; ``command`` is set for ``cmd/{name}`` topics only."""

    site: str
    kiosk_id: str
    kind: TopicKind
    command: CommandName | None = None


def check_identifier(value: str, what: str = "id") -> str:
    """``value`` if it is a valid site or kiosk id, else ``ProtocolError``."""
    if not isinstance(value, str) or not _IDENTIFIER.fullmatch(value):
        raise ProtocolError(f"invalid {what}: 1 to 64 of a-z 0-9 _ -")
    return value


def kiosk_root(site: str, kiosk_id: str) -> str:
    """``kiosk/v1/{site}/{kiosk_id}``, the root every topic of one kiosk lives under."""
    return f"{TOPIC_PREFIX}/{check_identifier(site, 'site')}/{check_identifier(kiosk_id, 'kiosk id')}"


def state_topic(site: str, kiosk_id: str) -> str:
    return f"{kiosk_root(site, kiosk_id)}/{TopicKind.STATE}"


def health_topic(site: str, kiosk_id: str) -> str:
    return f"{kiosk_root(site, kiosk_id)}/{TopicKind.HEALTH}"


def event_topic(site: str, kiosk_id: str) -> str:
    return f"{kiosk_root(site, kiosk_id)}/{TopicKind.EVENT}"


def reply_topic(site: str, kiosk_id: str) -> str:
    """Where a kiosk answers commands: the response topic a dashboard sets on each command."""
    return f"{kiosk_root(site, kiosk_id)}/{TopicKind.REPLY}"


def command_topic(site: str, kiosk_id: str, name: CommandName | str) -> str:
    return f"{kiosk_root(site, kiosk_id)}/{TopicKind.COMMAND}/{CommandName(name)}"


def command_filter(site: str, kiosk_id: str) -> str:
    """The subscription a kiosk makes: every command addressed to it."""
    return f"{kiosk_root(site, kiosk_id)}/{TopicKind.COMMAND}/+"


#: The subscription of a dashboard: every kiosk's state, health, events and replies.
FLEET_FILTERS: tuple[str, ...] = tuple(
    f"{TOPIC_PREFIX}/+/+/{kind}" for kind in TopicKind if kind is not TopicKind.COMMAND
)


def shared_filter(group: str, topic_filter: str) -> str:
    """An MQTT 5 shared subscription: workers of one ``group`` share the messages of ``topic_filter``."""
    return f"$share/{check_identifier(group, 'group')}/{topic_filter}"


def account_name(site: str, kiosk_id: str) -> str:
    """A kiosk's broker username, ``{site}/{kiosk_id}``: the ACL pattern ``kiosk/v1/%u/...`` then
    names exactly this kiosk's root (see deploy/mosquitto/acl)."""
    return f"{check_identifier(site, 'site')}/{check_identifier(kiosk_id, 'kiosk id')}"


def parse_topic(topic: str) -> Topic:
    """The site, kiosk, kind and command of a kiosk topic; ``ProtocolError`` for anything else."""
    if not isinstance(topic, str) or len(topic) > 512:
        raise ProtocolError("invalid topic")
    levels = topic.split("/")
    if len(levels) not in (5, 6) or "/".join(levels[:2]) != TOPIC_PREFIX:
        raise ProtocolError("not a kiosk/v1 topic")
    site = check_identifier(levels[2], "site")
    kiosk_id = check_identifier(levels[3], "kiosk id")
    try:
        kind = TopicKind(levels[4])
    except ValueError:
        raise ProtocolError("unknown topic kind") from None
    if kind is TopicKind.COMMAND:
        if len(levels) != 6:
            raise ProtocolError("command topic without a name")
        try:
            return Topic(site, kiosk_id, kind, CommandName(levels[5]))
        except ValueError:
            raise ProtocolError("unknown command") from None
    if len(levels) != 5:
        raise ProtocolError("too many topic levels")
    return Topic(site, kiosk_id, kind)


# --- Payloads -----------------------------------------------------------------------------------


class _Model(BaseModel):
    """Frozen; unknown fields ignored (newer senders may add fields within one version)."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True, allow_inf_nan=False)


class _Payload(_Model):
    """A top-level payload: it carries the schema version, which must be on the wire."""

    v: Literal[1] = 1

    #: Fields with a default in Python that must nevertheless be on the wire.
    wire_required: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _complete_on_the_wire(cls, data: Any, info: ValidationInfo) -> Any:
        # Built in Python, ``v`` defaults to 1; read from the network, it must be there and be
        # exactly the integer 1 (not 1.0, not true): a newer kiosk's payload is refused, not guessed.
        if info.context == _WIRE and isinstance(data, dict):
            version = data.get("v")
            if type(version) is not int or version != SCHEMA_VERSION:
                raise ValueError("unsupported version")
            missing = [name for name in cls.wire_required if name not in data]
            if missing:
                raise ValueError(f"missing {missing[0]}")
        return data


class KioskState(StrEnum):
    READY = "ready"  #: the birth: connected and serving citizens
    LOST = "lost"  #: the will: the broker lost the kiosk (crash, power, network)
    DISCONNECTED = "disconnected"  #: a clean stop
    MAINTENANCE = "maintenance"  #: shows "Borne en maintenance"; citizens cannot start a session
    ALERT = "alert"  #: serving, but needs someone (a device is down)


class StatePayload(_Payload):
    """The retained state of a kiosk. The will carries only ``state`` and ``bdSeq``."""

    state: KioskState
    #: Birth/death sequence: one more for each connection; the will repeats its connection's.
    bd_seq: int = Field(alias="bdSeq", ge=0)
    at: UtcDatetime | None = None
    app_version: Version | None = None
    content_version: Version | None = None
    #: Why, for ``alert`` and ``maintenance`` ("printer_paper_out", "command").
    reason: Code | None = None


class DeviceReport(_Model):
    """One device's health, with the fields of ``devices.health.DeviceHealth``."""

    device: Code
    present: bool
    ready: bool
    detail: Code = "ok"
    last_error: Code | None = None
    last_error_at: UtcDatetime | None = None


class SystemHealth(_Model):
    """The machine, measured by the agent (psutil)."""

    cpu_percent: float = Field(ge=0, le=100 * 1024)
    memory_percent: float = Field(ge=0, le=100)
    disk_percent: float = Field(ge=0, le=100)
    #: The hottest sensor, when the machine has one psutil can read.
    temperature_c: float | None = None
    boot_uptime_s: float = Field(ge=0)


class KioskHealth(_Model):
    """What the kiosk application reports about itself; never anything about a citizen."""

    app_version: Version
    uptime_s: float = Field(ge=0)
    #: The kind of screen shown ("home", "step", "summary"), never what is on it.
    screen: Code
    #: The speech engine's state ("ready", "speaking", "off", "unavailable").
    speech: Code
    devices: tuple[DeviceReport, ...] = Field(default=(), max_length=32)
    content_version: Version | None = None
    #: The oldest "facts checked on" date of the procedures in use.
    content_oldest_check: dt.date | None = None
    in_session: bool = False


class HealthPayload(KioskHealth, _Payload):
    """A periodic health report: the kiosk's own, the machine's, and the link's."""

    #: One more for each report since the agent started.
    seq: int = Field(ge=0)
    at: UtcDatetime
    system: SystemHealth | None = None
    #: Reconnections since the agent started.
    reconnects: int = Field(default=0, ge=0)
    #: Events waiting in the on-disk queue.
    queued_events: int = Field(default=0, ge=0)


# --- Events -------------------------------------------------------------------------------------


class EventKind(StrEnum):
    DEVICE_FAULT = "device_fault"
    DEVICE_RECOVERED = "device_recovered"
    APP_CRASH = "app_crash"
    APP_RESTART = "app_restart"
    CONTENT_REFUSED = "content_refused"
    HELP_REQUEST = "help_request"
    HELP_ACKNOWLEDGED = "help_acknowledged"
    SESSION = "session"


class _Event(_Payload):
    """Fields every event has. ``id`` is unique: receivers drop an id they have already seen."""

    id: EventId = Field(default_factory=new_event_id)
    at: UtcDatetime = Field(default_factory=utc_now)
    kind: EventKind

    #: Statistics may be dropped first when the on-disk queue is full; the others never.
    droppable: ClassVar[bool] = False
    #: A receiver de-duplicates by ``id``: one made up on reading would defeat it.
    wire_required: ClassVar[tuple[str, ...]] = ("id", "at")


class DeviceFault(_Event):
    kind: Literal[EventKind.DEVICE_FAULT] = EventKind.DEVICE_FAULT
    device: Code
    detail: Code


class DeviceRecovered(_Event):
    kind: Literal[EventKind.DEVICE_RECOVERED] = EventKind.DEVICE_RECOVERED
    device: Code
    detail: Code = "ok"


class AppCrash(_Event):
    """The application failed; ``error`` is the exception's type name, never its message (it
    could quote what a citizen typed)."""

    kind: Literal[EventKind.APP_CRASH] = EventKind.APP_CRASH
    error: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.]{1,128}$")]
    #: The screen kind it happened on.
    screen: Code | None = None
    #: Where it happened (type and frames, hashed): the same fault has the same fingerprint.
    fingerprint: Code | None = None


class AppRestart(_Event):
    kind: Literal[EventKind.APP_RESTART] = EventKind.APP_RESTART
    #: "boot", "crash", "command", "update".
    reason: Code
    app_version: Version | None = None
    #: After a crash: the crash's fingerprint (see ``AppCrash``).
    fingerprint: Code | None = None


class ContentRefused(_Event):
    """A content file failed validation; the last good catalogue stays in use."""

    kind: Literal[EventKind.CONTENT_REFUSED] = EventKind.CONTENT_REFUSED
    #: The file's name in the content directory.
    file: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,128}$")]
    line: int | None = Field(default=None, ge=0)
    #: A short code of the error ("schema", "yaml", "reference_missing").
    error: Code


class HelpRequested(_Event):
    """A citizen asked for a mediator: where, on which procedure and step, why. Never who.

    A mediator's ``help_ack`` command names this event's ``id`` as its ``request_id``.
    """

    kind: Literal[EventKind.HELP_REQUEST] = EventKind.HELP_REQUEST
    site: Identifier
    kiosk_id: Identifier
    procedure: Code | None = None
    step: Code | None = None
    #: A ``fleet.help.HelpReason`` value.
    reason: Code


class HelpAcknowledged(_Event):
    kind: Literal[EventKind.HELP_ACKNOWLEDGED] = EventKind.HELP_ACKNOWLEDGED
    request_id: EventId


class SessionOutcome(StrEnum):
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class SessionStatistics(_Event):
    """The anonymous statistics of one finished session."""

    kind: Literal[EventKind.SESSION] = EventKind.SESSION
    procedure: Code | None = None
    duration_s: float = Field(ge=0, le=7 * 24 * 3600)
    outcome: SessionOutcome
    help_asked: bool = False
    #: The satisfaction question's three faces: 1 (sad) to 3 (happy); None when skipped.
    satisfaction: int | None = Field(default=None, ge=1, le=3)
    language: Language
    #: Accessibility features used ("large_text", "speech", "keypad", "language:ar").
    accessibility: tuple[Code, ...] = Field(default=(), max_length=32)

    droppable: ClassVar[bool] = True


Event = Annotated[
    DeviceFault
    | DeviceRecovered
    | AppCrash
    | AppRestart
    | ContentRefused
    | HelpRequested
    | HelpAcknowledged
    | SessionStatistics,
    Field(discriminator="kind"),
]

# --- Commands -----------------------------------------------------------------------------------


class Command(_Payload):
    """A command from the dashboard; each subclass is one ``CommandName``. Strict: unknown fields
    are refused, so a kiosk never half-understands an order."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    name: ClassVar[CommandName]


class PingCommand(Command):
    name: ClassVar[CommandName] = CommandName.PING


class RebirthCommand(Command):
    name: ClassVar[CommandName] = CommandName.REBIRTH


class ReloadContentCommand(Command):
    name: ClassVar[CommandName] = CommandName.RELOAD_CONTENT


class MaintenanceEnterCommand(Command):
    name: ClassVar[CommandName] = CommandName.MAINTENANCE_ENTER


class MaintenanceLeaveCommand(Command):
    name: ClassVar[CommandName] = CommandName.MAINTENANCE_LEAVE


class TestPrintCommand(Command):
    __test__ = False  # pytest: not a test class
    name: ClassVar[CommandName] = CommandName.TEST_PRINT


class RestartCommand(Command):
    name: ClassVar[CommandName] = CommandName.RESTART
    #: Restart even while a citizen is in a session.
    force: bool = False


class HelpAckCommand(Command):
    name: ClassVar[CommandName] = CommandName.HELP_ACK
    #: The ``id`` of the ``help_request`` event a mediator answers.
    request_id: EventId


COMMAND_TYPES: dict[CommandName, type[Command]] = {
    command.name: command
    for command in (
        PingCommand,
        RebirthCommand,
        ReloadContentCommand,
        MaintenanceEnterCommand,
        MaintenanceLeaveCommand,
        TestPrintCommand,
        RestartCommand,
        HelpAckCommand,
    )
}


class ReplyCode(StrEnum):
    """The ``code`` of a command reply."""

    OK = "ok"
    MALFORMED = "malformed"  #: the payload is not valid JSON for this command
    TOO_LARGE = "too_large"
    UNKNOWN_COMMAND = "unknown_command"
    IN_SESSION = "in_session"  #: a citizen is using the kiosk; ``force`` to override
    UNAVAILABLE = "unavailable"  #: the device or feature is missing (no printer)
    BUSY = "busy"
    FAILED = "failed"
    TIMEOUT = "timeout"  #: the kiosk did not answer in time


class CommandReply(_Payload):
    """The answer to a command, sent to the response topic with the command's correlation data."""

    ok: bool
    code: Code
    detail: ShortText = ""

    @classmethod
    def success(cls, detail: str = "") -> CommandReply:
        return cls(ok=True, code=ReplyCode.OK, detail=detail)

    @classmethod
    def refusal(cls, code: ReplyCode | str, detail: str = "") -> CommandReply:
        return cls(ok=False, code=code, detail=detail[:200].splitlines()[0] if detail else "")


# --- Encoding and parsing -----------------------------------------------------------------------


def encode(payload: BaseModel) -> bytes:
    """The payload's JSON (UTF-8, field aliases such as ``bdSeq``, no null fields)."""
    return payload.model_dump_json(by_alias=True, exclude_none=True).encode()


_EVENT_ADAPTER: TypeAdapter[Any] = TypeAdapter(Event)


def _short(error: ValidationError) -> str:
    """A short reason from pydantic's error: the first problem's place and type, no input echoed."""
    first = error.errors(include_url=False, include_input=False)[0]
    place = ".".join(str(part) for part in first.get("loc", ())) or "payload"
    # Our own checks' messages are short and safe; pydantic's other messages may quote the input.
    if first.get("type") == "value_error":
        what = str(first.get("msg", "")).removeprefix("Value error, ")
    else:
        what = first.get("type", "invalid")
    return f"{place}: {what}"[:120]


def _checked_size(payload: bytes | bytearray | memoryview) -> bytes:
    if not isinstance(payload, bytes | bytearray | memoryview):
        raise ProtocolError("payload is not bytes")
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise ProtocolError(f"payload over {MAX_PAYLOAD_BYTES} bytes")
    if not payload:
        raise ProtocolError("empty payload")
    return bytes(payload)


def _validate(model: Any, payload: bytes | bytearray | memoryview) -> Any:
    data = _checked_size(payload)
    try:
        if isinstance(model, TypeAdapter):
            return model.validate_json(data, context=_WIRE)
        return model.model_validate_json(data, context=_WIRE)
    except ValidationError as error:
        raise ProtocolError(_short(error)) from None
    except (ValueError, RecursionError):
        raise ProtocolError("invalid JSON") from None


def parse_state(payload: bytes) -> StatePayload:
    """A ``state`` payload. An empty one (a cleared retained message) is a ``ProtocolError``."""
    return _validate(StatePayload, payload)


def parse_health(payload: bytes) -> HealthPayload:
    return _validate(HealthPayload, payload)


def parse_event(payload: bytes) -> Event:
    return _validate(_EVENT_ADAPTER, payload)


def parse_command(name: CommandName | str, payload: bytes) -> Command:
    try:
        command_type = COMMAND_TYPES[CommandName(name)]
    except ValueError:
        raise ProtocolError("unknown command") from None
    return _validate(command_type, payload)


def parse_reply(payload: bytes) -> CommandReply:
    return _validate(CommandReply, payload)


def parse_message(topic: str, payload: bytes) -> tuple[Topic, BaseModel]:
    """Any kiosk message, by its topic: what a dashboard's ingest calls for each message."""
    parsed = parse_topic(topic)
    if parsed.kind is TopicKind.STATE:
        return parsed, parse_state(payload)
    if parsed.kind is TopicKind.HEALTH:
        return parsed, parse_health(payload)
    if parsed.kind is TopicKind.EVENT:
        return parsed, parse_event(payload)
    if parsed.kind is TopicKind.REPLY:
        return parsed, parse_reply(payload)
    assert parsed.command is not None  # parse_topic names every command topic's command
    return parsed, parse_command(parsed.command, payload)


#: The classes of the ``Event`` union, for ``isinstance`` checks.
EVENT_TYPES: tuple[type[BaseModel], ...] = (
    DeviceFault,
    DeviceRecovered,
    AppCrash,
    AppRestart,
    ContentRefused,
    HelpRequested,
    HelpAcknowledged,
    SessionStatistics,
)
