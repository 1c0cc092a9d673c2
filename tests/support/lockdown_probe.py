"""Run as a script: the real KioskApp (demo site) receives every key, gesture and close request
a curious hand could try; prints what is still standing, then leaves as the mediator does."""

from __future__ import annotations

import json

from kiosk.app import KioskApp
from kiosk.config import load_config

#: Key code and modifiers, as SDL hands them to Kivy (282 is F1, 283 F2, 285 F4, 319 the menu key).
ATTEMPTS = [
    ("Escape", 27, []),
    ("F1 (Kivy's settings)", 282, []),
    ("Menu key (Kivy's settings)", 319, []),
    ("Alt+F4", 285, ["alt"]),
    ("Alt+Tab", 9, ["alt"]),
    ("Ctrl+Alt+Delete", 127, ["ctrl", "alt"]),
    ("Ctrl+Alt+Backspace", 8, ["ctrl", "alt"]),
    ("Ctrl+Alt+F2", 283, ["ctrl", "alt"]),
    ("Ctrl+E (Kivy's inspector)", 101, ["ctrl"]),
    ("Ctrl+Q", 113, ["ctrl"]),
]


def main() -> None:
    from kivy.base import EventLoop
    from kivy.clock import Clock
    from kivy.config import Config
    from kivy.core.window import Window
    from kivy.uix.modalview import ModalView

    app = KioskApp(load_config(), demo=True)
    report: dict[str, object] = {}

    def attempt(_dt: float) -> None:
        for _name, key, modifiers in ATTEMPTS:
            Window.dispatch("on_key_down", key, 0, None, modifiers)
            Window.dispatch("on_keyboard", key, 0, None, modifiers)
            Window.dispatch("on_key_up", key, 0)
        report["close_request_ignored"] = bool(Window.dispatch("on_request_close"))
        Clock.schedule_once(check, 0.5)

    def check(_dt: float) -> None:
        report["running"] = EventLoop.status == "started" and not EventLoop.quit
        report["settings_opened"] = app._app_settings is not None
        report["popups"] = [type(child).__name__ for child in Window.children if isinstance(child, ModalView)]
        report["modules"] = Config.options("modules")
        report["screen"] = app.kiosk.root.page_name if app.kiosk else None
        print("LOCKDOWN " + json.dumps(report), flush=True)
        app._quit()

    Clock.schedule_once(attempt, 0.5)
    app.run()


if __name__ == "__main__":
    main()
