"""The batching writer: records queue up from paho's thread and are written on one thread, per batch."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from fleet.dashboard.metrics import IngestMetrics
from fleet.dashboard.records import HealthUpdate, Record
from fleet.dashboard.store.writer import BatchResult, HealthSampler, write_batch

logger = logging.getLogger(__name__)

BatchListener = Callable[[BatchResult, Sequence[Record]], None]
#: What the receiver needs to acknowledge one message to the broker, opaque to the writer: the
#: number of the connection it came on and its message id.
Receipt = tuple[int, int]
#: Called on the writer's thread with the receipts of the messages a committed batch holds.
Acknowledger = Callable[[Sequence[Receipt]], None]


class BatchWriter:
    """Writes queued records in one transaction per `max_batch` records or per `max_delay` seconds.

    `add` is called on paho's network thread and never blocks on the database; the writes happen
    on the writer's own thread, which also calls the listeners after each batch. When the database
    falls behind by more than `max_pending` records, new health reports are dropped (and counted):
    the next report replaces them; states, events and answers are kept.

    A message added with a receipt (QoS 1: states, events, answers) is acknowledged, through the
    acknowledger, only once the batch holding it is committed: a crash before the commit leaves
    it unacknowledged, and the broker delivers it again to the restarted process.
    """

    def __init__(
        self,
        engine: Engine,
        metrics: IngestMetrics,
        *,
        max_batch: int = 1000,
        max_delay: float = 0.2,
        max_pending: int = 200_000,
        sample_every_s: float = 60.0,
    ) -> None:
        self._engine = engine
        self._metrics = metrics
        self._max_batch = max_batch
        self._max_delay = max_delay
        self._max_pending = max_pending
        self._sampler = HealthSampler(sample_every_s)
        # Each entry is a record (None for a message that is only to be acknowledged, such as a
        # malformed one: acknowledgements keep the order the messages came in) and its receipt.
        self._pending: deque[tuple[Record | None, Receipt | None]] = deque()
        self._condition = threading.Condition(threading.Lock())  # a plain lock: taken per message
        self._first_at = 0.0
        self._stopping = False
        self._listeners: list[BatchListener] = []
        self._acknowledge: Acknowledger | None = None
        self._thread = threading.Thread(target=self._run, name="fleet-batch-writer", daemon=True)
        self._overflow = metrics.dropped.labels("overflow")
        self._idle = threading.Event()
        self._idle.set()

    def add_listener(self, listener: BatchListener) -> None:
        """Called on the writer's thread after each batch is committed; must be quick."""
        self._listeners.append(listener)

    def acknowledge_with(self, acknowledger: Acknowledger) -> None:
        """Who acknowledges the receipts of each committed batch (called on the writer's thread)."""
        self._acknowledge = acknowledger

    def start(self) -> None:
        self._thread.start()

    def add(self, record: Record | None, receipt: Receipt | None = None) -> None:
        """Queue a record to write, or only a receipt to acknowledge after what came before it."""
        with self._condition:
            pending = self._pending
            if len(pending) >= self._max_pending and receipt is None and isinstance(record, HealthUpdate):
                self._overflow.inc()
                return
            pending.append((record, receipt))
            if len(pending) == 1:
                # The writer may be waiting for a first record; the batch's delay starts now.
                self._first_at = time.monotonic()
                self._idle.clear()
                self._condition.notify()
            elif len(pending) == self._max_batch:
                self._condition.notify()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every record added so far is written (for tests and a clean stop)."""
        return self._idle.wait(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Write what is queued, then stop the thread."""
        with self._condition:
            self._stopping = True
            self._condition.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _take(self) -> list[tuple[Record | None, Receipt | None]] | None:
        with self._condition:
            while True:
                if self._pending:
                    due = self._first_at + self._max_delay
                    if len(self._pending) >= self._max_batch or self._stopping or time.monotonic() >= due:
                        break
                    self._condition.wait(max(due - time.monotonic(), 0.001))
                elif self._stopping:
                    return None
                else:
                    self._condition.wait()
            pending = self._pending
            count = min(len(pending), self._max_batch)
            batch = [pending.popleft() for _ in range(count)]
            self._first_at = time.monotonic()
            self._metrics.pending.set(len(pending))
            return batch

    def _run(self) -> None:
        while (batch := self._take()) is not None:
            records = [record for record, _receipt in batch if record is not None]
            receipts = [receipt for _record, receipt in batch if receipt is not None]
            if self._write(records) and receipts and self._acknowledge is not None:
                try:
                    self._acknowledge(receipts)
                except Exception:
                    # Unacknowledged, the messages come again after a reconnection: stored once.
                    logger.exception("could not acknowledge a batch")
            with self._condition:
                if not self._pending:
                    self._idle.set()

    def _write(self, records: list[Record]) -> bool:
        """Commit the records (retrying while the store refuses them); False if given up at stop."""
        if not records:
            return True
        retry_delay = 0.5
        while True:
            started = time.perf_counter()
            try:
                result = write_batch(self._engine, records, self._sampler)
            except SQLAlchemyError as error:
                # The database is down or busy: keep the batch and try again, slower each time.
                self._metrics.write_errors.inc()
                logger.warning(
                    "store refused a batch of %d (%s); retrying", len(records), type(error).__name__
                )
                if self._stopping and retry_delay > 5:
                    logger.error("stopping: %d records not written", len(records))
                    return False
                time.sleep(retry_delay)
                retry_delay = min(retry_delay * 2, 10.0)
                continue
            self._metrics.batch_seconds.observe(time.perf_counter() - started)
            self._metrics.stored.inc(len(records))
            self._metrics.duplicates.inc(result.duplicate_events)
            self._notify(result, records)
            return True

    def _notify(self, result: BatchResult, batch: Sequence[Record]) -> None:
        for listener in self._listeners:
            try:
                listener(result, batch)
            except Exception:
                # A listener's bug must not stop ingestion.
                logger.exception("batch listener failed")
