"""The web UI in headless Chromium (Debian's, driven by Playwright): as IT staff and mediators use it."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from fleet import protocol
from fleet.agent import FleetAgent

from support.agents import RecordingKiosk, agent_settings
from support.dashboard import PASSWORD, ServeProcess, add_user, wait_until
from support.mosquitto import Broker

SITE, KIOSK = "mairie-test", "borne-1"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "dashboard"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    server = Broker(tmp_path_factory.mktemp("mosquitto")).start()
    yield server
    server.stop()


def _seed_fleet(broker: Broker) -> None:
    """Other kiosks in every state, so that the pages show what a real fleet shows."""
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    now = dt.datetime.now(dt.UTC)
    kiosks = [
        ("mairie-test", "borne-2", protocol.KioskState.READY, "paper_out", True),
        ("mairie-test", "borne-3", protocol.KioskState.READY, "ok", True),
        ("mediatheque-nord", "borne-1", protocol.KioskState.MAINTENANCE, "ok", True),
        ("mediatheque-nord", "borne-2", protocol.KioskState.READY, "ok", False),
        ("france-services-sud", "borne-1", protocol.KioskState.LOST, "ok", True),
        ("france-services-sud", "borne-2", protocol.KioskState.READY, "paper_near_end", True),
    ]
    for site, kiosk, state, paper, reader in kiosks:
        version = "0.1.0" if kiosk != "borne-3" else "0.0.9"
        # The kiosk without a card reader has no graphics driver either: two problems in one row.
        _announce(client, site, kiosk, state, 1, paper, reader, version, drawn_in_software=not reader)
    for number in range(30):
        session = protocol.SessionStatistics(
            duration_s=90.0 + number * 7,
            outcome=protocol.SessionOutcome.COMPLETED if number % 4 else protocol.SessionOutcome.ABANDONED,
            help_asked=number % 5 == 0,
            satisfaction=1 + number % 3,
            language="ar" if number % 6 == 0 else "fr",
            accessibility=("speech",) if number % 3 == 0 else (),
            procedure=("passeport", "carte-identite", "acte-de-naissance")[number % 3],
            at=now - dt.timedelta(days=number % 4),
        )
        topic = protocol.event_topic("mairie-test", "borne-3")
        client.publish(topic, protocol.encode(session), qos=1).wait_for_publish(5)
    client.loop_stop()
    client.disconnect()


@pytest.fixture(scope="module")
def dashboard(broker: Broker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    directory = tmp_path_factory.mktemp("dashboard")
    database = f"sqlite:///{directory / 'dashboard.sqlite3'}"
    add_user(database, "alice", "admin")
    add_user(database, "marc", "mediator", site=SITE)
    # A health sample a second: the kiosk page's chart has a line within the tests' seconds.
    serve = ServeProcess(broker.url, database, directory / "serve.log", extra=("--sample-every", "1")).start()
    _seed_fleet(broker)
    yield serve
    serve.stop()


@pytest.fixture(scope="module")
def kiosk(
    broker: Broker, dashboard: ServeProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FleetAgent, RecordingKiosk]]:
    """The real fleet agent of one kiosk, with a kiosk that records the commands it obeys."""
    recording = RecordingKiosk()
    agent = FleetAgent(
        agent_settings(broker.url, tmp_path_factory.mktemp("agent"), site=SITE, kiosk_id=KIOSK), recording
    )
    agent.start()
    assert agent.wait_until_connected(10)
    yield agent, recording
    agent.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if shutil.which("chromium") is None:
        pytest.fail("Debian's chromium is not installed: `make test` installs it")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # Reduced motion: a new help request's arrival is not caught half-faded by a screenshot.
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="fr-FR", reduced_motion="reduce"
    )
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def log_in(page: Page, dashboard: ServeProcess, name: str) -> None:
    page.goto(f"{dashboard.url}/connexion")
    page.get_by_label("Nom d'utilisateur").fill(name)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{dashboard.url}/{'flotte' if name == 'alice' else 'mediation'}")


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_fleet_page_counts_filters_and_updates_live(
    page: Page, dashboard: ServeProcess, kiosk: tuple[FleetAgent, RecordingKiosk]
) -> None:
    agent, _ = kiosk
    log_in(page, dashboard, "alice")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    row = page.locator(f'tr[data-kiosk="{SITE}/{KIOSK}"]').first
    wait_until(
        lambda: page.locator("#kiosks tbody tr").count() >= 7 or page.reload(), what="the seeded fleet"
    )
    expect(page.locator("#live-state")).to_have_text("Mises à jour en direct : actives.")
    expect(page.locator('[data-count="offline"]')).to_have_text("1")
    expect(page.locator("#kiosks tbody tr").first).to_contain_text("Hors ligne")

    agent.set_state("maintenance", "command")
    expect(row.locator('[data-cell="status"]')).to_have_text("! En maintenance")
    agent.set_state("ready")
    expect(row.locator('[data-cell="status"]')).to_have_text("✓ En service")
    screenshot(page, "fleet")

    page.get_by_label("Problème").select_option("paper_out")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#kiosks tbody tr")).to_have_count(1)
    expect(page.locator("#kiosks tbody tr")).to_contain_text("Plus de papier")
    page.get_by_label("Problème").select_option("screen_software")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#kiosks tbody tr")).to_have_count(1)
    slow = page.locator('tr[data-kiosk="mediatheque-nord/borne-2"] [data-cell="problems"]')
    expect(slow).to_contain_text("Écran lent : pilote graphique absent")
    expect(slow).to_contain_text("Lecteur de carte absent")
    screenshot(page, "fleet-screen-software")
    page.get_by_role("link", name="Tout afficher").click()
    page.get_by_role("link", name="Borne", exact=True).click()
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "ascending")


def test_the_kiosk_page_shows_health_devices_and_events(
    page: Page, dashboard: ServeProcess, kiosk: tuple[FleetAgent, RecordingKiosk]
) -> None:
    log_in(page, dashboard, "alice")
    page.goto(f"{dashboard.url}/bornes/mairie-test/borne-2")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Borne borne-2 (site mairie-test)")
    expect(page.get_by_role("heading", level=1)).to_contain_text("À vérifier")
    expect(page.locator("svg.chart title")).to_contain_text("Santé de la borne borne-2")
    # Codes in words, the code kept for IT staff.
    expect(page.get_by_role("row", name="Imprimante")).to_contain_text("Plus de papier (paper_out)")
    expect(page.get_by_role("row", name="Écran")).to_contain_text("Aucun problème")
    expect(page.locator("dt:text-is('Voix') + dd")).to_have_text("Prête")
    page.goto(f"{dashboard.url}/bornes/mairie-test/borne-3")
    expect(page.get_by_role("table").last).to_contain_text("Session terminée")


def test_an_admin_command_makes_the_round_trip(
    page: Page, dashboard: ServeProcess, kiosk: tuple[FleetAgent, RecordingKiosk]
) -> None:
    _, recording = kiosk
    log_in(page, dashboard, "alice")
    page.goto(f"{dashboard.url}/bornes/{SITE}/{KIOSK}")
    page.get_by_label("Commande", exact=True).select_option("test_print")
    page.get_by_role("button", name="Envoyer la commande").click()
    answered = page.locator("#command-list tbody tr.highlight")
    expect(answered).to_contain_text("Imprimer un ticket de test")
    expect(answered.locator('[data-cell="command-status"]')).to_have_text("Fait")
    expect(answered).to_contain_text("ok : test_print")
    assert [command.name for command in recording.commands][-1] == protocol.CommandName.TEST_PRINT
    screenshot(page, "kiosk")


def test_a_mediator_receives_a_help_call_live_and_acknowledges_it(
    page: Page, dashboard: ServeProcess, kiosk: tuple[FleetAgent, RecordingKiosk]
) -> None:
    agent, recording = kiosk
    log_in(page, dashboard, "marc")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Demandes d'aide – site {SITE}")
    expect(page.locator("#live-state")).to_have_text("Mises à jour en direct : actives.")
    page.get_by_role("button", name="Activer le son des nouvelles demandes").click()
    expect(page.locator("#sound-toggle")).to_have_attribute("aria-pressed", "true")

    request = protocol.HelpRequested(
        site=SITE,
        kiosk_id=KIOSK,
        procedure="passeport",
        step="step-2",
        reason="help_button",
        id=uuid.uuid4().hex,
    )
    agent.publish_event(request)
    card = page.locator(f'[data-request="{request.id}"]')
    expect(card).to_contain_text("passeport")
    expect(card).to_contain_text("nouvelle demande")
    expect(page.locator("#help-banner")).to_be_visible()
    expect(page.locator("#help-banner")).to_contain_text("demande d'aide en attente")
    assert page.title().startswith("(")
    screenshot(page, "mediation")

    # Keyboard only: Tab to the card's button, Enter.
    button = card.get_by_role("button", name=f"J'y vais (borne {KIOSK})")
    for _ in range(40):
        page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    page.keyboard.press("Enter")
    expect(card).to_have_count(1)
    expect(page.locator("#done-requests")).to_contain_text("prise en charge par marc")
    expect(page.locator("#open-requests").locator(f'[data-request="{request.id}"]')).to_have_count(0)
    wait_until(
        lambda: any(getattr(command, "request_id", None) == request.id for command in recording.commands),
        what="help_ack at the kiosk",
    )


def test_a_mediator_cannot_see_another_site(page: Page, dashboard: ServeProcess) -> None:
    log_in(page, dashboard, "marc")
    other = page.goto(f"{dashboard.url}/bornes/mediatheque-nord/borne-1")
    assert other is not None and other.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    own = page.goto(f"{dashboard.url}/bornes/{SITE}/{KIOSK}")
    assert own is not None and own.status == 200
    page.goto(f"{dashboard.url}/flotte")
    expect(page.locator("#kiosks tbody tr")).to_have_count(3)
    expect(page.get_by_role("button", name="Envoyer la commande")).to_have_count(0)


def _announce(
    client: mqtt.Client,
    site: str,
    kiosk: str,
    state: protocol.KioskState,
    seq: int,
    paper: str,
    reader: bool = True,
    version: str = "0.1.0",
    drawn_in_software: bool = False,
) -> None:
    """A kiosk's state (retained) and one health report, as its agent publishes them."""
    state_payload = protocol.StatePayload(state=state, bd_seq=1)
    client.publish(protocol.state_topic(site, kiosk), protocol.encode(state_payload), qos=1, retain=True)
    health = protocol.HealthPayload(
        seq=seq,
        at=dt.datetime.now(dt.UTC),
        app_version=version,
        uptime_s=3600.0,
        screen="home",
        speech="ready",
        content_version="2026.09",
        content_oldest_check=dt.date.today() - dt.timedelta(days=40),
        devices=(
            {"device": "printer", "present": True, "ready": paper != "paper_out", "detail": paper},
            {
                "device": "card_reader",
                "present": reader,
                "ready": reader,
                "detail": "ok" if reader else "missing",
            },
            {
                "device": "screen",
                "present": True,
                "ready": True,
                "detail": "drawn_in_software" if drawn_in_software else "ok",
            },
        ),
        system={"cpu_percent": 12.0, "memory_percent": 41.0, "disk_percent": 23.0, "boot_uptime_s": 7200.0},
    )
    client.publish(protocol.health_topic(site, kiosk), protocol.encode(health), qos=1).wait_for_publish(5)


def _publish_kiosk(broker: Broker, site: str, kiosk: str, seq: int, paper: str) -> None:
    """A kiosk's birth and one health report, published to the real broker as an agent would."""
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    _announce(client, site, kiosk, protocol.KioskState.READY, seq, paper)
    client.loop_stop()
    client.disconnect()


def _focused_kiosk(page: Page) -> str | None:
    """The kiosk whose row holds the keyboard focus ("" for the table itself, None elsewhere)."""
    return page.evaluate(
        """() => {
            const active = document.activeElement;
            if (active && active.id === "kiosks") return "";
            const row = active && active.closest("#kiosks tbody tr");
            return row ? row.dataset.kiosk : null;
        }"""
    )


def _tab_to(page: Page, link: Locator) -> None:
    for _ in range(60):
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError("the link was never reached with Tab")


def test_the_filtered_fleet_table_adds_and_removes_kiosks_live(
    page: Page, broker: Broker, dashboard: ServeProcess, kiosk: tuple[FleetAgent, RecordingKiosk]
) -> None:
    agent, _ = kiosk
    log_in(page, dashboard, "alice")
    rows = page.locator("#kiosks tbody tr")
    update = page.locator("#kiosks-update")

    # A kiosk whose state changes comes into the "maintenance" table, then leaves it, while the
    # keyboard focus stays on the row the person is on.
    page.goto(f"{dashboard.url}/flotte?status=maintenance")
    expect(page.locator("#live-state")).to_have_text("Mises à jour en direct : actives.")
    page.evaluate("window.notReloaded = true")
    expect(rows).to_have_count(1)
    other = page.locator('tr[data-kiosk="mediatheque-nord/borne-1"] th a')
    _tab_to(page, other)
    agent.set_state("maintenance", "command")
    expect(page.locator(f'tr[data-kiosk="{SITE}/{KIOSK}"]')).to_have_count(1)
    expect(rows).to_have_count(2)
    expect(page.locator("#kiosks caption")).to_contain_text("2 bornes")
    expect(update).to_have_text(f"Liste mise à jour : {KIOSK} ({SITE}) ajoutée.")
    assert _focused_kiosk(page) == "mediatheque-nord/borne-1"

    # The focus is on the kiosk that leaves: it goes to the row that takes its place.
    _tab_to(page, page.locator(f'tr[data-kiosk="{SITE}/{KIOSK}"] th a'))
    agent.set_state("ready")
    expect(page.locator(f'tr[data-kiosk="{SITE}/{KIOSK}"]')).to_have_count(0)
    expect(rows).to_have_count(1)
    expect(update).to_have_text(f"Liste mise à jour : {KIOSK} ({SITE}) retirée.", timeout=20_000)
    assert _focused_kiosk(page) == "mediatheque-nord/borne-1"

    # In the whole table, sorted by status, the row the person is on moves and keeps the focus.
    page.goto(f"{dashboard.url}/flotte")
    expect(page.locator("#live-state")).to_have_text("Mises à jour en direct : actives.")
    key = f"{SITE}/{KIOSK}"

    def position() -> int:
        return rows.evaluate_all("(rows, key) => rows.findIndex((row) => row.dataset.kiosk === key)", key)

    resting = position()
    _tab_to(page, page.locator(f'tr[data-kiosk="{key}"] th a'))
    agent.set_state("maintenance", "command")
    wait_until(lambda: position() < resting, what="the row moved up among the kiosks in maintenance")
    assert _focused_kiosk(page) == key
    agent.set_state("ready")
    wait_until(lambda: position() == resting, what="the row back among the kiosks in service")
    assert _focused_kiosk(page) == key

    # A kiosk never seen before, out of paper: it appears in the "paper out" table; with a new
    # roll it leaves it. The page was never reloaded.
    page.goto(f"{dashboard.url}/flotte?problem=paper_out")
    expect(page.locator("#live-state")).to_have_text("Mises à jour en direct : actives.")
    page.evaluate("window.notReloaded = true")
    expect(rows).to_have_count(1)
    _publish_kiosk(broker, "mairie-live", "borne-9", 1, "paper_out")
    new_row = page.locator('tr[data-kiosk="mairie-live/borne-9"]')
    expect(new_row).to_contain_text("Plus de papier")
    expect(rows).to_have_count(2)
    expect(update).to_have_text("Liste mise à jour : borne-9 (mairie-live) ajoutée.")
    _publish_kiosk(broker, "mairie-live", "borne-9", 2, "ok")
    expect(new_row).to_have_count(0)
    expect(rows).to_have_count(1)
    expect(page.locator("#kiosks caption")).to_contain_text("1 borne.")
    assert page.evaluate("window.notReloaded") is True
