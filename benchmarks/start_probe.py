"""Prints the seconds from the given start time to the first drawn frame of the kiosk's home screen."""

from __future__ import annotations

import sys
import time

from kiosk.bootstrap import prepare_kivy

prepare_kivy()

from kivy.core.window import Window  # noqa: E402

from kiosk.app import KioskApp  # noqa: E402
from kiosk.config import load_config  # noqa: E402


class StartProbe(KioskApp):
    """The real application, which stops itself once the home screen has been drawn."""

    def on_start(self) -> None:
        Window.bind(on_flip=self._drawn)

    def _drawn(self, *_args: object) -> None:
        if self.kiosk is not None and self.kiosk.root.page_name == "home":
            Window.unbind(on_flip=self._drawn)
            print(f"{time.time() - STARTED:.3f}")
            self._quit()


STARTED = float(sys.argv[1])
demo = load_config()
config = demo.model_copy(
    update={"display": demo.display.model_copy(update={"fullscreen": False, "size": (1080, 1920)})}
)
StartProbe(config, demo=True).run()
