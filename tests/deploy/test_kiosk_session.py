"""deploy/bin/kiosk-session with stand-ins for cage, xinit and the kiosk: the kiosk gets the
display and keeps the session's process id, so systemd takes its notifications (NotifyAccess=main)."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

KIOSK_SESSION = Path(__file__).resolve().parents[2] / "deploy/bin/kiosk-session"


class Session:
    """A kiosk-session run with a fake display server and a fake kiosk under ``tmp_path``."""

    def __init__(self, tmp_path: Path) -> None:
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        self.runtime = tmp_path / "run"
        self.runtime.mkdir(mode=0o700)
        self.report = tmp_path / "kiosk-report"
        self.server_arguments = tmp_path / "server-arguments"
        # The kiosk says its process id, its display and its arguments.
        self.script(
            "kiosk",
            f'echo "$$" "$DISPLAY" "${{WAYLAND_DISPLAY:-none}}" "$XDG_RUNTIME_DIR" "$*" > {self.report}',
        )

    def script(self, name: str, body: str) -> None:
        path = self.bin / name
        path.write_text(f"#!/bin/bash\n{body}\n")
        path.chmod(0o755)

    def cage(self, environment: str) -> None:
        """A stand-in for cage: notes its options, runs the client after ``--`` with ``environment``."""
        self.script(
            "cage",
            f'echo "$*" > {self.server_arguments}\n'
            'while [[ "$1" != -- ]]; do shift; done\n'
            f'shift\n{environment} exec "$@"',
        )

    def xinit(self, environment: str) -> None:
        """A stand-in for xinit: notes its arguments, runs the client before ``--``."""
        self.script(
            "xinit",
            f'echo "$*" > {self.server_arguments}\n'
            'client=()\nwhile [[ "$1" != -- ]]; do client+=("$1"); shift; done\n'
            f'{environment} exec "${{client[@]}}"',
        )

    def run(self, **settings: str) -> tuple[int, int, str]:
        """Run it to its end: (its process id, exit status, stderr). Leftovers are killed."""
        environment = {
            **os.environ,
            "PATH": f"{self.bin}:{os.environ['PATH']}",
            "RUNTIME_DIRECTORY": str(self.runtime),
            "KIOSK_COMMAND": str(self.bin / "kiosk"),
            **settings,
        }
        # A file, not a pipe: the placeholder that outlives the session keeps a pipe open.
        errors = self.runtime.parent / "stderr"
        with errors.open("w") as stderr:
            process = subprocess.Popen(
                [str(KIOSK_SESSION)], env=environment, stderr=stderr, start_new_session=True
            )
        try:
            process.wait(timeout=60)
        finally:
            # The placeholder client waits for ever, as it does under the real display server.
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return process.pid, process.returncode, errors.read_text()


@pytest.fixture
def session(tmp_path: Path) -> Session:
    return Session(tmp_path)


def test_on_cage_the_kiosk_replaces_the_session_and_draws_through_xwayland(session: Session) -> None:
    # cage passes the client its Wayland socket and, with Xwayland, an X display.
    session.cage("DISPLAY=:3 WAYLAND_DISPLAY=wayland-1")
    pid, status, errors = session.run()
    assert status == 0, errors
    reported_pid, display, wayland, runtime, arguments = session.report.read_text().split(" ", 4)
    assert int(reported_pid) == pid, "the kiosk must be the service's main process"
    assert (display, wayland, runtime) == (":3", "wayland-1", str(session.runtime))
    assert arguments.strip() == "run --config /etc/inclusive-kiosk/kiosk.toml"
    server = session.server_arguments.read_text().split()
    assert server[0] == "-d" and "-s" not in server, "no switching to another virtual terminal"


def test_cage_options_and_another_configuration_are_passed_on(session: Session) -> None:
    session.cage("DISPLAY=:0 WAYLAND_DISPLAY=wayland-0")
    _, status, errors = session.run(KIOSK_CAGE_OPTIONS="-r", KIOSK_CONFIG="/etc/inclusive-kiosk/other.toml")
    assert status == 0, errors
    assert session.server_arguments.read_text().split()[:3] == ["-d", "-r", "--"]
    assert (
        session.report.read_text().split(" ", 4)[4].strip() == "run --config /etc/inclusive-kiosk/other.toml"
    )


def test_on_x11_xinit_gets_a_locked_server_and_the_kiosk_its_display(session: Session) -> None:
    session.xinit("DISPLAY=:0")
    pid, status, errors = session.run(KIOSK_DISPLAY_SERVER="x11")
    assert status == 0, errors
    reported_pid, display, wayland, _, _ = session.report.read_text().split(" ", 4)
    assert (int(reported_pid), display, wayland) == (pid, ":0", "none")
    server = session.server_arguments.read_text().split(" -- ", 1)[1].split()
    for option in (":0", "vt1", "-novtswitch", "-nocursor", "-dpms"):
        assert option in server
    assert "-nolisten tcp" in " ".join(server) and "-nolisten local" in " ".join(server)


def test_cage_without_xwayland_is_a_clear_failure(session: Session) -> None:
    session.cage("WAYLAND_DISPLAY=wayland-0 DISPLAY=")
    _, status, errors = session.run()
    assert status == 1 and "xwayland" in errors
    assert not session.report.exists()


def test_a_display_server_that_dies_is_a_failure_systemd_restarts(session: Session) -> None:
    session.script("cage", "echo 'no screen' >&2; exit 1")
    _, status, errors = session.run()
    assert status == 1 and "the display server stopped while starting" in errors
    assert not session.report.exists()


def test_an_unknown_display_server_is_refused(session: Session) -> None:
    _, status, errors = session.run(KIOSK_DISPLAY_SERVER="weston")
    assert status == 2 and "cage or x11" in errors
