"""The fleet's subscriber: a shared MQTT 5 subscription; each message is decoded and queued for the writer."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.reasoncodes import ReasonCode
from paho.mqtt.subscribeoptions import SubscribeOptions

from fleet import protocol
from fleet.dashboard.broker import BrokerAddress, new_client
from fleet.dashboard.ingest.batcher import BatchWriter, Receipt
from fleet.dashboard.ingest.decode import decode
from fleet.dashboard.metrics import IngestMetrics
from fleet.dashboard.records import CommandAnswer, EventRecord, HealthUpdate, StateUpdate
from fleet.protocol import ProtocolError

logger = logging.getLogger(__name__)

#: The QoS 1 messages the broker may send before the first is acknowledged: MQTT 5's largest.
RECEIVE_MAXIMUM = 65535

#: The `kind` label of `fleet_ingest_messages_total` for each record.
_KINDS = {StateUpdate: "state", HealthUpdate: "health", EventRecord: "event", CommandAnswer: "reply"}


class FleetSubscriber:
    """Subscribes to every kiosk's state, health, events and replies, shared by `group`.

    paho's network thread runs `on_message`: it checks, decodes and queues, and never lets a
    message raise (a malformed one is counted and dropped). Several serve processes in the same
    group each get a share of the messages; event ids keep duplicates out of the store.

    QoS 1 messages (states, events, answers) are acknowledged to the broker only once the batch
    that holds them is committed: `acknowledge` runs on the writer's thread. With a `client_id`
    the session outlives the process, so the broker delivers what a crash left unacknowledged
    to the restarted process; without one, the session ends with the connection.
    """

    def __init__(
        self,
        address: BrokerAddress,
        writer: BatchWriter,
        metrics: IngestMetrics,
        *,
        group: str,
        client_id: str | None = None,
        keepalive: int = 30,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.address = address
        self._writer = writer
        self._metrics = metrics
        self._group = protocol.check_identifier(group, "group")
        self._keepalive = keepalive
        self._clock = clock
        # A named client keeps its session (queued QoS 1 messages) across restarts; an anonymous
        # one starts clean, since nobody would resume its session.
        self._persistent = client_id is not None
        self.client = new_client(address, client_id, manual_ack=True)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.client.on_disconnect = self._on_disconnect
        self.subscribed = threading.Event()
        # Which connection a message came on: a message id means something only on its own
        # connection, so the acknowledgement of a message from an earlier one is not sent (the
        # broker delivers that message again, and it is stored once).
        self._connection = 0
        self._stopping = False
        self._acknowledging = threading.Lock()
        writer.acknowledge_with(self.acknowledge)
        self._counted = {record: metrics.messages.labels(kind) for record, kind in _KINDS.items()}
        self._malformed = metrics.dropped.labels("malformed")
        self._oversized = metrics.dropped.labels("oversized")
        self._errors = metrics.dropped.labels("error")
        self._drops_logged = 0

    def start(self) -> None:
        """Connect in the background (paho retries until the broker answers) and start paho's thread."""
        properties = mqtt.Properties(mqtt.PacketTypes.CONNECT)
        if self._persistent:
            properties.SessionExpiryInterval = 3600
        # QoS 1 messages wait for their batch's commit before they are acknowledged: the broker
        # must not stop at a few unacknowledged ones (Mosquitto sends 20 at a time by default).
        properties.ReceiveMaximum = RECEIVE_MAXIMUM
        self.client.connect_async(
            self.address.host,
            self.address.port,
            keepalive=self._keepalive,
            clean_start=not self._persistent,
            properties=properties,
        )
        self.client.loop_start()

    def stop(self) -> None:
        """Stop taking messages, let the writer commit and acknowledge what it holds, disconnect.

        A QoS 1 message that arrives meanwhile is neither stored nor acknowledged: the broker keeps
        it in a persistent session for the next start.
        """
        self._stopping = True
        self._writer.stop()
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(
        self, client: mqtt.Client, _userdata: Any, _flags: Any, reason: ReasonCode, _properties: Any
    ) -> None:
        if reason.is_failure:
            logger.warning("broker %s refused the connection: %s", self.address.display(), reason)
            return
        logger.info("connected to %s", self.address.display())
        client.subscribe(
            [
                (protocol.shared_filter(self._group, topic_filter), SubscribeOptions(qos=1))
                for topic_filter in protocol.FLEET_FILTERS
            ]
        )

    def _on_subscribe(
        self, _client: mqtt.Client, _userdata: Any, _mid: int, reasons: list[ReasonCode], _properties: Any
    ) -> None:
        failed = [reason for reason in reasons if reason.is_failure]
        if failed:
            logger.error("the broker refused the fleet subscription: %s", failed[0])
            return
        self.subscribed.set()

    def _on_disconnect(
        self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: ReasonCode, _properties: Any
    ) -> None:
        # paho calls this before it reconnects (and forgets the packets it had not sent): under
        # the lock, no acknowledgement of this connection's messages can follow the change.
        with self._acknowledging:
            self._connection += 1
        self.subscribed.clear()
        if reason.is_failure:
            logger.warning("lost the broker (%s); reconnecting", reason)

    def acknowledge(self, receipts: Sequence[Receipt]) -> None:
        """Acknowledge committed QoS 1 messages, in the order they came (on the writer's thread).

        paho's `ack` only queues the PUBACK packet for its network thread (the way `publish` does
        from any thread) and wakes it; the lock keeps it from racing a reconnection.
        """
        with self._acknowledging:
            connection = self._connection
            for receipt in receipts:
                message_connection, mid = receipt
                if message_connection == connection:
                    self.client.ack(mid, 1)

    def _on_message(self, _client: mqtt.Client, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        if self._stopping:
            return
        received_at = self._clock()
        receipt = (self._connection, message.mid) if message.qos else None
        payload = message.payload
        if len(payload) > protocol.MAX_PAYLOAD_BYTES:
            self._drop(self._oversized, "oversized", message, receipt)
            return
        properties = message.properties
        correlation = getattr(properties, "CorrelationData", None) if properties is not None else None
        try:
            record = decode(message.topic, payload, received_at, correlation)
        except (ProtocolError, UnicodeDecodeError) as error:
            self._drop(self._malformed, getattr(error, "reason", "topic not UTF-8"), message, receipt)
            return
        except Exception:
            # Whatever a kiosk sends, ingestion goes on: count, log, next message.
            self._errors.inc()
            logger.exception("could not decode a message")
            if receipt is not None:
                self._writer.add(None, receipt)
            return
        if record is not None:
            self._counted[type(record)].inc()
        self._writer.add(record, receipt)

    def _drop(self, counter: Any, reason: str, message: mqtt.MQTTMessage, receipt: Receipt | None) -> None:
        counter.inc()
        if receipt is not None:
            # Acknowledged all the same (in its turn, after the messages before it are committed):
            # delivered again, it would be dropped again.
            self._writer.add(None, receipt)
        # Logged sparingly: a kiosk gone mad could otherwise fill the disk with the same line.
        self._drops_logged += 1
        if self._drops_logged <= 10 or self._drops_logged % 1000 == 0:
            topic = message._topic[:200].decode("utf-8", "replace")
            logger.warning(
                "dropped a message on %s: %s (%d dropped so far)", topic, reason, self._drops_logged
            )
