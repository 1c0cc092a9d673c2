"""The screen the kiosk runs on: a virtual one (Xvfb) if the machine has none, what draws it, screenshots."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def virtual_display(size: str = "1920x1920x24") -> Iterator[str]:
    """Start Xvfb on a display number it picks itself (-displayfd) and point DISPLAY at it."""
    if shutil.which("Xvfb") is None:
        raise RuntimeError("Xvfb is missing: `make test` installs it (Debian package xvfb)")
    read_end, write_end = os.pipe()
    log = open(os.environ.get("KIOSK_XVFB_LOG", os.devnull), "ab")  # noqa: SIM115 - lives with Xvfb
    process = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", size, "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=log,
        stderr=log,
    )
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    if not number:
        process.kill()
        log.close()
        raise RuntimeError("Xvfb did not start")
    previous = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = f":{number}"
    try:
        yield os.environ["DISPLAY"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        if previous is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = previous


def screenshot(window: Any, path: Path, run_frames: Callable[[], None]) -> Path:
    """Save the next frame ``window`` draws to ``path`` (PNG); ``run_frames`` lets the app draw.

    The frame is read back while it is drawn (before the buffers swap), so what is saved is
    exactly what the screen shows.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    written: list[str] = []

    def capture(window: Any) -> None:
        name = str(path.resolve()).replace("{", "{{").replace("}", "}}")
        written.append(window.screenshot(name=name))

    window.bind(on_flip=capture)
    try:
        for _ in range(50):
            window.canvas.ask_update()
            run_frames()
            if written:
                break
    finally:
        window.unbind(on_flip=capture)
    if not written:
        raise RuntimeError("the window drew no frame to capture")
    # Window.screenshot adds a counter to the name it is given: move its file to ``path``.
    Path(written[0]).replace(path)
    return path


#: What Mesa, Google and Windows call the OpenGL renderers that draw on the processor.
SOFTWARE_RENDERERS = ("llvmpipe", "softpipe", "swrast", "software rasterizer", "swiftshader", "gdi generic")


def drawn_in_software(gl_renderer: str) -> bool:
    """Whether ``gl_renderer`` (OpenGL's GL_RENDERER string) draws on the processor, not a GPU."""
    name = gl_renderer.lower()
    return any(software in name for software in SOFTWARE_RENDERERS)


def renderer() -> str:
    """What draws Kivy's window, open in this process (OpenGL's GL_RENDERER)."""
    from kivy.graphics.opengl import GL_RENDERER, glGetString

    return bytes(glGetString(GL_RENDERER)).decode(errors="replace")


def print_renderer() -> None:
    """Open a hidden Kivy window on the current display and print what draws it.

    `kiosk doctor` runs this in a process of its own: a window that cannot open ends that process,
    not the doctor, and the kiosk's screen shows nothing of it.
    """
    from kiosk.bootstrap import prepare_kivy

    prepare_kivy()
    from kivy.config import Config

    Config.set("graphics", "window_state", "hidden")
    from kivy.core.window import Window

    print(renderer())
    Window.close()


def desktop_size() -> tuple[int, int] | None:
    """The size of the screen the window opens on (SDL's desktop mode), or None if unknown.

    Kivy does not expose it; SDL, which Kivy's window already started, does.
    """
    import ctypes
    import glob

    import kivy

    libraries = glob.glob(os.path.join(os.path.dirname(kivy.__path__[0]), "Kivy.libs", "libSDL2-*.so*"))
    if not libraries:
        return None

    class DisplayMode(ctypes.Structure):
        _fields_ = [
            ("format", ctypes.c_uint32),
            ("w", ctypes.c_int),
            ("h", ctypes.c_int),
            ("refresh_rate", ctypes.c_int),
            ("driverdata", ctypes.c_void_p),
        ]

    try:
        sdl = ctypes.CDLL(libraries[0])
        mode = DisplayMode()
        if sdl.SDL_GetDesktopDisplayMode(0, ctypes.byref(mode)) != 0 or mode.w <= 0 or mode.h <= 0:
            return None
    except OSError:
        return None
    return mode.w, mode.h


def fit_window(wanted: tuple[int, int], screen: tuple[int, int] | None) -> tuple[int, int]:
    """A window size no larger than ``screen`` (kept whole, with room for a window frame)."""
    if screen is None:
        return wanted
    margin = 48
    return min(wanted[0], screen[0] - margin), min(wanted[1], screen[1] - margin)
