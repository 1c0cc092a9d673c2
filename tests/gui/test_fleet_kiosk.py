"""The real kiosk with its fleet agent, a real Mosquitto and a dashboard's MQTT client (issue 11):
commands change the screens, help calls and sessions go out, nothing about the citizen does."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from fleet.protocol import command_topic, event_topic, reply_topic, state_topic
from kiosk.config import DEMO_CONFIG
from kiosk.testing import KioskPilot

from support.mosquitto import Broker, Listener
from support.sites import fleet_config

pytestmark = pytest.mark.gui

SITE = "demo"
KIOSK = "demo-borne-1"


@pytest.fixture
def dashboard(mosquitto: Broker) -> Iterator[Listener]:
    listener = Listener(mosquitto, ("kiosk/v1/#",))
    yield listener
    listener.close()


@pytest.fixture
def pilot(display: str, tmp_path: Path, mosquitto: Broker, dashboard: Listener) -> Iterator[KioskPilot]:
    with KioskPilot(size=(1080, 1920), config=fleet_config(tmp_path, mosquitto)) as running:
        running.settle_until(lambda: running.kiosk.fleet.agent.connected, what="the agent connected")
        yield running


def events(dashboard: Listener, kind: str) -> list[dict[str, object]]:
    found = [json.loads(m.payload) for m in list(dashboard.received) if m.topic == event_topic(SITE, KIOSK)]
    return [event for event in found if event["kind"] == kind]


def command(pilot: KioskPilot, dashboard: Listener, name: str, body: dict[str, object], tag: bytes) -> dict:
    """Send ``name`` as the dashboard does and run the kiosk until its answer is back."""
    dashboard.publish(
        command_topic(SITE, KIOSK, name),
        json.dumps({"v": 1, **body}).encode(),
        correlation=tag,
        response_topic=reply_topic(SITE, KIOSK),
    )

    def answers() -> list[bytes]:
        replies = reply_topic(SITE, KIOSK)
        return [m.payload for m in list(dashboard.received) if m.topic == replies and m.correlation == tag]

    pilot.settle_until(lambda: bool(answers()), what=f"the answer to {name}")
    return json.loads(answers()[0])


def test_the_kiosk_is_born_and_reports_its_health(pilot: KioskPilot, dashboard: Listener) -> None:
    birth = dashboard.wait_for(lambda m: m.topic == state_topic(SITE, KIOSK))
    assert json.loads(birth.payload)["state"] == "ready"
    health = json.loads(dashboard.wait_for(lambda m: m.topic.endswith("/health")).payload)
    assert health["screen"] == "home" and health["in_session"] is False
    devices = {device["device"]: device for device in health["devices"]}
    assert set(devices) == {"printer", "card_reader", "screen"}
    # Xvfb has no graphics chip: the screen works, drawn by the processor (dashboard: a problem).
    assert (devices["screen"]["ready"], devices["screen"]["detail"]) == (True, "drawn_in_software")


def test_maintenance_waits_for_the_citizen_then_shows_and_is_left(
    pilot: KioskPilot, dashboard: Listener, artifacts: Path
) -> None:
    pilot.tap("start")
    answer = command(pilot, dashboard, "maintenance_enter", {}, b"m1")
    assert answer["ok"] and answer["detail"] == "after_session"
    assert pilot.screen == "catalogue"  # the citizen goes on
    pilot.journey.end_session()
    pilot.settle()
    assert pilot.screen == "maintenance" and "Borne en maintenance" in pilot.texts()
    pilot.screenshot(artifacts / "screens" / "maintenance.png")
    pilot.tap("bar_home")
    assert pilot.screen == "maintenance"  # no way into a session
    state = dashboard.wait_for(lambda m: m.topic == state_topic(SITE, KIOSK) and b"maintenance" in m.payload)
    assert json.loads(state.payload)["reason"] == "command"
    assert command(pilot, dashboard, "maintenance_leave", {}, b"m2")["ok"]
    assert pilot.screen == "home"


def test_a_help_call_reaches_the_dashboard_and_its_answer_reaches_the_citizen(
    pilot: KioskPilot, dashboard: Listener, artifacts: Path
) -> None:
    pilot.tap("start")
    pilot.tap("bar_help")
    assert pilot.screen == "help"
    dashboard.wait_for(lambda m: m.topic == event_topic(SITE, KIOSK) and b"help_request" in m.payload)
    (call,) = events(dashboard, "help_request")
    assert call["reason"] == "help_button" and call["kiosk_id"] == KIOSK
    wrong = command(pilot, dashboard, "help_ack", {"request_id": "0" * 32}, b"h0")
    assert not wrong["ok"] and wrong["code"] == "unknown_request"
    assert command(pilot, dashboard, "help_ack", {"request_id": call["id"]}, b"h1")["ok"]
    assert "Un conseiller arrive." in pilot.texts()
    assert ("Un conseiller arrive.", "fr") in pilot.utterances
    pilot.screenshot(artifacts / "screens" / "help-acknowledged.png")


def test_restart_is_refused_during_a_session_unless_forced(pilot: KioskPilot, dashboard: Listener) -> None:
    pilot.tap("start")
    refused = command(pilot, dashboard, "restart", {}, b"r1")
    assert not refused["ok"] and refused["code"] == "in_session" and not pilot.quit_requested
    assert command(pilot, dashboard, "restart", {"force": True}, b"r2")["ok"]
    pilot.settle()
    assert pilot.quit_requested


def test_a_test_print_is_answered_when_printed(pilot: KioskPilot, dashboard: Listener) -> None:
    assert command(pilot, dashboard, "test_print", {}, b"t1")["ok"]
    assert pilot.kiosk.printer.printed
    pilot.kiosk.printer.set_paper("out")
    answer = command(pilot, dashboard, "test_print", {}, b"t2")
    assert not answer["ok"] and answer["code"] == "failed"


def test_paper_out_is_a_device_fault_and_an_alert_then_a_recovery(
    pilot: KioskPilot, dashboard: Listener
) -> None:
    pilot.kiosk.printer.set_paper("out")
    pilot.kiosk.health.poll_now()
    dashboard.wait_for(lambda m: b"device_fault" in m.payload and b"paper_out" in m.payload)
    alert = dashboard.wait_for(lambda m: m.topic == state_topic(SITE, KIOSK) and b'"alert"' in m.payload)
    assert json.loads(alert.payload)["reason"] == "printer_paper_out"
    pilot.kiosk.printer.set_paper("ok")
    pilot.kiosk.health.poll_now()
    dashboard.wait_for(lambda m: b"device_recovered" in m.payload)


def test_a_finished_session_goes_out_as_anonymous_statistics(pilot: KioskPilot, dashboard: Listener) -> None:
    pilot.tap("start")
    pilot.tap("lang_en")
    pilot.tap("bar_bigger")
    pilot.journey.end_session()
    pilot.settle()
    message = dashboard.wait_for(lambda m: b'"session"' in m.payload)
    statistics = json.loads(message.payload)
    assert statistics["outcome"] == "abandoned" and statistics["language"] == "en"
    assert set(statistics["accessibility"]) == {"language:en", "large_text"}
    allowed = {"v", "id", "at", "kind", "procedure", "duration_s", "outcome", "help_asked", "satisfaction"}
    assert set(statistics) <= allowed | {"language", "accessibility"}


def test_a_refused_content_file_is_reported_and_the_last_good_catalogue_stays(
    display: str, tmp_path: Path, mosquitto: Broker, dashboard: Listener
) -> None:
    content = tmp_path / "procedures"
    shutil.copytree(DEMO_CONFIG.parent / "procedures", content)
    config = fleet_config(tmp_path, mosquitto).model_copy(update={"content_directory": content})
    with KioskPilot(size=(1080, 1920), config=config) as pilot:
        pilot.settle_until(lambda: pilot.kiosk.fleet.agent.connected, what="the agent connected")
        before = len(pilot.kiosk.content.catalogue.procedures)
        (content / "carte-identite.yaml").write_text("id: carte-identite\nsteps: [\n", encoding="utf-8")
        answer = command(pilot, dashboard, "reload_content", {}, b"c1")
        assert answer["ok"] and answer["detail"].startswith(f"{before} procedures")
        refused = dashboard.wait_for(lambda m: b"content_refused" in m.payload)
        assert json.loads(refused.payload)["file"] == "carte-identite.yaml"
