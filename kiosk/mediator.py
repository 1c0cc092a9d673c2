"""The mediator's PIN: scrypt hashing, verification, and the lockout after wrong attempts."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable

#: scrypt cost parameters: about 50 ms per check on a small kiosk PC, slow enough for brute force.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
#: Wrong PINs in a row before the pad locks.
MAX_ATTEMPTS = 5
#: How long the pad stays locked, in seconds.
LOCK_SECONDS = 300.0


def hash_pin(pin: str) -> str:
    """Return ``scrypt$n$r$p$salt$hash`` for ``pin`` (the form the configuration stores)."""
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise ValueError("a PIN is 4 to 12 digits")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    """True when ``pin`` matches the stored scrypt hash (constant-time comparison)."""
    _, n, r, p, salt, expected = stored.split("$")
    digest = hashlib.scrypt(
        pin.encode(),
        salt=bytes.fromhex(salt),
        n=int(n),
        r=int(r),
        p=int(p),
        dklen=len(expected) // 2,
    )
    return hmac.compare_digest(digest.hex(), expected)


class PinLock:
    """Counts wrong PINs and locks the pad for ``LOCK_SECONDS`` after ``MAX_ATTEMPTS``."""

    def __init__(self, stored_hash: str, clock: Callable[[], float]) -> None:
        self._stored = stored_hash
        self._clock = clock
        self._failures = 0
        self._locked_until = 0.0

    def seconds_locked(self) -> float:
        """Seconds left before the pad accepts a PIN again (0 when it does)."""
        return max(0.0, self._locked_until - self._clock())

    @property
    def attempts_left(self) -> int:
        return MAX_ATTEMPTS - self._failures

    def try_pin(self, pin: str) -> bool:
        """Check a PIN; a locked pad refuses every PIN, right or wrong, until the lock ends."""
        if self.seconds_locked() > 0:
            return False
        if verify_pin(pin, self._stored):
            self._failures = 0
            return True
        self._failures += 1
        if self._failures >= MAX_ATTEMPTS:
            self._failures = 0
            self._locked_until = self._clock() + LOCK_SECONDS
        return False
