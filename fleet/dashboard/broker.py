"""The broker the dashboard connects to: its URL parsed, and a paho MQTT 5 client set up for it."""

from __future__ import annotations

import ssl
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode

_DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883, "ws": 80, "wss": 443}


class BrokerError(ValueError):
    """A broker URL the dashboard cannot use."""


@dataclass(frozen=True)
class BrokerAddress:
    """Where the broker is and how to log in; `repr` never shows the password."""

    scheme: str
    host: str
    port: int
    path: str = "/mqtt"
    username: str | None = None
    password: str | None = None
    ca_file: Path | None = None

    def __repr__(self) -> str:
        return f"BrokerAddress({self.display()!r})"

    @property
    def tls(self) -> bool:
        return self.scheme in ("mqtts", "wss")

    @property
    def websockets(self) -> bool:
        return self.scheme in ("ws", "wss")

    def display(self) -> str:
        """The URL without its password: what logs and pages may show."""
        user = f"{self.username}@" if self.username else ""
        return f"{self.scheme}://{user}{self.host}:{self.port}"


def parse_broker_url(
    url: str, *, password_file: Path | None = None, ca_file: Path | None = None
) -> BrokerAddress:
    """`mqtt://[user[:password]@]host[:port]`, `mqtts://`, `ws://`, `wss://` (path defaults to /mqtt).

    A password in a file is better than one in the URL, which `ps` shows to every local user.
    """
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS:
        raise BrokerError("the broker URL must start with mqtt://, mqtts://, ws:// or wss://")
    if not parts.hostname:
        raise BrokerError("the broker URL has no host")
    try:
        port = parts.port or _DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise BrokerError("the broker URL has an invalid port") from None
    password = unquote(parts.password) if parts.password else None
    if password_file is not None:
        password = password_file.read_text(encoding="utf-8").strip()
    return BrokerAddress(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port,
        path=parts.path or "/mqtt",
        username=unquote(parts.username) if parts.username else None,
        password=password,
        ca_file=ca_file,
    )


class ReadAheadClient(mqtt.Client):
    """paho's client, reading the socket 64 KiB at a time instead of a few bytes per packet.

    paho reads each packet with three system calls or more (its first byte, its length byte by
    byte, the rest) after one `select()`: for a stream of small messages that is about a third
    of paho's receive time. This client reads ahead into a buffer and hands paho the bytes it
    asks for, and `loop_read` goes on while the buffer holds bytes (the socket, drained, would
    not wake `select()` for them). It relies on two things of paho 2 (`_sock_recv` returns up
    to the bytes asked for, `loop_read` one packet), checked by tests/dashboard/test_dashboard_subscriber.py.
    """

    #: How much one system call reads at most.
    READ_AHEAD = 64 * 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ahead = b""
        self._ahead_at = 0
        # The socket the buffer came from: bytes of a closed connection are never handed on.
        self._ahead_socket: object = None

    def _sock_recv(self, bufsize: int) -> bytes:
        ahead, position = self._ahead, self._ahead_at
        if position >= len(ahead) or self._ahead_socket is not self._sock:
            ahead = super()._sock_recv(max(bufsize, self.READ_AHEAD))
            self._ahead_socket = self._sock
            if not ahead:
                self._ahead, self._ahead_at = b"", 0
                return ahead
            position = 0
        end = position + bufsize
        self._ahead, self._ahead_at = ahead, end
        return ahead[position:end]

    def loop_read(self, max_packets: int = 1) -> MQTTErrorCode:
        result = super().loop_read(max_packets)
        while (
            result == MQTTErrorCode.MQTT_ERR_SUCCESS
            and self._ahead_at < len(self._ahead)
            and self._sock is not None
            and self._ahead_socket is self._sock
        ):
            result = super().loop_read(max_packets)
        return result


def new_client(
    address: BrokerAddress, client_id: str | None = None, *, manual_ack: bool = False
) -> mqtt.Client:
    """A paho client (callback API 2, MQTT 5) for the address, not yet connected.

    With `manual_ack`, QoS 1 messages are acknowledged only when the caller says so (`ack`).
    """
    client = ReadAheadClient(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=client_id or f"fleet-dashboard-{uuid.uuid4().hex[:12]}",
        protocol=mqtt.MQTTv5,
        transport="websockets" if address.websockets else "tcp",
        manual_ack=manual_ack,
    )
    if address.websockets:
        client.ws_set_options(path=address.path)
    if address.tls:
        client.tls_set(
            ca_certs=str(address.ca_file) if address.ca_file else None, cert_reqs=ssl.CERT_REQUIRED
        )
    if address.username:
        client.username_pw_set(address.username, address.password)
    # Reconnect quickly after a broker restart, but back off while it stays down.
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    return client
