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


class BatchWriter:
    """Writes queued records in one transaction per `max_batch` records or per `max_delay` seconds.

    `add` is called on paho's network thread and never blocks on the database; the writes happen
    on the writer's own thread, which also calls the listeners after each batch. When the database
    falls behind by more than `max_pending` records, new health reports are dropped (and counted):
    the next report replaces them; states, events and answers are kept.
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
        self._pending: deque[Record] = deque()
        self._condition = threading.Condition()
        self._first_at: float | None = None
        self._stopping = False
        self._listeners: list[BatchListener] = []
        self._thread = threading.Thread(target=self._run, name="fleet-batch-writer", daemon=True)
        self._overflow = metrics.dropped.labels("overflow")
        self._idle = threading.Event()
        self._idle.set()

    def add_listener(self, listener: BatchListener) -> None:
        """Called on the writer's thread after each batch is committed; must be quick."""
        self._listeners.append(listener)

    def start(self) -> None:
        self._thread.start()

    def add(self, record: Record) -> None:
        with self._condition:
            if len(self._pending) >= self._max_pending and isinstance(record, HealthUpdate):
                self._overflow.inc()
                return
            if not self._pending:
                self._first_at = time.monotonic()
            self._pending.append(record)
            self._idle.clear()
            if len(self._pending) >= self._max_batch:
                self._condition.notify()
            elif len(self._pending) == 1:
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

    def _take(self) -> list[Record] | None:
        with self._condition:
            while True:
                if self._pending:
                    due = (self._first_at or 0.0) + self._max_delay
                    if len(self._pending) >= self._max_batch or self._stopping or time.monotonic() >= due:
                        break
                    self._condition.wait(max(due - time.monotonic(), 0.001))
                elif self._stopping:
                    return None
                else:
                    self._condition.wait()
            count = min(len(self._pending), self._max_batch)
            batch = [self._pending.popleft() for _ in range(count)]
            self._first_at = time.monotonic() if self._pending else None
            self._metrics.pending.set(len(self._pending))
            return batch

    def _run(self) -> None:
        retry_delay = 0.5
        while (batch := self._take()) is not None:
            while True:
                started = time.perf_counter()
                try:
                    result = write_batch(self._engine, batch, self._sampler)
                except SQLAlchemyError as error:
                    # The database is down or busy: keep the batch and try again, slower each time.
                    self._metrics.write_errors.inc()
                    logger.warning(
                        "store refused a batch of %d (%s); retrying", len(batch), type(error).__name__
                    )
                    if self._stopping and retry_delay > 5:
                        logger.error("stopping: %d records not written", len(batch))
                        break
                    time.sleep(retry_delay)
                    retry_delay = min(retry_delay * 2, 10.0)
                    continue
                retry_delay = 0.5
                self._metrics.batch_seconds.observe(time.perf_counter() - started)
                self._metrics.stored.inc(len(batch))
                self._metrics.duplicates.inc(result.duplicate_events)
                self._notify(result, batch)
                break
            with self._condition:
                if not self._pending:
                    self._idle.set()

    def _notify(self, result: BatchResult, batch: Sequence[Record]) -> None:
        for listener in self._listeners:
            try:
                listener(result, batch)
            except Exception:
                # A listener's bug must not stop ingestion.
                logger.exception("batch listener failed")
