"""The headless demo: walks one procedure on a virtual display and saves a screenshot per screen."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.testing import KioskPilot

#: The taps of the tour: a first identity card, from the welcome screen to the feedback faces.
TOUR = (
    "start", "theme_papiers", "procedure_carte-identite", "continue", "choice_premiere",
    "doc_yes", "doc_no", "doc_yes", "doc_yes", "continue", "continue",
    "receipt", "print", "show_qr", "finish", "face_3",
)


def tour(directory: Path, config: Path | None) -> list[Path]:
    shots: list[Path] = []
    with KioskPilot(size=(1080, 1920), config=config) as pilot:
        seen: dict[str, int] = {}
        for tap in (None, *TOUR):
            if tap is not None:
                try:
                    pilot.tap(tap)
                except LookupError:
                    pilot.tap(pilot.widgets()[0]["id"])
                pilot.wait(0.2)
            seen[pilot.screen] = seen.get(pilot.screen, 0) + 1
            shots.append(pilot.screenshot(directory / f"{len(shots) + 1:02d}-{pilot.screen}.png"))
    return shots


def main() -> int:
    parser = argparse.ArgumentParser(prog="kiosk-demo-tour")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--config", type=Path)
    arguments = parser.parse_args()
    shots = tour(arguments.directory, arguments.config)
    print(f"kiosk: the demo visited {len(shots)} screens; screenshots written:")
    for shot in shots:
        print(f"  {shot.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
