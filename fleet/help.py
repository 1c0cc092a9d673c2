"""Help requests: a citizen pressed "Appeler un conseiller"; the channel tells the mediators."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

logger = logging.getLogger(__name__)


class HelpReason(StrEnum):
    """Why a mediator is called; the value is what the fleet's messages carry."""

    HELP_BUTTON = "help_button"  #: the citizen pressed "Aide"
    NOT_FOUND = "not_found"  #: "Je ne trouve pas" in the catalogue
    SPEECH_UNAVAILABLE = "speech_unavailable"
    PRINTER_PAPER_OUT = "printer_paper_out"
    PRINTER_OFFLINE = "printer_offline"
    PRINTER_COVER_OPEN = "printer_cover_open"
    CARD_READER_MISSING = "card_reader_missing"
    SAFE_MODE = "safe_mode"  #: the kiosk crashed repeatedly and serves only the QR code and this call


@dataclass(frozen=True)
class HelpRequest:
    """Anonymous: which kiosk, which screen and procedure, why. Never who."""

    kiosk_id: str
    screen: str
    procedure_id: str | None
    reason: HelpReason
    #: The procedure's step on screen (its id in the content), when there is one.
    step: str | None = None


class HelpChannel(Protocol):
    """Sends help requests; must not block the caller (the UI thread calls it)."""

    def request_help(self, request: HelpRequest) -> None: ...


class LoggedHelpChannel:
    """The demo channel: help requests go to the log and are kept for inspection."""

    def __init__(self) -> None:
        self.sent: list[HelpRequest] = []

    def request_help(self, request: HelpRequest) -> None:
        self.sent.append(request)
        logger.info(
            "help requested at kiosk %s, screen %s, procedure %s (%s)",
            request.kiosk_id,
            request.screen,
            request.procedure_id,
            request.reason.value,
        )
