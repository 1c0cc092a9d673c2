"""A real Mosquitto for the fleet tests: started on a free local port, restartable, stopped after.

Loaded by tests/conftest.py as a pytest plugin. ``mosquitto`` is an open broker (anonymous
clients); ``secured_mosquitto`` runs the production ACL of deploy/mosquitto/ with a password
file, and ``add_account`` creates accounts in it with the deploy script.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
import pwd
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

PEM = serialization.Encoding.PEM
DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "mosquitto"
#: How long a broker may take to accept connections after it starts.
START_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _accepts(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
        return True
    return False


@dataclass
class Broker:
    """One Mosquitto process on ``127.0.0.1:port``, configured by files in ``directory``."""

    directory: Path
    port: int = field(default_factory=free_port)
    password_file: Path | None = None
    acl_file: Path | None = None
    #: Keep retained messages and sessions across a graceful restart (written on SIGTERM).
    persistent: bool = False
    #: A second listener for MQTT over websockets, on this port.
    websocket_port: int | None = None
    #: A complete configuration to run instead of the one made here (it must listen on ``port``).
    config_file: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.directory / "mosquitto.log"

    def _config(self) -> Path:
        if self.config_file is not None:
            return self.config_file
        lines = [
            f"listener {self.port} 127.0.0.1",
            # Run as the test's own user (as root, Mosquitto would switch to a user that cannot
            # read the test's private directory).
            f"user {pwd.getpwuid(os.getuid()).pw_name}",
            "persistence " + ("true" if self.persistent else "false"),
            f"persistence_location {self.directory}/",
            "log_dest stderr",
            "log_type all",
            "log_timestamp_format %H:%M:%S",
        ]
        if self.password_file is None:
            lines.append("allow_anonymous true")
        else:
            lines += [
                "allow_anonymous false",
                f"password_file {self.password_file}",
                f"acl_file {self.acl_file}",
            ]
        if self.websocket_port is not None:
            lines += [f"listener {self.websocket_port} 127.0.0.1", "protocol websockets"]
        path = self.directory / "mosquitto.conf"
        path.write_text("\n".join(lines) + "\n")
        return path

    def start(self) -> Broker:
        """Start on ``port`` and wait until it accepts connections."""
        config = self._config()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [shutil.which("mosquitto") or "/usr/sbin/mosquitto", "-c", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while not _accepts(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"mosquitto did not start on port {self.port}:\n{self.log.read_text()[-2000:]}"
                )
            time.sleep(0.02)
        return self

    def stop(self, graceful: bool = False) -> None:
        """Stop at once (SIGKILL: clients see the connection drop, as on a crash), or with
        ``graceful`` (SIGTERM: a persistent broker saves its sessions and messages first)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM if graceful else signal.SIGKILL)
            self.process.wait(10)
        self.process = None
        deadline = time.monotonic() + START_TIMEOUT
        while _accepts(self.port) and time.monotonic() < deadline:
            time.sleep(0.02)

    def restart(self, graceful: bool = False) -> None:
        """Stop and start again on the same port."""
        self.stop(graceful)
        self.start()


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[Broker]:
    """An open broker for the test, stopped after it."""
    directory = tmp_path / "mosquitto"
    directory.mkdir()
    broker = Broker(directory).start()
    yield broker
    broker.stop()


@pytest.fixture
def persistent_mosquitto(tmp_path: Path) -> Iterator[Broker]:
    """An open broker that keeps sessions and retained messages across ``restart(graceful=True)``."""
    directory = tmp_path / "persistent-mosquitto"
    directory.mkdir()
    broker = Broker(directory, persistent=True).start()
    yield broker
    broker.stop()


@pytest.fixture
def secured_mosquitto(tmp_path: Path) -> Iterator[Broker]:
    """A broker with the production ACL (deploy/mosquitto/acl) and an empty password file, not
    started yet: ``add_account`` the accounts, then ``start()`` it. Stopped after the test."""
    directory = tmp_path / "secured-mosquitto"
    directory.mkdir()
    passwords = directory / "passwords"
    passwords.touch(mode=0o600)
    broker = Broker(directory, password_file=passwords, acl_file=DEPLOY / "acl")
    yield broker
    broker.stop()


def add_account(broker: Broker, username: str, password: str) -> None:
    """Add or update a kiosk's account ("site/kiosk_id") in ``broker``'s password file with
    deploy/mosquitto/add-kiosk, before the broker starts."""
    assert broker.password_file is not None
    add_kiosk = [str(DEPLOY / "add-kiosk"), "--password-file", str(broker.password_file), "--no-reload"]
    subprocess.run(
        [*add_kiosk, "--password-stdin", username],
        input=password.encode() + b"\n",
        check=True,
        capture_output=True,
        timeout=30,
    )


def add_dashboard_account(broker: Broker, username: str, password: str) -> None:
    """Add the dashboard's account as docs/fleet.md says: ``mosquitto_passwd -b``."""
    assert broker.password_file is not None
    command = ["mosquitto_passwd", "-b", str(broker.password_file), username, password]
    subprocess.run(command, check=True, capture_output=True, timeout=30)


@dataclass(frozen=True)
class Received:
    topic: str
    payload: bytes
    retain: bool
    correlation: bytes | None


class Listener:
    """A paho client that records what it receives on ``topics``; tests wait on conditions.

    It reconnects by itself and subscribes again after each connection; ``session`` keeps its
    session on the broker (with a persistent broker, nothing sent while it was away is lost).
    """

    def __init__(
        self,
        broker: Broker,
        topics: tuple[str, ...] = ("kiosk/v1/#",),
        username: str | None = None,
        password: str | None = None,
        client_id: str = "",
        session: bool = False,
        ca_file: Path | None = None,
    ) -> None:
        self.received: list[Received] = []
        self._topics = topics
        self._condition = threading.Condition()
        #: Connected, and subscribed to its topics if it has any.
        self._ready = threading.Event()
        self._acks: dict[int, ReasonCode] = {}
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id or f"listener-{id(self)}", protocol=mqtt.MQTTv5
        )
        if username is not None:
            self.client.username_pw_set(username, password)
        if ca_file is not None:
            self.client.tls_set(ca_certs=str(ca_file))
        self.client.reconnect_delay_set(1, 1)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda *_args: self._ready.set()
        self.client.on_publish = self._on_publish
        properties = Properties(PacketTypes.CONNECT)
        if session:
            properties.SessionExpiryInterval = 600
        self.client.connect_async("127.0.0.1", broker.port, clean_start=not session, properties=properties)
        self.client.loop_start()
        if not self._ready.wait(START_TIMEOUT):
            self.close()
            raise RuntimeError("the listener could not connect and subscribe")

    def _on_connect(
        self, client: mqtt.Client, _userdata: object, _flags: object, code: ReasonCode, _p: object
    ) -> None:
        if code.is_failure:
            return
        for topic in self._topics:
            client.subscribe(topic, qos=1)
        if not self._topics:
            self._ready.set()

    def _on_message(self, _client: mqtt.Client, _userdata: object, message: mqtt.MQTTMessage) -> None:
        correlation = getattr(message.properties, "CorrelationData", None)
        with self._condition:
            self.received.append(Received(message.topic, message.payload, bool(message.retain), correlation))
            self._condition.notify_all()

    def _on_publish(
        self, _client: mqtt.Client, _userdata: object, mid: int, code: ReasonCode, _p: object
    ) -> None:
        with self._condition:
            self._acks[mid] = code
            self._condition.notify_all()

    def wait_for(self, predicate: Callable[[Received], bool], timeout: float = 10.0) -> Received:
        """The first message (received so far or later) that satisfies ``predicate``."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                for message in self.received:
                    if predicate(message):
                        return message
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"no such message in {timeout} s; got {[m.topic for m in self.received]}"
                    )
                self._condition.wait(remaining)

    def wait_until(
        self, condition: Callable[[list[Received]], bool], timeout: float = 10.0
    ) -> list[Received]:
        """Wait until ``condition`` holds for every message received so far; returns them."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while not condition(self.received):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"condition not met in {timeout} s; got {len(self.received)} messages"
                    )
                self._condition.wait(remaining)
            return list(self.received)

    def publish(
        self,
        topic: str,
        payload: bytes,
        correlation: bytes | None = None,
        response_topic: str | None = None,
        retain: bool = False,
        timeout: float = 10.0,
    ) -> ReasonCode:
        """Publish at QoS 1 and return the broker's PUBACK reason code."""
        properties = Properties(PacketTypes.PUBLISH)
        if correlation is not None:
            properties.CorrelationData = correlation
        if response_topic is not None:
            properties.ResponseTopic = response_topic
        info = self.client.publish(topic, payload, qos=1, retain=retain, properties=properties)
        deadline = time.monotonic() + timeout
        with self._condition:
            while info.mid not in self._acks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no PUBACK for {topic} in {timeout} s")
                self._condition.wait(remaining)
            return self._acks.pop(info.mid)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def listeners() -> Iterator[list[Listener]]:
    """Append the test's listeners here: they are closed after it."""
    opened: list[Listener] = []
    yield opened
    for listener in opened:
        listener.close()


@dataclass(frozen=True)
class Certificates:
    ca: Path
    certificate: Path
    key: Path


def _certificate(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name, signer: ec.EllipticCurvePrivateKey
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    is_ca = key is signer
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    if not is_ca:
        address = x509.IPAddress(ipaddress.ip_address(subject))
        builder = builder.add_extension(x509.SubjectAlternativeName([address]), critical=False)
    return builder.sign(signer, hashes.SHA256())


def make_certificates(directory: Path) -> Certificates:
    """A test CA, and a server certificate it signed for 127.0.0.1 (files in ``directory``)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Kiosk fleet test CA")])
    server_key = ec.generate_private_key(ec.SECP256R1())
    files = Certificates(directory / "ca.crt", directory / "fleet.crt", directory / "fleet.key")
    files.ca.write_bytes(_certificate("Kiosk fleet test CA", ca_key, ca_name, ca_key).public_bytes(PEM))
    files.certificate.write_bytes(_certificate("127.0.0.1", server_key, ca_name, ca_key).public_bytes(PEM))
    unencrypted = serialization.NoEncryption()
    files.key.write_bytes(server_key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, unencrypted))
    return files
