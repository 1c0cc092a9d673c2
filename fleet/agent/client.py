"""``FleetAgent``: the kiosk's MQTT 5 client (paho) — birth and will, health, events, commands."""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from collections.abc import Callable
from typing import Literal

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode
from paho.mqtt.subscribeoptions import SubscribeOptions
from pydantic import BaseModel, ValidationError

from fleet.agent.birth import BirthSequence
from fleet.agent.commands import REPLY_TIMEOUT, CommandDispatcher
from fleet.agent.link import KioskLink
from fleet.agent.outbox import Outbox
from fleet.agent.settings import AgentSettings
from fleet.agent.system import SystemProbe
from fleet.protocol import (
    EVENT_QOS,
    EVENT_TYPES,
    HEALTH_QOS,
    MAX_PAYLOAD_BYTES,
    REPLY_QOS,
    STATE_QOS,
    Command,
    CommandName,
    CommandReply,
    HealthPayload,
    KioskHealth,
    KioskState,
    StatePayload,
    SystemHealth,
    command_filter,
    encode,
    event_topic,
    health_topic,
    state_topic,
    utc_now,
)

log = logging.getLogger(__name__)
#: paho's own log lines, apart from the agent's.
paho_log = logging.getLogger("fleet.agent.paho")

#: Events handed to paho and not yet acknowledged, at most: the rest wait on disk.
SEND_WINDOW = 100
#: The largest packet the broker may send us: commands are at most 64 KiB; bigger is garbage
#: the broker drops for us (the MQTT 5 Maximum Packet Size).
MAX_PACKET_BYTES = 4 * MAX_PAYLOAD_BYTES

#: The states a kiosk may set itself (``lost`` is the will's, ``disconnected`` is ``stop``'s).
SettableState = Literal["ready", "maintenance", "alert"]


class _AfterDisconnect(logging.Filter):
    """paho 2.2 logs an error when its loop wakes once more after a clean ``disconnect()``
    ("Client is not connected"): nothing is wrong, so it should not read as an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Client is not connected")


paho_log.addFilter(_AfterDisconnect())


class FleetAgent:
    """Reports one kiosk to the fleet's broker and obeys the dashboard's commands.

    After ``start``, the agent connects (and reconnects, forever, with a growing delay), sets a
    will ``{"state": "lost", "bdSeq": n}`` for each connection and publishes the birth (the
    current state: ready, maintenance or alert, with the same ``bdSeq``), subscribes to its
    commands, sends a health report every ``health_interval`` seconds and the events given to
    ``publish_event``, oldest first, through an on-disk outbox. ``stop`` publishes
    ``disconnected`` and disconnects cleanly (no will).

    Threads:

    - ``start`` and ``stop``: the thread that owns the agent (the kiosk's composition root);
      ``stop`` blocks up to its timeout and must not be called from a ``KioskLink`` callback.
    - ``publish_event``, ``set_state``, ``connected``, ``reconnects``, ``queued_events``:
      any thread; they never block.
    - paho's loop thread connects, publishes the birth and calls ``KioskLink.on_command``.
    - the agent's worker thread ("fleet-agent-<kiosk_id>") writes and sends the outbox, calls
      ``KioskLink.health`` and the system probe, and answers overdue commands with ``timeout``.

    Nothing the broker does (down, slow, refusing, sending garbage) raises into the kiosk.
    """

    def __init__(
        self,
        settings: AgentSettings,
        link: KioskLink,
        *,
        system: Callable[[], SystemHealth | None] | None = None,
        reply_timeout: float = REPLY_TIMEOUT,
    ) -> None:
        self.settings = settings
        self._link = link
        self._system = system if system is not None else SystemProbe(settings.data_dir)
        site, kiosk_id = settings.site, settings.kiosk_id
        self._state_topic = state_topic(site, kiosk_id)
        self._health_topic = health_topic(site, kiosk_id)
        self._event_topic = event_topic(site, kiosk_id)
        self._commands = CommandDispatcher(
            site,
            kiosk_id,
            link,
            self._send_reply,
            local={CommandName.REBIRTH: self._rebirth},
            reply_timeout=reply_timeout,
        )
        self._state: KioskState = KioskState.READY
        self._state_reason: str | None = None
        self._versions: tuple[str | None, str | None] = (None, None)
        self._connected = threading.Event()
        self._started = False
        self._stopped = False
        self._stopping = threading.Event()
        self._stop_deadline = 0.0
        self._wake = threading.Event()
        self._new_events: queue.SimpleQueue[tuple[str, str, bytes, bool]] = queue.SimpleQueue()
        self._acks: queue.SimpleQueue[tuple[int, ReasonCode]] = queue.SimpleQueue()
        self._in_flight: dict[int, int] = {}
        self._sent_upto = 0
        self._next_health = 0.0
        self._health_seq = 0
        self._connections = 0
        self._reconnects = 0
        #: Health reports and events handed to the broker since the start (for benchmarks).
        self.messages_sent = 0
        self._outbox: Outbox | None = None
        self._birth: BirthSequence | None = None
        self._worker: threading.Thread | None = None
        #: Why the password file could not be read at the last attempt (None: it could).
        self._password_problem: str | None = None
        self._client = self._make_client()

    # --- Set-up ---------------------------------------------------------------------------------

    def _make_client(self) -> mqtt.Client:
        address = self.settings.broker
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=self.settings.client_id,
            protocol=mqtt.MQTTv5,
            transport=address.transport,
            reconnect_on_failure=True,
        )
        # An exception in a callback would otherwise end paho's loop, and with it the agent.
        client.suppress_exceptions = True
        client.enable_logger(paho_log)
        if address.transport == "websockets":
            client.ws_set_options(path=address.path)
        if address.tls:
            ca_file = self.settings.ca_file
            client.tls_set(ca_certs=str(ca_file) if ca_file is not None else None)
        client.reconnect_delay_set(1, max(1, round(self.settings.reconnect_max_delay)))
        client.on_pre_connect = self._on_pre_connect
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_publish = self._on_publish
        client.on_subscribe = self._on_subscribe
        return client

    def start(self) -> FleetAgent:
        """Open the outbox and connect in the background; returns at once (the caller's thread)."""
        if self._started:
            return self
        self._started = True
        settings = self.settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self._outbox = Outbox(settings.data_dir / "outbox.sqlite3", settings.outbox_limit)
        self._birth = BirthSequence(settings.data_dir / "bdseq")
        connect = Properties(PacketTypes.CONNECT)
        # The will waits will_delay seconds, but no longer than the session lives: keep the
        # session a little longer so that a reconnection within the delay cancels the will.
        connect.SessionExpiryInterval = settings.will_delay + settings.keepalive
        connect.MaximumPacketSize = MAX_PACKET_BYTES
        address = settings.broker
        self._client.connect_async(
            address.host,
            address.port,
            keepalive=settings.keepalive,
            clean_start=mqtt.MQTT_CLEAN_START_FIRST_ONLY,
            properties=connect,
        )
        self._worker = threading.Thread(
            target=self._run, name=f"fleet-agent-{settings.kiosk_id}", daemon=True
        )
        self._worker.start()
        self._client.loop_start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Send what is in flight, publish ``disconnected``, disconnect; blocks up to ``timeout``.

        Events still queued stay on disk and go out after the next ``start``.
        """
        if not self._started or self._stopped:
            return
        self._stopped = True
        self._stop_deadline = time.monotonic() + timeout
        self._stopping.set()
        self._wake.set()
        assert self._worker is not None
        self._worker.join(max(0.0, self._stop_deadline - time.monotonic()))
        self._client.disconnect()
        self._client.loop_stop()
        self._connected.clear()
        if not self._worker.is_alive() and self._outbox is not None:
            self._outbox.close()

    # --- The kiosk's side -------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    @property
    def reconnects(self) -> int:
        """Connections made after the first one (each one follows a loss)."""
        return self._reconnects

    @property
    def queued_events(self) -> int:
        """Events on disk not yet acknowledged by the broker."""
        return len(self._outbox) if self._outbox is not None else self._new_events.qsize()

    @property
    def state(self) -> KioskState:
        return self._state

    def wait_until_connected(self, timeout: float) -> bool:
        """Block until connected or ``timeout`` seconds passed (tests, tools; not the UI thread)."""
        return self._connected.wait(timeout)

    def publish_event(self, event: BaseModel) -> None:
        """Send an event (any of ``fleet.protocol``'s events) as soon as the broker can take it.

        Any thread; never blocks: the event is encoded here and stored by the worker thread.
        """
        if not isinstance(event, EVENT_TYPES):
            raise TypeError(f"not a fleet event: {type(event).__name__}")
        if self._stopped:
            log.warning("%s event after the agent stopped: not sent", event.kind)  # type: ignore[attr-defined]
            return
        droppable = bool(getattr(event, "droppable", False))
        self._new_events.put((event.id, event.kind, encode(event), droppable))  # type: ignore[attr-defined]
        self._wake.set()

    def set_state(self, state: SettableState | KioskState, reason: str | None = None) -> None:
        """Publish the kiosk's retained state: "ready", "maintenance" or "alert" (any thread).

        Offline, the state is kept and becomes the next birth.
        """
        new_state = KioskState(state)
        if new_state not in (KioskState.READY, KioskState.MAINTENANCE, KioskState.ALERT):
            raise ValueError(f"a kiosk cannot set its state to {new_state.value}")
        try:
            StatePayload(state=new_state, bd_seq=0, reason=reason)
        except ValidationError:
            raise ValueError("reason: a short code (a-z 0-9 _ . : -)") from None
        self._state, self._state_reason = new_state, reason
        if self.connected:
            self._publish_state(self._state_payload())

    # --- paho's thread ----------------------------------------------------------------------

    def _on_pre_connect(self, client: mqtt.Client, userdata: object) -> None:
        self._use_password(client)
        assert self._birth is not None
        will = StatePayload(state=KioskState.LOST, bd_seq=self._birth.next())
        properties = Properties(PacketTypes.WILLMESSAGE)
        properties.WillDelayInterval = self.settings.will_delay
        client.will_set(self._state_topic, encode(will), qos=STATE_QOS, retain=True, properties=properties)

    def _use_password(self, client: mqtt.Client) -> None:
        """The account's password, read again before every connection attempt: a password IT
        staff change on the broker and in the file is used at the next attempt, without a restart."""
        settings = self.settings
        if settings.username is None:
            return
        password = None
        problem = None
        try:
            password = settings.read_password()
        except OSError as error:
            problem = error.strerror or type(error).__name__
        # Said once per change, not at every attempt (one a minute at most, for months).
        if problem != self._password_problem:
            if problem is not None:
                # The broker will refuse us and the outbox keeps the events: the kiosk still serves.
                log.error("fleet password file unreadable (%s): connecting without a password", problem)
            else:
                log.info("fleet password file readable again")
            self._password_problem = problem
        client.username_pw_set(settings.username, password)

    def _on_connect(
        self,
        client: mqtt.Client,
        userdata: object,
        flags: mqtt.ConnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if reason_code.is_failure:
            log.warning("broker refused the connection: %s", reason_code)
            return
        self._connections += 1
        if self._connections > 1:
            self._reconnects += 1
        log.info("connected to the fleet broker (connection %d)", self._connections)
        client.subscribe(
            command_filter(self.settings.site, self.settings.kiosk_id), options=SubscribeOptions(qos=1)
        )
        self._connected.set()
        self._refresh_versions()
        self._publish_state(self._state_payload())
        self._next_health = 0.0
        self._wake.set()

    def _on_disconnect(
        self,
        client: mqtt.Client,
        userdata: object,
        flags: mqtt.DisconnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        self._connected.clear()
        if not self._stopping.is_set():
            log.warning("lost the fleet broker: %s", reason_code)

    def _on_subscribe(
        self,
        client: mqtt.Client,
        userdata: object,
        mid: int,
        reason_codes: list[ReasonCode],
        properties: Properties | None,
    ) -> None:
        for code in reason_codes:
            if code.is_failure:
                log.error("cannot subscribe to this kiosk's commands: %s", code)

    def _on_message(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        try:
            topic = message.topic
        except UnicodeDecodeError:
            log.warning("message with an invalid topic ignored")
            return
        properties = message.properties
        correlation = getattr(properties, "CorrelationData", None)
        response_topic = getattr(properties, "ResponseTopic", None)
        self._commands.handle(topic, message.payload, correlation, response_topic, bool(message.retain))

    def _on_publish(
        self,
        client: mqtt.Client,
        userdata: object,
        mid: int,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        self._acks.put((mid, reason_code))
        self._wake.set()

    # --- Publishing (any thread) -----------------------------------------------------------

    def _refresh_versions(self) -> None:
        try:
            health = self._link.health()
            self._versions = (health.app_version, health.content_version)
        except Exception:  # noqa: BLE001 - a birth without versions beats no birth
            log.exception("the kiosk's health failed")

    def _state_payload(self, state: KioskState | None = None) -> StatePayload:
        app_version, content_version = self._versions
        return StatePayload(
            state=state or self._state,
            bd_seq=self._birth.current if self._birth is not None else 0,
            at=utc_now(),
            app_version=app_version,
            content_version=content_version,
            reason=self._state_reason if state is None else None,
        )

    def _publish_state(self, payload: StatePayload) -> mqtt.MQTTMessageInfo:
        return self._client.publish(self._state_topic, encode(payload), qos=STATE_QOS, retain=True)

    def _send_reply(self, reply: CommandReply, correlation: bytes | None) -> None:
        properties = Properties(PacketTypes.PUBLISH)
        if correlation is not None:
            properties.CorrelationData = correlation
        self._client.publish(self._commands.reply_topic, encode(reply), qos=REPLY_QOS, properties=properties)

    def _rebirth(self, command: Command) -> CommandReply:
        self._refresh_versions()
        self._publish_state(self._state_payload())
        self._next_health = 0.0
        self._wake.set()
        return CommandReply.success("birth published")

    # --- The worker thread ------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                self._step()
                self._wake.wait(self._sleep_time())
                self._wake.clear()
            self._finish()
        except Exception:  # noqa: BLE001 - logged: the kiosk goes on without its fleet link
            log.exception("fleet agent worker failed")

    def _step(self) -> None:
        self._store_new_events()
        self._take_acks()
        if self.connected:
            self._send_events()
            if time.monotonic() >= self._next_health:
                self._publish_health()
                self._next_health = time.monotonic() + self.settings.health_interval

    def _sleep_time(self) -> float:
        waits = [self.settings.health_interval]
        if self.connected:
            waits.append(self._next_health - time.monotonic())
        # Answers overdue commands, and says when the next one falls due.
        next_deadline = self._commands.expire()
        if next_deadline is not None:
            waits.append(next_deadline)
        return max(0.0, min(waits))

    def _store_new_events(self) -> None:
        assert self._outbox is not None
        while True:
            try:
                event_id, kind, payload, droppable = self._new_events.get_nowait()
            except queue.Empty:
                return
            self._outbox.add(event_id, kind, payload, droppable)

    def _take_acks(self) -> None:
        assert self._outbox is not None
        done: list[int] = []
        while True:
            try:
                mid, reason_code = self._acks.get_nowait()
            except queue.Empty:
                break
            seq = self._in_flight.pop(mid, None)
            if seq is None:
                continue  # a state, health or reply message
            if reason_code.is_failure:
                # Final: the broker would refuse it again (not authorized, invalid); keeping it
                # would only resend it forever.
                log.error("broker refused an event: %s", reason_code)
            done.append(seq)
        self._outbox.remove(done)

    def _send_events(self) -> None:
        assert self._outbox is not None
        room = SEND_WINDOW - len(self._in_flight)
        if room <= 0:
            return
        for seq, payload in self._outbox.pending(after=self._sent_upto, limit=room):
            info = self._client.publish(self._event_topic, payload, qos=EVENT_QOS)
            # Not connected any more: paho keeps the message and sends it after reconnecting.
            if info.rc not in (MQTTErrorCode.MQTT_ERR_SUCCESS, MQTTErrorCode.MQTT_ERR_NO_CONN):
                log.warning("event not handed to paho: %s", mqtt.error_string(info.rc))
                return
            self._in_flight[info.mid] = seq
            self._sent_upto = seq
            self.messages_sent += 1

    def _publish_health(self) -> None:
        try:
            kiosk = self._link.health()
            if not isinstance(kiosk, KioskHealth):
                kiosk = KioskHealth.model_validate(kiosk)
            self._versions = (kiosk.app_version, kiosk.content_version)
            self._health_seq += 1
            payload = HealthPayload(
                **kiosk.model_dump(),
                seq=self._health_seq,
                at=utc_now(),
                system=self._system(),
                reconnects=self._reconnects,
                queued_events=self.queued_events,
            )
        except Exception:  # noqa: BLE001 - one missed report, not a dead agent
            log.exception("health report not built")
            return
        properties = Properties(PacketTypes.PUBLISH)
        # A report older than two periods says nothing true any more: the broker drops it.
        properties.MessageExpiryInterval = math.ceil(2 * self.settings.health_interval)
        self._client.publish(self._health_topic, encode(payload), qos=HEALTH_QOS, properties=properties)
        self.messages_sent += 1

    def _finish(self) -> None:
        """On ``stop``: store what came, wait for what is in flight, then say ``disconnected``."""
        # Keep time for the "disconnected" message after the events.
        state_time = min(1.0, max(0.0, self._stop_deadline - time.monotonic()) / 2)
        events_deadline = self._stop_deadline - state_time
        self._store_new_events()
        while self.connected and time.monotonic() < events_deadline:
            self._take_acks()
            self._send_events()
            if not self._in_flight:
                break
            self._wake.wait(max(0.0, min(0.05, events_deadline - time.monotonic())))
            self._wake.clear()
        self._take_acks()
        if self.connected:
            info = self._publish_state(self._state_payload(KioskState.DISCONNECTED))
            try:
                info.wait_for_publish(max(0.0, self._stop_deadline - time.monotonic()))
            except (RuntimeError, ValueError):
                log.warning("'disconnected' not confirmed by the broker")
