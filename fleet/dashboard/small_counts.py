"""The one rule on small counts: what of the usage figures people see (pages, API, open data).

Fewer than 5 sessions could point at a person (the one citizen who used Arabic at this kiosk
that day, and what they answered), so no figure under 5 leaves the store: not in the open-data
export, and not on the usage page or `/api/usage` either, whoever is logged in. Plain Python
(the export command imports it before opening the database).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fleet.dashboard.store.usage import UsageRow

#: The smallest count ever shown or published. A threshold may be raised, never lowered.
MIN_COUNT = 5


@dataclass(frozen=True)
class PublishedUsage:
    """One day and group as people may see it; None where a figure is suppressed."""

    day: str
    site: str
    group: str
    sessions: int
    completed: int | None
    completion_rate: float | None
    mean_duration_s: float
    satisfaction_mean: float | None  #: 1 (unhappy) to 3 (happy)
    satisfaction_answers: int | None
    help_requests: int | None
    languages: dict[str, int]  #: only those used at least MIN_COUNT times
    features: dict[str, int]  #: likewise

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def suppress_small_counts(rows: Iterable[UsageRow], threshold: int = MIN_COUNT) -> list[PublishedUsage]:
    """The rows with at least `threshold` sessions, each with its small figures suppressed.

    A row with fewer sessions is left out entirely. Inside a row that is kept, any count from 1
    to threshold - 1 is None (zero is kept: it points at nobody), and so is the rate built on
    it; the mean satisfaction over fewer than `threshold` answers is None; a language or feature
    used fewer than `threshold` times is left out of the breakdown.
    """
    if threshold < MIN_COUNT:
        raise ValueError(f"the threshold cannot be under {MIN_COUNT}")

    def count(value: int) -> int | None:
        return value if value == 0 or value >= threshold else None

    def breakdown(counter: Counter[str]) -> dict[str, int]:
        return {key: value for key, value in sorted(counter.items()) if value >= threshold}

    published = []
    for row in rows:
        if row.sessions < threshold:
            continue
        completed = count(row.completed)
        published.append(
            PublishedUsage(
                day=row.day,
                site=row.site,
                group=row.group,
                sessions=row.sessions,
                completed=completed,
                completion_rate=row.completion_rate if completed is not None else None,
                mean_duration_s=row.mean_duration_s or 0.0,
                satisfaction_mean=row.satisfaction_mean if row.satisfaction_answers >= threshold else None,
                satisfaction_answers=count(row.satisfaction_answers),
                help_requests=count(row.help_requests),
                languages=breakdown(row.languages),
                features=breakdown(row.features),
            )
        )
    return published


@dataclass(frozen=True)
class UsageTotals:
    """The period's figures, summed from what the rows show and nothing else.

    A figure suppressed in a row is left out of its total (the rate and means are over the rows
    that show it), so that no total minus the rows shown can bring a small count back.
    """

    sessions: int
    completion_rate: float | None
    mean_duration_s: float | None
    satisfaction_mean: float | None
    help_requests: int


def usage_totals(rows: Iterable[PublishedUsage]) -> UsageTotals:
    rows = list(rows)
    sessions = sum(row.sessions for row in rows)
    with_completed = [row for row in rows if row.completed is not None]
    completed_of = sum(row.sessions for row in with_completed)
    rated = [row for row in rows if row.satisfaction_mean is not None and row.satisfaction_answers]
    answers = sum(row.satisfaction_answers or 0 for row in rated)
    completed = sum(row.completed or 0 for row in with_completed)
    duration = sum(row.mean_duration_s * row.sessions for row in rows)
    satisfaction = sum((row.satisfaction_mean or 0) * (row.satisfaction_answers or 0) for row in rated)
    return UsageTotals(
        sessions=sessions,
        completion_rate=completed / completed_of if completed_of else None,
        mean_duration_s=duration / sessions if sessions else None,
        satisfaction_mean=satisfaction / answers if answers else None,
        help_requests=sum(row.help_requests or 0 for row in rows),
    )
