"""Roles on every route (a table), sessions with secure cookies and CSRF, and the security headers."""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from starlette.routing import Route
from starlette.testclient import TestClient

from fleet.dashboard.commands import CommandSender
from fleet.dashboard.records import EventRecord, HelpRequestDetails, StateUpdate
from fleet.dashboard.roles import Role
from fleet.dashboard.settings import WebSettings
from fleet.dashboard.store import schema
from fleet.dashboard.store.accounts import add_user, create_token
from fleet.dashboard.store.database import open_database
from fleet.dashboard.store.writer import write_batch
from fleet.dashboard.web.app import create_app
from fleet.dashboard.web.context import DashboardContext

from support.dashboard import PASSWORD

HELP_ID = "ab" * 16
COMMAND_ID = "cd" * 16
CALLERS = ("anonymous", "viewer", "mediator", "other_mediator", "admin")


class FakeMqttClient:
    """Stands in for paho: the roles do not depend on the broker."""

    def __init__(self) -> None:
        self.published: list[str] = []

    def publish(self, topic: str, payload: bytes, qos: int, properties: Any) -> Any:
        self.published.append(topic)
        return type("Info", (), {"rc": 0})()


@dataclass
class Fleet:
    client: TestClient
    tokens: dict[str, str]
    mqtt: FakeMqttClient
    engine: Engine


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """One database with users, two kiosks, a help request and a command; copied for each test."""
    path = tmp_path_factory.mktemp("roles") / "template.sqlite3"
    engine = open_database(f"sqlite:///{path}")
    add_user(engine, "viewer", Role.VIEWER, PASSWORD)
    add_user(engine, "mediator", Role.MEDIATOR, PASSWORD, site="site-a")
    add_user(engine, "other_mediator", Role.MEDIATOR, PASSWORD, site="site-b")
    add_user(engine, "admin", Role.ADMIN, PASSWORD)
    tokens = {name: create_token(engine, name) for name in CALLERS if name != "anonymous"}
    now = 1_790_000_000.0
    write_batch(
        engine,
        [
            StateUpdate("site-a", "k-a", "ready", 1, now),
            StateUpdate("site-b", "k-b", "ready", 1, now),
            EventRecord(
                HELP_ID,
                "site-a",
                "k-a",
                "help_request",
                now,
                now,
                help_request=HelpRequestDetails("passeport", "step-1", "help_button"),
            ),
        ],
    )
    with engine.begin() as connection:
        connection.execute(
            schema.commands.insert().values(
                command_id=COMMAND_ID,
                kiosk_id="k-a",
                site="site-a",
                name="ping",
                requested_by="admin",
                requested_at=now,
            )
        )
    engine.dispose()
    return path, tokens


@pytest.fixture
def fleet(template: tuple[Path, dict[str, str]], tmp_path: Path) -> Iterator[Fleet]:
    path, tokens = template
    copy = tmp_path / "dashboard.sqlite3"
    shutil.copy(path, copy)
    engine = open_database(f"sqlite:///{copy}")
    mqtt = FakeMqttClient()
    context = DashboardContext(
        engine=engine,
        settings=WebSettings(command_wait_s=0),
        commands=CommandSender(engine, mqtt),  # type: ignore[arg-type]
    )
    with TestClient(create_app(context), base_url="https://testserver", follow_redirects=False) as client:
        yield Fleet(client, tokens, mqtt, engine)
    engine.dispose()


#: (method, path, expected status for anonymous, viewer, mediator of site-a, mediator of site-b, admin).
ROUTES: list[tuple[str, str, tuple[int, int, int, int, int]]] = [
    ("GET", "/", (303, 303, 303, 303, 303)),
    ("GET", "/connexion", (200, 200, 200, 200, 200)),
    ("POST", "/deconnexion", (303, 303, 303, 303, 303)),
    ("GET", "/flotte", (303, 200, 200, 200, 200)),
    ("GET", "/bornes/site-a/k-a", (303, 200, 200, 404, 200)),
    ("POST", "/bornes/site-a/k-a/commandes", (303, 403, 403, 403, 303)),
    ("GET", "/mediation", (303, 200, 200, 200, 200)),
    ("POST", f"/mediation/{HELP_ID}/prise-en-charge", (303, 403, 303, 404, 303)),
    ("GET", "/alertes", (303, 200, 200, 200, 200)),
    ("GET", "/usage", (303, 200, 200, 200, 200)),
    ("GET", "/live", (401, 200, 200, 200, 200)),
    ("GET", "/api/kiosks", (401, 200, 200, 200, 200)),
    ("GET", "/api/kiosks/site-a/k-a", (401, 200, 200, 404, 200)),
    ("POST", "/api/kiosks/site-a/k-a/commands/ping", (401, 403, 403, 403, 202)),
    ("GET", "/api/kiosks/k-a", (401, 200, 200, 404, 200)),
    ("POST", "/api/kiosks/k-a/commands/ping", (401, 403, 403, 403, 202)),
    ("GET", f"/api/commands/{COMMAND_ID}", (401, 200, 200, 404, 200)),
    ("GET", "/api/help-requests", (401, 200, 200, 200, 200)),
    ("POST", f"/api/help-requests/{HELP_ID}/ack", (401, 403, 200, 404, 200)),
    ("GET", "/api/alerts", (401, 200, 200, 200, 200)),
    ("GET", "/api/usage", (401, 200, 200, 200, 200)),
    ("GET", "/metrics", (401, 200, 403, 403, 200)),
    ("GET", "/healthz", (200, 200, 200, 200, 200)),
]
#: Routes served without the table above (the login form's POST is tested on its own).
UNLISTED = {("POST", "/connexion")}


def live_status(fleet: Fleet, headers: dict[str, str]) -> int:
    """The status of /live, hanging up after its first bytes (the stream never ends by itself)."""
    started: dict[str, Any] = {}

    async def call() -> None:
        hang_up = asyncio.Event()

        async def receive() -> dict[str, Any]:
            await hang_up.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                started["status"] = message["status"]
            elif message["type"] == "http.response.body":
                started.setdefault("body", message.get("body", b""))
                hang_up.set()

        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": "GET",
            "scheme": "https",
            "path": "/live",
            "raw_path": b"/live",
            "root_path": "",
            "query_string": b"",
            "headers": [(name.lower().encode(), value.encode()) for name, value in headers.items()],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 443),
        }
        await asyncio.wait_for(fleet.client.app(scope, receive, send), 10)

    assert fleet.client.portal is not None
    fleet.client.portal.call(call)
    if started["status"] == 200:
        assert started["body"].startswith(b"retry:")
    return started["status"]


def request(fleet: Fleet, caller: str, method: str, path: str) -> int:
    headers = {"Authorization": f"Bearer {fleet.tokens[caller]}"} if caller != "anonymous" else {}
    if path == "/live":
        return live_status(fleet, headers)
    data = {"name": "ping"} if path.endswith("/commandes") else None
    return fleet.client.request(method, path, headers=headers, data=data).status_code


@pytest.mark.parametrize(("method", "path", "expected"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
@pytest.mark.parametrize("caller", CALLERS)
def test_each_role_gets_what_it_may(
    fleet: Fleet, caller: str, method: str, path: str, expected: tuple[int, ...]
) -> None:
    assert request(fleet, caller, method, path) == expected[CALLERS.index(caller)]


def test_the_table_covers_every_route(fleet: Fleet) -> None:
    served = {
        (method, route.path)
        for route in fleet.client.app.routes  # type: ignore[attr-defined]
        if isinstance(route, Route)
        for method in (route.methods or set()) - {"HEAD"}
    }
    listed = {
        (method, re.sub(r"/(site-a|k-a|ping|[0-9a-f]{32})(?=/|$)", "/{}", path)) for method, path, _ in ROUTES
    }
    normalised = {(method, re.sub(r"\{[a-z_]+\}", "{}", path)) for method, path in served}
    assert normalised - UNLISTED == listed


def test_a_mediator_sees_only_their_site(fleet: Fleet) -> None:
    headers = {"Authorization": f"Bearer {fleet.tokens['other_mediator']}"}
    kiosks = fleet.client.get("/api/kiosks", headers=headers).json()
    helps = fleet.client.get("/api/help-requests", headers=headers).json()
    assert [kiosk["kiosk_id"] for kiosk in kiosks["kiosks"]] == ["k-b"]
    assert helps["help_requests"] == []


@pytest.mark.parametrize(
    ("caller", "path", "expected"),
    [
        # One site has a k-b: answered, with the kiosk's full address.
        ("admin", "/api/kiosks/k-b", (200, ["site-b"])),
        # Two sites have a k-a: 409 and both addresses.
        ("admin", "/api/kiosks/k-a", (409, ["site-a", "site-b"])),
        ("viewer", "/api/kiosks/k-a", (409, ["site-a", "site-b"])),
        # A mediator sees one site: no ambiguity, and never another site's kiosk.
        ("mediator", "/api/kiosks/k-a", (200, ["site-a"])),
        ("other_mediator", "/api/kiosks/k-a", (200, ["site-b"])),
        ("mediator", "/api/kiosks/k-b", (404, [])),
        ("admin", "/api/kiosks/nowhere", (404, [])),
        ("admin", "/api/kiosks/k-b/commands/ping", (202, ["site-b"])),
        ("admin", "/api/kiosks/k-a/commands/ping", (409, ["site-a", "site-b"])),
    ],
)
def test_a_kiosk_id_alone_names_it_when_one_site_has_it(
    fleet: Fleet, caller: str, path: str, expected: tuple[int, list[str]]
) -> None:
    write_batch(fleet.engine, [StateUpdate("site-b", "k-a", "ready", 1, 1_790_000_000.0)])
    method = "POST" if "/commands/" in path else "GET"
    response = fleet.client.request(method, path, headers={"Authorization": f"Bearer {fleet.tokens[caller]}"})
    body = response.json()
    if response.status_code == 409:
        sites = [candidate["site"] for candidate in body["candidates"]]
        assert [candidate["url"] for candidate in body["candidates"]] == [
            f"/api/kiosks/{site}/k-a" for site in sites
        ]
    elif response.status_code in (200, 202):
        sites = [body["site"]]
    else:
        sites = []
    assert (response.status_code, sites) == expected
    if method == "GET" and response.status_code == 200:
        assert response.headers["content-location"] == f"/api/kiosks/{sites[0]}/{body['kiosk_id']}"
    if method == "POST" and response.status_code == 202:
        assert fleet.mqtt.published == [f"kiosk/v1/{sites[0]}/k-b/cmd/ping"]


def test_acknowledging_tells_the_kiosk_and_happens_once(fleet: Fleet) -> None:
    headers = {"Authorization": f"Bearer {fleet.tokens['mediator']}"}
    first = fleet.client.post(f"/api/help-requests/{HELP_ID}/ack", headers=headers)
    second = fleet.client.post(f"/api/help-requests/{HELP_ID}/ack", headers=headers)
    assert first.json()["request"]["acknowledged_by"] == "mediator"
    assert first.json()["command"]["name"] == "help_ack"
    assert fleet.mqtt.published == ["kiosk/v1/site-a/k-a/cmd/help_ack"]
    assert second.status_code == 409


def test_commands_are_checked_against_the_protocol(fleet: Fleet) -> None:
    headers = {"Authorization": f"Bearer {fleet.tokens['admin']}"}
    unknown = fleet.client.post("/api/kiosks/site-a/k-a/commands/self_destruct", headers=headers)
    bad_argument = fleet.client.post(
        "/api/kiosks/site-a/k-a/commands/restart", headers=headers, json={"force": "yes"}
    )
    forced = fleet.client.post(
        "/api/kiosks/site-a/k-a/commands/restart", headers=headers, json={"force": True}
    )
    missing = fleet.client.post("/api/kiosks/site-a/nowhere/commands/ping", headers=headers)
    assert (unknown.status_code, bad_argument.status_code, forced.status_code, missing.status_code) == (
        422,
        422,
        202,
        404,
    )
    assert forced.json()["arguments"] == {"force": True}


def login(client: TestClient, name: str, password: str = PASSWORD) -> Any:
    form = client.get("/connexion")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    return client.post("/connexion", data={"name": name, "password": password, "csrf_token": token.group(1)})


def test_a_browser_session_has_secure_cookies_and_needs_the_csrf_token(fleet: Fleet) -> None:
    response = login(fleet.client, "admin")
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert (
        "fleet_session=" in cookie
        and "HttpOnly" in cookie
        and "Secure" in cookie
        and "SameSite=strict" in cookie
    )
    page = fleet.client.get("/bornes/site-a/k-a")
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert csrf is not None

    forged = fleet.client.post("/api/kiosks/site-a/k-a/commands/ping")
    allowed = fleet.client.post(
        "/api/kiosks/site-a/k-a/commands/ping", headers={"X-CSRF-Token": csrf.group(1)}
    )
    form = fleet.client.post(
        "/bornes/site-a/k-a/commandes", data={"name": "ping", "csrf_token": csrf.group(1)}
    )
    assert (forged.status_code, allowed.status_code, form.status_code) == (403, 202, 303)

    fleet.client.post("/deconnexion", data={"csrf_token": csrf.group(1)})
    assert fleet.client.get("/flotte").status_code == 303


def test_a_wrong_password_is_refused_and_repeated_guesses_are_slowed(fleet: Fleet) -> None:
    assert "Nom ou mot de passe incorrect" in login(fleet.client, "admin", "not the password").text
    for _ in range(10):
        login(fleet.client, "admin", "still not it")
    assert login(fleet.client, "admin").status_code == 429


def test_login_without_its_form_token_is_refused(fleet: Fleet) -> None:
    response = fleet.client.post(
        "/connexion", data={"name": "admin", "password": PASSWORD, "csrf_token": "x"}
    )
    assert response.status_code == 400


def test_every_response_has_the_security_headers(fleet: Fleet) -> None:
    response = fleet.client.get("/connexion")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


def test_login_redirects_only_within_the_site(fleet: Fleet) -> None:
    form = fleet.client.get("/connexion")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    response = fleet.client.post(
        "/connexion",
        data={"name": "admin", "password": PASSWORD, "csrf_token": token.group(1), "next": "//evil.example/"},
    )
    assert response.headers["location"] == "/"
