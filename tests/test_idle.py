"""The idle timer: warning, at least 20 s to answer, extendable at least 10 times, then expiry."""

from __future__ import annotations

from kiosk.idle import IdleState, IdleTimer


def test_warning_then_expiry() -> None:
    timer = IdleTimer(idle_seconds=90, warning_seconds=30, max_extensions=10)
    timer.restart(0)
    assert timer.tick(89) is None
    assert timer.tick(90) is IdleState.WARNING
    assert timer.seconds_left(95) == 25
    timer.activity(100)  # a stray touch does not dismiss the warning
    assert timer.tick(119) is None
    assert timer.tick(120) is IdleState.EXPIRED


def test_extended_ten_times() -> None:
    timer = IdleTimer(idle_seconds=90, warning_seconds=20, max_extensions=10)
    timer.restart(0)
    now = 0.0
    for _ in range(10):
        now += 90
        assert timer.tick(now) is IdleState.WARNING
        now += 19
        assert timer.extend(now)
        assert timer.state is IdleState.ACTIVE
    now += 90
    assert timer.tick(now) is IdleState.WARNING
    assert not timer.extend(now)


def test_activity_postpones_the_warning() -> None:
    timer = IdleTimer(idle_seconds=90, warning_seconds=20, max_extensions=10)
    timer.restart(0)
    timer.activity(80)
    assert timer.tick(160) is None
    assert timer.tick(170) is IdleState.WARNING
