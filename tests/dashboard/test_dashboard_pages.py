"""The pages' accessibility rules that can be read from the HTML and CSS (WCAG 2.2 AA and better)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine
from starlette.routing import Route
from starlette.testclient import TestClient

from fleet.dashboard.records import (
    DeviceState,
    EventRecord,
    HealthUpdate,
    HelpRequestDetails,
    SessionStatistics,
)
from fleet.dashboard.roles import Role
from fleet.dashboard.store.accounts import add_user, create_token
from fleet.dashboard.store.writer import write_batch
from fleet.dashboard.web.app import STATIC, create_app
from fleet.dashboard.web.context import DashboardContext

from support.dashboard import PASSWORD

PAGES = ["/connexion", "/flotte", "/bornes/site-a/k1", "/mediation?site=site-a", "/alertes", "/usage"]


class PageAudit(HTMLParser):
    """Collects what the checks need: lang, labels, controls, headings, inline scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.labels: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.headings: list[int] = []
        self.inline_scripts = 0
        self.inline_styles = 0
        self.images_without_text = 0
        self.title = ""
        self._in_title = False
        self._in_script_without_src = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang") or ""
        if tag == "label" and values.get("for"):
            self.labels.add(values["for"] or "")
        if tag in ("input", "select", "textarea") and values.get("type") != "hidden":
            self.controls.append(values)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "script":
            self._in_script_without_src = not values.get("src")
        if "style" in values:
            self.inline_styles += 1
        if tag == "svg" and values.get("aria-hidden") != "true" and not values.get("aria-labelledby"):
            self.images_without_text += 1
        if tag == "img" and values.get("alt") is None:
            self.images_without_text += 1
        self._in_title = tag == "title" and not self.title

    def handle_data(self, data: str) -> None:
        if self._in_script_without_src and data.strip():
            self.inline_scripts += 1
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script_without_src = False
        if tag == "title":
            self._in_title = False


@pytest.fixture
def client(sqlite_engine: Engine) -> Iterator[TestClient]:
    add_user(sqlite_engine, "admin", Role.ADMIN, PASSWORD)
    token = create_token(sqlite_engine, "admin")
    now = 1_790_000_000.0
    devices = (DeviceState("printer", True, False, "paper_out"), DeviceState("card_reader", True, True, "ok"))
    help_request = HelpRequestDetails("passeport", "step-1", "help_button")
    session = SessionStatistics("passeport", 80.0, True, False, 3, "fr")
    write_batch(
        sqlite_engine,
        [
            HealthUpdate("site-a", "k1", now, 1, cpu_percent=20.0, disk_percent=40.0, devices=devices),
            HealthUpdate("site-a", "k1", now + 30, 2, cpu_percent=25.0, disk_percent=40.0),
            EventRecord("a" * 32, "site-a", "k1", "help_request", now, now, help_request=help_request),
            EventRecord("b" * 32, "site-a", "k1", "session", now, now, session=session),
        ],
    )
    context = DashboardContext(engine=sqlite_engine)
    with TestClient(create_app(context), base_url="https://testserver") as test_client:
        test_client.headers["Authorization"] = f"Bearer {token}"
        yield test_client


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_french_labelled_titled_and_without_inline_code(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    audit = PageAudit()
    audit.feed(response.text)
    assert audit.lang == "fr"
    assert audit.title.strip().endswith("Tableau de bord des bornes")
    unlabelled = [control for control in audit.controls if control.get("id") not in audit.labels]
    assert unlabelled == []
    assert audit.headings and audit.headings[0] == 1
    # No heading level is skipped on the way down (2 after 1, never 3 after 1).
    assert all(after <= before + 1 for before, after in zip(audit.headings, audit.headings[1:], strict=False))
    assert (audit.inline_scripts, audit.inline_styles, audit.images_without_text) == (0, 0, 0)
    assert 'class="skip-link" href="#contenu"' in response.text


def luminance(colour: str) -> float:
    channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4 for value in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def css_variables() -> dict[str, str]:
    css = (Path(STATIC) / "style.css").read_text()
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))


@pytest.mark.parametrize(
    ("foreground", "background", "minimum"),
    [
        ("text", "background", 7.0),
        ("muted", "background", 7.0),
        ("muted", "surface", 4.5),
        ("link", "background", 7.0),
        ("green-text", "green-background", 7.0),
        ("orange-text", "orange-background", 7.0),
        ("red-text", "red-background", 7.0),
        ("red-text", "background", 7.0),
        ("header", "background", 7.0),  # a secondary button's text
        ("border", "background", 3.0),  # field borders (WCAG 1.4.11)
        ("text", "focus", 7.0),  # the skip link
        ("focus", "header", 3.0),  # the focus ring on the dark header
    ],
)
def test_colour_pairs_have_enough_contrast(foreground: str, background: str, minimum: float) -> None:
    colours = css_variables()
    assert contrast(colours[foreground], colours[background]) >= minimum


def test_white_text_on_the_header_and_buttons_is_readable() -> None:
    assert contrast("#ffffff", css_variables()["header"]) >= 7.0


def test_a_focused_control_shows_a_visible_ring() -> None:
    css = (Path(STATIC) / "style.css").read_text()
    assert re.search(r":focus-visible\s*{[^}]*outline:\s*3px solid", css)
    assert "outline: none" not in css.replace("main:focus { outline: none; }", "")


def test_the_openapi_description_covers_every_api_route(client: TestClient) -> None:
    description = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "docs" / "dashboard-openapi.yaml").read_text()
    )
    documented = {(method.upper(), path) for path, item in description["paths"].items() for method in item}
    served = {
        (method, route.path)
        for route in client.app.routes  # type: ignore[attr-defined]
        if isinstance(route, Route) and route.path.startswith(("/api/", "/metrics", "/healthz"))
        for method in (route.methods or set()) - {"HEAD"}
    }
    assert documented == served
