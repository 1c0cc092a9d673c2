"""Alerts: conditions become alerts after holding a while, clear after being gone a while, and notify once."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

from fleet.dashboard.alerts.monitor import AlertMonitor, MonitorSettings
from fleet.dashboard.alerts.notify import SmtpNotifier, WebhookNotifier, send_all
from fleet.dashboard.alerts.rules import AlertKind, Condition
from fleet.dashboard.alerts.tracker import AlertPolicy, AlertTracker, Clear, Raise
from fleet.dashboard.records import DeviceState, EventRecord, HealthUpdate, StateUpdate
from fleet.dashboard.store import schema
from fleet.dashboard.store.writer import write_batch

from support.dashboard import WebhookReceiver

OFFLINE = ("site-a", "k1", AlertKind.OFFLINE)


class FakeClock:
    def __init__(self, now: float = 1_790_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class RecordingNotifier:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def notify(self, subject: str, text: str) -> None:
        self.sent.append((subject, text))


def test_a_condition_must_hold_before_it_is_raised_and_be_gone_before_it_clears() -> None:
    tracker = AlertTracker(AlertPolicy(raise_after_s=60, clear_after_s=120))
    condition = {OFFLINE: Condition("k1", "site-a", AlertKind.OFFLINE)}

    assert tracker.update(condition, set(), 0) == []
    assert tracker.update({}, set(), 30) == []  # back within a minute: nothing
    assert tracker.update(condition, set(), 40) == []
    assert tracker.update(condition, set(), 100) == [Raise(condition[OFFLINE])]
    assert tracker.update({}, {OFFLINE}, 110) == []
    assert tracker.update(condition, {OFFLINE}, 150) == []  # came back before clearing
    assert tracker.update({}, {OFFLINE}, 160) == []
    assert tracker.update({}, {OFFLINE}, 280) == [Clear(OFFLINE)]


@pytest.fixture
def fleet(sqlite_engine: Engine) -> Engine:
    write_batch(sqlite_engine, [StateUpdate("site-a", "k1", "ready", 1, 1_790_000_000.0)])
    return sqlite_engine


def monitor(engine: Engine, clock: FakeClock, notifier: RecordingNotifier, **policy: float) -> AlertMonitor:
    settings = MonitorSettings(
        offline_after_s=90, policy=AlertPolicy(**{"raise_after_s": 0, "clear_after_s": 0, **policy})
    )
    return AlertMonitor(engine, settings, [notifier], holder="test", clock=clock)


def alert_rows(engine: Engine) -> list[tuple[str, str, bool]]:
    alerts = schema.alerts
    with engine.connect() as connection:
        rows = connection.execute(
            select(alerts.c.kiosk_id, alerts.c.kind, alerts.c.cleared_at).order_by(alerts.c.id)
        )
        return [(kiosk, kind, cleared is None) for kiosk, kind, cleared in rows]


def test_a_lost_kiosk_raises_one_offline_alert_and_its_return_clears_it(fleet: Engine) -> None:
    clock, notifier = FakeClock(), RecordingNotifier()
    watcher = monitor(fleet, clock, notifier)
    write_batch(fleet, [StateUpdate("site-a", "k1", "lost", 1, clock.now)])

    assert watcher.tick() == [Raise(Condition("k1", "site-a", AlertKind.OFFLINE))]
    for _ in range(5):
        clock.now += 2
        assert watcher.tick() == []
    assert alert_rows(fleet) == [("k1", "offline", True)]

    write_batch(fleet, [StateUpdate("site-a", "k1", "ready", 2, clock.now)])
    assert watcher.tick() == [Clear(OFFLINE)]
    assert alert_rows(fleet) == [("k1", "offline", False)]
    watcher._outbox.put(None)
    watcher._send()
    assert [subject for subject, _ in notifier.sent] == [
        "Alerte : Borne k1 (site site-a) : hors ligne",
        "Fin d'alerte : Borne k1 (site site-a)",
    ]


def test_a_silent_kiosk_is_marked_offline(fleet: Engine) -> None:
    clock, notifier = FakeClock(), RecordingNotifier()
    watcher = monitor(fleet, clock, notifier)
    assert watcher.tick() == []
    clock.now += 91
    assert watcher.tick() == [Raise(Condition("k1", "site-a", AlertKind.OFFLINE))]
    with fleet.connect() as connection:
        assert connection.execute(select(schema.kiosks.c.silent)).scalar_one() is True


def test_paper_out_reader_missing_and_a_crash_loop_raise_their_alerts(fleet: Engine) -> None:
    clock, notifier = FakeClock(), RecordingNotifier()
    devices = (
        DeviceState("printer", True, False, "paper_out"),
        DeviceState("card_reader", False, False, "missing"),
    )
    crashes = [
        EventRecord(f"{number:032x}", "site-a", "k1", "app_crash", clock.now - number, clock.now)
        for number in range(3)
    ]
    write_batch(fleet, [HealthUpdate("site-a", "k1", clock.now, 1, devices=devices), *crashes])

    raised = {
        change.condition.kind
        for change in monitor(fleet, clock, notifier).tick()
        if isinstance(change, Raise)
    }
    assert raised == {AlertKind.PAPER_OUT, AlertKind.READER_MISSING, AlertKind.CRASH_LOOP}


def test_a_flapping_alert_is_announced_once_then_kept_quiet(fleet: Engine) -> None:
    clock, notifier = FakeClock(), RecordingNotifier()
    watcher = monitor(fleet, clock, notifier, flap_count=3, flap_window_s=3600)
    for sequence in range(2, 8):
        write_batch(fleet, [StateUpdate("site-a", "k1", "lost", sequence - 1, clock.now)])
        watcher.tick()
        clock.now += 10
        write_batch(fleet, [StateUpdate("site-a", "k1", "ready", sequence, clock.now)])
        watcher.tick()
        clock.now += 10
    watcher._outbox.put(None)
    watcher._send()
    subjects = [subject for subject, _ in notifier.sent]
    assert subjects.count("Alerte : Borne k1 (site site-a) : hors ligne") == 2
    assert subjects.count("Alerte instable : Borne k1 (site site-a) : hors ligne") == 1
    assert len(subjects) == 5  # two alerts, two ends, one "unstable"; then silence
    assert len(alert_rows(fleet)) == 6  # every change is still recorded


def test_only_the_lease_holder_raises_alerts(fleet: Engine) -> None:
    clock = FakeClock()
    first, second = RecordingNotifier(), RecordingNotifier()
    one = monitor(fleet, clock, first)
    other = AlertMonitor(
        fleet, MonitorSettings(policy=AlertPolicy(0, 0)), [second], holder="other", clock=clock
    )
    write_batch(fleet, [StateUpdate("site-a", "k1", "lost", 1, clock.now)])
    assert len(one.tick()) == 1
    assert other.tick() == [] and not other.holds_lease
    assert len(alert_rows(fleet)) == 1


def test_the_webhook_posts_the_simple_text_json() -> None:
    receiver = WebhookReceiver()
    try:
        WebhookNotifier(receiver.url).notify("Alerte", "Borne k1 : hors ligne")
    finally:
        receiver.close()
    assert receiver.bodies == [{"text": "Borne k1 : hors ligne"}]


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    messages: list[bytes] = []

    def handle(self) -> None:
        self.wfile.write(b"220 test\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go\r\n")
                body = b"".join(iter(self.rfile.readline, b".\r\n"))
                self.messages.append(body)
                self.wfile.write(b"250 ok\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server() -> Iterator[socketserver.TCPServer]:
    _SmtpHandler.messages = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_an_email_goes_through_the_smtp_relay(smtp_server: socketserver.TCPServer) -> None:
    notifier = SmtpNotifier(
        "127.0.0.1", smtp_server.server_address[1], "fleet@example.org", ("it@example.org",), starttls=False
    )
    assert send_all([notifier], "Alerte : Borne k1", "Borne k1 : plus de papier") == 1
    assert b"Subject: Alerte : Borne k1" in _SmtpHandler.messages[0]


def test_a_failing_notifier_does_not_stop_the_others() -> None:
    recording = RecordingNotifier()
    assert send_all([WebhookNotifier("http://127.0.0.1:9/none", timeout_s=1), recording], "s", "t") == 1
    assert recording.sent == [("s", "t")]
