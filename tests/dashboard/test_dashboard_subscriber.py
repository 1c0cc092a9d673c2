"""The subscriber and the batch writer: what is queued and acknowledged, and when; the read-ahead client."""

from __future__ import annotations

import os
import pwd
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode
from prometheus_client import CollectorRegistry
from sqlalchemy import Engine, func, select

from fleet import protocol
from fleet.dashboard.broker import ReadAheadClient, new_client, parse_broker_url
from fleet.dashboard.ingest.batcher import BatchWriter, Receipt
from fleet.dashboard.ingest.subscriber import FleetSubscriber
from fleet.dashboard.metrics import IngestMetrics
from fleet.dashboard.records import EventRecord, HealthUpdate, Record, SessionStatistics
from fleet.dashboard.store import schema

from support.dashboard import wait_until
from support.mosquitto import Broker, free_port, make_certificates

NOW = 1_790_000_000.0


class RecordingWriter:
    """Stands in for the BatchWriter: keeps what the subscriber queues."""

    def __init__(self) -> None:
        self.added: list[tuple[Record | None, Receipt | None]] = []
        self.acknowledger = None
        self.stopped = False

    def acknowledge_with(self, acknowledger: object) -> None:
        self.acknowledger = acknowledger

    def add(self, record: Record | None, receipt: Receipt | None = None) -> None:
        self.added.append((record, receipt))

    def stop(self) -> None:
        self.stopped = True


def message(topic: str, payload: bytes, *, qos: int, mid: int) -> mqtt.MQTTMessage:
    """A message as paho hands it to `on_message`."""
    received = mqtt.MQTTMessage(mid=mid, topic=topic.encode())
    received.payload = payload
    received.qos = qos
    received.properties = Properties(mqtt.PacketTypes.PUBLISH)
    return received


def session_payload(number: int) -> bytes:
    event = protocol.SessionStatistics(
        id=uuid.UUID(int=number).hex, duration_s=5.0, outcome=protocol.SessionOutcome.COMPLETED, language="fr"
    )
    return protocol.encode(event)


def health_payload() -> bytes:
    return protocol.encode(
        protocol.HealthPayload(
            seq=1, at=protocol.utc_now(), app_version="0.1.0", uptime_s=1.0, screen="home", speech="ready"
        )
    )


@pytest.fixture
def subscriber() -> tuple[FleetSubscriber, RecordingWriter, list[tuple[int, int]]]:
    """A subscriber never connected: its callbacks are replayed by hand; its acknowledgements recorded."""
    writer = RecordingWriter()
    subscriber = FleetSubscriber(
        parse_broker_url("mqtt://127.0.0.1:1"),
        writer,  # type: ignore[arg-type]
        IngestMetrics(CollectorRegistry()),
        group="fleet",
        clock=lambda: NOW,
    )
    acknowledged: list[tuple[int, int]] = []
    subscriber.client.ack = lambda mid, qos: acknowledged.append((mid, qos))  # type: ignore[method-assign]
    return subscriber, writer, acknowledged


def test_qos_1_messages_are_queued_with_a_receipt_and_malformed_ones_only_to_be_acknowledged(
    subscriber: tuple[FleetSubscriber, RecordingWriter, list[tuple[int, int]]],
) -> None:
    fleet, writer, acknowledged = subscriber
    client = fleet.client
    client.on_message(client, None, message("kiosk/v1/s/k/event", session_payload(1), qos=1, mid=7))
    client.on_message(client, None, message("kiosk/v1/s/k/health", health_payload(), qos=0, mid=0))
    client.on_message(client, None, message("kiosk/v1/s/k/event", b"{not json", qos=1, mid=8))
    client.on_message(client, None, message("kiosk/v1/s/k/health", b"{not json", qos=0, mid=0))

    (event, event_receipt), (health, health_receipt), malformed = writer.added
    assert isinstance(event, EventRecord) and event_receipt == (0, 7)
    assert isinstance(health, HealthUpdate) and health_receipt is None
    assert malformed == (None, (0, 8))  # a QoS 0 message dropped leaves nothing to acknowledge
    assert acknowledged == []  # nothing before the writer commits


def test_receipts_are_acknowledged_in_order_and_never_those_of_an_earlier_connection(
    subscriber: tuple[FleetSubscriber, RecordingWriter, list[tuple[int, int]]],
) -> None:
    fleet, writer, acknowledged = subscriber
    client = fleet.client
    client.on_message(client, None, message("kiosk/v1/s/k/event", session_payload(1), qos=1, mid=3))
    client.on_message(client, None, message("kiosk/v1/s/k/event", session_payload(2), qos=1, mid=4))
    before = [receipt for _record, receipt in writer.added if receipt is not None]
    fleet.acknowledge(before)
    assert acknowledged == [(3, 1), (4, 1)]

    client.on_message(client, None, message("kiosk/v1/s/k/event", session_payload(3), qos=1, mid=5))
    late = writer.added[-1][1]
    assert late is not None
    # The connection drops before that message's batch is committed: its id now means nothing.
    client.on_disconnect(
        client, None, None, ReasonCode(mqtt.PacketTypes.DISCONNECT, "Unspecified error"), None
    )
    fleet.acknowledge([late])
    assert acknowledged == [(3, 1), (4, 1)]
    client.on_message(client, None, message("kiosk/v1/s/k/event", session_payload(3), qos=1, mid=5))
    fleet.acknowledge([writer.added[-1][1]])  # type: ignore[list-item]
    assert acknowledged == [(3, 1), (4, 1), (5, 1)]


def test_a_stopping_subscriber_takes_no_more_messages_and_lets_the_writer_finish(
    subscriber: tuple[FleetSubscriber, RecordingWriter, list[tuple[int, int]]],
) -> None:
    fleet, writer, _acknowledged = subscriber
    fleet.stop()
    assert writer.stopped
    fleet.client.on_message(
        fleet.client, None, message("kiosk/v1/s/k/event", session_payload(1), qos=1, mid=3)
    )
    assert writer.added == []


def session_record(number: int) -> EventRecord:
    return EventRecord(
        event_id=uuid.UUID(int=number).hex,
        site="s",
        kiosk_id="k",
        kind="session",
        occurred_at=NOW,
        received_at=NOW,
        session=SessionStatistics(None, 5.0, True, False, None, "fr"),
    )


def test_the_writer_acknowledges_a_batch_after_its_commit_in_the_order_received(
    sqlite_engine: Engine,
) -> None:
    writer = BatchWriter(sqlite_engine, IngestMetrics(CollectorRegistry()), max_batch=4, max_delay=0.05)
    seen: list[tuple[list[Receipt], int]] = []

    def acknowledge(receipts: Sequence[Receipt]) -> None:
        with sqlite_engine.connect() as connection:
            committed = connection.execute(select(func.count()).select_from(schema.events)).scalar_one()
        seen.append((list(receipts), committed))

    writer.acknowledge_with(acknowledge)
    writer.start()
    writer.add(session_record(1), (0, 1))
    writer.add(None, (0, 2))  # a malformed message: acknowledged in its turn
    writer.add(session_record(3), (0, 3))
    writer.add(session_record(4))  # QoS 0: nothing to acknowledge
    writer.add(session_record(5), (0, 5))
    assert writer.wait_idle(10)
    writer.stop()
    # Each batch's receipts, and how many events were committed when they were acknowledged.
    assert seen == [([(0, 1), (0, 2), (0, 3)], 3), ([(0, 5)], 4)]


def assert_same_stream(received: list[bytes], sent: list[bytes]) -> None:
    """Every message whole; in order within each QoS (paho sends QoS 0 ones past waiting QoS 1 ones)."""
    assert len(received) == len(sent), f"{len(received)} received of {len(sent)}"

    def of_qos(payloads: list[bytes], qos: int) -> list[bytes]:
        return [payload for payload in payloads if int(payload[1:].split(b".")[0]) % 2 == qos]

    assert of_qos(received, 0) == of_qos(sent, 0)
    assert of_qos(received, 1) == of_qos(sent, 1)


@pytest.fixture(params=["mqtt", "ws", "mqtts"])
def broker_and_url(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Broker, str, Path | None]]:
    """A broker with a plain listener (for the sender) and one of each transport serve knows.

    It queues without limit: Mosquitto would otherwise drop messages for a consumer that falls
    more than 1,000 behind, which a loaded machine can make the client under test do.
    """
    directory = tmp_path / "mosquitto"
    directory.mkdir()
    broker = Broker(directory)
    second = free_port()
    lines = [
        f"user {pwd.getpwuid(os.getuid()).pw_name}",
        "persistence false",
        "allow_anonymous true",
        "max_queued_messages 0",
        "max_queued_bytes 0",
        f"listener {broker.port} 127.0.0.1",
        f"listener {second} 127.0.0.1",
    ]
    ca_file = None
    if request.param == "ws":
        lines.append("protocol websockets")
    elif request.param == "mqtts":
        certificates = make_certificates(directory)
        ca_file = certificates.ca
        lines += [f"cafile {ca_file}", f"certfile {certificates.certificate}", f"keyfile {certificates.key}"]
    broker.config_file = directory / "mosquitto.conf"
    broker.config_file.write_text("\n".join(lines) + "\n")
    yield broker.start(), f"{request.param}://127.0.0.1:{second}", ca_file
    broker.stop()


def test_the_read_ahead_client_receives_every_message_whole_and_in_order_across_a_broker_restart(
    broker_and_url: tuple[Broker, str, Path | None],
) -> None:
    mosquitto, url, ca_file = broker_and_url
    address = parse_broker_url(url, ca_file=ca_file)
    client = new_client(address, "read-ahead-test")
    assert isinstance(client, ReadAheadClient)
    received: list[bytes] = []
    subscribed = threading.Event()
    client.on_message = lambda _client, _userdata, message: received.append(message.payload)
    client.on_subscribe = lambda *_args: subscribed.set()
    client.on_connect = lambda client, *_args: client.subscribe("read-ahead/#", qos=1)
    client.connect_async(address.host, address.port)
    client.loop_start()
    sender = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    try:
        # Sizes around the read-ahead (64 KiB) and MQTT's one-, two- and three-byte lengths.
        sizes = [1, 120, 127, 128, 16_383, 16_384, 70_000, 300_000] + [
            300 + number % 500 for number in range(3000)
        ]

        def stream(tag: bytes) -> list[bytes]:
            payloads = [tag + str(number).encode().ljust(size, b".") for number, size in enumerate(sizes)]
            sender.connect("127.0.0.1", mosquitto.port)
            sender.loop_start()
            sent = [
                sender.publish(f"read-ahead/{number % 7}", payload, qos=number % 2)
                for number, payload in enumerate(payloads)
            ]
            sent[-1].wait_for_publish(60)
            assert sent[-1].is_published()
            sender.disconnect()
            sender.loop_stop()
            return payloads

        wait_until(subscribed.is_set, what="subscribed")
        first = stream(b"a")
        wait_until(lambda: len(received) >= len(first), timeout=60, what="the first stream")
        assert_same_stream(received, first)
        received.clear()
        subscribed.clear()
        mosquitto.restart()
        wait_until(subscribed.is_set, timeout=30, what="subscribed again")
        second = stream(b"b")
        wait_until(lambda: len(received) >= len(second), timeout=60, what="the second stream")
        time.sleep(0.2)
        assert_same_stream(received, second)
    finally:
        client.disconnect()
        client.loop_stop()


def test_the_broker_sends_many_qos_1_messages_before_the_first_is_acknowledged(mosquitto: Broker) -> None:
    # Mosquitto would otherwise send 20 and wait for their acknowledgement, that is for a
    # batch's commit: 100 events a second at the default batch delay.
    writer = RecordingWriter()  # never commits, never acknowledges
    fleet = FleetSubscriber(
        parse_broker_url(mosquitto.url),
        writer,
        IngestMetrics(CollectorRegistry()),
        group="fleet",  # type: ignore[arg-type]
    )
    fleet.start()
    sender = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    try:
        wait_until(fleet.subscribed.is_set, what="subscribed")
        sender.connect("127.0.0.1", mosquitto.port)
        sender.loop_start()
        for number in range(500):
            sender.publish("kiosk/v1/s/k/event", session_payload(number), qos=1)
        wait_until(lambda: len(writer.added) == 500, what="500 events before any acknowledgement")
    finally:
        sender.disconnect()
        sender.loop_stop()
        fleet.client.disconnect()
        fleet.client.loop_stop()
