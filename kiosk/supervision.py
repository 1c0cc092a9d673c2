"""Living under systemd: the service manager's notifications, the crash record, crash fingerprints.

Plain Python: the application calls ``ServiceNotifier`` from the Kivy main loop (so a frozen UI
stops the watchdog's pings and is restarted), keeps ``CrashRecord`` in its state directory, and
names each crash by ``fingerprint`` (where it happened, never what it said: an exception's
message could quote what a citizen typed).
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import traceback
from pathlib import Path

logger = logging.getLogger(__name__)

#: The kiosk's state directory when systemd gives none ($STATE_DIRECTORY).
USER_STATE_DIR = Path.home() / ".local" / "state" / "inclusive-kiosk"
#: Crashes within ``CRASH_WINDOW_SECONDS`` that switch the kiosk to its safe mode.
SAFE_MODE_CRASHES = 3
CRASH_WINDOW_SECONDS = 600.0


def state_directory(environment: dict[str, str] | None = None) -> Path:
    """Where the kiosk keeps what must survive a restart (the fleet's queue, the crash record):
    systemd's ``StateDirectory=``, else the user's state directory."""
    environment = dict(os.environ) if environment is None else environment
    given = environment.get("STATE_DIRECTORY", "").split(":")[0]
    return Path(given) if given else USER_STATE_DIR


class ServiceNotifier:
    """sd_notify(3) over ``$NOTIFY_SOCKET``: READY=1, WATCHDOG=1, STOPPING=1; nothing without it
    (a kiosk run by hand). The protocol is one datagram per message, stable since systemd 209."""

    def __init__(self, environment: dict[str, str] | None = None) -> None:
        environment = dict(os.environ) if environment is None else environment
        address = environment.get("NOTIFY_SOCKET", "")
        # An abstract socket is written with a leading "@", meaning a leading NUL byte.
        self._address = "\0" + address[1:] if address.startswith("@") else address
        watchdog_usec = environment.get("WATCHDOG_USEC", "")
        #: Seconds between two watchdog pings (half the service's WatchdogSec), or None.
        self.watchdog_interval = int(watchdog_usec) / 2e6 if watchdog_usec.isdigit() else None

    @property
    def enabled(self) -> bool:
        return bool(self._address)

    def _send(self, message: str) -> None:
        if not self._address:
            return
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as connection:
                # Never wait: the main loop sends these, and a manager that does not read must
                # not freeze the kiosk.
                connection.setblocking(False)
                connection.sendto(message.encode(), self._address)
        except BlockingIOError:
            logger.debug("the service manager is not reading: %s dropped", message)
        except OSError as error:
            logger.warning("cannot notify the service manager (%s)", error.strerror)

    def ready(self) -> None:
        self._send("READY=1")

    def watchdog(self) -> None:
        self._send("WATCHDOG=1")

    def stopping(self) -> None:
        self._send("STOPPING=1")


def fingerprint(error: BaseException) -> str:
    """A short, stable name for where ``error`` happened: its type and the frames it went
    through (file, function), not its message nor line numbers (they move between versions)."""
    frames = traceback.extract_tb(error.__traceback__)
    where = ";".join(f"{Path(frame.filename).name}:{frame.name}" for frame in frames)
    return hashlib.sha256(f"{type(error).__name__}|{where}".encode()).hexdigest()[:12]


class CrashRecord:
    """When the kiosk crashed, kept in a small file across restarts: enough crashes in a short
    time switch it to its safe mode. One line per crash: the time (epoch seconds) and the
    fingerprint; the file keeps only the crashes within the window."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> list[tuple[float, str]]:
        try:
            lines = self.path.read_text(encoding="ascii").splitlines()
        except (OSError, UnicodeDecodeError):
            return []
        crashes = []
        for line in lines:
            when, _, name = line.partition(" ")
            try:
                crashes.append((float(when), name))
            except ValueError:
                continue  # a torn line from a power cut: the others still count
        return crashes

    def recent(self, now: float) -> list[tuple[float, str]]:
        """The crashes within the window before ``now`` (epoch seconds), oldest first."""
        return [crash for crash in self._read() if now - crash[0] <= CRASH_WINDOW_SECONDS]

    def add(self, now: float, name: str) -> int:
        """Record a crash; returns how many happened within the window, this one included."""
        crashes = [*self.recent(now), (now, name)]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text("".join(f"{when:.0f} {name}\n" for when, name in crashes), encoding="ascii")
        except OSError as error:
            logger.error("cannot keep the crash record (%s)", error.strerror)
        return len(crashes)

    def safe_mode(self, now: float) -> bool:
        return len(self.recent(now)) >= SAFE_MODE_CRASHES
