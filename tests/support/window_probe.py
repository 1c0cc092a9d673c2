"""Run as a script: starts the real KioskApp (demo site), prints where its window is, and quits."""

from __future__ import annotations

from kiosk.app import KioskApp
from kiosk.config import load_config


def main() -> None:
    from kivy.clock import Clock
    from kivy.core.window import Window

    app = KioskApp(load_config(), demo=True)

    def report(_dt: float) -> None:
        print(f"WINDOW {Window.left} {Window.top} {Window.size[0]} {Window.size[1]}", flush=True)
        app._quit()

    # After the first frames: the window has its final size and place.
    Clock.schedule_once(report, 0.5)
    app.run()


if __name__ == "__main__":
    main()
