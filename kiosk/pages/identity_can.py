"""The card's 6 digits (the CAN), typed on a masked pad: shown as dots, never said."""

from __future__ import annotations

from kiosk.journey.identity import CAN_DIGITS, CanView, IdentityCommand
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action, Line, Page


def render(view: CanView, frame: Frame) -> Page:
    tr = frame.tr
    lines = [
        Line(tr("Regardez le devant de votre carte, en bas à droite."), "id_card"),
        Line(tr("Tapez les 6 chiffres écrits à cet endroit."), "info"),
    ]
    digits = [
        Action(f"can_{digit}", digit, None, IdentityCommand.DIGIT, digit, secret=True)
        for digit in "1234567890"
    ]
    actions = [
        *digits,
        Action("can_clear", tr("Effacer"), "no", IdentityCommand.CLEAR),
        Action(
            "can_ok", tr("Valider"), "yes", IdentityCommand.SUBMIT, enabled=view.digits_typed == CAN_DIGITS
        ),
        Action("card_by_hand", tr("Taper à la main"), "document", IdentityCommand.BY_HAND),
    ]
    return build_page(
        frame, tr("Le code de votre carte"), lines, actions, pictogram="lock", entry="●" * view.digits_typed
    )
