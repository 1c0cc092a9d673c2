"""Fixtures shared by every test module (loaded by tests/conftest.py as a pytest plugin)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from support.harness import Harness
from support.privacy import places_holding

ARTIFACTS = Path(__file__).parent.parent / "artifacts"


@pytest.fixture(scope="session")
def display() -> Iterator[str]:
    """A virtual display shared by the GUI tests (Kivy keeps one window per process)."""
    from kiosk.display import virtual_display

    with virtual_display() as name:
        yield name


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots for review go (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def harness() -> Iterator[Harness]:
    """The journey in plain Python, with the demo site."""
    running = Harness()
    yield running
    running.close()


@pytest.fixture
def kept() -> Callable[..., list[str]]:
    """``kept(obj, *texts)``: the places where ``obj`` still holds any of ``texts``."""
    return lambda root, *texts: places_holding(root, texts)
