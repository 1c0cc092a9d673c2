"""Plain records that ingestion hands to the store: validated, typed, free of MQTT and pydantic."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class DeviceState:
    """One device of a kiosk as its last health message described it."""

    name: str
    present: bool
    ready: bool
    #: The device's short code: "ok", "paper_out", "paper_near_end", "connection_refused", ...
    detail: str = "ok"


@dataclass(frozen=True, slots=True)
class StateUpdate:
    """A kiosk's retained state: its birth, its will, a clean stop, maintenance or alert."""

    site: str
    kiosk_id: str
    #: "ready", "lost", "disconnected", "maintenance" or "alert".
    state: str
    #: The birth/death sequence that pairs a will with its birth (None for states without one).
    bd_seq: int | None
    received_at: float
    detail: str = ""


@dataclass(frozen=True, slots=True)
class HealthUpdate:
    """A kiosk's periodic health: versions, resources and its devices."""

    site: str
    kiosk_id: str
    received_at: float
    seq: int
    app_version: str = ""
    content_version: str = ""
    #: The oldest date on which the content's facts were checked (ISO date), if known.
    content_checked_on: str | None = None
    uptime_s: float | None = None
    screen: str = ""
    cpu_percent: float | None = None
    memory_percent: float | None = None
    disk_percent: float | None = None
    temperature_c: float | None = None
    speech: str = ""
    reconnects: int = 0
    devices: tuple[DeviceState, ...] = ()

    def device(self, name: str) -> DeviceState | None:
        """The device of that name, if the kiosk reported it."""
        return next((device for device in self.devices if device.name == name), None)


@dataclass(frozen=True, slots=True)
class HelpRequestDetails:
    """Where the citizen is when they ask for help: never who they are."""

    procedure: str | None
    step: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class SessionStatistics:
    """One finished session, anonymous: what the usage page and the open data count."""

    procedure: str | None
    duration_s: float
    completed: bool
    help_requested: bool
    #: The three faces: 1 (unhappy) to 3 (happy); None when the citizen did not answer.
    satisfaction: int | None
    language: str
    features: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventRecord:
    """An event: its id is unique fleet-wide, so a redelivered copy is stored once."""

    event_id: str
    site: str
    kiosk_id: str
    #: "help_request", "session", "device_fault", "device_recovered", "crash", ...
    kind: str
    occurred_at: float
    received_at: float
    data: Mapping[str, object] = field(default_factory=dict)
    help_request: HelpRequestDetails | None = None
    session: SessionStatistics | None = None
    #: For a "help_acknowledged" event: the help request's event id that the kiosk says is answered.
    acknowledges: str | None = None


@dataclass(frozen=True, slots=True)
class CommandAnswer:
    """A kiosk's reply to a command, matched to the command by its correlation data."""

    correlation: str
    received_at: float
    #: "ok", "refused" or "error", as the kiosk said.
    status: str
    data: Mapping[str, object] = field(default_factory=dict)


Record = StateUpdate | HealthUpdate | EventRecord | CommandAnswer
