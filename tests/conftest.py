"""Test fixtures: a private Xvfb display for the GUI tests, artifacts folder, demo configuration."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).parent / "artifacts"

# Kivy reads these when first imported: no argument parsing, logs through Python logging, and a
# private home so tests never write to the user's ~/.kivy.
os.environ["KIVY_NO_ARGS"] = "1"
os.environ["KIVY_NO_CONSOLELOG"] = "1"
os.environ["KIVY_LOG_MODE"] = "PYTHON"
os.environ["KIVY_HOME"] = tempfile.mkdtemp(prefix="kivy-home-")


def _start_xvfb() -> subprocess.Popen[bytes]:
    """Xvfb on a display number it picks itself (-displayfd), so parallel runs never collide."""
    if shutil.which("Xvfb") is None:
        pytest.exit("Xvfb is missing: run `make test`, which installs it", returncode=3)
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1920x1920x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    if not number:
        process.kill()
        pytest.exit("Xvfb did not start", returncode=3)
    os.environ["DISPLAY"] = f":{number}"
    return process


@pytest.fixture(scope="session")
def display() -> Iterator[str]:
    """A virtual display shared by the GUI tests (Kivy keeps one window per process)."""
    process = _start_xvfb()
    try:
        yield os.environ["DISPLAY"]
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
