"""Run as a script: the real KioskApp with a fault planted in its main loop, as a bug would be.

``crashing_kiosk.py CONFIG`` starts the kiosk of that site configuration; once it is on screen,
a callback raises, and the process ends as the application decides (exit status 1).
"""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.app import KioskApp
from kiosk.config import load_config


class PlantedFault(RuntimeError):
    """The bug of this script (its message is never logged nor sent)."""


class CrashingKiosk(KioskApp):
    def on_start(self) -> None:
        super().on_start()
        from kivy.clock import Clock

        def fail(_dt: float) -> None:
            # A citizen's words in the message, as a bug could put them there.
            raise PlantedFault(" ".join(("EXEM" + "PLE", "Camille")))

        Clock.schedule_once(fail, 0.5)


def main() -> int:
    app = CrashingKiosk(load_config(Path(sys.argv[1])), demo=False)
    app.run()
    return 1 if app.crashed else 0


if __name__ == "__main__":
    sys.exit(main())
