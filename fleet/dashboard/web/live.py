"""Live updates: one poller per process finds changes in the store and fans them out as server-sent events."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

from fleet.dashboard.status import PROBLEM_LABEL, STATUS_LABEL, Status
from fleet.dashboard.store import schema
from fleet.dashboard.store.fleet import KioskRow, kiosk_rows, status_expression
from fleet.dashboard.store.help import changed_help_requests
from fleet.dashboard.web.context import DashboardContext
from fleet.dashboard.web.labels import REASON_LABEL, label, local_time

logger = logging.getLogger(__name__)

#: How far back each poll looks again: a batch commits up to ~0.2 s after its rows' times, and
#: another serve process's clock may differ a little. What was already sent is not sent again.
_OVERLAP_S = 5.0
#: A browser that falls this far behind is told to reload instead of being sent more.
_QUEUE_SIZE = 2000
#: More changed kiosks than this in one poll: the pages reload rather than patch row by row.
_MAX_ROWS = 1000

#: What decides whether a kiosk is in a filtered, sorted fleet table (its site never changes):
#: status, problems, application version.
Membership = tuple[str, tuple[str, ...], str]


@dataclass(eq=False)
class Subscription:
    only_site: str | None
    queue: asyncio.Queue[str | None] = field(default_factory=lambda: asyncio.Queue(_QUEUE_SIZE))
    counts: dict[str, int] | None = None


class LiveHub:
    """Polls the store every `live_poll_s` (or at once when this process's writer commits).

    Other serve processes write to the same store, so polling is what makes every browser see
    every change, whichever process ingested it. Runs on the web server's event loop; the
    queries run in the thread pool.
    """

    def __init__(self, context: DashboardContext) -> None:
        self._context = context
        self._subscriptions: set[Subscription] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._sent_rows: dict[tuple[str, str], float] = {}
        self._sent_help: dict[str, float] = {}
        #: Every kiosk's membership as last sent (None until the first poll loads the store's).
        self._membership: dict[tuple[str, str], Membership] | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="live-hub")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        for subscription in self._subscriptions:
            _offer(subscription, None)

    def wake(self) -> None:
        """Poll now; callable from any thread (the batch writer calls it after each commit)."""
        if self._loop is not None and self._wake is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)

    def subscribe(self, only_site: str | None) -> Subscription:
        subscription = Subscription(only_site)
        self._subscriptions.add(subscription)
        self.wake()
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)

    async def stream(self, subscription: Subscription) -> AsyncIterator[str]:
        """The event stream of one browser, with a comment every 15 s to keep proxies from closing it."""
        try:
            yield "retry: 2000\n\n"
            while True:
                try:
                    message = await asyncio.wait_for(subscription.queue.get(), 15)
                except TimeoutError:
                    yield ": ping\n\n"
                    continue
                if message is None:
                    return
                yield message
        finally:
            self.unsubscribe(subscription)

    async def _run(self) -> None:
        assert self._wake is not None
        cursor = time.time() - _OVERLAP_S
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), self._context.settings.live_poll_s)
            except TimeoutError:
                pass
            self._wake.clear()
            if not self._subscriptions:
                continue
            started = time.time()
            try:
                rows, helps, counts = await run_in_threadpool(self._poll, cursor - _OVERLAP_S)
            except Exception:
                logger.exception("live poll failed")
                continue
            cursor = started
            self._dispatch(rows, helps, counts)

    def _poll(
        self, since: float
    ) -> tuple[list[tuple[KioskRow, float]], list[dict[str, Any]], dict[str, Any]]:
        engine = self._context.engine
        stale_before = self._context.settings.stale_content_before()
        kiosks = schema.kiosks
        with engine.connect() as connection:
            changed = {
                (site, kiosk_id): at
                for site, kiosk_id, at in connection.execute(
                    select(kiosks.c.site, kiosks.c.kiosk_id, kiosks.c.changed_at)
                    .where(kiosks.c.changed_at > since)
                    .limit(_MAX_ROWS + 1)
                )
            }
            status = status_expression(stale_before)
            grouped = connection.execute(
                select(kiosks.c.site, status, func.count()).group_by(kiosks.c.site, status)
            )
            counts: dict[str, Any] = defaultdict(
                lambda: dict.fromkeys((member.value for member in Status), 0)
            )
            for site, value, count in grouped:
                counts[site][value] += count
        fresh = {key: at for key, at in changed.items() if self._sent_rows.get(key) != at}
        rows = kiosk_rows(engine, list(fresh), stale_content_before=stale_before) if fresh else []
        if self._membership is None:
            # Known from now on, except the kiosks changing right now: their rows say "previous
            # unknown", so that a page rendered before this poll checks them.
            self._membership = {
                (row.site, row.kiosk_id): membership(row)
                for row in kiosk_rows(engine, stale_content_before=stale_before)
                if (row.site, row.kiosk_id) not in fresh
            }
        return (
            [(row, fresh[(row.site, row.kiosk_id)]) for row in rows],
            changed_help_requests(engine, since),
            dict(counts),
        )

    def _dispatch(
        self,
        rows: list[tuple[KioskRow, float]],
        helps: list[dict[str, Any]],
        counts: dict[str, dict[str, int]],
    ) -> None:
        horizon = time.time() - 3 * _OVERLAP_S
        known = self._membership if self._membership is not None else {}
        kiosk_events: list[tuple[str, str]] = []
        for row, changed_at in rows:
            key = (row.site, row.kiosk_id)
            self._sent_rows[key] = changed_at
            data = row_event(row, known.get(key), membership(row))
            known[key] = membership(row)
            kiosk_events.append((row.site, _event("kiosk", data)))
        self._sent_rows = {key: at for key, at in self._sent_rows.items() if at >= horizon}
        fresh_helps = [
            help for help in helps if self._sent_help.get(help["request_id"]) != _help_version(help)
        ]
        for help in fresh_helps:
            self._sent_help[help["request_id"]] = _help_version(help)
        if len(self._sent_help) > 10_000:
            self._sent_help.clear()
        too_many = len(rows) > _MAX_ROWS
        for subscription in list(self._subscriptions):
            site = subscription.only_site
            if too_many:
                _offer(subscription, _event("reload", {}))
            else:
                for row_site, message in kiosk_events:
                    if site is None or row_site == site:
                        _offer(subscription, message)
            for help in fresh_helps:
                if site is None or help["site"] == site:
                    _offer(subscription, _event("help", help_event(help)))
            scoped = _scoped_counts(counts, site)
            if scoped != subscription.counts:
                subscription.counts = scoped
                _offer(subscription, _event("counts", scoped))


def _help_version(help: dict[str, Any]) -> float:
    return help["acknowledged_at"] or 0.0


def _scoped_counts(counts: dict[str, dict[str, int]], site: str | None) -> dict[str, int]:
    total = dict.fromkeys((member.value for member in Status), 0)
    for name, by_status in counts.items():
        if site is None or name == site:
            for value, count in by_status.items():
                total[value] += count
    return total


def membership(row: KioskRow) -> Membership:
    return (row.status.value, tuple(problem.value for problem in row.problems), row.app_version)


def row_event(
    row: KioskRow, before: Membership | None = None, after: Membership | None = None
) -> dict[str, Any]:
    """A kiosk row with the words the page shows, so the script only places text.

    When its membership changed (`before` differs from `after`), the row also carries
    `previous`: the status, problems and version it had (null for a kiosk not known before), so
    that a filtered table can tell whether the kiosk came into it or left it.
    """
    data = {
        **row.as_json(),
        "key": row.key,
        "status_label": STATUS_LABEL[row.status],
        "problem_labels": [PROBLEM_LABEL[problem] for problem in row.problems],
        "last_seen": local_time(row.last_seen_at),
    }
    if before != after:
        data["previous"] = (
            None
            if before is None
            else {"status": before[0], "problems": list(before[1]), "app_version": before[2]}
        )
    return data


def help_event(help: dict[str, Any]) -> dict[str, Any]:
    return {
        **help,
        "reason_label": label(REASON_LABEL, help["reason"]),
        "requested": local_time(help["requested_at"], seconds=True),
        "acknowledged": local_time(help["acknowledged_at"]) if help["acknowledged_at"] else None,
    }


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _offer(subscription: Subscription, message: str | None) -> None:
    try:
        subscription.queue.put_nowait(message)
    except asyncio.QueueFull:
        # This browser is not reading: drop its backlog and tell it to reload when it catches up.
        while not subscription.queue.empty():
            subscription.queue.get_nowait()
        subscription.queue.put_nowait(_event("reload", {}) if message is not None else None)
