"""The mediator PIN: stored as scrypt, checked in constant time, locked after five wrong tries."""

from __future__ import annotations

import pytest

from kiosk.mediator import LOCK_SECONDS, MAX_ATTEMPTS, PinLock, hash_pin, verify_pin


def test_hash_is_salted_scrypt_and_verifies() -> None:
    first, second = hash_pin("2468"), hash_pin("2468")
    assert first.startswith("scrypt$") and first != second and "2468" not in first
    assert verify_pin("2468", first) and not verify_pin("2469", first)


@pytest.mark.parametrize("pin", ["12", "abcd", "1234567890123"])
def test_pins_are_four_to_twelve_digits(pin: str) -> None:
    with pytest.raises(ValueError):
        hash_pin(pin)


def test_five_wrong_pins_lock_for_five_minutes_even_against_the_right_one() -> None:
    now = [1000.0]
    lock = PinLock(hash_pin("2468"), lambda: now[0])
    for _ in range(MAX_ATTEMPTS):
        assert not lock.try_pin("0000")
    assert lock.seconds_locked() == pytest.approx(LOCK_SECONDS)
    assert not lock.try_pin("2468")
    now[0] += LOCK_SECONDS - 1
    assert not lock.try_pin("2468")
    now[0] += 1
    assert lock.try_pin("2468")
    assert lock.attempts_left == MAX_ATTEMPTS
