"""The on-disk queue of events not yet acknowledged by the broker (SQLite, bounded, in order).

Every event goes through the outbox: it is stored first, sent when the agent is connected, and
deleted only once the broker acknowledged it (PUBACK). An agent that crashes or loses the broker
sends what is left, in the order it was stored, after it reconnects; an event sent twice (its
PUBACK lost with the connection) carries the same ``id`` and is recognised as a duplicate.

Bounded: when ``limit`` events wait, the oldest session statistics go first. Faults, help
requests and crashes are never dropped for statistics; if only they are left they may exceed
``limit``, up to twice it (a guard for the disk), beyond which the oldest of any kind goes.

Threads: one thread at a time (the agent's worker); the connection is not shared.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    droppable INTEGER NOT NULL,
    payload BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_droppable ON outbox (droppable, seq);
"""


class Outbox:
    """A bounded FIFO of encoded events in ``path`` (created with its directory if missing)."""

    def __init__(self, path: Path, limit: int = 10_000) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.limit = limit
        #: Events dropped to keep the bound since this outbox was opened.
        self.dropped = 0
        # isolation_level=None: each statement commits at once, which is the durability we want
        # (a crash right after ``add`` keeps the event).
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._count = self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]

    def __len__(self) -> int:
        return self._count

    def add(self, event_id: str, kind: str, payload: bytes, droppable: bool) -> int | None:
        """Store one event at the end; returns its sequence number, or None if it was dropped."""
        if self._count >= self.limit and not self._drop_oldest(droppable_only=True):
            if droppable:
                self.dropped += 1
                log.warning("outbox full: a %s event dropped", kind)
                return None
            if self._count >= 2 * self.limit:
                self._drop_oldest(droppable_only=False)
        cursor = self._db.execute(
            "INSERT INTO outbox (event_id, kind, droppable, payload) VALUES (?, ?, ?, ?)",
            (event_id, kind, int(droppable), payload),
        )
        self._count += 1
        return cursor.lastrowid

    def _drop_oldest(self, droppable_only: bool) -> bool:
        where = "WHERE droppable = 1 " if droppable_only else ""
        row = self._db.execute(f"SELECT seq, kind FROM outbox {where}ORDER BY seq LIMIT 1").fetchone()
        if row is None:
            return False
        self._db.execute("DELETE FROM outbox WHERE seq = ?", (row[0],))
        self._count -= 1
        self.dropped += 1
        if droppable_only:
            log.warning("outbox full: the oldest %s event dropped", row[1])
        else:
            log.error("outbox holds %d events: the oldest %s event dropped", self._count, row[1])
        return True

    def pending(self, after: int = 0, limit: int = 100) -> list[tuple[int, bytes]]:
        """Up to ``limit`` events stored after sequence number ``after``, oldest first."""
        return self._db.execute(
            "SELECT seq, payload FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit)
        ).fetchall()

    def remove(self, seqs: list[int]) -> None:
        """Forget acknowledged events (unknown numbers are ignored: dropped meanwhile)."""
        if not seqs:
            return
        deleted = 0
        for start in range(0, len(seqs), 500):
            chunk = seqs[start : start + 500]
            marks = ",".join("?" * len(chunk))
            deleted += self._db.execute(f"DELETE FROM outbox WHERE seq IN ({marks})", chunk).rowcount
        self._count -= deleted

    def close(self) -> None:
        self._db.close()
