"""The demo tour: walks one procedure on the real app and saves a screenshot of each screen.

`kiosk run --demo` takes it on a machine without a display (on a virtual one). It drives the
journey through the buttons' own actions, as a citizen's taps would send them.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.config import load_config

#: The buttons of the tour: a first identity card, from the welcome screen to the feedback faces.
TOUR = (
    "start",
    "topic_papiers",
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
#: Frames drawn after each button, so the screen is laid out before its screenshot.
FRAMES_PER_SCREEN = 3


def tour(directory: Path, config_path: Path | None, size: tuple[int, int] = (1080, 1920)) -> list[Path]:
    """Use each button of ``TOUR`` (a site's own content may differ: then the first one is used)."""
    from kiosk.bootstrap import prepare_kivy

    prepare_kivy()
    from kivy.base import EventLoop
    from kivy.core.window import Window

    from kiosk.app import assemble
    from kiosk.display import screenshot

    EventLoop.ensure_window()
    Window.size = size
    kiosk = assemble(load_config(config_path))
    Window.add_widget(kiosk.root)

    def settle() -> None:
        for _ in range(1000):
            EventLoop.idle()
            if not kiosk.jobs.pending:
                break
        for _ in range(FRAMES_PER_SCREEN):
            EventLoop.idle()

    shots: list[Path] = []
    try:
        for button in (None, *TOUR):
            if button is not None:
                page = kiosk.journey.page
                try:
                    action = page.action(button)
                except LookupError:
                    action = page.actions[0]
                kiosk.dispatch(action, touched=True)
            settle()
            name = f"{len(shots) + 1:02d}-{kiosk.journey.page.name}.png"
            shots.append(screenshot(Window, directory / name, EventLoop.idle))
    finally:
        Window.remove_widget(kiosk.root)
        kiosk.close()
    return shots
