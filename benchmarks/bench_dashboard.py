"""Dashboard benchmark: ingestion against `mosquitto_sub`, death to "lost", the fleet page with 10,000 kiosks.

Run: ``.venv/bin/python benchmarks/bench_dashboard.py [--messages 100000] [--kiosks 10000]
[--rate 10000] [--seconds 10] [--only ingest|live|cost|death|page ...]``

Everything runs on this machine: a private Mosquitto on a free local port, `kiosk-fleet serve`
(SQLite) in its own process, `mosquitto_sub` (C) and headless Chromium.

1. Ingestion. Both consumers subscribe (serve on the shared subscription) and are frozen
   (SIGSTOP) while N health reports (QoS 0, spread over --kiosks kiosks) are published: the
   broker queues the stream for each. Then both are woken at once (SIGCONT) and drain the same
   stream side by side; each rate runs from the wake-up to the last message, for serve the last
   one *committed to the database* (an event sent after the reports marks the end). Publishing
   first keeps the publisher off the CPU while the consumers run: the figures are the
   consumers' own. Serve keeps one health sample per kiosk and minute in the history
   (--sample-every) and updates every kiosk's current state with every report.
   Live: a paced publisher (raw MQTT 5 packets built beforehand, sent every 10 ms, so that it
   takes next to no CPU) sends --rate health reports a second for --seconds while both
   consumers are subscribed; printed beside the drain figures: the share of the stream each had
   received (and serve committed) 1 s after the last message was sent, how long after the
   end each had all of it (the broker queues what a consumer cannot take yet), and serve's rate
   against mosquitto_sub's, each from the first message sent to the last it had: the goal's
   figure for a stream as the fleet sends it (the drain measures each consumer's ceiling).
2. Death to "lost": an agent (`kiosk-fleet simulate`, keepalive 5 s, no will delay) is killed
   (SIGKILL: the system closes its socket) or frozen (SIGSTOP: the network goes silent, the
   broker waits 1.5 keepalives); the time until the fleet page, open in Chromium, says
   "Hors ligne" for it.
   Cost: where one serve process's time goes per health report, each step alone in this
   process: paho's receive (plain paho, then the read-ahead client serve uses) draining queued
   reports with nothing done with them; validation (`protocol.parse_health`); decoding into a
   record (validation included); writing (`write_batch` per record, batches of 1,000).
3. The fleet page with 10,000 kiosks in the store: the server's time for GET /flotte (the
   counts and the first 100 rows, most urgent first) and Chromium's time to the load event.

No assertions: figures (the goals are in the issue: at least 80 % of mosquitto_sub and 10,000
health messages per second on 2 cores).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import Engine, func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fleet import protocol  # noqa: E402
from fleet.dashboard.records import DeviceState, HealthUpdate, StateUpdate  # noqa: E402
from fleet.dashboard.store import schema  # noqa: E402
from fleet.dashboard.store.database import open_database  # noqa: E402
from fleet.dashboard.store.writer import write_batch  # noqa: E402

from support.dashboard import ServeProcess, add_user, create_token, free_port, wait_until  # noqa: E402

#: The ids of the events published after the health reports.
MARKERS = [f"{number:032x}" for number in range(1, 21)]
#: The benchmark's parts, for --only.
PARTS = ("ingest", "live", "cost", "death", "page")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system, every thread) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class QueueingBroker:
    """Mosquitto that keeps every message for offline persistent sessions, QoS 0 included."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        config = directory / "mosquitto.conf"
        config.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
            "max_queued_messages 0\nmax_queued_bytes 0\nqueue_qos0_messages true\n"
            f"user {os.environ.get('USER') or 'root'}\n"
        )
        self._process = subprocess.Popen(
            ["mosquitto", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until(self._accepts, 10, what="mosquitto")

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def _accepts(self) -> bool:
        import socket

        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait(10)


def health_payload(seq: int) -> bytes:
    return protocol.encode(
        protocol.HealthPayload(
            seq=seq,
            at=dt.datetime.now(dt.UTC),
            app_version="0.1.0",
            uptime_s=3600.0,
            screen="home",
            speech="ready",
            content_version="2026.09",
            devices=(
                {"device": "printer", "present": True, "ready": True, "detail": "ok"},
                {"device": "card_reader", "present": True, "ready": True, "detail": "ok"},
            ),
            system={
                "cpu_percent": 12.0,
                "memory_percent": 40.0,
                "disk_percent": 20.0,
                "boot_uptime_s": 7200.0,
            },
        )
    )


def publish(broker: QueueingBroker, count: int, kiosks: int) -> None:
    payloads = [health_payload(seq) for seq in range(100)]
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    last = None
    for number in range(count):
        kiosk = number % kiosks
        topic = protocol.health_topic(f"site-{kiosk % 100:03d}", f"kiosk-{kiosk:05d}")
        last = client.publish(topic, payloads[number % 100], qos=0)
    # The end markers: events after the reports. A serve process handles its messages in order,
    # and the shared subscription hands the markers round: once they are all in the database,
    # every report before them is too.
    for marker_id in MARKERS:
        marker = protocol.SessionStatistics(
            id=marker_id, duration_s=1.0, outcome=protocol.SessionOutcome.COMPLETED, language="fr"
        )
        last = client.publish(protocol.event_topic("site-000", "kiosk-00000"), protocol.encode(marker), qos=1)
    last.wait_for_publish(120)
    client.disconnect()
    client.loop_stop()


class SubCounter:
    """`mosquitto_sub` counting the lines it prints, with the time of the last one."""

    def __init__(self, broker: QueueingBroker) -> None:
        command = ["mosquitto_sub", "-V", "mqttv5", "-h", "127.0.0.1", "-p", str(broker.port)]
        self._process = subprocess.Popen(
            [*command, "-t", "kiosk/v1/+/+/health"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.count = 0
        self.last = 0.0
        threading.Thread(target=self._read, daemon=True).start()
        time.sleep(0.5)  # mosquitto_sub says nothing when it has subscribed

    @property
    def pid(self) -> int:
        return self._process.pid

    def _read(self) -> None:
        assert self._process.stdout is not None
        for _line in self._process.stdout:
            self.count += 1
            self.last = time.perf_counter()

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait(5)


@contextmanager
def consumers(
    directory: Path, name: str, processes: int
) -> Iterator[tuple[QueueingBroker, str, list[ServeProcess], Engine, SubCounter]]:
    """A queueing broker, ``processes`` serve processes on one SQLite store (and an admin's API
    token), and ``mosquitto_sub``: both consumers subscribed; all stopped at the end.

    The monitor runs at its production pace; progress is read from the database, not /metrics
    (whose fleet gauges read every kiosk: polled fast, they would slow down what they measure).
    """
    broker = QueueingBroker(directory)
    database = f"sqlite:///{directory / f'{name}-{processes}.sqlite3'}"
    add_user(database, "admin", "admin")
    token = create_token(database, "admin")
    serves = [
        ServeProcess(
            broker.url, database, directory / f"serve-{name}-{number}.log", extra=("--monitor-interval", "2")
        )
        for number in range(processes)
    ]
    for serve in serves:
        serve.start()
    engine = open_database(database)
    sub = SubCounter(broker)
    try:
        yield broker, token, serves, engine, sub
    finally:
        sub.stop()
        for serve in serves:
            serve.stop()
        broker.stop()
        engine.dispose()


def markers_stored(engine: Engine) -> int:
    """How many of the end markers (events sent after the reports) are committed."""
    with engine.connect() as connection:
        return connection.execute(
            select(func.count()).where(schema.events.c.event_id.in_(MARKERS))
        ).scalar_one()


def ingest(directory: Path, count: int, kiosks: int, processes: int) -> None:
    size = len(health_payload(1))
    print(f"\n1. ingestion: {count} health reports (QoS 0, {size} B) for {kiosks} kiosks, {processes} serve")
    with consumers(directory, "ingest", processes) as (broker, token, serves, engine, sub):
        pids = [serve.process.pid for serve in serves if serve.process is not None] + [sub.pid]
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        started = time.perf_counter()
        publish(broker, count, kiosks)
        cpu_before = {pid: cpu_seconds(pid) for pid in pids}
        print(
            f"   published at {count / (time.perf_counter() - started):,.0f} msg/s (Python, while both slept)"
        )
        woken = time.perf_counter()
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
        deadline = time.monotonic() + 600
        while markers_stored(engine) < len(MARKERS) and time.monotonic() < deadline:
            time.sleep(0.02)
        last = time.perf_counter()
        serve_cpu = sum(cpu_seconds(pid) - cpu_before[pid] for pid in pids[:-1])
        stored = sum(serve.metric(token, "fleet_ingest_stored_total") for serve in serves) - len(MARKERS)
        wait_until(lambda: sub.count >= count, 60, what="mosquitto_sub")
        sub_cpu = cpu_seconds(sub.pid) - cpu_before[sub.pid]
        dropped = sum(
            serve.metric(token, "fleet_ingest_dropped_total", {"reason": reason})
            for reason in ("malformed", "oversized", "overflow", "error")
            for serve in serves
        )
        sub_rate = sub.count / (sub.last - woken)
        serve_rate = stored / (last - woken)
        print(f"   mosquitto_sub (C)          {sub_rate:>9,.0f} msg/s  ({sub.count} received)")
        outcome = f"({stored:.0f} stored, {dropped:.0f} dropped)"
        print(f"   kiosk-fleet serve, stored  {serve_rate:>9,.0f} msg/s  {outcome}")
        print(f"   serve / mosquitto_sub      {serve_rate / sub_rate:>9.0%}")
        batches = sum(serve.metric(token, "fleet_ingest_batch_seconds_count") for serve in serves)
        batch_time = sum(serve.metric(token, "fleet_ingest_batch_seconds_sum") for serve in serves) / max(
            batches, 1
        )
        per_batch = stored / max(batches, 1)
        print(f"   {batches:.0f} transactions of {per_batch:.0f} records, {batch_time * 1000:.0f} ms each")
        # CPU time per message: what the machine's sharing with other work does not change much.
        print(
            f"   CPU per message: serve {serve_cpu / stored * 1e6:.0f} µs, mosquitto_sub"
            f" {sub_cpu / sub.count * 1e6:.0f} µs (CPU time used during the drain / messages)"
        )


def _varint(value: int) -> bytes:
    """MQTT's variable byte integer."""
    encoded = bytearray()
    while True:
        value, digit = divmod(value, 128)
        encoded.append(digit | (128 if value else 0))
        if not value:
            return bytes(encoded)


def _utf8(text: str) -> bytes:
    data = text.encode()
    return len(data).to_bytes(2, "big") + data


class PacedPublisher:
    """QoS 0 health reports at a fixed rate over one raw MQTT 5 connection.

    Every PUBLISH packet is built beforehand and the packets due are sent every 10 ms in one
    system call: at 10,000 msg/s this takes a few percent of a core, where paho would take a
    third of one away from the consumers being measured.
    """

    def __init__(self, broker: QueueingBroker, kiosks: int) -> None:
        import socket

        payloads = [health_payload(seq) for seq in range(100)]
        self._packets = []
        for kiosk in range(kiosks):
            topic = protocol.health_topic(f"site-{kiosk % 100:03d}", f"kiosk-{kiosk:05d}")
            body = _utf8(topic) + b"\x00" + payloads[kiosk % 100]  # no properties
            self._packets.append(b"\x30" + _varint(len(body)) + body)
        self._socket = socket.create_connection(("127.0.0.1", broker.port))
        # CONNECT: MQTT 5, clean start, no keepalive, no properties.
        variable = _utf8("MQTT") + b"\x05\x02\x00\x00\x00" + _utf8("bench-paced-publisher")
        self._socket.sendall(b"\x10" + _varint(len(variable)) + variable)
        connack = self._socket.recv(64)
        if connack[:1] != b"\x20" or connack[3:4] != b"\x00":
            raise RuntimeError(f"the broker refused the publisher: {connack!r}")

    def run(self, rate: int, seconds: float) -> tuple[int, float, float]:
        """Send for `seconds` at `rate`, then the end markers (on the same connection, so after
        every report); the number of reports sent, when the first and the last were sent."""
        total = int(rate * seconds)
        packets, count = self._packets, len(self._packets)
        sent = 0
        started = time.perf_counter()
        while sent < total:
            due = min(total, int((time.perf_counter() - started) * rate) + 1)
            if due > sent:
                self._socket.sendall(b"".join(packets[number % count] for number in range(sent, due)))
                sent = due
            time.sleep(0.01)
        ended = time.perf_counter()
        topic = protocol.event_topic("site-000", "kiosk-00000")
        for marker_id in MARKERS:
            marker = protocol.SessionStatistics(
                id=marker_id, duration_s=1.0, outcome=protocol.SessionOutcome.COMPLETED, language="fr"
            )
            body = _utf8(topic) + b"\x00" + protocol.encode(marker)
            self._socket.sendall(b"\x30" + _varint(len(body)) + body)
        return sent, started, ended

    def close(self) -> None:
        self._socket.sendall(b"\xe0\x00")  # DISCONNECT
        self._socket.close()


def scrape(serve: ServeProcess, token: str) -> dict[str, float]:
    """Every sample of one scrape of /metrics, by name and labels."""
    response = httpx2.get(f"{serve.url}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    samples = {}
    for line in response.text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def live(directory: Path, rate: int, seconds: float, kiosks: int, processes: int) -> None:
    count = int(rate * seconds)
    print(
        f"\n1b. live stream: {rate:,} health reports a second for {seconds:g} s ({count:,}, "
        f"{kiosks} kiosks), {processes} serve, both consumers subscribed"
    )
    with consumers(directory, "live", processes) as (broker, token, serves, engine, sub):
        publisher = PacedPublisher(broker, kiosks)
        pids = [serve.process.pid for serve in serves if serve.process is not None]
        cpu_before = {pid: cpu_seconds(pid) for pid in pids}
        sent, first, end = publisher.run(rate, seconds)
        publisher.close()
        # What each consumer had 1 s after the end (mosquitto_sub received; serve received and
        # committed), read on another thread while this one watches for the end markers.
        then: list[float] = []

        def snapshot() -> None:
            if len(MARKERS) == markers_stored(engine):
                then.extend((sub.count, sent, sent))  # all committed already: no scrape
                return
            sub_count = sub.count
            # One scrape each: the ingest counters are read first, then the fleet's gauges (every
            # kiosk, which takes a second or two and some of serve's CPU).
            scraped = [scrape(serve, token) for serve in serves]
            then.extend(
                (
                    sub_count,
                    sum(
                        samples.get('fleet_ingest_messages_total{kind="health"}', 0.0) for samples in scraped
                    ),
                    min(sum(samples.get("fleet_ingest_stored_total", 0.0) for samples in scraped), sent),
                )
            )

        timer = threading.Timer(max(0.0, end + 1.0 - time.perf_counter()), snapshot)
        timer.start()
        deadline = time.monotonic() + 600
        while markers_stored(engine) < len(MARKERS) and time.monotonic() < deadline:
            time.sleep(0.02)
        all_stored = time.perf_counter()
        serve_cpu = sum(cpu_seconds(pid) - cpu_before[pid] for pid in pids)
        timer.join()
        sub_then, received_then, stored_then = then
        wait_until(lambda: sub.count >= sent, 60, what="mosquitto_sub")
        stored = sum(serve.metric(token, "fleet_ingest_stored_total") for serve in serves) - len(MARKERS)
        print(f"   sent at {sent / (end - first):,.0f} msg/s")
        print(
            f"   mosquitto_sub (C)          {sub_then / sent:>5.0%} received 1 s after the end,"
            f" all {max(sub.last - end, 0):.1f} s after it"
        )
        print(
            f"   kiosk-fleet serve          {received_then / sent:>5.0%} received, {stored_then / sent:.0%}"
            f" committed 1 s after the end; all committed {all_stored - end:.1f} s after it"
            f" ({stored:.0f} stored: {stored / (all_stored - first):,.0f} msg/s over the whole)"
        )
        # The goal's figure for a stream as the fleet sends it: each consumer's rate from the
        # first message sent to the last it had (serve: committed).
        sub_rate = sent / (max(sub.last, end) - first)
        serve_rate = stored / (all_stored - first)
        print(
            f"   serve / mosquitto_sub      {serve_rate / sub_rate:>5.0%}  ({serve_rate:,.0f} against"
            f" {sub_rate:,.0f} msg/s, first message sent to last received)"
        )
        print(f"   serve's CPU per message {serve_cpu / stored * 1e6:.0f} µs (with its scrape of /metrics)")


def receive_rate(broker: QueueingBroker, count: int, client_class: type[mqtt.Client]) -> float:
    """Messages a second a paho client drains from its queued session, doing nothing with them."""
    received = threading.Event()
    total = 0

    def on_message(_client: mqtt.Client, _userdata: object, _message: mqtt.MQTTMessage) -> None:
        nonlocal total
        total += 1
        if total == count:
            received.set()

    client = client_class(
        callback_api_version=CallbackAPIVersion.VERSION2,
        protocol=mqtt.MQTTv5,
        client_id=f"cost-{client_class.__name__}",
    )
    client.on_message = on_message
    properties = mqtt.Properties(mqtt.PacketTypes.CONNECT)
    properties.SessionExpiryInterval = 3600
    client.connect("127.0.0.1", broker.port, clean_start=False, properties=properties)
    client.subscribe("kiosk/v1/+/+/health", qos=0)
    client.loop(1)
    client.loop(1)
    client.disconnect()
    publish(broker, count, 10_000)
    client.connect("127.0.0.1", broker.port, clean_start=False, properties=properties)
    started = time.perf_counter()
    while not received.is_set():
        client.loop(1)
    rate = count / (time.perf_counter() - started)
    client.disconnect()
    return rate


def cost(directory: Path, kiosks: int) -> None:
    from fleet.dashboard.broker import ReadAheadClient
    from fleet.dashboard.ingest.decode import decode
    from fleet.dashboard.store.writer import HealthSampler

    print("\n1c. where serve's time goes per health report (each step alone, in this process)")
    count = 50_000
    broker = QueueingBroker(directory)
    try:
        for name, client_class in (("paho", mqtt.Client), ("read-ahead client", ReadAheadClient)):
            rate = receive_rate(broker, count, client_class)
            label = f"receive ({name})"
            print(f"   {label:<34}{1e6 / rate:5.1f} µs  ({rate:,.0f} msg/s, nothing done with them)")
    finally:
        broker.stop()
    payloads = [health_payload(seq) for seq in range(100)]
    topics = [
        protocol.health_topic(f"site-{kiosk % 100:03d}", f"kiosk-{kiosk:05d}") for kiosk in range(kiosks)
    ]
    started = time.perf_counter()
    for number in range(count):
        protocol.parse_health(payloads[number % 100])
    print(f"   {'validate (parse_health)':<34}{(time.perf_counter() - started) / count * 1e6:5.1f} µs")
    started = time.perf_counter()
    records = [
        decode(topics[number % kiosks], payloads[number % 100], time.time()) for number in range(count)
    ]
    print(f"   {'decode (validation included)':<34}{(time.perf_counter() - started) / count * 1e6:5.1f} µs")
    engine = open_database(f"sqlite:///{directory / 'cost.sqlite3'}")
    sampler = HealthSampler(60.0)
    started = time.perf_counter()
    for first in range(0, count, 1000):
        write_batch(engine, records[first : first + 1000], sampler)  # type: ignore[arg-type]
    print(
        f"   {'write (SQLite, batches of 1,000)':<34}{(time.perf_counter() - started) / count * 1e6:5.1f} µs"
    )
    engine.dispose()


def api_total(serve: ServeProcess, token: str) -> int:
    response = httpx2.get(f"{serve.url}/api/kiosks", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    return int(response.json()["total"])


def death_to_lost(directory: Path) -> None:
    from playwright.sync_api import sync_playwright

    print("\n2. death to 'lost' on the fleet page (keepalive 5 s, will delay 0)")
    broker = QueueingBroker(directory)
    database = f"sqlite:///{directory / 'death.sqlite3'}"
    add_user(database, "admin", "admin")
    token = create_token(database, "admin")
    serve = ServeProcess(broker.url, database, directory / "serve-death.log").start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"{serve.url}/connexion")
            page.fill("#name", "admin")
            page.fill("#password", "correct horse battery staple")
            page.keyboard.press("Enter")
            page.wait_for_url(f"{serve.url}/flotte")
            for how, sig in (
                ("SIGKILL (process dies)", signal.SIGKILL),
                ("SIGSTOP (network silent)", signal.SIGSTOP),
            ):
                options = ["--kiosks", "1", "--interval", "1", "--keepalive", "5", "--will-delay", "0"]
                agent = subprocess.Popen(
                    [sys.executable, "-m", "fleet.cli", "simulate", "--broker", broker.url, *options],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                wait_until(lambda: api_total(serve, token) == 1, 30, what="the kiosk in the store")
                page.reload()
                page.wait_for_function(
                    "() => document.querySelector('tr[data-kiosk=\"site-001/kiosk-00001\"]')"
                    ".textContent.includes('En service')",
                    timeout=30_000,
                )
                killed = time.perf_counter()
                agent.send_signal(sig)
                page.wait_for_function(
                    "() => document.querySelector('tr[data-kiosk=\"site-001/kiosk-00001\"]')"
                    ".textContent.includes('Hors ligne')",
                    timeout=60_000,
                )
                print(f"   {how:<26} {time.perf_counter() - killed:5.1f} s")
                agent.kill()
                agent.wait(10)
            browser.close()
    finally:
        serve.stop()
        broker.stop()


def fleet_page(directory: Path, kiosks: int) -> None:
    from playwright.sync_api import sync_playwright

    print(f"\n3. the fleet page with {kiosks} kiosks")
    database = f"sqlite:///{directory / 'page.sqlite3'}"
    engine = open_database(database)
    now = time.time()
    devices = (DeviceState("printer", True, True, "ok"), DeviceState("card_reader", True, True, "ok"))
    paper_out = (
        DeviceState("printer", True, False, "paper_out"),
        DeviceState("card_reader", True, True, "ok"),
    )
    records: list[object] = []
    for number in range(kiosks):
        site, kiosk = f"site-{number % 250:03d}", f"kiosk-{number:05d}"
        state = "lost" if number % 97 == 0 else "ready"
        records.append(StateUpdate(site, kiosk, state, 1, now))
        records.append(
            HealthUpdate(
                site, kiosk, now, 1, app_version="0.1.0", devices=paper_out if number % 31 == 0 else devices
            )
        )
    write_batch(engine, records)  # type: ignore[arg-type]
    engine.dispose()
    add_user(database, "admin", "admin")
    token = create_token(database, "admin")
    broker = QueueingBroker(directory)
    serve = ServeProcess(broker.url, database, directory / "serve-page.log").start()
    try:
        headers = {"Authorization": f"Bearer {token}"}
        for path in ("/flotte", "/flotte?status=problem", "/api/kiosks?page_size=1000"):
            times = []
            for _ in range(10):
                started = time.perf_counter()
                httpx2.get(f"{serve.url}{path}", headers=headers, timeout=30).raise_for_status()
                times.append(time.perf_counter() - started)
            median, slowest = statistics.median(times) * 1000, max(times) * 1000
            print(f"   GET {path:<28} median {median:6.0f} ms   max {slowest:6.0f} ms")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.set_extra_http_headers(headers)
            loads = []
            for _ in range(5):
                started = time.perf_counter()
                page.goto(f"{serve.url}/flotte", wait_until="load")
                loads.append(time.perf_counter() - started)
            print(f"   Chromium: /flotte to the load event, median {statistics.median(loads) * 1000:.0f} ms")
            browser.close()
    finally:
        serve.stop()
        broker.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--kiosks", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=10_000, help="live stream: messages a second")
    parser.add_argument("--seconds", type=float, default=10.0, help="live stream: how long")
    parser.add_argument(
        "--only", choices=PARTS, action="append", help="run only this part (repeat for several)"
    )
    arguments = parser.parse_args()
    parts = arguments.only or PARTS
    directory = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    try:
        if "ingest" in parts:
            for processes in (1, 2):
                ingest(directory, arguments.messages, arguments.kiosks, processes)
        if "live" in parts:
            for processes in (1, 2):
                live(directory, arguments.rate, arguments.seconds, arguments.kiosks, processes)
        if "cost" in parts:
            cost(directory, arguments.kiosks)
        if "death" in parts:
            death_to_lost(directory)
        if "page" in parts:
            fleet_page(directory, arguments.kiosks)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
