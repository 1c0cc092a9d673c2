"""Living under systemd, in plain Python: notifications, the crash record, fingerprints."""

from __future__ import annotations

import socket
from pathlib import Path

from kiosk.supervision import CRASH_WINDOW_SECONDS, CrashRecord, ServiceNotifier, fingerprint, state_directory


def test_notifications_go_to_the_managers_socket_and_never_wait(tmp_path: Path) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as manager:
        manager.bind(str(tmp_path / "notify"))
        notifier = ServiceNotifier({"NOTIFY_SOCKET": str(tmp_path / "notify"), "WATCHDOG_USEC": "30000000"})
        assert notifier.enabled and notifier.watchdog_interval == 15
        notifier.ready()
        notifier.watchdog()
        assert [manager.recv(64), manager.recv(64)] == [b"READY=1", b"WATCHDOG=1"]
        for _ in range(10_000):  # nobody reads: the buffer fills, and the kiosk goes on
            notifier.watchdog()


def test_without_a_manager_nothing_is_sent() -> None:
    notifier = ServiceNotifier({})
    assert not notifier.enabled and notifier.watchdog_interval is None
    notifier.ready()


def test_three_crashes_within_ten_minutes_mean_the_safe_mode(tmp_path: Path) -> None:
    record = CrashRecord(tmp_path / "state" / "crashes")
    assert record.add(1000.0, "a") == 1 and record.add(1100.0, "a") == 2
    assert not record.safe_mode(1100.0)
    assert record.add(1200.0, "b") == 3 and record.safe_mode(1200.0)
    later = 1000.0 + CRASH_WINDOW_SECONDS + 1
    assert [name for _, name in record.recent(later)] == ["a", "b"] and not record.safe_mode(later)
    (tmp_path / "state" / "crashes").write_text("1200 b\nnot a time\n12", encoding="ascii")
    assert [name for _, name in record.recent(1201.0)] == ["b"]  # a torn line does not count


def test_a_fingerprint_names_where_not_what() -> None:
    def fail(words: str) -> None:
        raise ValueError(words)

    names = []
    for words in ("EXEMPLE Camille", "DUPONT Jean"):
        try:
            fail(words)
        except ValueError as error:
            names.append(fingerprint(error))
    assert names[0] == names[1] and len(names[0]) == 12
    try:
        int("x")
    except ValueError as error:
        assert fingerprint(error) != names[0]


def test_the_state_directory_is_systemds_or_the_users() -> None:
    assert state_directory({"STATE_DIRECTORY": "/var/lib/inclusive-kiosk:/other"}) == Path(
        "/var/lib/inclusive-kiosk"
    )
    assert state_directory({}).name == "inclusive-kiosk"
