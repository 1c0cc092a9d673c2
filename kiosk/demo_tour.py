"""The demo tour: walks one procedure through the pilot and saves a screenshot of each screen."""

from __future__ import annotations

from pathlib import Path

from kiosk.testing import KioskPilot

#: The taps of the tour: a first identity card, from the welcome screen to the feedback faces.
TOUR = (
    "start",
    "theme_papiers",
    "procedure_carte-identite",
    "continue",
    "choice_premiere",
    "doc_yes",
    "doc_no",
    "doc_yes",
    "doc_yes",
    "continue",
    "continue",
    "receipt",
    "print",
    "show_qr",
    "finish",
    "face_3",
)


def tour(directory: Path, config: Path | None) -> list[Path]:
    """Tap through ``TOUR`` (a site's own content may differ: then the first answer is taken)."""
    shots: list[Path] = []
    with KioskPilot(size=(1080, 1920), config=config) as pilot:
        for tap in (None, *TOUR):
            if tap is not None:
                try:
                    pilot.tap(tap)
                except LookupError:
                    pilot.tap(pilot.controller.page.actions[0].id)
                pilot.wait(0.2)
            shots.append(pilot.screenshot(directory / f"{len(shots) + 1:02d}-{pilot.screen}.png"))
    return shots
