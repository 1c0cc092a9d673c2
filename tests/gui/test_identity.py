"""A card read on the real app (issue 9): the simulated reader runs the real protocol (PACE,
secure messaging, passive authentication) against the in-process chip of the demo card."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.testing import KioskPilot

pytestmark = pytest.mark.gui


@pytest.fixture
def pilot(display: str) -> Iterator[KioskPilot]:
    with KioskPilot(size=(1080, 1920)) as running:
        yield running


def to_card_step(pilot: KioskPilot) -> None:
    for action in ("start", "topic_papiers", "procedure_carte-identite", "continue", "choice_renouvellement"):
        pilot.tap(action)
    for _ in range(20):
        if "read_card" in pilot.ids():
            return
        ids = [i for i in pilot.ids() if i.startswith(("doc_yes", "choice_")) or i == "continue"]
        pilot.tap(ids[0])
    raise AssertionError("no card step on the renewal path")


def type_can(pilot: KioskPilot, can: str) -> None:
    for digit in can:
        pilot.tap(f"can_{digit}")
    pilot.tap("can_ok")  # the read runs off the UI thread; the pilot settles when it is done


def test_a_wrong_code_then_the_right_one_reads_the_card_and_the_session_forgets_it(
    pilot: KioskPilot, artifacts: Path
) -> None:
    to_card_step(pilot)
    step = pilot.journey.session.run.step.id
    pilot.tap("read_card")
    assert pilot.screen == "identity_consent"
    pilot.tap("card_consent")
    assert pilot.screen == "identity_can"
    type_can(pilot, "111111")
    assert pilot.screen == "identity_failed" and "Le code n'est pas le bon." in pilot.texts()
    assert any(text.startswith("Attention : encore") for text in pilot.texts())
    pilot.tap("card_retype")
    type_can(pilot, "123456")
    assert pilot.screen == "identity_result"
    assert any("EXEMPLE" in text or "Exemple" in text for text in pilot.texts())
    assert pilot.kiosk.root.screen.image is not None, "the face is shown, so the citizen knows the card"
    pilot.screenshot(artifacts / "screens" / "identity-result.png")
    pilot.tap("card_confirm")
    assert pilot.screen == "step" and pilot.journey.session.run.step.id != step
    assert pilot.journey.session.identity_document is not None
    pilot.journey.end_session()
    pilot.settle()
    assert pilot.journey.session.identity_document is None
    assert not any("EXEMPLE" in text for text in pilot.texts())
