"""Open data: daily aggregates per site and procedure, with every count under the threshold suppressed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fleet.dashboard.store.usage import UsageRow

#: The smallest count ever published: fewer than 5 sessions could point at a person.
MIN_COUNT = 5
COLUMNS = (
    "date",
    "site",
    "procedure",
    "sessions",
    "completed",
    "completion_rate",
    "mean_duration_s",
    "satisfaction_mean",
    "satisfaction_answers",
    "help_requests",
    "languages",
    "accessibility_features",
)


def _count(value: int, threshold: int) -> int | None:
    """The count if it may be published; None (suppressed) for 1 to threshold - 1. Zero says nothing."""
    return value if value == 0 or value >= threshold else None


def _breakdown(counter: dict[str, int], threshold: int) -> dict[str, int]:
    # A language or feature used by fewer than `threshold` people is left out entirely.
    return {key: count for key, count in sorted(counter.items()) if count >= threshold}


def open_data_rows(rows: Iterable[UsageRow], threshold: int = MIN_COUNT) -> list[dict[str, Any]]:
    """One record per day, site and procedure with at least `threshold` sessions.

    Rows with fewer sessions are left out; inside a published row, any count from 1 to
    threshold - 1 is suppressed (None), and so is a mean over fewer than `threshold` answers.
    """
    if threshold < MIN_COUNT:
        raise ValueError(f"the threshold cannot be under {MIN_COUNT}")
    published = []
    for row in rows:
        if row.sessions < threshold:
            continue
        satisfaction = row.satisfaction_mean if row.satisfaction_answers >= threshold else None
        published.append(
            {
                "date": row.day,
                "site": row.site,
                "procedure": row.group,
                "sessions": row.sessions,
                "completed": _count(row.completed, threshold),
                "completion_rate": round(row.completion_rate, 3)
                if _count(row.completed, threshold) is not None
                else None,
                "mean_duration_s": round(row.mean_duration_s or 0.0, 1),
                "satisfaction_mean": round(satisfaction, 2) if satisfaction is not None else None,
                "satisfaction_answers": _count(row.satisfaction_answers, threshold),
                "help_requests": _count(row.help_requests, threshold),
                "languages": _breakdown(row.languages, threshold),
                "accessibility_features": _breakdown(row.features, threshold),
            }
        )
    return published


def to_json(records: list[dict[str, Any]], threshold: int = MIN_COUNT) -> str:
    return json.dumps(
        {"suppressed_below": threshold, "columns": list(COLUMNS), "records": records},
        ensure_ascii=False,
        indent=1,
    )


def to_csv(records: list[dict[str, Any]]) -> str:
    """CSV with a header; a suppressed count is an empty cell; breakdowns as "fr:120;en:7"."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow(
            [
                ";".join(f"{key}:{count}" for key, count in value.items())
                if isinstance(value, dict)
                else ("" if value is None else value)
                for value in (record[column] for column in COLUMNS)
            ]
        )
    return output.getvalue()
