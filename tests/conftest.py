"""Test fixtures: a private Xvfb display for the GUI tests, artifacts folder, demo configuration."""

from __future__ import annotations

import os
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


@pytest.fixture(scope="session")
def display() -> Iterator[str]:
    """A virtual display shared by the GUI tests (Kivy keeps one window per process)."""
    from kiosk.testing import virtual_display

    with virtual_display() as name:
        yield name


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
