"""The agent's settings (the kiosk's ``[fleet]`` configuration) and the broker URL they name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from fleet.protocol import Identifier, check_identifier

#: The port of each scheme when the URL names none.
DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883, "ws": 80, "wss": 443}
#: The HTTP path of a websocket broker when the URL names none (Mosquitto ignores it).
DEFAULT_WEBSOCKET_PATH = "/mqtt"


@dataclass(frozen=True)
class BrokerAddress:
    """Where the broker is and how to reach it."""

    host: str
    port: int
    #: "tcp" or "websockets", as paho names its transports.
    transport: Literal["tcp", "websockets"]
    tls: bool
    path: str = DEFAULT_WEBSOCKET_PATH

    @classmethod
    def from_url(cls, url: str) -> BrokerAddress:
        """``mqtt://``, ``mqtts://`` (TLS), ``ws://`` or ``wss://`` (websockets, for sites that
        only let port 443 out); ``ValueError`` for anything else."""
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS:
            raise ValueError("broker URL: the scheme must be mqtt, mqtts, ws or wss")
        if not parts.hostname:
            raise ValueError("broker URL: no host")
        if parts.username or parts.password:
            raise ValueError("broker URL: put the username in 'username' and the password in a file")
        try:
            port = parts.port or DEFAULT_PORTS[parts.scheme]
        except ValueError:
            raise ValueError("broker URL: invalid port") from None
        websocket = parts.scheme in ("ws", "wss")
        return cls(
            host=parts.hostname,
            port=port,
            transport="websockets" if websocket else "tcp",
            tls=parts.scheme in ("mqtts", "wss"),
            path=(parts.path or DEFAULT_WEBSOCKET_PATH) if websocket else DEFAULT_WEBSOCKET_PATH,
        )


class AgentSettings(BaseModel):
    """What the fleet agent needs: the broker, who this kiosk is, and where it keeps its queue."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    broker_url: str
    site: Identifier
    kiosk_id: Identifier
    #: The kiosk's broker account, "<site>/<kiosk_id>" with deploy/mosquitto's ACL.
    username: str | None = None
    #: A file holding the password (first line), readable by the kiosk's user only.
    password_file: Path | None = None
    #: The CA certificate that signed the broker's (mqtts://, wss://); None: the system's CAs.
    ca_file: Path | None = None
    #: Seconds between two MQTT pings when nothing else is sent.
    keepalive: Annotated[int, Field(ge=5, le=3600)] = 30
    #: Seconds between two health reports.
    health_interval: Annotated[float, Field(gt=0, le=3600)] = 30.0
    #: Seconds the broker waits before publishing the will: a reconnection within them is no loss.
    will_delay: Annotated[int, Field(ge=0, le=3600)] = 10
    #: The directory of the event queue and the bdSeq counter.
    data_dir: Path
    #: The most events kept while the broker cannot be reached.
    outbox_limit: Annotated[int, Field(ge=10)] = 10_000
    #: The longest wait between two attempts to reconnect (it doubles from 1 s up to this).
    reconnect_max_delay: Annotated[float, Field(ge=1, le=3600)] = 60.0

    @field_validator("broker_url")
    @classmethod
    def _known_scheme(cls, url: str) -> str:
        BrokerAddress.from_url(url)
        return url

    @property
    def broker(self) -> BrokerAddress:
        return BrokerAddress.from_url(self.broker_url)

    @property
    def client_id(self) -> str:
        """The MQTT client id: "." is not allowed in ids, so two kiosks never share one."""
        return f"kiosk.{check_identifier(self.site)}.{check_identifier(self.kiosk_id)}"

    def read_password(self) -> str | None:
        """The first line of ``password_file`` (``OSError`` if it cannot be read)."""
        if self.password_file is None:
            return None
        lines = self.password_file.read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
