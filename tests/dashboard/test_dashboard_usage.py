"""Small counts never appear, whoever asks: the usage page and /api/usage follow the open-data rule."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from fleet.dashboard.records import EventRecord, SessionStatistics
from fleet.dashboard.roles import Role
from fleet.dashboard.small_counts import PublishedUsage, usage_totals
from fleet.dashboard.store.accounts import add_user, create_token
from fleet.dashboard.store.writer import write_batch
from fleet.dashboard.web.app import create_app
from fleet.dashboard.web.context import DashboardContext

from support.dashboard import PASSWORD


@dataclass(frozen=True)
class Group:
    """Sessions of one procedure at one site on one day; `arabic` and `helped` of them are marked."""

    procedure: str
    sessions: int
    shown: bool
    arabic: int = 0
    helped: int = 0


#: A group of 4 is never shown; a group of 5 is, without its counts under 5 (one Arabic speaker,
#: one help request); a larger one shows every count of 5 or more.
GROUPS = [
    Group("passeport", 4, shown=False),
    Group("carte-identite", 5, shown=True, arabic=1, helped=1),
    Group("acte-de-naissance", 12, shown=True, arabic=5, helped=6),
]


def sessions_of(group: Group, at: float) -> list[EventRecord]:
    return [
        EventRecord(
            event_id=uuid.uuid5(uuid.NAMESPACE_URL, f"{group.procedure}/{number}").hex,
            site="mairie-a",
            kiosk_id="k1",
            kind="session",
            occurred_at=at + number,
            received_at=at + number,
            session=SessionStatistics(
                group.procedure,
                60.0,
                True,
                number < group.helped,
                3,
                "ar" if number < group.arabic else "fr",
            ),
        )
        for number in range(group.sessions)
    ]


@pytest.fixture
def client(sqlite_engine: Engine) -> Iterator[TestClient]:
    add_user(sqlite_engine, "viewer", Role.VIEWER, PASSWORD)
    token = create_token(sqlite_engine, "viewer")
    # Today, a little earlier: the usage page shows the last 30 days by default.
    at = time.time() - 120
    write_batch(sqlite_engine, [record for group in GROUPS for record in sessions_of(group, at)])
    app = create_app(DashboardContext(engine=sqlite_engine))
    with TestClient(app, base_url="https://testserver") as test:
        test.headers["Authorization"] = f"Bearer {token}"
        yield test


def api_days(client: TestClient) -> dict[str, dict[str, object]]:
    response = client.get("/api/usage", params={"group_by": "procedure"})
    assert response.status_code == 200
    assert response.json()["suppressed_below"] == 5
    return {day["group"]: day for day in response.json()["days"]}


def page_rows(client: TestClient) -> dict[str, str]:
    """The usage page's detail table: the group's name to its row's text."""
    html = client.get("/usage").text
    table = html[html.index('id="detail-title"') :]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", table, re.S)
    cells = [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S) for row in rows]
    # Day, site, procedure, then the figures.
    return {cell[2]: " | ".join(cell) for cell in cells}


@pytest.mark.parametrize("group", GROUPS, ids=[f"{group.sessions} sessions" for group in GROUPS])
def test_a_group_under_five_sessions_is_neither_in_the_api_nor_on_the_page(
    client: TestClient, group: Group
) -> None:
    assert (group.procedure in api_days(client)) == group.shown
    assert (group.procedure in page_rows(client)) == group.shown


@pytest.mark.parametrize(
    ("group", "field", "api_value", "page_text"),
    [
        # One speaker of Arabic and four of French: both under 5, nothing is left of the breakdown.
        (GROUPS[1], "languages", {}, None),
        (GROUPS[1], "help_requests", None, "moins de 5"),
        (GROUPS[2], "languages", {"ar": 5, "fr": 7}, "fr : 7, ar : 5"),
        (GROUPS[2], "help_requests", 6, None),
    ],
    ids=["languages under 5 left out", "one help request hidden", "five is shown", "six is shown"],
)
def test_counts_under_five_inside_a_shown_group_are_hidden(
    client: TestClient, group: Group, field: str, api_value: object, page_text: str | None
) -> None:
    assert api_days(client)[group.procedure][field] == api_value
    if page_text is not None:
        assert page_text in page_rows(client)[group.procedure]


def test_the_totals_count_only_what_the_rows_show(client: TestClient) -> None:
    html = client.get("/usage").text
    totals = re.search(
        r"<dt>Sessions</dt><dd>(\d+)</dd>.*?<dt>Demandes d'aide</dt><dd>(\d+)</dd>", html, re.S
    )
    assert totals is not None
    # 5 + 12 sessions; the 4 of the hidden group and the one hidden help request are not counted.
    assert (int(totals.group(1)), int(totals.group(2))) == (17, 6)


def test_totals_are_sums_over_the_figures_shown() -> None:
    def row(sessions: int, completed: int | None, help_requests: int | None) -> PublishedUsage:
        rate = completed / sessions if completed is not None else None
        return PublishedUsage(
            "2026-09-21", "s", "p", sessions, completed, rate, 60.0, None, 0, help_requests, {}, {}
        )

    totals = usage_totals([row(10, 8, None), row(6, None, 0)])
    assert totals.sessions == 16
    assert totals.completion_rate == pytest.approx(0.8)  # over the first row only
    assert totals.help_requests == 0
    assert totals.satisfaction_mean is None
