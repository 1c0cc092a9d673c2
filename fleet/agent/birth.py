"""The birth/death sequence number (``bdSeq``), kept on disk so that a restarted kiosk never
reuses one: a will that arrives after a newer birth names an older number and is recognised as
stale."""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)


class BirthSequence:
    """One more ``bdSeq`` for each connection attempt, saved in ``path``.

    Threads: ``next`` is called on the MQTT loop's thread only; ``current`` may be read anywhere.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        try:
            self.current = max(0, int(path.read_text(encoding="ascii").strip() or 0))
        except FileNotFoundError:
            self.current = 0
        except (OSError, ValueError):
            log.warning("bdSeq file %s unreadable: counting from 0", path)
            self.current = 0

    def next(self) -> int:
        """The number for the next connection (saved before it is used)."""
        self.current += 1
        temporary = self._path.with_suffix(".tmp")
        try:
            temporary.write_text(f"{self.current}\n", encoding="ascii")
            os.replace(temporary, self._path)
        except OSError:
            # The number still grows in memory; only a restart could reuse it.
            log.warning("bdSeq not saved in %s", self._path, exc_info=True)
        return self.current
