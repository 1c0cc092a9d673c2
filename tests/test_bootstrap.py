"""Kivy's process-wide settings: multisampling off unless the environment asks for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kivy.config import Config

from kiosk.bootstrap import prepare_kivy


@pytest.fixture
def multisamples() -> Iterator[None]:
    before = Config.get("graphics", "multisamples")
    yield
    Config.set("graphics", "multisamples", before)


def test_multisampling_is_off_by_default(multisamples: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KCFG_GRAPHICS_MULTISAMPLES", raising=False)
    Config.set("graphics", "multisamples", "2")
    prepare_kivy()
    assert Config.getint("graphics", "multisamples") == 0


def test_the_environment_can_ask_for_multisampling(
    multisamples: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IT staff whose kiosks have a graphics chip may want smoother edges (deployment.md)."""
    monkeypatch.setenv("KCFG_GRAPHICS_MULTISAMPLES", "4")
    prepare_kivy()
    assert Config.getint("graphics", "multisamples") == 4
