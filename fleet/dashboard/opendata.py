"""Open data: daily aggregates per site and procedure, with every count under the threshold suppressed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from fleet.dashboard.small_counts import MIN_COUNT, suppress_small_counts

if TYPE_CHECKING:
    from fleet.dashboard.store.usage import UsageRow

__all__ = ["COLUMNS", "MIN_COUNT", "open_data_rows", "to_csv", "to_json"]

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


def open_data_rows(rows: Iterable[UsageRow], threshold: int = MIN_COUNT) -> list[dict[str, Any]]:
    """One record per day, site and procedure with at least `threshold` sessions.

    The figures are those `suppress_small_counts` lets out (the same the usage page and API
    show), rounded, under the open-data file's column names.
    """
    return [
        {
            "date": row.day,
            "site": row.site,
            "procedure": row.group,
            "sessions": row.sessions,
            "completed": row.completed,
            "completion_rate": None if row.completion_rate is None else round(row.completion_rate, 3),
            "mean_duration_s": round(row.mean_duration_s, 1),
            "satisfaction_mean": None if row.satisfaction_mean is None else round(row.satisfaction_mean, 2),
            "satisfaction_answers": row.satisfaction_answers,
            "help_requests": row.help_requests,
            "languages": row.languages,
            "accessibility_features": row.features,
        }
        for row in suppress_small_counts(rows, threshold)
    ]


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
