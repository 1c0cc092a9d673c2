"""Open data: fewer than 5 sessions never appear, nor any smaller count inside a published row."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest

from fleet.dashboard.opendata import COLUMNS, open_data_rows, to_csv, to_json
from fleet.dashboard.store.usage import UsageRow


def usage(sessions: int, **values: object) -> UsageRow:
    row = UsageRow(day="2026-09-21", site="mairie-a", group="passeport", sessions=sessions)
    for name, value in values.items():
        setattr(row, name, value)
    return row


def test_a_day_with_fewer_than_five_sessions_is_left_out() -> None:
    assert open_data_rows([usage(4, completed=4)]) == []
    assert len(open_data_rows([usage(5, completed=5)])) == 1


def test_small_counts_inside_a_published_row_are_suppressed() -> None:
    row = usage(
        12,
        completed=10,
        duration_total_s=1200.0,
        satisfaction_total=8,
        satisfaction_answers=3,
        help_requests=2,
        languages=Counter({"fr": 9, "ar": 3}),
        features=Counter({"speech": 6, "large_text": 1}),
    )
    [record] = open_data_rows([row])
    assert record["sessions"] == 12
    assert record["completed"] == 10 and record["completion_rate"] == pytest.approx(0.833)
    assert record["help_requests"] is None
    assert record["satisfaction_mean"] is None and record["satisfaction_answers"] is None
    assert record["languages"] == {"fr": 9}
    assert record["accessibility_features"] == {"speech": 6}
    assert record["mean_duration_s"] == 100.0


def test_zero_is_published_it_points_at_nobody() -> None:
    [record] = open_data_rows([usage(6, help_requests=0, completed=6)])
    assert record["help_requests"] == 0


def test_the_threshold_cannot_be_lowered() -> None:
    with pytest.raises(ValueError):
        open_data_rows([usage(3)], threshold=2)


def test_csv_and_json_carry_the_same_records() -> None:
    records = open_data_rows([usage(7, completed=7, languages=Counter({"fr": 5, "en": 2}))])
    rows = list(csv.DictReader(io.StringIO(to_csv(records))))
    assert tuple(rows[0]) == COLUMNS
    assert rows[0]["languages"] == "fr:5"
    assert rows[0]["help_requests"] == "0"
    assert rows[0]["satisfaction_mean"] == ""
    document = json.loads(to_json(records))
    assert document["suppressed_below"] == 5
    assert document["records"] == records
