"""Which screen class draws which screen kind; kinds not listed use the plain PageScreen."""

from __future__ import annotations

from screens.page import PageScreen
from screens.pin import PinScreen

#: Screen name (the journey's ScreenName value) -> the class that draws it.
SCREEN_CLASSES: dict[str, type[PageScreen]] = {"mediator_pin": PinScreen, "identity_can": PinScreen}


def screen_class(name: str) -> type[PageScreen]:
    return SCREEN_CLASSES.get(name, PageScreen)
