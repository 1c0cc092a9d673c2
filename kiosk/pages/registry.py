"""Which page module draws which screen: the one table a new screen kind is added to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.journey.router import ScreenName
from kiosk.pages import (
    catalogue,
    definition,
    feedback,
    help_call,
    home,
    identity_can,
    identity_consent,
    identity_failed,
    identity_reading,
    identity_result,
    idle,
    keys,
    maintenance,
    mediator_menu,
    mediator_pin,
    mediator_preview,
    mediator_status,
    receipt,
    restarting,
    safe_mode,
    settings,
    step,
    summary,
)
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Page

#: Screen -> its renderer: (the flow's snapshot of that screen, the frame) -> Page.
RENDERERS: dict[ScreenName, Callable[[Any, Frame], Page]] = {
    ScreenName.HOME: home.render,
    ScreenName.SETTINGS: settings.render,
    ScreenName.CATALOGUE: catalogue.render,
    ScreenName.STEP: step.render,
    ScreenName.SUMMARY: summary.render,
    ScreenName.RECEIPT: receipt.render,
    ScreenName.IDENTITY_CONSENT: identity_consent.render,
    ScreenName.IDENTITY_CAN: identity_can.render,
    ScreenName.IDENTITY_READING: identity_reading.render,
    ScreenName.IDENTITY_RESULT: identity_result.render,
    ScreenName.IDENTITY_FAILED: identity_failed.render,
    ScreenName.FEEDBACK: feedback.render,
    ScreenName.HELP: help_call.render,
    ScreenName.KEYS: keys.render,
    ScreenName.DEFINITION: definition.render,
    ScreenName.IDLE: idle.render,
    ScreenName.MEDIATOR_PIN: mediator_pin.render,
    ScreenName.MEDIATOR_MENU: mediator_menu.render,
    ScreenName.MEDIATOR_PREVIEW: mediator_preview.render,
    ScreenName.MEDIATOR_STATUS: mediator_status.render,
    ScreenName.MAINTENANCE: maintenance.render,
    ScreenName.RESTARTING: restarting.render,
    ScreenName.SAFE_MODE: safe_mode.render,
}


def render(screen: ScreenName, view: object, frame: Frame) -> Page:
    """The page of ``screen``, drawn from its flow's snapshot ``view``."""
    return RENDERERS[screen](view, frame)
