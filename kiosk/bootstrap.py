"""Kivy's process-wide settings, applied before Kivy is first imported (by the app and the pilot)."""

from __future__ import annotations

import os


def prepare_kivy() -> None:
    """No command-line parsing by Kivy, its logs through Python logging, Escape never quits, no
    multi-touch emulation by the mouse, no multisampling, signals left to the application."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ.setdefault("KCFG_KIVY_LOG_LEVEL", "warning")
    # SDL would turn SIGTERM into a window close request, which the kiosk ignores: the
    # application handles the service manager's signals itself.
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    # Kivy asks for multisampling by default: four samples a pixel, which a kiosk drawn by its
    # processor (no graphics driver, or Xvfb) pays on every frame, for smoother edges the
    # screens' large flat shapes do not need. The environment can still ask for it.
    Config.set("graphics", "multisamples", os.environ.get("KCFG_GRAPHICS_MULTISAMPLES", "0"))
