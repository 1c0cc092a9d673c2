"""The store on SQLite and PostgreSQL: migrations, batched writes, de-duplication, reads, pruning."""

from __future__ import annotations

import json
import time

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, select

from fleet.dashboard.metrics import FleetCollector
from fleet.dashboard.records import (
    CommandAnswer,
    DeviceState,
    EventRecord,
    HealthUpdate,
    HelpRequestDetails,
    SessionStatistics,
    StateUpdate,
)
from fleet.dashboard.status import Problem, Status
from fleet.dashboard.store import schema
from fleet.dashboard.store.fleet import FleetFilter, fleet_page, kiosk_detail
from fleet.dashboard.store.help import list_help_requests, mark_acknowledged
from fleet.dashboard.store.leases import release, try_acquire
from fleet.dashboard.store.retention import DAY_S, Retention, prune
from fleet.dashboard.store.usage import daily_usage
from fleet.dashboard.store.writer import HealthSampler, write_batch

NOW = 1_790_000_000.0  # 2026-09-21, a fixed moment: the tests do not depend on the clock


def health(
    kiosk_id: str,
    *,
    site: str = "site-a",
    at: float = NOW,
    printer: str = "ok",
    screen: str = "ok",
    **values: object,
) -> HealthUpdate:
    devices = (
        DeviceState("printer", True, printer in ("ok", "paper_near_end"), printer),
        DeviceState("card_reader", True, True, "ok"),
        DeviceState("screen", True, True, screen),
    )
    return HealthUpdate(site=site, kiosk_id=kiosk_id, received_at=at, seq=1, devices=devices, **values)  # type: ignore[arg-type]


def session(event_id: str, kiosk_id: str = "k1", *, completed: bool = True, at: float = NOW) -> EventRecord:
    return EventRecord(
        event_id=event_id,
        site="site-a",
        kiosk_id=kiosk_id,
        kind="session",
        occurred_at=at,
        received_at=at,
        session=SessionStatistics("passeport", 120.0, completed, False, 3, "fr", ("speech",)),
    )


def count(engine: Engine, table: object) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()  # type: ignore[arg-type]


def test_the_migrations_create_exactly_the_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), schema.metadata)
    assert differences == []


def test_an_event_sent_twice_is_stored_once(engine: Engine) -> None:
    first = write_batch(engine, [session("a" * 32), session("a" * 32), session("b" * 32)])
    again = write_batch(engine, [session("b" * 32), session("c" * 32)])

    assert (first.new_events, first.duplicate_events) == (2, 1)
    assert (again.new_events, again.duplicate_events) == (1, 1)
    assert count(engine, schema.events) == 3
    assert count(engine, schema.sessions) == 3


def test_a_late_will_of_an_older_connection_is_ignored(engine: Engine) -> None:
    write_batch(engine, [StateUpdate("site-a", "k1", "ready", 4, NOW)])
    write_batch(engine, [StateUpdate("site-a", "k1", "lost", 3, NOW + 1)])
    with engine.connect() as connection:
        state = connection.execute(select(schema.kiosks.c.state, schema.kiosks.c.bd_seq)).one()
        history = connection.execute(select(schema.state_history.c.state)).scalars().all()
    assert tuple(state) == ("ready", 4)
    assert history == ["ready"]

    write_batch(engine, [StateUpdate("site-a", "k1", "lost", 4, NOW + 2)])
    page = fleet_page(engine, FleetFilter())
    assert page.rows[0].status is Status.OFFLINE


def test_the_same_kiosk_id_on_two_sites_is_two_kiosks(engine: Engine) -> None:
    write_batch(
        engine,
        [StateUpdate("site-a", "borne-1", "ready", 1, NOW), StateUpdate("site-b", "borne-1", "lost", 1, NOW)],
    )
    rows = fleet_page(engine, FleetFilter(sort="site")).rows
    assert [(row.key, row.status) for row in rows] == [
        ("site-a/borne-1", Status.OK),
        ("site-b/borne-1", Status.OFFLINE),
    ]
    assert count(engine, schema.state_history) == 2


def test_a_retained_state_delivered_again_adds_no_history(engine: Engine) -> None:
    birth = StateUpdate("site-a", "k1", "ready", 1, NOW)
    write_batch(engine, [birth])
    write_batch(engine, [birth])
    assert count(engine, schema.state_history) == 1


def test_the_history_keeps_one_health_sample_per_kiosk_and_period(engine: Engine) -> None:
    sampler = HealthSampler(every_s=60)
    reports = [health("k1", at=NOW + offset) for offset in (0, 30, 59, 60, 90)] + [health("k2", at=NOW + 30)]
    write_batch(engine, reports[:3], sampler)
    write_batch(engine, reports[3:], sampler)
    with engine.connect() as connection:
        kept = connection.execute(
            select(schema.health_samples.c.kiosk_id, schema.health_samples.c.received_at).order_by(
                schema.health_samples.c.id
            )
        ).all()
        last_seen = connection.execute(
            select(schema.kiosks.c.last_seen_at).where(schema.kiosks.c.kiosk_id == "k1")
        ).scalar_one()
    assert [(kiosk, at - NOW) for kiosk, at in kept] == [("k1", 0), ("k1", 60), ("k2", 30)]
    assert last_seen == NOW + 90  # the current state follows every report


def test_a_health_report_writes_the_kiosks_row_and_moves_changed_at_only_for_what_is_shown(
    engine: Engine,
) -> None:
    kiosks = schema.kiosks

    def row() -> dict[str, object]:
        with engine.connect() as connection:
            return dict(connection.execute(select(kiosks)).mappings().one())

    first = health("k1", app_version="1.0", cpu_percent=10.0, temperature_c=None, reconnects=2)
    write_batch(engine, [first])
    written = row()
    assert written["state"] == "ready"
    assert (written["last_seen_at"], written["changed_at"], written["health_seq"]) == (NOW, NOW, 1)
    assert (written["app_version"], written["cpu_percent"], written["temperature_c"]) == ("1.0", 10.0, None)
    assert (written["printer_present"], written["printer_ready"], written["printer_detail"]) == (
        True,
        True,
        "ok",
    )
    assert (written["reader_present"], written["reader_detail"], written["reconnects"]) == (True, "ok", 2)
    assert json.loads(written["devices"])[0] == {
        "name": "printer",
        "present": True,
        "ready": True,
        "detail": "ok",
    }
    assert written["problems"] == "" and written["silent"] is False

    # The CPU is not shown in the fleet table: the row follows it, changed_at stays.
    write_batch(engine, [health("k1", at=NOW + 30, app_version="1.0", cpu_percent=50.0)])
    assert (row()["cpu_percent"], row()["last_seen_at"], row()["changed_at"]) == (50.0, NOW + 30, NOW)
    # Paper out is shown; so is a silent kiosk heard again.
    write_batch(engine, [health("k1", at=NOW + 60, app_version="1.0", printer="paper_out")])
    assert (row()["problems"], row()["changed_at"]) == (",paper_out,", NOW + 60)
    with engine.begin() as connection:
        connection.execute(kiosks.update().values(silent=True))
    write_batch(engine, [health("k1", at=NOW + 90, app_version="1.0", printer="paper_out")])
    assert (row()["silent"], row()["changed_at"]) == (False, NOW + 90)
    # Of several reports of one kiosk in a batch, the last one wins.
    write_batch(
        engine, [health("k1", at=NOW + 120, app_version="1.1"), health("k1", at=NOW + 150, app_version="1.2")]
    )
    assert (row()["app_version"], row()["last_seen_at"]) == ("1.2", NOW + 150)


def test_health_sets_the_device_problems_and_keeps_every_sample(engine: Engine) -> None:
    write_batch(engine, [health("k1", printer="ok"), health("k1", printer="paper_out", at=NOW + 30)])

    page = fleet_page(engine, FleetFilter())
    assert page.rows[0].problems == (Problem.PAPER_OUT,)
    assert page.rows[0].status is Status.PROBLEM
    assert count(engine, schema.health_samples) == 2


def test_a_screen_drawn_by_the_processor_is_a_problem(engine: Engine) -> None:
    """A kiosk without its graphics driver works, slowly: IT staff find it with the filter."""
    write_batch(engine, [health("k1", screen="drawn_in_software"), health("k2")])

    page = fleet_page(engine, FleetFilter(sort="kiosk_id"))
    assert [(row.problems, row.status) for row in page.rows] == [
        ((Problem.SCREEN_SOFTWARE,), Status.PROBLEM),
        ((), Status.OK),
    ]
    found = fleet_page(engine, FleetFilter(problem=Problem.SCREEN_SOFTWARE))
    assert [row.kiosk_id for row in found.rows] == ["k1"]


def test_the_fleet_table_counts_filters_sorts_and_pages(engine: Engine) -> None:
    records: list[object] = []
    for number in range(1, 8):
        site = "site-a" if number <= 4 else "site-b"
        printer = "paper_out" if number in (2, 5) else "ok"
        records.append(health(f"k{number}", site=site, printer=printer, app_version=f"1.{number % 2}"))
    records.append(StateUpdate("site-b", "k7", "lost", 0, NOW))
    write_batch(engine, records)  # type: ignore[arg-type]

    everything = fleet_page(engine, FleetFilter(page_size=3))
    assert everything.total == 7
    assert everything.counts[Status.OK] == 4
    assert everything.counts[Status.PROBLEM] == 2
    assert everything.counts[Status.OFFLINE] == 1
    # Sorted by status, the most urgent first.
    assert [row.kiosk_id for row in everything.rows] == ["k7", "k2", "k5"]
    assert everything.sites == ["site-a", "site-b"]

    paper = fleet_page(engine, FleetFilter(problem=Problem.PAPER_OUT))
    assert [row.kiosk_id for row in paper.rows] == ["k2", "k5"]
    site_b = fleet_page(engine, FleetFilter(site="site-b", sort="kiosk_id", descending=True))
    assert [row.kiosk_id for row in site_b.rows] == ["k7", "k6", "k5"]
    version = fleet_page(engine, FleetFilter(version="1.0", status=Status.OK, sort="kiosk_id"))
    assert [row.kiosk_id for row in version.rows] == ["k4", "k6"]
    second_page = fleet_page(engine, FleetFilter(sort="kiosk_id", page=3, page_size=3))
    assert [row.kiosk_id for row in second_page.rows] == ["k7"]
    mediator = fleet_page(engine, FleetFilter(), only_site="site-a")
    assert mediator.total == 4
    assert sum(mediator.counts.values()) == 4


def test_content_checked_long_ago_is_a_problem(engine: Engine) -> None:
    write_batch(
        engine, [health("k1", content_checked_on="2024-01-01"), health("k2", content_checked_on="2026-09-01")]
    )
    page = fleet_page(engine, FleetFilter(problem=Problem.STALE_CONTENT), stale_content_before="2025-09-21")
    assert [(row.kiosk_id, row.problems) for row in page.rows] == [("k1", (Problem.STALE_CONTENT,))]


def test_metrics_give_each_kiosk_its_problems(engine: Engine) -> None:
    """`kiosk_problem`: one series per kiosk and problem, 1 for the problems the table shows."""
    write_batch(
        engine,
        [
            health("k1", screen="drawn_in_software", content_checked_on="2024-01-01"),
            health("k2", printer="paper_out", content_checked_on="2026-09-01"),
        ],
    )
    (problem,) = [
        family
        for family in FleetCollector(engine, lambda: "2025-09-21").collect()
        if family.name == "kiosk_problem"
    ]
    has = {
        (sample.labels["kiosk"], sample.labels["problem"])
        for sample in problem.samples
        if sample.value == 1.0
    }
    assert has == {("k1", "screen_software"), ("k1", "stale_content"), ("k2", "paper_out")}
    assert len(problem.samples) == 2 * len(Problem)


def test_help_requests_are_listed_by_site_and_acknowledged_once(engine: Engine) -> None:
    def help_request(event_id: str, site: str) -> EventRecord:
        return EventRecord(
            event_id,
            site,
            "k1",
            "help_request",
            NOW,
            NOW,
            help_request=HelpRequestDetails("passeport", "step-2", "help_button"),
        )

    write_batch(engine, [help_request("h1", "site-a"), help_request("h2", "site-b")])

    mine = list_help_requests(engine, only_site="site-a", since=NOW - 60)
    assert [(entry["request_id"], entry["step"]) for entry in mine] == [("h1", "step-2")]
    assert mark_acknowledged(engine, "h1", "marc", NOW + 5)
    assert not mark_acknowledged(engine, "h1", "lea", NOW + 6)
    # The kiosk's own "help_acknowledged" event does not overwrite who answered.
    write_batch(
        engine,
        [EventRecord("ack1", "site-a", "k1", "help_acknowledged", NOW + 7, NOW + 7, acknowledges="h1")],
    )
    assert list_help_requests(engine, only_site="site-a", since=NOW - 60)[0]["acknowledged_by"] == "marc"


def test_a_command_answer_is_stored_once(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            schema.commands.insert().values(
                command_id="c" * 32,
                kiosk_id="k1",
                site="site-a",
                name="ping",
                requested_by="alice",
                requested_at=NOW,
            )
        )
    first = write_batch(engine, [CommandAnswer("c" * 32, NOW + 1, "ok", {"code": "ok", "detail": "pong"})])
    second = write_batch(engine, [CommandAnswer("c" * 32, NOW + 2, "error", {"code": "failed"})])
    with engine.connect() as connection:
        row = connection.execute(select(schema.commands)).one()
    assert first.answered_commands == ["c" * 32] and second.answered_commands == []
    assert (row.status, json.loads(row.answer)["detail"]) == ("ok", "pong")


def test_a_kiosk_page_reads_its_history(engine: Engine) -> None:
    write_batch(
        engine,
        [StateUpdate("site-a", "k1", "ready", 1, NOW), health("k1", cpu_percent=12.5), session("s" * 32)],
    )
    detail = kiosk_detail(engine, "site-a", "k1", since=NOW - 3600)
    assert detail is not None
    assert detail.samples[0]["cpu_percent"] == 12.5
    assert [event["kind"] for event in detail.events] == ["session"]
    assert [device["name"] for device in detail.devices] == ["printer", "card_reader", "screen"]
    assert kiosk_detail(engine, "site-a", "k1", since=NOW, only_site="site-b") is None


def test_usage_sums_per_day_and_group(engine: Engine) -> None:
    write_batch(
        engine,
        [session(f"{number:032x}", completed=number % 2 == 0, at=NOW + number) for number in range(6)]
        + [session("f" * 32, at=NOW + DAY_S)],
    )
    rows = daily_usage(engine, group_by="procedure")
    assert [(row.day, row.group, row.sessions, row.completed) for row in rows] == [
        ("2026-09-21", "passeport", 6, 3),
        ("2026-09-22", "passeport", 1, 1),
    ]
    assert rows[0].mean_duration_s == 120.0
    assert rows[0].languages == {"fr": 6}
    assert rows[0].features == {"speech": 6}


def test_pruning_deletes_history_past_the_retention(engine: Engine) -> None:
    old, recent = NOW - 40 * DAY_S, NOW - DAY_S
    write_batch(engine, [health("k1", at=old), health("k1", at=recent), session("o" * 32, at=old)])
    deleted = prune(engine, Retention(history_days=30, usage_days=365), NOW)
    assert deleted["health_samples"] == 1
    assert deleted["sessions"] == 0
    assert count(engine, schema.health_samples) == 1


def test_one_process_holds_the_monitor_lease_until_it_expires(engine: Engine) -> None:
    now = time.time()
    assert try_acquire(engine, "monitor", "one", 10, now)
    assert not try_acquire(engine, "monitor", "two", 10, now + 1)
    assert try_acquire(engine, "monitor", "one", 10, now + 2)
    assert try_acquire(engine, "monitor", "two", 10, now + 13)
    release(engine, "monitor", "two")
    assert try_acquire(engine, "monitor", "one", 10, now + 14)
