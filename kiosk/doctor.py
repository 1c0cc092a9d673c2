"""`kiosk doctor`: is this machine ready to be a kiosk? One line per part, with a plain remedy."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import Enum
from urllib.parse import urlsplit

from kiosk.config import SiteConfig


class Verdict(Enum):
    OK = "ok"
    WARNING = "warning"  #: works, but something should be looked at
    PROBLEM = "problem"  #: does not work: the kiosk runs without it (or not at all)


@dataclass(frozen=True)
class Check:
    part: str
    verdict: Verdict
    finding: str
    #: What to do about it ("" when all is well).
    remedy: str = ""


def check_speech(config: SiteConfig) -> list[Check]:
    """The speech engine, a voice for each offered language, and something to play the sound."""
    from accessibility.speech import Pyttsx3Engine

    engine = Pyttsx3Engine()
    try:
        if not engine.can_synthesise:
            return [
                Check(
                    "speech",
                    Verdict.PROBLEM,
                    engine.unavailable_reason,
                    "install espeak-ng (Debian package espeak-ng); `make run` installs it",
                )
            ]
        checks = []
        for language in config.languages.offered:
            voice = engine.voice_for(language)
            checks.append(
                Check(f"speech: voice {language}", Verdict.OK, str(voice))
                if voice
                else Check(
                    f"speech: voice {language}",
                    Verdict.WARNING,
                    f"no espeak-ng voice for '{language}': read with the French voice",
                    "install the espeak-ng voice for this language, or stop offering it",
                )
            )
        if engine.available:
            checks.append(Check("speech: audio", Verdict.OK, " ".join(engine.player or [])))
        else:
            checks.append(
                Check(
                    "speech: audio",
                    Verdict.PROBLEM,
                    engine.unavailable_reason,
                    "install alsa-utils (aplay) and check the sound card: `aplay -l` lists it",
                )
            )
        return checks
    finally:
        engine.close()


def check_content(config: SiteConfig, max_age: dt.timedelta) -> list[Check]:
    from kiosk.content import DEFAULT_CONTENT_DIR, load_catalogue

    directory = config.content_directory or DEFAULT_CONTENT_DIR
    catalogue = load_catalogue(directory)
    checks = []
    if catalogue.errors:
        first = catalogue.errors[0]
        checks.append(
            Check(
                "content",
                Verdict.PROBLEM,
                f"{len(catalogue.errors)} problem(s), first: {first}",
                f"run `kiosk content check {directory}` and fix each file it names",
            )
        )
    else:
        checks.append(
            Check(
                "content", Verdict.OK, f"{len(catalogue.procedures)} procedures, version {catalogue.version}"
            )
        )
    stale = catalogue.stale(dt.date.today(), max_age)
    oldest = catalogue.oldest_check
    if stale and oldest:
        checks.append(
            Check(
                "content: freshness",
                Verdict.WARNING,
                f"{len(stale)} procedure(s) checked more than {max_age.days} days ago, "
                f"oldest {oldest.strftime('%d/%m/%Y')}",
                "check them again on their official page (docs/content.md, 'Keeping facts fresh')",
            )
        )
    return checks


def check_display(environment: dict[str, str] | None = None) -> list[Check]:
    environment = dict(os.environ) if environment is None else environment
    if environment.get("DISPLAY") or environment.get("WAYLAND_DISPLAY"):
        return [
            Check("display", Verdict.OK, environment.get("DISPLAY") or environment.get("WAYLAND_DISPLAY", ""))
        ]
    remedy = "start the kiosk session (docs/deployment.md); `kiosk run --demo` uses Xvfb by itself"
    if shutil.which("Xvfb") is None:
        remedy += "; Xvfb is not installed either (Debian package xvfb)"
    return [Check("display", Verdict.PROBLEM, "no DISPLAY or WAYLAND_DISPLAY", remedy)]


def check_graphics(environment: dict[str, str] | None = None, timeout: float = 30.0) -> list[Check]:
    """What draws the screen: a graphics chip, or the processor (every frame then takes longer)."""
    from kiosk.display import drawn_in_software

    environment = dict(os.environ) if environment is None else environment
    if not environment.get("DISPLAY"):
        return []  # the display check says there is no screen; the kiosk draws through X only
    # A Kivy of its own, in a throw-away home (its configuration and logs go there), through X as
    # the kiosk draws: SDL would otherwise fall back to drawing off screen, always in software.
    with tempfile.TemporaryDirectory(prefix="kiosk-doctor-") as home:
        try:
            probe = subprocess.run(
                [sys.executable, "-c", "from kiosk.display import print_renderer; print_renderer()"],
                env={**environment, "KIVY_HOME": home, "SDL_VIDEODRIVER": "x11"},
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            probe = None
    answer = probe.stdout.strip().splitlines() if probe is not None and probe.returncode == 0 else []
    if not answer:
        said = probe.stderr.strip().splitlines() if probe is not None else []
        reason = said[-1] if said else f"no answer within {timeout:.0f} s"
        return [
            Check(
                "graphics",
                Verdict.WARNING,
                f"could not open a window to ask what draws the screen: {reason}",
                "check the kiosk's display session (docs/deployment.md, 'The session')",
            )
        ]
    renderer = answer[-1]
    if drawn_in_software(renderer):
        return [
            Check(
                "graphics",
                Verdict.WARNING,
                f"drawn by the processor, not a graphics chip ({renderer}): "
                "every screen changes more slowly, the more so on a large screen",
                "install the driver of this machine's graphics chip (docs/deployment.md, 'Before you start')",
            )
        ]
    return [Check("graphics", Verdict.OK, renderer)]


#: The port of each broker URL scheme when the URL names none.
BROKER_PORTS = {"mqtt": 1883, "mqtts": 8883, "ws": 80, "wss": 443}
#: What to do about each printer health code, for the technician.
PRINTER_REMEDIES = {
    "paper_out": "load a paper roll",
    "paper_near_end": "load a paper roll soon",
    "cover_open": "close the printer's cover",
    "offline": "check the printer's error light; switch it off and on",
    "connection_refused": "check the printer is on and its address and port (devices.printer.url)",
    "unknown_host": "check the printer's host name in devices.printer.url",
    "timeout": "check the printer is on and reachable from this machine",
    "not_found": "check the USB cable or the device path in devices.printer.url",
    "permission_denied": "install the udev rule (deploy/udev/, docs/printer.md)",
    "driver_missing": "pip install pyusb pyserial (and Debian's libusb-1.0-0)",
}
#: What to do about each card reader health code.
READER_REMEDIES = {
    "driver_missing": "install and start pcscd (Debian packages pcscd, libccid)",
    "no_reader": "plug the contactless reader in; `kiosk card readers` lists what pcscd sees",
}


def check_printer(config: SiteConfig, url: str | None = None) -> list[Check]:
    """The receipt printer answers and can print now (its status, read back where it can be)."""
    from devices.health import printer_health
    from devices.printer.factory import create_printer

    address = url or config.devices.printer.url
    try:
        printer = create_printer(address, config.devices.printer.paper_mm)
    except ValueError as error:
        return [Check("printer", Verdict.PROBLEM, str(error), "fix devices.printer.url (docs/printer.md)")]
    health = printer_health(printer)
    if health.ready:
        verdict = Verdict.WARNING if health.detail == "paper_near_end" else Verdict.OK
        return [
            Check("printer", verdict, f"{address}: {health.detail}", PRINTER_REMEDIES.get(health.detail, ""))
        ]
    remedy = PRINTER_REMEDIES.get(health.detail, "see docs/printer.md, 'When it does not print'")
    return [Check("printer", Verdict.PROBLEM, f"{address}: {health.detail}", remedy)]


def check_card_reader(config: SiteConfig) -> list[Check]:
    """The identity-card reader: its driver answers and a reader is plugged in."""
    from devices.health import card_reader_health
    from kiosk.hardware import build_card_reader

    kind = config.devices.card_reader.type
    if kind == "none":
        return [Check("card reader", Verdict.OK, "not used (devices.card_reader.type = none)")]
    health = card_reader_health(build_card_reader(config))
    if health.ready:
        return [Check("card reader", Verdict.OK, kind)]
    return [
        Check(
            "card reader", Verdict.PROBLEM, f"{kind}: {health.detail}", READER_REMEDIES.get(health.detail, "")
        )
    ]


def check_broker(config: SiteConfig, timeout: float = 3.0) -> list[Check]:
    """The fleet's MQTT broker accepts a connection (only when the fleet is enabled)."""
    fleet = config.fleet
    if not fleet.enabled:
        return [Check("fleet broker", Verdict.OK, "fleet reporting is off (fleet.enabled = false)")]
    parts = urlsplit(fleet.broker_url)
    host, port = parts.hostname or "", parts.port or BROKER_PORTS[parts.scheme]
    address = f"{host}:{port}"
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as error:
        return [
            Check(
                "fleet broker",
                Verdict.PROBLEM,
                f"{address}: {error.strerror or type(error).__name__}",
                "check the broker's address in [fleet] and that this machine may reach it (docs/fleet.md)",
            )
        ]
    return [Check("fleet broker", Verdict.OK, address)]


def examine(config: SiteConfig, max_age: dt.timedelta, printer_url: str | None = None) -> list[Check]:
    """Every check of ``kiosk doctor``, in the order a technician fixes things."""
    return run_checks(
        [
            check_display,
            check_graphics,
            lambda: check_speech(config),
            lambda: check_content(config, max_age),
            lambda: check_printer(config, printer_url),
            lambda: check_card_reader(config),
            lambda: check_broker(config),
        ]
    )


def run_checks(checks: list[Callable[[], list[Check]]]) -> list[Check]:
    """Every check, each protected: a check that fails by itself is one more problem, not a crash."""
    found: list[Check] = []
    for check in checks:
        try:
            found += check()
        except Exception as error:  # noqa: BLE001 - the doctor reports, it never falls over
            found.append(
                Check(
                    getattr(check, "__name__", "check"), Verdict.PROBLEM, f"{type(error).__name__}: {error}"
                )
            )
    return found


def table(checks: list[Check]) -> str:
    """The checks as a plain table, a remedy under each problem."""
    width = max((len(check.part) for check in checks), default=4)
    lines = []
    for check in checks:
        lines.append(f"{check.verdict.value.upper():<8} {check.part:<{width}}  {check.finding}")
        if check.remedy:
            lines.append(f"{'':<8} {'':<{width}}  -> {check.remedy}")
    return "\n".join(lines)


def as_json(checks: list[Check]) -> list[dict[str, str]]:
    return [{**asdict(check), "verdict": check.verdict.value} for check in checks]


def healthy(checks: list[Check]) -> bool:
    return all(check.verdict is not Verdict.PROBLEM for check in checks)
