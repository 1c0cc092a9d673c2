"""deploy/install.sh on a throw-away root: every file in place, a second run that changes nothing,
a dry run that writes nothing, units that systemd accepts, a site configuration the kiosk loads."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.content import load_catalogue
from kiosk.glossary import load_glossary

REPOSITORY = Path(__file__).resolve().parents[2]
DEPLOY = REPOSITORY / "deploy"
INSTALL = DEPLOY / "install.sh"
CONTENT = Path("/var/lib/inclusive-kiosk/content")

#: Every file the install writes, by its path on the machine: (its source, its mode).
FILES: dict[str, tuple[Path, int]] = {
    "/etc/systemd/system/inclusive-kiosk.service": (DEPLOY / "systemd/inclusive-kiosk.service", 0o644),
    "/etc/systemd/system/inclusive-kiosk-content-update.service": (
        DEPLOY / "systemd/inclusive-kiosk-content-update.service",
        0o644,
    ),
    "/etc/systemd/system/inclusive-kiosk-content-update.timer": (
        DEPLOY / "systemd/inclusive-kiosk-content-update.timer",
        0o644,
    ),
    "/usr/lib/inclusive-kiosk/kiosk-session": (DEPLOY / "bin/kiosk-session", 0o755),
    "/usr/lib/inclusive-kiosk/content-update": (DEPLOY / "bin/content-update", 0o755),
    "/etc/pam.d/inclusive-kiosk": (DEPLOY / "pam/inclusive-kiosk", 0o644),
    "/etc/polkit-1/rules.d/60-inclusive-kiosk-pcscd.rules": (
        DEPLOY / "polkit/60-inclusive-kiosk-pcscd.rules",
        0o644,
    ),
    "/etc/udev/rules.d/60-kiosk-receipt-printer.rules": (
        DEPLOY / "udev/60-kiosk-receipt-printer.rules",
        0o644,
    ),
    "/etc/systemd/journald.conf.d/inclusive-kiosk.conf": (DEPLOY / "journald/inclusive-kiosk.conf", 0o644),
    "/etc/tmpfiles.d/inclusive-kiosk.conf": (DEPLOY / "tmpfiles/inclusive-kiosk.conf", 0o644),
    "/etc/sysusers.d/inclusive-kiosk.conf": (DEPLOY / "sysusers/inclusive-kiosk.conf", 0o644),
    "/etc/inclusive-kiosk/kiosk.toml": (DEPLOY / "config/kiosk.toml", 0o640),
    "/etc/inclusive-kiosk/content-update.conf": (DEPLOY / "config/content-update.conf", 0o644),
    "/usr/share/doc/inclusive-kiosk/deployment.md": (REPOSITORY / "docs/deployment.md", 0o644),
    "/usr/share/doc/inclusive-kiosk/privacy.md": (REPOSITORY / "docs/privacy.md", 0o644),
    "/usr/share/doc/inclusive-kiosk/configuration.md": (REPOSITORY / "docs/configuration.md", 0o644),
}
X11_DROP_IN = "/etc/systemd/system/inclusive-kiosk.service.d/x11-session.conf"
#: The data directories and their modes (as the tmpfiles.d entry gives them at boot).
DIRECTORIES = {
    "/var/lib/inclusive-kiosk": 0o750,
    "/var/lib/inclusive-kiosk/kivy": 0o700,
    "/var/lib/inclusive-kiosk/fleet": 0o700,
    "/var/lib/inclusive-kiosk/content": 0o755,
    "/var/lib/inclusive-kiosk/content/releases": 0o755,
}
#: The Makefile's packages a kiosk does not install: the tests' virtual display, virtual card
#: reader and browser, and the fleet's server side (broker, its clients, the dashboard's database).
NOT_ON_A_KIOSK = {
    "xvfb",
    "xauth",
    "vsmartcard-vpcd",
    "chromium",
    "chromium-driver",
    "mosquitto",
    "mosquitto-clients",
    "postgresql",
    "shellcheck",
    "systemd",  # the kiosk's own init system: there before the install
}


def install(root: Path | None, *options: str) -> list[str]:
    """Run install.sh (on ``root``, or on this machine when None); its output lines."""
    command = ["bash", str(INSTALL), *options]
    if root is not None:
        command[2:2] = ["--root", str(root), "--no-packages"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == "", result.stderr
    return result.stdout.splitlines()


def on(root: Path, path: str) -> Path:
    return root / path.lstrip("/")


def snapshot(root: Path) -> dict[str, tuple[object, ...]]:
    """Every path under ``root`` with its kind, mode, modification time and bytes or target."""
    found: dict[str, tuple[object, ...]] = {}
    for path in sorted(root.rglob("*")):
        status = path.lstat()
        if path.is_symlink():
            found[str(path)] = ("link", os.readlink(path))
        elif path.is_dir():
            found[str(path)] = ("directory", status.st_mode)
        else:
            found[str(path)] = ("file", status.st_mode, status.st_mtime_ns, path.read_bytes())
    return found


def shipped_release(root: Path) -> Path:
    return on(root, str(CONTENT / "current"))


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    install(root)
    return root


def test_every_file_lands_with_its_bytes_and_mode(installed: Path) -> None:
    for path, (source, mode) in FILES.items():
        target = on(installed, path)
        assert target.is_file(), f"{path} was not written"
        assert target.read_bytes() == source.read_bytes(), f"{path} differs from {source}"
        assert target.stat().st_mode & 0o7777 == mode, f"{path}: mode {oct(target.stat().st_mode)}"
    for path, mode in DIRECTORIES.items():
        assert on(installed, path).stat().st_mode & 0o7777 == mode, path
    assert not on(installed, X11_DROP_IN).exists(), "cage is the default session"


def test_the_shipped_procedures_are_the_first_content_release(installed: Path) -> None:
    current = shipped_release(installed)
    assert os.readlink(current).startswith("releases/shipped-")
    shipped = REPOSITORY / "kiosk/content"
    names = sorted(path.name for path in (shipped / "procedures").glob("*.yaml"))
    assert sorted(path.name for path in (current / "procedures").iterdir()) == names
    for name in names:
        assert (current / "procedures" / name).read_bytes() == (shipped / "procedures" / name).read_bytes()
    assert (current / "glossary.yaml").read_bytes() == (shipped / "glossary.yaml").read_bytes()
    catalogue = load_catalogue(current / "procedures")
    assert catalogue.errors == [] and len(catalogue.procedures) == len(names)
    assert load_glossary(current / "glossary.yaml").terms


def test_the_example_site_configuration_loads_and_reads_the_installed_content(installed: Path) -> None:
    config = load_config(on(installed, "/etc/inclusive-kiosk/kiosk.toml"))
    # The kiosk reads the content through the link that content-update moves.
    assert config.content_directory == CONTENT / "current" / "procedures"
    assert config.devices.card_reader.type == "pcsc"
    assert config.display.fullscreen
    assert config.fleet.broker_url.startswith("mqtts://"), "the fleet over TLS"
    assert config.kiosk_id != load_config().kiosk_id, "a site's file, not the demo's"


def test_the_boot_makes_the_same_data_directories_as_the_install() -> None:
    entries = [line.split() for line in (DEPLOY / "tmpfiles/inclusive-kiosk.conf").read_text().splitlines()]
    made = {entry[1]: int(entry[2], 8) for entry in entries if entry and entry[0] == "d"}
    assert made == DIRECTORIES
    assert {entry[3] for entry in entries if entry and entry[0] == "d"} == {"kiosk"}


def test_a_second_run_changes_nothing(installed: Path) -> None:
    before = snapshot(installed)
    lines = install(installed)
    assert snapshot(installed) == before
    changes = [line for line in lines if not line.startswith(("unchanged ", "skipped: ", "WARNING: "))]
    assert changes == []
    for path in FILES:
        assert f"unchanged {path}" in lines


def test_a_dry_run_writes_nothing_and_names_every_file(tmp_path: Path) -> None:
    root = tmp_path / "root"
    lines = install(root, "--dry-run")
    assert not root.exists()
    for path in FILES:
        assert f"would write {path} (new)" in lines
    links = [line for line in lines if line.startswith(f"would link {CONTENT}/current -> ")]
    assert len(links) == 1 and re.fullmatch(r".* -> releases/shipped-[0-9a-f]{8}", links[0]), links


def test_a_dry_run_on_an_installed_root_changes_nothing(installed: Path) -> None:
    kiosk_unit = on(installed, "/etc/systemd/system/inclusive-kiosk.service")
    kiosk_unit.write_text("[Unit]\n")
    before = snapshot(installed)
    lines = install(installed, "--dry-run")
    assert snapshot(installed) == before
    assert "would write /etc/systemd/system/inclusive-kiosk.service (changed)" in lines
    assert "unchanged /etc/pam.d/inclusive-kiosk" in lines


def test_a_changed_file_is_put_back_but_the_sites_configuration_is_kept(installed: Path) -> None:
    unit = on(installed, "/etc/systemd/system/inclusive-kiosk.service")
    unit.write_text("[Unit]\n")
    unit.chmod(0o600)
    config = on(installed, "/etc/inclusive-kiosk/kiosk.toml")
    config.write_text(config.read_text().replace("mairie-exempleville-accueil-1", "borne-2"))
    lines = install(installed)
    assert "wrote /etc/systemd/system/inclusive-kiosk.service (changed)" in lines
    assert unit.read_bytes() == FILES["/etc/systemd/system/inclusive-kiosk.service"][0].read_bytes()
    assert unit.stat().st_mode & 0o777 == 0o644
    assert any(line.startswith("kept /etc/inclusive-kiosk/kiosk.toml") for line in lines)
    assert load_config(config).kiosk_id == "borne-2"


def test_a_sites_own_content_is_never_replaced_by_the_shipped_one(installed: Path) -> None:
    content = on(installed, str(CONTENT))
    shutil.copytree(content / "current", content / "releases/20260101T000000Z-0badc0de", symlinks=True)
    (content / "current").unlink()
    (content / "current").symlink_to("releases/20260101T000000Z-0badc0de")
    lines = install(installed)
    assert os.readlink(content / "current") == "releases/20260101T000000Z-0badc0de"
    assert any(line.startswith(f"kept {CONTENT}/current") for line in lines)


def test_the_x11_session_adds_its_drop_in_and_cage_takes_it_away(installed: Path) -> None:
    lines = install(installed, "--session", "x11")
    drop_in = on(installed, X11_DROP_IN)
    assert drop_in.read_bytes() == (DEPLOY / "systemd/x11-session.conf").read_bytes()
    assert f"wrote {X11_DROP_IN} (new)" in lines
    lines = install(installed, "--session", "cage")
    assert not drop_in.exists()
    assert f"removed {X11_DROP_IN}" in lines


@pytest.mark.skipif(shutil.which("systemd-sysusers") is None, reason="systemd-sysusers is not installed")
def test_the_user_kiosk_goes_into_the_roots_passwd_once(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (root / "etc/group").write_text("root:x:0:\naudio:x:29:\n")
    install(root)
    (user,) = [line for line in (root / "etc/passwd").read_text().splitlines() if line.startswith("kiosk:")]
    assert user.split(":")[5:] == ["/var/lib/inclusive-kiosk", "/usr/sbin/nologin"]
    assert int(user.split(":")[2]) < 1000, "a system user"
    entries = [line.split(":") for line in (root / "etc/group").read_text().splitlines()]
    groups = {entry[0]: entry[3] for entry in entries}
    assert "kiosk" in groups  # the receipt printer's udev rule gives its printers to this group
    for group in ("audio", "video", "render"):
        assert "kiosk" in groups[group].split(","), group
    before = snapshot(root)
    assert "unchanged user kiosk" in install(root)
    assert snapshot(root) == before


def test_without_a_passwd_no_user_is_made(installed: Path) -> None:
    assert not on(installed, "/etc/passwd").exists()
    assert not on(installed, "/etc/group").exists()


def unit_settings(path: Path) -> dict[str, list[str]]:
    """A unit file's settings as "Section.Key" -> every value given (keys may repeat)."""
    settings: dict[str, list[str]] = {}
    section = ""
    for line in path.read_text().splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        elif line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings.setdefault(f"{section}.{key}", []).append(value)
    return settings


def test_the_kiosk_unit_restarts_a_frozen_or_dead_kiosk_and_stops_it_in_time() -> None:
    settings = unit_settings(DEPLOY / "systemd/inclusive-kiosk.service")
    expected = {
        "Service.Type": "notify",
        "Service.NotifyAccess": "main",
        "Service.WatchdogSec": "30",
        "Service.Restart": "always",
        "Service.RestartSec": "2",
        "Service.TimeoutStopSec": "10",
        "Service.KillSignal": "SIGTERM",
        "Service.KillMode": "mixed",
        "Service.User": "kiosk",
        "Service.NoNewPrivileges": "yes",
        "Service.ProtectSystem": "strict",
        "Service.ReadWritePaths": "/var/lib/inclusive-kiosk",
        "Service.ProtectHome": "yes",
        "Service.PrivateTmp": "yes",
        "Service.ExecStart": "/usr/lib/inclusive-kiosk/kiosk-session",
        # docs/privacy.md: what was read from a card never reaches the disk.
        "Service.LimitCORE": "0",
        "Service.MemorySwapMax": "0",
        "Unit.Wants": "pcscd.socket",
    }
    for key, value in expected.items():
        assert value in settings.get(key, []), f"{key}={value} missing: {settings.get(key)}"
    # Access to the screen, input, sound, the printer and the reader: no private /dev.
    assert "Service.PrivateDevices" not in settings


def test_the_content_update_runs_nightly_as_kiosk() -> None:
    service = unit_settings(DEPLOY / "systemd/inclusive-kiosk-content-update.service")
    assert service["Service.User"] == ["kiosk"]
    assert service["Service.ReadWritePaths"] == ["/var/lib/inclusive-kiosk/content"]
    assert service["Service.ExecStart"] == ["/usr/lib/inclusive-kiosk/content-update"]
    timer = unit_settings(DEPLOY / "systemd/inclusive-kiosk-content-update.timer")
    assert timer["Timer.Persistent"] == ["true"]
    assert timer["Install.WantedBy"] == ["timers.target"]


@pytest.mark.parametrize("session", ["cage", "x11"])
def test_systemd_accepts_the_units(tmp_path: Path, session: str) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed: the units' syntax is not checked by systemd")
    root = tmp_path / "root"
    install(root, "--session", session)
    # verify checks that each command exists on this machine: the units are copied with their
    # commands pointing into the throw-away root, and nothing else changed.
    units = tmp_path / "units"
    for path in on(root, "/etc/systemd/system").rglob("*"):
        if path.is_file():
            copy = units / path.relative_to(on(root, "/etc/systemd/system"))
            copy.parent.mkdir(parents=True, exist_ok=True)
            scripts = f"{on(root, '/usr/lib/inclusive-kiosk')}/"
            copy.write_text(path.read_text().replace("/usr/lib/inclusive-kiosk/", scripts))
    checked = sorted(str(path) for path in units.glob("*.*") if path.suffix in (".service", ".timer"))
    assert len(checked) == 3
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *checked], capture_output=True, text=True, timeout=60
    )
    # verify exits 0 even for an unknown key: any word from it is a problem.
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stdout + result.stderr
    if session == "x11":
        assert (units / "inclusive-kiosk.service.d/x11-session.conf").is_file()


def makefile_packages() -> set[str]:
    text = (REPOSITORY / "Makefile").read_text().replace("\\\n", " ")
    (line,) = [line for line in text.splitlines() if line.startswith("APT_PACKAGES :=")]
    return set(line.split(":=", 1)[1].split())


def listed_packages(session: str) -> set[str]:
    return set(install(None, "--list-packages", "--session", session))


def test_the_install_brings_every_runtime_package_of_the_makefile() -> None:
    runtime = makefile_packages() - NOT_ON_A_KIOSK
    for session in ("cage", "x11"):
        missing = runtime - listed_packages(session)
        assert not missing, (
            f"the Makefile installs {missing}, install.sh --session {session} does not: add it to "
            "install.sh's PACKAGES if a kiosk needs it, to NOT_ON_A_KIOSK here if it does not"
        )
        assert not listed_packages(session) & NOT_ON_A_KIOSK, "test tools or servers on a kiosk"
    assert {"cage", "xwayland"} <= listed_packages("cage")
    assert {"xinit", "xserver-xorg-core"} <= listed_packages("x11")
    assert "cage" not in listed_packages("x11")


def test_a_dry_run_on_this_machine_says_what_it_would_run_and_changes_nothing() -> None:
    if Path("/etc/inclusive-kiosk").exists() or Path("/opt/inclusive-kiosk").exists():
        pytest.skip("the kiosk is installed on this machine: its dry run is not a clean test")
    lines = install(None, "--dry-run", "--no-packages")
    assert not Path("/etc/inclusive-kiosk").exists() and not Path("/opt/inclusive-kiosk").exists()
    assert not Path("/var/lib/inclusive-kiosk").exists()
    assert "would run: python3 -m venv /opt/inclusive-kiosk/venv" in lines
    assert any(line.startswith("would run: systemd-sysusers ") for line in lines) or (
        "unchanged user kiosk" in lines
    )
    for unit in ("inclusive-kiosk.service", "inclusive-kiosk-content-update.timer"):
        assert f"would run: systemctl enable {unit}" in lines or f"unchanged: {unit} enabled" in lines
    for path in FILES:
        assert f"would write {path} (new)" in lines


@pytest.mark.parametrize(
    "script", ["install.sh", "bin/kiosk-session", "bin/content-update"], ids=lambda name: name
)
def test_shellcheck_finds_nothing(script: str) -> None:
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck)")
    result = subprocess.run(
        ["shellcheck", "--severity=style", str(DEPLOY / script)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout
